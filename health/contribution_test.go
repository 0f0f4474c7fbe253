package health_test

import (
	"math/big"
	"reflect"
	"testing"

	"github.com/guildhall/guildhall/health"
)

func TestRewardsByActivityAndIssuerInTheWindow(t *testing.T) {
	rs := []health.Reward{
		{Member: "m1", Activity: "post", IssuerID: "i1", Day: day("2025-03-01"), Amount: big.NewInt(10)},
		{Member: "m1", Activity: "post", IssuerID: "i1", Day: day("2025-03-02"), Amount: big.NewInt(5)},
		{Member: "m2", Activity: "post", IssuerID: "i2", Day: day("2025-03-02"), Amount: big.NewInt(7)},
		{Member: "m2", Activity: "event", IssuerID: "i1", Day: day("2025-03-31"), Amount: big.NewInt(3)},
		{Member: "m3", Activity: "event", IssuerID: "i2", Day: day("2025-02-28"), Amount: big.NewInt(100)}, // before the window
	}
	from, to := health.Window(today, 31) // 03-01..03-31
	if from != day("2025-03-01") || to != today {
		t.Fatalf("Window = %s..%s", from, to)
	}
	byActivity := health.RewardsBy(rs, from, to, func(r health.Reward) string { return r.Activity })
	want := []health.RewardTotals{
		{Key: "event", Rewards: 1, Amount: big.NewInt(3), Members: 1},
		{Key: "post", Rewards: 3, Amount: big.NewInt(22), Members: 2}, // 10+5+7; m1 counted once
	}
	if !reflect.DeepEqual(byActivity, want) {
		t.Errorf("by activity = %+v, want %+v", byActivity, want)
	}
	byIssuer := health.RewardsBy(rs, from, to, func(r health.Reward) string { return r.IssuerID })
	want = []health.RewardTotals{
		{Key: "i1", Rewards: 3, Amount: big.NewInt(18), Members: 2}, // 10+5+3 to m1, m2
		{Key: "i2", Rewards: 1, Amount: big.NewInt(7), Members: 1},
	}
	if !reflect.DeepEqual(byIssuer, want) {
		t.Errorf("by issuer = %+v, want %+v", byIssuer, want)
	}
	if got := health.RewardsBy(nil, from, to, func(r health.Reward) string { return r.Activity }); len(got) != 0 {
		t.Errorf("no rewards gives %+v", got)
	}
}

func TestPowerFollowsContributionOverMembersOnly(t *testing.T) {
	a := health.Activity{}
	add(a, "m1", reward, "2025-03-01")
	add(a, "m2", reward, "2025-03-01")
	add(a, "m3", reward, "2025-03-01")
	add(a, "n", chain, "2025-03-01") // not a member: its 99 earned and 0 power are left out
	vp := power(map[string]int64{"m1": 1, "m2": 2, "m3": 3, "n": 0})
	checkRatio(t, "same order", health.PowerFollowsContribution(a, today,
		power(map[string]int64{"m1": 10, "m2": 20, "m3": 30, "n": 99}), vp), ptr(1.0))
	// m3 earned nothing in the window: earned ranks 2,3,1 against power 1,2,3; d = 1,1,-2,
	// Σd² = 6, r = 1 - 6·6/(3·8) = -0.5.
	checkRatio(t, "m3 absent", health.PowerFollowsContribution(a, today,
		power(map[string]int64{"m1": 10, "m2": 20}), vp), ptr(-0.5))
	one := health.Activity{}
	add(one, "m1", reward, "2025-03-01")
	checkRatio(t, "one member", health.PowerFollowsContribution(one, today, nil, nil), nil)
}

func TestEarnersNeverVotedShare(t *testing.T) {
	// Active in 03-04..03-31: A, B, G, H, R. Voted ever: A, H (and D, no member).
	voted := map[string]bool{"A": true, "H": true, "D": true}
	from, to := health.Window(today, 28)
	got := health.EarnersNeverVotedShare(community(), from, to, func(s string) bool { return voted[s] })
	checkRatio(t, "share", got, ptr(3.0/5)) // B, G, R
	// A window with nobody active: null.
	got = health.EarnersNeverVotedShare(community(), day("2024-01-01"), day("2024-01-31"), func(string) bool { return false })
	checkRatio(t, "empty window", got, nil)
}
