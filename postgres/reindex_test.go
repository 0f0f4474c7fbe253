package postgres_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// One reindex per community at a time; the shadow's writes never reach the live tables; a later
// run resumes the shadow an earlier one left, or discards it with fresh; an unknown community is
// refused.
func TestReindexShadowAndItsLock(t *testing.T) {
	t.Parallel()
	ctx, log := t.Context(), slog.New(slog.DiscardHandler)
	db := pgtest.NewDB(t)
	bind(t, db, devChain)
	for i, id := range []string{"corner-bakery", "corner-cafe"} {
		if err := postgres.NewCommunityStore(db).CreateCommunity(ctx, newCommunity(id, i+1)); err != nil {
			t.Fatal(err)
		}
	}
	first, err := db.StartReindex(ctx, "corner-bakery", false, log)
	if err != nil {
		t.Fatal(err)
	}
	if first.Resumed {
		t.Error("a first reindex says it resumed")
	}
	if _, err := db.StartReindex(ctx, "corner-bakery", false, log); guildhall.ErrorCode(err) != guildhall.ECONFLICT ||
		!strings.Contains(err.Error(), "another reindex") {
		t.Errorf("a second reindex of the same community: %v, want ECONFLICT", err)
	}
	other, err := db.StartReindex(ctx, "corner-cafe", false, log)
	if err != nil {
		t.Fatalf("a reindex of another community at the same time: %v", err)
	}
	other.Close()
	if _, err := db.StartReindex(ctx, "no-such-place", false, log); guildhall.ErrorCode(err) != guildhall.ENOTFOUND {
		t.Errorf("a reindex of an unknown community: %v, want ENOTFOUND", err)
	}

	// The shadow sees its community alone, and what it writes stays in it.
	targets, err := first.Shadow().IndexTargets(ctx)
	if err != nil || len(targets) != 1 || targets[0].CommunityID != "corner-bakery" {
		t.Fatalf("the shadow's targets: %+v, %v; want corner-bakery alone", targets, err)
	}
	ref := indexer.BlockRef{Number: 41, Hash: common.HexToHash("0x01"), ParentHash: common.HexToHash("0x02"), Time: 1}
	if err := first.Shadow().ApplyBatch(ctx, &indexer.Batch{From: 41, To: 41, End: ref, Advance: true, Blocks: []indexer.BlockRef{ref}}); err != nil {
		t.Fatal(err)
	}
	if live, err := postgres.NewIndexWriter(db).IndexCursor(ctx); err != nil || live != nil {
		t.Fatalf("the live cursor is %+v (%v) after a write to the shadow", live, err)
	}
	first.Close()

	resumed, err := db.StartReindex(ctx, "corner-bakery", false, log)
	if err != nil {
		t.Fatal(err)
	}
	if cur, err := resumed.Shadow().IndexCursor(ctx); !resumed.Resumed || err != nil || cur == nil || cur.Number != 41 {
		t.Errorf("the next reindex: resumed %v, shadow cursor %+v (%v); want the shadow as left, at 41", resumed.Resumed, cur, err)
	}
	resumed.Close()
	fresh, err := db.StartReindex(ctx, "corner-bakery", true, log)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if cur, err := fresh.Shadow().IndexCursor(ctx); fresh.Resumed || err != nil || cur != nil {
		t.Errorf("a fresh reindex: resumed %v, shadow cursor %+v (%v); want an empty shadow", fresh.Resumed, cur, err)
	}
}
