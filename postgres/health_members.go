package postgres

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"slices"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall/health"
)

// The member figures. Overview, activity, weekly and monthly retention and lifecycle read the
// rollups of migration 0019 (health_rollup_read: a few rows per period); the others aggregate
// member_activity_days in SQL. Every query's $1 is the community, $2 the excluded accounts, $3
// today (healthTx.base). healthMembersCTE is the members at today; a member's counted days are
// those from its first reward to today (healthCounted).
const (
	healthMembersCTE = `m AS (SELECT account, first_day FROM member_first_rewards
		WHERE community_id = $1 AND first_day <= $3::date AND account <> ALL($2))`
	healthCounted = `member_activity_days d JOIN m ON m.account = d.account
		WHERE d.community_id = $1 AND d.day >= m.first_day AND d.day <= $3::date`
	healthChain = `(d.transfer_count + d.delegation_count + d.vote_count + d.proposal_count > 0)`
)

// healthDay is the SQL of date expression e as a health.Day (days since 1970-01-01).
func healthDay(e string) string { return `(` + e + ` - date '1970-01-01')` }

// overviewMembers is the member side of the overview.
type overviewMembers struct {
	Members, New28, Cohort, Active28, Active7, Retained int
}

// Overview returns the overview figures.
func (s *HealthStore) Overview(ctx context.Context, scope health.Scope) (*health.OverviewReport, error) {
	var o health.OverviewReport
	meta, err := s.read(ctx, "read health overview", scope, func(h *healthTx) error {
		row, err := s.overview.get(h.community, h.ledgerKey(), h.overviewMembers)
		if err != nil {
			return err
		}
		o.Overview = health.Overview{Members: row.Members, Active7d: row.Active7, Active28d: row.Active28,
			NewMembers28d: row.New28, Participation28d: health.Ratio(row.Active28, row.Members),
			RetentionM1: health.Ratio(row.Retained, row.Cohort)}
		if o.Holders, err = h.holdersNow(); err != nil {
			return err
		}
		chain, err := s.overviewChain.get(h.community, h.blockKey("overview"), h.readOverviewChain)
		if err != nil {
			return err
		}
		o.VotingPower, o.DelegatesActive, o.DormantVotingPowerShare = chain.VotingPower, chain.DelegatesActive, chain.DormantVotingPowerShare
		return nil
	})
	if err != nil {
		return nil, err
	}
	o.Meta = meta
	return &o, nil
}

// readOverviewChain computes the voting power figures of the overview (the rest left empty).
func (h *healthTx) readOverviewChain() (health.OverviewReport, error) {
	var o health.OverviewReport
	power, err := h.concentrationValues("voting_power")
	if err != nil {
		return o, err
	}
	o.VotingPower = health.Concentrate(power)
	records, err := h.delegateRecords()
	if err != nil {
		return o, err
	}
	o.DelegatesActive = health.DelegatesActive(records)
	o.DormantVotingPowerShare = health.DormantVotingPowerShare(records)
	return o, nil
}

// overviewMembers reads the member side of the overview from the daily rollup (migration 0019):
// members, new members and members last active by day. The retained members of the cohort
// 28..55 days back are counted from their rows of member_first_rewards (first reward day, last
// active day); one active after today (a reward accepted on a day the indexer has not reached)
// has its last day up to today read from its activity days.
func (h *healthTx) overviewMembers() (overviewMembers, error) {
	var row overviewMembers
	err := h.get(&row, `SELECT coalesce(sum(new_members), 0) AS members,
			coalesce(sum(new_members) FILTER (WHERE period >= $3::date - 27), 0) AS new28,
			coalesce(sum(new_members) FILTER (WHERE period BETWEEN $3::date - 55 AND $3::date - 28), 0) AS cohort,
			coalesce(sum(last_members) FILTER (WHERE period >= $3::date - 27), 0) AS active28,
			coalesce(sum(last_members) FILTER (WHERE period >= $3::date - 6), 0) AS active7,
			(SELECT count(*) FROM member_first_rewards m WHERE m.community_id = $1 AND m.account <> ALL($2)
			   AND m.first_day BETWEEN $3::date - 55 AND $3::date - 28
			   AND CASE WHEN m.last_day <= $3::date THEN m.last_day ELSE (SELECT max(d.day) FROM member_activity_days d
			       WHERE d.community_id = $1 AND d.account = m.account AND d.day <= $3::date) END >= $3::date - 27) AS retained
		FROM health_rollup_read($1, $2, $3::date, 'day', '-infinity', $3::date, false)`, h.base()...)
	return row, err
}

// rollupRow is one row of health_rollup_read: a period's (or, with Cohort, a cohort's period's)
// member counts and rewards.
type rollupRow struct {
	Cohort                         *health.Day
	Period                         health.Day
	Active, Reward, Chain, Both    int
	Returning, NewMembers, Rewards int
	Amount                         string
}

// rollup reads the rollup rows of interval iv with periods (and, with cohorts, cohorts) in lo..hi,
// as of today without the excluded accounts.
func (h *healthTx) rollup(iv health.Interval, lo, hi health.Day, cohorts bool) ([]rollupRow, error) {
	var rows []rollupRow
	err := h.query(&rows, `SELECT `+healthDay("cohort")+` AS cohort, `+healthDay("period")+` AS period, active, reward, chain,
			"both", "returning", new_members AS newmembers, rewards, rewards_amount::text AS amount
		FROM health_rollup_read($1, $2, $3::date, $4, $5::date, $6::date, $7)`, h.base(string(iv), lo.String(), hi.String(), cohorts)...)
	return rows, err
}

// Activity returns the activity series of interval iv over the periods holding a day of from..to
// (ISO dates, both included; empty: the defaults of health.ParseRange at today).
func (s *HealthStore) Activity(ctx context.Context, scope health.Scope, iv health.Interval, from, to string) (*health.ActivityReport, error) {
	var out health.ActivityReport
	meta, err := s.read(ctx, "read health activity", scope, func(h *healthTx) error {
		f, t, err := health.ParseRange(iv, from, to, h.meta.Today)
		if err != nil {
			return err
		}
		starts := health.Periods(iv, f, t)
		out.Items = make([]health.ActivityItem, len(starts))
		at := make(map[health.Day]*health.ActivityItem, len(starts))
		for i, p := range starts {
			out.Items[i] = health.ActivityItem{SeriesItem: health.SeriesItem{PeriodStart: p}, RewardsAmount: new(big.Int)}
			at[p] = &out.Items[i]
		}
		if err := h.seriesMembers(at, iv, starts[0], health.LastDay(iv, starts[len(starts)-1])); err != nil {
			return err
		}
		return h.holdersEnd(out.Items, iv)
	})
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}

// seriesMembers fills the member counts and rewards of the periods of at, which cover lo..hi.
func (h *healthTx) seriesMembers(at map[health.Day]*health.ActivityItem, iv health.Interval, lo, hi health.Day) error {
	rows, err := h.store.series.get(h.community, h.ledgerKey(string(iv), lo.String(), hi.String()), func() ([]rollupRow, error) {
		return h.rollup(iv, lo, hi, false)
	})
	if err != nil {
		return err
	}
	for _, r := range rows {
		it := at[r.Period]
		if it == nil {
			continue
		}
		it.NewMembers, it.ActiveMembers, it.ActiveReward, it.ActiveChain, it.ActiveBoth = r.NewMembers, r.Active, r.Reward, r.Chain, r.Both
		it.Rewards, it.RewardsAmount = r.Rewards, parseBig(r.Amount)
	}
	return nil
}

// holdersEnd fills each period's holders at its last block: the holders at as_of, less the
// transfers after the period's end (block_time past its last second), replayed backwards over
// the accounts they touched. They depend on the block only: the store keeps the last ones read.
func (h *healthTx) holdersEnd(items []health.ActivityItem, iv health.Interval) error {
	thresholds := make([]int64, len(items)) // first second after each period
	for i, it := range items {
		thresholds[i] = health.NextPeriod(iv, it.PeriodStart).Time().Unix()
	}
	key := h.blockKey(fmt.Sprint(thresholds))
	counts, err := h.store.holders.get(h.community, key, func() ([]int, error) { return h.readHoldersEnd(thresholds) })
	if err != nil {
		return err
	}
	for i := range items {
		items[i].HoldersEnd = counts[i]
	}
	return nil
}

// holdersNow returns the holders at as_of (kept in the block cache).
func (h *healthTx) holdersNow() (int, error) {
	return h.store.holdersNow.get(h.community, h.blockKey("holders"), func() (int, error) {
		var n int
		err := h.get(&n, `SELECT count(*) FROM token_accounts WHERE community_id = $1 AND balance > 0 AND address <> ALL($2)`,
			h.community, pq.Array(h.excluded))
		return n, err
	})
}

// readHoldersEnd reads the holders at each of the period ends thresholds (Unix seconds, sorted).
func (h *healthTx) readHoldersEnd(thresholds []int64) ([]int, error) {
	now, err := h.holdersNow()
	if err != nil {
		return nil, err
	}
	counts := make([]int, len(thresholds))
	for i := range counts {
		counts[i] = now
	}
	var rows []struct {
		Lo, Hi, Delta int
	}
	if err := h.query(&rows, healthHoldersEndSQL, h.community, pq.Array(h.excluded), pq.Array(thresholds)); err != nil {
		return nil, err
	}
	for _, r := range rows {
		for i := r.Lo; i < r.Hi; i++ {
			counts[i] += r.Delta
		}
	}
	return counts, nil
}

// healthHoldersEndSQL returns, for the sorted period ends $3 (Unix seconds), rows (lo, hi, delta):
// the holders at the ends of periods lo+1..hi (1-based) differ from those at as_of by delta. Each
// account's transfers since the first end are netted per bucket b (the ends at or before their
// block_time: they change the balances at the ends of periods 1..b); walking an account's buckets
// down, its balance at the ends of the periods between the next lower bucket and b is its balance
// now less the net of bucket b and above. One scan of the transfers, one row per account and bucket.
const healthHoldersEndSQL = `WITH t AS (
		SELECT x.account, width_bucket(tt.block_time, $3::bigint[]) AS b, sum(x.delta) AS delta
		FROM token_transfers tt CROSS JOIN LATERAL (VALUES (tt.to_address, tt.value), (tt.from_address, -tt.value)) x(account, delta)
		WHERE tt.community_id = $1 AND tt.block_time >= ($3::bigint[])[1] AND x.account <> ALL($2)
		GROUP BY 1, 2),
	w AS (SELECT account, b, coalesce(lead(b) OVER (PARTITION BY account ORDER BY b DESC), 0) AS lo,
	             sum(delta) OVER (PARTITION BY account ORDER BY b DESC) AS after FROM t)
	SELECT w.lo, w.b AS hi, sum((coalesce(a.balance, 0) - w.after > 0)::int - (coalesce(a.balance, 0) > 0)::int)::int AS delta
	FROM w LEFT JOIN token_accounts a ON a.community_id = $1 AND a.address = w.account
	GROUP BY 1, 2 HAVING sum((coalesce(a.balance, 0) - w.after > 0)::int - (coalesce(a.balance, 0) > 0)::int) <> 0`

// Retention returns the last n cohorts of interval iv up to today's period, on basis b.
func (s *HealthStore) Retention(ctx context.Context, scope health.Scope, iv health.Interval, n int, b health.Basis) (*health.RetentionReport, error) {
	var out health.RetentionReport
	meta, err := s.read(ctx, "read health retention", scope, func(h *healthTx) error {
		n = min(max(n, 1), health.MaxCohorts)
		starts := health.Periods(iv, health.DefaultFrom(iv, h.meta.Today, n), h.meta.Today)
		index := make(map[health.Day]int, len(starts))
		out.Cohorts = make([]health.Cohort, len(starts))
		for i, p := range starts {
			index[p] = i
			out.Cohorts[i] = health.Cohort{CohortStart: p, Retained: make([]int, len(starts)-i)}
		}
		reward, chain := b != health.BasisChain, b != health.BasisReward
		rows, err := s.retention.get(h.community, h.ledgerKey(string(iv), starts[0].String(), string(b)), func() ([]retentionRow, error) {
			return h.readRetention(iv, starts[0], reward, chain)
		})
		if err != nil {
			return err
		}
		for _, r := range rows {
			c, ok := index[r.Cohort]
			if !ok {
				continue
			}
			if r.Period < 0 { // the size row
				out.Cohorts[c].Size, out.Cohorts[c].Retained[0] = r.N, r.N
			} else if k := index[r.Period] - c; k > 0 {
				out.Cohorts[c].Retained[k] = r.N
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}

// retentionRow is how many of a cohort were active in a period (Period -1: the cohort's size).
type retentionRow struct {
	Cohort, Period health.Day
	N              int
}

// readRetention reads the cohorts of interval iv from the one of start on, active on the basis
// reward and chain say: weeks and months from their rollups (migration 0019), days from the
// activity days.
func (h *healthTx) readRetention(iv health.Interval, start health.Day, reward, chain bool) ([]retentionRow, error) {
	if iv == health.Daily {
		return h.readDailyRetention(start, reward, chain)
	}
	rows, err := h.rollup(iv, start, h.meta.Today, true)
	var out []retentionRow
	for _, r := range rows {
		switch {
		case r.Cohort == nil && r.NewMembers != 0:
			out = append(out, retentionRow{Cohort: r.Period, Period: -1, N: r.NewMembers})
		case r.Cohort != nil:
			n := r.Active
			if !reward {
				n = r.Chain
			} else if !chain {
				n = r.Reward
			}
			out = append(out, retentionRow{Cohort: *r.Cohort, Period: r.Period, N: n})
		}
	}
	return out, err
}

// readDailyRetention reads the daily cohorts from the one of start on from the activity days.
func (h *healthTx) readDailyRetention(start health.Day, reward, chain bool) ([]retentionRow, error) {
	var rows []retentionRow
	err := h.query(&rows, `WITH `+healthMembersCTE+`
			SELECT `+healthDay("m.first_day")+` AS cohort, `+healthDay("d.day")+` AS period, count(*) AS n
			FROM m JOIN member_activity_days d ON d.community_id = $1 AND d.account = m.account
				AND d.day BETWEEN m.first_day AND $3::date AND ((d.reward_count > 0 AND $5) OR (`+healthChain+` AND $6))
			WHERE m.first_day >= $4::date GROUP BY 1, 2
			UNION ALL
			SELECT `+healthDay("first_day")+`, -1, count(*) FROM m WHERE first_day >= $4::date GROUP BY 1`,
		h.base(start.String(), reward, chain)...)
	return rows, err
}

// Lifecycle returns the lifecycle of interval iv over the periods holding a day of from..to.
func (s *HealthStore) Lifecycle(ctx context.Context, scope health.Scope, iv health.Interval, from, to string) (*health.LifecycleReport, error) {
	var out health.LifecycleReport
	meta, err := s.read(ctx, "read health lifecycle", scope, func(h *healthTx) error {
		f, t, err := health.ParseRange(iv, from, to, h.meta.Today)
		if err != nil {
			return err
		}
		starts := health.Periods(iv, f, t)
		lo, hi := health.PrevPeriod(iv, starts[0]), health.LastDay(iv, starts[len(starts)-1])
		rows, err := s.lifecycle.get(h.community, h.ledgerKey(string(iv), lo.String(), hi.String()), func() ([]rollupRow, error) {
			return h.rollup(iv, lo, hi, false)
		})
		if err != nil {
			return err
		}
		out.Items = lifecycleItems(starts, iv, h.meta.Today, rows)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}

// lifecycleItems computes the lifecycle of the periods starts from the rollup rows of those
// periods and the one before: of the members active in a period, new ones had their first reward
// in it, returning ones were active in the previous period too, the others are resurrected; the
// dormant were active in the previous period and not in this one. A period after today has zeros.
func lifecycleItems(starts []health.Day, iv health.Interval, today health.Day, rows []rollupRow) []health.LifecycleItem {
	at := make(map[health.Day]rollupRow, len(rows))
	for _, r := range rows {
		at[r.Period] = r
	}
	items := make([]health.LifecycleItem, len(starts))
	for i, p := range starts {
		items[i].PeriodStart = p
		if p > today {
			continue
		}
		now, before := at[p], at[health.PrevPeriod(iv, p)]
		it := &items[i]
		it.New, it.Returning = now.NewMembers, now.Returning
		it.Resurrected = now.Active - now.NewMembers - now.Returning
		it.Dormant = before.Active - now.Returning
		it.ChurnRate = health.Ratio(it.Dormant, before.Active)
	}
	return items
}

// AtRisk returns the at-risk members, longest silent first.
func (s *HealthStore) AtRisk(ctx context.Context, scope health.Scope) (*health.AtRiskReport, error) {
	out := health.AtRiskReport{Members: []health.AtRiskEntry{}}
	meta, err := s.read(ctx, "read at-risk members", scope, func(h *healthTx) error {
		rows, err := s.atRisk.get(h.community, h.ledgerKey(), h.readAtRisk)
		if err != nil {
			return err
		}
		for _, r := range rows {
			m := health.AtRiskMember{Address: r.Account, LastActive: r.Last, ActiveDays90d: r.N, SilentDays: int(h.meta.Today - r.Last)}
			limit := float64(health.AtRiskSilence)
			if r.Median != nil {
				m.UsualGap = r.Median
				limit = min(limit, 2**r.Median)
			}
			if float64(m.SilentDays) >= limit {
				out.Members = append(out.Members, health.AtRiskEntry{AtRiskMember: m, Earned90d: parseBig(r.Earned)})
			}
		}
		slices.SortFunc(out.Members, func(x, y health.AtRiskEntry) int {
			if x.SilentDays != y.SilentDays {
				return y.SilentDays - x.SilentDays
			}
			return cmp.Compare(x.Address, y.Address)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}

// atRiskRow is one of the top quartile of members by active days in the at-risk window.
type atRiskRow struct {
	Account string
	Last    health.Day
	N       int
	Median  *float64
	Earned  string
}

// readAtRisk reads the top quartile of members by active days in the at-risk window.
func (h *healthTx) readAtRisk() ([]atRiskRow, error) {
	var rows []atRiskRow
	err := h.query(&rows, `WITH `+healthMembersCTE+`,
			w AS (SELECT d.account, d.day, d.reward_amount FROM `+healthCounted+` AND d.day >= $3::date - $4::int + 1),
			c AS (SELECT account, count(*) AS n, max(day) AS last, sum(reward_amount) AS earned FROM w GROUP BY account),
			b AS (SELECT n FROM c ORDER BY n DESC OFFSET greatest((SELECT (count(*) + 3) / 4 FROM c) - 1, 0) LIMIT 1),
			top AS (SELECT * FROM c WHERE n >= (SELECT n FROM b)),
			g AS (SELECT w.account, w.day - lag(w.day) OVER (PARTITION BY w.account ORDER BY w.day) AS gap
			      FROM w JOIN top USING (account)),
			med AS (SELECT account, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median FROM g WHERE gap IS NOT NULL GROUP BY account)
			SELECT top.account, `+healthDay("top.last")+` AS last, top.n, top.earned::text AS earned, med.median
			FROM top LEFT JOIN med USING (account)`, h.base(health.AtRiskWindow)...)
	return rows, err
}
