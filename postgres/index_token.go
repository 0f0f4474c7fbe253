package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/indexer"
)

// applyTokenEvents stores a batch's Transfer, DelegateVotesChanged and DelegateChanged events and
// applies them to token_accounts and token_supply.
//
// The fast path (every backfill batch): the events are written with COPY (lib/pq's CopyIn), with
// no ON CONFLICT and no RETURNING: COPY inserts heap tuples in bulk, and skips the speculative
// insertion that probes the primary key before each row (with the new indexes of migration
// 0006, this path ran about 1.4 times as fast as an INSERT ... SELECT FROM unnest(...) ON
// CONFLICT DO NOTHING). When every event went in, the derived state is aggregated here, in Go,
// and written with one upsert of one row per account touched (applyAccountDeltas), instead of
// one per kind of event: an account row is rewritten once per batch, not once for its balance
// and again for its voting power. When some event was already stored (a batch applied again
// after a lost commit, never in normal operation), the COPY fails on the natural key, the
// savepoint is rolled back and the general path derives the state from exactly the rows it
// inserts (insertTransfers and its siblings: ON CONFLICT DO NOTHING with RETURNING).
func applyTokenEvents(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) error {
	if len(ev.Transfers)+len(ev.DelegateVotes)+len(ev.DelegateChanges) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT index_token_events`); err != nil {
		return err
	}
	full, err := insertTokenEventsOnly(ctx, ev, txt)
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

// insertedKinds says which kinds of token events a batch inserted (all of them).
type insertedKinds struct{ transfers, votes, changes bool }

// insertTokenEventsOnly inserts the events (COPY, on txt.conn) without deriving anything. It
// returns nil when some event was stored already (the transaction is then aborted until the
// caller rolls back to its savepoint).
func insertTokenEventsOnly(ctx context.Context, ev *indexer.Events, txt *indexTexts) (*insertedKinds, error) {
	var full insertedKinds
	check := func(res driver.Result, err error, n int, into *bool) (ok bool, _ error) {
		if err != nil {
			var pqErr *pq.Error
			if errors.As(err, &pqErr) && pqErr.Code == "23505" { // unique_violation: stored before
				return false, nil
			}
			return false, err
		}
		got, err := res.RowsAffected()
		if err != nil {
			return false, err
		}
		if got != int64(n) {
			return false, fmt.Errorf("inserted %d of %d events", got, n)
		}
		*into = true
		return true, nil
	}
	meta := func(l *copyLine, e *indexer.EventMeta) {
		l.text(e.CommunityID)
		l.num(int64(e.BlockNumber))
		l.text(txt.hash.hex(e.BlockHash))
		l.num(int64(e.BlockTime))
		l.text(txt.hash.hex(e.TxHash))
		l.num(int64(e.LogIndex))
	}
	if n := len(ev.Transfers); n > 0 {
		res, err := copyIndexRows(ctx, txt.conn, "token_transfers", []string{"from_address", "to_address", "value"}, n, func(i int, l *copyLine) {
			t := &ev.Transfers[i]
			meta(l, &t.EventMeta)
			l.text(txt.addr.hex(t.From))
			l.text(txt.addr.hex(t.To))
			l.big(t.Value)
		})
		if ok, err := check(res, err, n, &full.transfers); !ok || err != nil {
			return nil, err
		}
	}
	if n := len(ev.DelegateVotes); n > 0 {
		res, err := copyIndexRows(ctx, txt.conn, "token_delegate_votes", []string{"delegate", "previous_votes", "new_votes"}, n, func(i int, l *copyLine) {
			d := &ev.DelegateVotes[i]
			meta(l, &d.EventMeta)
			l.text(txt.addr.hex(d.Delegate))
			l.big(d.PreviousVotes)
			l.big(d.NewVotes)
		})
		if ok, err := check(res, err, n, &full.votes); !ok || err != nil {
			return nil, err
		}
	}
	if n := len(ev.DelegateChanges); n > 0 {
		automatic := txt.automatic(ev)
		res, err := copyIndexRows(ctx, txt.conn, "token_delegate_changes", []string{"delegator", "from_delegate", "to_delegate", "automatic"}, n, func(i int, l *copyLine) {
			d := &ev.DelegateChanges[i]
			meta(l, &d.EventMeta)
			l.text(txt.addr.hex(d.Delegator))
			l.text(txt.addr.hex(d.FromDelegate))
			l.text(txt.addr.hex(d.ToDelegate))
			l.flag(automatic[i])
		})
		if ok, err := check(res, err, n, &full.changes); !ok || err != nil {
			return nil, err
		}
	}
	return &full, nil
}

// copyChunk is about how much COPY data copyIndexRows hands the driver at a time.
const copyChunk = 64 << 10

// copyIndexRows COPYs n event rows into table: the six meta columns, then cols, in the transaction
// open on conn. COPY fails as a whole on a row already stored, like a plain INSERT. The rows are
// written in COPY's text format here and handed to lib/pq's COPY statement a chunk at a time
// (its CopyData), on the driver's connection: through database/sql, each row was a call of its
// own, its values converted and checked one by one, about half of the serve process's time in
// writing a backfill's events.
func copyIndexRows(ctx context.Context, conn *sqlx.Conn, table string, cols []string, n int, row func(i int, l *copyLine)) (res driver.Result, err error) {
	all := append([]string{"community_id", "block_number", "block_hash", "block_time", "tx_hash", "log_index"}, cols...)
	quoted := make([]string, len(all))
	for k, c := range all {
		quoted[k] = pq.QuoteIdentifier(c)
	}
	q := "COPY " + pq.QuoteIdentifier(table) + " (" + strings.Join(quoted, ", ") + ") FROM STDIN"
	err = conn.Raw(func(dc any) error {
		res, err = copyRows(ctx, dc, table, q, n, row)
		if errors.Is(err, driver.ErrBadConn) {
			return badConnInTx{err}
		}
		return err
	})
	if bad := (badConnInTx{}); errors.As(err, &bad) {
		err = bad.err
	}
	return res, err
}

// badConnInTx carries a broken connection's error out of sql.Conn.Raw without database/sql seeing
// driver.ErrBadConn there: Raw would close the Conn, which waits for the transaction open on it to
// end, and that transaction is the caller's, still open (a batch cancelled part way hung so). The
// transaction's rollback returns the broken connection to the pool instead.
type badConnInTx struct{ err error }

func (e badConnInTx) Error() string { return e.err.Error() }

// copyRows runs the COPY q on the driver's connection dc, n rows written by row.
func copyRows(ctx context.Context, dc any, table, q string, n int, row func(i int, l *copyLine)) (driver.Result, error) {
	prep, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return nil, fmt.Errorf("copy into %s: the driver's connection %T prepares no statement", table, dc)
	}
	stmt, err := prep.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	// lib/pq's COPY statement: CopyData takes rows in the text format, Exec(nil) ends the COPY and
	// returns its result (the rows it inserted).
	copier, ok := stmt.(interface {
		CopyData(ctx context.Context, line string) (driver.Result, error)
		Exec(args []driver.Value) (driver.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("copy into %s: the driver's statement %T takes no COPY data", table, stmt)
	}
	l := copyLine{b: make([]byte, 0, copyChunk+4<<10)}
	for i := range n {
		if len(l.b) > 0 {
			l.b = append(l.b, '\n')
		}
		l.first = true
		row(i, &l)
		if len(l.b) >= copyChunk || i == n-1 {
			if _, err := copier.CopyData(ctx, string(l.b)); err != nil { // it adds the last newline
				return nil, err
			}
			l.b = l.b[:0]
		}
	}
	return copier.Exec(nil)
}

// copyLine appends one row's columns in COPY's text format: tab-separated, text with its
// backslashes, tabs, newlines and carriage returns escaped.
type copyLine struct {
	b     []byte
	first bool // no column written yet
}

func (l *copyLine) sep() {
	if !l.first {
		l.b = append(l.b, '\t')
	}
	l.first = false
}

func (l *copyLine) text(s string) {
	l.sep()
	for i := range len(s) {
		switch c := s[i]; c {
		case '\\':
			l.b = append(l.b, '\\', '\\')
		case '\t':
			l.b = append(l.b, '\\', 't')
		case '\n':
			l.b = append(l.b, '\\', 'n')
		case '\r':
			l.b = append(l.b, '\\', 'r')
		default:
			l.b = append(l.b, c)
		}
	}
}

func (l *copyLine) num(n int64) {
	l.sep()
	l.b = strconv.AppendInt(l.b, n, 10)
}

func (l *copyLine) big(n *big.Int) {
	l.sep()
	l.b = n.Append(l.b, 10)
}

func (l *copyLine) flag(v bool) {
	l.sep()
	if v {
		l.b = append(l.b, 't')
	} else {
		l.b = append(l.b, 'f')
	}
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

// applyAccountDeltas writes the aggregated changes, one row per account touched: an upsert on
// token_accounts' primary key, one statement for each kind of change the batch holds (a balance
// always; a new voting power, a new delegate, both or neither), since an upsert's update sees
// only the proposed row. The arbiter index finds each account by one probe: the former UPDATE ...
// FROM unnest(...) and INSERT ... WHERE NOT EXISTS were planned as hash joins over a sequential
// scan of the whole table (dead rows included), which cost more with every account the community
// ever had (150,000 holders: 9 of PostgreSQL's 18 s in an external node's backfill).
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
	// The accounts by what changes besides the balance: bit 0 the voting power, bit 1 the delegate.
	type group struct {
		communities, addresses, balances, votes []string
		delegates                               []sql.NullString
	}
	var groups [4]group
	for _, k := range d.order {
		a := d.accounts[k]
		kind := 0
		if a.hasVotes {
			kind |= 1
		}
		if a.hasD {
			kind |= 2
		}
		g := &groups[kind]
		g.communities = append(g.communities, k.community)
		g.addresses = append(g.addresses, txt.addr.hex(k.address))
		g.balances = append(g.balances, a.balance.String())
		votes := "0" // a new account's, when the batch has none
		if a.hasVotes {
			votes = a.votes.String()
		}
		g.votes = append(g.votes, votes)
		var delegate sql.NullString // none
		if a.hasD && *a.delegate != (common.Address{}) {
			delegate = sql.NullString{String: txt.addr.hex(*a.delegate), Valid: true}
		}
		g.delegates = append(g.delegates, delegate)
	}
	for kind, g := range groups {
		if len(g.addresses) == 0 {
			continue
		}
		set := "balance = a.balance + excluded.balance"
		if kind&1 != 0 {
			set += ", voting_power = excluded.voting_power"
		}
		if kind&2 != 0 {
			set += ", delegate = excluded.delegate"
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO token_accounts AS a (community_id, address, balance, voting_power, delegate)
			SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::text[])
			ON CONFLICT (community_id, address) DO UPDATE SET `+set,
			pq.Array(g.communities), pq.Array(g.addresses), pq.Array(g.balances), pq.Array(g.votes), nullStrings(g.delegates)); err != nil {
			return err
		}
	}
	return nil
}

// nullStrings is a text[] argument with NULL elements.
func nullStrings(v []sql.NullString) any { return pq.GenericArray{A: v} }
