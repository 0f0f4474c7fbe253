// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title ContractWallet: a smart-contract wallet for tests only, never deployed by Guildhall.
/// @notice It holds tokens like any member and accepts a signature when its owner's key made it
/// (ERC-1271), as smart-account wallets do, so tests can sign in and vote as a contract wallet.
contract ContractWallet is Ownable, IERC1271 {
    constructor(address owner_) Ownable(owner_) {}

    function isValidSignature(bytes32 hash, bytes memory signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        if (err == ECDSA.RecoverError.NoError && signer == owner()) {
            return IERC1271.isValidSignature.selector;
        }
        return 0xffffffff;
    }
}
