package health_test

import (
	"testing"

	"github.com/guildhall/guildhall/health"
)

func TestParseChoicesAcceptTheirValuesDefaultWhenEmptyAndNameTheParameterOtherwise(t *testing.T) {
	for _, c := range []struct {
		name  string
		parse func(string) (string, error)
		in    string
		want  string // the value read, when field is empty
		field string // the parameter the error names
	}{
		{"interval day", ivParser(health.ParseInterval), "day", "day", ""},
		{"interval month", ivParser(health.ParseInterval), "month", "month", ""},
		{"interval default", ivParser(health.ParseInterval), "", "week", ""},
		{"lifecycle month", ivParser(health.ParseLifecycleInterval), "month", "month", ""},
		{"cohort week", ivParser(health.ParseCohort), " week ", "week", ""},
		{"cohort default", ivParser(health.ParseCohort), "", "week", ""},
		{"basis chain", basisParser, "chain", "chain", ""},
		{"basis default", basisParser, "", "any", ""},
		{"interval year", ivParser(health.ParseInterval), "year", "", "interval"},
		{"interval in capitals", ivParser(health.ParseInterval), "WEEK", "", "interval"},
		{"lifecycle by day", ivParser(health.ParseLifecycleInterval), "day", "", "interval"},
		{"cohort by day", ivParser(health.ParseCohort), "day", "", "cohort"},
		{"basis vote", basisParser, "vote", "", "basis"},
	} {
		got, err := c.parse(c.in)
		if c.field != "" {
			if f := invalidField(t, err); f != c.field {
				t.Errorf("%s: field %q, want %q", c.name, f, c.field)
			}
		} else if err != nil || got != c.want {
			t.Errorf("%s: %q gives %q, %v; want %q", c.name, c.in, got, err, c.want)
		}
	}
}

func ivParser(p func(string) (health.Interval, error)) func(string) (string, error) {
	return func(s string) (string, error) { v, err := p(s); return string(v), err }
}

func basisParser(s string) (string, error) { v, err := health.ParseBasis(s); return string(v), err }

func TestParseCountBoundsAndDefault(t *testing.T) {
	if n, err := health.ParseCount("periods", "", 12, 60); n != 12 || err != nil {
		t.Errorf("empty = %d, %v; want the default 12", n, err)
	}
	if n, err := health.ParseCount("periods", "60", 12, 60); n != 60 || err != nil {
		t.Errorf("60 = %d, %v; want 60 (the maximum is allowed)", n, err)
	}
	for _, in := range []string{"0", "61", "-1", "2.5", "ten"} {
		_, err := health.ParseCount("periods", in, 12, 60)
		if got := invalidField(t, err); got != "periods" {
			t.Errorf("%q: field %q, want periods", in, got)
		}
	}
}

func TestParseRangeDefaultsAndRefusals(t *testing.T) {
	today := day("2025-03-12")
	for _, c := range []struct {
		name             string
		iv               health.Interval
		from, to         string
		wantFrom, wantTo string
	}{
		{"both empty: last 12 weeks", health.Weekly, "", "", "2024-12-23", "2025-03-12"},
		{"only from: to is today", health.Daily, "2025-03-01", "", "2025-03-01", "2025-03-12"},
		// 12 months ending with to's month, January 2024.
		{"only to: 12 periods up to it", health.Monthly, "", "2024-01-20", "2023-02-01", "2024-01-20"},
		{"same day", health.Daily, "2025-03-12", "2025-03-12", "2025-03-12", "2025-03-12"},
	} {
		f, to, err := health.ParseRange(c.iv, c.from, c.to, today)
		if err != nil || f != day(c.wantFrom) || to != day(c.wantTo) {
			t.Errorf("%s: [%s, %s], %v; want [%s, %s]", c.name, f, to, err, c.wantFrom, c.wantTo)
		}
	}
	for _, c := range []struct {
		name, from, to, field string
	}{
		{"from not a date", "2025-13-01", "", "from"},
		{"to not a date", "", "yesterday", "to"},
		{"from after to", "2025-03-02", "2025-03-01", "from"},
		// 2015-01-01..2025-03-12 is 3724 days, more than 3660.
		{"too many periods", "2015-01-01", "", "from"},
	} {
		_, _, err := health.ParseRange(health.Daily, c.from, c.to, today)
		if got := invalidField(t, err); got != c.field {
			t.Errorf("%s: field %q, want %q", c.name, got, c.field)
		}
	}
	// The same ten years by month are 123 periods: allowed.
	if _, _, err := health.ParseRange(health.Monthly, "2015-01-01", "", today); err != nil {
		t.Errorf("ten years by month refused: %v", err)
	}
}
