package health

import "fmt"

// Interval is the length of a period: a UTC day, an ISO week (Monday to Sunday) or a calendar
// month. Its value is the query parameter's spelling.
type Interval string

// The intervals.
const (
	Daily   Interval = "day"
	Weekly  Interval = "week"
	Monthly Interval = "month"
)

// DefaultPeriods is how many periods a series lists when the request names no range: the last 12
// up to and including today's.
const DefaultPeriods = 12

// MaxPeriods bounds how many periods one series may list (about ten years of days), so a request
// cannot ask for an unbounded answer.
const MaxPeriods = 3660

// PeriodStart returns the first day of the period of interval iv that holds d: d itself for a day,
// the Monday on or before d for a week, the first of d's month for a month. It panics on an
// interval other than the three above (parse query parameters with ParseInterval).
func PeriodStart(iv Interval, d Day) Day {
	switch iv {
	case Daily:
		return d
	case Weekly:
		return d - Day((d.Weekday()+6)%7) // Monday 0 … Sunday 6
	case Monthly:
		y, m, _ := d.Time().Date()
		return Date(y, m, 1)
	}
	panic(fmt.Sprintf("health: unknown interval %q", iv))
}

// NextPeriod returns the first day of the period after the one holding d.
func NextPeriod(iv Interval, d Day) Day {
	start := PeriodStart(iv, d)
	switch iv {
	case Daily:
		return start + 1
	case Weekly:
		return start + 7
	default:
		y, m, _ := start.Time().Date()
		return Date(y, m+1, 1)
	}
}

// PrevPeriod returns the first day of the period before the one holding d.
func PrevPeriod(iv Interval, d Day) Day {
	return PeriodStart(iv, PeriodStart(iv, d)-1)
}

// LastDay returns the last day of the period holding d.
func LastDay(iv Interval, d Day) Day { return NextPeriod(iv, d) - 1 }

// Periods returns the first day of every period that holds a day of [from, to], oldest first: a
// range from a Wednesday to the next Tuesday lists two weeks. It returns nil when from > to.
func Periods(iv Interval, from, to Day) []Day {
	var out []Day
	for p := PeriodStart(iv, from); p <= to; p = NextPeriod(iv, p) {
		out = append(out, p)
	}
	return out
}

// DefaultFrom returns the first day of the period n-1 periods before the one holding to, so that
// [DefaultFrom(iv, to, n), to] holds n periods.
func DefaultFrom(iv Interval, to Day, n int) Day {
	p := PeriodStart(iv, to)
	for i := 1; i < n; i++ {
		p = PrevPeriod(iv, p)
	}
	return p
}

// periodsBetween returns how many periods of iv lie from the one holding a to the one holding b:
// 0 in the same period, 1 in the next, negative when b is earlier.
func periodsBetween(iv Interval, a, b Day) int {
	a, b = PeriodStart(iv, a), PeriodStart(iv, b)
	switch iv {
	case Daily:
		return int(b - a)
	case Weekly:
		return int(b-a) / 7
	}
	ya, ma, _ := a.Time().Date()
	yb, mb, _ := b.Time().Date()
	return (yb-ya)*12 + int(mb) - int(ma)
}

// indexOf returns the index of the period holding d in starts (consecutive periods of iv, oldest
// first), or -1 when d falls outside them.
func indexOf(iv Interval, starts []Day, d Day) int {
	if len(starts) == 0 || d < starts[0] || d > LastDay(iv, starts[len(starts)-1]) {
		return -1
	}
	return periodsBetween(iv, starts[0], d)
}
