package guildhall

import (
	"math/big"
	"regexp"
	"strings"
	"testing"
)

var (
	tokenAmountPattern = regexp.MustCompile(`^([0-9]+)(?:\.([0-9]{1,18}))?$`)
	baseUnitsPattern   = regexp.MustCompile(`^([0-9]+)$`)
)

// expectedAmount is what ParseAmount must answer for s, worked out another way: the base units s
// names, or nil when s is not an amount ParseAmount may accept.
func expectedAmount(s string, baseUnits bool) *big.Int {
	pattern := tokenAmountPattern
	if baseUnits {
		pattern = baseUnitsPattern
	}
	parts := pattern.FindStringSubmatch(strings.TrimSpace(s))
	if parts == nil {
		return nil
	}
	v, _ := new(big.Int).SetString(parts[1], 10)
	if !baseUnits {
		v.Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(Decimals), nil))
		if frac := parts[2]; frac != "" {
			f, _ := new(big.Int).SetString(frac, 10)
			v.Add(v, f.Mul(f, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(Decimals-len(frac))), nil)))
		}
	}
	if v.Cmp(maxUint256) > 0 {
		return nil
	}
	return v
}

// FuzzParseAmount: ParseAmount never panics, accepts exactly the decimal amounts that fit a
// uint256, answers their value, and FormatAmount writes it so that it parses back to itself.
func FuzzParseAmount(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, baseUnits bool) {
		got, err := ParseAmount("amount", s, baseUnits)
		want := expectedAmount(s, baseUnits)
		if want == nil {
			if err == nil || ErrorCode(err) != EINVALID {
				t.Fatalf("ParseAmount(%q, %v) = %v, %v; want an EINVALID error", s, baseUnits, got, err)
			}
			return
		}
		if err != nil || got.Cmp(want) != 0 {
			t.Fatalf("ParseAmount(%q, %v) = %v, %v; want %v", s, baseUnits, got, err, want)
		}
		formatted := FormatAmount(got)
		back, err := ParseAmount("amount", formatted, false)
		if err != nil || back.Cmp(got) != 0 {
			t.Fatalf("FormatAmount(%v) = %q parses back as %v, %v", got, formatted, back, err)
		}
		if again, err := ParseAmount("amount", got.String(), true); err != nil || again.Cmp(got) != 0 {
			t.Fatalf("base units %v parse back as %v, %v", got, again, err)
		}
	})
}

// FuzzFormatAmount: FormatAmount never panics, writes the canonical form (no leading or trailing
// zeros, at most 18 decimals), and every uint256 it writes parses back to the same value.
func FuzzFormatAmount(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte, negative bool) {
		if len(b) > 64 { // amounts are uint256; past twice that, time goes to big-number printing
			return
		}
		v := new(big.Int).SetBytes(b)
		if negative {
			v.Neg(v)
		}
		s := FormatAmount(v)
		unsigned := strings.TrimPrefix(s, "-")
		if (v.Sign() < 0) != (s != unsigned) || !tokenAmountPattern.MatchString(unsigned) ||
			(len(unsigned) > 1 && unsigned[0] == '0' && unsigned[1] != '.') || strings.HasSuffix(unsigned, "0") && strings.Contains(unsigned, ".") {
			t.Fatalf("FormatAmount(%v) = %q, not a canonical amount", v, s)
		}
		if v.Sign() < 0 || v.Cmp(maxUint256) > 0 {
			return
		}
		back, err := ParseAmount("amount", s, false)
		if err != nil || back.Cmp(v) != 0 {
			t.Fatalf("FormatAmount(%v) = %q parses back as %v, %v", v, s, back, err)
		}
	})
}
