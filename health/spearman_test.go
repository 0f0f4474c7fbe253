package health_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/guildhall/guildhall/health"
)

func TestSpearmanWorkedExamples(t *testing.T) {
	e40, _ := new(big.Int).SetString("10000000000000000000000000000000000000000", 10)
	for _, c := range []struct {
		name string
		x, y []*big.Int
		want *float64
	}{
		{"same order is 1", ints(1, 2, 3), ints(10, 20, 30), ptr(1.0)},
		{"reverse order is -1", ints(1, 2, 3), ints(30, 20, 10), ptr(-1.0)},
		// No ties: d = -1,1,-1,1,0, Σd² = 4, r = 1 - 6·4/(5·24) = 0.8.
		{"two swaps", ints(1, 2, 3, 4, 5), ints(2, 1, 4, 3, 5), ptr(0.8)},
		// x ranks 1, 2.5, 2.5, 4 (the tied 2s share ranks 2 and 3); y ranks 1..4. Deviations from
		// 2.5: x -1.5,0,0,1.5; y -1.5,-.5,.5,1.5. cov 4.5, var x 4.5, var y 5: r = 4.5/√22.5 = √0.9.
		{"ties get average ranks", ints(1, 2, 2, 3), ints(1, 2, 3, 4), ptr(math.Sqrt(0.9))},
		// x ranks 1.5,1.5,3.5,3.5; y ranks 1.5,3.5,1.5,3.5: deviations ±1 cancel, cov 0.
		{"ties on both sides uncorrelated", ints(0, 0, 5, 5), ints(0, 3, 0, 3), ptr(0.0)},
		{"nil counts as zero", []*big.Int{nil, big.NewInt(5)}, ints(1, 2), ptr(1.0)},
		// 10^40 < 10^40+1 though float64 cannot tell them apart.
		{"exact order of large values", []*big.Int{e40, new(big.Int).Add(e40, big.NewInt(1))}, ints(2, 1), ptr(-1.0)},
		{"one pair is null", ints(1), ints(2), nil},
		{"empty is null", nil, nil, nil},
		{"no variance in x is null", ints(4, 4, 4), ints(1, 2, 3), nil},
		{"no variance in y is null", ints(1, 2, 3), ints(0, 0, 0), nil},
	} {
		checkRatio(t, c.name, health.Spearman(c.x, c.y), c.want)
	}
}

func TestSpearmanPanicsOnDifferentLengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	health.Spearman(ints(1, 2), ints(1))
}
