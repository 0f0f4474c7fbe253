package health

import "math/big"

// Ratio returns num/den, or nil when den is 0: a ratio over an empty set is null (JSON null through
// *float64), never a division error.
func Ratio(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	r := float64(num) / float64(den)
	return &r
}

// BigRatio returns num/den computed exactly and rounded once to float64, or nil when den is nil or
// 0. A nil num is 0.
func BigRatio(num, den *big.Int) *float64 {
	if den == nil || den.Sign() == 0 {
		return nil
	}
	if num == nil {
		num = new(big.Int)
	}
	r, _ := new(big.Rat).SetFrac(num, den).Float64()
	return &r
}
