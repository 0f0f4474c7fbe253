package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/postgres"
)

// delegate signs member delegator's delegation to delegatee, as a wallet does from
// delegation-typed-data, and posts it to the relay.
func (h *govHarness) delegate(t testing.TB, delegator, delegatee int) *httptest.ResponseRecorder {
	t.Helper()
	rec := h.do(t, http.MethodGet, fmt.Sprintf("/v1/communities/bakery/delegation-typed-data?delegator=%s&delegatee=%s",
		h.sim.Address(delegator).Hex(), h.sim.Address(delegatee).Hex()), "", nil)
	msg := h.want(t, rec, http.StatusOK)["message"].(map[string]any)
	return h.do(t, http.MethodPost, "/v1/communities/bakery/delegations", "", map[string]any{
		"delegator": h.sim.Address(delegator).Hex(), "delegatee": h.sim.Address(delegatee).Hex(),
		"nonce": msg["nonce"], "expiry": msg["expiry"], "signature": signTypedData(t, rec.Body.Bytes(), h.sim.Accounts[delegator])})
}

// A delegation is relayed only for a delegator holding at least the minimum balance at the
// chain head (by default anything above 0): a wallet holding nothing is refused with a 422 saying
// so, and nothing is sent or recorded.
func TestDelegationRelayNeedsABalance(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 0, 30)
	nonce, rows := h.operatorNonce(t), h.relayRows(t)
	rec := h.delegate(t, 2, 1)
	h.wantRefused(t, rec, rec.Body.String(), rec.Code, h.sim.Address(2).Hex()+" holds 0 base units of the token at block", nonce)
	if !strings.Contains(rec.Body.String(), "holders of at least 1: delegate from the wallet directly") {
		t.Errorf("the refusal %s does not say what the relay needs and what to do", rec.Body)
	}
	if got := h.relayRows(t); got != rows {
		t.Fatalf("the refusal left a relay record (%d -> %d)", rows, got)
	}
	h.mine(t, h.want(t, h.delegate(t, 1, 2), http.StatusAccepted)["tx_hash"].(string))

	// A higher minimum (35 tokens): 30 is not enough, 40 was.
	h.svc.MinDelegatorBalance = tokens(35)
	rec = h.delegate(t, 3, 1)
	h.wantRefused(t, rec, rec.Body.String(), rec.Code, "holds "+tokens(30).String()+" base units", h.operatorNonce(t))
}

// Past a community's relay gas budget for the UTC day, ballots and delegations answer 429 with a
// Retry-After of the seconds to the next UTC midnight, and nothing is sent or recorded. Once the
// relayed transaction is final, the settler counts the gas it used instead of the gas limit
// reserved for it, and the room that frees is relayed again.
func TestRelayGasBudgetAnswers429UntilTheNextUTCDay(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20)
	h.svc.Budget = governance.RelayBudget{GasPerDay: 380_000} // one relay's gas limit (~200k), not two; the used gas of one and a ballot's limit
	store := postgres.NewGovernanceStore(h.db)
	first := h.want(t, h.delegate(t, 1, 2), http.StatusAccepted)["tx_hash"].(string)

	pid := h.proposeMint(t, "Grant 1 BAKE", h.sim.Address(8), 1)
	h.advance(t, govTestSettings.VotingDelay+time.Second)
	ballot := func() *httptest.ResponseRecorder {
		return h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": h.sim.Address(3).Hex(), "support": "for",
			"signature": h.signBallot(t, 3, pid, "for", "")})
	}
	for name, send := range map[string]func() *httptest.ResponseRecorder{
		"delegation": func() *httptest.ResponseRecorder { return h.delegate(t, 2, 1) },
		"ballot":     ballot,
	} {
		t.Run(name, func(t *testing.T) {
			nonce, rows := h.operatorNonce(t), h.relayRows(t)
			rec := send()
			p := wantProblem(t, rec, http.StatusTooManyRequests)
			now := time.Now().UTC()
			midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
			secs, err := strconv.Atoi(rec.Header().Get("Retry-After"))
			if want := int(midnight.Sub(now).Seconds()); err != nil || secs < want-5 || secs > want+5 {
				t.Errorf("Retry-After %q, want about %d (seconds to the next UTC midnight)", rec.Header().Get("Retry-After"), want)
			}
			if !strings.Contains(p.Detail, `community "bakery" has used`) || !strings.Contains(p.Detail, "of its 380000 gas of relayed transactions today (UTC)") {
				t.Errorf("detail %q does not name the community and its budget", p.Detail)
			}
			if got := h.operatorNonce(t); got != nonce {
				t.Fatalf("a relay past the budget sent a transaction (operator nonce %d -> %d)", nonce, got)
			}
			if got := h.relayRows(t); got != rows {
				t.Fatalf("a relay past the budget left a record (%d -> %d)", rows, got)
			}
		})
	}

	// The first relay mined and final: settled at its receipt's gas, which leaves room for the ballot.
	h.mine(t, first)
	if err := h.sender.Tick(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	before, err := store.RelayGasOn(t.Context(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	settler := &govchain.Settler{Relays: store, Receipts: h.sim.Client}
	if n, err := settler.Settle(t.Context()); err != nil || n != 1 {
		t.Fatalf("settled %d, %v; want the one final relay", n, err)
	}
	after, err := store.RelayGasOn(t.Context(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rcpt, err := h.sim.Client.TransactionReceipt(t.Context(), common.HexToHash(first))
	if err != nil {
		t.Fatal(err)
	}
	if after["bakery"] != rcpt.GasUsed || before["bakery"] <= after["bakery"] {
		t.Fatalf("bakery's gas today %d -> %d after settling, want the receipt's %d", before["bakery"], after["bakery"], rcpt.GasUsed)
	}
	h.mine(t, h.want(t, ballot(), http.StatusAccepted)["tx_hash"].(string))
}
