package api

import (
	"encoding/json"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
)

// withIndex serves the test database's index.
func withIndex(s *testServer) { s.index = postgres.NewIndexReader(s.db) }

func TestChainDataReads(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	withIndex(srv)
	c := srv.seed(t, "corner-bakery")["corner-bakery"]

	// Before the indexer reaches the community: settings with null figures; reads 503.
	rec := srv.get(t, "/v1/communities/corner-bakery")
	if rec.Code != http.StatusOK || !jsonHas(t, rec.Body.Bytes(), "as_of", nil) {
		t.Fatalf("detail before indexing = %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, srv.get(t, "/v1/communities/corner-bakery/holders"), http.StatusServiceUnavailable)

	alice := common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	bob := common.HexToAddress("0x0000000000000000000000000000000000000b0b")
	end := indexer.BlockRef{Number: 120, Hash: common.Hash{0xee}, Time: 1_700_000_000}
	meta := func(block uint64, index uint) indexer.EventMeta {
		return indexer.EventMeta{CommunityID: c.ID, BlockNumber: block, BlockHash: common.Hash{byte(block)}, BlockTime: 1_700_000_000,
			TxHash: common.Hash{byte(block), byte(index)}, LogIndex: index}
	}
	ten := new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18))
	batch := &indexer.Batch{From: 101, To: 120, End: end, Advance: true, Blocks: []indexer.BlockRef{end}, Communities: []string{c.ID}}
	batch.Transfers = []indexer.Transfer{
		{EventMeta: meta(110, 0), From: common.Address{}, To: alice, Value: ten},
		{EventMeta: meta(111, 0), From: alice, To: bob, Value: big.NewInt(4e18)},
	}
	batch.DelegateVotes = []indexer.DelegateVotes{{EventMeta: meta(111, 1), Delegate: alice, PreviousVotes: ten, NewVotes: big.NewInt(6e18)}}
	batch.DelegateChanges = []indexer.DelegateChange{{EventMeta: meta(110, 1), Delegator: alice, ToDelegate: alice}}
	batch.Proposals = []indexer.ProposalCreated{{EventMeta: meta(112, 0), ProposalID: big.NewInt(77), Proposer: alice,
		Actions: []indexer.Action{{Target: bob, Value: new(big.Int), Calldata: []byte{1, 2}}}, VoteStart: 1, VoteEnd: 2, Description: "# Buy an oven\nDetails"}}
	batch.Votes = []indexer.Vote{{EventMeta: meta(113, 0), ProposalID: big.NewInt(77), Voter: alice, Support: 1, Weight: big.NewInt(6e18), Reason: "yes"}}
	if err := postgres.NewIndexWriter(srv.db).ApplyBatch(t.Context(), batch); err != nil {
		t.Fatal(err)
	}

	asOf := `{"block_number":120,"block_hash":"0xee00000000000000000000000000000000000000000000000000000000000000","block_time":"2023-11-14T22:13:20Z"}`
	tests := map[string]struct {
		path, want string
	}{
		"detail": {"/v1/communities/corner-bakery", ""},
		"account": {"/v1/communities/corner-bakery/accounts/" + alice.Hex(), `{"address":"` + alice.Hex() + `","balance":"6000000000000000000",
			"balance_formatted":"6","voting_power":"6000000000000000000","voting_power_formatted":"6","delegate":"` + alice.Hex() + `",
			"rewards_received":"0","as_of":` + asOf + `}`},
		"holders":   {"/v1/communities/corner-bakery/holders?limit=1", ""},
		"transfers": {"/v1/communities/corner-bakery/accounts/" + bob.Hex() + "/transfers", ""},
		"proposal":  {"/v1/communities/corner-bakery/proposals/77", ""},
		"votes":     {"/v1/communities/corner-bakery/proposals/77/votes", ""},
		"proposals": {"/v1/communities/corner-bakery/proposals?state=defeated", ""},
	}
	for name, tt := range tests {
		rec := srv.get(t, tt.path)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
			continue
		}
		if tt.want != "" && !jsonEqual(t, rec.Body.Bytes(), tt.want) {
			t.Errorf("%s: body %s\nwant %s", name, rec.Body, tt.want)
		}
		if !jsonHas(t, rec.Body.Bytes(), "as_of", "any") {
			t.Errorf("%s: no as_of in %s", name, rec.Body)
		}
	}
	detail := decode[map[string]any](t, srv.get(t, "/v1/communities/corner-bakery"))
	if detail["total_supply"] != "10000000000000000000" || detail["holders"] != float64(2) {
		t.Errorf("detail = %v", detail)
	}
	p := decode[map[string]any](t, srv.get(t, "/v1/communities/corner-bakery/proposals/77"))
	if p["title"] != "Buy an oven" || p["tally"].(map[string]any)["for"] != "6000000000000000000" {
		t.Errorf("proposal = %v", p)
	}
	holders := decode[map[string]any](t, srv.get(t, "/v1/communities/corner-bakery/holders?limit=1"))
	if holders["next_cursor"] == nil {
		t.Errorf("holders page 1 = %v: want a next_cursor", holders)
	}

	wantProblem(t, srv.get(t, "/v1/communities/corner-bakery/accounts/not-an-address"), http.StatusBadRequest)
	wantProblem(t, srv.get(t, "/v1/communities/corner-bakery/proposals/78"), http.StatusNotFound)
	wantProblem(t, srv.get(t, "/v1/communities/corner-bakery/proposals/x1"), http.StatusBadRequest)
	wantProblem(t, srv.get(t, "/v1/communities/corner-bakery/proposals?state=weird"), http.StatusBadRequest)
	wantProblem(t, srv.get(t, "/v1/communities/nope/holders"), http.StatusNotFound)
}

// jsonHas reports whether the object in body has key with value want ("any": any value).
func jsonHas(t *testing.T, body []byte, key string, want any) bool {
	t.Helper()
	var m map[string]any
	if err := jsonUnmarshal(body, &m); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	v, ok := m[key]
	if want == "any" {
		return ok
	}
	return ok && v == want
}

var jsonUnmarshal = json.Unmarshal

// Governance can change its own settings: after a proposal raising the quorum numerator and the
// voting period executes, the community detail serves the new values at its as_of, equal to the
// governor's quorumNumerator() and votingPeriod() at that block.
func TestChainDataSettingsFollowGovernance(t *testing.T) {
	t.Parallel()
	h := newGovHarness(t, govTestSettings, 4, 100, 50)
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, tokenABI.PackDelegate(h.sim.Address(1)))
	h.advance(t, time.Second)
	targets := []common.Address{h.dep.Governor, h.dep.Governor}
	values := []*big.Int{new(big.Int), new(big.Int)}
	calldatas := [][]byte{govABI.PackUpdateQuorumNumerator(big.NewInt(10)), govABI.PackSetVotingPeriod(600)}
	description := "Raise the quorum to 10% and the voting period to ten minutes"
	rcpt := h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackPropose(targets, values, calldatas, description))
	var pid *big.Int
	for _, l := range rcpt.Logs {
		if ev, err := govABI.UnpackProposalCreatedEvent(l); err == nil {
			pid = ev.ProposalId
		}
	}
	h.sync(t)
	detail := func() map[string]any {
		t.Helper()
		return h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery", "", nil), http.StatusOK)
	}
	if d := detail(); d["quorum_numerator"] != float64(4) || d["voting_period"] != float64(300) || d["timelock_delay"] != float64(30) {
		t.Fatalf("settings before the proposal: %v", d)
	}

	h.advance(t, govTestSettings.VotingDelay+time.Second)
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackCastVote(pid, 1))
	h.advancePast(t, h.deadline(t, pid))
	descHash := crypto.Keccak256Hash([]byte(description))
	h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Governor, govABI.PackQueue(targets, values, calldatas, descHash))
	h.advance(t, govTestSettings.TimelockDelay+time.Second)
	h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Governor, govABI.PackExecute(targets, values, calldatas, descHash))
	h.sync(t)

	d := detail()
	asOf := d["as_of"].(map[string]any)
	at := new(big.Int).SetUint64(uint64(asOf["block_number"].(float64)))
	call := func(data []byte) []byte {
		out, err := h.sim.Client.CallContract(t.Context(), ethereum.CallMsg{To: &h.dep.Governor, Data: data}, at)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	quorum, err1 := govABI.UnpackQuorumNumerator0(call(govABI.PackQuorumNumerator0()))
	period, err2 := govABI.UnpackVotingPeriod(call(govABI.PackVotingPeriod()))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if quorum.Int64() != 10 || period.Int64() != 600 {
		t.Fatalf("the proposal did not execute: quorumNumerator %s, votingPeriod %s", quorum, period)
	}
	if d["quorum_numerator"] != float64(quorum.Int64()) || d["voting_period"] != float64(period.Int64()) {
		t.Errorf("detail at block %s: quorum_numerator %v, voting_period %v; the governor: %s, %s",
			at, d["quorum_numerator"], d["voting_period"], quorum, period)
	}
	if d["voting_delay"] != float64(10) || d["late_quorum_extension"] != float64(60) || d["proposal_threshold"] != "0" {
		t.Errorf("unchanged settings changed: %v", d)
	}
}
