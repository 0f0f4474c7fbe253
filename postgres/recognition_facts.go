package postgres

import (
	"math/big"

	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/recognition"
)

// The facts recognition decides on, read in one health snapshot (healthTx): true at its as_of
// block and ledger_through time. account "" reads every member of the community, an EIP-55
// address that member alone. Members are the accounts with a first reward up to today, never an
// excluded one; windows are whole UTC days ending today, as in the health figures.

// memberFacts reads the members' shared facts: first reward day, earned over 365 days, active days
// over 90 (from the first reward day on) and voting power now. Level is -1 (none) and Values empty.
func (h *healthTx) memberFacts(account string) (map[string]*recognition.Facts, error) {
	var rows []struct {
		Account     string     `db:"account"`
		FirstDay    health.Day `db:"first_day"`
		Earned      string     `db:"earned"`
		ActiveDays  int        `db:"active_days"`
		VotingPower string     `db:"voting_power"`
	}
	err := h.query(&rows, `
		SELECT f.account, (f.first_day - date '1970-01-01') AS first_day,
			coalesce(sum(m.reward_amount), 0)::text AS earned,
			count(m.day) FILTER (WHERE m.day > $3::date - 90) AS active_days,
			coalesce((SELECT t.voting_power FROM token_accounts t WHERE t.community_id = $1 AND t.address = f.account), 0)::text AS voting_power
		FROM member_first_rewards f
		LEFT JOIN member_activity_days m ON m.community_id = f.community_id AND m.account = f.account
			AND m.day >= f.first_day AND m.day > $3::date - 365 AND m.day <= $3::date
		WHERE f.community_id = $1 AND f.account <> ALL($2) AND f.first_day <= $3::date AND ($4 = '' OR f.account = $4)
		GROUP BY f.account, f.first_day`, h.base(account)...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*recognition.Facts, len(rows))
	for _, r := range rows {
		out[r.Account] = &recognition.Facts{FirstDay: r.FirstDay, Earned365d: parseBig(r.Earned), ActiveDays90d: r.ActiveDays,
			VotingPower: parseBig(r.VotingPower), Level: -1, Values: map[string]*big.Int{}}
	}
	return out, nil
}

// measure reads, for every member (or account alone), the figure condition c measures; members
// with none are left out (0).
func (h *healthTx) measure(c recognition.Condition, account string) (map[string]*big.Int, error) {
	var rows []struct {
		Account string `db:"account"`
		Value   string `db:"value"`
	}
	var err error
	switch c.Kind {
	case recognition.Earned, recognition.ActivityCount:
		// The rewards of the window (rewards_community_created), by the ledger's UTC day.
		value := "sum(amount)::text"
		if c.Kind == recognition.ActivityCount {
			value = "count(*)::text"
		}
		err = h.query(&rows, `SELECT wallet AS account, `+value+` AS value FROM rewards
			WHERE community_id = $1 AND status <> 'failed' AND wallet <> ALL($2) AND ($4 = '' OR wallet = $4)
			  AND created_at >= ($3::date - $5::int + 1)::timestamp AT TIME ZONE 'UTC'
			  AND created_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
			  AND ($6 = '' OR activity = $6)
			GROUP BY wallet`, h.base(account, c.WindowDays, c.Activity)...)
	case recognition.Votes:
		err = h.query(&rows, `
			WITH p AS (SELECT proposal_id FROM proposals WHERE community_id = $1
			           ORDER BY block_number DESC, log_index DESC LIMIT $5)
			SELECT v.voter AS account, count(*)::text AS value FROM votes v JOIN p USING (proposal_id)
			WHERE v.community_id = $1 AND v.voter <> ALL($2) AND ($4 = '' OR v.voter = $4) AND $3::date IS NOT NULL
			GROUP BY v.voter`, h.base(account, c.LastProposals)...)
	case recognition.Referrals:
		err = h.query(&rows, referralsMeasure, h.base(account)...)
	default:
		return map[string]*big.Int{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := make(map[string]*big.Int, len(rows))
	for _, r := range rows {
		out[r.Account] = parseBig(r.Value)
	}
	return out, nil
}

// currentStreaks reads every member's (or account's) current streak of ISO weeks with activity
// (recognition.Streaks): the run of consecutive active weeks whose last is this week or the week
// before. Members without one are left out (0).
func (h *healthTx) currentStreaks(account string) (map[string]int, error) {
	var rows []struct {
		Account string `db:"account"`
		Weeks   int    `db:"weeks"`
	}
	err := h.query(&rows, `
		WITH w AS (SELECT DISTINCT m.account, date_trunc('week', m.day)::date AS wk
		           FROM member_activity_days m JOIN member_first_rewards f USING (community_id, account)
		           WHERE m.community_id = $1 AND m.account <> ALL($2) AND ($4 = '' OR m.account = $4)
		             AND m.day >= f.first_day AND m.day <= $3::date),
		runs AS (SELECT account, max(wk) AS last, count(*) AS n FROM (
		           SELECT account, wk, wk - 7 * (row_number() OVER (PARTITION BY account ORDER BY wk))::int AS run FROM w) g
		         GROUP BY account, run)
		SELECT account, n AS weeks FROM runs WHERE last >= date_trunc('week', $3::date)::date - 7`, h.base(account)...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Account] = r.Weeks
	}
	return out, nil
}

// activeWeeks reads the Mondays of the ISO weeks account was active in (from its first reward
// day up to today), ascending.
func (h *healthTx) activeWeeks(account string) ([]health.Day, error) {
	var weeks []health.Day
	err := h.query(&weeks, `
		SELECT DISTINCT date_trunc('week', m.day)::date - date '1970-01-01' AS wk
		FROM member_activity_days m JOIN member_first_rewards f USING (community_id, account)
		WHERE m.community_id = $1 AND m.account = $4 AND m.account <> ALL($2) AND m.day >= f.first_day AND m.day <= $3::date
		ORDER BY wk`, h.base(account)...)
	return weeks, err
}

// readFacts reads the facts of every member (or account alone) that roles decide on: the shared
// facts, the current streak when a role asks for it, and each measured condition's figure.
func (h *healthTx) readFacts(roles []*recognition.Role, account string) (map[string]*recognition.Facts, error) {
	facts, err := h.memberFacts(account)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, r := range roles {
		for _, g := range r.Groups() {
			for _, c := range g.Conditions {
				if done[c.Key()] {
					continue
				}
				done[c.Key()] = true
				if err := h.fillFact(facts, c, account); err != nil {
					return nil, err
				}
			}
		}
	}
	return facts, nil
}

// fillFact reads condition c's figure into facts.
func (h *healthTx) fillFact(facts map[string]*recognition.Facts, c recognition.Condition, account string) error {
	if c.Kind == recognition.StreakWeeks {
		streaks, err := h.currentStreaks(account)
		for a, n := range streaks {
			if f := facts[a]; f != nil {
				f.StreakWeeks = n
			}
		}
		return err
	}
	if !c.Measured() {
		return nil
	}
	values, err := h.measure(c, account)
	for a, v := range values {
		if f := facts[a]; f != nil {
			f.Values[c.Key()] = v
		}
	}
	return err
}
