package api

import (
	"net/http"
	"testing"

	"github.com/guildhall/guildhall/governance"
)

// When quorum is reached late the governor extends the deadline; a ballot relayed after the
// original deadline but before the extended one is accepted, mined and counted.
func TestRelayedVoteInsideTheLateQuorumExtensionCounts(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10)
	pid, _ := h.walletProposal(t, "Grant 1 BAKE, decided in extra time")
	original := h.deadline(t, pid)
	h.advancePast(t, original-6)
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackCastVote(pid, uint8(governance.For)))
	extended := h.deadline(t, pid)
	if extended <= original+2 {
		t.Fatalf("deadline %d not extended past %d", extended, original)
	}

	h.advancePast(t, original)
	rec := h.do(t, http.MethodPost, ballotPath(pid.String()), "", map[string]any{"voter": h.sim.Address(2).Hex(), "support": "against",
		"signature": h.signBallot(t, 2, pid.String(), "against", "")})
	h.mine(t, h.want(t, rec, http.StatusAccepted)["tx_hash"].(string))
	if head := h.sim.HeadTime(t); head <= original || head > extended {
		t.Fatalf("the vote was mined at %d, want after the original deadline %d and by the extended %d", head, original, extended)
	}

	tally := h.tally(t, pid.String())
	if tally["for"] != tokens(40).String() || tally["against"] != tokens(30).String() || tally["voters"] != 2.0 ||
		tally["state"] != "active" || tally["consistent"] != true {
		t.Fatalf("tally: %v; want member 1's 40 for and member 2's 30 against, still active", tally)
	}
	votes := h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery/proposals/"+pid.String()+"/votes", "", nil), http.StatusOK)["items"].([]any)
	found := false
	for _, v := range votes {
		v := v.(map[string]any)
		found = found || (v["voter"] == h.sim.Address(2).Hex() && v["support"] == "against" && v["weight"] == tokens(30).String())
	}
	if !found {
		t.Fatalf("votes %v do not list member 2's relayed vote", votes)
	}
}
