package health_test

import (
	"reflect"
	"testing"

	"github.com/guildhall/guildhall/health"
)

var riskToday = day("2025-06-30") // the 90 days are 04-02..06-30

// activeOn records, for who, a first reward at today-first and chain activity on each of the
// given numbers of days before riskToday.
func activeOn(a health.Activity, who string, first int, before ...int) {
	a.Add(who, riskToday-health.Day(first), health.KindReward)
	for _, b := range before {
		a.Add(who, riskToday-health.Day(b), health.KindChain)
	}
}

// risky is the at-risk record of who, silent for silent days, with n active days in the 90.
func risky(who string, silent, n int, usualGap *float64) health.AtRiskMember {
	return health.AtRiskMember{Address: who, LastActive: riskToday - health.Day(silent),
		ActiveDays90d: n, SilentDays: silent, UsualGap: usualGap}
}

// checkAtRisk compares the at-risk segment of a at riskToday with want.
func checkAtRisk(t *testing.T, a health.Activity, want ...health.AtRiskMember) {
	t.Helper()
	if got := health.AtRisk(a, riskToday); !reflect.DeepEqual(got, want) {
		t.Errorf("AtRisk =\n%+v\nwant\n%+v", got, want)
	}
}

// span returns the day offsets from hi down to lo, every step days.
func span(hi, lo, step int) []int {
	var out []int
	for b := hi; b >= lo; b -= step {
		out = append(out, b)
	}
	return out
}

func TestAtRiskTopQuartileWithTiesAndTheFirstRewardRule(t *testing.T) {
	a := health.Activity{}
	activeOn(a, "P", 40, span(40, 10, 1)...) // 31 days, gap 1: limit 2, silent 10: at risk
	activeOn(a, "Q", 60, span(60, 2, 2)...)  // 30 days, gap 2: limit 4, silent 2: not
	activeOn(a, "S", 89, span(89, 60, 1)...) // 30 days (tied with Q at the boundary), gap 1, silent 60: at risk
	activeOn(a, "T", 89, span(89, 85, 1)...) // 5 days, silent 85, but not in the top quartile
	for _, who := range []string{"U", "V", "W"} {
		activeOn(a, who, 0) // one day each, today
	}
	// Z's 40 chain days before its first reward (5 days ago) do not count: 1 active day, so it
	// is not in the top quartile (it would be the most active and silent 5 >= 2 otherwise).
	activeOn(a, "Z", 5, span(89, 50, 1)...)
	activeOn(a, "old", 200, 100) // nothing in the 90 days: not a candidate
	// 8 candidates (P Q S T U V W Z): the top quartile is the 2 most active, P (31) and the
	// 30s, with both Q and S tied at the boundary.
	checkAtRisk(t, a, risky("S", 60, 30, ptr(1.0)), risky("P", 10, 31, ptr(1.0)))
}

func TestAtRiskUsualGapMedianAndTheTwentyEightDayCap(t *testing.T) {
	a := health.Activity{}
	// 4 candidates with 3 days each: the top quartile (1 member) ties with all of them.
	activeOn(a, "M1", 10, 9, 7)   // gaps 1, 2: usual 1.5, limit 3; silent 7: at risk
	activeOn(a, "M2", 89, 69, 49) // gaps 20, 20: 2 × 20 = 40, capped at 28; silent 49: at risk
	activeOn(a, "M3", 56, 28, 27) // gaps 28, 1: usual 14.5, 29 capped at 28; silent 27: not
	activeOn(a, "M4", 3, 2, 0)    // gaps 1, 2: limit 3; silent 0: not
	checkAtRisk(t, a, risky("M2", 49, 3, ptr(20.0)), risky("M1", 7, 3, ptr(1.5)))
}

func TestAtRiskSingleActiveDayWaitsTwentyEightDays(t *testing.T) {
	a := health.Activity{}
	activeOn(a, "L1", 28) // one day, silent 28: at risk, no usual gap
	activeOn(a, "L2", 27) // one day, silent 27: not yet
	// 2 candidates: ceil(2/4) = 1, and the other ties at 1 day: both in the top quartile.
	checkAtRisk(t, a, risky("L1", 28, 1, nil))
}

func TestAtRiskOfAnEmptyCommunityIsEmpty(t *testing.T) {
	checkAtRisk(t, health.Activity{})
}
