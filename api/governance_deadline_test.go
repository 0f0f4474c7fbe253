package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/guildhall/guildhall/governance"
)

// A relayed transaction is mined in a block after the head, never in it. A ballot relayed when the
// head's time is the deadline is still "active" at the head but would revert in any later block,
// so the API refuses it before anything is sent; one second earlier it is relayed and counts.
func TestBallotRelayedAtTheDeadlineIsRefusedBeforeItIsSent(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10)
	pid, _ := h.walletProposal(t, "Grant 1 BAKE, voted to the last second")
	h.advance(t, govTestSettings.VotingDelay+time.Second)
	// Member 1 reaches quorum early, so the late-quorum rule leaves the deadline where it is.
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackCastVote(pid, uint8(governance.For)))
	deadline := h.deadline(t, pid)

	// Head one second before the deadline: the next block is at the deadline at the earliest, the
	// last second a vote counts.
	head := h.sim.HeadTime(t)
	if head >= deadline-1 {
		t.Fatalf("head %d is already at the deadline %d", head, deadline)
	}
	h.advance(t, time.Duration(deadline-1-head)*time.Second)
	rec := h.do(t, http.MethodPost, ballotPath(pid.String()), "", map[string]any{"voter": h.sim.Address(2).Hex(), "support": "for",
		"signature": h.signBallot(t, 2, pid.String(), "for", "")})
	h.mine(t, h.want(t, rec, http.StatusAccepted)["tx_hash"].(string))

	// Now the head is the deadline: the proposal is still active at the head, closed in any block
	// a relayed vote could land in.
	if got := h.sim.HeadTime(t); got != deadline {
		t.Fatalf("head time %d after mining, want the deadline %d (the simulated chain runs ahead of the wall clock)", got, deadline)
	}
	if st := h.state(t, pid); st != governance.Active {
		t.Fatalf("state() at the deadline = %s, want active", st)
	}
	nonce, rows := h.operatorNonce(t), h.relayRows(t)
	rec = h.do(t, http.MethodPost, ballotPath(pid.String()), "", map[string]any{"voter": h.sim.Address(3).Hex(), "support": "against",
		"signature": h.signBallot(t, 3, pid.String(), "against", "")})
	closes := time.Unix(int64(deadline)+1, 0).UTC().Format(time.RFC3339)
	h.wantRefused(t, rec, rec.Body.String(), rec.Code, "voting on this proposal closes at "+closes, nonce)
	if got := h.relayRows(t); got != rows {
		t.Fatalf("the refused ballot left a relay record (%d -> %d)", rows, got)
	}
	// The chain agrees: the same vote sent from the wallet lands after the deadline and reverts.
	if _, err := h.sim.Transact(t, h.sim.Accounts[3], h.dep.Governor, govABI.PackCastVote(pid, uint8(governance.Against))); err == nil {
		t.Fatal("a vote mined after the deadline succeeded on chain")
	}

	tally := h.tally(t, pid.String())
	if tally["for"] != tokens(70).String() || tally["against"] != "0" || tally["voters"] != 2.0 || tally["consistent"] != true {
		t.Fatalf("tally: %v; want members 1 and 2 for (70 tokens), nothing against", tally)
	}
}

// The token refuses a delegation whose expiry is before the block that carries it, so an expiry
// equal to the head's time is already too late for a relay.
func TestDelegationExpiringAtTheHeadIsRefused(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30)
	head := h.sim.HeadTime(t)
	rec := h.do(t, http.MethodGet, fmt.Sprintf("/v1/communities/bakery/delegation-typed-data?delegator=%s&delegatee=%s&expiry=%d",
		h.sim.Address(1).Hex(), h.sim.Address(2).Hex(), head), "", nil)
	msg := h.want(t, rec, http.StatusOK)["message"].(map[string]any)
	sig := signTypedData(t, rec.Body.Bytes(), h.sim.Accounts[1])
	nonce, rows := h.operatorNonce(t), h.relayRows(t)
	rec = h.do(t, http.MethodPost, "/v1/communities/bakery/delegations", "", map[string]any{
		"delegator": h.sim.Address(1).Hex(), "delegatee": h.sim.Address(2).Hex(), "nonce": msg["nonce"], "expiry": msg["expiry"], "signature": sig})
	h.wantRefused(t, rec, rec.Body.String(), rec.Code, "the delegation signature expired at "+time.Unix(int64(head), 0).UTC().Format(time.RFC3339), nonce)
	if got := h.relayRows(t); got != rows {
		t.Fatalf("the refused delegation left a relay record (%d -> %d)", rows, got)
	}
}
