package postgres

import (
	"context"
	"math/big"
	"slices"
	"strings"

	"github.com/guildhall/guildhall/health"
)

// contributionMembers is the member side of the contribution figures.
type contributionMembers struct {
	ByActivity               []health.RewardTotals
	ByIssuer                 []health.IssuerTotals
	PowerFollowsContribution *float64
	EarnersNeverVotedShare   *float64
}

// Contribution returns the contribution figures over the last days days, today included.
func (s *HealthStore) Contribution(ctx context.Context, scope health.Scope, days int) (*health.ContributionReport, error) {
	out := health.ContributionReport{Days: max(days, 1)}
	meta, err := s.read(ctx, "read contribution", scope, func(h *healthTx) error {
		from, _ := health.Window(h.meta.Today, out.Days)
		c, err := s.contribution.get(h.community, h.ledgerKey(from.String()), func() (contributionMembers, error) {
			return h.readContribution(from)
		})
		if err != nil {
			return err
		}
		out.ByActivity, out.ByIssuer = c.ByActivity, c.ByIssuer
		out.PowerFollowsContribution, out.EarnersNeverVotedShare = c.PowerFollowsContribution, c.EarnersNeverVotedShare
		records, err := h.delegateRecords()
		if err != nil {
			return err
		}
		out.DormantVotingPowerShare = health.DormantVotingPowerShare(records)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}

// readContribution reads the member side of the contribution figures from day from to today.
func (h *healthTx) readContribution(from health.Day) (contributionMembers, error) {
	var c contributionMembers
	var err error
	if c.ByActivity, c.ByIssuer, err = h.rewardTotals(from); err != nil {
		return c, err
	}
	var members []struct {
		Earned, Power string
	}
	if err := h.query(&members, `WITH `+healthMembersCTE+`,
		e AS (SELECT d.account, sum(d.reward_amount) AS earned FROM member_activity_days d
			WHERE d.community_id = $1 AND d.day BETWEEN $4::date AND $3::date AND d.reward_count > 0 GROUP BY d.account)
		SELECT coalesce(e.earned, 0)::text AS earned, coalesce(a.voting_power, 0)::text AS power
		FROM m LEFT JOIN e ON e.account = m.account
		LEFT JOIN token_accounts a ON a.community_id = $1 AND a.address = m.account
		`, h.base(from.String())...); err != nil {
		return c, err
	}
	x, y := make([]*big.Int, len(members)), make([]*big.Int, len(members))
	for i, m := range members {
		x[i], y[i] = parseBig(m.Earned), parseBig(m.Power)
	}
	c.PowerFollowsContribution = health.Spearman(x, y)
	var active struct{ Active, Never int }
	if err := h.get(&active, `WITH `+healthMembersCTE+`,
		a AS (SELECT DISTINCT d.account FROM `+healthCounted+` AND d.day >= $4::date),
		v AS (SELECT DISTINCT account FROM member_activity_days WHERE community_id = $1 AND vote_count > 0)
		SELECT count(*) AS active, count(*) FILTER (WHERE v.account IS NULL) AS never FROM a LEFT JOIN v USING (account)`,
		h.base(from.String())...); err != nil {
		return c, err
	}
	c.EarnersNeverVotedShare = health.Ratio(active.Never, active.Active)
	return c, nil
}

// rewardTotals returns the rewards accepted from day from to today to non-excluded members, by
// activity and by issuer, each ordered by key (the activity; the issuer id as text).
func (h *healthTx) rewardTotals(from health.Day) ([]health.RewardTotals, []health.IssuerTotals, error) {
	var rows []struct {
		ByIssuer        bool
		Key, Name       string
		Rewards, Member int
		Amount          string
	}
	// One scan: the window's rewards per (activity, wallet) and per (issuer, wallet), then per key.
	err := h.query(&rows, `WITH g AS (
			SELECT GROUPING(activity) = 1 AS byissuer, activity, issuer_id, count(*) AS n, sum(amount) AS amount
			FROM rewards WHERE community_id = $1 AND status <> 'failed'
			AND wallet <> ALL($2) AND created_at >= $4::timestamp AT TIME ZONE 'UTC'
			AND created_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
			GROUP BY GROUPING SETS ((activity, wallet), (issuer_id, wallet)))
		SELECT g.byissuer, CASE WHEN g.byissuer THEN g.issuer_id::text ELSE g.activity END AS key,
		       coalesce(min(i.name), '') AS name, sum(g.n) AS rewards, count(*) AS member, sum(g.amount)::text AS amount
		FROM g LEFT JOIN issuers i ON g.byissuer AND i.id = g.issuer_id
		GROUP BY g.byissuer, g.activity, g.issuer_id`, h.base(from.String())...)
	if err != nil {
		return nil, nil, err
	}
	activities, issuers := []health.RewardTotals{}, []health.IssuerTotals{}
	for _, r := range rows {
		t := health.RewardTotals{Key: r.Key, Rewards: r.Rewards, Amount: parseBig(r.Amount), Members: r.Member}
		if r.ByIssuer {
			issuers = append(issuers, health.IssuerTotals{RewardTotals: t, Issuer: r.Name})
		} else {
			activities = append(activities, t)
		}
	}
	slices.SortFunc(activities, func(x, y health.RewardTotals) int { return strings.Compare(x.Key, y.Key) })
	slices.SortFunc(issuers, func(x, y health.IssuerTotals) int { return strings.Compare(x.Key, y.Key) })
	return activities, issuers, nil
}
