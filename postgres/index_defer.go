package postgres

import (
	"context"
	"slices"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
)

// deferrableIndexes are the indexes a long backfill builds once at its end instead of row by row
// (migration 0035): the B-trees keyed by account on the tables a backfill fills most (the
// recipients of Transfers, the delegates of DelegateVotesChanged, the delegators of DelegateChanged:
// one per new holder, its automatic self-delegation) and the holders by balance, which takes a new
// entry at every balance an account's row is rewritten with. Each costs about as much per row as
// the table's heap and its primary key together; built by one CREATE INDEX over the rows, about
// half as much. No write of a batch reads them (the automatic self-delegation check probes the
// primary key by block, 0033; the account upserts go by the primary key); a rewind does, and the
// indexer builds them before one. Nor does a read the health gate lets through but the holders
// list, which scans the accounts once per request meanwhile.
var deferrableIndexes = []string{"token_transfers_to", "token_delegate_votes_delegate", "token_delegate_changes_delegator",
	"token_accounts_holders"}

// DeferrableIndexes names the indexes a long backfill defers.
func DeferrableIndexes() []string { return slices.Clone(deferrableIndexes) }

// DeferIndexes drops deferrableIndexes, their definitions kept in index_deferred, when the events
// expected ahead are at least the rows their tables hold already (pg_class.reltuples; rebuilding
// over the old rows too must not cost more than inserting the new ones would), and reports whether
// they are now deferred. A reindex's shadow never defers.
func (w *IndexWriter) DeferIndexes(ctx context.Context, expected int64) (bool, error) {
	if w.shadow {
		return false, nil
	}
	const op = "defer indexes"
	tx, err := w.db.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, w.db.queryError(op, err)
	}
	defer tx.Rollback()
	var held int64
	// The tables of the indexes, as the catalog has them.
	if err := tx.GetContext(ctx, &held, `SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint FROM pg_class c
		WHERE c.oid IN (SELECT i.indrelid FROM pg_index i WHERE i.indexrelid IN (SELECT to_regclass(n) FROM unnest($1::text[]) n))`,
		pq.Array(deferrableIndexes)); err != nil {
		return false, w.db.queryError(op, err)
	}
	if expected < held {
		return false, nil
	}
	var dropped int
	if err := tx.GetContext(ctx, &dropped, `SELECT index_defer($1)`, pq.Array(deferrableIndexes)); err != nil {
		return false, w.db.queryError(op, err)
	}
	if err := tx.Commit(); err != nil {
		return false, w.db.queryError(op, err)
	}
	return dropped > 0, nil
}

// RestoreIndexes builds every deferred index again, in one transaction, and reports how many.
func (w *IndexWriter) RestoreIndexes(ctx context.Context) (int, error) {
	if w.shadow {
		return 0, nil
	}
	return w.db.restoreDeferredIndexes(ctx)
}

// IndexesDeferred reports whether any index is deferred.
func (w *IndexWriter) IndexesDeferred(ctx context.Context) (bool, error) {
	if w.shadow {
		return false, nil
	}
	var deferred bool
	if err := w.db.db.GetContext(ctx, &deferred, `SELECT EXISTS (SELECT 1 FROM index_deferred)`); err != nil {
		return false, w.db.queryError("read deferred indexes", err)
	}
	return deferred, nil
}

// restoreDeferredIndexes builds the indexes index_deferred lists, when the table exists (a
// database migrated before 0035 has none).
func (db *DB) restoreDeferredIndexes(ctx context.Context) (int, error) {
	const op = "build deferred indexes"
	var exists bool
	if err := db.db.GetContext(ctx, &exists, `SELECT to_regclass('index_deferred') IS NOT NULL`); err != nil {
		return 0, db.queryError(op, err)
	}
	if !exists {
		return 0, nil
	}
	var built int
	if err := db.db.GetContext(ctx, &built, `SELECT index_restore()`); err != nil {
		return 0, db.queryError(op, err)
	}
	return built, nil
}

// errIndexesDeferred is the answer of a read whose per-member lookups need a deferred index.
func errIndexesDeferred(asOf guildhall.AsOf) error {
	return guildhall.Errorf(guildhall.EUNAVAILABLE,
		"the first backfill is under way (indexed through block %d): these figures look members up by indexes that are built "+
			"when it reaches the blocks a reorg may still replace; try again then", asOf.Number)
}
