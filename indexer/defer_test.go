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

// A backfill far behind the head puts off its per-account indexes while it writes final blocks,
// builds them again (the same definitions) before the first batch a reorg may still replace, and
// stores exactly what a backfill with them stores. Meanwhile the health figures, which look
// members up by them, answer EUNAVAILABLE (503) naming the backfill, and an indexer started
// anew (a restart) goes on with them deferred.
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
	deferredSteps, heldWhileDeferred := 0, 0
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
			t.Fatalf("step %d: the cursor is at block %d with the indexes deferred, above the final block %d", i, cursor.Number, final)
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
