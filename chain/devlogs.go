package chain

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/core/types"
)

// FilterLogs is eth_getLogs for a range of numbered blocks, read in the process (see
// FilterLogsUpTo); other queries (by block hash, or up to "latest") go to the node.
func (c localClient) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if !numbered(q) {
		return c.Client.FilterLogs(ctx, q)
	}
	logs, _, err := c.FilterLogsUpTo(ctx, q, 0, 0)
	return logs, err
}

// FilterLogsUpTo is the in-process twin of HTTPLogs' method of the same name: the logs of the
// canonical blocks q.FromBlock..through that match q, where through is the last block before the
// logs would exceed maxLogs logs or maxBytes bytes (0: no bound; the first block is always read
// whole) and q.ToBlock when they do not. Blocks are read one at a time as go-ethereum's eth_getLogs
// reads a block (its header's bloom first, then the block's logs, cached by the node's filter
// system), so memory is bounded by the limit, not by the range. maxBytes counts what the logs
// would take as eth_getLogs JSON (logJSONSize), so a bound means the same over both clients.
//
// Through JSON-RPC the node spent more CPU encoding a backfill's logs as JSON than finding them,
// and the indexer as much again decoding them, on the same two cores as PostgreSQL.
func (c localClient) FilterLogsUpTo(ctx context.Context, q ethereum.FilterQuery, maxLogs int, maxBytes int64) ([]types.Log, uint64, error) {
	if !numbered(q) {
		return nil, 0, errors.New("FilterLogsUpTo needs a range of numbered blocks")
	}
	from, to := q.FromBlock.Uint64(), q.ToBlock.Uint64()
	if from > to {
		return nil, 0, fmt.Errorf("invalid block range %d..%d", from, to)
	}
	var (
		logs []types.Log
		size int64
	)
	for n := from; n <= to; n++ {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		h := c.chain.GetHeaderByNumber(n)
		if h == nil {
			return nil, 0, fmt.Errorf("block %d is beyond the chain's head %d", n, c.chain.CurrentBlock().Number.Uint64())
		}
		found, err := c.filters.NewBlockFilter(h.Hash(), q.Addresses, q.Topics).Logs(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("logs of block %d: %w", n, err)
		}
		var blockSize int64
		for _, l := range found {
			blockSize += logJSONSize(l)
		}
		if n > from && ((maxLogs > 0 && len(logs)+len(found) > maxLogs) || (maxBytes > 0 && size+blockSize > maxBytes)) {
			return logs, n - 1, nil
		}
		if logs == nil && len(found) > 0 {
			logs = make([]types.Log, 0, len(found))
		}
		for _, l := range found {
			logs = append(logs, *l) // the filter system's logs are its cache's: the caller gets copies
		}
		size += blockSize
	}
	return logs, to, nil
}

// logJSONSize is about the size of l in an eth_getLogs answer: its fixed fields (address, hashes,
// numbers as hex) take about 350 bytes, each topic 69, each byte of data 2.
func logJSONSize(l *types.Log) int64 {
	return 350 + 69*int64(len(l.Topics)) + 2*int64(len(l.Data))
}
