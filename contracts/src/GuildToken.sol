// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title GuildToken: a Guildhall community's contribution token.
/// @notice ERC20 with permit and votes, clocked by timestamps (ERC-6372). Rewards are minted by
/// MINTER_ROLE, in batches whose id can be used once only, so a batch is never minted twice whatever
/// happens to the backend that sends it. A holder with no delegate is delegated to itself on first
/// receipt, so every member can vote from the first token; an explicit delegation is never changed.
contract GuildToken is ERC20, ERC20Permit, ERC20Votes, AccessControl {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice Whether a batch id has been minted.
    mapping(bytes32 batchId => bool) public batchMinted;

    /// @notice One reward batch was minted: `count` transfers totalling `total` base units.
    event RewardBatchMinted(bytes32 indexed batchId, uint256 count, uint256 total);

    error BatchAlreadyMinted(bytes32 batchId);
    error BatchLengthMismatch(uint256 recipients, uint256 amounts);
    error EmptyBatch();

    /// @param admin holds DEFAULT_ADMIN_ROLE (a community's timelock, so only governance changes roles).
    /// @param minters each get MINTER_ROLE (the timelock for governance grants, the operator for rewards).
    constructor(string memory name_, string memory symbol_, address admin, address[] memory minters)
        ERC20(name_, symbol_)
        ERC20Permit(name_)
    {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        for (uint256 i; i < minters.length; ++i) {
            _grantRole(MINTER_ROLE, minters[i]);
        }
    }

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @notice Mints `amounts[i]` to `to[i]` for every i, once per `batchId`.
    function mintBatch(bytes32 batchId, address[] calldata to, uint256[] calldata amounts)
        external
        onlyRole(MINTER_ROLE)
    {
        uint256 n = to.length;
        if (n != amounts.length) revert BatchLengthMismatch(n, amounts.length);
        if (n == 0) revert EmptyBatch();
        if (batchMinted[batchId]) revert BatchAlreadyMinted(batchId);
        batchMinted[batchId] = true;
        uint256 total;
        for (uint256 i; i < n; ++i) {
            _mint(to[i], amounts[i]);
            total += amounts[i];
        }
        emit RewardBatchMinted(batchId, n, total);
    }

    /// @notice The ERC-6372 clock: timestamps, so governance periods are in seconds.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice The ERC-6372 clock mode.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
        if (to != address(0) && value != 0 && delegates(to) == address(0)) {
            _delegate(to, to);
        }
    }
}
