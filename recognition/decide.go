package recognition

import (
	"math/big"
	"time"

	"github.com/guildhall/guildhall/health"
)

// QualifiedRank returns the rank of the highest level of ladder whose every threshold a member
// with earned (over 365 days) and activeDays (over 90 days) meets; -1 when none.
func QualifiedRank(ladder Ladder, earned *big.Int, activeDays int) int {
	rank := -1
	for k, lv := range ladder {
		if earned.Cmp(lv.MinEarned365d) >= 0 && activeDays >= lv.MinActiveDays90d {
			rank = k
		}
	}
	return rank
}

// HeldLevel is the level a member holds and the day it was reached (or last lowered).
type HeldLevel struct {
	Rank  int // -1: none yet
	Since health.Day
}

// NextRank decides the level a member holds at today, holding held and qualifying for qualified:
// a rise takes effect at once; a drop only when the level held was reached at least DemotionDays
// ago, so a quiet week does not demote anybody, and then straight to the level qualified for.
func NextRank(held HeldLevel, qualified int, today health.Day) int {
	switch {
	case held.Rank < 0 || qualified > held.Rank:
		return qualified
	case qualified < held.Rank && today-held.Since >= DemotionDays:
		return qualified
	}
	return held.Rank
}

// Holding is a member's hold of a role: since when, and since when its conditions have failed
// (nil while they hold).
type Holding struct {
	Since        time.Time
	FailingSince *time.Time
}

// Decision is what an evaluation does to a member's hold of a role.
type Decision int

// The decisions.
const (
	Keep         Decision = iota // nothing changes
	Grant                        // the member gains the role (a badge is awarded)
	StartFailing                 // a held tier's conditions fail for the first time: its grace starts
	Recover                      // a held tier's conditions hold again within its grace
	Revoke                       // a tier's conditions have failed for its grace days
)

// Decide returns what happens at now to a member's hold h (nil: not held) of role r, whose
// conditions are met or not. A badge, once awarded, is kept.
func Decide(r *Role, h *Holding, met bool, now time.Time) Decision {
	switch {
	case h == nil && met:
		return Grant
	case h == nil || r.Kind == Badge:
		return Keep
	case met && h.FailingSince != nil:
		return Recover
	case met:
		return Keep
	case h.FailingSince == nil && r.GraceDays > 0:
		return StartFailing
	case h.FailingSince == nil || now.Sub(*h.FailingSince) >= time.Duration(r.GraceDays)*24*time.Hour:
		return Revoke
	}
	return Keep
}

// Streaks returns a member's current streak (consecutive ISO weeks with activity up to the week of
// today; a current week without activity yet does not break it, the week before must have some)
// and longest streak, from the Mondays of the weeks they were active in, ascending.
func Streaks(weeks []health.Day, today health.Day) (current, longest int) {
	run := 0
	for k, w := range weeks {
		if k > 0 && w-weeks[k-1] == 7 {
			run++
		} else {
			run = 1
		}
		longest = max(longest, run)
	}
	this := health.PeriodStart(health.Weekly, today)
	if n := len(weeks); n > 0 && (weeks[n-1] == this || weeks[n-1] == this-7) {
		current = run
	}
	return current, longest
}

// Turn is one proposal as a member's voting streak sees it: whether they had voting power at its
// snapshot, whether they voted, whether its vote is still open.
type Turn struct {
	Eligible, Voted, Open bool
}

// VotingStreak counts the consecutive proposals a member voted on, newest first, among those
// where they had voting power at the snapshot; a proposal still open that they have not voted on
// yet neither counts nor breaks the streak.
func VotingStreak(newestFirst []Turn) int {
	n := 0
	for _, t := range newestFirst {
		switch {
		case !t.Eligible || (t.Open && !t.Voted):
			continue
		case !t.Voted:
			return n
		}
		n++
	}
	return n
}
