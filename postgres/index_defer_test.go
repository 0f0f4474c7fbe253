package postgres_test

import (
	"slices"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// deferrableDefs returns the definitions of the indexes a backfill may defer that exist.
func deferrableDefs(t *testing.T, raw *sqlx.DB) []string {
	t.Helper()
	return pgtest.IndexDefs(t, raw, postgres.DeferrableIndexes()...)
}

// Deferred indexes (migration 0035) never meet a migration: a migration up with nothing to apply
// leaves them deferred (a restarted serve goes on with its backfill), any migration that runs
// builds them first, with their own definitions. And a backfill's deferral is declined when the
// tables already hold more rows than it expects to add: rebuilding those would cost more.
func TestDeferredIndexesAndMigrations(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, raw := pgtest.NewDBRaw(t)
	w := postgres.NewIndexWriter(db)
	built := deferrableDefs(t, raw)
	if len(built) != len(postgres.DeferrableIndexes()) {
		t.Fatalf("indexes: %v", built)
	}
	deferNow := func(expected int64) bool {
		t.Helper()
		on, err := w.DeferIndexes(ctx, expected)
		if err != nil {
			t.Fatal(err)
		}
		return on
	}
	deferred := func() bool {
		t.Helper()
		on, err := w.IndexesDeferred(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return on
	}
	if deferred() || !deferNow(0) || !deferred() || len(deferrableDefs(t, raw)) != 0 {
		t.Fatalf("deferring on empty tables: deferred %v, indexes %v", deferred(), deferrableDefs(t, raw))
	}
	if err := db.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	if !deferred() || len(deferrableDefs(t, raw)) != 0 {
		t.Fatal("a migration up with nothing to apply built the deferred indexes")
	}
	// Migrating down one step builds them (any migration does, first); so does migrating down past
	// 0035 with them deferred again.
	states, _, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	past0035 := int(states[len(states)-1].Version) - 34
	for _, steps := range []int{1, past0035} {
		if steps == past0035 && !deferNow(0) {
			t.Fatal("not deferred again")
		}
		if err := db.MigrateDown(ctx, steps); err != nil {
			t.Fatalf("down %d: %v", steps, err)
		}
		if got := deferrableDefs(t, raw); !slices.Equal(got, built) {
			t.Errorf("after migrating down %d: indexes\n%v\nwant\n%v", steps, got, built)
		}
		if err := db.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		if deferred() || !slices.Equal(deferrableDefs(t, raw), built) {
			t.Errorf("after migrating up again: deferred %v, indexes %v", deferred(), deferrableDefs(t, raw))
		}
	}

	// 1,000 rows held: a backfill expecting 10 more keeps the indexes, one expecting 10,000 defers.
	if _, err := raw.ExecContext(ctx, `INSERT INTO token_transfers (community_id, block_number, block_hash, block_time, tx_hash,
			log_index, from_address, to_address, value)
		SELECT 'none', n, 'h' || n, n, 't' || n, 0, '0x0000000000000000000000000000000000000000', 'a' || n, 1
		FROM generate_series(1, 1000) n; ANALYZE token_transfers`); err != nil {
		t.Fatal(err)
	}
	if deferNow(10) || deferred() || len(deferrableDefs(t, raw)) != len(built) {
		t.Error("deferred the indexes of 1,000 rows for 10 more")
	}
	if !deferNow(10_000) {
		t.Error("did not defer the indexes of 1,000 rows for 10,000 more")
	}
	if n, err := w.RestoreIndexes(ctx); err != nil || n != len(built) || deferred() || !slices.Equal(deferrableDefs(t, raw), built) {
		t.Errorf("restore: %d built (%v); indexes %v", n, err, deferrableDefs(t, raw))
	}
}

// While the indexes are deferred the facts recognition decides by are written without logging
// their accounts (0037): the restore logs the empty account for every community instead, so the
// first evaluation after the backfill decides every member (a member who earned a tier from the
// backfilled history holds it), and logging resumes with the indexes.
func TestDeferredIndexesLogEveryMemberChangedAtRestore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, raw := pgtest.NewDBRaw(t)
	w := postgres.NewIndexWriter(db)
	communities := postgres.NewCommunityStore(db)
	if err := communities.BindChain(ctx, devChain); err != nil {
		t.Fatal(err)
	}
	for n, id := range []string{"one", "two"} {
		if err := communities.CreateCommunity(ctx, newCommunity(id, n+1)); err != nil {
			t.Fatal(err)
		}
	}
	vote := func(block int, delegate string) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, `INSERT INTO token_delegate_votes (community_id, block_number, block_hash, block_time, tx_hash,
			log_index, delegate, previous_votes, new_votes) VALUES ('one', $1, 'h', 1, 't', 0, $2, 0, 5)`, block, delegate); err != nil {
			t.Fatal(err)
		}
	}
	logged := func() []string {
		t.Helper()
		var got []string
		if err := raw.SelectContext(ctx, &got, `WITH d AS (DELETE FROM recognition_changes RETURNING community_id || ':' || account AS c)
			SELECT c FROM d ORDER BY c`); err != nil {
			t.Fatal(err)
		}
		return got
	}
	vote(1, "0xaa")
	if got := logged(); !slices.Equal(got, []string{"one:0xaa"}) {
		t.Fatalf("logged before the deferral: %v", got)
	}
	if on, err := w.DeferIndexes(ctx, 1_000); err != nil || !on {
		t.Fatalf("defer: %v %v", on, err)
	}
	vote(2, "0xbb")
	if got := logged(); len(got) != 0 {
		t.Errorf("logged while the indexes are deferred: %v", got)
	}
	if _, err := w.RestoreIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if got := logged(); !slices.Equal(got, []string{"one:", "two:"}) {
		t.Errorf("logged by the restore: %v, want every community's ''", got)
	}
	vote(3, "0xcc")
	if got := logged(); !slices.Equal(got, []string{"one:0xcc"}) {
		t.Errorf("logged after the restore: %v", got)
	}
}
