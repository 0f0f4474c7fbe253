package guildhall

import (
	"math/big"
	"strings"
)

// Decimals is the number of decimals every Guildhall token has.
const Decimals = 18

var (
	maxUint256       = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	maxUint256Digits = maxUint256.String()
)

// ParseAmount reads a token amount as a user writes it: whole tokens with up to 18 decimals
// ("12", "0.5"), or base units when baseUnits is set ("500000000000000000"). It returns the amount
// in base units, or an EINVALID *Error naming field.
func ParseAmount(field, s string, baseUnits bool) (*big.Int, error) {
	bad := func(msg string) error {
		return &Error{Code: EINVALID, Message: "invalid " + field, Fields: []FieldError{{field, msg}}}
	}
	s = strings.TrimSpace(s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (hasFrac && (frac == "" || !allDigits(frac))) {
		if baseUnits {
			return nil, bad("must be a whole number of base units, e.g. 1000000000000000000")
		}
		return nil, bad("must be a number of tokens, e.g. 100 or 2.5")
	}
	if baseUnits && hasFrac {
		return nil, bad("base units have no fraction")
	}
	if len(frac) > Decimals {
		return nil, bad("has more than 18 decimals")
	}
	digits := whole
	if !baseUnits {
		digits += frac + strings.Repeat("0", Decimals-len(frac))
	}
	// A uint256 has at most 78 digits. Refuse longer numbers before big.Int reads them: reading
	// decimal digits takes time quadratic in their number (a megabyte of digits, seconds of CPU).
	if len(strings.TrimLeft(digits, "0")) > len(maxUint256Digits) {
		return nil, bad("is too large")
	}
	v, ok := new(big.Int).SetString(digits, 10)
	if !ok || v.Cmp(maxUint256) > 0 {
		return nil, bad("is too large")
	}
	return v, nil
}

// FormatAmount writes base units as tokens with up to 18 decimals and no trailing zeros.
func FormatAmount(v *big.Int) string {
	if v == nil {
		return "0"
	}
	s := v.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if len(s) <= Decimals {
		s = strings.Repeat("0", Decimals-len(s)+1) + s
	}
	whole, frac := s[:len(s)-Decimals], strings.TrimRight(s[len(s)-Decimals:], "0")
	if frac != "" {
		whole += "." + frac
	}
	if neg {
		whole = "-" + whole
	}
	return whole
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
