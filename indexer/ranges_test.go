package indexer_test

import (
	"context"
	"math/big"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
)

// countingClient records how many logs every successful eth_getLogs returned.
type countingClient struct {
	indexer.Client
	mu     sync.Mutex
	counts []int
}

func (c *countingClient) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	logs, err := c.Client.FilterLogs(ctx, q)
	if err == nil {
		c.mu.Lock()
		c.counts = append(c.counts, len(logs))
		c.mu.Unlock()
	}
	return logs, err
}

// A dense history (a mintBatch of many new holders in every block) is backfilled with the default
// ranges in requests sized to return at most the target number of logs, and the cursor (so
// as_of) commits many times on the way instead of once at the end.
func TestDenseBackfillKeepsRangesUnderTheTargetAndAdvancesTheCursor(t *testing.T) {
	t.Parallel()
	const target, blocks, perBlock = 40, 12, 10 // 3 logs per new holder, 31 per block
	h := newHarness(t, 2, indexer.Config{FinalityDepth: finality, TargetLogs: target})
	rec := &countingClient{Client: h.sim.Client}
	h.withClient(rec)
	for b := range blocks {
		addrs := make([]common.Address, perBlock)
		amounts := make([]*big.Int, perBlock)
		for i := range addrs {
			addrs[i] = common.BigToAddress(big.NewInt(int64(1_000 + b*perBlock + i)))
			amounts[i] = tokens(int64(i + 1))
		}
		h.mustMine(t, h.sim.Accounts[0], h.dep.Token, token.PackMintBatch(common.Hash{byte(b + 1)}, addrs, amounts))
	}
	for range 2 * finality {
		h.commit()
	}

	commits := map[uint64]bool{}
	h.syncWatching(t, func(_ int, _ bool, cur *indexer.BlockRef) {
		if cur != nil {
			commits[cur.Number] = true
		}
	})
	// A range grown over sparse blocks can meet the first dense ones (growth at most doubles a
	// range, and nothing tells how many logs the next blocks hold): one request may pass the
	// target there, within twice it; every later one aims at it from the logs per block seen.
	total, over := 0, 0
	for i, n := range rec.counts {
		total += n
		if n > target {
			over++
		}
		if n > 2*target || over > 1 {
			t.Errorf("eth_getLogs %d of %d returned %d logs, target %d (all: %v)", i+1, len(rec.counts), n, target, rec.counts)
		}
	}
	if total < blocks*(3*perBlock+1) {
		t.Fatalf("the requests returned %d logs in all, the history has at least %d", total, blocks*(3*perBlock+1))
	}
	if len(commits) < blocks/2 {
		t.Errorf("the cursor committed at %d blocks during a backfill of %d dense blocks", len(commits), blocks)
	}
	h.checkEqualsChain(t)
	cur, err := postgres.NewIndexWriter(h.db).IndexCursor(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	h.checkEventsEqualLogs(t, cur.Number)
}
