package health_test

import (
	"math/big"
	"testing"

	"github.com/guildhall/guildhall/health"
)

func TestConcentrateWorkedExamples(t *testing.T) {
	e40, _ := new(big.Int).SetString("10000000000000000000000000000000000000000", 10) // 10^40
	for _, c := range []struct {
		name     string
		values   []*big.Int
		gini     *float64
		nakamoto *int
		top10    *float64
		hhi      *float64
		accounts int
	}{
		// Ascending 10,20,30,40, total 100: Σ i·x = 10+40+90+160 = 300, G = (600-5·100)/(4·100) = 0.25
		// (pairwise: Σ|xi-xj| = 2·100 = 200, / (2·16·25) = 0.25). Half is 50: 40 is not more, 40+30 is: 2.
		// HHI = .01+.04+.09+.16 = .30. Four accounts: the top 10 hold everything.
		{"four unequal", ints(10, 20, 30, 40), ptr(0.25), ptr(2), ptr(1.0), ptr(0.30), 4},
		// Exactly half is not more than half: 50 alone does not do it, 50+30 does.
		// Gini: ascending 20,30,50, Σ i·x = 20+60+150 = 230, G = (460-4·100)/(3·100) = 0.2.
		{"exactly half needs one more", ints(50, 30, 20), ptr(0.2), ptr(2), ptr(1.0), ptr(0.25 + 0.09 + 0.04), 3},
		// One account: perfectly equal, it holds all.
		{"one account", ints(7), ptr(0.0), ptr(1), ptr(1.0), ptr(1.0), 1},
		// Zero, negative and nil values are not counted: two equal accounts of 10 remain.
		{"non-positive left out", []*big.Int{big.NewInt(0), big.NewInt(-5), nil, big.NewInt(10), big.NewInt(10)},
			ptr(0.0), ptr(2), ptr(1.0), ptr(0.5), 2},
		// 1..12, total 78: G = (2·650 - 13·78)/(12·78) = 286/936 = 11/36; top 10 = 78-1-2 = 75;
		// HHI = Σi² / 78² = 650/6084; half is 39: 12+11+10 = 33, +9 = 42 > 39: 4.
		{"twelve accounts", ints(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
			ptr(11.0 / 36), ptr(4), ptr(75.0 / 78), ptr(650.0 / 6084), 12},
		// 10^40+1 against 10^40: the larger alone is more than half (2·10^40+2 > 2·10^40+1), which
		// float64 could not tell.
		{"exact beyond float precision", []*big.Int{e40, new(big.Int).Add(e40, big.NewInt(1))},
			ptr(0.0), ptr(1), ptr(1.0), ptr(0.5), 2},
		{"empty", nil, nil, nil, nil, nil, 0},
		{"only zeros", ints(0, 0), nil, nil, nil, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := health.Concentrate(c.values)
			checkRatio(t, "gini", got.Gini, c.gini)
			checkInt(t, "nakamoto", got.Nakamoto, c.nakamoto)
			checkRatio(t, "top10_share", got.Top10Share, c.top10)
			checkRatio(t, "hhi", got.HHI, c.hhi)
			if got.Accounts != c.accounts {
				t.Errorf("accounts = %d, want %d", got.Accounts, c.accounts)
			}
		})
	}
}

func TestMinForQuorumCountsLargestFirstUntilReached(t *testing.T) {
	vp := ints(10, 40, 20, 30) // largest first: 40, 70, 90, 100
	for _, c := range []struct {
		name   string
		values []*big.Int
		quorum *big.Int
		want   *int
	}{
		{"passed on the second", vp, big.NewInt(50), ptr(2)},
		{"reached exactly", vp, big.NewInt(70), ptr(2)},
		{"needs everyone", vp, big.NewInt(100), ptr(4)},
		{"unreachable is null", vp, big.NewInt(101), nil},
		{"zero quorum needs nobody", vp, big.NewInt(0), ptr(0)},
		{"no delegates is null", nil, big.NewInt(1), nil},
		{"non-positive values do not help", ints(0, -3, 5), big.NewInt(6), nil},
	} {
		checkInt(t, c.name, health.MinForQuorum(c.values, c.quorum), c.want)
	}
}

func TestQuorumRoundsDownLikeTheGovernor(t *testing.T) {
	for _, c := range []struct {
		supply, num, den int64
		want             *big.Int
	}{
		{1000, 4, 100, big.NewInt(40)},
		{1001, 4, 100, big.NewInt(40)}, // 40.04 rounds down
		{1000, 4, 0, nil},
	} {
		got := health.Quorum(big.NewInt(c.supply), big.NewInt(c.num), big.NewInt(c.den))
		if (got == nil) != (c.want == nil) || (got != nil && got.Cmp(c.want) != 0) {
			t.Errorf("Quorum(%d, %d, %d) = %v, want %v", c.supply, c.num, c.den, got, c.want)
		}
	}
}

func TestRatiosOverEmptySetsAreNull(t *testing.T) {
	checkRatio(t, "Ratio(3, 0)", health.Ratio(3, 0), nil)
	checkRatio(t, "Ratio(1, 4)", health.Ratio(1, 4), ptr(0.25))
	checkRatio(t, "BigRatio(1, nil)", health.BigRatio(big.NewInt(1), nil), nil)
	checkRatio(t, "BigRatio(nil, 4)", health.BigRatio(nil, big.NewInt(4)), ptr(0.0))
	// 1/3 rounded once from the exact fraction.
	checkRatio(t, "BigRatio(1, 3)", health.BigRatio(big.NewInt(1), big.NewInt(3)), ptr(1.0/3))
}
