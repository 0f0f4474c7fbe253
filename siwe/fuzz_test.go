package siwe

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse: Parse never panics, refuses only with ErrMalformed, and what it accepts String writes
// so that it parses back to the same message and is written the same way again.
// The seeds (testdata/fuzz/FuzzParse) are the public vectors' messages and variants of them.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		m, err := Parse(text)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse(%q): %v does not wrap ErrMalformed", text, err)
			}
			return
		}
		s := m.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) accepted, but its String %q does not parse: %v", text, s, err)
		}
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("Parse(%q) = %+v, but its String parses as %+v", text, m, again)
		}
		if s2 := again.String(); s2 != s {
			t.Fatalf("String is not stable: %q then %q", s, s2)
		}
	})
}
