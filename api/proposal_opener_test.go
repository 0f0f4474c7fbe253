package api

import (
	"math/big"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/rewards"
)

// Proposal reads (list and detail) name the issuer that opened a proposal through the API, and
// null for one a member's wallet made on chain. A key without the proposals scope cannot open,
// queue or execute one: 403 naming the scope, nothing sent (the operator's nonce stays), no plan
// saved.
func TestProposalReadsNameTheOpeningIssuer(t *testing.T) {
	t.Parallel()
	h := newGovHarness(t, govTestSettings, 3, 100, 50)
	tills, err := postgres.NewRewardsStore(h.db).Issuers(t.Context(), h.cid)
	if err != nil || len(tills) != 1 {
		t.Fatalf("issuers = %v, %v", tills, err)
	}
	till := tills[0]
	stallKey := rewards.NewAPIKey()
	if err := postgres.NewRewardsStore(h.db).CreateIssuer(t.Context(), &rewards.Issuer{CommunityID: h.cid, Name: "stall", Budget: tokens(1),
		Scopes: []guildhall.Scope{guildhall.ScopeRewards, guildhall.ScopeRules}}, stallKey); err != nil {
		t.Fatal(err)
	}

	byIssuer := h.proposeMint(t, "Mint 5 to member 2", h.sim.Address(2), 5)
	rcpt := h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackPropose(
		[]common.Address{h.dep.Governor}, []*big.Int{new(big.Int)}, [][]byte{govABI.PackSetVotingPeriod(600)}, "A member's own proposal"))
	var byWallet string
	for _, l := range rcpt.Logs {
		if ev, err := govABI.UnpackProposalCreatedEvent(l); err == nil {
			byWallet = ev.ProposalId.String()
		}
	}

	nonce := h.operatorNonce(t)
	refused := []struct {
		path string
		body any
	}{
		{"/v1/communities/bakery/proposals", map[string]string{"description": "From the stall", "kind": "mint", "to": h.sim.Address(2).Hex(), "amount": "1"}},
		{"/v1/communities/bakery/proposals/" + byIssuer + "/queue", nil},
		{"/v1/communities/bakery/proposals/" + byIssuer + "/execute", nil},
	}
	plans := func() int {
		t.Helper()
		conn := sqlx.MustConnect("postgres", h.dbURL)
		defer conn.Close()
		var n int
		if err := conn.Get(&n, `SELECT count(*) FROM governance_plans`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, r := range refused {
		p := wantProblem(t, h.do(t, http.MethodPost, r.path, stallKey.Secret, r.body), http.StatusForbidden)
		if want := `"proposals"`; !strings.Contains(p.Detail, want) {
			t.Errorf("POST %s: detail %q does not name the scope %s", r.path, p.Detail, want)
		}
	}
	if n := plans(); n != 1 {
		t.Errorf("%d proposal plans saved, want only the till's", n)
	}
	h.advance(t, time.Second)
	if got := h.operatorNonce(t); got != nonce {
		t.Errorf("operator nonce %d after the refusals, want %d: something was sent", got, nonce)
	}
	h.sync(t)

	want := map[string]any{byIssuer: map[string]any{"id": strconv.FormatInt(till.ID, 10), "name": "till"}, byWallet: nil}
	list := h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery/proposals", "", nil), http.StatusOK)
	items := list["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("proposals = %v, want the issuer's and the wallet's (the stall's was never sent)", list)
	}
	check := func(where string, p map[string]any) {
		t.Helper()
		opener, has := p["opened_by_issuer"]
		if w := want[p["id"].(string)]; !has || !reflect.DeepEqual(opener, w) {
			t.Errorf("%s: proposal %s opened_by_issuer = %v (present %v), want %v", where, p["id"], opener, has, w)
		}
	}
	for _, it := range items {
		check("list", it.(map[string]any))
	}
	for pid := range want {
		check("detail", h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery/proposals/"+pid, "", nil), http.StatusOK))
	}
}
