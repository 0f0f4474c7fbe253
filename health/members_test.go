package health_test

import (
	"reflect"
	"testing"

	"github.com/guildhall/guildhall/health"
)

func TestOverviewOfTheHandBuiltCommunity(t *testing.T) {
	got := health.ComputeOverview(community(), today)
	// members: A B C E G H R (D has no reward, F's is after today) = 7.
	// active_7d (03-25..03-31): B 03-30, G 03-25 = 2.
	// active_28d (03-04..03-31): A 03-05, B, G, H, R 03-10 = 5; E's 03-03 is a day too early and
	// A's 01-01 would not count anyway.
	// new_members_28d: B 03-30, G 03-04, H 03-10 = 3.
	// retention_m1: first reward in 02-04..03-03 = A 02-10, E 02-20; active in 28 days: A = 1/2.
	want := health.Overview{Members: 7, Active7d: 2, Active28d: 5, NewMembers28d: 3}
	checkRatio(t, "participation_28d", got.Participation28d, ptr(5.0/7))
	checkRatio(t, "retention_m1", got.RetentionM1, ptr(0.5))
	got.Participation28d, got.RetentionM1 = nil, nil
	if got != want {
		t.Errorf("Overview = %+v, want %+v", got, want)
	}
}

func TestOverviewOfAnEmptyCommunityHasNullRatios(t *testing.T) {
	got := health.ComputeOverview(health.Activity{}, today)
	if got != (health.Overview{}) {
		t.Errorf("Overview = %+v, want zeros and nulls", got)
	}
	// Only non-members: still no members and no ratio.
	a := health.Activity{}
	add(a, "D", chain, "2025-03-31")
	if got := health.ComputeOverview(a, today); got != (health.Overview{}) {
		t.Errorf("Overview of a chain-only account = %+v", got)
	}
}

func TestWeeklySeriesOfTheHandBuiltCommunity(t *testing.T) {
	got := health.Series(community(), health.Weekly, day("2025-03-01"), today, today)
	item := func(start string, n, active, rw, ch, both int) health.SeriesItem {
		return health.SeriesItem{PeriodStart: day(start), NewMembers: n, ActiveMembers: active,
			ActiveReward: rw, ActiveChain: ch, ActiveBoth: both}
	}
	want := []health.SeriesItem{
		item("2025-02-24", 0, 0, 0, 0, 0), // 03-01 is a Saturday: its week is listed, empty
		// A chain 03-05, E chain 03-03, G reward 03-04 (new).
		item("2025-03-03", 1, 3, 1, 2, 0),
		// H reward Monday 03-10 (new) and chain Sunday 03-16: both in the week; R chain 03-10.
		item("2025-03-10", 1, 2, 1, 2, 1),
		// H chain Monday 03-17 falls in the next week.
		item("2025-03-17", 0, 1, 0, 1, 0),
		// B reward 03-30 (new), G chain 03-25.
		item("2025-03-24", 1, 2, 1, 1, 0),
		// D's chain day on 03-31 does not count: D is not a member.
		item("2025-03-31", 0, 0, 0, 0, 0),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Series =\n%+v\nwant\n%+v", got, want)
	}
}

func TestDailySeriesCountsADayOnceAndIgnoresDaysAfterToday(t *testing.T) {
	a := community()
	// 04-01 and 04-02 are after today (F's reward falls on 04-02): listed, zeros.
	got := health.Series(a, health.Daily, day("2025-03-30"), day("2025-04-02"), today)
	want := []health.SeriesItem{
		{PeriodStart: day("2025-03-30"), NewMembers: 1, ActiveMembers: 1, ActiveReward: 1},
		{PeriodStart: day("2025-03-31")},
		{PeriodStart: day("2025-04-01")},
		{PeriodStart: day("2025-04-02")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Series =\n%+v\nwant\n%+v", got, want)
	}
}

func TestMonthlyRetentionCohortsByBasis(t *testing.T) {
	// Cohorts January (C, R), February (A, E), March (B, G, H); F's first reward is after today
	// and A's January chain day is before its membership.
	// March activity: A chain, E chain, R chain; nobody of January or February has a March reward.
	for _, c := range []struct {
		basis health.Basis
		jan   []int
		feb   []int
	}{
		{health.BasisAny, []int{2, 0, 1}, []int{2, 2}},
		{health.BasisChain, []int{2, 0, 1}, []int{2, 2}},
		{health.BasisReward, []int{2, 0, 0}, []int{2, 0}},
	} {
		got := health.Retention(community(), health.Monthly, 3, today, c.basis)
		want := []health.Cohort{
			{CohortStart: day("2025-01-01"), Size: 2, Retained: c.jan},
			{CohortStart: day("2025-02-01"), Size: 2, Retained: c.feb},
			// retained[0] = size, even on the chain basis where B has no chain activity.
			{CohortStart: day("2025-03-01"), Size: 3, Retained: []int{3}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("basis %s: Retention =\n%+v\nwant\n%+v", c.basis, got, want)
		}
	}
}

func TestWeeklyRetentionNewestCohortHasOneEntry(t *testing.T) {
	got := health.Retention(community(), health.Weekly, 2, today, health.BasisAny)
	want := []health.Cohort{
		{CohortStart: day("2025-03-24"), Size: 1, Retained: []int{1, 0}}, // B, silent since 03-30
		{CohortStart: day("2025-03-31"), Size: 0, Retained: []int{0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Retention =\n%+v\nwant\n%+v", got, want)
	}
	if got := health.Retention(health.Activity{}, health.Weekly, 0, today, health.BasisAny); got != nil {
		t.Errorf("Retention of 0 cohorts = %v, want none", got)
	}
}
