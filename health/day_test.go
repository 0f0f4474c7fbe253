package health_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/guildhall/guildhall/health"
)

func TestDayOfSplitsInstantsAtUTCMidnight(t *testing.T) {
	for _, c := range []struct {
		at   string
		want string
	}{
		{"2025-01-05T23:59:59Z", "2025-01-05"},      // Sunday, last second
		{"2025-01-06T00:00:00Z", "2025-01-06"},      // Monday, first second
		{"2025-01-06T01:00:00+02:00", "2025-01-05"}, // 23:00 UTC the day before
		{"2025-01-05T20:00:00-05:00", "2025-01-06"}, // 01:00 UTC the day after
		{"1970-01-01T00:00:00Z", "1970-01-01"},      // day 0
		{"1969-12-31T23:59:59Z", "1969-12-31"},      // before 1970 rounds down, not toward 0
	} {
		instant, err := time.Parse(time.RFC3339, c.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := health.DayOf(instant).String(); got != c.want {
			t.Errorf("DayOf(%s) = %s, want %s", c.at, got, c.want)
		}
	}
	if health.Date(1970, time.January, 1) != 0 || health.Date(1970, time.January, 2) != 1 {
		t.Errorf("Date: 1970-01-01 must be day 0 and 1970-01-02 day 1")
	}
}

func TestDayRoundTripsAsISODateInJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		D health.Day `json:"d"`
	}{day("2024-02-29")})
	if err != nil || string(b) != `{"d":"2024-02-29"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back struct {
		D health.Day `json:"d"`
	}
	if err := json.Unmarshal(b, &back); err != nil || back.D != day("2024-02-29") {
		t.Fatalf("Unmarshal = %v, %v", back.D, err)
	}
	if err := json.Unmarshal([]byte(`{"d":"2025-02-30"}`), &back); err == nil {
		t.Fatalf("Unmarshal accepted 2025-02-30")
	}
	if _, err := health.ParseDay("2025-1-6"); err == nil {
		t.Fatalf("ParseDay accepted 2025-1-6")
	}
}

func TestPeriodStartNextAndPrevAtBoundaries(t *testing.T) {
	for _, c := range []struct {
		iv               health.Interval
		d                string
		start, next, prv string
	}{
		{health.Daily, "2025-03-31", "2025-03-31", "2025-04-01", "2025-03-30"},
		{health.Daily, "2024-12-31", "2024-12-31", "2025-01-01", "2024-12-30"}, // year end
		// Sunday 2025-01-05 is the last day of the week that began Monday 2024-12-30;
		// Monday 2025-01-06 starts the next one.
		{health.Weekly, "2025-01-05", "2024-12-30", "2025-01-06", "2024-12-23"},
		{health.Weekly, "2025-01-06", "2025-01-06", "2025-01-13", "2024-12-30"},
		// ISO week 1 of 2025 starts Monday 2024-12-30: New Year's Day falls in it.
		{health.Weekly, "2025-01-01", "2024-12-30", "2025-01-06", "2024-12-23"},
		{health.Weekly, "2024-12-29", "2024-12-23", "2024-12-30", "2024-12-16"}, // Sunday of ISO 2024-W52
		// Months: 31-day, leap February, non-leap February, year end.
		{health.Monthly, "2025-01-31", "2025-01-01", "2025-02-01", "2024-12-01"},
		{health.Monthly, "2024-02-29", "2024-02-01", "2024-03-01", "2024-01-01"},
		{health.Monthly, "2025-03-01", "2025-03-01", "2025-04-01", "2025-02-01"},
		{health.Monthly, "2024-12-31", "2024-12-01", "2025-01-01", "2024-11-01"},
	} {
		d := day(c.d)
		if got := health.PeriodStart(c.iv, d); got != day(c.start) {
			t.Errorf("PeriodStart(%s, %s) = %s, want %s", c.iv, c.d, got, c.start)
		}
		if got := health.NextPeriod(c.iv, d); got != day(c.next) {
			t.Errorf("NextPeriod(%s, %s) = %s, want %s", c.iv, c.d, got, c.next)
		}
		if got := health.PrevPeriod(c.iv, d); got != day(c.prv) {
			t.Errorf("PrevPeriod(%s, %s) = %s, want %s", c.iv, c.d, got, c.prv)
		}
		if got := health.LastDay(c.iv, d); got != day(c.next)-1 {
			t.Errorf("LastDay(%s, %s) = %s, want the day before %s", c.iv, c.d, got, c.next)
		}
	}
}

func TestPeriodsListEveryPeriodTouchingTheRange(t *testing.T) {
	for _, c := range []struct {
		name     string
		iv       health.Interval
		from, to string
		want     []health.Day
	}{
		// Wednesday to the next Tuesday touches two weeks.
		{"wednesday to tuesday", health.Weekly, "2025-01-01", "2025-01-07", days("2024-12-30", "2025-01-06")},
		{"one sunday", health.Weekly, "2025-01-05", "2025-01-05", days("2024-12-30")},
		{"mid-month to mid-month across a year end", health.Monthly, "2024-11-15", "2025-02-03",
			days("2024-11-01", "2024-12-01", "2025-01-01", "2025-02-01")},
		{"three days over new year", health.Daily, "2024-12-31", "2025-01-02", days("2024-12-31", "2025-01-01", "2025-01-02")},
		{"from after to is empty", health.Daily, "2025-01-02", "2025-01-01", nil},
	} {
		if got := health.Periods(c.iv, day(c.from), day(c.to)); !slices.Equal(got, c.want) {
			t.Errorf("%s: Periods = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDefaultFromIsElevenPeriodsBeforeToday(t *testing.T) {
	today := day("2025-03-12") // a Wednesday
	for _, c := range []struct {
		iv   health.Interval
		want string
	}{
		{health.Daily, "2025-03-01"},   // 12 days: 03-01..03-12
		{health.Weekly, "2024-12-23"},  // today's week starts 03-10; 11 weeks (77 days) before
		{health.Monthly, "2024-04-01"}, // April 2024 .. March 2025
	} {
		got := health.DefaultFrom(c.iv, today, health.DefaultPeriods)
		if got != day(c.want) {
			t.Errorf("DefaultFrom(%s) = %s, want %s", c.iv, got, c.want)
		}
		if n := len(health.Periods(c.iv, got, today)); n != 12 {
			t.Errorf("%s: %d periods in the default range, want 12", c.iv, n)
		}
	}
}
