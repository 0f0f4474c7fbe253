package api

import (
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/rewards"
)

// addIssuer gives bakery another issuer whose key holds only scopes, and returns the key and issuer.
func (s *rewardsServer) addIssuer(t *testing.T, name string, scopes ...guildhall.Scope) (string, *rewards.Issuer) {
	t.Helper()
	key := rewards.NewAPIKey()
	iss := &rewards.Issuer{CommunityID: "bakery", Name: name, Budget: big.NewInt(1_000_000), Scopes: scopes}
	if err := postgres.NewRewardsStore(s.db).CreateIssuer(t.Context(), iss, key); err != nil {
		t.Fatal(err)
	}
	return key.Secret, iss
}

// A key without a scope is refused every write the scope guards with a 403 problem naming the
// missing scope, before anything is read or written; with the scope the same write goes through.
// The proposal routes answer 403, not 503 (this server has no operator sender): the scope is
// checked first.
func TestIssuerScopesGuardWrites(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1_000_000)
	srv.stats = HealthConfig{Store: postgres.NewHealthStore(srv.db)}
	staffPath := "/v1/communities/bakery/staff/" + memberB
	if rec := srv.send(t, http.MethodPut, staffPath, srv.key, "", ""); rec.Code != http.StatusOK {
		t.Fatalf("PUT staff with every scope = %d %s", rec.Code, rec.Body)
	}
	rewardsKey, _ := srv.addIssuer(t, "till 2", guildhall.ScopeRewards)
	rulesKey, _ := srv.addIssuer(t, "owner", guildhall.ScopeRules)
	proposalsKey, _ := srv.addIssuer(t, "board", guildhall.ScopeProposals)
	reward := `{"wallet":"` + memberA + `","activity":"purchase"}`
	writes := []struct {
		scope        guildhall.Scope
		method, path string
		body         string
	}{
		{guildhall.ScopeRules, http.MethodPut, "/v1/communities/bakery/rules/purchase", `{"amount":"1000"}`},
		{guildhall.ScopeRules, http.MethodPut, "/v1/communities/bakery/staff/" + memberA, ""},
		{guildhall.ScopeRules, http.MethodDelete, staffPath, ""},
		{guildhall.ScopeRewards, http.MethodPost, "/v1/communities/bakery/rewards", reward},
		{guildhall.ScopeRewards, http.MethodPost, "/v1/communities/bakery/rewards:batch", `{"items":[` + reward + `]}`},
		{guildhall.ScopeProposals, http.MethodPost, "/v1/communities/bakery/proposals", `{"description":"x","kind":"mint","to":"` + memberA + `","amount":"1"}`},
		{guildhall.ScopeProposals, http.MethodPost, "/v1/communities/bakery/proposals/1/queue", ""},
		{guildhall.ScopeProposals, http.MethodPost, "/v1/communities/bakery/proposals/1/execute", ""},
	}
	keys := map[guildhall.Scope]string{guildhall.ScopeRewards: rewardsKey, guildhall.ScopeRules: rulesKey, guildhall.ScopeProposals: proposalsKey}
	tables := append([]string{"reward_rules", "community_staff", "governance_plans", "chain_txs", "member_activity_days"}, acceptWrites...)
	for _, w := range writes {
		for scope, key := range keys {
			if scope == w.scope {
				continue
			}
			before := srv.state(t, tables...)
			p := wantProblem(t, srv.send(t, w.method, w.path, key, "k-"+string(scope), w.body), http.StatusForbidden)
			if !strings.Contains(p.Detail, `"`+string(w.scope)+`"`) {
				t.Errorf("%s %s with scope %s: detail %q does not name the missing scope %q", w.method, w.path, scope, p.Detail, w.scope)
			}
			if after := srv.state(t, tables...); after != before {
				t.Errorf("%s %s refused with 403 changed the database:\nbefore %s\nafter %s", w.method, w.path, before, after)
			}
		}
	}
	// The scope's own key goes through (the proposal routes reach the handler: no sender here).
	for _, w := range writes {
		want := map[string]int{http.MethodPut: http.StatusOK, http.MethodDelete: http.StatusNoContent, http.MethodPost: http.StatusAccepted}[w.method]
		if w.scope == guildhall.ScopeProposals {
			want = http.StatusServiceUnavailable
		}
		if rec := srv.send(t, w.method, w.path, keys[w.scope], "ok-"+w.path, w.body); rec.Code != want {
			t.Errorf("%s %s with scope %s = %d %s, want %d", w.method, w.path, w.scope, rec.Code, rec.Body, want)
		}
	}
	// Reads need no scope; the issuer read says which scopes the key holds.
	for key, want := range map[string]string{rewardsKey: "rewards", rulesKey: "rules", srv.key: "rewards,rules,proposals"} {
		rec := srv.send(t, http.MethodGet, "/v1/communities/bakery/issuer", key, "", "")
		var names []string
		for _, s := range decode[map[string]any](t, rec)["scopes"].([]any) {
			names = append(names, s.(string))
		}
		if rec.Code != http.StatusOK || strings.Join(names, ",") != want {
			t.Errorf("GET issuer = %d %s, want scopes %s", rec.Code, rec.Body, want)
		}
		if rec := srv.send(t, http.MethodGet, "/v1/communities/bakery/rules", key, "", ""); rec.Code != http.StatusOK {
			t.Errorf("GET rules = %d %s", rec.Code, rec.Body)
		}
	}
}

// A key without the rules scope sees only its own issuer's rewards, in the list and one by one
// (another issuer's reward is a 404, as if it did not exist); a key with it sees every issuer's.
func TestIssuerSeesOwnRewardsWithoutRulesScope(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1_000_000)
	stallKey, _ := srv.addIssuer(t, "stall", guildhall.ScopeRewards, guildhall.ScopeProposals)
	ids := map[string][]string{}
	wallets := []string{memberA, memberA, memberB, memberB} // under the cap of 3 a day each
	for k, key := range []string{srv.key, stallKey, srv.key, stallKey} {
		rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", key, "r"+strconv.Itoa(k), `{"wallet":"`+wallets[k]+`","activity":"purchase","reference":"r`+strconv.Itoa(k)+`"}`)
		if rec.Code != http.StatusAccepted {
			t.Fatalf("reward %d: %d %s", k, rec.Code, rec.Body)
		}
		ids[key] = append([]string{decode[map[string]any](t, rec)["id"].(string)}, ids[key]...) // newest first
	}
	list := func(key, query string) []string {
		t.Helper()
		rec := srv.send(t, http.MethodGet, "/v1/communities/bakery/rewards"+query, key, "", "")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET rewards%s = %d %s", query, rec.Code, rec.Body)
		}
		var out []string
		for _, it := range decode[map[string]any](t, rec)["items"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		return out
	}
	all := []string{ids[stallKey][0], ids[srv.key][0], ids[stallKey][1], ids[srv.key][1]}
	if got := list(srv.key, ""); strings.Join(got, ",") != strings.Join(all, ",") {
		t.Errorf("rules key lists %v, want every reward %v", got, all)
	}
	if got := list(stallKey, ""); strings.Join(got, ",") != strings.Join(ids[stallKey], ",") {
		t.Errorf("key without rules lists %v, want only its own %v", got, ids[stallKey])
	}
	// Filters and pages stay within the key's own rewards.
	if got := list(stallKey, "?wallet="+memberA); strings.Join(got, ",") != ids[stallKey][1] {
		t.Errorf("key without rules, wallet A = %v, want %v", got, ids[stallKey][1])
	}
	if got := list(stallKey, "?limit=1"); strings.Join(got, ",") != ids[stallKey][0] {
		t.Errorf("key without rules, first page of one = %v, want %v", got, ids[stallKey][0])
	}
	for _, id := range ids[srv.key] {
		wantProblem(t, srv.send(t, http.MethodGet, "/v1/communities/bakery/rewards/"+id, stallKey, "", ""), http.StatusNotFound)
		if rec := srv.send(t, http.MethodGet, "/v1/communities/bakery/rewards/"+id, srv.key, "", ""); rec.Code != http.StatusOK {
			t.Errorf("rules key GET reward %s = %d", id, rec.Code)
		}
	}
	for _, id := range ids[stallKey] {
		if rec := srv.send(t, http.MethodGet, "/v1/communities/bakery/rewards/"+id, stallKey, "", ""); rec.Code != http.StatusOK {
			t.Errorf("own reward %s = %d %s", id, rec.Code, rec.Body)
		}
	}
}
