package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// The referral rule as the API writes and reads it, and its refusals: 4xx problems naming the
// field, nothing saved.
func TestReferralRuleHTTP(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	put := func(activity, body string) *http.Response {
		return srv.send(t, http.MethodPut, "/v1/communities/bakery/rules/"+activity, srv.key, "", body).Result()
	}
	rec := srv.send(t, http.MethodPut, "/v1/communities/bakery/rules/referral", srv.key, "", `{"kind":"referral","amount":"50","qualify_after_earned":"20"}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"kind":"referral"`) || !strings.Contains(rec.Body.String(), `"qualify_after_earned":"20"`) {
		t.Fatalf("put referral rule: %d %s", rec.Code, rec.Body)
	}
	before := srv.state(t, "reward_rules")
	tests := []struct {
		name, activity, body string
		status               int
		field                string
	}{
		{"unknown kind", "visit", `{"kind":"bonus","amount":"10"}`, 400, "kind"},
		{"referral without threshold", "visit", `{"kind":"referral","amount":"10"}`, 400, "qualify_after_earned"},
		{"zero threshold", "referral", `{"kind":"referral","amount":"10","qualify_after_earned":"0"}`, 400, "qualify_after_earned"},
		{"threshold not a number", "referral", `{"kind":"referral","amount":"10","qualify_after_earned":"lots"}`, 400, "qualify_after_earned"},
		{"threshold on an activity rule", "visit", `{"amount":"10","qualify_after_earned":"5"}`, 400, "qualify_after_earned"},
		{"a second referral rule", "invite", `{"kind":"referral","amount":"10","qualify_after_earned":"5"}`, 409, "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantFields(t, wantProblem(t, srv.send(t, http.MethodPut, "/v1/communities/bakery/rules/"+tt.activity, srv.key, "", tt.body), tt.status), tt.field)
		})
	}
	if after := srv.state(t, "reward_rules"); after != before {
		t.Errorf("refused rule writes changed reward_rules\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// Back to an activity rule: the community has no referral rule, so another activity may be it.
	if r := put("referral", `{"amount":"50"}`); r.StatusCode != http.StatusOK {
		t.Fatalf("make the referral rule an activity rule: %d", r.StatusCode)
	}
	if r := put("invite", `{"kind":"referral","amount":"10","qualify_after_earned":"5"}`); r.StatusCode != http.StatusOK {
		t.Errorf("referral rule of another activity after the first was changed: %d", r.StatusCode)
	}
}

// A referrer is accepted with a new member's first reward; on a member's later reward, naming
// the wallet itself, the zero address or one of the community's contracts it is a 422 naming the
// referrer and nothing is written; a replay answers the first answer; the referred member's
// qualifying reward pays the referrer.
func TestReferrerHTTP(t *testing.T) {
	t.Parallel()
	srv := newRewardsServer(t, 1000)
	if rec := srv.send(t, http.MethodPut, "/v1/communities/bakery/rules/referral", srv.key, "", `{"kind":"referral","amount":"50","qualify_after_earned":"20"}`); rec.Code != http.StatusOK {
		t.Fatalf("put referral rule: %d %s", rec.Code, rec.Body)
	}
	referrer := testAddress(9, 9)
	first := `{"wallet":"` + memberA + `","activity":"purchase","referrer":"` + strings.ToLower(referrer) + `"}`
	rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "first", first)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("first reward with a referrer: %d %s", rec.Code, rec.Body)
	}
	firstBody := rec.Body.String()
	before := srv.state(t, append([]string{"referrals"}, acceptWrites...)...)
	tests := []struct {
		name, path, idem, body string
		status                 int
		field                  string
	}{
		{"a member's second reward", "/rewards", "k1", `{"wallet":"` + memberA + `","activity":"purchase","referrer":"` + referrer + `"}`, 422, "referrer"},
		{"self-referral", "/rewards", "k2", `{"wallet":"` + memberB + `","activity":"purchase","referrer":"` + strings.ToLower(memberB) + `"}`, 422, "referrer"},
		{"zero address", "/rewards", "k3", `{"wallet":"` + memberB + `","activity":"purchase","referrer":"0x0000000000000000000000000000000000000000"}`, 422, "referrer"},
		{"the community's token", "/rewards:batch", "k4", `{"items":[{"wallet":"` + memberB + `","activity":"purchase","referrer":"` + testAddress(1, 1) + `"}]}`, 422, "items[0].referrer"},
		{"a member in a batch", "/rewards:batch", "k5", `{"items":[{"wallet":"` + memberB + `","activity":"purchase","referrer":"` + referrer + `"},` + first + `]}`, 422, "items[1].referrer"},
		{"malformed referrer", "/rewards", "k6", `{"wallet":"` + memberB + `","activity":"purchase","referrer":"0x12"}`, 400, "referrer"},
		{"referrer as a number", "/rewards", "k7", `{"wallet":"` + memberB + `","activity":"purchase","referrer":12}`, 400, "referrer"},
		{"first key, another referrer", "/rewards", "first", `{"wallet":"` + memberA + `","activity":"purchase","referrer":"` + memberB + `"}`, 409, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wantProblem(t, srv.send(t, http.MethodPost, "/v1/communities/bakery"+tt.path, srv.key, tt.idem, tt.body), tt.status)
			if tt.field != "" {
				wantFields(t, p, tt.field)
			}
		})
	}
	replay := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "first", first)
	if replay.Code != http.StatusAccepted || replay.Body.String() != firstBody || replay.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay = %d %s, want the first answer %s", replay.Code, replay.Body, firstBody)
	}
	if dry := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards?dry_run=true", srv.key, "", `{"wallet":"`+memberA+`","activity":"purchase"}`); dry.Code != http.StatusOK {
		t.Errorf("dry run of the qualifying reward: %d %s", dry.Code, dry.Body)
	}
	if after := srv.state(t, append([]string{"referrals"}, acceptWrites...)...); after != before {
		t.Errorf("refusals, a replay or a dry run changed the tables\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// memberA's second reward brings it to 20: the referrer is paid 50, as a reward of "referral".
	if rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "second", `{"wallet":"`+memberA+`","activity":"purchase"}`); rec.Code != http.StatusAccepted {
		t.Fatalf("qualifying reward: %d %s", rec.Code, rec.Body)
	}
	list := srv.send(t, http.MethodGet, "/v1/communities/bakery/rewards?activity=referral", srv.key, "", "")
	if !strings.Contains(list.Body.String(), `"wallet":"`+referrer+`"`) || !strings.Contains(list.Body.String(), `"reference":"referral:`+common.HexToAddress(memberA).Hex()+`"`) || strings.Count(list.Body.String(), `"id"`) != 1 {
		t.Errorf("referral rewards = %s, want one to %s for %s", list.Body, referrer, memberA)
	}
}

// GET …/stats/referrals on the hand-built history of stats_test.go, with A and B referred by D
// (A's referral qualified on 02-01, B's not), C by A (qualified 03-02) and E by the operator (an
// excluded referrer: E is organic). Today is 2025-03-03.
func TestStatsReferrals(t *testing.T) {
	t.Parallel()
	srv := newStatsServer(t)
	srv.build(t)
	if _, err := srv.raw.Exec(`INSERT INTO reward_rules (community_id, activity, amount, kind, qualify_after_earned, issuer_id)
		VALUES ('bakery', 'referral', 5, 'referral', 5, $1)`, srv.issuer.ID); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		referred, referrer common.Address
		qualified          *string
	}{
		{statsA, statsD, ptr("2025-02-01T10:00:00Z")}, {statsB, statsD, nil}, {statsC, statsA, ptr("2025-03-02T10:00:00Z")}, {statsE, statsO, ptr("2025-02-01T10:00:00Z")},
	} {
		if _, err := srv.raw.Exec(`INSERT INTO referrals (community_id, wallet, referrer, reward_id, created_at, qualified_at, rule_id)
			SELECT 'bakery', $1, $2, min(id), min(created_at), $3::timestamptz,
			       CASE WHEN $3 IS NOT NULL THEN (SELECT id FROM reward_rules WHERE kind = 'referral') END
			FROM rewards WHERE wallet = $1`, r.referred.Hex(), r.referrer.Hex(), r.qualified); err != nil {
			t.Fatal(err)
		}
	}
	// New in the last 28 days: B, C, S (B and C referred); the 1-month cohort: A (referred, active
	// since) and E (organic, silent since 01-31).
	wantJSON(t, "referrals", srv.getStats(t, "/v1/communities/bakery/stats/referrals", ""), `{"ledger_through":"2025-03-03T09:00:00Z",
		"referred":3,"qualified":2,"new_members_28d":3,"referred_new_28d":2,"referred_share_28d":0.6666666666666666,
		"retention_m1":{"referred":1,"organic":0,"referred_cohort":1,"organic_cohort":1}}`)
	wantJSON(t, "no referrals", srv.getStats(t, "/v1/communities/florist/stats/referrals", ""), `{"ledger_through":null,
		"referred":0,"qualified":0,"new_members_28d":0,"referred_new_28d":0,"referred_share_28d":null,
		"retention_m1":{"referred":null,"organic":null,"referred_cohort":0,"organic_cohort":0}}`)
	wantProblem(t, srv.get(t, "/v1/communities/nowhere/stats/referrals"), http.StatusNotFound)
	// The operator account is an excluded account: it refers nobody.
	before := srv.state(t, append([]string{"referrals"}, acceptWrites...)...)
	rec := srv.send(t, http.MethodPost, "/v1/communities/bakery/rewards", srv.key, "by-operator", `{"wallet":"`+testAddress(9, 8)+`","activity":"purchase","referrer":"`+statsO.Hex()+`"}`)
	wantFields(t, wantProblem(t, rec, http.StatusUnprocessableEntity), "referrer")
	if after := srv.state(t, append([]string{"referrals"}, acceptWrites...)...); after != before {
		t.Errorf("a refused operator referral changed the tables\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func ptr[T any](v T) *T { return &v }
