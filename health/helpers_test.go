package health_test

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
)

// day reads an ISO date or fails the test run.
func day(s string) health.Day {
	d, err := health.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

func days(ss ...string) []health.Day {
	out := make([]health.Day, len(ss))
	for i, s := range ss {
		out[i] = day(s)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func ints(vs ...int64) []*big.Int {
	out := make([]*big.Int, len(vs))
	for i, v := range vs {
		out[i] = big.NewInt(v)
	}
	return out
}

// sameRatio reports whether two nullable ratios are both null or equal within 1e-12.
func sameRatio(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-12
}

func showRatio(r *float64) string {
	if r == nil {
		return "null"
	}
	return big.NewFloat(*r).Text('g', 15)
}

func checkRatio(t *testing.T, name string, got, want *float64) {
	t.Helper()
	if !sameRatio(got, want) {
		t.Errorf("%s = %s, want %s", name, showRatio(got), showRatio(want))
	}
}

func checkInt(t *testing.T, name string, got, want *int) {
	t.Helper()
	if (got == nil) != (want == nil) || (got != nil && *got != *want) {
		g, w := "null", "null"
		if got != nil {
			g = big.NewInt(int64(*got)).String()
		}
		if want != nil {
			w = big.NewInt(int64(*want)).String()
		}
		t.Errorf("%s = %s, want %s", name, g, w)
	}
}

// invalidField returns the single field an EINVALID error names, or fails.
func invalidField(t *testing.T, err error) string {
	t.Helper()
	var e *guildhall.Error
	if !errors.As(err, &e) || e.Code != guildhall.EINVALID || len(e.Fields) != 1 {
		t.Fatalf("error %v is not an EINVALID *guildhall.Error with one field", err)
	}
	return e.Fields[0].Field
}
