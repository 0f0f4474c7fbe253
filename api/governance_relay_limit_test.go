package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// A wallet that has used its relayed transactions (the harness allows 5 an hour) is told when it
// may relay again with a 429 and Retry-After, and nothing is sent for it; another wallet is not
// held back.
func TestRelayLimitAnswers429WithRetryAfter(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30)
	delegate := func(delegator, delegatee int) *httptest.ResponseRecorder {
		t.Helper()
		rec := h.do(t, http.MethodGet, fmt.Sprintf("/v1/communities/bakery/delegation-typed-data?delegator=%s&delegatee=%s",
			h.sim.Address(delegator).Hex(), h.sim.Address(delegatee).Hex()), "", nil)
		msg := h.want(t, rec, http.StatusOK)["message"].(map[string]any)
		return h.do(t, http.MethodPost, "/v1/communities/bakery/delegations", "", map[string]any{
			"delegator": h.sim.Address(delegator).Hex(), "delegatee": h.sim.Address(delegatee).Hex(),
			"nonce": msg["nonce"], "expiry": msg["expiry"], "signature": signTypedData(t, rec.Body.Bytes(), h.sim.Accounts[delegator])})
	}
	for i := range 5 {
		h.mine(t, h.want(t, delegate(1, 2+i%2), http.StatusAccepted)["tx_hash"].(string))
	}

	nonce, rows := h.operatorNonce(t), h.relayRows(t)
	rec := delegate(1, 2)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("6th relay for one wallet: %d %s, want 429", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 3500 || s > 3600 {
		t.Errorf("Retry-After %q, want about an hour in seconds (the oldest relay was just now)", rec.Header().Get("Retry-After"))
	}
	p := h.want(t, rec, http.StatusTooManyRequests)
	if p["status"] != 429.0 || !strings.Contains(p["detail"].(string), h.sim.Address(1).Hex()+" has used its 5 relayed transactions per 1h0m0s") {
		t.Errorf("problem %v, want one naming the wallet and its limit", p)
	}
	if got := h.operatorNonce(t); got != nonce {
		t.Fatalf("a limited relay sent a transaction (operator nonce %d -> %d)", nonce, got)
	}
	if got := h.relayRows(t); got != rows {
		t.Fatalf("a limited relay left a record (%d -> %d)", rows, got)
	}

	// The limit is per wallet.
	h.mine(t, h.want(t, delegate(2, 1), http.StatusAccepted)["tx_hash"].(string))
}
