package health

import (
	"math/big"
	"slices"
)

// Concentration is how concentrated a set of holdings is (voting power or balances). Every ratio
// is null when no account has a value > 0.
type Concentration struct {
	Gini       *float64 `json:"gini"`        // population Gini coefficient, 0 (equal) .. 1
	Nakamoto   *int     `json:"nakamoto"`    // fewest accounts, largest first, holding more than half
	Top10Share *float64 `json:"top10_share"` // share of the total held by the 10 largest accounts
	HHI        *float64 `json:"hhi"`         // sum of squared shares, 1/accounts .. 1
	Accounts   int      `json:"accounts"`    // how many accounts were counted (value > 0)
}

// positiveDesc returns the values > 0 (nil ones left out), largest first, and their sum.
func positiveDesc(values []*big.Int) ([]*big.Int, *big.Int) {
	var out []*big.Int
	total := new(big.Int)
	for _, v := range values {
		if v != nil && v.Sign() > 0 {
			out = append(out, v)
			total.Add(total, v)
		}
	}
	slices.SortFunc(out, func(a, b *big.Int) int { return b.Cmp(a) })
	return out, total
}

// Concentrate returns the concentration of values, one per account, excluded accounts already
// left out by the caller; values <= 0 and nil are not counted. Sums are exact; only each final
// ratio is rounded to float64.
func Concentrate(values []*big.Int) Concentration {
	desc, total := positiveDesc(values)
	c := Concentration{Accounts: len(desc)}
	if len(desc) == 0 {
		return c
	}
	c.Gini = gini(desc, total)
	c.Nakamoto = fewestReaching(desc, func(sum *big.Int) bool {
		return new(big.Int).Lsh(sum, 1).Cmp(total) > 0 // sum > total/2, exactly
	})
	top := new(big.Int)
	for _, v := range desc[:min(10, len(desc))] {
		top.Add(top, v)
	}
	c.Top10Share = BigRatio(top, total)
	squares := new(big.Int)
	for _, v := range desc {
		squares.Add(squares, new(big.Int).Mul(v, v))
	}
	c.HHI = BigRatio(squares, new(big.Int).Mul(total, total))
	return c
}

// gini returns the population Gini coefficient of desc (values > 0, largest first) summing to
// total: with x₁ ≤ … ≤ xₙ, G = (2·Σ i·xᵢ − (n+1)·Σ xᵢ) / (n·Σ xᵢ), which equals
// Σᵢ Σⱼ |xᵢ − xⱼ| / (2·n²·mean).
func gini(desc []*big.Int, total *big.Int) *float64 {
	n := int64(len(desc))
	weighted := new(big.Int)
	for k, v := range desc {
		i := n - int64(k) // rank in ascending order, 1-based
		weighted.Add(weighted, new(big.Int).Mul(big.NewInt(i), v))
	}
	num := new(big.Int).Lsh(weighted, 1)
	num.Sub(num, new(big.Int).Mul(big.NewInt(n+1), total))
	return BigRatio(num, new(big.Int).Mul(big.NewInt(n), total))
}

// fewestReaching returns how many of desc, largest first, it takes for their sum to satisfy
// enough, or nil when all of them do not.
func fewestReaching(desc []*big.Int, enough func(sum *big.Int) bool) *int {
	sum := new(big.Int)
	if enough(sum) {
		zero := 0
		return &zero
	}
	for k, v := range desc {
		sum.Add(sum, v)
		if enough(sum) {
			n := k + 1
			return &n
		}
	}
	return nil
}

// MinForQuorum returns the fewest accounts, largest first, whose values (voting power of
// non-excluded delegates; values <= 0 not counted) sum to at least quorum, or nil when all of them
// together do not reach it. A quorum <= 0 needs no account: 0.
func MinForQuorum(values []*big.Int, quorum *big.Int) *int {
	desc, _ := positiveDesc(values)
	if quorum == nil {
		quorum = new(big.Int)
	}
	return fewestReaching(desc, func(sum *big.Int) bool { return sum.Cmp(quorum) >= 0 })
}

// Quorum returns totalSupply × numerator / denominator rounded down, as the governor's
// GovernorVotesQuorumFraction computes quorum(t); nil when denominator is 0.
func Quorum(totalSupply, numerator, denominator *big.Int) *big.Int {
	if totalSupply == nil || numerator == nil || denominator == nil || denominator.Sign() == 0 {
		return nil
	}
	q := new(big.Int).Mul(totalSupply, numerator)
	return q.Quo(q, denominator)
}
