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
	got := health.AtRisk(a, riskToday)
	want := []health.AtRiskMember{
		{Address: "S", LastActive: riskToday - 60, ActiveDays90d: 30, SilentDays: 60, UsualGap: ptr(1.0)},
		{Address: "P", LastActive: riskToday - 10, ActiveDays90d: 31, SilentDays: 10, UsualGap: ptr(1.0)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AtRisk =\n%+v\nwant\n%+v", got, want)
	}
}

func TestAtRiskUsualGapMedianAndTheTwentyEightDayCap(t *testing.T) {
	a := health.Activity{}
	// 4 candidates with 3 days each: the top quartile (1 member) ties with all of them.
	activeOn(a, "M1", 10, 9, 7)   // gaps 1, 2: usual 1.5, limit 3; silent 7: at risk
	activeOn(a, "M2", 89, 69, 49) // gaps 20, 20: 2 × 20 = 40, capped at 28; silent 49: at risk
	activeOn(a, "M3", 56, 28, 27) // gaps 28, 1: usual 14.5, 29 capped at 28; silent 27: not
	activeOn(a, "M4", 3, 2, 0)    // gaps 1, 2: limit 3; silent 0: not
	got := health.AtRisk(a, riskToday)
	want := []health.AtRiskMember{
		{Address: "M2", LastActive: riskToday - 49, ActiveDays90d: 3, SilentDays: 49, UsualGap: ptr(20.0)},
		{Address: "M1", LastActive: riskToday - 7, ActiveDays90d: 3, SilentDays: 7, UsualGap: ptr(1.5)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AtRisk =\n%+v\nwant\n%+v", got, want)
	}
}

func TestAtRiskSingleActiveDayWaitsTwentyEightDays(t *testing.T) {
	a := health.Activity{}
	activeOn(a, "L1", 28) // one day, silent 28: at risk, no usual gap
	activeOn(a, "L2", 27) // one day, silent 27: not yet
	// 2 candidates: ceil(2/4) = 1, and the other ties at 1 day: both in the top quartile.
	got := health.AtRisk(a, riskToday)
	want := []health.AtRiskMember{{Address: "L1", LastActive: riskToday - 28, ActiveDays90d: 1, SilentDays: 28}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AtRisk = %+v, want %+v", got, want)
	}
}

func TestAtRiskOfAnEmptyCommunityIsEmpty(t *testing.T) {
	if got := health.AtRisk(health.Activity{}, riskToday); got != nil {
		t.Errorf("AtRisk = %+v, want none", got)
	}
}
