package testseeds

import "testing"

// The fixed seeds without the variable; N more after them; a range as written; anything else
// (a typo, a backwards range, zero) the fixed seeds, so a mistyped hunt still runs the usual ones.
func TestRange(t *testing.T) {
	for _, c := range []struct {
		env         string
		first, last int64
	}{
		{"", 1, 3}, {"40", 4, 43}, {"154..233", 154, 233}, {"7..7", 7, 7},
		{"0", 1, 3}, {"-5", 1, 3}, {"ten", 1, 3}, {"9..2", 1, 3}, {"..9", 1, 3},
	} {
		t.Setenv("GUILDHALL_TESTSEEDS_TEST", c.env)
		if first, last := Range("GUILDHALL_TESTSEEDS_TEST", 1, 3); first != c.first || last != c.last {
			t.Errorf("%q: seeds %d..%d, want %d..%d", c.env, first, last, c.first, c.last)
		}
	}
}
