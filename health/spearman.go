package health

import (
	"math"
	"math/big"
	"slices"
)

// Spearman returns the Spearman rank correlation of the pairs (x[i], y[i]): the Pearson
// correlation of their ranks, tied values sharing the average of the ranks they span. It is nil
// with fewer than two pairs or when either side has no variance (all values equal). A nil value
// counts as 0. It panics when x and y differ in length.
func Spearman(x, y []*big.Int) *float64 {
	if len(x) != len(y) {
		panic("health: Spearman over slices of different lengths")
	}
	if len(x) < 2 {
		return nil
	}
	rx, ry := doubledRanks(x), doubledRanks(y)
	// With ranks doubled (integers: average ranks are halves), r is unchanged:
	// r = (n·Σxy − Σx·Σy) / √((n·Σx² − (Σx)²)·(n·Σy² − (Σy)²)).
	n := big.NewInt(int64(len(x)))
	var sx, sy, sxx, syy, sxy big.Int
	for i := range rx {
		a, b := big.NewInt(rx[i]), big.NewInt(ry[i])
		sx.Add(&sx, a)
		sy.Add(&sy, b)
		sxx.Add(&sxx, new(big.Int).Mul(a, a))
		syy.Add(&syy, new(big.Int).Mul(b, b))
		sxy.Add(&sxy, new(big.Int).Mul(a, b))
	}
	spread := func(sq, s *big.Int) *big.Int {
		v := new(big.Int).Mul(n, sq)
		return v.Sub(v, new(big.Int).Mul(s, s))
	}
	vx, vy := spread(&sxx, &sx), spread(&syy, &sy)
	if vx.Sign() == 0 || vy.Sign() == 0 {
		return nil
	}
	cov := new(big.Int).Mul(n, &sxy)
	cov.Sub(cov, new(big.Int).Mul(&sx, &sy))
	fc, _ := new(big.Float).SetInt(cov).Float64()
	fx, _ := new(big.Float).SetInt(vx).Float64()
	fy, _ := new(big.Float).SetInt(vy).Float64()
	r := fc / (math.Sqrt(fx) * math.Sqrt(fy))
	r = max(-1, min(1, r)) // rounding must not leave [-1, 1]
	return &r
}

// doubledRanks returns twice the 1-based rank of each value, ascending, ties sharing the average
// of the ranks they span (so every doubled rank is a whole number).
func doubledRanks(v []*big.Int) []int64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	val := func(i int) *big.Int {
		if v[i] == nil {
			return new(big.Int)
		}
		return v[i]
	}
	slices.SortStableFunc(idx, func(a, b int) int { return val(a).Cmp(val(b)) })
	out := make([]int64, len(v))
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && val(idx[hi]).Cmp(val(idx[lo])) == 0 {
			hi++
		}
		// positions lo..hi-1 hold ranks lo+1..hi; their average doubled is lo+1+hi.
		for _, i := range idx[lo:hi] {
			out[i] = int64(lo + 1 + hi)
		}
		lo = hi
	}
	return out
}
