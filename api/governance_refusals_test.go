package api

import (
	"fmt"
	"net/http"
	"testing"
)

// Refusals a member can run into, each a 422 saying why, with nothing sent and no relay recorded.
func TestGovernanceRelayRefusals(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10)
	delegation := func(delegator, delegatee, signer int) map[string]any {
		t.Helper()
		rec := h.do(t, http.MethodGet, fmt.Sprintf("/v1/communities/bakery/delegation-typed-data?delegator=%s&delegatee=%s",
			h.sim.Address(delegator).Hex(), h.sim.Address(delegatee).Hex()), "", nil)
		msg := h.want(t, rec, http.StatusOK)["message"].(map[string]any)
		return map[string]any{"delegator": h.sim.Address(delegator).Hex(), "delegatee": h.sim.Address(delegatee).Hex(),
			"nonce": msg["nonce"], "expiry": msg["expiry"], "signature": signTypedData(t, rec.Body.Bytes(), h.sim.Accounts[signer])}
	}
	// A delegation relayed and mined, whose signature is then sent again.
	used := delegation(4, 1, 4)
	h.mine(t, h.want(t, h.do(t, http.MethodPost, "/v1/communities/bakery/delegations", "", used), http.StatusAccepted)["tx_hash"].(string))
	pid, _ := h.walletProposal(t, "Grant 1 BAKE, not open yet")

	tests := map[string]struct {
		path   string
		body   map[string]any
		reason string
	}{
		"replayed delegation": {"/v1/communities/bakery/delegations", used,
			"nonce 0 was already used by " + h.sim.Address(4).Hex()},
		"delegation signed by another key": {"/v1/communities/bakery/delegations", delegation(3, 1, 2),
			"the signature does not recover the delegator " + h.sim.Address(3).Hex()},
		"ballot on a pending proposal": {ballotPath(pid.String()), map[string]any{"voter": h.sim.Address(2).Hex(), "support": "for",
			"signature": h.signBallot(t, 2, pid.String(), "for", "")}, "the proposal is pending: voting opens at"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			nonce, rows := h.operatorNonce(t), h.relayRows(t)
			rec := h.do(t, http.MethodPost, tt.path, "", tt.body)
			h.wantRefused(t, rec, rec.Body.String(), rec.Code, tt.reason, nonce)
			if got := h.relayRows(t); got != rows {
				t.Fatalf("the refusal left a relay record (%d -> %d)", rows, got)
			}
		})
	}
}
