package govchain

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall"
)

// rpcError is a JSON-RPC error as the client returns it (rpc.Error, rpc.DataError).
type rpcError struct {
	code int
	msg  string
	data any
}

func (e *rpcError) Error() string  { return e.msg }
func (e *rpcError) ErrorCode() int { return e.code }
func (e *rpcError) ErrorData() any { return e.data }

// walletBackend is a node on which account 0x1 is a contract wallet whose isValidSignature
// answers with out or fails with err.
type walletBackend struct {
	out []byte
	err error
}

func (b walletBackend) CallContract(context.Context, ethereum.CallMsg, *big.Int) ([]byte, error) {
	return b.out, b.err
}
func (b walletBackend) CodeAt(context.Context, common.Address, *big.Int) ([]byte, error) {
	return []byte{0x60}, nil
}
func (b walletBackend) HeaderByNumber(context.Context, *big.Int) (*types.Header, error) {
	return nil, errors.New("unused")
}
func (b walletBackend) EstimateGas(context.Context, ethereum.CallMsg) (uint64, error) { return 0, nil }

// A wallet that reverts refuses the signature; a node that does not answer is no refusal but an
// EUNAVAILABLE error (503), so a member is not told a good signature is bad.
func TestIsValidSignatureTellsARefusalFromAnUnreachableNode(t *testing.T) {
	t.Parallel()
	magic := common.RightPadBytes(erc1271Magic[:], 32)
	tests := map[string]struct {
		backend     walletBackend
		valid       bool
		wantErrCode string
	}{
		"accepts":                       {walletBackend{out: magic}, true, ""},
		"answers something else":        {walletBackend{out: make([]byte, 32)}, false, ""},
		"reverts with data":             {walletBackend{err: &rpcError{3, "execution reverted: nope", "0x08c379a0"}}, false, ""},
		"reverts without data":          {walletBackend{err: &rpcError{3, "execution reverted", "0x"}}, false, ""},
		"fails in the EVM":              {walletBackend{err: &rpcError{-32000, "invalid opcode: INVALID", nil}}, false, ""},
		"node unreachable":              {walletBackend{err: errors.New(`Post "http://127.0.0.1:8545": dial tcp 127.0.0.1:8545: connect: connection refused`)}, false, guildhall.EUNAVAILABLE},
		"node refuses the request":      {walletBackend{err: &rpcError{-32005, "rate limit exceeded", nil}}, false, guildhall.EUNAVAILABLE},
		"node lost the block's state":   {walletBackend{err: &rpcError{-32000, "missing trie node abc", nil}}, false, guildhall.EUNAVAILABLE},
		"request timed out or canceled": {walletBackend{err: context.DeadlineExceeded}, false, guildhall.EUNAVAILABLE},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			valid, hasCode, err := NewReader(tt.backend).IsValidSignature(context.Background(), common.HexToAddress("0x1"), common.Hash{1}, make([]byte, 65))
			if guildhall.ErrorCode(err) != tt.wantErrCode || valid != tt.valid || !hasCode {
				t.Fatalf("IsValidSignature = %v, %v, %v; want valid %v, hasCode, error code %q", valid, hasCode, err, tt.valid, tt.wantErrCode)
			}
		})
	}
}

// gasRecorder is a wallet that accepts every signature and remembers the gas it was offered.
type gasRecorder struct {
	walletBackend
	gas *uint64
}

func (b gasRecorder) CallContract(_ context.Context, msg ethereum.CallMsg, _ *big.Int) ([]byte, error) {
	*b.gas = msg.Gas
	return common.RightPadBytes(erc1271Magic[:], 32), nil
}

// A sign-in or a ballot names the contract that is asked: whoever writes it chooses the code the
// node runs, so the call is given a bounded amount of gas, not the node's (tens of millions).
func TestIsValidSignatureIsGivenBoundedGas(t *testing.T) {
	t.Parallel()
	var gas uint64
	if _, _, err := NewReader(gasRecorder{gas: &gas}).IsValidSignature(context.Background(), common.HexToAddress("0x1"), common.Hash{1}, make([]byte, 65)); err != nil {
		t.Fatal(err)
	}
	if gas == 0 || gas > ERC1271GasLimit {
		t.Errorf("isValidSignature called with gas %d, want a bound of at most %d (0 is the node's own cap)", gas, ERC1271GasLimit)
	}
}
