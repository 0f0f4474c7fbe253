package health_test

import (
	"encoding/json"
	"math/big"
	"reflect"
	"strconv"
	"testing"

	"github.com/guildhall/guildhall/health"
)

func TestDelegatesHaveVotingPowerOrADelegator(t *testing.T) {
	got := health.Delegates(
		power(map[string]int64{"a": 400, "b": 300, "c": 200, "e": 0}),
		map[string]string{"a": "a", "b": "b", "c": "a", "f": "c", "g": "", "i": "h"})
	// a: itself and c; b: itself; c: f (c delegates away but keeps power delegated to it);
	// h: no power, delegator i; e: no power, no delegator: not a delegate; g: no delegate.
	want := []health.Delegate{
		{Address: "a", VotingPower: big.NewInt(400), Delegators: 2},
		{Address: "b", VotingPower: big.NewInt(300), Delegators: 1},
		{Address: "c", VotingPower: big.NewInt(200), Delegators: 1},
		{Address: "h", VotingPower: big.NewInt(0), Delegators: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Delegates =\n%+v\nwant\n%+v", got, want)
	}
}

// twelveProposals: proposal k (1..12) created in block k; 12's snapshot is still ahead, so the
// record looks at 11 down to 2.
func twelveProposals() []health.Proposal {
	var ps []health.Proposal
	for k := 1; k <= 12; k++ {
		p := health.Proposal{ID: strconv.Itoa(k), CreatedBlock: uint64(k), Snapshot: uint64(k),
			Power: map[string]*big.Int{"a": big.NewInt(1)}, Votes: map[string]*big.Int{}}
		if k == 12 {
			p.Snapshot = govNow
		}
		if k <= 8 { // a votes in 1..8: 2..8 count, 7 of 10
			p.Votes["a"] = big.NewInt(1)
		}
		if k >= 2 && k <= 4 { // b is eligible in 2..4 and votes in 2: 1 of 3
			p.Power["b"] = big.NewInt(1)
		}
		if k == 2 {
			p.Votes["b"] = big.NewInt(1)
		}
		if k >= 2 && k <= 11 { // c is eligible in 2..11 and never votes
			p.Power["c"] = big.NewInt(1)
		}
		if k == 5 || k == 6 { // h is eligible in 5 and 6, never votes, has no power now
			p.Power["h"] = big.NewInt(1)
		}
		if k == 12 { // a vote on the proposal whose snapshot is ahead does not count
			p.Votes["b"] = big.NewInt(1)
		}
		ps = append(ps, p)
	}
	return ps
}

func TestDelegateRecordsOverTheTenMostRecentPassedSnapshots(t *testing.T) {
	ds := []health.Delegate{
		{Address: "a", VotingPower: big.NewInt(400), Delegators: 1},
		{Address: "b", VotingPower: big.NewInt(300), Delegators: 1},
		{Address: "c", VotingPower: big.NewInt(200), Delegators: 2},
		{Address: "h", VotingPower: big.NewInt(0), Delegators: 1},
		{Address: "x", VotingPower: big.NewInt(100), Delegators: 1}, // never had power at a snapshot
	}
	rs := health.DelegateRecords(ds, twelveProposals(), govNow)
	for i, c := range []struct {
		eligible, votes int
		participation   *float64
		status          health.DelegateStatus
	}{
		{10, 7, ptr(0.7), health.StatusActive},      // 7/10 is exactly the 0.7 boundary
		{3, 1, ptr(1.0 / 3), health.StatusInactive}, // 1/3
		{10, 0, ptr(0.0), health.StatusGhost},       // 0, with voting power now
		{2, 0, ptr(0.0), ""},                        // 0 without voting power now: no status
		{0, 0, nil, ""},                             // no eligible proposal: null
	} {
		r := rs[i]
		if r.Address != ds[i].Address || r.EligibleProposals != c.eligible || r.VotesCast != c.votes || r.Status != c.status {
			t.Errorf("%s: eligible %d, votes %d, status %q; want %d, %d, %q",
				r.Address, r.EligibleProposals, r.VotesCast, r.Status, c.eligible, c.votes, c.status)
		}
		checkRatio(t, r.Address+" participation", r.Participation, c.participation)
	}
	if n := health.DelegatesActive(rs); n != 1 {
		t.Errorf("DelegatesActive = %d, want 1", n)
	}
	// Ghost c holds 200 of 400+300+200+0+100 = 1000.
	checkRatio(t, "dormant_voting_power_share", health.DormantVotingPowerShare(rs), ptr(0.2))
	b, _ := json.Marshal(rs[4])
	want := `{"address":"x","delegators":1,"participation":null,"votes_cast":0,"eligible_proposals":0,"status":null}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
}

func TestDelegateFiguresWithoutDelegatesAreNull(t *testing.T) {
	rs := health.DelegateRecords(nil, twelveProposals(), govNow)
	if len(rs) != 0 || health.DelegatesActive(rs) != 0 {
		t.Fatalf("records = %+v", rs)
	}
	checkRatio(t, "dormant_voting_power_share", health.DormantVotingPowerShare(rs), nil)
}
