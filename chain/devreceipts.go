package chain

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
)

// LocalClient returns a Client of this chain for code running in the same process: its
// JSON-RPC client (see Client), except that a mined transaction's receipt and the logs of a range
// of blocks are read from the chain's database, as go-ethereum's eth_getTransactionReceipt and
// eth_getLogs read them, instead of being encoded as JSON and decoded back. A full mintBatch's
// receipt carries three logs per recipient: through JSON-RPC the sender waited 25-30 ms for each
// in the end-to-end benchmark, 5-7 ms so. A transaction the chain has not mined is asked of the
// node as usual (not found, or its index still being built). For logs see FilterLogsUpTo.
func (d *DevChain) LocalClient() Client {
	return localClient{Client: d.client, chain: d.eth.BlockChain(), filters: d.filters}
}

type localClient struct {
	*ethclient.Client
	chain   *core.BlockChain
	filters *filters.FilterSystem
}

// TransactionReceipt returns the receipt of the canonical transaction hash, with every derived
// field (block, index, logs' positions) as the node's JSON-RPC gives it. The block's receipts
// are read together, into the chain's cache of recent blocks' receipts: a sender asks for several
// transactions of one block in turn, and reading one receipt alone copies the whole block's
// encoded receipts each time (a block of full mintBatch transactions holds thousands of logs).
func (c localClient) TransactionReceipt(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	lookup, tx := c.chain.GetCanonicalTransaction(hash)
	if lookup == nil || tx == nil {
		return c.Client.TransactionReceipt(ctx, hash)
	}
	receipts := c.chain.GetReceiptsByHash(lookup.BlockHash)
	if lookup.Index >= uint64(len(receipts)) { // its block's receipts not readable here: the node answers
		return c.Client.TransactionReceipt(ctx, hash)
	}
	out := *receipts[lookup.Index] // the chain caches its receipts: the caller gets its own
	return &out, nil
}
