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
// evaluation decides the others only (TestRecognitionIncrementalEqualsFull checks the outcome
// equals deciding everybody).

// stateRow is what the last evaluation decided by.
type stateRow struct {
	Time      int64          `db:"block_time"`
	Rules     sql.NullString `db:"rules"`
	Proposals pq.StringArray `db:"proposals"`
}

// changedMembers returns the members to decide, sorted, or nil for every member: every one on the
// first evaluation, the first of a day, after a change of rules or exclusions and when e.all.
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
	if e.all || prev.Rules.String != e.rules || health.DayOf(time.Unix(prev.Time, 0)) != h.meta.Today || slices.Contains(logged, "") {
		e.all = true
		return nil, nil
	}
	var failing []string
	if err := h.query(&failing, `SELECT account FROM recognition_holdings WHERE community_id = $1 AND failing_since IS NOT NULL`,
		h.community); err != nil {
		return nil, err
	}
	changed := map[string]bool{}
	for _, a := range slices.Concat(logged, e.touched, failing) {
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
