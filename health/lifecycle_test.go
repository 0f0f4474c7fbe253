package health_test

import (
	"testing"

	"github.com/guildhall/guildhall/health"
)

// checkLifecycle compares items, churn rates as ratios.
func checkLifecycle(t *testing.T, got, want []health.LifecycleItem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d items, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		checkRatio(t, want[i].PeriodStart.String()+" churn_rate", got[i].ChurnRate, want[i].ChurnRate)
		g, w := got[i], want[i]
		g.ChurnRate, w.ChurnRate = nil, nil
		if g != w {
			t.Errorf("item %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestMonthlyLifecycleOfTheHandBuiltCommunity(t *testing.T) {
	// Active months (counted, up to today 03-31): A Feb Mar (its January chain day is before its
	// membership, so February makes it new, not resurrected); B Mar; C Jan; E Feb Mar; G Mar;
	// H Mar; R Jan Mar. F is after today; D is no member.
	got := health.Lifecycle(community(), health.Monthly, day("2025-01-01"), day("2025-04-30"), today)
	checkLifecycle(t, got, []health.LifecycleItem{
		// Nobody was active in December: churn over an empty previous period is null.
		{PeriodStart: day("2025-01-01"), New: 2},
		// C and R were active in January and not in February: 2 of 2.
		{PeriodStart: day("2025-02-01"), New: 2, Dormant: 2, ChurnRate: ptr(1.0)},
		// New B G H; A and E active in February too; R back after a silent February.
		{PeriodStart: day("2025-03-01"), New: 3, Returning: 2, Resurrected: 1, Dormant: 0, ChurnRate: ptr(0.0)},
		// April starts after today: zeros and a null churn rate.
		{PeriodStart: day("2025-04-01")},
	})
}

func TestWeeklyLifecycleLooksAtThePeriodBeforeTheRange(t *testing.T) {
	// One week, 03-10..03-16. The week before (03-03) had A, E and G active; none of them is
	// active in 03-10's week: 3 dormant of 3. H is new; R (active in January) resurrected.
	got := health.Lifecycle(community(), health.Weekly, day("2025-03-10"), day("2025-03-16"), today)
	checkLifecycle(t, got, []health.LifecycleItem{
		{PeriodStart: day("2025-03-10"), New: 1, Resurrected: 1, Dormant: 3, ChurnRate: ptr(1.0)},
	})
}

func TestLifecycleOfAnEmptyCommunityHasNullChurn(t *testing.T) {
	got := health.Lifecycle(health.Activity{}, health.Monthly, day("2025-02-01"), day("2025-03-31"), today)
	checkLifecycle(t, got, []health.LifecycleItem{
		{PeriodStart: day("2025-02-01")},
		{PeriodStart: day("2025-03-01")},
	})
}
