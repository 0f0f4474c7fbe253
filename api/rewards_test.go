package api

import (
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/guildhall/guildhall/rewards"
)

// rewardsServer is a test server with two communities, an issuer key for each and a rule
// "purchase" (10 base units, at most 30 per member per day) in the first.
type rewardsServer struct {
	*testServer
	key, otherKey string
	issuer        *rewards.Issuer
}

func newRewardsServer(t *testing.T, budget int64) *rewardsServer {
	t.Helper()
	srv := newTestServer(t, func(c *Config) {})
	srv.server.rewards = srv.db
	srv.seed(t, "bakery", "florist")
	mk := func(cid string) (string, *rewards.Issuer) {
		key := rewards.NewAPIKey()
		iss := &rewards.Issuer{CommunityID: cid, Name: "till", Budget: big.NewInt(budget)}
		if err := srv.db.CreateIssuer(t.Context(), iss, key); err != nil {
			t.Fatal(err)
		}
		return key.Secret, iss
	}
	rs := &rewardsServer{testServer: srv}
	rs.key, rs.issuer = mk("bakery")
	rs.otherKey, _ = mk("florist")
	rec := rs.send(t, http.MethodPut, "/v1/communities/bakery/rules/purchase", rs.key, "",
		`{"amount":"10","cap_per_member":"30","cap_period":"day"}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("put rule: %d %s", rec.Code, rec.Body)
	}
	return rs
}

func (s *rewardsServer) send(t *testing.T, method, path, key, idem, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.engine.ServeHTTP(rec, req)
	return rec
}

const (
	memberA = "0x00000000000000000000000000000000000a11ce"
	memberB = "0x00000000000000000000000000000000000b0b00"
)

func (s *rewardsServer) rewardCount(t *testing.T) int {
	t.Helper()
	rs, err := s.db.Rewards(t.Context(), "bakery", rewards.RewardFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

func TestRewardRefusals(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	revoked := rewards.NewAPIKey()
	iss := &rewards.Issuer{CommunityID: "bakery", Name: "old till", Budget: big.NewInt(1000)}
	if err := srv.db.CreateIssuer(t.Context(), iss, revoked); err != nil {
		t.Fatal(err)
	}
	if err := srv.db.RevokeIssuer(t.Context(), iss.ID); err != nil {
		t.Fatal(err)
	}
	ok := `{"wallet":"` + memberA + `","activity":"purchase"}`
	tests := []struct {
		name, path, key, idem, body string
		status                      int
		field                       string
	}{
		{"malformed JSON", "/rewards", srv.key, "k", `{"wallet":`, 400, ""},
		{"unknown field", "/rewards", srv.key, "k", `{"wallet":"` + memberA + `","activity":"purchase","amonut":"1"}`, 400, ""},
		{"bad address", "/rewards", srv.key, "k", `{"wallet":"0x123","activity":"purchase"}`, 400, "wallet"},
		{"zero address", "/rewards", srv.key, "k", `{"wallet":"0x0000000000000000000000000000000000000000","activity":"purchase"}`, 400, "wallet"},
		{"zero amount", "/rewards", srv.key, "k", `{"wallet":"` + memberA + `","activity":"purchase","amount":"0"}`, 400, "amount"},
		{"negative amount", "/rewards", srv.key, "k", `{"wallet":"` + memberA + `","activity":"purchase","amount":"-5"}`, 400, "amount"},
		{"overflowing amount", "/rewards", srv.key, "k", `{"wallet":"` + memberA + `","activity":"purchase","amount":"1` + strings.Repeat("0", 80) + `"}`, 400, "amount"},
		{"amount as a number", "/rewards", srv.key, "k", `{"wallet":"` + memberA + `","activity":"purchase","amount":5}`, 400, "amount"},
		{"amount over the rule", "/rewards", srv.key, "k", `{"wallet":"` + memberA + `","activity":"purchase","amount":"11"}`, 422, "amount"},
		{"bad activity name", "/rewards", srv.key, "k", `{"wallet":"` + memberA + `","activity":"Buy Stuff"}`, 400, "activity"},
		{"unknown activity", "/rewards", srv.key, "k", `{"wallet":"` + memberA + `","activity":"yoga"}`, 422, "activity"},
		{"missing idempotency key", "/rewards", srv.key, "", ok, 400, "Idempotency-Key"},
		{"missing key", "/rewards", "", "k", ok, 401, ""},
		{"invalid key", "/rewards", "ghi_" + strings.Repeat("0", 64), "k", ok, 401, ""},
		{"garbage key", "/rewards", "hunter2", "k", ok, 401, ""},
		{"revoked key", "/rewards", revoked.Secret, "k", ok, 401, ""},
		{"wrong community", "/rewards", srv.otherKey, "k", ok, 403, ""},
		{"empty batch", "/rewards:batch", srv.key, "k", `{"items":[]}`, 400, "items"},
		{"batch with one bad item", "/rewards:batch", srv.key, "k", `{"items":[` + ok + `,{"wallet":"nope","activity":"purchase"}]}`, 400, "items[1].wallet"},
		{"oversized batch", "/rewards:batch", srv.key, "k", `{"items":[` + strings.TrimSuffix(strings.Repeat(ok+",", 1001), ",") + `]}`, 400, "items"},
		{"batch past the cap", "/rewards:batch", srv.key, "k", `{"items":[` + strings.TrimSuffix(strings.Repeat(ok+",", 4), ",") + `]}`, 422, "items[3].wallet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := srv.send(t, http.MethodPost, "/v1/communities/bakery"+tt.path, tt.key, tt.idem, tt.body)
			p := wantProblem(t, rec, tt.status)
			if tt.field != "" {
				found := false
				for _, f := range p.Errors {
					found = found || f.Field == tt.field
				}
				if !found {
					t.Errorf("errors %+v do not name %s", p.Errors, tt.field)
				}
			}
		})
	}
	if n := srv.rewardCount(t); n != 0 {
		t.Errorf("%d rewards recorded by refused requests", n)
	}
	if iss, _ := srv.db.Issuer(t.Context(), srv.issuer.ID); iss.Spent.Sign() != 0 {
		t.Errorf("refused requests spent %s", iss.Spent)
	}
}

func TestRewardAcceptReplayAndRead(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	body := `{"wallet":"` + strings.ToUpper(memberA[:2]) + memberA[2:] + `","activity":"purchase","reference":"order-17"}`
	first := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "order-17", body)
	if first.Code != http.StatusAccepted {
		t.Fatalf("POST = %d %s", first.Code, first.Body)
	}
	got := decode[rewardJSON](t, first)
	if got.ID == nil || got.Status != "pending" || got.Amount != "10" || got.Wallet != "0x00000000000000000000000000000000000A11cE" {
		t.Errorf("answer %+v", got)
	}
	again := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "order-17", body)
	if again.Code != http.StatusAccepted || again.Body.String() != first.Body.String() {
		t.Errorf("replay = %d %s, want the first answer %s", again.Code, again.Body, first.Body)
	}
	other := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "order-17", `{"wallet":"`+memberB+`","activity":"purchase"}`)
	wantProblem(t, other, http.StatusConflict)

	dry := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards?dry_run=true", srv.key, "", `{"wallet":"`+memberB+`","activity":"purchase","amount":"7"}`)
	if dry.Code != http.StatusOK || !strings.Contains(dry.Body.String(), `"dry_run":true`) || !strings.Contains(dry.Body.String(), `"amount":"7"`) {
		t.Errorf("dry run = %d %s", dry.Code, dry.Body)
	}

	one := srv.send(t, http.MethodGet, "/v1/communities/bakery/rewards/"+*got.ID, srv.key, "", "")
	if one.Code != http.StatusOK || !strings.Contains(one.Body.String(), `"reference":"order-17"`) {
		t.Errorf("GET reward = %d %s", one.Code, one.Body)
	}
	wantProblem(t, srv.send(t, http.MethodGet, "/v1/communities/florist/rewards/"+*got.ID, srv.otherKey, "", ""), http.StatusNotFound)
	list := srv.send(t, http.MethodGet, "/v1/communities/bakery/rewards?wallet="+memberA+"&status=pending", srv.key, "", "")
	if list.Code != http.StatusOK || strings.Count(list.Body.String(), `"id"`) != 1 {
		t.Errorf("list = %d %s", list.Code, list.Body)
	}
	budget := srv.send(t, http.MethodGet, "/v1/communities/bakery/issuer", srv.key, "", "")
	if budget.Code != http.StatusOK || !strings.Contains(budget.Body.String(), `"remaining":"990"`) {
		t.Errorf("issuer = %d %s", budget.Code, budget.Body)
	}
	board := srv.send(t, http.MethodGet, "/v1/communities/bakery/leaderboard?period=7d", "", "", "")
	if board.Code != http.StatusOK || !strings.Contains(board.Body.String(), `"rank":1`) ||
		!strings.Contains(board.Body.String(), `"balance":"0"`) { // accepted, not yet minted
		t.Errorf("leaderboard = %d %s", board.Code, board.Body)
	}
	rules := srv.send(t, http.MethodGet, "/v1/communities/bakery/rules", srv.key, "", "")
	if rules.Code != http.StatusOK || !strings.Contains(rules.Body.String(), `"cap_period":"day"`) {
		t.Errorf("rules = %d %s", rules.Code, rules.Body)
	}
}

func TestConcurrentHTTPRewardsStayWithinBudget(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 370)
	var wg sync.WaitGroup
	codes := make([]int, 100)
	for k := range codes {
		wg.Go(func() {
			body := fmt.Sprintf(`{"wallet":"0x%040x","activity":"purchase"}`, 0x1000+k)
			codes[k] = srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, fmt.Sprint("k", k), body).Code
		})
	}
	wg.Wait()
	count := map[int]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[202] != 37 || count[422] != 63 {
		t.Errorf("statuses %v, want 37 x 202 and 63 x 422", count)
	}
}

func TestConcurrentReplaysOfOneKey(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	var wg sync.WaitGroup
	bodies := make([]string, 30)
	for k := range bodies {
		wg.Go(func() {
			rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards:batch", srv.key, "same",
				`{"items":[{"wallet":"`+memberA+`","activity":"purchase"},{"wallet":"`+memberB+`","activity":"purchase"}]}`)
			bodies[k] = fmt.Sprint(rec.Code, rec.Body.String())
		})
	}
	wg.Wait()
	for _, b := range bodies {
		if b != bodies[0] || !strings.HasPrefix(b, "202") {
			t.Fatalf("answers differ or failed: %q vs %q", b, bodies[0])
		}
	}
	if n := srv.rewardCount(t); n != 2 {
		t.Errorf("%d rewards recorded, want 2", n)
	}
}
