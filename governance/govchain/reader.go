// Package govchain is governance's side of the chain: it reads a community's governor and token
// (state, timepoints, tallies, quorum, nonces, voting power, EIP-712 domains), encodes built
// proposal actions, and checks and relays gasless ballots and delegations and issuer proposals
// through a Relayer (the operator's one sender).
package govchain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/governance"
)

// Backend is what govchain needs from a chain node; chain.Client satisfies it.
type Backend interface {
	CallContract(ctx context.Context, msg ethereum.CallMsg, blockNumber *big.Int) ([]byte, error)
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	EstimateGas(ctx context.Context, msg ethereum.CallMsg) (uint64, error)
}

var (
	governorABI = guildgovernor.NewGuildGovernor()
	tokenABI    = guildtoken.NewGuildToken()
)

// HashCaller runs a call at a block named by its hash (EIP-1898), whether or not that block is
// still canonical. *ethclient.Client (and so the simulated backend's client) has it.
type HashCaller interface {
	CallContractAtHash(ctx context.Context, msg ethereum.CallMsg, blockHash common.Hash) ([]byte, error)
}

// Reader reads governance facts from the chain. Calls take a block: nil is the head. It caches
// the contracts' EIP-712 domains (they cannot change) and is safe for concurrent use.
type Reader struct {
	backend Backend
	domains *sync.Map // common.Address -> governance.Domain
	// atHash, when set, pins every call to that block (see AtHash): the block numbers callers
	// pass are ignored.
	atHash *common.Hash
}

// NewReader returns a Reader over backend.
func NewReader(backend Backend) *Reader { return &Reader{backend: backend, domains: &sync.Map{}} }

// AtHash returns a Reader whose calls all run at the block with hash h, whatever block number
// they are given, so several reads describe exactly that block even if the chain reorganizes
// between them. ok is false when the backend cannot call at a block hash.
func (r *Reader) AtHash(h common.Hash) (pinned *Reader, ok bool) {
	if _, ok := r.backend.(HashCaller); !ok {
		return nil, false
	}
	return &Reader{backend: r.backend, domains: r.domains, atHash: &h}, true
}

// Contracts are a community's governor and token.
type Contracts struct {
	Governor, Token common.Address
}

// ContractsOf returns c's contract addresses.
func ContractsOf(c *guildhall.Community) Contracts {
	return Contracts{Governor: common.HexToAddress(c.GovernorAddress), Token: common.HexToAddress(c.TokenAddress)}
}

func (r *Reader) call(ctx context.Context, to common.Address, data []byte, block *big.Int) ([]byte, error) {
	return r.callMsg(ctx, ethereum.CallMsg{To: &to, Data: data}, block)
}

// callMsg is call with the whole message (a gas limit, say).
func (r *Reader) callMsg(ctx context.Context, msg ethereum.CallMsg, block *big.Int) ([]byte, error) {
	var out []byte
	var err error
	if r.atHash != nil {
		out, err = r.backend.(HashCaller).CallContractAtHash(ctx, msg, *r.atHash)
	} else {
		out, err = r.backend.CallContract(ctx, msg, block)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ErrUnknownProposal is returned (as an ENOTFOUND *guildhall.Error) for a proposal id the
// governor does not know.
func unknownProposal(pid *big.Int) error {
	return guildhall.Errorf(guildhall.ENOTFOUND, "proposal %s does not exist on this community's governor", pid)
}

// Timeline reads a proposal's state and timepoints at block. A proposal the governor does not
// know is an ENOTFOUND *guildhall.Error.
func (r *Reader) Timeline(ctx context.Context, gov common.Address, pid *big.Int, block *big.Int) (governance.Timeline, error) {
	out, err := r.call(ctx, gov, governorABI.PackState(pid), block)
	if err != nil {
		if data, ok := chain.RevertData(err); ok {
			if isSelector(data, "GovernorNonexistentProposal") {
				return governance.Timeline{}, unknownProposal(pid)
			}
		}
		return governance.Timeline{}, fmt.Errorf("read state of proposal %s: %w", pid, err)
	}
	st, err := governorABI.UnpackState(out)
	if err != nil {
		return governance.Timeline{}, fmt.Errorf("decode state: %w", err)
	}
	t := governance.Timeline{State: governance.State(st)}
	for _, q := range []struct {
		data []byte
		dst  *uint64
		name string
	}{
		{governorABI.PackProposalSnapshot(pid), &t.Snapshot, "snapshot"},
		{governorABI.PackProposalDeadline(pid), &t.Deadline, "deadline"},
		{governorABI.PackProposalEta(pid), &t.ETA, "eta"},
	} {
		out, err := r.call(ctx, gov, q.data, block)
		if err != nil {
			return governance.Timeline{}, fmt.Errorf("read %s of proposal %s: %w", q.name, pid, err)
		}
		v := new(big.Int).SetBytes(out)
		*q.dst = v.Uint64()
	}
	return t, nil
}

// ProposalVotes reads proposalVotes(pid) at block.
func (r *Reader) ProposalVotes(ctx context.Context, gov common.Address, pid *big.Int, block *big.Int) (governance.Votes, error) {
	out, err := r.call(ctx, gov, governorABI.PackProposalVotes(pid), block)
	if err != nil {
		return governance.Votes{}, fmt.Errorf("read proposalVotes(%s): %w", pid, err)
	}
	v, err := governorABI.UnpackProposalVotes(out)
	if err != nil {
		return governance.Votes{}, fmt.Errorf("decode proposalVotes: %w", err)
	}
	return governance.Votes{For: v.ForVotes, Against: v.AgainstVotes, Abstain: v.AbstainVotes}, nil
}

// uint256Call runs a call whose result is one uint256.
func (r *Reader) uint256Call(ctx context.Context, to common.Address, data []byte, block *big.Int, what string) (*big.Int, error) {
	out, err := r.call(ctx, to, data, block)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if len(out) < 32 {
		return nil, fmt.Errorf("read %s: short answer (%d bytes): is the address a Guildhall contract?", what, len(out))
	}
	return new(big.Int).SetBytes(out[:32]), nil
}

// Balance reads the token's balanceOf(account) at block (nil: the head).
func (r *Reader) Balance(ctx context.Context, token, account common.Address, block *big.Int) (*big.Int, error) {
	return r.uint256Call(ctx, token, tokenABI.PackBalanceOf(account), block, "balanceOf")
}

// Quorum reads quorum(timepoint) at block. The governor refuses a timepoint that is not in the
// past (ERC5805FutureLookup); ok is false then.
func (r *Reader) Quorum(ctx context.Context, gov common.Address, timepoint uint64, block *big.Int) (q *big.Int, ok bool, err error) {
	return r.pastLookup(ctx, gov, governorABI.PackQuorum(new(big.Int).SetUint64(timepoint)), block, "quorum")
}

// PastTotalSupply reads the token's getPastTotalSupply(timepoint) at block; ok is false for a
// timepoint that is not in the past yet.
func (r *Reader) PastTotalSupply(ctx context.Context, token common.Address, timepoint uint64, block *big.Int) (*big.Int, bool, error) {
	return r.pastLookup(ctx, token, tokenABI.PackGetPastTotalSupply(new(big.Int).SetUint64(timepoint)), block, "getPastTotalSupply")
}

func (r *Reader) pastLookup(ctx context.Context, to common.Address, data []byte, block *big.Int, what string) (*big.Int, bool, error) {
	v, err := r.uint256Call(ctx, to, data, block, what)
	if err != nil {
		if rd, ok := chain.RevertData(errors.Unwrap(err)); ok && isSelector(rd, "ERC5805FutureLookup") {
			return nil, false, nil
		}
		return nil, false, err
	}
	return v, true, nil
}

// TotalSupply reads the token's totalSupply() at block.
func (r *Reader) TotalSupply(ctx context.Context, token common.Address, block *big.Int) (*big.Int, error) {
	return r.uint256Call(ctx, token, tokenABI.PackTotalSupply(), block, "totalSupply")
}

// QuorumNumerator reads the governor's current quorumNumerator() at block.
func (r *Reader) QuorumNumerator(ctx context.Context, gov common.Address, block *big.Int) (*big.Int, error) {
	return r.uint256Call(ctx, gov, governorABI.PackQuorumNumerator0(), block, "quorumNumerator")
}

// Votes reads the governor's getVotes(account, timepoint): voting power at a past timepoint.
func (r *Reader) Votes(ctx context.Context, gov, account common.Address, timepoint uint64) (*big.Int, error) {
	return r.uint256Call(ctx, gov, governorABI.PackGetVotes(account, new(big.Int).SetUint64(timepoint)), nil, "getVotes")
}

// HasVoted reads hasVoted(pid, account) at the head.
func (r *Reader) HasVoted(ctx context.Context, gov common.Address, pid *big.Int, account common.Address) (bool, error) {
	out, err := r.call(ctx, gov, governorABI.PackHasVoted(pid, account), nil)
	if err != nil {
		return false, fmt.Errorf("read hasVoted: %w", err)
	}
	return governorABI.UnpackHasVoted(out)
}

// Nonce reads nonces(account) of the governor or token at the head.
func (r *Reader) Nonce(ctx context.Context, contract, account common.Address) (*big.Int, error) {
	// The governor's and the token's nonces(address) share a selector.
	return r.uint256Call(ctx, contract, governorABI.PackNonces(account), nil, "nonces")
}

// Domain reads a governor's or token's eip712Domain() (ERC-5267), once per contract.
func (r *Reader) Domain(ctx context.Context, contract common.Address) (governance.Domain, error) {
	if d, ok := r.domains.Load(contract); ok {
		return d.(governance.Domain), nil
	}
	out, err := r.call(ctx, contract, governorABI.PackEip712Domain(), nil)
	if err != nil {
		return governance.Domain{}, fmt.Errorf("read eip712Domain of %s: %w", contract.Hex(), err)
	}
	v, err := governorABI.UnpackEip712Domain(out)
	if err != nil {
		return governance.Domain{}, fmt.Errorf("decode eip712Domain: %w", err)
	}
	d := governance.Domain{Name: v.Name, Version: v.Version, ChainID: v.ChainId, VerifyingContract: v.VerifyingContract}
	r.domains.Store(contract, d)
	return d, nil
}

// Head returns the head block's header.
func (r *Reader) Head(ctx context.Context) (*types.Header, error) {
	return r.Header(ctx, nil)
}

// Header returns the canonical header at number (nil: the head).
func (r *Reader) Header(ctx context.Context, number *big.Int) (*types.Header, error) {
	h, err := r.backend.HeaderByNumber(ctx, number)
	if err != nil {
		if number == nil {
			return nil, fmt.Errorf("read head: %w", err)
		}
		return nil, fmt.Errorf("read header %s: %w", number, err)
	}
	return h, nil
}

// ERC1271GasLimit is the most gas one isValidSignature call may use. The contract is whatever
// address a sign-in message or a ballot names, so anyone can make the node run code of their
// choosing: bounded, a wallet that burns gas is a refusal, not minutes of the node's time. Real
// wallets' checks (a signature recovery, a few storage reads, a nested ERC-1271) stay far below.
const ERC1271GasLimit = 500_000

// erc1271Magic is isValidSignature's "valid" answer.
var erc1271Magic = [4]byte{0x16, 0x26, 0xba, 0x7e}

// IsValidSignature asks account, if it is a contract, whether it accepts sig over hash
// (ERC-1271). hasCode is false for plain keys. A wallet that reverts (or otherwise fails in the
// EVM) refuses the signature; a node that cannot be asked is an EUNAVAILABLE *guildhall.Error,
// since refusing a good signature because the node hiccuped would tell the member it is bad.
func (r *Reader) IsValidSignature(ctx context.Context, account common.Address, hash common.Hash, sig []byte) (valid, hasCode bool, err error) {
	code, err := r.backend.CodeAt(ctx, account, nil)
	if err != nil {
		return false, false, fmt.Errorf("%w: %v", guildhall.Errorf(guildhall.EUNAVAILABLE,
			"could not read whether %s is a contract wallet: the chain node did not answer; try again", account.Hex()), err)
	}
	if len(code) == 0 {
		return false, false, nil
	}
	data := append(common.FromHex("0x1626ba7e"), packBytes32AndBytes(hash, sig)...)
	out, err := r.callMsg(ctx, ethereum.CallMsg{To: &account, Data: data, Gas: ERC1271GasLimit}, nil)
	if err != nil {
		if chain.IsRevert(err, evmFailures...) {
			return false, true, nil // the wallet refuses
		}
		return false, true, fmt.Errorf("%w: %v", guildhall.Errorf(guildhall.EUNAVAILABLE,
			"could not ask the contract wallet %s whether it accepts the signature (ERC-1271): the chain node did not answer; try again", account.Hex()), err)
	}
	return len(out) >= 4 && [4]byte(out[:4]) == erc1271Magic, true, nil
}

// evmFailures are the messages of geth's EVM errors (besides a revert) an eth_call reports when
// the called code fails without revert data.
var evmFailures = []string{"invalid opcode", "out of gas", "invalid jump destination", "stack underflow"}

// packBytes32AndBytes ABI-encodes (bytes32, bytes).
func packBytes32AndBytes(h common.Hash, b []byte) []byte {
	out := make([]byte, 0, 96+len(b)+32)
	out = append(out, h[:]...)
	out = append(out, common.LeftPadBytes(big.NewInt(64).Bytes(), 32)...)
	out = append(out, common.LeftPadBytes(big.NewInt(int64(len(b))).Bytes(), 32)...)
	out = append(out, common.RightPadBytes(b, (len(b)+31)/32*32)...)
	return out
}

// isSelector reports whether revert data starts with the selector of the named error of the
// governor or token ABI.
func isSelector(data []byte, name string) bool {
	if len(data) < 4 {
		return false
	}
	for _, meta := range []*bindMeta{govMeta, tokenMeta} {
		if e, ok := meta.errors[name]; ok && [4]byte(data[:4]) == e {
			return true
		}
	}
	return false
}
