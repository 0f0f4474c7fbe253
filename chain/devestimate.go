package chain

import (
	"context"
	"encoding/json"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/rpc"
)

// nextBlockEstimator serves the dev chain's eth_estimateGas against the block a transaction sent
// now lands in: the head's state with the next block's number and timestamp.
//
// go-ethereum estimates in the context of the latest block. GuildToken and GuildGovernor clock
// voting power by timestamp, so for an account checkpointed in the latest block (a member who
// just received a reward) a transfer, delegation or vote there updates the checkpoint in place,
// while in the next block, one second later at least, it pushes a new one (a new storage slot,
// about 20,000 gas more): a wallet that sends with the estimate (MetaMask adds no margin to a
// contract call it can simulate) runs out of gas. Priced at the next block's timestamp the
// estimate covers the new checkpoint; in any later block the cost is the same.
//
// A caller that names another block, or its own block overrides, gets go-ethereum's answer as is.
type nextBlockEstimator struct {
	chain *core.BlockChain
	now   func() time.Time // the dev chain's clock (behind the wall clock while history is laid down)
	inner *rpc.Client      // go-ethereum's own eth API, on a server of its own
	srv   *rpc.Server
}

// newNextBlockEstimator serves backend's eth API on a private server for the estimator to call.
func newNextBlockEstimator(backend *eth.Ethereum, now func() time.Time) (*nextBlockEstimator, error) {
	srv := rpc.NewServer()
	for _, api := range backend.APIs() {
		if api.Namespace != "eth" {
			continue
		}
		if err := srv.RegisterName(api.Namespace, api.Service); err != nil {
			srv.Stop()
			return nil, err
		}
	}
	return &nextBlockEstimator{chain: backend.BlockChain(), now: now, inner: rpc.DialInProc(srv), srv: srv}, nil
}

// EstimateGas is eth_estimateGas (transaction arguments, block, state overrides, block
// overrides), for the next block when the block is the latest or pending one (or not given) and
// no block overrides are.
func (e *nextBlockEstimator) EstimateGas(ctx context.Context, args json.RawMessage, block, state, overrides *json.RawMessage) (hexutil.Uint64, error) {
	blockArg := json.RawMessage(`"latest"`)
	if block != nil && string(*block) != "null" {
		blockArg = *block
	}
	if overrides == nil && forHead(blockArg) {
		next, err := e.nextBlock()
		if err != nil {
			return 0, err
		}
		overrides = &next
	}
	var gas hexutil.Uint64
	err := e.inner.CallContext(ctx, &gas, "eth_estimateGas", args, blockArg, state, overrides)
	return gas, err
}

// forHead reports whether block names the head (latest) or the block being built on it (pending).
func forHead(block json.RawMessage) bool {
	var b rpc.BlockNumberOrHash
	if err := json.Unmarshal(block, &b); err != nil {
		return false // the inner call reports it
	}
	n, ok := b.Number()
	return ok && (n == rpc.LatestBlockNumber || n == rpc.PendingBlockNumber)
}

// nextBlock is the block overrides of the next block: the head's number plus one, and the
// timestamp the dev chain seals it with at the earliest (its clock's now, and after the head's).
func (e *nextBlockEstimator) nextBlock() (json.RawMessage, error) {
	head := e.chain.CurrentBlock()
	return json.Marshal(map[string]any{
		"number": (*hexutil.Big)(new(big.Int).Add(head.Number, big.NewInt(1))),
		"time":   hexutil.Uint64(max(uint64(e.now().Unix()), head.Time+1)),
	})
}

func (e *nextBlockEstimator) Close() {
	e.inner.Close()
	e.srv.Stop()
}
