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

// readContribution reads the member side of the contribution figures from day from to today in
// two queries: the window's rewards once (healthContributionSQL: the totals by activity and by
// issuer, and each member's earnings beside its voting power now), and the members active in the
// window, from the daily rollup's last active days (as the overview's active_28d), with those of
// them who ever voted counted one by one (voters are few beside the members).
func (h *healthTx) readContribution(from health.Day) (contributionMembers, error) {
	var c contributionMembers
	var rows []struct {
		Member, ByIssuer bool
		Key, Name        string
		Rewards, Members int
		Amount, Power    string
	}
	if err := h.query(&rows, healthContributionSQL, h.base(from.String())...); err != nil {
		return c, err
	}
	c.ByActivity, c.ByIssuer = []health.RewardTotals{}, []health.IssuerTotals{}
	var earned, power []*big.Int
	for _, r := range rows {
		t := health.RewardTotals{Key: r.Key, Rewards: r.Rewards, Amount: parseBig(r.Amount), Members: r.Members}
		switch {
		case r.Member:
			earned, power = append(earned, t.Amount), append(power, parseBig(r.Power))
		case r.ByIssuer:
			c.ByIssuer = append(c.ByIssuer, health.IssuerTotals{RewardTotals: t, Issuer: r.Name})
		default:
			c.ByActivity = append(c.ByActivity, t)
		}
	}
	slices.SortFunc(c.ByActivity, func(x, y health.RewardTotals) int { return strings.Compare(x.Key, y.Key) })
	slices.SortFunc(c.ByIssuer, func(x, y health.IssuerTotals) int { return strings.Compare(x.Key, y.Key) })
	c.PowerFollowsContribution = health.Spearman(earned, power)
	var active struct{ Active, Voted int }
	if err := h.get(&active, `SELECT
			(SELECT coalesce(sum(last_members), 0) FROM health_rollup_read($1, $2, $3::date, 'day', $4::date, $3::date, false)) AS active,
			(SELECT count(*) FROM member_first_rewards m
			 WHERE m.community_id = $1 AND m.first_day <= $3::date AND m.account <> ALL($2)
			   AND m.account IN (SELECT account FROM member_activity_days WHERE community_id = $1 AND vote_count > 0)
			   AND EXISTS (SELECT 1 FROM member_activity_days d WHERE d.community_id = $1 AND d.account = m.account
			               AND d.day BETWEEN greatest($4::date, m.first_day) AND $3::date)) AS voted`,
		h.base(from.String())...); err != nil {
		return c, err
	}
	c.EarnersNeverVotedShare = health.Ratio(active.Active-active.Voted, active.Active)
	return c, nil
}

// healthContributionSQL reads the rewards accepted from day $4 to today to non-excluded members
// in one scan, grouped per (activity, wallet) and per (issuer, wallet), and returns: per
// activity and per issuer (member false) the rewards, how many members received them and their
// amount; per member at today (member true) its earnings in the window as amount (0 without a
// reward there) and its voting power now.
const healthContributionSQL = `WITH ` + healthMembersCTE + `,
	g AS MATERIALIZED (
		SELECT GROUPING(activity) = 1 AS byissuer, activity, issuer_id, wallet, count(*) AS n, sum(amount) AS amount
		FROM rewards WHERE community_id = $1 AND status <> 'failed'
		AND wallet <> ALL($2) AND created_at >= $4::timestamp AT TIME ZONE 'UTC'
		AND created_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
		GROUP BY GROUPING SETS ((activity, wallet), (issuer_id, wallet))),
	e AS (SELECT wallet AS account, sum(amount) AS earned FROM g WHERE NOT byissuer GROUP BY wallet)
	SELECT false AS member, g.byissuer, CASE WHEN g.byissuer THEN g.issuer_id::text ELSE g.activity END AS key,
	       coalesce(min(i.name), '') AS name, sum(g.n) AS rewards, count(*) AS members, sum(g.amount)::text AS amount, '0' AS power
	FROM g LEFT JOIN issuers i ON g.byissuer AND i.id = g.issuer_id
	GROUP BY g.byissuer, g.activity, g.issuer_id
	UNION ALL
	SELECT true, false, '', '', 0, 0, coalesce(e.earned, 0)::text, coalesce(a.voting_power, 0)::text
	FROM m LEFT JOIN e ON e.account = m.account
	LEFT JOIN token_accounts a ON a.community_id = $1 AND a.address = m.account`
