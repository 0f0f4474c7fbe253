package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/governance"
)

// openProposal gives each voter the rule's reward (recorded in want), waits until they hold voting
// power, opens a proposal as the issuer and returns its id once its vote is open.
func (ic *issuerClient) openProposal(base func(int) string, voters []chain.DevAccount, ruleAmount *big.Int, want map[common.Address]*big.Int) string {
	t := ic.t
	t.Helper()
	var items []string
	for i, v := range voters {
		items = append(items, fmt.Sprintf(`{"wallet":"%s","activity":"purchase","reference":"voter-%d"}`, v.Address.Hex(), i))
		want[v.Address] = new(big.Int).Set(ruleAmount)
	}
	ic.retryUntil(http.MethodPost, base, "/rewards:batch", "voters", `{"items":[`+strings.Join(items, ",")+`]}`, 202)
	ic.waitFor(base, "the voters' voting power", func(get func(string, any) int) bool {
		for _, v := range voters {
			var a struct {
				VotingPower string `json:"voting_power"`
			}
			if get("/accounts/"+v.Address.Hex(), &a) != 200 || a.VotingPower == "" || a.VotingPower == "0" {
				return false
			}
		}
		return true
	})
	var opened struct{ ID string }
	for attempt := 0; opened.ID == ""; attempt++ {
		code, resp := ic.do(http.MethodPost, base(attempt)+"/proposals", "", `{"description":"# Oven fund\n\nMint 5 tokens to the oven fund.",
			"actions":[{"kind":"mint","to":"0x00000000000000000000000000000000000f00d5","amount":"5000000000000000000"}]}`)
		if code != http.StatusAccepted || json.Unmarshal([]byte(resp), &opened) != nil {
			t.Fatalf("POST /proposals = %d %s", code, resp)
		}
	}
	ic.waitFor(base, "the proposal's vote to open", func(get func(string, any) int) bool {
		var p struct{ State string }
		return get("/proposals/"+opened.ID, &p) == 200 && p.State == "active"
	})
	return opened.ID
}

// waitFor polls ok (whose get reads a path of the community on process 0, then 1, ...) for up to
// two minutes.
func (ic *issuerClient) waitFor(base func(int) string, what string, ok func(get func(string, any) int) bool) {
	ic.t.Helper()
	for attempt, deadline := 0, time.Now().Add(2*time.Minute); ; attempt++ {
		get := func(path string, out any) int {
			code, resp := ic.do(http.MethodGet, base(attempt)+path, "", "")
			if code == 200 && json.Unmarshal([]byte(resp), out) != nil {
				return 0
			}
			return code
		}
		if ok(get) {
			return
		}
		if time.Now().After(deadline) {
			ic.t.Fatalf("waited two minutes for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// relayBallots relays each voter's signed ballot For proposal pid, one every spacing, ballot i to
// process i, then to the next one round the ring while a process does not answer. A retry of the
// same signed ballot is answered with its transaction, even when the process that reserved it died
// before sending it; one refused on a retry because it was mined meanwhile (already voted) is left
// to checkBallotsCountedOnce; one refused on its first attempt fails the test.
func (ic *issuerClient) relayBallots(base func(int) string, pid string, voters []chain.DevAccount, spacing time.Duration) (done <-chan struct{}) {
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for i, v := range voters {
			time.Sleep(spacing)
			ic.relayBallot(func(attempt int) string { return base(i + attempt) }, pid, v)
		}
	}()
	return finished
}

func (ic *issuerClient) relayBallot(base func(int) string, pid string, v chain.DevAccount) {
	for attempt, deadline := 0, time.Now().Add(2*time.Minute); time.Now().Before(deadline); attempt++ {
		url := base(attempt) + "/proposals/" + pid
		code, typed := ic.do(http.MethodGet, url+"/ballot-typed-data?support=for&voter="+v.Address.Hex(), "", "")
		if code == http.StatusOK {
			body := fmt.Sprintf(`{"voter":"%s","support":"for","signature":"%s"}`, v.Address.Hex(), signTyped(ic.t, typed, v))
			code, typed = ic.do(http.MethodPost, url+"/ballots", "", body)
		}
		switch {
		case code == http.StatusAccepted:
			if attempt > 0 {
				ic.t.Logf("ballot of %s accepted on attempt %d: %s", v.Address, attempt+1, typed)
			}
			return
		case code != 0 && code < 500 && attempt == 0:
			ic.t.Errorf("ballot of %s refused: %d %s", v.Address, code, typed)
			return
		case code != 0 && code < 500 && strings.Contains(typed, "is being relayed right now"):
			ic.t.Errorf("the retry of %s's ballot (attempt %d) was refused as being relayed: a retry of the same ballot is answered with its transaction", v.Address, attempt+1)
			return
		case code != 0 && code < 500:
			ic.t.Logf("ballot of %s on attempt %d: %d %s", v.Address, attempt+1, code, typed)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	ic.t.Errorf("ballot of %s: no process relayed it within two minutes", v.Address)
}

// signTyped signs EIP-712 typed data (as ballot-typed-data serves it) with a dev account's key, as
// a wallet's eth_signTypedData_v4 does.
func signTyped(t interface{ Fatal(...any) }, typed string, v chain.DevAccount) string {
	var td apitypes.TypedData
	if err := json.Unmarshal([]byte(typed), &td); err != nil {
		t.Fatal(err)
	}
	digest, err := governance.Digest(td)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := crypto.Sign(digest[:], v.Key)
	if err != nil {
		t.Fatal(err)
	}
	sig[64] += 27
	return hexutil.Encode(sig)
}

// checkBallotsCountedOnce waits until every voter has voted on proposal pid on chain, then checks
// that each cast exactly one vote and that the governor's For count is the sum of their weights.
func (c *e2eCluster) checkBallotsCountedOnce(community, pid string, voters []chain.DevAccount) {
	t := c.t
	t.Helper()
	_, com, eth := c.communityOnChain(community)
	gov, addr := guildgovernor.NewGuildGovernor(), common.HexToAddress(com.GovernorAddress)
	id, _ := new(big.Int).SetString(pid, 10)
	call := func(data []byte) []byte {
		out, err := eth.CallContract(context.Background(), ethereum.CallMsg{To: &addr, Data: data}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, v := range voters {
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
			if voted, _ := gov.UnpackHasVoted(call(gov.PackHasVoted(id, v.Address))); voted {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s's relayed ballot is not counted on chain", v.Address)
			}
		}
	}
	logs, err := eth.FilterLogs(context.Background(), ethereum.FilterQuery{Addresses: []common.Address{addr},
		Topics: [][]common.Hash{{gov.GetABI().Events["VoteCast"].ID}}})
	if err != nil {
		t.Fatal(err)
	}
	casts, weight := map[common.Address]int{}, new(big.Int)
	for i := range logs {
		ev, err := gov.UnpackVoteCastEvent(&logs[i])
		if err != nil {
			t.Fatal(err)
		}
		if ev.ProposalId.Cmp(id) == 0 {
			casts[ev.Voter]++
			weight.Add(weight, ev.Weight)
		}
	}
	votes, err := gov.UnpackProposalVotes(call(gov.PackProposalVotes(id)))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range voters {
		if casts[v.Address] != 1 {
			t.Errorf("%s voted %d times on chain, want once", v.Address, casts[v.Address])
		}
	}
	if len(casts) != len(voters) || votes.ForVotes.Cmp(weight) != 0 || weight.Sign() == 0 {
		t.Errorf("%d voters counted with For %s, want %d with the sum of their weights %s", len(casts), votes.ForVotes, len(voters), weight)
	}
	t.Logf("%d relayed ballots counted once each on chain (For %s)", len(voters), votes.ForVotes)
}
