package health_test

import (
	"encoding/json"
	"math/big"
	"testing"
	"time"

	"github.com/guildhall/guildhall/health"
)

func power(kv map[string]int64) map[string]*big.Int {
	out := make(map[string]*big.Int, len(kv))
	for k, v := range kv {
		out[k] = big.NewInt(v)
	}
	return out
}

const govNow = 1000 // the as_of block's timestamp

// proposals: P4 (oldest, nobody eligible, supply 0), P1, P2, P3 (same block as P2, later log:
// newest, snapshot ahead).
func proposals() []health.Proposal {
	return []health.Proposal{
		{ID: "1", State: "executed", CreatedBlock: 10, CreatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			ExecutedAt: time.Date(2025, 1, 3, 12, 0, 0, 0, time.UTC), // 60 hours
			Snapshot:   100, TotalSupply: big.NewInt(1000),
			Power:          power(map[string]int64{"a": 400, "b": 300, "c": 200, "d": 0}),
			Votes:          power(map[string]int64{"a": 400, "d": 0}), // d's weight-0 vote is no voter
			MemberProposed: true},
		{ID: "2", State: "executed", CreatedBlock: 20, CreatedAt: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC),
			ExecutedAt: time.Date(2025, 2, 2, 6, 0, 0, 0, time.UTC), // 30 hours
			Snapshot:   200, TotalSupply: big.NewInt(1000),
			Power: power(map[string]int64{"a": 400, "b": 300, "c": 200}),
			Votes: power(map[string]int64{"a": 400, "b": 300, "c": 200})},
		{ID: "3", State: "pending", CreatedBlock: 20, CreatedLog: 5, Snapshot: govNow, // not yet passed
			TotalSupply: big.NewInt(1000), MemberProposed: true},
		{ID: "4", State: "defeated", CreatedBlock: 5, Snapshot: 50, TotalSupply: big.NewInt(0)},
	}
}

func checkProposal(t *testing.T, got health.ProposalStats, id string, eligible, voters *int, participation, turnout *float64, member bool) {
	t.Helper()
	if got.ID != id || got.MemberProposed != member {
		t.Errorf("proposal %s: got id %s, member_proposed %v (want %v)", id, got.ID, got.MemberProposed, member)
	}
	checkInt(t, id+" eligible", got.Eligible, eligible)
	checkInt(t, id+" voters", got.Voters, voters)
	checkRatio(t, id+" participation", got.Participation, participation)
	checkRatio(t, id+" turnout", got.Turnout, turnout)
}

func TestGovernanceOverTheLastThree(t *testing.T) {
	g := health.Governance(proposals(), 3, govNow)
	if len(g.Proposals) != 3 {
		t.Fatalf("%d proposals, want 3", len(g.Proposals))
	}
	// Newest first: 3 (block 20 log 5), 2 (block 20 log 0), 1; 4 is older than the last three.
	checkProposal(t, g.Proposals[0], "3", nil, nil, nil, nil, true) // snapshot == now: still ahead
	// 2: a b c eligible and all voted: 3/3; turnout (400+300+200)/1000.
	checkProposal(t, g.Proposals[1], "2", ptr(3), ptr(3), ptr(1.0), ptr(0.9), false)
	// 1: a b c eligible (d has 0), only a voted with weight: 1/3; turnout 400/1000.
	checkProposal(t, g.Proposals[2], "1", ptr(3), ptr(1), ptr(1.0/3), ptr(0.4), true)
	checkRatio(t, "participation_mean", g.ParticipationMean, ptr((1.0+1.0/3)/2))    // 3's null left out
	checkRatio(t, "member_proposed_share", g.MemberProposedShare, ptr(2.0/3))       // 3 and 1
	checkRatio(t, "median_hours_to_execution", g.MedianHoursToExecution, ptr(45.0)) // (30+60)/2
}

func TestGovernanceOverAllWithNullParticipationLeftOut(t *testing.T) {
	g := health.Governance(proposals(), 10, govNow)
	if len(g.Proposals) != 4 || g.Proposals[3].ID != "4" {
		t.Fatalf("proposals = %+v, want 3 2 1 4", g.Proposals)
	}
	// 4: nobody eligible: participation null; supply 0: turnout null; but counts are 0, not null.
	checkProposal(t, g.Proposals[3], "4", ptr(0), ptr(0), nil, nil, false)
	checkRatio(t, "participation_mean", g.ParticipationMean, ptr((1.0+1.0/3)/2))
	checkRatio(t, "member_proposed_share", g.MemberProposedShare, ptr(0.5)) // 2 of 4
	// The last two: 3 and 2. One execution, 30 hours: the median of one value.
	g = health.Governance(proposals(), 2, govNow)
	checkRatio(t, "median of one", g.MedianHoursToExecution, ptr(30.0))
	checkRatio(t, "mean of one", g.ParticipationMean, ptr(1.0))
}

func TestGovernanceWithoutProposalsIsNullsAndAnEmptyList(t *testing.T) {
	g := health.Governance(nil, 5, govNow)
	b, err := json.Marshal(g)
	want := `{"proposals":[],"participation_mean":null,"member_proposed_share":null,"median_hours_to_execution":null}`
	if err != nil || string(b) != want {
		t.Errorf("JSON = %s, %v; want %s", b, err, want)
	}
}
