package recognition

import (
	"fmt"
	"math/big"
	"strconv"

	"github.com/guildhall/guildhall/health"
)

// ConditionKind names what a condition measures.
type ConditionKind string

// The kinds of condition.
const (
	Earned        ConditionKind = "earned"         // base units earned in the last WindowDays (of Activity, when set)
	ActivityCount ConditionKind = "activity_count" // rewards for Activity in the last WindowDays
	Votes         ConditionKind = "votes"          // votes among the LastProposals most recently created proposals
	VotingPower   ConditionKind = "voting_power"   // voting power at the block of the decision
	TenureDays    ConditionKind = "tenure_days"    // days since the first reward
	LevelAtLeast  ConditionKind = "level"          // the member's level is MinLevel or higher
	StreakWeeks   ConditionKind = "streak_weeks"   // consecutive ISO weeks with activity, up to the current one
	Referrals     ConditionKind = "referrals"      // members the member referred who qualified, up to today
)

// Condition is one requirement of a role. Min is the threshold of every kind but LevelAtLeast,
// whose threshold is MinLevel; WindowDays, Activity and LastProposals qualify some kinds.
type Condition struct {
	Kind          ConditionKind
	Min           *big.Int
	MinLevel      string
	WindowDays    int
	Activity      string
	LastProposals int
}

// Measured reports whether the member's value of c is a per-condition figure the store reads
// for it (Facts.Values under c.Key()), rather than a member fact every role shares.
func (c Condition) Measured() bool {
	switch c.Kind {
	case Earned, ActivityCount, Votes, Referrals:
		return true
	}
	return false
}

// Key names the figure c measures, so conditions that measure the same thing share one read.
func (c Condition) Key() string {
	switch c.Kind {
	case Earned, ActivityCount:
		return fmt.Sprintf("%s/%d/%s", c.Kind, c.WindowDays, c.Activity)
	case Votes:
		return fmt.Sprintf("%s/%d", c.Kind, c.LastProposals)
	}
	return string(c.Kind)
}

// amountKind reports whether c's values are token amounts (decimal strings in JSON).
func (c Condition) amountKind() bool { return c.Kind == Earned || c.Kind == VotingPower }

func (c Condition) validate(f *fields, at string, ladder Ladder) {
	switch c.Kind {
	case LevelAtLeast:
		if ladder.Rank(c.MinLevel) < 0 {
			f.add(at+".min", fmt.Sprintf("must name a level of the community's ladder, not %q", c.MinLevel))
		}
		return
	case "":
		f.add(at, "must name exactly one condition: "+ConditionNames())
		return
	}
	if c.Min == nil || c.Min.Sign() < 0 {
		f.add(at+".min", "must be 0 or more")
	}
	switch c.Kind {
	case Earned, ActivityCount:
		if c.WindowDays < 1 || c.WindowDays > MaxWindowDays {
			f.add(at+".window_days", fmt.Sprintf("must be from 1 to %d", MaxWindowDays))
		}
		if c.Activity != "" && !ValidName(c.Activity) {
			f.add(at+".activity", "must be an activity name, as reward rules spell it")
		}
		if c.Kind == ActivityCount && c.Activity == "" {
			f.add(at+".activity", "is required")
		}
	case Votes:
		if c.LastProposals < 1 || c.LastProposals > MaxLastProposals {
			f.add(at+".last_proposals", fmt.Sprintf("must be from 1 to %d", MaxLastProposals))
		}
	}
}

// Facts are what a member's conditions are decided on, all true at one block and ledger time.
type Facts struct {
	FirstDay      health.Day // the day of the first reward
	Earned365d    *big.Int
	ActiveDays90d int
	VotingPower   *big.Int
	StreakWeeks   int
	Level         int                 // the rank of the level held, -1 for none
	Values        map[string]*big.Int // the measured conditions' figures by Condition.Key(); absent is 0
}

// Progress is how far a member is on one condition.
type Progress struct {
	Condition string // where the condition is in its role: "all[0].earned"
	Have      any    // a decimal string for amounts and levels, a number for counts
	Need      any
	Met       bool // the role's requirement holds: the condition holds (all, any) or does not (none)
}

// have returns the member's value of c and whether c holds, at today.
func (c Condition) have(f Facts, ladder Ladder, today health.Day) (any, bool) {
	var v *big.Int
	switch c.Kind {
	case LevelAtLeast:
		have := ""
		if f.Level >= 0 && f.Level < len(ladder) {
			have = ladder[f.Level].Name
		}
		return have, f.Level >= 0 && f.Level >= ladder.Rank(c.MinLevel)
	case VotingPower:
		v = f.VotingPower
	case TenureDays:
		v = big.NewInt(int64(today - f.FirstDay))
	case StreakWeeks:
		v = big.NewInt(int64(f.StreakWeeks))
	default:
		v = f.Values[c.Key()]
	}
	if v == nil {
		v = new(big.Int)
	}
	return c.render(v), v.Cmp(c.Min) >= 0
}

// render writes an amount as a decimal string and a count as a number.
func (c Condition) render(v *big.Int) any {
	if c.amountKind() {
		return v.String()
	}
	return v.Int64()
}

// need returns c's threshold as Progress shows it.
func (c Condition) need() any {
	if c.Kind == LevelAtLeast {
		return c.MinLevel
	}
	return c.render(c.Min)
}

// Evaluate decides whether a member with facts f meets role r at today, and how far they are on
// each condition.
func Evaluate(r *Role, f Facts, ladder Ladder, today health.Day) (met bool, progress []Progress) {
	allMet, anyMet, noneMet := true, len(r.Any) == 0, true
	for _, g := range r.Groups() {
		for k, c := range g.Conditions {
			have, ok := c.have(f, ladder, today)
			if g.Name == "none" {
				ok = !ok
			}
			progress = append(progress, Progress{Condition: g.Name + "[" + strconv.Itoa(k) + "]." + string(c.Kind),
				Have: have, Need: c.need(), Met: ok})
			switch g.Name {
			case "all":
				allMet = allMet && ok
			case "any":
				anyMet = anyMet || ok
			default:
				noneMet = noneMet && ok
			}
		}
	}
	return allMet && anyMet && noneMet, progress
}
