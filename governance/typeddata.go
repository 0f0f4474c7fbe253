package governance

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// Domain is an EIP-712 domain as a contract's eip712Domain() (ERC-5267) reports it. The governor
// and the token each have their own: ballots are signed for the governor, delegations for the
// token.
type Domain struct {
	Name              string
	Version           string
	ChainID           *big.Int
	VerifyingContract common.Address
}

// Ballot is a vote a wallet signs for castVoteBySig, or, when Extended, for
// castVoteWithReasonAndParamsBySig (with a reason and params).
type Ballot struct {
	ProposalID *big.Int
	Support    Support
	Voter      common.Address
	Nonce      *big.Int // the governor's nonces(voter) when signing
	Extended   bool
	Reason     string
	Params     []byte
}

// Delegation is a delegation a wallet signs for the token's delegateBySig.
type Delegation struct {
	Delegatee common.Address
	Nonce     *big.Int // the token's nonces(delegator) when signing
	Expiry    *big.Int // Unix seconds after which the token refuses the signature
}

var eip712DomainType = []apitypes.Type{
	{Name: "name", Type: "string"},
	{Name: "version", Type: "string"},
	{Name: "chainId", Type: "uint256"},
	{Name: "verifyingContract", Type: "address"},
}

// The struct types OpenZeppelin's Governor and Votes hash (BALLOT_TYPEHASH,
// EXTENDED_BALLOT_TYPEHASH, Votes.DELEGATION_TYPEHASH).
var (
	ballotType = []apitypes.Type{
		{Name: "proposalId", Type: "uint256"},
		{Name: "support", Type: "uint8"},
		{Name: "voter", Type: "address"},
		{Name: "nonce", Type: "uint256"},
	}
	extendedBallotType = append(append([]apitypes.Type{}, ballotType...),
		apitypes.Type{Name: "reason", Type: "string"},
		apitypes.Type{Name: "params", Type: "bytes"},
	)
	delegationType = []apitypes.Type{
		{Name: "delegatee", Type: "address"},
		{Name: "nonce", Type: "uint256"},
		{Name: "expiry", Type: "uint256"},
	}
)

func (d Domain) typed() apitypes.TypedDataDomain {
	return apitypes.TypedDataDomain{
		Name:              d.Name,
		Version:           d.Version,
		ChainId:           (*math.HexOrDecimal256)(new(big.Int).Set(orZero(d.ChainID))),
		VerifyingContract: d.VerifyingContract.Hex(),
	}
}

// TypedData returns the EIP-712 typed data of b under d.
func (b Ballot) TypedData(d Domain) apitypes.TypedData {
	msg := apitypes.TypedDataMessage{
		"proposalId": orZero(b.ProposalID).String(),
		"support":    fmt.Sprint(uint8(b.Support)),
		"voter":      b.Voter.Hex(),
		"nonce":      orZero(b.Nonce).String(),
	}
	primary, fields := "Ballot", ballotType
	if b.Extended {
		primary, fields = "ExtendedBallot", extendedBallotType
		msg["reason"] = b.Reason
		msg["params"] = hexutil.Encode(b.Params)
	}
	return apitypes.TypedData{
		Types:       apitypes.Types{"EIP712Domain": eip712DomainType, primary: fields},
		PrimaryType: primary,
		Domain:      d.typed(),
		Message:     msg,
	}
}

// TypedData returns the EIP-712 typed data of del under d (the token's domain).
func (del Delegation) TypedData(d Domain) apitypes.TypedData {
	return apitypes.TypedData{
		Types:       apitypes.Types{"EIP712Domain": eip712DomainType, "Delegation": delegationType},
		PrimaryType: "Delegation",
		Domain:      d.typed(),
		Message: apitypes.TypedDataMessage{
			"delegatee": del.Delegatee.Hex(),
			"nonce":     orZero(del.Nonce).String(),
			"expiry":    orZero(del.Expiry).String(),
		},
	}
}

// Digest is the EIP-712 hash a wallet signs for td.
func Digest(td apitypes.TypedData) (common.Hash, error) {
	h, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		return common.Hash{}, fmt.Errorf("hash typed data: %w", err)
	}
	return common.BytesToHash(h), nil
}

// TypedDataJSON is typed data as eth_signTypedData_v4 takes it, with the chain id as a JSON
// number (wallets compare it with the connected chain) and integers as decimal strings.
type TypedDataJSON struct {
	Types       map[string][]apitypes.Type `json:"types"`
	PrimaryType string                     `json:"primaryType"`
	Domain      DomainJSON                 `json:"domain"`
	Message     map[string]any             `json:"message"`
}

// DomainJSON is an EIP-712 domain in TypedDataJSON.
type DomainJSON struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	ChainID           uint64 `json:"chainId"`
	VerifyingContract string `json:"verifyingContract"`
}

// JSON returns td as a wallet signs it.
func JSON(td apitypes.TypedData) TypedDataJSON {
	chainID := uint64(0)
	if td.Domain.ChainId != nil {
		chainID = (*big.Int)(td.Domain.ChainId).Uint64()
	}
	msg := make(map[string]any, len(td.Message))
	for k, v := range td.Message {
		msg[k] = v
	}
	if s, ok := msg["support"].(string); ok {
		if n, ok := new(big.Int).SetString(s, 10); ok {
			msg["support"] = n.Uint64()
		}
	}
	return TypedDataJSON{
		Types:       td.Types,
		PrimaryType: td.PrimaryType,
		Domain: DomainJSON{
			Name: td.Domain.Name, Version: td.Domain.Version, ChainID: chainID,
			VerifyingContract: td.Domain.VerifyingContract,
		},
		Message: msg,
	}
}

// secp256k1 half order: OpenZeppelin's ECDSA refuses s above it (malleable signatures).
var secp256k1HalfN = new(big.Int).Rsh(crypto.S256().Params().N, 1)

// Signature errors.
var (
	ErrSignatureLength = errors.New("a signature is 65 bytes (r, s, v) as hex")
	ErrSignatureV      = errors.New("the signature's v must be 27 or 28 (or 0 or 1)")
	ErrSignatureS      = errors.New("the signature's s is in the upper half of the curve order (a malleable signature the contracts refuse)")
)

// NormalizeSignature checks that sig is a 65-byte r||s||v ECDSA signature the contracts accept and
// returns it with v as 27 or 28, the form ecrecover takes.
func NormalizeSignature(sig []byte) ([]byte, error) {
	if len(sig) != 65 {
		return nil, ErrSignatureLength
	}
	out := append([]byte(nil), sig...)
	switch out[64] {
	case 0, 1:
		out[64] += 27
	case 27, 28:
	default:
		return nil, ErrSignatureV
	}
	if new(big.Int).SetBytes(out[32:64]).Cmp(secp256k1HalfN) > 0 {
		return nil, ErrSignatureS
	}
	return out, nil
}

// Recover returns the address whose key made sig (as NormalizeSignature returns it) over digest.
func Recover(digest common.Hash, sig []byte) (common.Address, error) {
	sig, err := NormalizeSignature(sig)
	if err != nil {
		return common.Address{}, err
	}
	sig[64] -= 27
	pub, err := crypto.SigToPub(digest[:], sig)
	if err != nil {
		return common.Address{}, fmt.Errorf("recover signer: %w", err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}
