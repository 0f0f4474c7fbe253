package api

import (
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/governance"
)

// ballotPath is the ballots route of proposal pid.
func ballotPath(pid string) string { return "/v1/communities/bakery/proposals/" + pid + "/ballots" }

// signBallot fetches the ballot typed data for member and signs it with the member's key.
func (h *govHarness) signBallot(t *testing.T, member int, pid, support, reason string) string {
	t.Helper()
	q := fmt.Sprintf("/v1/communities/bakery/proposals/%s/ballot-typed-data?voter=%s&support=%s", pid, h.sim.Address(member).Hex(), support)
	if reason != "" {
		q += "&reason=" + reason
	}
	rec := h.do(t, http.MethodGet, q, "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("ballot-typed-data: %d %s", rec.Code, rec.Body)
	}
	return signTypedData(t, rec.Body.Bytes(), h.sim.Accounts[member])
}

// wantRefused checks a 422 whose detail contains reason and that nothing was sent.
func (h *govHarness) wantRefused(t *testing.T, rec interface {
	Result() *http.Response
}, body string, code int, reason string, nonceBefore uint64) {
	t.Helper()
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, reason) {
		t.Fatalf("got %d %s, want 422 saying %q", code, body, reason)
	}
	if n := h.operatorNonce(t); n != nonceBefore {
		t.Fatalf("a refused request sent a transaction (operator nonce %d -> %d)", nonceBefore, n)
	}
}

func TestGovernanceLifecycleThroughTheAPIAndWallets(t *testing.T) {
	// Members 1..5 hold 40, 30, 20, 10 and 0 tokens; quorum is 4% of 100 = 4 tokens.
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10, 0)
	fund := h.sim.Address(8)

	// The issuer proposes a grant of 500 tokens to the fund, minted by the timelock.
	rec := h.do(t, http.MethodPost, "/v1/communities/bakery/proposals", h.key, map[string]any{
		"description": "Grant 500 BAKE to the oven fund\n\nFor the new oven.",
		"actions":     []map[string]string{{"kind": "mint", "to": fund.Hex(), "amount": tokens(500).String()}},
	})
	opened := h.want(t, rec, http.StatusAccepted)
	pid := opened["id"].(string)
	h.mine(t, opened["tx_hash"].(string))
	pidInt, _ := new(big.Int).SetString(pid, 10)

	if tally := h.tally(t, pid); tally["state"] != "pending" || tally["consistent"] != true {
		t.Fatalf("new proposal's tally: %v", tally)
	}
	detail, item := h.proposalReads(t, pid)
	wantProposalTimes(t, detail, "ProposalDetail")
	wantProposalTimes(t, item, "ProposalSummary")
	if want := crypto.Keccak256Hash([]byte("Grant 500 BAKE to the oven fund\n\nFor the new oven.")).Hex(); detail["description_hash"] != want {
		t.Errorf("description_hash = %v, want keccak256 of the description %s (what queue and execute take)", detail["description_hash"], want)
	}
	if detail["eta"] != nil || detail["eta_at"] != nil || detail["vote_end"].(float64)-detail["vote_start"].(float64) != govTestSettings.VotingPeriod.Seconds() {
		t.Fatalf("a pending proposal: eta %v (%v), voting from %v to %v; want no eta and the voting period between them",
			detail["eta"], detail["eta_at"], detail["vote_start_at"], detail["vote_end_at"])
	}
	// Queue before voting: refused, naming the state and when voting opens.
	nonce := h.operatorNonce(t)
	rec = h.do(t, http.MethodPost, "/v1/communities/bakery/proposals/"+pid+"/queue", h.key, nil)
	h.wantRefused(t, rec, rec.Body.String(), rec.Code, "the proposal is pending: voting opens at", nonce)

	h.advance(t, govTestSettings.VotingDelay+time.Second)

	// Member 1 votes from the wallet; members 2 and 3 through the relay (3 with a reason).
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackCastVote(pidInt, uint8(governance.For)))
	sig2 := h.signBallot(t, 2, pid, "for", "")
	rec = h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": h.sim.Address(2).Hex(), "support": "for", "signature": sig2})
	h.mine(t, h.want(t, rec, http.StatusAccepted)["tx_hash"].(string))
	sig3 := h.signBallot(t, 3, pid, "against", "too%20dear")
	rec = h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": h.sim.Address(3).Hex(), "support": "against", "reason": "too dear", "signature": sig3})
	h.mine(t, h.want(t, rec, http.StatusAccepted)["tx_hash"].(string))

	// Refusals: each a 422 with its reason, and nothing sent.
	nonce = h.operatorNonce(t)
	domain := governance.Domain{Name: "Corner Bakery Governor", Version: "1", ChainID: h.sim.ChainID, VerifyingContract: h.dep.Governor}
	ballot4 := governance.Ballot{ProposalID: pidInt, Support: governance.For, Voter: h.sim.Address(4), Nonce: new(big.Int)}
	otherChain, otherGovernor := domain, domain
	otherChain.ChainID = big.NewInt(1)
	otherGovernor.VerifyingContract = common.HexToAddress("0x00000000000000000000000000000000000000aa")
	refusals := map[string]struct {
		body   map[string]any
		reason string
	}{
		"replayed signature": {map[string]any{"voter": h.sim.Address(2).Hex(), "support": "for", "signature": sig2}, "already used"},
		"signed for another chain": {map[string]any{"voter": h.sim.Address(4).Hex(), "support": "for",
			"signature": signTD(t, ballot4.TypedData(otherChain), h.sim.Accounts[4])}, "does not recover the voter"},
		"signed for another governor": {map[string]any{"voter": h.sim.Address(4).Hex(), "support": "for",
			"signature": signTD(t, ballot4.TypedData(otherGovernor), h.sim.Accounts[4])}, "does not recover the voter"},
		"zero weight": {map[string]any{"voter": h.sim.Address(5).Hex(), "support": "for",
			"signature": h.signBallot(t, 5, pid, "for", "")}, "no voting power at the proposal's snapshot"},
		"second vote": {map[string]any{"voter": h.sim.Address(1).Hex(), "support": "against",
			"signature": h.signBallot(t, 1, pid, "against", "")}, "has already voted"},
	}
	for name, tt := range refusals {
		t.Run(name, func(t *testing.T) {
			rec := h.do(t, http.MethodPost, ballotPath(pid), "", tt.body)
			h.wantRefused(t, rec, rec.Body.String(), rec.Code, tt.reason, nonce)
		})
	}
	t.Run("a reason with a NUL is refused before anything is sent", func(t *testing.T) {
		rec := h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": h.sim.Address(4).Hex(), "support": "for",
			"reason": "a\u0000b", "signature": h.signBallot(t, 4, pid, "for", "")})
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"reason"`) {
			t.Fatalf("got %d %s, want 400 naming the reason", rec.Code, rec.Body)
		}
		if got := h.operatorNonce(t); got != nonce {
			t.Fatalf("operator nonce moved from %d to %d: a transaction was sent", nonce, got)
		}
	})
	t.Run("expired delegation", func(t *testing.T) {
		expiry := h.sim.HeadTime(t) - 1
		rec := h.do(t, http.MethodGet, fmt.Sprintf("/v1/communities/bakery/delegation-typed-data?delegator=%s&delegatee=%s&expiry=%d",
			h.sim.Address(4).Hex(), h.sim.Address(1).Hex(), expiry), "", nil)
		sig := signTypedData(t, rec.Body.Bytes(), h.sim.Accounts[4])
		rec = h.do(t, http.MethodPost, "/v1/communities/bakery/delegations", "", map[string]any{
			"delegator": h.sim.Address(4).Hex(), "delegatee": h.sim.Address(1).Hex(), "nonce": "0", "expiry": fmt.Sprint(expiry), "signature": sig})
		h.wantRefused(t, rec, rec.Body.String(), rec.Code, "expired at", nonce)
	})

	// A gasless delegation that is good goes through.
	rec = h.do(t, http.MethodGet, fmt.Sprintf("/v1/communities/bakery/delegation-typed-data?delegator=%s&delegatee=%s",
		h.sim.Address(4).Hex(), h.sim.Address(1).Hex()), "", nil)
	td := h.want(t, rec, http.StatusOK)
	msg := td["message"].(map[string]any)
	rec = h.do(t, http.MethodPost, "/v1/communities/bakery/delegations", "", map[string]any{
		"delegator": h.sim.Address(4).Hex(), "delegatee": h.sim.Address(1).Hex(), "nonce": msg["nonce"], "expiry": msg["expiry"],
		"signature": signTypedData(t, rec.Body.Bytes(), h.sim.Accounts[4])})
	h.mine(t, h.want(t, rec, http.StatusAccepted)["tx_hash"].(string))

	tally := h.tally(t, pid)
	if tally["for"] != tokens(70).String() || tally["against"] != tokens(20).String() || tally["voters"] != 3.0 ||
		tally["quorum"] != tokens(4).String() || tally["quorum_reached"] != true || tally["consistent"] != true || tally["state"] != "active" {
		t.Fatalf("tally during voting: %v", tally)
	}
	if tally["turnout_total_supply"] != 0.9 || tally["turnout_delegated_supply"] != 0.9 {
		t.Errorf("turnout: %v of supply, %v of delegated supply; want 0.9 and 0.9", tally["turnout_total_supply"], tally["turnout_delegated_supply"])
	}
	onchain := tally["onchain"].(map[string]any)
	if onchain["for"] != tally["for"] || onchain["state"] != "active" {
		t.Errorf("onchain %v beside %v", onchain, tally)
	}

	// After the deadline: a vote is refused; the proposal succeeded and is queued, then executed.
	h.advancePast(t, h.deadline(t, pidInt))
	nonce = h.operatorNonce(t)
	rec = h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": h.sim.Address(4).Hex(), "support": "for",
		"signature": h.signBallot(t, 4, pid, "for", "")})
	h.wantRefused(t, rec, rec.Body.String(), rec.Code, "voting on this proposal closed", nonce)

	rec = h.do(t, http.MethodPost, "/v1/communities/bakery/proposals/"+pid+"/queue", h.key, nil)
	h.mine(t, h.want(t, rec, http.StatusAccepted)["tx_hash"].(string))
	nonce = h.operatorNonce(t)
	rec = h.do(t, http.MethodPost, "/v1/communities/bakery/proposals/"+pid+"/execute", h.key, nil)
	h.wantRefused(t, rec, rec.Body.String(), rec.Code, "the timelock lets it execute from", nonce)
	h.advance(t, govTestSettings.TimelockDelay+time.Second)
	rec = h.do(t, http.MethodPost, "/v1/communities/bakery/proposals/"+pid+"/execute", h.key, nil)
	h.mine(t, h.want(t, rec, http.StatusAccepted)["tx_hash"].(string))

	if got := h.balance(t, fund); got.Cmp(tokens(500)) != 0 {
		t.Fatalf("fund balance %s after execution, want the granted 500 tokens", got)
	}
	if st := h.state(t, pidInt); st != governance.Executed {
		t.Fatalf("state() = %s", st)
	}
	tally = h.tally(t, pid)
	if tally["state"] != "executed" || tally["onchain"].(map[string]any)["state"] != "executed" || tally["consistent"] != true {
		t.Fatalf("tally after execution: %v", tally)
	}
	// Executed everywhere: the proposal's page and the list say so too, with the queued ETA.
	detail, item = h.proposalReads(t, pid)
	if detail["state"] != "executed" || item["state"] != "executed" {
		t.Fatalf("after execution: proposal state %v, list state %v; want executed", detail["state"], item["state"])
	}
	if eta, ok := tally["eta"].(map[string]any); !ok || detail["eta"] != eta["clock"] || detail["eta_at"] != eta["time"] {
		t.Fatalf("after execution: eta %v (%v), want the tally's %v", detail["eta"], detail["eta_at"], tally["eta"])
	}
	wantProposalTimes(t, detail, "ProposalDetail")
	wantProposalTimes(t, item, "ProposalSummary")
	nonce = h.operatorNonce(t)
	rec = h.do(t, http.MethodPost, "/v1/communities/bakery/proposals/"+pid+"/queue", h.key, nil)
	h.wantRefused(t, rec, rec.Body.String(), rec.Code, "executed, which is final", nonce)
}
