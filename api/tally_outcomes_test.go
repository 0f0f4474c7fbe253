package api

import (
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
)

// walletProposal is a grant proposed from member 1's wallet.
func (h *govHarness) walletProposal(t *testing.T, description string) (*big.Int, *govchain.Plan) {
	t.Helper()
	p := &govchain.Plan{Targets: []common.Address{h.dep.Token}, Values: []*big.Int{new(big.Int)},
		Calldatas: [][]byte{tokenABI.PackMint(h.sim.Address(8), tokens(1))}, Description: description}
	rcpt := h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackPropose(p.Targets, p.Values, p.Calldatas, p.Description))
	for _, l := range rcpt.Logs {
		if ev, err := govABI.UnpackProposalCreatedEvent(l); err == nil {
			return ev.ProposalId, p
		}
	}
	t.Fatal("no ProposalCreated")
	return nil, nil
}

func TestProposalOutcomesAgreeWithTheChain(t *testing.T) {
	tests := map[string]struct {
		quorum  uint8
		votes   map[int]governance.Support
		want    string
		reached bool
	}{
		"defeated by more against": {4, map[int]governance.Support{1: governance.Against, 2: governance.For}, "defeated", true},
		"misses quorum":            {40, map[int]governance.Support{3: governance.For}, "defeated", false},
		"succeeds":                 {4, map[int]governance.Support{2: governance.For, 3: governance.Abstain}, "succeeded", true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			settings := govTestSettings
			settings.QuorumPercent = tt.quorum
			h := newGovHarness(t, settings, 9, 40, 30, 20, 10)
			pid, _ := h.walletProposal(t, "Grant 1 BAKE: "+name)
			h.advance(t, settings.VotingDelay+time.Second)
			for member, support := range tt.votes {
				h.sim.MustTransact(t, h.sim.Accounts[member], h.dep.Governor, govABI.PackCastVote(pid, uint8(support)))
			}
			h.advancePast(t, h.deadline(t, pid))
			tally := h.tally(t, pid.String())
			if tally["state"] != tt.want || tally["onchain"].(map[string]any)["state"] != tt.want || tally["consistent"] != true || tally["quorum_reached"] != tt.reached {
				t.Fatalf("tally: %v", tally)
			}
			rec := h.do(t, http.MethodPost, "/v1/communities/bakery/proposals/"+pid.String()+"/queue", h.key, nil)
			if tt.want == "defeated" {
				p := h.want(t, rec, http.StatusUnprocessableEntity)
				if p["detail"] != "the proposal is defeated, which is final: it cannot be queued" {
					t.Errorf("queue a defeated proposal: %v", p["detail"])
				}
			} else {
				h.mine(t, h.want(t, rec, http.StatusAccepted)["tx_hash"].(string)) // a wallet's proposal, queued through the API
			}
		})
	}
}

func TestLateQuorumExtensionShowsInTheTally(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10)
	pid, _ := h.walletProposal(t, "Grant 1 BAKE, decided late")
	original := h.deadline(t, pid)
	h.advancePast(t, original-6)
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackCastVote(pid, uint8(governance.For)))
	extended := h.deadline(t, pid)
	if extended <= original {
		t.Fatalf("deadline %d not extended past %d", extended, original)
	}
	tally := h.tally(t, pid.String())
	deadline := tally["deadline"].(map[string]any)
	if uint64(deadline["clock"].(float64)) != extended || deadline["time"] != time.Unix(int64(extended), 0).UTC().Format(time.RFC3339) {
		t.Fatalf("tally deadline %v, want the extended %d", deadline, extended)
	}
	if tally["consistent"] != true || tally["state"] != "active" {
		t.Fatalf("tally: %v", tally)
	}
}

func TestCanceledProposalIsFinal(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10)
	pid, p := h.walletProposal(t, "Grant 1 BAKE, withdrawn")
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackCancel(p.Targets, p.Values, p.Calldatas, crypto.Keccak256Hash([]byte(p.Description))))
	tally := h.tally(t, pid.String())
	if tally["state"] != "canceled" || tally["consistent"] != true {
		t.Fatalf("tally of a canceled proposal: %v", tally)
	}
	p2 := h.want(t, h.do(t, http.MethodPost, "/v1/communities/bakery/proposals/"+pid.String()+"/queue", h.key, nil), http.StatusUnprocessableEntity)
	if p2["detail"] != "the proposal is canceled, which is final: it cannot be queued" {
		t.Errorf("queue a canceled proposal: %v", p2["detail"])
	}
}

func TestIndexedTallyEqualsProposalVotesAfterReorgs(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10)
	pid, _ := h.walletProposal(t, "Grant 1 BAKE, voted through reorgs")
	h.advance(t, govTestSettings.VotingDelay+time.Second)
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackCastVote(pid, uint8(governance.For)))
	h.sync(t)

	for round, member := range []int{2, 3, 4} {
		head, err := h.sim.Client.HeaderByNumber(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		// A vote lands and is indexed, then the chain forks below it onto a longer branch.
		h.sim.MustTransact(t, h.sim.Accounts[member], h.dep.Governor, govABI.PackCastVote(pid, uint8(governance.Against)))
		h.tally(t, pid.String())
		if err := h.sim.Backend.Fork(head.Hash()); err != nil {
			t.Fatal(err)
		}
		for range 2 + round {
			h.sim.Backend.Commit()
		}
		tally := h.tally(t, pid.String())
		onchain, err := govchain.NewReader(h.sim.Client).ProposalVotes(t.Context(), h.dep.Governor, pid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tally["consistent"] != true || tally["for"] != onchain.For.String() || tally["against"] != onchain.Against.String() {
			t.Fatalf("after reorg %d: tally %v, proposalVotes() %v/%v", round, tally, onchain.For, onchain.Against)
		}
	}
}
