package indexer_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/internal/testlog"
)

// queryCounter counts the eth_getLogs queries by block hash and by range. An answer with no logs
// comes back nil, as go-ethereum's client returns a node's `null`: the indexer must not take it
// for a refused range.
type queryCounter struct {
	indexer.Client
	byHash, ranged atomic.Int64
}

func (c *queryCounter) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if q.BlockHash != nil {
		c.byHash.Add(1)
	} else {
		c.ranged.Add(1)
	}
	logs, err := c.Client.FilterLogs(ctx, q)
	if len(logs) == 0 {
		logs = nil
	}
	return logs, err
}

// Blocks dense with the community's logs (ranges at most BlockByBlock blocks) are read block by
// block, each by its hash, and index exactly what ranges would: events, accounts, proposals and
// votes, for a backfill and for a community added behind the cursor (its catch-up). Once the
// blocks thin out, the ranges grow past BlockByBlock and the indexer asks by range again.
func TestDenseBlocksAreReadBlockByBlock(t *testing.T) {
	t.Parallel()
	logs := &testlog.Buffer{}
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality, InitialRange: 1, MaxRange: 2, BlockByBlock: 2,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	node := &queryCounter{Client: h.sim.Client}
	h.withClient(node)
	seedActivity(t, h)
	for i := range 2 * finality {
		h.mint(t, byte(10+i), []int{1, 5}, []int64{1, 2})
	}
	h.sync(t)
	if node.byHash.Load() == 0 || node.ranged.Load() != 0 {
		t.Fatalf("%d queries by block hash and %d by range; want every one by hash", node.byHash.Load(), node.ranged.Load())
	}
	h.checkEqualsChain(t)
	h.checkEventsEqualLogs(t, h.headNumber(t))
	if got := strings.Count(logs.String(), "reading them block by block, by hash"); got != 1 {
		t.Errorf("%d lines saying the blocks are read by hash, want 1:\n%s", got, logs)
	}

	// A second community, deployed before the cursor: caught up block by block as well.
	second := h.sim.Deploy(t, testSettings)
	h.sim.MustTransact(t, h.sim.Accounts[0], second.Token, token.PackMint(h.sim.Address(3), tokens(5)))
	for range finality {
		h.commit()
	}
	h.sync(t)
	h.addCommunity(t, "cafe", second)
	before := node.byHash.Load()
	h.sync(t)
	if node.byHash.Load() == before || node.ranged.Load() != 0 {
		t.Fatalf("catch-up: %d more queries by block hash, %d by range", node.byHash.Load()-before, node.ranged.Load())
	}
	h.checkEqualsChain(t)
	h.community, h.dep = "cafe", second // the second community's index equals its chain too
	h.checkEqualsChain(t)

	// Sparse blocks: the range grows past BlockByBlock and the indexer asks by range.
	sparseLogs := &testlog.Buffer{}
	sparse := newHarness(t, 8, indexer.Config{FinalityDepth: finality, InitialRange: 1, MaxRange: 100, BlockByBlock: 2,
		Logger: slog.New(slog.NewTextHandler(sparseLogs, nil))})
	node = &queryCounter{Client: sparse.sim.Client}
	sparse.withClient(node)
	seedActivity(t, sparse)
	for range 4 * finality {
		sparse.commit()
	}
	sparse.sync(t)
	if node.byHash.Load() == 0 || node.ranged.Load() == 0 {
		t.Fatalf("sparse blocks: %d queries by block hash, %d by range; want the first ranges by hash, then by range", node.byHash.Load(), node.ranged.Load())
	}
	if !strings.Contains(sparseLogs.String(), "reading logs by range again") {
		t.Errorf("no line saying the logs are read by range again:\n%s", sparseLogs)
	}
	sparse.checkEqualsChain(t)
	sparse.checkEventsEqualLogs(t, sparse.headNumber(t))
}
