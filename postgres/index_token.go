package postgres

import (
	"context"
	"database/sql"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/indexer"
)

// applyTokenEvents stores a batch's Transfer, DelegateVotesChanged and DelegateChanged events and
// applies them to token_accounts and token_supply.
//
// The fast path (every backfill batch): the events are inserted with ON CONFLICT DO NOTHING and no
// RETURNING; when each kind was inserted entirely (or not at all: a batch applied again), the
// derived state is aggregated here, in Go, and written with one UPDATE and one INSERT of one row
// per account touched, instead of one upsert per kind of event: an account row is rewritten once
// per batch, not once for its balance and again for its voting power. When some but not all
// events of a kind were already stored (never in normal operation: batches are applied whole, in
// order), the savepoint is rolled back and the general path derives the state from exactly the
// rows it inserts (insertTransfers and its siblings, with RETURNING).
func applyTokenEvents(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) error {
	if len(ev.Transfers)+len(ev.DelegateVotes)+len(ev.DelegateChanges) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT index_token_events`); err != nil {
		return err
	}
	full, err := insertTokenEventsOnly(ctx, tx, ev, txt)
	if err != nil {
		return err
	}
	if full == nil { // partly stored before: the general path
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT index_token_events`); err != nil {
			return err
		}
		for _, step := range []func(context.Context, *sqlx.Tx, *indexer.Events, *indexTexts) error{
			insertTransfers, insertDelegateVotes, insertDelegateChanges,
		} {
			if err := step(ctx, tx, ev, txt); err != nil {
				return err
			}
		}
		return nil
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT index_token_events`); err != nil {
		return err
	}
	return applyAccountDeltas(ctx, tx, aggregateTokenEvents(ev, full), txt)
}

// insertedKinds says which kinds of token events a batch inserted (all of them) rather than
// found already stored (all of them).
type insertedKinds struct{ transfers, votes, changes bool }

// insertTokenEventsOnly inserts the events without deriving anything. It returns nil when a kind
// was inserted only in part.
func insertTokenEventsOnly(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) (*insertedKinds, error) {
	var full insertedKinds
	check := func(res sql.Result, n int, into *bool) (ok bool, err error) {
		got, err := res.RowsAffected()
		if err != nil {
			return false, err
		}
		*into = got == int64(n)
		return got == 0 || got == int64(n), nil
	}
	if n := len(ev.Transfers); n > 0 {
		meta := newIndexMetaColumns(n, txt)
		from, to, value := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		for i := range ev.Transfers {
			t := &ev.Transfers[i]
			meta.add(&t.EventMeta)
			from = append(from, txt.addr.hex(t.From))
			to = append(to, txt.addr.hex(t.To))
			value = append(value, t.Value.String())
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO token_transfers (community_id, block_number, block_hash, block_time, tx_hash, log_index,
				from_address, to_address, value)
			SELECT * FROM unnest(`+indexMetaUnnest+`, $7::text[], $8::text[], $9::numeric[])
			ON CONFLICT DO NOTHING`, append(meta.args(), pq.Array(from), pq.Array(to), pq.Array(value))...)
		if err != nil {
			return nil, err
		}
		if ok, err := check(res, n, &full.transfers); !ok || err != nil {
			return nil, err
		}
	}
	if n := len(ev.DelegateVotes); n > 0 {
		meta := newIndexMetaColumns(n, txt)
		delegate, prev, next := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		for i := range ev.DelegateVotes {
			d := &ev.DelegateVotes[i]
			meta.add(&d.EventMeta)
			delegate = append(delegate, txt.addr.hex(d.Delegate))
			prev = append(prev, d.PreviousVotes.String())
			next = append(next, d.NewVotes.String())
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO token_delegate_votes (community_id, block_number, block_hash, block_time, tx_hash, log_index,
				delegate, previous_votes, new_votes)
			SELECT * FROM unnest(`+indexMetaUnnest+`, $7::text[], $8::numeric[], $9::numeric[])
			ON CONFLICT DO NOTHING`, append(meta.args(), pq.Array(delegate), pq.Array(prev), pq.Array(next))...)
		if err != nil {
			return nil, err
		}
		if ok, err := check(res, n, &full.votes); !ok || err != nil {
			return nil, err
		}
	}
	if n := len(ev.DelegateChanges); n > 0 {
		meta := newIndexMetaColumns(n, txt)
		delegator, from, to := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		for i := range ev.DelegateChanges {
			d := &ev.DelegateChanges[i]
			meta.add(&d.EventMeta)
			delegator = append(delegator, txt.addr.hex(d.Delegator))
			from = append(from, txt.addr.hex(d.FromDelegate))
			to = append(to, txt.addr.hex(d.ToDelegate))
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO token_delegate_changes (community_id, block_number, block_hash, block_time, tx_hash, log_index,
				delegator, from_delegate, to_delegate)
			SELECT * FROM unnest(`+indexMetaUnnest+`, $7::text[], $8::text[], $9::text[])
			ON CONFLICT DO NOTHING`, append(meta.args(), pq.Array(delegator), pq.Array(from), pq.Array(to))...)
		if err != nil {
			return nil, err
		}
		if ok, err := check(res, n, &full.changes); !ok || err != nil {
			return nil, err
		}
	}
	return &full, nil
}

type accountKey struct {
	community string
	address   common.Address
}

// accountDelta is what a batch does to one account: balance += balance; voting power and
// delegate replaced by the newest event's, when there is one.
type accountDelta struct {
	balance    *big.Int
	votes      *big.Int // when hasVotes
	votesAt    [2]uint64
	delegate   *common.Address // when hasD; the zero address: none
	delegateAt [2]uint64
	hasVotes   bool
	hasD       bool
}

type tokenDeltas struct {
	accounts map[accountKey]*accountDelta
	order    []accountKey // first-seen order, for a deterministic statement
	supply   map[string]*big.Int
}

func (d *tokenDeltas) account(community string, a common.Address) *accountDelta {
	k := accountKey{community, a}
	acc, ok := d.accounts[k]
	if !ok {
		acc = &accountDelta{balance: new(big.Int)}
		d.accounts[k] = acc
		d.order = append(d.order, k)
	}
	return acc
}

func later(block, index uint64, than [2]uint64) bool {
	return block > than[0] || (block == than[0] && index >= than[1])
}

// aggregateTokenEvents folds the inserted kinds of events into one change per account and per
// community's supply, as the general path's statements do in SQL.
func aggregateTokenEvents(ev *indexer.Events, full *insertedKinds) *tokenDeltas {
	d := &tokenDeltas{accounts: map[accountKey]*accountDelta{}, supply: map[string]*big.Int{}}
	var zero common.Address
	if full.transfers {
		for i := range ev.Transfers {
			t := &ev.Transfers[i]
			if t.To != zero {
				acc := d.account(t.CommunityID, t.To)
				acc.balance.Add(acc.balance, t.Value)
			}
			if t.From != zero {
				acc := d.account(t.CommunityID, t.From)
				acc.balance.Sub(acc.balance, t.Value)
			}
			if (t.From == zero) != (t.To == zero) {
				s, ok := d.supply[t.CommunityID]
				if !ok {
					s = new(big.Int)
					d.supply[t.CommunityID] = s
				}
				if t.From == zero {
					s.Add(s, t.Value)
				} else {
					s.Sub(s, t.Value)
				}
			}
		}
	}
	if full.votes {
		for i := range ev.DelegateVotes {
			v := &ev.DelegateVotes[i]
			acc := d.account(v.CommunityID, v.Delegate)
			if !acc.hasVotes || later(v.BlockNumber, uint64(v.LogIndex), acc.votesAt) {
				acc.hasVotes, acc.votes, acc.votesAt = true, v.NewVotes, [2]uint64{v.BlockNumber, uint64(v.LogIndex)}
			}
		}
	}
	if full.changes {
		for i := range ev.DelegateChanges {
			c := &ev.DelegateChanges[i]
			acc := d.account(c.CommunityID, c.Delegator)
			if !acc.hasD || later(c.BlockNumber, uint64(c.LogIndex), acc.delegateAt) {
				to := c.ToDelegate
				acc.hasD, acc.delegate, acc.delegateAt = true, &to, [2]uint64{c.BlockNumber, uint64(c.LogIndex)}
			}
		}
	}
	return d
}

// applyAccountDeltas writes the aggregated changes: existing accounts are updated in place, new
// ones inserted (the indexer is the only writer of these tables, under its lock; a concurrent
// writer would make the insert fail on the primary key and the batch be retried).
func applyAccountDeltas(ctx context.Context, tx *sqlx.Tx, d *tokenDeltas, txt *indexTexts) error {
	if len(d.supply) > 0 {
		communities := make([]string, 0, len(d.supply))
		deltas := make([]string, 0, len(d.supply))
		for c, v := range d.supply {
			communities = append(communities, c)
			deltas = append(deltas, v.String())
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO token_supply (community_id, total_supply)
			SELECT * FROM unnest($1::text[], $2::numeric[])
			ON CONFLICT (community_id) DO UPDATE SET total_supply = token_supply.total_supply + excluded.total_supply`,
			pq.Array(communities), pq.Array(deltas)); err != nil {
			return err
		}
	}
	if len(d.order) == 0 {
		return nil
	}
	n := len(d.order)
	communities, addresses := make([]string, 0, n), make([]string, 0, n)
	balances, votes := make([]string, 0, n), make([]sql.NullString, 0, n)
	setDelegate, delegates := make([]bool, 0, n), make([]sql.NullString, 0, n)
	for _, k := range d.order {
		a := d.accounts[k]
		communities = append(communities, k.community)
		addresses = append(addresses, txt.addr.hex(k.address))
		balances = append(balances, a.balance.String())
		if a.hasVotes {
			votes = append(votes, sql.NullString{String: a.votes.String(), Valid: true})
		} else {
			votes = append(votes, sql.NullString{})
		}
		setDelegate = append(setDelegate, a.hasD)
		if a.hasD && *a.delegate != (common.Address{}) {
			delegates = append(delegates, sql.NullString{String: txt.addr.hex(*a.delegate), Valid: true})
		} else {
			delegates = append(delegates, sql.NullString{})
		}
	}
	args := []any{pq.Array(communities), pq.Array(addresses), pq.Array(balances), nullStrings(votes),
		pq.Array(setDelegate), nullStrings(delegates)}
	const deltas = `unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::boolean[], $6::text[])
		AS d(community_id, address, balance, voting_power, set_delegate, delegate)`
	if _, err := tx.ExecContext(ctx, `
		UPDATE token_accounts a SET balance = a.balance + d.balance,
			voting_power = coalesce(d.voting_power, a.voting_power),
			delegate = CASE WHEN d.set_delegate THEN d.delegate ELSE a.delegate END
		FROM `+deltas+`
		WHERE a.community_id = d.community_id AND a.address = d.address`, args...); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO token_accounts (community_id, address, balance, voting_power, delegate)
		SELECT d.community_id, d.address, d.balance, coalesce(d.voting_power, 0), d.delegate
		FROM `+deltas+`
		WHERE NOT EXISTS (SELECT 1 FROM token_accounts a WHERE a.community_id = d.community_id AND a.address = d.address)`, args...)
	return err
}

// nullStrings is a text[] argument with NULL elements.
func nullStrings(v []sql.NullString) any { return pq.GenericArray{A: v} }
