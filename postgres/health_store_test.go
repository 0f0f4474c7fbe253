package postgres_test

import (
	"fmt"
	"maps"
	"math/big"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/internal/testseeds"
)

// render writes v for comparison: numbers by value (ratios to 12 digits), nil pointers as null,
// structs with field names (time.Time and health.Day as text).
func render(v any) string {
	var b strings.Builder
	renderValue(&b, reflect.ValueOf(v))
	return b.String()
}

func renderValue(b *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		b.WriteString("null")
		return
	}
	switch x := v.Interface().(type) {
	case *big.Int:
		if x == nil {
			b.WriteString("null")
		} else {
			b.WriteString(x.String())
		}
		return
	case float64:
		fmt.Fprintf(b, "%.12g", x)
		return
	case time.Time, health.Day, fmt.Stringer:
		fmt.Fprint(b, x)
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
			return
		}
		renderValue(b, v.Elem())
	case reflect.Struct:
		b.WriteString("{")
		for i := range v.NumField() {
			fmt.Fprintf(b, "%s:", v.Type().Field(i).Name)
			renderValue(b, v.Field(i))
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice:
		b.WriteString("[")
		for i := range v.Len() {
			renderValue(b, v.Index(i))
			b.WriteString("\n")
		}
		b.WriteString("]")
	default:
		fmt.Fprint(b, v.Interface())
	}
}

func same(t *testing.T, name string, got, want any) {
	t.Helper()
	if g, w := render(got), render(want); g != w {
		t.Errorf("%s:\n got %s\nwant %s", name, g, w)
	}
}

// checkAgainstOracle compares every figure the store returns with the oracle's.
func checkAgainstOracle(t *testing.T, f *healthFixture, operator string) {
	t.Helper()
	ctx := t.Context()
	o := f.oracle(operator)
	scope := health.Scope{Community: "guild", Operator: operator}
	ov, err := f.store.Overview(ctx, scope)
	if err != nil {
		t.Fatal(err)
	}
	rs := o.records()
	same(t, "overview", []any{ov.Overview, ov.Holders, ov.VotingPower, ov.DelegatesActive, ov.DormantVotingPowerShare},
		[]any{health.ComputeOverview(o.activity, o.today), o.holdersAt(o.now), health.Concentrate(o.values(o.power)),
			health.DelegatesActive(rs), health.DormantVotingPowerShare(rs)})
	for _, iv := range []health.Interval{health.Daily, health.Weekly, health.Monthly} {
		checkSeries(t, f, o, scope, iv)
		for _, b := range []health.Basis{health.BasisAny, health.BasisReward, health.BasisChain} {
			ret, err := f.store.Retention(ctx, scope, iv, 6, b)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("retention %s %s", iv, b), ret.Cohorts, health.Retention(o.activity, iv, 6, o.today, b))
		}
		if iv != health.Daily {
			lc, err := f.store.Lifecycle(ctx, scope, iv, "", "")
			if err != nil {
				t.Fatal(err)
			}
			from := health.DefaultFrom(iv, o.today, health.DefaultPeriods)
			same(t, "lifecycle "+string(iv), lc.Items, health.Lifecycle(o.activity, iv, from, o.today, o.today))
		}
	}
	checkChainFigures(t, f, o, scope, rs)
	checkContribution(t, f, o, scope, rs)
	checkMemberDays(t, f, o)
	checkRollups(t, f)
}

// checkRollups compares health_periods and health_retention plus the journal not yet folded into
// them (kept by the triggers, migration 0019) with their recomputation from member_activity_days
// and member_first_rewards; then folds the journal in and compares the rollup rows alone.
func checkRollups(t *testing.T, f *healthFixture) {
	t.Helper()
	want := f.rollupRows(`SELECT grain, cohort, period, active, reward, chain, "both", "returning", new_members, last_members,
		rewards, rewards_amount FROM health_rollup_fill() WHERE community_id = 'guild'`)
	same(t, "rollups with the journal", f.rollupRows(keptRollups+` UNION ALL SELECT grain, cohort, period, active, reward, chain,
		"both", "returning", new_members, last_members, rewards, rewards_amount FROM health_journal WHERE community_id = 'guild'`), want)
	f.exec(`SELECT health_journal_compact('{guild}')`)
	same(t, "rollups after compaction", f.rollupRows(keptRollups), want)
	var left int
	if err := f.raw.Get(&left, `SELECT count(*) FROM health_journal`); err != nil || left != 0 {
		t.Errorf("journal after compaction: %d rows (%v), want 0", left, err)
	}
}

// keptRollups selects the community's rows of health_periods and health_retention.
const keptRollups = `SELECT grain, NULL::date AS cohort, period, active, reward, chain, "both", "returning", new_members, last_members,
		rewards, rewards_amount FROM health_periods WHERE community_id = 'guild'
	UNION ALL SELECT grain, cohort, period, active, reward, chain, 0, 0, 0, 0, 0, 0 FROM health_retention WHERE community_id = 'guild'`

// rollupSum is a rollup row as checkRollups compares it.
type rollupSum struct {
	Grain, Cohort, Period                  string
	Active, Reward, Chain, Both, Returning int
	NewMembers, LastMembers, Rewards       int
	Amount                                 string
}

// rollupRows returns the rows of q (grain, cohort, period and the counts of health_rollup_row)
// summed per key, without the keys left at zero.
func (f *healthFixture) rollupRows(q string) []rollupSum {
	var rows []rollupSum
	f.sel(&rows, `SELECT grain, coalesce(cohort::text, '') AS cohort, period::text AS period, sum(active) AS active,
			sum(reward) AS reward, sum(chain) AS chain, sum("both") AS both, sum("returning") AS returning,
			sum(new_members) AS newmembers, sum(last_members) AS lastmembers, sum(rewards) AS rewards,
			sum(rewards_amount)::text AS amount
		FROM (`+q+`) x(grain, cohort, period, active, reward, chain, "both", "returning", new_members, last_members, rewards, rewards_amount)
		GROUP BY 1, 2, 3
		HAVING (sum(active), sum(reward), sum(chain), sum("both"), sum("returning"), sum(new_members), sum(last_members),
		        sum(rewards), sum(rewards_amount)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
		ORDER BY 1, 2, 3`)
	return rows
}

// checkMemberDays compares member_first_rewards (each member's first reward day and last active
// day, kept by the triggers) with the oracle's, for the accounts that are not excluded.
func checkMemberDays(t *testing.T, f *healthFixture, o *healthOracle) {
	t.Helper()
	var rows []struct {
		Account     string
		First, Last string
	}
	f.sel(&rows, `SELECT account, first_day::text AS first, last_day::text AS last FROM member_first_rewards
		WHERE community_id = 'guild' ORDER BY account`)
	var got, want []string
	for _, r := range rows {
		if !o.excluded[r.Account] {
			got = append(got, r.Account+" "+r.First+" "+r.Last)
		}
	}
	for a, m := range o.activity {
		if first, ok := m.FirstReward(); ok {
			days := m.Days()
			want = append(want, a+" "+first.String()+" "+days[len(days)-1].Day.String())
		}
	}
	slices.Sort(want)
	same(t, "member first and last days", got, want)
}

func checkSeries(t *testing.T, f *healthFixture, o *healthOracle, scope health.Scope, iv health.Interval) {
	t.Helper()
	got, err := f.store.Activity(t.Context(), scope, iv, "", "")
	if err != nil {
		t.Fatal(err)
	}
	from := health.DefaultFrom(iv, o.today, health.DefaultPeriods)
	var want []health.ActivityItem
	for _, it := range health.Series(o.activity, iv, from, o.today, o.today) {
		w := health.ActivityItem{SeriesItem: it, RewardsAmount: new(big.Int)}
		for _, r := range o.rewards {
			if health.PeriodStart(iv, r.Day) == it.PeriodStart && r.Day <= o.today {
				w.Rewards++
				w.RewardsAmount.Add(w.RewardsAmount, r.Amount)
			}
		}
		end := uint64(health.NextPeriod(iv, it.PeriodStart).Time().Unix()) - 1
		w.HoldersEnd = o.holdersAt(min(end, o.now))
		want = append(want, w)
	}
	same(t, "activity "+string(iv), got.Items, want)
}

func checkChainFigures(t *testing.T, f *healthFixture, o *healthOracle, scope health.Scope, rs []health.DelegateRecord) {
	t.Helper()
	ctx := t.Context()
	for _, of := range []string{"voting_power", "balance"} {
		c, err := f.store.Concentration(ctx, scope, of)
		if err != nil {
			t.Fatal(err)
		}
		values := o.values(o.balances)
		if of == "voting_power" {
			values = o.values(o.power)
			q := health.Quorum(o.supplyAt(o.now), big.NewInt(int64(guildhall.DefaultGovernanceSettings().QuorumPercent)), big.NewInt(100))
			same(t, "min_for_quorum", c.MinForQuorum, health.MinForQuorum(values, q))
		}
		same(t, "concentration "+of, c.Concentration, health.Concentrate(values))
	}
	gov, err := f.store.Governance(ctx, scope, 4)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "governance", gov.GovernanceStats, health.Governance(o.ps, 4, o.now))
	var pages []health.DelegateRecord
	for offset := 0; ; {
		page, err := f.store.Delegates(ctx, scope, "voting_power", 3, offset)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page.Items...)
		if offset = page.Next; offset == 0 {
			break
		}
	}
	want := slices.Clone(rs)
	slices.SortStableFunc(want, func(x, y health.DelegateRecord) int { return y.VotingPower.Cmp(x.VotingPower) })
	same(t, "delegates", pages, want)
	ar, err := f.store.AtRisk(ctx, scope)
	if err != nil {
		t.Fatal(err)
	}
	wantRisk := []health.AtRiskEntry{}
	for _, m := range health.AtRisk(o.activity, o.today) {
		earned := new(big.Int)
		for _, r := range o.rewards {
			if r.Member == m.Address && r.Day > o.today-health.AtRiskWindow && r.Day <= o.today {
				earned.Add(earned, r.Amount)
			}
		}
		wantRisk = append(wantRisk, health.AtRiskEntry{AtRiskMember: m, Earned90d: earned})
	}
	same(t, "at risk", ar.Members, wantRisk)
}

func checkContribution(t *testing.T, f *healthFixture, o *healthOracle, scope health.Scope, rs []health.DelegateRecord) {
	t.Helper()
	c, err := f.store.Contribution(t.Context(), scope, 30)
	if err != nil {
		t.Fatal(err)
	}
	from, to := health.Window(o.today, 30)
	earned := map[string]*big.Int{}
	for _, r := range o.rewards {
		if r.Day >= from && r.Day <= to {
			if earned[r.Member] == nil {
				earned[r.Member] = new(big.Int)
			}
			earned[r.Member].Add(earned[r.Member], r.Amount)
		}
	}
	var byIssuer []health.IssuerTotals
	for _, t := range health.RewardsBy(o.rewards, from, to, func(r health.Reward) string { return r.IssuerID }) {
		byIssuer = append(byIssuer, health.IssuerTotals{RewardTotals: t, Issuer: o.issuers[t.Key]})
	}
	if byIssuer == nil {
		byIssuer = []health.IssuerTotals{}
	}
	same(t, "contribution", []any{c.ByActivity, c.ByIssuer, c.PowerFollowsContribution, c.EarnersNeverVotedShare, c.DormantVotingPowerShare},
		[]any{health.RewardsBy(o.rewards, from, to, func(r health.Reward) string { return r.Activity }), byIssuer,
			health.PowerFollowsContribution(o.activity, o.today, earned, o.power),
			health.EarnersNeverVotedShare(o.activity, from, to, func(a string) bool { return o.voted[a] }),
			health.DormantVotingPowerShare(rs)})
}

// randomHistory writes blocks every 5 to 11 hours over about 100 days among ten accounts:
// mints with the automatic self-delegation, transfers, explicit delegations, voting power
// changes, proposals, votes, executions and rewards (some failed, some failed later), with
// rewinds of a few blocks now and then. Account 8 is staff, account 9 the operator.
func randomHistory(f *healthFixture, r *rand.Rand) {
	accts := make([]common.Address, 10)
	alive := make([][2]int, len(accts)) // the blocks in which each account acts: some join late, some fall silent
	for i := range accts {
		accts[i] = account(i)
		alive[i][0] = r.Intn(150)
		alive[i][1] = alive[i][0] + 20 + r.Intn(200)
	}
	n := 0
	pick := func() common.Address {
		for {
			if i := r.Intn(len(accts)); n >= alive[i][0] && n <= alive[i][1] || r.Intn(20) == 0 {
				return accts[i]
			}
		}
	}
	at := healthT0
	proposals, voted := map[int64]uint64{}, map[string]uint64{} // by the block that made them
	var rewardIDs []int64
	for ; n < 220; n++ {
		at = at.Add(time.Duration(5+r.Intn(7)) * time.Hour)
		if r.Intn(40) == 0 && f.block > 5 {
			f.rewind(f.block - uint64(1+r.Intn(4)))
			maps.DeleteFunc(proposals, func(_ int64, b uint64) bool { return b > f.block })
			maps.DeleteFunc(voted, func(_ string, b uint64) bool { return b > f.block })
			at = time.Unix(int64(f.times[f.block]), 0).UTC().Add(time.Hour)
			continue
		}
		f.addBlock(at, func(b *blockEvents) {
			for range r.Intn(4) {
				a := pick()
				switch r.Intn(9) {
				case 0, 1:
					b.mint(a, int64(1+r.Intn(100)), r.Intn(3) > 0)
				case 2:
					b.transfer(a, pick(), int64(1+r.Intn(30)))
				case 3:
					b.delegate(a, []common.Address{{}, a}[r.Intn(2)], []common.Address{a, pick()}[r.Intn(2)])
				case 4:
					b.power(a, int64(r.Intn(3)*50))
				case 5:
					id := int64(1000 + n)
					b.propose(id, a, uint64(r.Intn(3))*86400)
					proposals[id] = b.n
				case 6, 7, 8:
					if len(proposals) > 0 {
						ids := slices.Sorted(maps.Keys(proposals))
						id := ids[max(0, len(ids)-1-r.Intn(5))] // mostly recent ones
						if k := fmt.Sprint(id, a); voted[k] == 0 {
							voted[k] = b.n
							b.vote(id, a, int64(r.Intn(3)*10))
						}
						if r.Intn(4) == 0 {
							b.execute(id)
						}
					}
				}
			}
		})
		for range r.Intn(3) {
			rewardIDs = append(rewardIDs, f.reward(pick(), at.Add(-time.Duration(r.Intn(20))*time.Hour), int64(1+r.Intn(50)), r.Intn(8) == 0, r.Intn(2)))
		}
		if len(rewardIDs) > 0 && r.Intn(10) == 0 {
			f.exec(`UPDATE rewards SET status = CASE WHEN status = 'failed' THEN 'confirmed' ELSE 'failed' END WHERE id = $1`,
				rewardIDs[r.Intn(len(rewardIDs))])
		}
	}
}

// Random histories: every figure the store returns equals package health's brute-force
// computation from the raw rows, with and without staff and an operator, and after rewinds.
// Every run plays seeds 0 to 2; GUILDHALL_HEALTH_SEEDS=N plays seeds 3 to N+2 instead, =A..B seeds A to B.
func TestHealthMatchesBruteForce(t *testing.T) {
	t.Parallel()
	first, last := testseeds.Range("GUILDHALL_HEALTH_SEEDS", 0, 2)
	for seed := first; seed <= last; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			f := newHealthFixture(t)
			randomHistory(f, rand.New(rand.NewSource(seed)))
			checkAgainstOracle(t, f, "")
			if err := f.store.AddStaff(t.Context(), "guild", account(8)); err != nil {
				t.Fatal(err)
			}
			checkAgainstOracle(t, f, account(9).Hex())
			f.rewind(f.block - 3)
			checkAgainstOracle(t, f, account(9).Hex())
		})
	}
}

// The token's automatic self-delegation (DelegateChanged(X, 0 -> X) in the transaction of a
// Transfer to X) is not activity; an explicit delegation is, also a self-delegation without a
// transfer. This relies on ApplyBatch inserting a batch's transfers before its delegate changes
// (see migration 0009): were the order reversed, the mint below would count as an explicit
// delegation. A rewind takes everything back, the automatic one included.
func TestHealthAutomaticSelfDelegationIsNotActivity(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	x, y, z := account(1), account(2), account(3)
	f.addBlock(healthT0, func(b *blockEvents) {})
	f.addBlock(healthT0.Add(time.Hour), func(b *blockEvents) {
		b.mint(x, 10, true)                // automatic: not activity
		b.delegate(y, common.Address{}, y) // explicit self-delegation, no transfer to y
		b.delegate(z, z, x)                // explicit
	})
	want := fmt.Sprintf("%s 2025-01-06 r0/0 t0 d1 v0 p0\n%s 2025-01-06 r0/0 t0 d1 v0 p0", y.Hex(), z.Hex())
	if got := f.activityRows(); got != strings.Join(sortedLines(want), "\n") {
		t.Errorf("activity after the block:\n%s\nwant\n%s", got, want)
	}
	f.rewind(1)
	if got := f.activityRows(); got != "" {
		t.Errorf("activity after the rewind:\n%s\nwant none", got)
	}
}

func sortedLines(s string) []string {
	lines := strings.Split(s, "\n")
	slices.Sort(lines)
	return lines
}

// Staff and the operator are left out of every figure, retroactively; taking an address off the
// staff brings its past back. Days split at midnight UTC; a member active only on chain counts.
func TestHealthExcludedAccountsAndDays(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	ctx := t.Context()
	a, s, op := account(1), account(2), account(3)
	for _, m := range []common.Address{a, s, op} {
		f.reward(m, healthT0.Add(time.Hour), 10, false, 0)
	}
	f.addBlock(healthT0.Add(10*24*time.Hour-time.Second), func(b *blockEvents) { b.transfer(a, s, 1) }) // 23:59:59
	f.addBlock(healthT0.Add(10*24*time.Hour), func(b *blockEvents) { b.transfer(a, s, 1) })             // 00:00:00 next day
	scope := health.Scope{Community: "guild", Operator: op.Hex()}
	series := func() []health.ActivityItem {
		act, err := f.store.Activity(ctx, scope, health.Daily, "2025-01-15", "2025-01-16")
		if err != nil {
			t.Fatal(err)
		}
		return act.Items
	}
	got := series()
	if len(got) != 2 || got[0].ActiveChain != 1 || got[1].ActiveChain != 1 || got[0].ActiveReward != 0 {
		t.Errorf("days either side of midnight: %s", render(got))
	}
	members := func() int {
		ov, err := f.store.Overview(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		return ov.Members
	}
	if n := members(); n != 2 {
		t.Errorf("members = %d, want 2 (the operator left out)", n)
	}
	if err := f.store.AddStaff(ctx, "guild", s); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddStaff(ctx, "nowhere", s); guildhall.ErrorCode(err) != guildhall.ENOTFOUND {
		t.Errorf("staff of an unknown community: %v", err)
	}
	staff, err := f.store.Staff(ctx, "guild")
	if err != nil || len(staff) != 1 || staff[0].Address != s.Hex() {
		t.Errorf("staff = %v, %v", staff, err)
	}
	if n := members(); n != 1 {
		t.Errorf("members with staff = %d, want 1", n)
	}
	c, err := f.store.Contribution(ctx, scope, 90)
	if err != nil || len(c.ByActivity) != 1 || c.ByActivity[0].Rewards != 1 {
		t.Errorf("contribution with staff: %s, %v", render(c), err)
	}
	if err := f.store.RemoveStaff(ctx, "guild", s); err != nil {
		t.Fatal(err)
	}
	if err := f.store.RemoveStaff(ctx, "guild", s); guildhall.ErrorCode(err) != guildhall.ENOTFOUND {
		t.Errorf("removing twice: %v", err)
	}
	if n := members(); n != 2 {
		t.Errorf("members after removing the staff = %d, want 2", n)
	}
}

// A community with nothing in it answers every read: zeros, empty lists and nulls, no division
// by zero; ledger_through is null.
func TestHealthEmptyCommunity(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	ctx := t.Context()
	scope := health.Scope{Community: "guild"}
	if _, err := f.store.Overview(ctx, scope); guildhall.ErrorCode(err) != guildhall.EUNAVAILABLE {
		t.Errorf("before indexing: %v, want EUNAVAILABLE", err)
	}
	f.addBlock(healthT0, func(b *blockEvents) {})
	ov, err := f.store.Overview(ctx, scope)
	if err != nil {
		t.Fatal(err)
	}
	if ov.Members != 0 || ov.Participation28d != nil || ov.RetentionM1 != nil || ov.VotingPower.Gini != nil ||
		ov.DormantVotingPowerShare != nil || ov.LedgerThrough != nil || ov.AsOf.Number != 1 {
		t.Errorf("overview: %s", render(ov))
	}
	checkAgainstOracle(t, f, "")
	c, err := f.store.Contribution(ctx, scope, 90)
	if err != nil || c.PowerFollowsContribution != nil || c.EarnersNeverVotedShare != nil || c.ByActivity == nil {
		t.Errorf("contribution: %s, %v", render(c), err)
	}
}

// The member figures are kept per as_of block and ledger version: at one indexed block, a reward
// accepted, one that fails and one that comes back each show in the next read of every figure
// (the same as the brute force), while a reward confirmed (nothing the figures count) leaves the
// ledger version as it was.
func TestHealthMemberFiguresFollowTheLedgerAtOneBlock(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	randomHistory(f, rand.New(rand.NewSource(7)))
	operator := account(9).Hex()
	checkAgainstOracle(t, f, operator)
	version := func() int64 {
		var v int64
		if err := f.raw.Get(&v, `SELECT coalesce((SELECT sum(version) FROM reward_ledger_versions WHERE community_id = 'guild'), 0)`); err != nil {
			t.Fatal(err)
		}
		return v
	}
	now := time.Unix(int64(f.times[f.block]), 0)
	steps := []struct {
		name string
		do   func() int64
	}{
		{"a reward to a new member", func() int64 { return f.reward(account(20), now, 40, false, 0) }},
		{"a reward to a known member, yesterday", func() int64 { return f.reward(account(1), now.Add(-24*time.Hour), 7, false, 1) }},
	}
	var ids []int64
	for _, s := range steps {
		before := version()
		ids = append(ids, s.do())
		if version() == before {
			t.Errorf("%s: ledger version stayed %d", s.name, before)
		}
		checkAgainstOracle(t, f, operator)
	}
	for _, status := range []string{"failed", "pending"} {
		before := version()
		f.exec(`UPDATE rewards SET status = $2 WHERE id = $1`, ids[0], status)
		if version() == before {
			t.Errorf("reward %s: ledger version stayed %d", status, before)
		}
		checkAgainstOracle(t, f, operator)
	}
	before := version()
	f.exec(`UPDATE rewards SET status = 'confirmed' WHERE id = ANY($1)`, pq.Array(ids))
	if v := version(); v != before {
		t.Errorf("rewards confirmed: ledger version %d, was %d", v, before)
	}
	checkAgainstOracle(t, f, operator)
}

// A reward accepted on a day the indexer has not reached yet (the ledger ahead of as_of) does not
// make its member active today: the overview counts only days up to today. Member a was last
// active 40 days ago before that reward, b 10 days ago.
func TestHealthOverviewRewardAfterTheIndexedDay(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	a, b := account(1), account(2)
	f.reward(a, healthT0, 10, false, 0)
	f.reward(b, healthT0.Add(30*24*time.Hour), 10, false, 0)
	f.addBlock(healthT0.Add(40*24*time.Hour), func(*blockEvents) {})
	for _, m := range []common.Address{a, b} {
		f.reward(m, healthT0.Add(41*24*time.Hour), 10, false, 0)
	}
	ov, err := f.store.Overview(t.Context(), health.Scope{Community: "guild"})
	if err != nil {
		t.Fatal(err)
	}
	if ov.Members != 2 || ov.Active28d != 1 || ov.Active7d != 0 {
		t.Errorf("members %d, active_28d %d, active_7d %d; want 2, 1, 0", ov.Members, ov.Active28d, ov.Active7d)
	}
	checkAgainstOracle(t, f, "")
}

// Rewards accepted while the indexer writes actions of the same members on the same days (a
// first reward of a day racing a first transfer of that day): the rollups stay equal to their
// recomputation, and every figure to the brute force. Each writer's trigger waits for the other's
// commit (the per-community lock of migration 0019), so neither counts from a snapshot without
// the other's days.
func TestHealthRollupsExactUnderConcurrentWriters(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	f.addBlock(healthT0, func(b *blockEvents) {})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 30 {
			f.addBlock(healthT0.Add(time.Duration(i+1)*5*time.Hour), func(b *blockEvents) {
				for a := range 6 {
					b.transfer(account(a), account(a+1), 1)
				}
			})
		}
	})
	wg.Go(func() {
		for i := range 90 {
			f.reward(account(i%6), healthT0.Add(time.Duration(i*5/3)*time.Hour), 5, false, i)
		}
	})
	wg.Wait()
	checkAgainstOracle(t, f, "")
}

// Rewards accepted while no indexer runs leave their changes to the rollups in the journal; a read
// that finds the journal long folds it into the rollup rows first, and every figure stays exact
// before and after.
func TestHealthReadFoldsALongJournal(t *testing.T) {
	t.Parallel()
	f := newHealthFixture(t)
	f.addBlock(healthT0.Add(100*24*time.Hour), func(b *blockEvents) {})
	for i := range 500 {
		f.reward(account(i%40), healthT0.Add(time.Duration(i)*4*time.Hour), 3, false, i)
	}
	journal := func() int {
		var n int
		if err := f.raw.Get(&n, `SELECT count(*) FROM health_journal WHERE community_id = 'guild'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := journal()
	if before <= 2000 {
		t.Fatalf("%d journal rows: not long enough for a read to fold them", before)
	}
	if _, err := f.store.Activity(t.Context(), health.Scope{Community: "guild"}, health.Weekly, "", ""); err != nil {
		t.Fatal(err)
	}
	if after := journal(); after != 0 {
		t.Errorf("%d journal rows after a read (%d before), want them folded in", after, before)
	}
	checkAgainstOracle(t, f, "")
}
