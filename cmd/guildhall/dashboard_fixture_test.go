package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/chain"
)

// dashboardFixture is what the browser test finds in the demo community, through the API: the
// member a newcomer signs in as (dev account #1, the one the README prints), the demo's open
// proposal (that member has voting power on it and has not voted), its queued proposal (whose
// timelock delay has passed), one that passed and waits to be queued, an executed setting, the delegate the member delegates to, and the
// seasons.
type dashboardFixture struct {
	api       string // http://127.0.0.1:PORT
	cid       string
	member    chain.DevAccount
	delegatee string // the active delegate, whom the member does not delegate to yet
	proposal  string // the open proposal's id
	queued    string // the queued proposal's id
	succeeded string // a proposal that passed and is not queued yet
	setting   string // an executed proposal that changed a governor setting
}

func newDashboardFixture(t *testing.T, api, cid string) *dashboardFixture {
	t.Helper()
	f := &dashboardFixture{api: api, cid: cid, member: chain.DevAccounts()[1]}
	var list struct {
		Items []struct{ ID, Title, State string } `json:"items"`
	}
	getJSON(t, f.community("/proposals?limit=100"), &list)
	for _, p := range list.Items {
		switch {
		case p.State == "active":
			f.proposal = p.ID
		case p.State == "queued":
			f.queued = p.ID
		case p.State == "succeeded":
			f.succeeded = p.ID
		case p.State == "executed" && strings.Contains(p.Title, "proposal threshold"):
			f.setting = p.ID
		}
	}
	if f.proposal == "" || f.queued == "" || f.succeeded == "" || f.setting == "" || f.voted(t, f.proposal) {
		t.Fatalf("the demo has no open proposal dev account #1 has not voted on, no queued one, none that passed or no executed setting: %+v", list.Items)
	}
	var d struct {
		Items []struct{ Address, Status string }
	}
	getJSON(t, f.community("/delegates?limit=100"), &d)
	for _, x := range d.Items {
		if x.Status == "active" && !strings.EqualFold(x.Address, f.member.Address.Hex()) && f.delegatee == "" {
			f.delegatee = x.Address
		}
	}
	if f.delegatee == "" {
		t.Fatalf("the demo has no active delegate: %+v", d.Items)
	}
	return f
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

// state is a proposal's state as the API serves it.
func (f *dashboardFixture) state(t *testing.T, pid string) string {
	var p struct{ State string }
	if code := getJSON(t, f.community("/proposals/"+pid), &p); code != http.StatusOK {
		t.Fatalf("GET proposal %s = %d", pid, code)
	}
	return p.State
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
