package postgres_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// The activity triggers read again the days of the accounts whose days changed kinds
// (health_contributions): before and after, over a few months around the changed days. With the
// statistics of a young table (a new community's backfill) the planner could take the index by
// (community, day) for that, which for each account reads every row of the day range and keeps
// that account's: a first action on chain on a day of n members then read n x n rows (seen in
// BenchmarkHealthTriggerCost: 1.1 s for 2,000 members). The day range is given so that only the
// primary key matches it now. This statement (every member's first action on chain of its
// reward's day) must read the table a few times at most, never once per account.
func TestHealthTriggerReadsEachAccountsDaysOnce(t *testing.T) {
	t.Parallel()
	db, raw := pgtest.NewDBRaw(t)
	bind(t, db, devChain)
	for i, id := range []string{"older", "young"} {
		if err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), newCommunity(id, 30+i)); err != nil {
			t.Fatal(err)
		}
		seedBenchMembers(t, raw, id)
		if id == "older" { // the statistics a new community's backfill starts with
			if _, err := raw.Exec(`ANALYZE member_activity_days`); err != nil {
				t.Fatal(err)
			}
		}
	}
	tx, err := raw.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// Every member's first action on chain of the day of its reward, in one statement.
	if _, err := tx.Exec(`INSERT INTO token_transfers (community_id, block_number, block_hash, block_time, tx_hash, log_index,
			from_address, to_address, value)
		SELECT 'young', 1, 'b1', 1735689612, 't' || row_number() OVER (), row_number() OVER (), wallet, wallet, 1
		FROM members WHERE community_id = 'young'`); err != nil {
		t.Fatal(err)
	}
	read := tableReads(t, tx, "member_activity_days")
	if limit := 8 * read.Table; read.Seq+read.Index > limit {
		t.Errorf("a first action of %d members read %d activity days (%d sequentially, %d by index), want at most %d (8 times the table)",
			benchMembers, read.Seq+read.Index, read.Seq, read.Index, limit)
	}
}

// A rewind of a block of mints looks up each deleted Transfer's automatic self-delegation by one
// probe of token_delegate_changes, whatever its statistics say: here the table is vacuumed, not
// analyzed (as an insert-driven autovacuum leaves it after a backfill). Planned as a join
// (before migration 0034), it read the whole table and compared each self-delegation from nobody
// with each deleted Transfer: 8,000 times 1,000 here, 0.7 s, growing with every delegation the
// community ever had. Probes read none of the table sequentially.
func TestRewindOfMintsProbesTheDelegations(t *testing.T) {
	t.Parallel()
	db, raw := pgtest.NewDBRaw(t)
	bind(t, db, devChain)
	if err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), newCommunity("guild", 1)); err != nil {
		t.Fatal(err)
	}
	// 8,000 mints to new holders in eight blocks of 1,000 transactions, each with the token's
	// automatic DelegateChanged(X, 0x0 -> X).
	const zero = "0x0000000000000000000000000000000000000000"
	if _, err := raw.Exec(`WITH m AS (SELECT g, 1 + g / 1000 AS block, '0x' || lpad(to_hex(g), 40, '0') AS holder,
			'0x' || lpad(to_hex(g), 64, '0') AS tx FROM generate_series(0, 7999) g),
		t AS (INSERT INTO token_transfers (community_id, block_number, block_hash, block_time, tx_hash, log_index,
				from_address, to_address, value)
			SELECT 'guild', block, 'b' || block, 1735689600 + block, tx, 2 * (g % 1000), $1, holder, 1 FROM m)
		INSERT INTO token_delegate_changes (community_id, block_number, block_hash, block_time, tx_hash, log_index,
			delegator, from_delegate, to_delegate, automatic)
		SELECT 'guild', block, 'b' || block, 1735689600 + block, tx, 2 * (g % 1000) + 1, holder, $1, holder, true FROM m`, zero); err != nil {
		t.Fatal(err)
	}
	// Vacuumed, not analyzed (an insert-driven autovacuum can do that): the table's size is
	// known, what its rows hold is guessed.
	if _, err := raw.Exec(`VACUUM token_delegate_changes`); err != nil {
		t.Fatal(err)
	}
	tx, err := raw.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	res, err := tx.Exec(`DELETE FROM token_transfers WHERE block_number = 8`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1000 {
		t.Fatalf("the rewind deleted %d transfers, want 1,000", n)
	}
	read := tableReads(t, tx, "token_delegate_changes")
	if read.Seq > 0 || read.Index > 4*1000 {
		t.Errorf("a rewind of 1,000 mints read %d delegate changes of %d sequentially and %d by index, want none sequentially and at most 4,000 by index",
			read.Seq, read.Table, read.Index)
	}
}

// tableRead is how many rows of a table transaction tx has read so far, sequentially and by
// index, and how many rows it holds.
type tableRead struct{ Seq, Index, Table int64 }

func tableReads(t *testing.T, tx *sqlx.Tx, table string) tableRead {
	t.Helper()
	var read tableRead
	if err := tx.Get(&read, `SELECT coalesce(x.seq_tup_read, 0) AS seq, coalesce(x.idx_tup_fetch, 0) AS index,
			(SELECT count(*) FROM `+pq.QuoteIdentifier(table)+`) AS table
		FROM pg_stat_xact_user_tables x WHERE x.relname = $1`, table); err != nil {
		t.Fatal(err)
	}
	return read
}

// Actions on chain on days that already have their kind (which change nothing) and first actions
// of a day (which change its kinds and the rollups), in one statement and apart, by a member and
// by an account that is none, with automatic and explicit self-delegations: every kind, first
// and last day and rollup stays what a recomputation gives, and a rewind takes each back to what
// the events left say (a day keeps a kind while one such action of it remains).
func TestHealthChainActionsOnActiveDays(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	a, b, c := account(1), account(2), account(3) // b is no member
	d0, d1 := healthT0, healthT0.Add(24*time.Hour)
	f.reward(a, d0.Add(time.Hour), 10, false, 0)
	f.reward(c, d1.Add(time.Hour), 10, false, 0)
	f.addBlock(d0, func(*blockEvents) {})
	f.addBlock(d0.Add(2*time.Hour), func(e *blockEvents) {
		e.transfer(a, b, 1)                // a's reward day gains chain
		e.delegate(b, common.Address{}, c) // b's first action of the day
		e.mint(c, 5, true)                 // automatic: nobody's action
	})
	f.addBlock(d0.Add(3*time.Hour), func(e *blockEvents) {
		e.transfer(a, b, 1) // on a day already active on chain
		e.transfer(a, c, 1)
		e.delegate(a, common.Address{}, c) // another kind, same day
		e.transfer(b, a, 1)                // b's day is active: counted, b still no member
		e.transfer(c, a, 1)                // c's first action, before its first reward day
		e.mint(a, 5, true)
	})
	f.addBlock(d1.Add(2*time.Hour), func(e *blockEvents) { e.transfer(a, c, 1) }) // a's new day
	f.addBlock(d1.Add(3*time.Hour), func(e *blockEvents) {
		e.transfer(a, c, 1) // active day
		e.transfer(c, a, 2) // c's reward day gains chain
		e.transfer(c, b, 2)
	})
	want := sortedLines(strings.Join([]string{
		a.Hex() + " 2025-01-06 r1/10 t1 d1 v0 p0",
		a.Hex() + " 2025-01-07 r0/0 t1 d0 v0 p0",
		b.Hex() + " 2025-01-06 r0/0 t1 d1 v0 p0",
		c.Hex() + " 2025-01-06 r0/0 t1 d0 v0 p0",
		c.Hex() + " 2025-01-07 r1/10 t1 d0 v0 p0",
	}, "\n"))
	if got := f.activityRows(); got != strings.Join(want, "\n") {
		t.Errorf("activity:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	checkAgainstOracle(t, f, "")
	for _, n := range []uint64{4, 2, 1} {
		f.rewind(n)
		checkAgainstOracle(t, f, "")
	}
	want = sortedLines(a.Hex() + " 2025-01-06 r1/10 t0 d0 v0 p0\n" + c.Hex() + " 2025-01-07 r1/10 t0 d0 v0 p0")
	if got := f.activityRows(); got != strings.Join(want, "\n") {
		t.Errorf("activity after the rewinds:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

// The minter's updates of rewards (a batch claimed: batch_id set and submitted; a batch cut:
// rewards given back to pending; a batch confirmed) change nothing the health figures or the
// ledger version count, so they stage nothing and run no activity or ledger work: only the
// statement trigger's check that nothing was staged (migration 0026). A reward failing, which
// the figures do count, runs both once, and every figure stays exact.
func TestMinterUpdatesOfRewardsRunNoTriggerWork(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	f.addBlock(healthT0, func(b *blockEvents) {})
	var ids []int64
	for i := range 6 {
		ids = append(ids, f.reward(account(i%3), healthT0.Add(time.Duration(i)*time.Hour), 5, false, i))
	}
	tx, err := f.raw.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// The view holds the calls this backend has not reported yet: on a server that tracks
	// functions, calls of earlier transactions may still be there, so only what is added after
	// before counts.
	var before map[string]int
	called := func() map[string]int { // the functions this transaction called, and how often
		t.Helper()
		var rows []struct {
			Name  string `db:"funcname"`
			Calls int    `db:"calls"`
		}
		if err := tx.Select(&rows, `SELECT funcname, calls FROM pg_stat_xact_user_functions WHERE calls > 0`); err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, r := range rows {
			if n := r.Calls - before[r.Name]; n > 0 {
				out[r.Name] = n
			}
		}
		return out
	}
	run := func(q string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	run(`SET LOCAL track_functions = 'pl'`)
	before = called()
	run(`INSERT INTO mint_batches (id, community_id, batch_id, reward_count, total) VALUES (1, 'guild', '0x' || repeat('ab', 32), 6, 30)`)
	run(`UPDATE rewards SET batch_id = 1, status = 'submitted' WHERE id = ANY($1)`, pq.Array(ids))
	run(`UPDATE rewards SET batch_id = NULL, status = 'pending' WHERE id IN (SELECT id FROM rewards WHERE batch_id = 1 ORDER BY id OFFSET 4)`)
	run(`UPDATE rewards SET status = 'confirmed' WHERE batch_id = 1`)
	got := called()
	delete(got, "reward_updates_apply") // the statement trigger's check, once a statement
	if len(got) > 0 {
		t.Errorf("the minter's updates of rewards called trigger functions %v; want none", got)
	}
	run(`UPDATE rewards SET status = 'failed' WHERE id = $1`, ids[5])
	got = called()
	for _, fn := range []string{"reward_update_stage", "member_activity_apply", "reward_ledger_slot"} {
		if got[fn] != 1 {
			t.Errorf("a reward failing called %s %d times (all: %v); want its row staged once, then the activity and the ledger version applied once", fn, got[fn], got)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	checkAgainstOracle(t, f, "")
}

// A new member's first rewards (an account with no activity day, rewarded on one day) add to the
// rollups without reading anything again: one statement of such rewards never runs
// health_member_changes (migration 0026). Rewards in the same statement to a returning member,
// to an account active only on chain and to a new account on two days take the general path,
// and every figure stays exact.
func TestNewMembersFirstRewardsReadNothingAgain(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	day := healthT0.Add(40 * 24 * time.Hour)
	f.addBlock(day.Add(-9*24*time.Hour), func(b *blockEvents) { b.transfer(account(3), account(4), 1) })
	f.addBlock(day, func(b *blockEvents) { b.transfer(account(4), account(3), 1) })
	f.reward(account(5), day.Add(-24*time.Hour), 5, false, 0)
	tx, err := f.raw.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	reward := func(items ...[2]int) { // one statement: account items[k][0] rewarded items[k][1] hours after day
		t.Helper()
		var wallets []string
		var ats []time.Time
		for _, it := range items {
			wallets = append(wallets, account(it[0]).Hex())
			ats = append(ats, day.Add(time.Duration(it[1])*time.Hour))
		}
		if _, err := tx.Exec(`INSERT INTO members (community_id, wallet) SELECT DISTINCT 'guild', w FROM unnest($1::text[]) w ON CONFLICT DO NOTHING`,
			pq.Array(wallets)); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, created_at)
			SELECT 'guild', $3, $4, 'purchase', w, 7, at FROM unnest($1::text[], $2::timestamptz[]) u(w, at)`,
			pq.Array(wallets), pq.Array(ats), f.issuer, f.rule); err != nil {
			t.Fatal(err)
		}
	}
	memberChanges := func() int {
		t.Helper()
		var n int
		if err := tx.Get(&n, `SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions WHERE funcname = 'health_member_changes'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := tx.Exec(`SET LOCAL track_functions = 'all'`); err != nil {
		t.Fatal(err)
	}
	reward([2]int{10, 0}, [2]int{11, 1}, [2]int{12, 2}, [2]int{10, 3}) // three new members, one rewarded twice that day
	if n := memberChanges(); n != 0 {
		t.Errorf("new members' first rewards ran health_member_changes %d times, want 0", n)
	}
	// A new member, a returning one, one active on chain only, a new one on two days.
	reward([2]int{13, 1}, [2]int{5, 1}, [2]int{3, 2}, [2]int{14, 1}, [2]int{14, 50})
	if n := memberChanges(); n != 1 {
		t.Errorf("health_member_changes ran %d times for a statement with known accounts, want 1", n)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	checkAgainstOracle(t, f, "")
}

// A backfill's actions on days that already have their kind (after a member's first action of a
// day, nearly all of them) write no activity row: each row keeps its version (ctid and xmin), so
// the indexer pays for the activity table once per member, day and kind, not once per batch.
func TestHealthActionsOnDaysWithTheirKindWriteNoRow(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	a, b, c := account(1), account(2), account(3)
	f.reward(a, healthT0.Add(time.Hour), 10, false, 0)
	f.addBlock(healthT0, func(*blockEvents) {})
	f.addBlock(healthT0.Add(2*time.Hour), func(e *blockEvents) {
		e.transfer(a, b, 1)
		e.delegate(b, common.Address{}, c)
	})
	versions := func() string {
		var s string
		if err := f.raw.Get(&s, `SELECT string_agg(format('%s %s %s %s', account, day, ctid, xmin), E'\n' ORDER BY account, day)
			FROM member_activity_days WHERE community_id = 'guild'`); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := versions()
	f.addBlock(healthT0.Add(3*time.Hour), func(e *blockEvents) {
		e.transfer(a, c, 1) // a's day has a transfer already
		e.transfer(a, b, 2)
		e.delegate(b, c, a) // b's day has a delegation already
	})
	if after := versions(); after != before {
		t.Errorf("actions on days with their kind rewrote activity rows:\nbefore\n%s\nafter\n%s", before, after)
	}
	checkAgainstOracle(t, f, "")
	f.rewind(2) // b's day keeps its delegation (block 2's), a's its transfer
	if after := versions(); after != before {
		t.Errorf("a rewind of actions on days that keep their kinds rewrote activity rows:\nbefore\n%s\nafter\n%s", before, after)
	}
	checkAgainstOracle(t, f, "")
}

// Delegate changes stored without the indexer's mark (rows indexed before migration 0027) are
// judged by the transfers stored: DelegateChanged(X, 0x0 -> X) beside a Transfer to X in its
// transaction is the automatic self-delegation, not activity; without one it is.
func TestHealthUnmarkedDelegationsAreJudgedByTheirTransfers(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	x, y := account(1), account(2)
	at := healthT0.Add(time.Hour).Unix()
	const cols = `community_id, block_number, block_hash, block_time, tx_hash, log_index`
	f.exec(`INSERT INTO token_transfers (`+cols+`, from_address, to_address, value)
		VALUES ('guild', 1, '0x01', $1, '0xaa', 0, $2, $3, 5)`, at, common.Address{}.Hex(), x.Hex())
	f.exec(`INSERT INTO token_delegate_changes (`+cols+`, delegator, from_delegate, to_delegate)
		VALUES ('guild', 1, '0x01', $1, '0xaa', 1, $2, $3, $2), ('guild', 1, '0x01', $1, '0xbb', 0, $4, $3, $4)`,
		at, x.Hex(), common.Address{}.Hex(), y.Hex())
	want := y.Hex() + " 2025-01-06 r0/0 t0 d1 v0 p0"
	if got := f.activityRows(); got != want {
		t.Errorf("activity:\n%s\nwant\n%s", got, want)
	}
}

// A backfill's first action of a kind on a day, on or after the account's last active day (a
// member's) or by an account that is no member, is added to the rollups without reading the
// account's periods again (health_chain_first_actions_add); one before a member's last active day
// still is. Either way the rollups equal their recomputation.
func TestChainFirstActionsOfADayReadNoPeriodAgain(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	day := healthT0.Add(40 * 24 * time.Hour)
	f.reward(account(1), day.Add(-30*24*time.Hour), 5, false, 0) // last active the month before
	f.reward(account(2), day.Add(-24*time.Hour), 5, false, 0)    // the day before, same week
	f.reward(account(3), day.Add(time.Hour), 5, false, 0)        // rewarded that day
	f.reward(account(5), day.Add(48*time.Hour), 5, false, 0)     // active after the day
	block := 0
	// transfers inserts, in one statement, a transfer from each of senders at day plus hours, and
	// reports how many times the periods were read again (health_member_changes, which member_activity_apply runs first).
	transfers := func(hours int, senders ...int) int {
		t.Helper()
		tx, err := f.raw.Beginx()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(`SET LOCAL track_functions = 'all'`); err != nil {
			t.Fatal(err)
		}
		reads := func() (n int) {
			if err := tx.Get(&n, `SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions WHERE funcname = 'health_member_changes'`); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := reads()
		block++
		for i, s := range senders {
			if _, err := tx.Exec(`INSERT INTO token_transfers (community_id, block_number, block_hash, block_time, tx_hash, log_index,
				from_address, to_address, value) VALUES ('guild', $1, $3, $2, $3, $4, $5, $6, 1)`,
				block, day.Add(time.Duration(hours)*time.Hour).Unix(), fmt.Sprintf("0x%x", block), i, account(s).Hex(), account(9).Hex()); err != nil {
				t.Fatal(err)
			}
		}
		n := reads() - before
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := transfers(2, 1, 2, 3, 4); n != 0 { // 4 is no member
		t.Errorf("first actions of a day on or after the last active day read the periods again %d times, want 0", n)
	}
	checkRollups(t, f)
	if n := transfers(3, 5); n == 0 {
		t.Error("a first action of a day before the member's last active day did not read its periods again")
	}
	if n := transfers(24*8, 1, 2); n != 0 { // the next week
		t.Errorf("first actions of a day on or after the last active day read the periods again %d times, want 0", n)
	}
	checkRollups(t, f)
}
