package guildhall

import (
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	tests := map[string]struct {
		in        string
		baseUnits bool
		want      string // base units; "" = refused
	}{
		"whole tokens":                  {"12", false, "12000000000000000000"},
		"fraction of a token":           {"0.5", false, "500000000000000000"},
		"all 18 decimals":               {"1.000000000000000001", false, "1000000000000000001"},
		"zero":                          {"0", false, "0"},
		"base units":                    {"42", true, "42"},
		"19 decimals refused":           {"1.0000000000000000001", false, ""},
		"negative refused":              {"-1", false, ""},
		"empty refused":                 {"", false, ""},
		"letters refused":               {"12abc", false, ""},
		"dot only refused":              {".", false, ""},
		"trailing dot refused":          {"1.", false, ""},
		"fraction of base unit refused": {"1.5", true, ""},
		"above uint256 refused":         {"1" + strings.Repeat("0", 78), true, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseAmount("amount", tt.in, tt.baseUnits)
			if tt.want == "" {
				if err == nil || ErrorCode(err) != EINVALID {
					t.Fatalf("ParseAmount(%q) = %v, %v; want an EINVALID error", tt.in, got, err)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("ParseAmount(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatAmount(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "1": "0.000000000000000001", "1500000000000000000": "1.5", "12000000000000000000": "12",
	} {
		v, _ := new(big.Int).SetString(in, 10)
		if got := FormatAmount(v); got != want {
			t.Errorf("FormatAmount(%s) = %s, want %s", in, got, want)
		}
	}
}

// A number with a megabyte of digits is refused at once, not after seconds of big-number parsing
// (10 s of CPU before the length check); 78 digits still parse, leading zeros aside.
func TestParseAmountRefusesHugeNumbersQuickly(t *testing.T) {
	huge := strings.Repeat("9", 1_000_000)
	start := time.Now()
	for _, baseUnits := range []bool{true, false} {
		if _, err := ParseAmount("amount", huge, baseUnits); ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "invalid amount") {
			t.Fatalf("a million digits (base units %v): %v, want EINVALID", baseUnits, err)
		}
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("refusing a million digits took %v", took)
	}
	if v, err := ParseAmount("amount", strings.Repeat("0", 1000)+maxUint256.String(), true); err != nil || v.Cmp(maxUint256) != 0 {
		t.Fatalf("max uint256 after 1000 zeros: %v, %v", v, err)
	}
}
