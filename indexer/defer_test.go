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
)

// indexDefs returns the definitions of the per-account indexes a backfill may defer that exist.
func indexDefs(t *testing.T, raw *sqlx.DB) []string {
	t.Helper()
	var defs []string
	if err := raw.SelectContext(t.Context(), &defs, `SELECT indexdef FROM pg_indexes
		WHERE indexname IN ('token_transfers_to', 'token_delegate_votes_delegate') ORDER BY indexname`); err != nil {
		t.Fatal(err)
	}
	return defs
}

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
	built := indexDefs(t, raw)
	if len(built) != 2 {
		t.Fatalf("indexes before the backfill: %v", built)
	}
	seedActivity(t, h)
	for i := range 3 * finality {
		h.mint(t, byte(10+i), []int{1, 5}, []int64{1, 2}) // a block of events each: the ranges stay dense
	}
	scope := health.Scope{Community: h.community, Operator: h.sim.Address(0).Hex()}
	healthStore := postgres.NewHealthStore(h.db)
	var deferredSteps, restarts int
	for i := 0; ; i++ {
		if i == 10_000 {
			t.Fatal("the indexer did not reach the head in 10,000 steps")
		}
		idle, err := h.ix.Step(t.Context())
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		cursor, err := postgres.NewIndexWriter(h.db).IndexCursor(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defs := indexDefs(t, raw)
		if len(defs) == 2 {
			if idle {
				break
			}
			continue
		}
		deferredSteps++
		if len(defs) != 0 {
			t.Fatalf("step %d: one index deferred without the other: %v", i, defs)
		}
		head, err := h.sim.Client.HeaderByNumber(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		headNum := head.Number.Uint64()
		if cursor != nil && cursor.Number > headNum-finality {
			t.Fatalf("step %d: the cursor is at block %d with the indexes deferred, above the final block %d", i, cursor.Number, headNum-finality)
		}
		if idle {
			t.Fatalf("step %d: at the head with the indexes deferred", i)
		}
		if cursor != nil && cursor.Number >= h.dep.Block {
			_, err := healthStore.Overview(t.Context(), scope)
			if guildhall.ErrorCode(err) != guildhall.EUNAVAILABLE || !strings.Contains(guildhall.ErrorMessage(err), "backfill") {
				t.Fatalf("step %d: health read with the indexes deferred: %v, want EUNAVAILABLE naming the backfill", i, err)
			}
		}
		if deferredSteps == 2 { // a restart in the middle: the new indexer learns they are deferred
			restarts++
			h.ix = indexer.New(h.client, postgres.NewIndexWriter(h.db), h.cfg)
		}
	}
	if deferredSteps < 3 || restarts != 1 {
		t.Fatalf("the indexes were deferred for %d steps (restarted %d times): the backfill should have deferred them", deferredSteps, restarts)
	}
	if got := indexDefs(t, raw); !slices.Equal(got, built) {
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
