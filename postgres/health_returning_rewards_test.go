package postgres_test

import (
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// A returning member's first reward of a day on or after its last active day (every first reward
// of a day the accept path records) is added to the rollups without reading the member's periods
// again; one dated before its last active day, or one of two days of a member in a statement,
// still is.
func TestReturningMembersFirstRewardOfADayReadsNoPeriodAgain(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	day := healthT0.Add(40 * 24 * time.Hour)                                                          // a Saturday; the next day ends its week, 2 days later is the next month
	f.reward(account(1), day.Add(-30*24*time.Hour), 5, false, 0)                                      // last active the month before
	f.reward(account(2), day.Add(-24*time.Hour), 5, false, 0)                                         // the day before, same week
	f.reward(account(3), day.Add(-20*24*time.Hour), 5, false, 0)                                      // rewarded, then active on chain that day
	f.addBlock(day, func(b *blockEvents) { b.transfer(account(3), account(4), 1) })                   // account 4: on chain only
	f.reward(account(5), day.Add(-3*24*time.Hour), 5, false, 0)                                       // rewarded, then on chain later
	f.addBlock(day.Add(24*time.Hour), func(b *blockEvents) { b.transfer(account(5), account(4), 1) }) // after the reward below
	f.reward(account(6), day.Add(-10*24*time.Hour), 5, false, 0)                                      // two days in one statement
	f.reward(account(7), day.Add(-40*24*time.Hour), 5, false, 0)                                      // the month before, and days before
	f.reward(account(7), day.Add(-2*24*time.Hour), 5, false, 0)
	memberChanges := func(tx *sqlx.Tx) int {
		t.Helper()
		var n int
		if err := tx.Get(&n, `SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions WHERE funcname = 'health_member_changes'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// reward inserts, in one statement, a reward to account items[k][0] items[k][1] hours after day,
	// and reports how many times health_member_changes ran for it.
	reward := func(items ...[2]int) int {
		t.Helper()
		tx, err := f.raw.Beginx()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		var wallets []string
		var ats []time.Time
		for _, it := range items {
			wallets = append(wallets, account(it[0]).Hex())
			ats = append(ats, day.Add(time.Duration(it[1])*time.Hour))
		}
		if _, err := tx.Exec(`SET LOCAL track_functions = 'all'`); err != nil {
			t.Fatal(err)
		}
		before := memberChanges(tx) // the counts of earlier transactions not yet reported included
		if _, err := tx.Exec(`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, created_at)
			SELECT 'guild', $3, $4, 'purchase', w, 7, at FROM unnest($1::text[], $2::timestamptz[]) u(w, at)`,
			pq.Array(wallets), pq.Array(ats), f.issuer, f.rule); err != nil {
			t.Fatal(err)
		}
		n := memberChanges(tx) - before
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := reward([2]int{1, 1}, [2]int{2, 2}, [2]int{3, 3}, [2]int{3, 4}); n != 0 {
		t.Errorf("returning members' first rewards of a day ran health_member_changes %d times, want 0", n)
	}
	checkAgainstOracle(t, f, "")
	if n := reward([2]int{5, 1}); n != 1 { // before its last active day
		t.Errorf("a reward before the member's last active day ran health_member_changes %d times, want 1", n)
	}
	if n := reward([2]int{6, 1}, [2]int{6, 30}, [2]int{7, 60}); n != 1 { // two days of one member (7's, alone, adds in closed form)
		t.Errorf("a statement with two days of a member ran health_member_changes %d times, want 1", n)
	}
	if n := reward([2]int{1, 60}, [2]int{2, 200}, [2]int{7, 24 * 14}); n != 0 { // the next week; the next month
		t.Errorf("returning members' first rewards of a day ran health_member_changes %d times, want 0", n)
	}
	checkAgainstOracle(t, f, "")
}
