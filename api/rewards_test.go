package api

import (
	"context"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/internal/testlog"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"
)

// rewardsServer is a test server with two communities, an issuer key for each and a rule
// "purchase" (10 base units, at most 30 per member per day) in the first, and a plain connection
// to its database for what no store method reads (members, cap counters, idempotency keys).
type rewardsServer struct {
	*testServer
	raw           *sqlx.DB
	key, otherKey string
	issuer        *rewards.Issuer
}

func newRewardsServer(t *testing.T, budget int64) *rewardsServer {
	t.Helper()
	db, url := pgtest.NewDBURL(t)
	if err := postgres.NewCommunityStore(db).BindChain(t.Context(), guildhall.ChainIdentity{ChainID: testChain, GenesisHash: "0x" + strings.Repeat("ab", 32)}); err != nil {
		t.Fatal(err)
	}
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	log := &testlog.Buffer{}
	srv := &testServer{server: newServer(Config{
		Logger:      slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Communities: postgres.NewCommunityStore(db), Rewards: postgres.NewRewardsStore(db), Index: postgres.NewIndexReader(db), Registry: prometheus.NewRegistry(),
	}), db: db, log: log}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", log.String())
		}
	})
	srv.seed(t, "bakery", "florist")
	mk := func(cid string) (string, *rewards.Issuer) {
		key := rewards.NewAPIKey()
		iss := &rewards.Issuer{CommunityID: cid, Name: "till", Budget: big.NewInt(budget)}
		if err := postgres.NewRewardsStore(srv.db).CreateIssuer(t.Context(), iss, key); err != nil {
			t.Fatal(err)
		}
		return key.Secret, iss
	}
	rs := &rewardsServer{testServer: srv, raw: raw}
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
	return serve(t, s.engine, req)
}

const (
	memberA = "0x00000000000000000000000000000000000a11ce"
	memberB = "0x00000000000000000000000000000000000b0b00"
)

func (s *rewardsServer) rewardCount(t *testing.T) int {
	t.Helper()
	rs, err := postgres.NewRewardsStore(s.db).Rewards(t.Context(), "bakery", rewards.RewardFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

// acceptWrites are the tables an accepted reward writes to: the ledger, the idempotency key,
// the member, its cap counters and the issuer's spent budget.
var acceptWrites = []string{"rewards", "idempotency_keys", "members", "member_cap_usage", "issuers"}

// state renders every row of tables, so two states are equal only when nothing in them was
// inserted, changed or deleted.
func (s *rewardsServer) state(t *testing.T, tables ...string) string {
	t.Helper()
	var b strings.Builder
	for _, table := range tables {
		var rows string
		if err := s.raw.GetContext(t.Context(), &rows, `SELECT coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '') FROM `+table+` x`); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:\n%s\n", table, rows)
	}
	return b.String()
}

// wantFields checks a problem names every one of fields.
func wantFields(t *testing.T, p problemResponse, fields ...string) {
	t.Helper()
	for _, want := range fields {
		found := false
		for _, f := range p.Errors {
			found = found || f.Field == want
		}
		if !found {
			t.Errorf("errors %+v do not name %s", p.Errors, want)
		}
	}
}

func TestRewardRefusals(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	revoked := rewards.NewAPIKey()
	iss := &rewards.Issuer{CommunityID: "bakery", Name: "old till", Budget: big.NewInt(1000)}
	if err := postgres.NewRewardsStore(srv.db).CreateIssuer(t.Context(), iss, revoked); err != nil {
		t.Fatal(err)
	}
	if err := postgres.NewRewardsStore(srv.db).RevokeIssuer(t.Context(), iss.ID); err != nil {
		t.Fatal(err)
	}
	// memberB has used its cap of the day (3 x 10): refusals then meet a member, a counter, a
	// used key and a spent budget, none of which they may change.
	full := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards:batch", srv.key, "fill",
		`{"items":[`+strings.TrimSuffix(strings.Repeat(`{"wallet":"`+memberB+`","activity":"purchase"},`, 3), ",")+`]}`)
	if full.Code != http.StatusAccepted {
		t.Fatalf("fill the cap: %d %s", full.Code, full.Body)
	}
	before := srv.state(t, acceptWrites...)
	ok := `{"wallet":"` + memberA + `","activity":"purchase"}`
	capped := `{"wallet":"` + memberB + `","activity":"purchase"}`
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
		{"member cap used", "/rewards", srv.key, "k", capped, 422, "wallet"},
		{"batch of one past the cap", "/rewards:batch", srv.key, "k", `{"items":[` + capped + `]}`, 422, "items[0].wallet"},
		{"batch of one, unknown activity", "/rewards:batch", srv.key, "k", `{"items":[{"wallet":"` + memberA + `","activity":"yoga"}]}`, 422, "items[0].activity"},
		{"batch of one over the rule", "/rewards:batch", srv.key, "k", `{"items":[{"wallet":"` + memberA + `","activity":"purchase","amount":"11"}]}`, 422, "items[0].amount"},
		{"batch of one, bad address", "/rewards:batch", srv.key, "k", `{"items":[{"wallet":"0x12","activity":"purchase"}]}`, 400, "items[0].wallet"},
		{"key reused with another body", "/rewards:batch", srv.key, "fill", `{"items":[` + ok + `]}`, 409, ""},
		{"bad dry_run", "/rewards?dry_run=maybe", srv.key, "k", ok, 400, "dry_run"},
		// bakery is community 1: its token, governor and timelock are testAddress(1, 1..3).
		{"reward to the community's token", "/rewards", srv.key, "k", `{"wallet":"` + testAddress(1, 1) + `","activity":"purchase"}`, 422, "wallet"},
		{"batch with the community's timelock", "/rewards:batch", srv.key, "k", `{"items":[` + ok + `,{"wallet":"` + strings.ToLower(testAddress(1, 3)) + `","activity":"purchase"}]}`, 422, "items[1].wallet"},
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
	if after := srv.state(t, acceptWrites...); after != before {
		t.Errorf("refused requests changed the tables\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if n := srv.rewardCount(t); n != 3 {
		t.Errorf("%d rewards recorded, want the 3 before the refusals", n)
	}
	if iss, _ := postgres.NewRewardsStore(srv.db).Issuer(t.Context(), srv.issuer.ID); iss.Spent.Int64() != 30 {
		t.Errorf("spent %s, want the 30 before the refusals", iss.Spent)
	}
}

// A member is created by its first accepted reward: not by a dry run, nor by a refused request.
func TestMemberCreatedOnFirstReward(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	members := func() int {
		t.Helper()
		var n int
		if err := srv.raw.GetContext(t.Context(), &n, `SELECT count(*) FROM members WHERE community_id = 'bakery' AND wallet = $1`,
			"0x00000000000000000000000000000000000A11cE"); err != nil {
			t.Fatal(err)
		}
		return n
	}
	body := `{"wallet":"` + memberA + `","activity":"purchase"}`
	if rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards?dry_run=true", srv.key, "", body); rec.Code != http.StatusOK {
		t.Fatalf("dry run = %d %s", rec.Code, rec.Body)
	}
	if n := members(); n != 0 {
		t.Fatal("a dry run created the member")
	}
	wantProblem(t, srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "over",
		`{"wallet":"`+memberA+`","activity":"purchase","amount":"11"}`), http.StatusUnprocessableEntity)
	if n := members(); n != 0 {
		t.Fatal("a refused request created the member")
	}
	if rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "first", body); rec.Code != http.StatusAccepted {
		t.Fatalf("first reward = %d %s", rec.Code, rec.Body)
	}
	if n := members(); n != 1 {
		t.Fatalf("%d member rows after the first reward, want 1", n)
	}
	if rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "second", body); rec.Code != http.StatusAccepted {
		t.Fatalf("second reward = %d %s", rec.Code, rec.Body)
	}
	if n := members(); n != 1 {
		t.Fatalf("%d member rows after the second reward, want 1", n)
	}
}

// Every refused rule write is the right 4xx problem naming the field, and leaves the rules as
// they were.
func TestRuleRefusals(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	before := srv.state(t, "reward_rules")
	rulesBefore := srv.send(t, http.MethodGet, "/v1/communities/bakery/rules", srv.key, "", "").Body.String()
	tests := []struct {
		name, activity, key, body string
		status                    int
		field                     string
	}{
		{"malformed JSON", "purchase", srv.key, `{"amount":`, 400, ""},
		{"unknown field", "purchase", srv.key, `{"amount":"10","cap":"30"}`, 400, ""},
		{"missing amount", "purchase", srv.key, `{}`, 400, "amount"},
		{"amount not a number", "purchase", srv.key, `{"amount":"ten"}`, 400, "amount"},
		{"amount as a JSON number", "purchase", srv.key, `{"amount":10}`, 400, "amount"},
		{"amount with a plus", "purchase", srv.key, `{"amount":"+10"}`, 400, "amount"},
		{"zero amount", "purchase", srv.key, `{"amount":"0"}`, 400, "amount"},
		{"negative amount", "purchase", srv.key, `{"amount":"-10"}`, 400, "amount"},
		{"amount over the maximum", "purchase", srv.key, `{"amount":"1` + strings.Repeat("0", 28) + `"}`, 400, "amount"},
		{"unknown cap period", "purchase", srv.key, `{"amount":"10","cap_per_member":"30","cap_period":"year"}`, 400, "cap_period"},
		{"cap without a period", "purchase", srv.key, `{"amount":"10","cap_per_member":"30"}`, 400, "cap_period"},
		{"period without a cap", "purchase", srv.key, `{"amount":"10","cap_period":"day"}`, 400, "cap_per_member"},
		{"zero cap", "purchase", srv.key, `{"amount":"10","cap_per_member":"0","cap_period":"day"}`, 400, "cap_per_member"},
		{"cap not a number", "purchase", srv.key, `{"amount":"10","cap_per_member":"lots","cap_period":"day"}`, 400, "cap_per_member"},
		{"window ends before it starts", "purchase", srv.key, `{"amount":"10","active_from":"2030-01-02T00:00:00Z","active_until":"2030-01-01T00:00:00Z"}`, 400, "active_until"},
		{"empty window", "purchase", srv.key, `{"amount":"10","active_from":"2030-01-01T00:00:00Z","active_until":"2030-01-01T00:00:00Z"}`, 400, "active_until"},
		{"window not a time", "purchase", srv.key, `{"amount":"10","active_from":"tomorrow"}`, 400, ""},
		{"activity differs from the path", "purchase", srv.key, `{"activity":"visit","amount":"10"}`, 400, "activity"},
		{"bad activity name", "Buy-Stuff", srv.key, `{"amount":"10"}`, 400, "activity"},
		{"wrong community", "purchase", srv.otherKey, `{"amount":"10"}`, 403, ""},
		{"missing key", "purchase", "", `{"amount":"10"}`, 401, ""},
		{"invalid key", "purchase", "ghi_" + strings.Repeat("0", 64), `{"amount":"10"}`, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wantProblem(t, srv.send(t, http.MethodPut, "/v1/communities/bakery/rules/"+tt.activity, tt.key, "", tt.body), tt.status)
			if tt.field != "" {
				wantFields(t, p, tt.field)
			}
		})
	}
	if after := srv.state(t, "reward_rules"); after != before {
		t.Errorf("refused rule writes changed reward_rules\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if got := srv.send(t, http.MethodGet, "/v1/communities/bakery/rules", srv.key, "", "").Body.String(); got != rulesBefore {
		t.Errorf("rules after refusals = %s, want %s", got, rulesBefore)
	}
}

// Bad filters and paging of the reward list are 4xx problems naming the parameter.
func TestRewardListRefusals(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	if rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "one", `{"wallet":"`+memberA+`","activity":"purchase"}`); rec.Code != http.StatusAccepted {
		t.Fatalf("reward = %d %s", rec.Code, rec.Body)
	}
	before := srv.state(t, append(acceptWrites, "reward_rules")...)
	tests := []struct {
		name, query, key string
		status           int
		field            string
	}{
		{"bad wallet", "wallet=0x123", srv.key, 400, "wallet"},
		{"zero wallet", "wallet=0x0000000000000000000000000000000000000000", srv.key, 400, "wallet"},
		{"unknown status", "status=lost", srv.key, 400, "status"},
		{"bad activity", "activity=Buy%20Stuff", srv.key, 400, "activity"},
		{"zero limit", "limit=0", srv.key, 400, "limit"},
		{"limit over 500", "limit=501", srv.key, 400, "limit"},
		{"limit not a number", "limit=ten", srv.key, 400, "limit"},
		{"cursor not base64", "cursor=!!!", srv.key, 400, "cursor"},
		{"cursor not an id", "cursor=" + encodeCursor("abc"), srv.key, 400, "cursor"},
		{"cursor not positive", "cursor=" + encodeCursor("-1"), srv.key, 400, "cursor"},
		{"several at once", "wallet=nope&status=lost", srv.key, 400, "status"},
		{"wrong community", "status=pending", srv.otherKey, 403, ""},
		{"no key", "", "", 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wantProblem(t, srv.send(t, http.MethodGet, "/v1/communities/bakery/rewards?"+tt.query, tt.key, "", ""), tt.status)
			if tt.field != "" {
				wantFields(t, p, tt.field)
			}
		})
	}
	if after := srv.state(t, append(acceptWrites, "reward_rules")...); after != before {
		t.Errorf("list requests changed the tables\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// The good filters still answer: the one reward, by wallet, activity and status.
	list := decode[struct {
		Items []rewardJSON `json:"items"`
	}](t, srv.send(t, http.MethodGet, "/v1/communities/bakery/rewards?wallet="+memberA+"&activity=purchase&status=pending&limit=1", srv.key, "", ""))
	if len(list.Items) != 1 {
		t.Errorf("filtered list = %+v, want the one reward", list.Items)
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
		!strings.Contains(board.Body.String(), `"balance":null`) || !strings.Contains(board.Body.String(), `"as_of":null`) { // not indexed yet
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

// The leaderboard ranks members by what they earned in the period (failed rewards left out),
// ties sharing a rank, and serves each member's indexed balance with the as_of it is true at.
func TestLeaderboard(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1_000_000)
	if rec := srv.send(t, http.MethodPut, "/v1/communities/bakery/rules/visit", srv.key, "", `{"amount":"100"}`); rec.Code != http.StatusOK {
		t.Fatalf("put rule: %d %s", rec.Code, rec.Body)
	}
	addr := func(n int) string { return common.BigToAddress(big.NewInt(int64(0xa000 + n))).Hex() }
	a, b, c, d, e, f := addr(1), addr(2), addr(3), addr(4), addr(5), addr(6)
	n := 0
	give := func(wallet, activity string, times int, age string) {
		t.Helper()
		for range times {
			n++
			rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, fmt.Sprint("r", n), `{"wallet":"`+wallet+`","activity":"`+activity+`"}`)
			if rec.Code != http.StatusAccepted {
				t.Fatalf("reward: %d %s", rec.Code, rec.Body)
			}
		}
		if age != "" {
			if _, err := srv.raw.ExecContext(t.Context(), `UPDATE rewards SET created_at = now() - $2::interval WHERE wallet = $1`, wallet, age); err != nil {
				t.Fatal(err)
			}
		}
	}
	give(a, "visit", 1, "") // 100 this week
	give(b, "visit", 1, "")
	give(b, "purchase", 1, "")     // 110 this week
	give(c, "visit", 1, "")        // 100 this week: ties with a
	give(d, "visit", 3, "10 days") // 300 this month, none this week
	give(e, "visit", 5, "40 days") // 500 ever, none this month
	give(f, "visit", 10, "")       // 1000, but failed
	if _, err := srv.raw.ExecContext(t.Context(), `UPDATE rewards SET status = 'failed' WHERE wallet = $1`, f); err != nil {
		t.Fatal(err)
	}

	type entry struct {
		Rank    int     `json:"rank"`
		Address string  `json:"address"`
		Earned  string  `json:"earned"`
		Balance *string `json:"balance"`
	}
	type board struct {
		Items      []entry         `json:"items"`
		NextCursor *string         `json:"next_cursor"`
		AsOf       *map[string]any `json:"as_of"`
	}
	get := func(query string) board {
		t.Helper()
		rec := srv.send(t, http.MethodGet, "/v1/communities/bakery/leaderboard?"+query, "", "", "")
		if rec.Code != http.StatusOK {
			t.Fatalf("leaderboard?%s = %d %s", query, rec.Code, rec.Body)
		}
		return decode[board](t, rec)
	}
	ranking := func(bd board) string {
		var parts []string
		for _, it := range bd.Items {
			parts = append(parts, fmt.Sprintf("%d %s %s", it.Rank, it.Address, it.Earned))
		}
		return strings.Join(parts, "; ")
	}
	line := func(entries ...string) string { return strings.Join(entries, "; ") }
	// a < c by address, so a is listed first of the tie.
	week := line("1 "+b+" 110", "2 "+a+" 100", "2 "+c+" 100")
	month := line("1 "+d+" 300", "2 "+b+" 110", "3 "+a+" 100", "3 "+c+" 100")
	all := line("1 "+e+" 500", "2 "+d+" 300", "3 "+b+" 110", "4 "+a+" 100", "4 "+c+" 100")
	for query, want := range map[string]string{"period=7d": week, "period=30d": month, "period=all": all, "": all} {
		bd := get(query)
		if got := ranking(bd); got != want {
			t.Errorf("leaderboard?%s:\n got %s\nwant %s", query, got, want)
		}
		// Not indexed yet: no block to name, no balance known.
		if bd.AsOf != nil || len(bd.Items) == 0 || bd.Items[0].Balance != nil {
			t.Errorf("leaderboard?%s before indexing: as_of %v, first balance %v; want both null", query, bd.AsOf, bd.Items[0].Balance)
		}
	}

	// Paging keeps the ranks of the whole board.
	first := get("period=all&limit=3")
	if ranking(first) != line("1 "+e+" 500", "2 "+d+" 300", "3 "+b+" 110") || first.NextCursor == nil {
		t.Fatalf("page 1 = %s, next %v", ranking(first), first.NextCursor)
	}
	if second := get("period=all&limit=3&cursor=" + *first.NextCursor); ranking(second) != line("4 "+a+" 100", "4 "+c+" 100") || second.NextCursor != nil {
		t.Errorf("page 2 = %s, next %v", ranking(second), second.NextCursor)
	}

	// Once indexed, every balance is the index's at the block as_of names.
	end := indexer.BlockRef{Number: 120, Hash: common.Hash{0xee}, Time: 1_700_000_000}
	mint := func(to string, value int64, index uint) indexer.Transfer {
		return indexer.Transfer{EventMeta: indexer.EventMeta{CommunityID: "bakery", BlockNumber: 110, BlockHash: common.Hash{110},
			BlockTime: 1_700_000_000, TxHash: common.Hash{110}, LogIndex: index}, To: common.HexToAddress(to), Value: big.NewInt(value)}
	}
	batch := &indexer.Batch{From: 101, To: 120, End: end, Advance: true, Blocks: []indexer.BlockRef{end}, Communities: []string{"bakery"}}
	batch.Transfers = []indexer.Transfer{mint(b, 110, 0), mint(e, 500, 1), mint(a, 7, 2)}
	if err := postgres.NewIndexWriter(srv.db).ApplyBatch(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	bd := get("period=all")
	wantAsOf := map[string]any{"block_number": float64(120), "block_hash": common.Hash{0xee}.Hex(), "block_time": "2023-11-14T22:13:20Z"}
	if bd.AsOf == nil || fmt.Sprint(*bd.AsOf) != fmt.Sprint(wantAsOf) {
		t.Errorf("as_of = %v, want %v", bd.AsOf, wantAsOf)
	}
	balances := map[string]string{}
	for _, it := range bd.Items {
		if it.Balance == nil {
			t.Fatalf("%s has no balance after indexing", it.Address)
		}
		balances[it.Address] = *it.Balance
	}
	if want := map[string]string{e: "500", d: "0", b: "110", a: "7", c: "0"}; fmt.Sprint(balances) != fmt.Sprint(want) {
		t.Errorf("balances = %v, want %v", balances, want)
	}
	if ranking(bd) != all {
		t.Errorf("ranking after indexing = %s, want %s", ranking(bd), all)
	}

	for _, q := range []string{"period=1y", "period=7D", "limit=0", "cursor=!!"} {
		p := wantProblem(t, srv.send(t, http.MethodGet, "/v1/communities/bakery/leaderboard?"+q, "", "", ""), http.StatusBadRequest)
		wantFields(t, p, strings.SplitN(q, "=", 2)[0])
	}
	wantProblem(t, srv.send(t, http.MethodGet, "/v1/communities/nowhere/leaderboard", "", "", ""), http.StatusNotFound)
}

// The reward accepts find an issuer's key in the process's cache, yet a key revoked or rotated
// after it was cached is refused at once, on a new request, a replay, a batch and a dry run
// alike, with a 401 problem and nothing written; the new key works at once.
func TestCachedIssuerKeyRefusedOnceRevokedOrRotated(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	store := postgres.NewRewardsStore(srv.db)
	post := func(key, idem, path, body string) *httptest.ResponseRecorder {
		return srv.send(t, http.MethodPost, "/v1/communities/bakery"+path, key, idem, body)
	}
	single := `{"wallet":"` + memberA + `","activity":"purchase"}`
	if rec := post(srv.key, "first", "/rewards", single); rec.Code != http.StatusAccepted {
		t.Fatalf("POST = %d %s", rec.Code, rec.Body)
	}
	refusedAll := func(key, when string) {
		t.Helper()
		before := srv.state(t, acceptWrites...)
		other := `{"wallet":"` + memberB + `","activity":"purchase"}`
		for name, rec := range map[string]*httptest.ResponseRecorder{
			"new request": post(key, "new-"+strings.Fields(when)[0], "/rewards", other),
			"replay":      post(key, "first", "/rewards", single),
			"batch":       post(key, "batch-"+strings.Fields(when)[0], `/rewards:batch`, `{"items":[`+other+`]}`),
			"dry run":     post(key, "", "/rewards?dry_run=true", other),
		} {
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s with the key %s = %d %s, want 401", name, when, rec.Code, rec.Body)
				continue
			}
			wantProblem(t, rec, http.StatusUnauthorized)
		}
		if after := srv.state(t, acceptWrites...); after != before {
			t.Errorf("refused requests with the key %s wrote:\n%s\nwant:\n%s", when, after, before)
		}
	}
	rotated := rewards.NewAPIKey()
	if err := store.RotateIssuerKey(t.Context(), srv.issuer.ID, rotated); err != nil {
		t.Fatal(err)
	}
	refusedAll(srv.key, "rotated out")
	if rec := post(rotated.Secret, "second", "/rewards", single); rec.Code != http.StatusAccepted {
		t.Fatalf("POST with the new key = %d %s", rec.Code, rec.Body)
	}
	if err := store.RevokeIssuer(t.Context(), srv.issuer.ID); err != nil {
		t.Fatal(err)
	}
	refusedAll(rotated.Secret, "revoked")
}

// slowKeyLookups counts the store's reads of issuer keys, each slowed so that requests arriving
// together all miss the process's key cache while the first read runs.
type slowKeyLookups struct {
	rewards.Store
	reads atomic.Int32
}

func (k *slowKeyLookups) IssuerByKey(ctx context.Context, prefix string, match func([]byte) bool) (*rewards.Issuer, error) {
	k.reads.Add(1)
	time.Sleep(300 * time.Millisecond)
	return k.Store.IssuerByKey(ctx, prefix, match)
}

// A new server's first reward requests, 32 at once with one key, all miss the key cache: they
// share one read of the key (instead of 32 reads, each taking a database connection, most of
// them opened for it, while the first rewards wait) and are all accepted.
func TestFirstRequestsOfAKeyShareOneLookup(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1_000_000)
	keys := &slowKeyLookups{Store: srv.rewards}
	srv.rewards = keys
	srv.issuerKeys.forget(rewards.HashKey(srv.key)) // as a new process: nothing cached
	var wg sync.WaitGroup
	codes := make([]int, 32)
	for k := range codes {
		wg.Go(func() {
			rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, fmt.Sprint("first-", k),
				fmt.Sprintf(`{"wallet":"0x%040x","activity":"purchase"}`, 0xbeef00+k))
			codes[k] = rec.Code
		})
	}
	wg.Wait()
	for k, code := range codes {
		if code != http.StatusAccepted {
			t.Errorf("request %d = %d, want 202", k, code)
		}
	}
	if n := keys.reads.Load(); n != 1 {
		t.Errorf("32 first requests read the key %d times, want once", n)
	}
}
