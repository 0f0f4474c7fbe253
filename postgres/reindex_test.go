package postgres_test

import (
	"context"
	"database/sql"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

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

// transferBatch is a batch of block n of community c that moves the cursor, with one mint of value.
func transferBatch(c string, n uint64, value int64) *indexer.Batch {
	ref := indexer.BlockRef{Number: n, Hash: common.BigToHash(big.NewInt(int64(n))), ParentHash: common.BigToHash(big.NewInt(int64(n) - 1)), Time: n}
	b := &indexer.Batch{From: n, To: n, End: ref, Advance: true, Blocks: []indexer.BlockRef{ref}, Communities: []string{c}}
	if value > 0 {
		b.Transfers = []indexer.Transfer{{EventMeta: indexer.EventMeta{CommunityID: c, BlockNumber: n, BlockHash: ref.Hash, BlockTime: n,
			TxHash: common.BigToHash(big.NewInt(1000 + int64(n)))}, To: common.HexToAddress("0x01"), Value: big.NewInt(value)}}
	}
	return b
}

// A rewind of the live index that starts while a swap holds the live cursor waits for the swap
// (it takes the cursor's row first, as the swap does) instead of locking event rows the swap then
// needs: no deadlock, both apply, the rewind after the swap.
func TestReindexSwapAndLiveRewindTakeTheCursorInOrder(t *testing.T) {
	t.Parallel()
	ctx, log := t.Context(), slog.New(slog.DiscardHandler)
	db, dbURL := pgtest.NewDBURL(t)
	raw, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	bind(t, db, devChain)
	if err := postgres.NewCommunityStore(db).CreateCommunity(ctx, newCommunity("corner-bakery", 1)); err != nil {
		t.Fatal(err)
	}
	r, err := db.StartReindex(ctx, "corner-bakery", false, log)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	live := postgres.NewIndexWriter(db)
	for _, w := range []struct {
		store *postgres.IndexWriter
		value int64 // the shadow's mint differs: the swap updates the row the rewind deletes
	}{{live, 5}, {r.Shadow(), 7}} {
		for _, b := range []*indexer.Batch{transferBatch("corner-bakery", 41, 0), transferBatch("corner-bakery", 42, w.value)} {
			if err := w.store.ApplyBatch(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	rewound := make(chan error, 1)
	swapped, err := r.Swap(ctx, func(ctx context.Context, cursor indexer.BlockRef) (bool, error) {
		go func() { rewound <- live.Rewind(ctx, transferBatch("corner-bakery", 41, 0).End) }()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) { // the rewind waits on a lock
			if n, err := waitingOnLocks(ctx, raw); err != nil || n > 0 || time.Now().After(deadline) {
				return n > 0, err
			}
		}
	})
	if err != nil || !swapped {
		t.Fatalf("swap: %v, %v; want it applied without a deadlock", swapped, err)
	}
	if err := <-rewound; err != nil {
		t.Fatalf("the live rewind after the swap: %v", err)
	}
	if cur, err := live.IndexCursor(ctx); err != nil || cur.Number != 41 {
		t.Errorf("live cursor %+v (%v) after the rewind, want 41", cur, err)
	}
}

// waitingOnLocks counts the sessions of the database waiting for a lock.
func waitingOnLocks(ctx context.Context, raw *sql.DB) (int, error) {
	var n int
	err := raw.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
	return n, err
}
