package health

// LifecycleItem is one period of GET …/stats/lifecycle. Every member active in the period is
// exactly one of new, returning and resurrected (the first reward day is an active day).
type LifecycleItem struct {
	PeriodStart Day      `json:"period_start"`
	New         int      `json:"new"`         // first reward in the period
	Returning   int      `json:"returning"`   // active now and in the previous period
	Resurrected int      `json:"resurrected"` // active now, not in the previous period, active some time before
	Dormant     int      `json:"dormant"`     // active in the previous period, not now
	ChurnRate   *float64 `json:"churn_rate"`  // dormant / active in the previous period
}

// Lifecycle returns one item per period of iv holding a day of [from, to], oldest first. Days
// after today are not counted, and a period starting after today has zeros and a null churn_rate
// (nobody can be known to be dormant in it yet).
func Lifecycle(a Activity, iv Interval, from, to, today Day) []LifecycleItem {
	starts := Periods(iv, from, to)
	items := make([]LifecycleItem, len(starts))
	prevActive := make([]int, len(starts))
	for i, s := range starts {
		items[i].PeriodStart = s
	}
	for _, m := range a {
		periods := byPeriod(iv, m.Counted(today))
		for j, p := range periods {
			if i := indexOf(iv, starts, p.start); i >= 0 {
				switch {
				case j == 0:
					items[i].New++
				case periods[j-1].start == PrevPeriod(iv, p.start):
					items[i].Returning++
				default:
					items[i].Resurrected++
				}
			}
			next := NextPeriod(iv, p.start)
			i := indexOf(iv, starts, next)
			if i < 0 || next > today {
				continue
			}
			prevActive[i]++
			if j+1 == len(periods) || periods[j+1].start != next {
				items[i].Dormant++
			}
		}
	}
	for i := range items {
		items[i].ChurnRate = Ratio(items[i].Dormant, prevActive[i])
	}
	return items
}
