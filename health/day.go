// Package health computes Guildhall's community health figures from in-memory facts: periods,
// concentration, rank correlation, the member activity model (overview, activity series,
// retention cohorts, lifecycle, the at-risk segment) and governance participation and delegate
// records. It does no I/O: the API computes figures with it where the data is small, and tests use
// it as the brute-force oracle for the SQL that computes them at scale. Every figure follows the
// written definitions in Definitions, which the API serves and the README prints.
package health

import (
	"fmt"
	"time"
)

// Day is a civil UTC date, counted in days since 1970-01-01 (day 0). Day arithmetic is integer
// arithmetic: d+1 is the next day, today-27..today is a 28-day window. It marshals to and from JSON
// and text as an ISO date ("2025-01-06").
type Day int32

// DayOf returns the UTC day holding the instant t, whatever t's location: 2025-01-06T01:00:00+02:00
// is 2025-01-05T23:00:00Z, so its day is 2025-01-05.
func DayOf(t time.Time) Day {
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d-- // floor, for instants before 1970
	}
	return Day(d)
}

// Date returns the day of the given calendar date; out-of-range values normalize as in time.Date.
func Date(year int, month time.Month, day int) Day {
	return DayOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// ParseDay reads an ISO date (YYYY-MM-DD).
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not an ISO date (YYYY-MM-DD)", s)
	}
	return DayOf(t), nil
}

// Time returns the day's first instant, midnight UTC.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String returns the ISO date.
func (d Day) String() string { return d.Time().Format(time.DateOnly) }

// Weekday returns the day of the week.
func (d Day) Weekday() time.Weekday { return d.Time().Weekday() }

// MarshalText writes the ISO date, so JSON has "2025-01-06".
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads an ISO date.
func (d *Day) UnmarshalText(b []byte) error {
	v, err := ParseDay(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
