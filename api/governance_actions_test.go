package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
)

// An issuer proposes a built "setting" action (quorum 4% -> 10%) and a raw {target, value,
// calldata} action (a mint through the timelock) through the API; once voted, queued and executed
// both took effect on chain.
func TestSettingAndRawActionsExecuteThroughTheAPI(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10)
	fund := h.sim.Address(8)
	mint := hexutil.Encode(tokenABI.PackMint(fund, tokens(7)))
	reader := govchain.NewReader(h.sim.Client)
	quorumNumerator := func() int64 {
		t.Helper()
		n, err := reader.QuorumNumerator(t.Context(), h.dep.Governor, nil)
		if err != nil {
			t.Fatal(err)
		}
		return n.Int64()
	}
	if n := quorumNumerator(); n != 4 {
		t.Fatalf("quorumNumerator() = %d before the proposal, want 4", n)
	}

	rec := h.do(t, http.MethodPost, "/v1/communities/bakery/proposals", h.key, map[string]any{
		"description": "Raise quorum to 10% and pay the fund 7 BAKE",
		"actions": []map[string]string{
			{"kind": "setting", "name": "quorum_numerator", "value": "10"},
			{"target": h.dep.Token.Hex(), "value": "0", "calldata": mint},
		},
	})
	opened := h.want(t, rec, http.StatusAccepted)
	pid := opened["id"].(string)
	h.mine(t, opened["tx_hash"].(string))
	actions := opened["actions"].([]any)
	if len(actions) != 2 || actions[0].(map[string]any)["target"] != h.dep.Governor.Hex() ||
		actions[1].(map[string]any)["target"] != h.dep.Token.Hex() || actions[1].(map[string]any)["calldata"] != mint {
		t.Fatalf("opened actions %v, want the governor's setter then the raw mint", actions)
	}

	h.advance(t, govTestSettings.VotingDelay+time.Second)
	pidInt := h.pid(t, pid)
	for _, member := range []int{1, 2} {
		h.sim.MustTransact(t, h.sim.Accounts[member], h.dep.Governor, govABI.PackCastVote(pidInt, uint8(governance.For)))
	}
	h.advancePast(t, h.deadline(t, pidInt))
	h.mine(t, h.want(t, h.do(t, http.MethodPost, "/v1/communities/bakery/proposals/"+pid+"/queue", h.key, nil), http.StatusAccepted)["tx_hash"].(string))
	h.advance(t, govTestSettings.TimelockDelay+time.Second)
	h.mine(t, h.want(t, h.do(t, http.MethodPost, "/v1/communities/bakery/proposals/"+pid+"/execute", h.key, nil), http.StatusAccepted)["tx_hash"].(string))

	if n := quorumNumerator(); n != 10 {
		t.Errorf("quorumNumerator() = %d after execution, want 10", n)
	}
	if got := h.balance(t, fund); got.Cmp(tokens(7)) != 0 {
		t.Errorf("fund balance %s after execution, want the raw action's 7 tokens", got)
	}
	h.sync(t)
	detail := h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery/proposals/"+pid, "", nil), http.StatusOK)
	if detail["state"] != "executed" || len(detail["actions"].([]any)) != 2 || detail["actions"].([]any)[1].(map[string]any)["calldata"] != mint {
		t.Fatalf("proposal after execution: %v", detail)
	}
}
