package indexer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// deferrable are the indexes a backfill may defer.
var deferrable = postgres.DeferrableIndexes()

// A backfill far behind the head puts off its per-account indexes while it writes its blocks,
// those a reorg may still replace included, builds them again (the same definitions) before the
// batch that reaches the head, and stores exactly what a backfill with them stores. Meanwhile the
// health figures, which look members up by them, answer EUNAVAILABLE (503) naming the backfill,
// and an indexer started anew (a restart) goes on with them deferred.
func TestLongBackfillDefersItsIndexes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality, InitialRange: 2, MaxRange: 2, DeferIndexesAbove: 1})
	raw, err := sqlx.Open("postgres", h.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	built := pgtest.IndexDefs(t, raw, deferrable...)
	if len(built) != len(deferrable) {
		t.Fatalf("indexes before the backfill: %v", built)
	}
	seedActivity(t, h)
	for i := range 3 * finality {
		h.mint(t, byte(10+i), []int{1, 5}, []int64{1, 2}) // a block of events each: the ranges stay dense
	}
	scope := health.Scope{Community: h.community, Operator: h.sim.Address(0).Hex()}
	healthStore := postgres.NewHealthStore(h.db)
	deferredSteps, heldWhileDeferred, aboveFinal := 0, 0, 0
	h.syncWatching(t, func(i int, idle bool, cursor *indexer.BlockRef) {
		defs := pgtest.IndexDefs(t, raw, deferrable...)
		if len(defs) == len(deferrable) {
			return
		}
		deferredSteps++
		if len(defs) != 0 {
			t.Fatalf("step %d: some indexes deferred without the others: %v", i, defs)
		}
		head, err := h.sim.Client.HeaderByNumber(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if final := head.Number.Uint64() - finality; cursor != nil && cursor.Number > final {
			aboveFinal++
		}
		if idle {
			t.Fatalf("step %d: at the head with the indexes deferred", i)
		}
		if cursor != nil && cursor.Number >= h.dep.Block {
			_, err := healthStore.Overview(t.Context(), scope)
			if guildhall.ErrorCode(err) != guildhall.EUNAVAILABLE || !strings.Contains(guildhall.ErrorMessage(err), "backfill") {
				t.Fatalf("step %d: health read with the indexes deferred: %v, want EUNAVAILABLE naming the backfill", i, err)
			}
			// The reads the health gate lets through answer as always, by scans: the index
			// equals the chain at the cursor (accounts, the holders list, events, proposals),
			// and the holders list is still by balance, largest first.
			h.checkEqualsChain(t)
			list, err := h.reads.Holders(t.Context(), h.community, guildhall.Page[guildhall.HolderPosition]{Limit: 500})
			if err != nil {
				t.Fatalf("step %d: holders with the indexes deferred: %v", i, err)
			}
			for k := 1; k < len(list.Items); k++ {
				if list.Items[k].Balance.Cmp(list.Items[k-1].Balance) > 0 {
					t.Fatalf("step %d: holder %d has %s, more than the one before (%s)", i, k, list.Items[k].Balance, list.Items[k-1].Balance)
				}
			}
			heldWhileDeferred = max(heldWhileDeferred, len(list.Items))
		}
		if deferredSteps == 2 { // a restart in the middle: the new indexer learns they are deferred
			h.ix = indexer.New(h.client, postgres.NewIndexWriter(h.db), h.cfg)
		}
	})
	if heldWhileDeferred < 2 {
		t.Fatalf("the holders list held at most %d holders while the indexes were deferred: its order was not checked", heldWhileDeferred)
	}
	if aboveFinal == 0 {
		t.Fatal("the indexes were built before the cursor passed the final block: the blocks a reorg may still replace were written row by row")
	}
	if deferredSteps < 3 {
		t.Fatalf("the indexes were deferred for %d steps, restarted after the second: the backfill should have deferred them for longer", deferredSteps)
	}
	if got := pgtest.IndexDefs(t, raw, deferrable...); !slices.Equal(got, built) {
		t.Errorf("indexes after the backfill:\n%v\nwant\n%v", got, built)
	}
	var left int
	if err := raw.GetContext(t.Context(), &left, `SELECT count(*) FROM index_deferred`); err != nil || left != 0 {
		t.Errorf("index_deferred holds %d rows after the backfill (%v)", left, err)
	}
	h.checkEqualsChain(t)
	if _, err := healthStore.Overview(t.Context(), scope); err != nil {
		t.Errorf("health read after the backfill: %v", err)
	}
}

// A reorg while the indexes are deferred (the backfill has passed the final block, and the blocks
// above it are replaced): the indexer builds them before it rewinds, which looks accounts up by
// them, and the index follows the new branch.
func TestRewindWhileDeferredBuildsTheIndexesFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality, InitialRange: 2, MaxRange: 2, DeferIndexesAbove: 1})
	store := &recordingStore{Store: postgres.NewIndexWriter(h.db)}
	h.ix = indexer.New(h.client, store, h.cfg)
	raw, err := sqlx.Open("postgres", h.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	for i := range 3 * finality {
		h.mint(t, byte(10+i), []int{1, 5}, []int64{1, 2})
	}
	// Step until the cursor is a few blocks past the final block.
	head := h.headNumber(t)
	var cursor *indexer.BlockRef
	for i := 0; cursor == nil || cursor.Number <= head-finality+3; i++ {
		if i == 1000 {
			t.Fatal("the cursor did not pass the final block in 1,000 steps")
		}
		if _, err := h.ix.Step(t.Context()); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if cursor, err = store.IndexCursor(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if defs := pgtest.IndexDefs(t, raw, deferrable...); len(defs) != 0 || store.deferrals == 0 {
		t.Fatalf("cursor at block %d of %d, past the final block: indexes %v, %d deferrals; want them deferred", cursor.Number, head, defs, store.deferrals)
	}
	// Replace the blocks from two below the cursor up with a branch whose first block holds a
	// transfer the old one did not.
	h.reorgWithTransfer(t, head-cursor.Number+2, 4)
	h.sync(t)
	if store.rewinds == 0 {
		t.Fatal("the indexer did not rewind: the test proves nothing")
	}
	if store.rewindsDeferred != 0 {
		t.Errorf("%d of %d rewinds ran with the indexes deferred", store.rewindsDeferred, store.rewinds)
	}
	if got := pgtest.IndexDefs(t, raw, deferrable...); len(got) != len(deferrable) {
		t.Errorf("indexes after the reorg: %v", got)
	}
	h.checkEqualsChain(t)
	h.checkEventsEqualLogs(t, h.headNumber(t))
}
