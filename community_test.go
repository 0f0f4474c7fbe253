package guildhall

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateNewCommunityName(t *testing.T) {
	tests := map[string]struct {
		name string
		want string // "" means accepted; else what the name's field message says
	}{
		"plain":                          {"Corner Bakery", ""},
		"accents and emoji":              {"Café Ünïcode 🍞", ""},
		"31 bytes":                       {strings.Repeat("a", 31), ""},
		"31 bytes with accents":          {strings.Repeat("é", 15) + "a", ""},
		"empty":                          {"", "1-31 bytes"},
		"32 bytes":                       {strings.Repeat("a", 32), "1-31 bytes"},
		"16 accented letters (32 bytes)": {strings.Repeat("é", 16), "1-31 bytes"},
		"latin-1 byte":                   {"Caf\xe9", "valid UTF-8"},
		"truncated sequence":             {"Bakery \xe2\x82", "valid UTF-8"},
		"newline":                        {"Corner\nBakery", "control characters"},
		"tab":                            {"Corner\tBakery", "control characters"},
		"NUL":                            {"Corner\x00Bakery", "control characters"},
		"escape sequence":                {"\x1b[31mRed\x1b[0m", "control characters"},
		"C1 control (U+0085)":            {"Corner\u0085Bakery", "control characters"},
	}
	for label, tc := range tests {
		t.Run(label, func(t *testing.T) {
			err := ValidateNewCommunity("corner-bakery", tc.name, "BAKE", DefaultGovernanceSettings())
			if tc.want == "" {
				if err != nil {
					t.Fatalf("ValidateNewCommunity(name %q) = %v, want nil", tc.name, err)
				}
				return
			}
			var ge *Error
			if !errors.As(err, &ge) || ge.Code != EINVALID {
				t.Fatalf("ValidateNewCommunity(name %q) = %v, want an EINVALID *Error", tc.name, err)
			}
			if len(ge.Fields) != 1 || ge.Fields[0].Field != "name" || !strings.Contains(ge.Fields[0].Message, tc.want) {
				t.Fatalf("fields = %+v, want one for name saying %q", ge.Fields, tc.want)
			}
			if strings.ContainsAny(err.Error(), "\n\r\t\x00\x1b") || strings.Contains(err.Error(), "\xe9") {
				t.Errorf("the message %q echoes the bad bytes", err)
			}
		})
	}
}
