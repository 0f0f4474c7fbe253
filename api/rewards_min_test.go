package api

import (
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/postgres"
)

// A community's minimum reward: a reward (or a batch item) priced below it is refused with a 422
// naming the item's amount, in a dry run too, and nothing is written; at the minimum it is
// accepted; the community's detail shows it; and a minimum set later applies at once.
func TestRewardBelowTheCommunityMinimumIsRefused(t *testing.T) {
	s := newRewardsServer(t, 1000)
	communities := postgres.NewCommunityStore(s.db)
	if _, err := communities.SetMinReward(t.Context(), "bakery", big.NewInt(5)); err != nil {
		t.Fatal(err)
	}
	// The purchase rule pays 10; an issuer may ask for less with "amount".
	before := s.state(t, acceptWrites...)
	refusals := []struct {
		name, path, body, field string
	}{
		{"one reward below", "/v1/communities/bakery/rewards", `{"wallet":"` + memberA + `","activity":"purchase","amount":"4"}`, "amount"},
		{"dry run below", "/v1/communities/bakery/rewards?dry_run=true", `{"wallet":"` + memberA + `","activity":"purchase","amount":"1"}`, "amount"},
		{"batch item below", "/v1/communities/bakery/rewards:batch", `{"items":[{"wallet":"` + memberA + `","activity":"purchase"},` +
			`{"wallet":"` + memberB + `","activity":"purchase","amount":"3"}]}`, "items[1].amount"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			p := wantProblem(t, s.send(t, http.MethodPost, tt.path, s.key, "min-"+strings.ReplaceAll(tt.name, " ", "-"), tt.body), http.StatusUnprocessableEntity)
			wantFields(t, p, tt.field)
			if len(p.Errors) != 1 {
				t.Errorf("errors %+v, want only %s", p.Errors, tt.field)
			}
		})
	}
	if after := s.state(t, acceptWrites...); after != before {
		t.Fatalf("refused rewards wrote:\nbefore %s\nafter %s", before, after)
	}

	if rec := s.send(t, http.MethodPost, "/v1/communities/bakery/rewards", s.key, "at-min",
		`{"wallet":"`+memberA+`","activity":"purchase","amount":"5"}`); rec.Code != http.StatusAccepted {
		t.Fatalf("a reward at the minimum: %d %s, want 202", rec.Code, rec.Body)
	}
	detail := decode[map[string]any](t, s.get(t, "/v1/communities/bakery"))
	if detail["min_reward"] != "5" {
		t.Errorf("community detail min_reward = %v, want \"5\"", detail["min_reward"])
	}
	if other := decode[map[string]any](t, s.get(t, "/v1/communities/florist")); other["min_reward"] != "0" {
		t.Errorf("another community's min_reward = %v, want \"0\"", other["min_reward"])
	}

	// Raised past the rule's own amount: every purchase reward is refused from now on.
	if _, err := communities.SetMinReward(t.Context(), "bakery", big.NewInt(11)); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, s.send(t, http.MethodPost, "/v1/communities/bakery/rewards", s.key, "raised",
		`{"wallet":"`+memberB+`","activity":"purchase"}`), http.StatusUnprocessableEntity)
	if n := s.rewardCount(t); n != 1 {
		t.Errorf("%d rewards recorded, want the one at the minimum", n)
	}
}
