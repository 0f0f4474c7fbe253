package postgres

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/recognition"
)

// What an evaluation decides a member by: the community's rules and excluded accounts, the day
// (windows, tenure, streaks and the demotion hold count whole days), the decision time (a tier's
// grace), the member's own facts, and for a "votes" condition which proposals are the last N.
// Within one day and set of rules, a member whose own facts did not change (no row of theirs in
// recognition_changes, migration 0018), whose tiers are not in grace, and who voted on no proposal
// that entered or left a window would be decided as the last evaluation decided them, so an
// evaluation decides the others only. When the day has moved on, the members whose windows,
// tenure, streak, demotion hold or referrals it moved are among the others (dayMovers).
// TestRecognitionIncrementalEqualsFull and TestRecognitionFirstEvaluationOfADayDecidesWhatTheDayMoved
// check the outcome equals deciding everybody.

// stateRow is what the last evaluation decided by.
type stateRow struct {
	Time      int64          `db:"block_time"`
	Rules     sql.NullString `db:"rules"`
	Proposals pq.StringArray `db:"proposals"`
}

// changedMembers returns the members to decide, sorted, or nil for every member: every one on the
// first evaluation, after a change of rules or exclusions, when the day went back (a reorg across
// midnight) and when e.all.
// It consumes the change log either way, and sets e.rules and e.proposals for the next one.
func (e *evaluation) changedMembers(roles []*recognition.Role) ([]string, error) {
	h := e.h
	var logged []string
	if err := h.query(&logged, `WITH d AS (DELETE FROM recognition_changes WHERE community_id = $1 RETURNING account)
		SELECT DISTINCT account FROM d`, h.community); err != nil {
		return nil, err
	}
	var err error
	if e.rules, err = rulesFingerprint(e.ladder, roles, h.excluded); err != nil {
		return nil, err
	}
	if err := h.query(&e.proposals, `SELECT proposal_id::text FROM proposals WHERE community_id = $1
		ORDER BY block_number DESC, log_index DESC LIMIT $2`, h.community, recognition.MaxLastProposals); err != nil {
		return nil, err
	}
	var prev stateRow
	err = h.get(&prev, `SELECT block_time, rules, proposals FROM recognition_state WHERE community_id = $1`, h.community)
	if errors.Is(err, sql.ErrNoRows) {
		e.all = true
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	prevDay := health.DayOf(time.Unix(prev.Time, 0))
	if e.all || prev.Rules.String != e.rules || prevDay > h.meta.Today || slices.Contains(logged, "") {
		e.all = true
		return nil, nil
	}
	var failing, movers []string
	if err := h.query(&failing, `SELECT account FROM recognition_holdings WHERE community_id = $1 AND failing_since IS NOT NULL`,
		h.community); err != nil {
		return nil, err
	}
	if prevDay < h.meta.Today {
		if movers, err = e.dayMovers(prevDay, roles); err != nil {
			return nil, err
		}
	}
	changed := map[string]bool{}
	for _, a := range slices.Concat(logged, e.touched, failing, movers) {
		changed[a] = true
	}
	for _, r := range roles {
		for _, g := range r.Groups() {
			for _, c := range g.Conditions {
				if err := e.alsoChanged(c, prev, changed); err != nil {
					return nil, err
				}
			}
		}
	}
	out := make([]string, 0, len(changed))
	for a := range changed {
		out = append(out, a)
	}
	slices.Sort(out)
	return out, nil
}

// dayRange is the days (Lo, Hi].
type dayRange struct{ Lo, Hi health.Day }

// dayRanges are day ranges as the $n::date[] pairs of a query.
type dayRanges []dayRange

func (rs dayRanges) args() (lo, hi any) {
	l, h := make([]string, len(rs)), make([]string, len(rs))
	for k, r := range rs {
		l[k], h[k] = r.Lo.String(), r.Hi.String()
	}
	return pq.Array(l), pq.Array(h)
}

// dayMovers returns the members whose decisions may change because the day moved on from prev
// (earlier than today) without a change of their own facts: a window of w days ending today gained
// the days (prev, today] and lost the days (prev-w, today-w], so the members with activity on
// those days (member_activity_days for the level's 90 and 365 days, rewards for each earned and
// activity_count window) move; a tenure of n days is reached by those whose first reward day is in
// (prev-n, today-n]; a new ISO week ends the streaks of the members without activity since the
// week before prev's; a level reached in (prev-30, today-30] may drop now; a referral qualified
// in (prev, today] counts for its referrer from today. Everybody else is decided as before.
func (e *evaluation) dayMovers(prev health.Day, roles []*recognition.Role) ([]string, error) {
	h, today := e.h, e.h.meta.Today
	shifted := func(w int) dayRange { return dayRange{prev - health.Day(w), today - health.Day(w)} }
	activity, rewards, firsts := dayRanges{shifted(0), shifted(90), shifted(365)}, dayRanges{shifted(0)}, dayRanges{shifted(0)}
	for _, r := range roles {
		for _, g := range r.Groups() {
			for _, c := range g.Conditions {
				switch {
				case c.Kind == recognition.Earned || c.Kind == recognition.ActivityCount:
					rewards = append(rewards, shifted(c.WindowDays))
				case c.Kind == recognition.TenureDays && c.Min.IsInt64() && c.Min.Int64() < 1<<20: // a longer tenure is nobody's
					firsts = append(firsts, shifted(int(c.Min.Int64())))
				}
			}
		}
	}
	if week := health.PeriodStart(health.Weekly, prev); week != health.PeriodStart(health.Weekly, today) {
		activity = append(activity, dayRange{week - 8, today})
	}
	actLo, actHi := activity.args()
	rewLo, rewHi := rewards.args()
	firstLo, firstHi := firsts.args()
	levels := shifted(recognition.DemotionDays)
	var movers []string
	err := h.query(&movers, `
		SELECT m.account FROM unnest($2::date[], $3::date[]) r(lo, hi)
		JOIN member_activity_days m ON m.community_id = $1 AND m.day > r.lo AND m.day <= r.hi
		UNION SELECT w.wallet FROM unnest($4::date[], $5::date[]) r(lo, hi)
		JOIN rewards w ON w.community_id = $1 AND w.created_at >= (r.lo + 1)::timestamp AT TIME ZONE 'UTC'
			AND w.created_at < (r.hi + 1)::timestamp AT TIME ZONE 'UTC'
		UNION SELECT f.account FROM unnest($6::date[], $7::date[]) r(lo, hi)
		JOIN member_first_rewards f ON f.community_id = $1 AND f.first_day > r.lo AND f.first_day <= r.hi
		UNION SELECT account FROM recognition_levels WHERE community_id = $1
			AND since >= ($8::date + 1)::timestamp AT TIME ZONE 'UTC' AND since < ($9::date + 1)::timestamp AT TIME ZONE 'UTC'
		UNION SELECT referrer FROM referrals WHERE community_id = $1
			AND qualified_at >= ($10::date + 1)::timestamp AT TIME ZONE 'UTC' AND qualified_at < ($11::date + 1)::timestamp AT TIME ZONE 'UTC'`,
		h.community, actLo, actHi, rewLo, rewHi, firstLo, firstHi, levels.Lo.String(), levels.Hi.String(), prev.String(), today.String())
	return movers, err
}

// alsoChanged adds to changed the members whose figure of condition c may have changed since the
// last evaluation (prev) without a change of their own facts: for "votes", the voters of the
// proposals that entered or left the last c.LastProposals; for "referrals", the referrers of the
// changed members. A kind whose figure depends on other members' facts names the members it
// moves here.
func (e *evaluation) alsoChanged(c recognition.Condition, prev stateRow, changed map[string]bool) error {
	switch c.Kind {
	case recognition.Votes:
		moved := windowMoved(prev.Proposals, e.proposals, c.LastProposals)
		if len(moved) == 0 {
			return nil
		}
		var voters []string
		if err := e.h.query(&voters, `SELECT DISTINCT voter FROM votes WHERE community_id = $1 AND proposal_id = ANY($2::numeric[])`,
			e.h.community, pq.Array(moved)); err != nil {
			return err
		}
		for _, v := range voters {
			changed[v] = true
		}
	case recognition.Referrals:
		// A referrer's count moves when a member it referred qualifies: with that member's
		// rewards, which put the member among the changed.
		referred := make([]string, 0, len(changed))
		for a := range changed {
			referred = append(referred, a)
		}
		var referrers []string
		if err := e.h.query(&referrers, `SELECT DISTINCT referrer FROM referrals WHERE community_id = $1 AND wallet = ANY($2)`,
			e.h.community, pq.Array(referred)); err != nil {
			return err
		}
		for _, r := range referrers {
			changed[r] = true
		}
	}
	return nil
}

// windowMoved returns the proposals in the first n of exactly one of before and after (newest
// first): those that entered or left a window of the last n.
func windowMoved(before, after []string, n int) []string {
	a, b := before[:min(n, len(before))], after[:min(n, len(after))]
	in := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, p := range list {
			m[p] = true
		}
		return m
	}
	inA, inB := in(a), in(b)
	var out []string
	for _, p := range a {
		if !inB[p] {
			out = append(out, p)
		}
	}
	for _, p := range b {
		if !inA[p] {
			out = append(out, p)
		}
	}
	return out
}

// rulesFingerprint names the rules and exclusions every decision depends on: the ladder, the
// roles and the excluded accounts.
func rulesFingerprint(ladder recognition.Ladder, roles []*recognition.Role, excluded []string) (string, error) {
	specs := make(map[string]recognition.RoleSpec, len(roles))
	for _, r := range roles {
		specs[r.Name] = r.Spec()
	}
	raw, err := json.Marshal(struct {
		Ladder   recognition.LadderSpec
		Roles    map[string]recognition.RoleSpec
		Excluded []string
	}{ladder.Spec(), specs, slices.Sorted(slices.Values(excluded))})
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), err
}
