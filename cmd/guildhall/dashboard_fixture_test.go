package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/chain"
)

// dashboardFixture is what the browser tests need in a community: a member (dev account 1, the
// test wallet's account) with voting power, rewards of several activities, and an active proposal
// the member has not voted on, with a mint and a setting among its actions. It makes only what is
// missing, through the API as an issuer and the CLI, so it also runs on a community that has
// history already (the demo).
type dashboardFixture struct {
	api       string // http://127.0.0.1:PORT
	cid       string
	issuerKey string
	member    chain.DevAccount
	delegatee chain.DevAccount // whom the member delegates to in the test
	minted    chain.DevAccount // whom the proposal mints to
	proposal  string           // the active proposal's id
}

// fixtureMintTokens is what the test's proposal mints, in whole tokens; its page must say so.
const fixtureMintTokens = 500

func newDashboardFixture(t *testing.T, bin, api, cid string, cliArgs ...string) *dashboardFixture {
	t.Helper()
	dev := chain.DevAccounts()
	f := &dashboardFixture{api: api, cid: cid, member: dev[1], delegatee: dev[2], minted: dev[3]}
	args := append([]string{"issuer", "create", "--community", cid, "--name", "Browser test shop", "--budget", "1000000", "--json"}, cliArgs...)
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("guildhall issuer create: %v %s", err, out)
	}
	var iss struct{ Key string }
	if err := json.Unmarshal(out, &iss); err != nil {
		t.Fatalf("issuer create --json: %v\n%s", err, out)
	}
	f.issuerKey = iss.Key
	f.reward(t)
	var a struct{ Delegate *string }
	if getJSON(t, f.community("/accounts/"+f.member.Address.Hex()), &a) == http.StatusOK && a.Delegate != nil &&
		strings.EqualFold(*a.Delegate, f.delegatee.Address.Hex()) {
		f.delegatee = dev[4] // delegating to the current delegate again would change nothing to see
	}
	f.proposal = f.activeProposal(t)
	return f
}

// reward gives members 1..5 rewards of three activities and waits until the member holds tokens.
func (f *dashboardFixture) reward(t *testing.T) {
	t.Helper()
	for activity, tokens := range map[string]int{"event": 50, "workshop": 35, "review": 20} {
		body := fmt.Sprintf(`{"amount": "%s000000000000000000"}`, fmt.Sprint(tokens))
		f.must(t, "PUT", "/rules/"+activity, "", body, nil)
	}
	for k, acct := range chain.DevAccounts()[1:6] {
		for i, activity := range []string{"event", "workshop", "review"}[:1+k%3] {
			body := fmt.Sprintf(`{"wallet": %q, "activity": %q}`, acct.Address.Hex(), activity)
			f.must(t, "POST", "/rewards", fmt.Sprintf("browser-fixture-%s-%d", acct.Address.Hex(), i), body, nil)
		}
	}
	f.waitFor(t, "the member's rewards to be minted and indexed", func() bool {
		var a struct {
			VotingPower string `json:"voting_power"`
		}
		return getJSON(t, f.community("/accounts/"+f.member.Address.Hex()), &a) == 200 && a.VotingPower != "" && a.VotingPower != "0"
	})
}

// activeProposal returns an active proposal the member has not voted on, opening one when there
// is none (a mint to account 3 and a two-day voting period) and waiting for its vote to open.
func (f *dashboardFixture) activeProposal(t *testing.T) string {
	t.Helper()
	var open struct {
		Items []struct{ ID, Title string } `json:"items"`
	}
	getJSON(t, f.community("/proposals?state=active&limit=100"), &open)
	for _, p := range open.Items {
		if strings.Contains(p.Title, "spring clean-up") && !f.voted(t, p.ID) {
			return p.ID
		}
	}
	amount := new(big.Int).Mul(big.NewInt(fixtureMintTokens), big.NewInt(1e18))
	body := fmt.Sprintf(`{"description": "# Reward the spring clean-up\n\nMint %d tokens to the <b>organiser</b> and give members **two days** to vote from now on.\n\n- it was a fair amount of work\n- see [the notes](https://example.org/notes), not [this](javascript:alert(1))",
		"actions": [{"kind": "mint", "to": %q, "amount": %q}, {"kind": "setting", "name": "voting_period", "value": "172800"}]}`,
		fixtureMintTokens, f.minted.Address.Hex(), amount.String())
	var opened struct{ ID string }
	f.must(t, "POST", "/proposals", "", body, &opened)
	f.waitFor(t, "the proposal to become active", func() bool {
		var p struct{ State string }
		return getJSON(t, f.community("/proposals/"+opened.ID), &p) == 200 && p.State == "active"
	})
	return opened.ID
}

func (f *dashboardFixture) voted(t *testing.T, pid string) bool {
	var votes struct {
		Items []struct{ Voter string } `json:"items"`
	}
	getJSON(t, f.community("/proposals/"+pid+"/votes?limit=500"), &votes)
	for _, v := range votes.Items {
		if strings.EqualFold(v.Voter, f.member.Address.Hex()) {
			return true
		}
	}
	return false
}

func (f *dashboardFixture) community(path string) string {
	return f.api + "/v1/communities/" + f.cid + path
}

// must sends an issuer request and fails the test on anything but a 2xx.
func (f *dashboardFixture) must(t *testing.T, method, path, idempotencyKey, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.community(path), bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+f.issuerKey)
	req.Header.Set("Content-Type", "application/json")
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, raw)
		}
	}
}

// waitFor polls cond for up to a minute.
func (f *dashboardFixture) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(300 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
