// Package recognition holds the rules of a community's recognition (issue 12): the level ladder,
// roles and badges with their condition language, and the decisions made from a member's facts
// (levels with their demotion delay, grants, grace and revocations, streaks). It does no I/O: the
// postgres store reads the facts at one block and ledger time and applies these decisions, and the
// tests use the same functions on hand-built facts.
package recognition

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/guildhall/guildhall"
)

// Limits of the rules a community may write.
const (
	MaxLevels        = 20
	MaxConditions    = 20   // per group (all, any, none)
	MaxWindowDays    = 3660 // about ten years
	MaxLastProposals = 1000
	MaxGraceDays     = 3660
	DemotionDays     = 30 // a level is kept at least this long before it drops
)

// namePattern is the spelling of level, role, activity and season names.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// ValidName reports whether s is a level, role or season name: lower-case letters, digits, '_',
// '.', '-', 1 to 64 characters, starting with a letter or digit.
func ValidName(s string) bool { return namePattern.MatchString(s) }

// Level is one rung of a ladder: a member is at the highest level whose every threshold they meet.
type Level struct {
	Name             string
	MinEarned365d    *big.Int // base units earned over the last 365 days, today included
	MinActiveDays90d int      // active days over the last 90 days, today included
}

// Ladder is a community's levels, lowest first.
type Ladder []Level

// tokens returns n whole tokens in base units.
func tokens(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(guildhall.Decimals), nil))
}

// DefaultLadder is the ladder of a community that has not written its own.
func DefaultLadder() Ladder {
	return Ladder{
		{Name: "newcomer", MinEarned365d: new(big.Int)},
		{Name: "regular", MinEarned365d: tokens(10), MinActiveDays90d: 3},
		{Name: "contributor", MinEarned365d: tokens(100), MinActiveDays90d: 10},
		{Name: "champion", MinEarned365d: tokens(500), MinActiveDays90d: 25},
		{Name: "ambassador", MinEarned365d: tokens(2000), MinActiveDays90d: 45},
	}
}

// Rank returns the index of the level named name, -1 when the ladder has none.
func (l Ladder) Rank(name string) int {
	for k, lv := range l {
		if lv.Name == name {
			return k
		}
	}
	return -1
}

// ValidateLadder checks a ladder: 1 to MaxLevels levels with distinct valid names and thresholds
// that never decrease up the ladder. The error is EINVALID naming each bad field
// (levels[2].min_earned_365d).
func ValidateLadder(l Ladder) error {
	var f fields
	if len(l) == 0 || len(l) > MaxLevels {
		f.add("levels", fmt.Sprintf("must list 1 to %d levels, lowest first", MaxLevels))
	}
	seen := map[string]bool{}
	for k, lv := range l {
		at := fmt.Sprintf("levels[%d]", k)
		switch {
		case !ValidName(lv.Name):
			f.add(at+".name", "must be 1-64 lower-case letters, digits, '_', '.' or '-'")
		case seen[lv.Name]:
			f.add(at+".name", fmt.Sprintf("%q is already the name of a lower level", lv.Name))
		}
		seen[lv.Name] = true
		if lv.MinEarned365d == nil || lv.MinEarned365d.Sign() < 0 {
			f.add(at+".min_earned_365d", "must be a decimal string of base units, 0 or more")
		} else if k > 0 && l[k-1].MinEarned365d != nil && lv.MinEarned365d.Cmp(l[k-1].MinEarned365d) < 0 {
			f.add(at+".min_earned_365d", "must be at least the level below's")
		}
		if k == 0 && ((lv.MinEarned365d != nil && lv.MinEarned365d.Sign() != 0) || lv.MinActiveDays90d != 0) {
			f.add(at, "the lowest level, every member's first, must have both thresholds 0")
		}
		if lv.MinActiveDays90d < 0 || lv.MinActiveDays90d > 90 {
			f.add(at+".min_active_days_90d", "must be from 0 to 90")
		} else if k > 0 && lv.MinActiveDays90d < l[k-1].MinActiveDays90d {
			f.add(at+".min_active_days_90d", "must be at least the level below's")
		}
	}
	return f.err("invalid levels")
}

// Kind is what a role is: a badge is kept once earned; a tier is held while its conditions hold
// (with grace).
type Kind string

// The kinds of role.
const (
	Badge Kind = "badge"
	Tier  Kind = "tier"
)

// Role is a community's role or badge: granted when every condition of All holds, at least one of
// Any (when Any is not empty) and none of None.
type Role struct {
	Name      string
	Kind      Kind
	All       []Condition
	Any       []Condition
	None      []Condition
	GraceDays int // a tier is revoked when its conditions have failed this many days (0: at once)
}

// Groups returns the role's conditions with the names of their groups, in order.
func (r *Role) Groups() []Group {
	return []Group{{"all", r.All}, {"any", r.Any}, {"none", r.None}}
}

// Group is a named list of conditions of a role.
type Group struct {
	Name       string
	Conditions []Condition
}

// fields collects field errors.
type fields []guildhall.FieldError

func (f *fields) add(field, msg string) {
	*f = append(*f, guildhall.FieldError{Field: field, Message: msg})
}

func (f fields) err(msg string) error {
	if len(f) == 0 {
		return nil
	}
	return &guildhall.Error{Code: guildhall.EINVALID, Message: msg, Fields: f}
}

// ValidateRole checks a role against ladder (level conditions name one of its levels): the error
// is EINVALID naming each bad field (all[0].earned.window_days).
func ValidateRole(r *Role, ladder Ladder) error {
	var f fields
	if !ValidName(r.Name) {
		f.add("role", "must be 1-64 lower-case letters, digits, '_', '.' or '-'")
	}
	if r.Kind != Badge && r.Kind != Tier {
		f.add("kind", `must be "badge" or "tier"`)
	}
	if r.GraceDays < 0 || r.GraceDays > MaxGraceDays {
		f.add("grace_days", fmt.Sprintf("must be from 0 to %d", MaxGraceDays))
	}
	if len(r.All)+len(r.Any) == 0 {
		f.add("all", "a role needs at least one condition in all or any")
	}
	for _, g := range r.Groups() {
		if len(g.Conditions) > MaxConditions {
			f.add(g.Name, fmt.Sprintf("must hold at most %d conditions", MaxConditions))
		}
		for k, c := range g.Conditions {
			c.validate(&f, fmt.Sprintf("%s[%d].%s", g.Name, k, c.Kind), ladder)
		}
	}
	return f.err("invalid role")
}

// conditionNames lists the kinds of condition, as the rule language spells them.
var conditionNames = []string{string(Earned), string(ActivityCount), string(Votes), string(VotingPower),
	string(TenureDays), string(LevelAtLeast), string(StreakWeeks), string(Referrals)}

// ConditionNames returns the condition kinds as a comma-separated list, for messages.
func ConditionNames() string { return strings.Join(conditionNames, ", ") }
