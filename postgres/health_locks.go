package postgres

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/indexer"
)

// The health rollups (migration 0019) are kept by the activity triggers under a lock per
// (community, account) whose days change, taken by each statement that changes them, under the
// community's lock shared; past a few accounts, the community's lock exclusively (health_lock).
// A transaction whose statements took their locks one statement at a time could deadlock with
// another doing the same in another order: the indexer, whose batch changes days in several
// statements, takes every lock its batch needs first, in one call, and a rewind or a reindex's
// swap, which change days of accounts they do not list first, take their communities' locks
// exclusively.

// lockHealthActors takes the health locks of the accounts whose activity days the events of a
// batch change: senders of transfers (not mints), explicit delegators (not the token's automatic
// self-delegation), voters and proposers.
func lockHealthActors(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) error {
	var cids, accounts []string
	add := func(m indexer.EventMeta, a common.Address) {
		cids, accounts = append(cids, m.CommunityID), append(accounts, txt.addr.hex(a))
	}
	for _, t := range ev.Transfers {
		if t.From != (common.Address{}) {
			add(t.EventMeta, t.From)
		}
	}
	for i, automatic := range txt.automatic(ev) {
		if !automatic {
			add(ev.DelegateChanges[i].EventMeta, ev.DelegateChanges[i].Delegator)
		}
	}
	for _, v := range ev.Votes {
		add(v.EventMeta, v.Voter)
	}
	for _, p := range ev.Proposals {
		add(p.EventMeta, p.Proposer)
	}
	if len(accounts) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT health_lock($1, $2)`, pq.Array(cids), pq.Array(accounts))
	return err
}

// automaticDelegations says, for each of ev's delegate changes, whether it is the token's
// automatic self-delegation: DelegateChanged(X, 0x0 -> X) in a transaction holding a Transfer to
// X (a transaction's events are in one block, so in one batch). Stored with the row
// (token_delegate_changes.automatic, migration 0027), it spares the activity trigger looking the
// transfer up again.
func automaticDelegations(ev *indexer.Events) []bool {
	type receipt struct {
		tx common.Hash
		to common.Address
	}
	received := make(map[receipt]bool, len(ev.Transfers))
	for _, t := range ev.Transfers {
		received[receipt{t.TxHash, t.To}] = true
	}
	automatic := make([]bool, len(ev.DelegateChanges))
	for i, d := range ev.DelegateChanges {
		automatic[i] = d.FromDelegate == (common.Address{}) && d.ToDelegate == d.Delegator && received[receipt{d.TxHash, d.Delegator}]
	}
	return automatic
}

// lockHealthCommunities takes the health locks of the communities named by the query q (one text
// column) exclusively, in the one order every holder takes them.
func lockHealthCommunities(ctx context.Context, tx *sqlx.Tx, q string, args ...any) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(health_community_key(c)) FROM (SELECT DISTINCT c FROM (`+q+`) q(c) ORDER BY 1) x`,
		args...)
	return err
}

// compactHealthJournal folds the health journal of communities into their rollup rows
// (health_journal_compact) in a short transaction of its own. A failure leaves the rows to the
// next compaction: the reads are exact either way, the journal rows summed.
func (db *DB) compactHealthJournal(ctx context.Context, communities []string) {
	_, _ = db.db.ExecContext(ctx, `SELECT health_journal_compact($1)`, pq.Array(communities))
}

// healthJournalLong is how many journal rows of a community a read sums before it folds them in
// first.
const healthJournalLong = 2000

// compactLongHealthJournal folds community's health journal into its rollups when it is long (no
// indexer has run for a while). The reads are exact either way, the journal rows summed: on a
// read-only replica, or when the compaction fails, they read the journal as it is.
func (db *DB) compactLongHealthJournal(ctx context.Context, community string) {
	var long bool
	if err := db.db.GetContext(ctx, &long, `SELECT count(*) > $2 FROM (SELECT FROM health_journal WHERE community_id = $1 LIMIT $2 + 1) x`,
		community, healthJournalLong); err != nil || !long {
		return
	}
	db.compactHealthJournal(ctx, []string{community})
}
