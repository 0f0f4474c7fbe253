package health

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/guildhall/guildhall"
)

// Basis says which kinds of activity make a member active in a retention cohort. Its value is the
// query parameter's spelling.
type Basis string

// The bases.
const (
	BasisAny    Basis = "any"    // a reward or an action on chain
	BasisReward Basis = "reward" // a reward accepted
	BasisChain  Basis = "chain"  // an action on chain
)

// kinds returns the activity kinds that count on basis b.
func (b Basis) kinds() Kind {
	switch b {
	case BasisReward:
		return KindReward
	case BasisChain:
		return KindChain
	}
	return KindReward | KindChain
}

// Defaults of the query parameters, for a request that leaves them out.
const (
	DefaultInterval = Weekly   // interval= of the activity series and the lifecycle
	DefaultCohort   = Weekly   // cohort= of the retention cohorts
	DefaultBasis    = BasisAny // basis= of the retention cohorts
)

// invalid returns the EINVALID error naming the query parameter field.
func invalid(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid " + field,
		Fields: []guildhall.FieldError{{Field: field, Message: msg}}}
}

// choose returns s when it is one of allowed, def when s is empty, and otherwise an EINVALID
// error naming field.
func choose[T ~string](field, s string, def T, allowed ...T) (T, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		if string(a) == s {
			return a, nil
		}
		names[i] = string(a)
	}
	return "", invalid(field, "must be one of %s, not %q", strings.Join(names, ", "), s)
}

// ParseInterval reads the interval= parameter of the activity series: day, week or month
// (DefaultInterval when empty).
func ParseInterval(s string) (Interval, error) {
	return choose("interval", s, DefaultInterval, Daily, Weekly, Monthly)
}

// ParseLifecycleInterval reads the interval= parameter of the lifecycle: week or month
// (DefaultInterval when empty).
func ParseLifecycleInterval(s string) (Interval, error) {
	return choose("interval", s, DefaultInterval, Weekly, Monthly)
}

// ParseCohort reads the cohort= parameter of the retention cohorts: week or month (DefaultCohort
// when empty).
func ParseCohort(s string) (Interval, error) {
	return choose("cohort", s, DefaultCohort, Weekly, Monthly)
}

// ParseBasis reads the basis= parameter of the retention cohorts: any, reward or chain
// (DefaultBasis when empty).
func ParseBasis(s string) (Basis, error) {
	return choose("basis", s, DefaultBasis, BasisAny, BasisReward, BasisChain)
}

// ParseCount reads a whole-number parameter (periods=, last=, days=, limit=) in [1, max]; def
// when empty.
func ParseCount(field, s string, def, max int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, invalid(field, "must be a whole number from 1 to %d, not %q", max, s)
	}
	return n, nil
}

// ParseRange reads the from= and to= parameters of a series (ISO dates, both included). An empty
// to is today; an empty from is the start of the period DefaultPeriods-1 periods before to's, so
// the default is the last 12 periods up to today. It refuses from after to and a range of more
// than MaxPeriods periods.
func ParseRange(iv Interval, from, to string, today Day) (Day, Day, error) {
	t := today
	if s := strings.TrimSpace(to); s != "" {
		d, err := ParseDay(s)
		if err != nil {
			return 0, 0, invalid("to", "%v", err)
		}
		t = d
	}
	f := DefaultFrom(iv, t, DefaultPeriods)
	if s := strings.TrimSpace(from); s != "" {
		d, err := ParseDay(s)
		if err != nil {
			return 0, 0, invalid("from", "%v", err)
		}
		f = d
	}
	if f > t {
		return 0, 0, invalid("from", "%s is after to (%s)", f, t)
	}
	if n := periodsBetween(iv, f, t) + 1; n > MaxPeriods {
		return 0, 0, invalid("from", "the range holds %d periods of a %s; at most %d are listed", n, iv, MaxPeriods)
	}
	return f, t, nil
}
