package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
)

// The hand-built history of community "bakery" (as_of: Monday 2025-03-03 12:00 UTC, so today is
// 2025-03-03). Members and their rewards (issuer "till"; C's is a "review", the rest "purchase"):
//
//	A  2025-01-20 10, 2025-03-03 08:00 20        E  2025-01-27, -29, -31: 5 each
//	B  2025-02-10 7                              C  2025-03-02 3 (a Sunday)
//	S  2025-03-03 09:00 11 (staff in TestStatsStaff)
//	O  2025-03-03 11:00 13: the operator, never counted
//
// Chain: A is minted 100 (01-20) and B 50 (02-10), each self-delegated by the token; A proposes
// P1 on 02-20 (snapshot 02-21 10:00) and votes on it with 100 on 02-21; P1 is executed on 02-25;
// B sends D 10 on 03-01 (D, no member, is self-delegated by the token); D delegates to A on 03-02.
// Now: balances A 100, B 40, D 10; voting power A 110, B 40; total supply 150.
var (
	statsA = common.HexToAddress("0x00000000000000000000000000000000000000a1")
	statsB = common.HexToAddress("0x00000000000000000000000000000000000000b2")
	statsC = common.HexToAddress("0x00000000000000000000000000000000000000c3")
	statsD = common.HexToAddress("0x00000000000000000000000000000000000000d4")
	statsE = common.HexToAddress("0x00000000000000000000000000000000000000e5")
	statsS = common.HexToAddress("0x00000000000000000000000000000000000000f6")
	statsO = common.HexToAddress("0x0000000000000000000000000000000000000007")
)

// statsAt returns 2025-month-day at hour:00 UTC.
func statsAt(month time.Month, day, hour int) time.Time {
	return time.Date(2025, month, day, hour, 0, 0, 0, time.UTC)
}

// statsChain builds one indexer batch block by block.
type statsChain struct {
	community string
	batch     indexer.Batch
	n, at     uint64
	log       uint
	txs       int
}

// block starts the next block, at time at.
func (h *statsChain) block(at time.Time) {
	h.n++
	h.at = uint64(at.Unix())
}

// meta returns the next event's meta in transaction tx of the current block.
func (h *statsChain) meta(tx common.Hash) indexer.EventMeta {
	h.log++
	return indexer.EventMeta{CommunityID: h.community, BlockNumber: h.n, BlockHash: common.BigToHash(big.NewInt(int64(h.n))),
		BlockTime: h.at, TxHash: tx, LogIndex: h.log}
}

func (h *statsChain) tx() common.Hash {
	h.txs++
	return common.BigToHash(big.NewInt(int64(1<<40 + h.txs)))
}

// transfer moves v from from to to; to is self-delegated by the token in the same transaction
// when auto is set, and powers lists the DelegateVotesChanged it causes (delegate, previous, new).
func (h *statsChain) transfer(from, to common.Address, v int64, auto bool, powers ...any) {
	tx := h.tx()
	h.batch.Transfers = append(h.batch.Transfers, indexer.Transfer{EventMeta: h.meta(tx), From: from, To: to, Value: big.NewInt(v)})
	if auto {
		h.batch.DelegateChanges = append(h.batch.DelegateChanges, indexer.DelegateChange{EventMeta: h.meta(tx), Delegator: to, ToDelegate: to})
	}
	h.powers(tx, powers...)
}

func (h *statsChain) powers(tx common.Hash, powers ...any) {
	for i := 0; i < len(powers); i += 3 {
		h.batch.DelegateVotes = append(h.batch.DelegateVotes, indexer.DelegateVotes{EventMeta: h.meta(tx), Delegate: powers[i].(common.Address),
			PreviousVotes: big.NewInt(int64(powers[i+1].(int))), NewVotes: big.NewInt(int64(powers[i+2].(int)))})
	}
}

// statsServer is a rewards test server (communities bakery and florist, an issuer key of each)
// serving the health store, with the operator statsO.
type statsServer struct {
	*rewardsServer
	review int64 // the id of the rule "review"
}

func newStatsServer(t *testing.T) *statsServer {
	t.Helper()
	rs := newRewardsServer(t, 1_000_000)
	rs.stats = HealthConfig{Store: postgres.NewHealthStore(rs.db), Operator: statsO.Hex()}
	if rec := rs.send(t, http.MethodPut, "/v1/communities/bakery/rules/review", rs.key, "", `{"amount":"3"}`); rec.Code != http.StatusOK {
		t.Fatalf("put rule: %d %s", rec.Code, rec.Body)
	}
	s := &statsServer{rewardsServer: rs}
	if err := rs.raw.Get(&s.review, `SELECT id FROM reward_rules WHERE community_id = 'bakery' AND activity = 'review'`); err != nil {
		t.Fatal(err)
	}
	return s
}

// reward records an accepted reward to a in bakery at time at, as the ledger does.
func (s *statsServer) reward(t *testing.T, a common.Address, at time.Time, amount int64, activity string) {
	t.Helper()
	if _, err := s.raw.Exec(`INSERT INTO members (community_id, wallet) VALUES ('bakery', $1) ON CONFLICT DO NOTHING`, a.Hex()); err != nil {
		t.Fatal(err)
	}
	_, err := s.raw.Exec(`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, status, created_at)
		VALUES ('bakery', $1, (SELECT id FROM reward_rules WHERE community_id = 'bakery' AND activity = $2), $2, $3, $4, 'confirmed', $5)`,
		s.issuer.ID, activity, a.Hex(), amount, at)
	if err != nil {
		t.Fatal(err)
	}
}

// build writes the history of the comment above, and indexes florist (empty) to the same block.
func (s *statsServer) build(t *testing.T) {
	t.Helper()
	for _, r := range []struct {
		who      common.Address
		at       time.Time
		amount   int64
		activity string
	}{
		{statsA, statsAt(1, 20, 9), 10, "purchase"}, {statsA, statsAt(3, 3, 8), 20, "purchase"},
		{statsE, statsAt(1, 27, 9), 5, "purchase"}, {statsE, statsAt(1, 29, 9), 5, "purchase"}, {statsE, statsAt(1, 31, 9), 5, "purchase"},
		{statsB, statsAt(2, 10, 9), 7, "purchase"}, {statsC, statsAt(3, 2, 9), 3, "review"},
		{statsS, statsAt(3, 3, 9), 11, "purchase"}, {statsO, statsAt(3, 3, 11), 13, "purchase"},
	} {
		s.reward(t, r.who, r.at, r.amount, r.activity)
	}
	h := &statsChain{community: "bakery", n: 100}
	h.block(statsAt(1, 20, 10))
	h.transfer(common.Address{}, statsA, 100, true, statsA, 0, 100)
	h.block(statsAt(2, 10, 10))
	h.transfer(common.Address{}, statsB, 50, true, statsB, 0, 50)
	h.block(statsAt(2, 20, 10))
	h.batch.Proposals = append(h.batch.Proposals, indexer.ProposalCreated{EventMeta: h.meta(h.tx()), ProposalID: big.NewInt(1),
		Proposer: statsA, VoteStart: uint64(statsAt(2, 21, 10).Unix()), VoteEnd: uint64(statsAt(2, 22, 10).Unix()), Description: "# Oven"})
	h.block(statsAt(2, 21, 12))
	h.batch.Votes = append(h.batch.Votes, indexer.Vote{EventMeta: h.meta(h.tx()), ProposalID: big.NewInt(1), Voter: statsA, Support: 1,
		Weight: big.NewInt(100)})
	h.block(statsAt(2, 25, 10))
	h.batch.ProposalEvents = append(h.batch.ProposalEvents, indexer.ProposalEvent{EventMeta: h.meta(h.tx()), ProposalID: big.NewInt(1),
		Kind: indexer.ProposalExecuted})
	h.block(statsAt(3, 1, 10))
	h.transfer(statsB, statsD, 10, true, statsB, 50, 40, statsD, 0, 10)
	h.block(statsAt(3, 2, 10))
	tx := h.tx()
	h.batch.DelegateChanges = append(h.batch.DelegateChanges, indexer.DelegateChange{EventMeta: h.meta(tx), Delegator: statsD,
		FromDelegate: statsD, ToDelegate: statsA})
	h.powers(tx, statsD, 10, 0, statsA, 100, 110)
	h.block(statsAt(3, 3, 12))
	end := indexer.BlockRef{Number: h.n, Hash: common.BigToHash(big.NewInt(int64(h.n))), Time: h.at}
	h.batch.From, h.batch.To, h.batch.End, h.batch.Advance = 101, h.n, end, true
	h.batch.Blocks, h.batch.Communities = []indexer.BlockRef{end}, []string{"bakery", "florist"}
	if err := postgres.NewIndexWriter(s.db).ApplyBatch(t.Context(), &h.batch); err != nil {
		t.Fatal(err)
	}
}

// statsAsOf is the as_of every answer of the built history names.
const statsAsOf = `{"block_number":108,"block_hash":"0x000000000000000000000000000000000000000000000000000000000000006c","block_time":"2025-03-03T12:00:00Z"}`

// getStats serves GET path with the issuer key key ("" for none), wants 200 and returns the body
// with its meta checked (as_of, today, definitions) and removed; ledger_through stays in.
func (s *statsServer) getStats(t *testing.T, path, key string) map[string]any {
	t.Helper()
	rec := s.send(t, http.MethodGet, path, key, "", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body)
	}
	body := decode[map[string]any](t, rec)
	asOf, _ := json.Marshal(body["as_of"])
	if !jsonEqual(t, asOf, statsAsOf) || body["today"] != "2025-03-03" || body["definitions"] != definitionsPath {
		t.Errorf("GET %s: meta as_of %s today %v definitions %v", path, asOf, body["today"], body["definitions"])
	}
	if _, ok := body["ledger_through"]; !ok {
		t.Errorf("GET %s: no ledger_through", path)
	}
	delete(body, "as_of")
	delete(body, "today")
	delete(body, "definitions")
	return body
}

// wantJSON checks got (a decoded body) equals the JSON want: the same keys everywhere, the same
// strings, booleans and nulls, numbers within 1e-9.
func wantJSON(t *testing.T, name string, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad expectation: %v", name, err)
	}
	if diff := jsonDiff("", got, w); diff != "" {
		g, _ := json.Marshal(got)
		t.Errorf("%s: %s\n got %s", name, diff, g)
	}
}

// jsonDiff returns where got and want first differ, "" when they do not.
func jsonDiff(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want an object", path, got)
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range g {
				if !yield(k) {
					return
				}
			}
		})
		wkeys := slices.Sorted(func(yield func(string) bool) {
			for k := range w {
				if !yield(k) {
					return
				}
			}
		})
		if !slices.Equal(keys, wkeys) {
			return fmt.Sprintf("%s: keys %v, want %v", path, keys, wkeys)
		}
		for _, k := range keys {
			if d := jsonDiff(path+"."+k, g[k], w[k]); d != "" {
				return d
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %v, want %d items", path, got, len(w))
		}
		for i := range w {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
	case float64:
		if g, ok := got.(float64); !ok || math.Abs(g-w) > 1e-9 {
			return fmt.Sprintf("%s: got %v, want %v", path, got, w)
		}
	default:
		if got != want {
			return fmt.Sprintf("%s: got %#v, want %#v", path, got, want)
		}
	}
	return ""
}

// The figures of the hand-built history, each worked out by hand from the comment above.
func TestStatsHandBuiltHistory(t *testing.T) {
	t.Parallel()
	srv := newStatsServer(t)
	srv.build(t)
	for _, tt := range statsCases(srv.issuer.ID) {
		got := srv.getStats(t, tt.path, "")
		wantJSON(t, tt.path, got, tt.want)
	}
}

type statsCase struct{ path, want string }

// statsCases are the public reads of the hand-built history with their answers.
func statsCases(issuerID int64) []statsCase {
	const lt = `"ledger_through":"2025-03-03T09:00:00Z"`
	a, b := statsA.Hex(), statsB.Hex()
	return []statsCase{
		// Members A B C E S; active in 7 and 28 days: A B C S; new in 28: B C S; the 01-07..02-03
		// cohort A E, of whom A is active. Power 110/40: Gini (2·(40+220) − 3·150)/(2·150).
		{"/v1/communities/bakery/stats/overview", `{` + lt + `,"members":5,"holders":3,"active_7d":4,"active_28d":4,
			"new_members_28d":3,"participation_28d":0.8,"retention_m1":0.5,
			"voting_power":{"gini":0.23333333333333334,"nakamoto":1,"top10_share":1,"hhi":0.6088888888888889,"accounts":2},
			"delegates_active":1,"dormant_voting_power_share":0.26666666666666666}`},
		// Week of 02-17: A proposes and votes. Week of 02-24: B sends (chain), C's first reward
		// (Sunday 03-02). Week of 03-03: A and S rewarded (O not counted), S new.
		{"/v1/communities/bakery/stats/activity?interval=week&from=2025-02-17&to=2025-03-03", `{` + lt + `,"interval":"week","items":[
			{"period_start":"2025-02-17","new_members":0,"active_members":1,"active_reward":0,"active_chain":1,"active_both":0,"rewards":0,"rewards_amount":"0","holders_end":2},
			{"period_start":"2025-02-24","new_members":1,"active_members":2,"active_reward":1,"active_chain":1,"active_both":0,"rewards":1,"rewards_amount":"3","holders_end":3},
			{"period_start":"2025-03-03","new_members":1,"active_members":2,"active_reward":2,"active_chain":0,"active_both":0,"rewards":2,"rewards_amount":"31","holders_end":3}]}`},
		{"/v1/communities/bakery/stats/retention?cohort=month&periods=3", `{` + lt + `,"cohort":"month","basis":"any","cohorts":[
			{"cohort_start":"2025-01-01","size":2,"retained":[2,1,1]},{"cohort_start":"2025-02-01","size":1,"retained":[1,1]},
			{"cohort_start":"2025-03-01","size":2,"retained":[2]}]}`},
		{"/v1/communities/bakery/stats/retention?cohort=month&periods=3&basis=reward", `{` + lt + `,"cohort":"month","basis":"reward","cohorts":[
			{"cohort_start":"2025-01-01","size":2,"retained":[2,0,1]},{"cohort_start":"2025-02-01","size":1,"retained":[1,0]},
			{"cohort_start":"2025-03-01","size":2,"retained":[2]}]}`},
		// January: A E new. February: A returns, B new, E dormant (1 of 2). March: A B return, C S new.
		{"/v1/communities/bakery/stats/lifecycle?interval=month&from=2025-01-01", `{` + lt + `,"interval":"month","items":[
			{"period_start":"2025-01-01","new":2,"returning":0,"resurrected":0,"dormant":0,"churn_rate":null},
			{"period_start":"2025-02-01","new":1,"returning":1,"resurrected":0,"dormant":1,"churn_rate":0.5},
			{"period_start":"2025-03-01","new":2,"returning":2,"resurrected":0,"dormant":0,"churn_rate":0}]}`},
		// P1: A (100) and B (50) had power at the snapshot, A voted 100 of a supply of 150;
		// executed 120 hours after it was proposed.
		{"/v1/communities/bakery/stats/governance", `{` + lt + `,"proposals":[{"id":"1","eligible":2,"voters":1,"participation":0.5,
			"turnout":0.6666666666666666,"state":"executed","member_proposed":true}],
			"participation_mean":0.5,"member_proposed_share":1,"median_hours_to_execution":120}`},
		// Quorum 4% of 150 = 6: A alone reaches it.
		{"/v1/communities/bakery/stats/concentration", `{` + lt + `,"of":"voting_power","gini":0.23333333333333334,"nakamoto":1,
			"top10_share":1,"hhi":0.6088888888888889,"accounts":2,"min_for_quorum":1}`},
		// Balances 100, 40, 10: Gini (2·(10+80+300) − 4·150)/(3·150) = 0.4; HHI 11700/22500.
		{"/v1/communities/bakery/stats/concentration?of=balance", `{` + lt + `,"of":"balance","gini":0.4,"nakamoto":1,
			"top10_share":1,"hhi":0.52,"accounts":3,"min_for_quorum":null}`},
		// Earned A 30, B 7, C 3, E 15, S 11 (ranks 5 2 1 4 3); power 110, 40, 0, 0, 0 (ranks 5 4 2 2 2):
		// Spearman 4/√80. Active in 90 days: all five, only A ever voted.
		{"/v1/communities/bakery/stats/contribution", `{` + lt + `,"days":90,
			"by_activity":[{"activity":"purchase","rewards":7,"amount":"63","members":4},{"activity":"review","rewards":1,"amount":"3","members":1}],
			"by_issuer":[{"issuer_id":"` + fmt.Sprint(issuerID) + `","issuer":"till","rewards":8,"amount":"66","members":5}],
			"power_follows_contribution":0.4472135954999579,"earners_never_voted_share":0.8,"dormant_voting_power_share":0.26666666666666666}`},
		// A voted on its one eligible proposal (active); B did not and holds power (ghost).
		{"/v1/communities/bakery/delegates", `{` + lt + `,"sort":"voting_power","next_cursor":null,"items":[
			{"address":"` + a + `","voting_power":"110","delegators":2,"participation":1,"votes_cast":1,"eligible_proposals":1,"status":"active"},
			{"address":"` + b + `","voting_power":"40","delegators":1,"participation":0,"votes_cast":0,"eligible_proposals":1,"status":"ghost"}]}`},
	}
}

// The at-risk segment is for the community's issuers only; E (3 active days two apart, silent 31
// days) is the one top-quartile member at risk.
func TestStatsMembersAtRiskIssuerOnly(t *testing.T) {
	t.Parallel()
	srv := newStatsServer(t)
	srv.build(t)
	const path = "/v1/communities/bakery/members?segment=at_risk"
	got := srv.getStats(t, path, srv.key)
	wantJSON(t, "at risk", got, `{"ledger_through":"2025-03-03T09:00:00Z","segment":"at_risk","items":[
		{"address":"`+statsE.Hex()+`","last_active":"2025-01-31","active_days_90d":3,"earned_90d":"15","silent_days":31,"usual_gap_days":2}]}`)

	wantProblem(t, srv.send(t, http.MethodGet, path, "", "", ""), http.StatusUnauthorized)
	wantProblem(t, srv.send(t, http.MethodGet, path, srv.otherKey, "", ""), http.StatusForbidden)
	wantProblem(t, srv.send(t, http.MethodGet, path, "ghi_notakey", "", ""), http.StatusUnauthorized)
	for _, q := range []string{"", "?segment=loyal"} {
		p := wantProblem(t, srv.send(t, http.MethodGet, "/v1/communities/bakery/members"+q, srv.key, "", ""), http.StatusBadRequest)
		wantFields(t, p, "segment")
	}
}

// Putting S on the staff list removes its rewards and activity from every figure, retroactively;
// taking it off restores them.
func TestStatsStaff(t *testing.T) {
	t.Parallel()
	srv := newStatsServer(t)
	srv.build(t)
	const staff = "/v1/communities/bakery/staff"
	path := staff + "/" + strings.ToLower(statsS.Hex())

	rec := srv.send(t, http.MethodPut, path, srv.key, "", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("PUT staff = %d %s", rec.Code, rec.Body)
	}
	entry := decode[map[string]any](t, rec)
	if entry["address"] != statsS.Hex() || entry["added_at"] == nil || len(entry) != 2 {
		t.Errorf("PUT staff = %v", entry)
	}
	if rec := srv.send(t, http.MethodPut, path, srv.key, "", ""); rec.Code != http.StatusOK {
		t.Errorf("PUT staff again = %d %s", rec.Code, rec.Body)
	}
	list := decode[map[string]any](t, srv.send(t, http.MethodGet, staff, srv.key, "", ""))
	if items, _ := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["address"] != statsS.Hex() {
		t.Errorf("GET staff = %v", list)
	}

	// Without S: members A B C E; S's reward of 09:00 is no longer the newest; earned A 30, B 7,
	// C 3, E 15 (ranks 4 2 1 3), power ranks 4 3 1.5 1.5: Spearman 3/√22.5.
	const lt = `"ledger_through":"2025-03-03T08:00:00Z"`
	wantJSON(t, "overview without staff", srv.getStats(t, "/v1/communities/bakery/stats/overview", ""), `{`+lt+`,"members":4,"holders":3,
		"active_7d":3,"active_28d":3,"new_members_28d":2,"participation_28d":0.75,"retention_m1":0.5,
		"voting_power":{"gini":0.23333333333333334,"nakamoto":1,"top10_share":1,"hhi":0.6088888888888889,"accounts":2},
		"delegates_active":1,"dormant_voting_power_share":0.26666666666666666}`)
	wantJSON(t, "contribution without staff", srv.getStats(t, "/v1/communities/bakery/stats/contribution", ""), `{`+lt+`,"days":90,
		"by_activity":[{"activity":"purchase","rewards":6,"amount":"52","members":3},{"activity":"review","rewards":1,"amount":"3","members":1}],
		"by_issuer":[{"issuer_id":"`+fmt.Sprint(srv.issuer.ID)+`","issuer":"till","rewards":7,"amount":"55","members":4}],
		"power_follows_contribution":0.6324555320336759,"earners_never_voted_share":0.75,"dormant_voting_power_share":0.26666666666666666}`)

	if rec := srv.send(t, http.MethodDelete, path, srv.key, "", ""); rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("DELETE staff = %d %s", rec.Code, rec.Body)
	}
	for _, tt := range statsCases(srv.issuer.ID) {
		wantJSON(t, "restored "+tt.path, srv.getStats(t, tt.path, ""), tt.want)
	}
	wantProblem(t, srv.send(t, http.MethodDelete, path, srv.key, "", ""), http.StatusNotFound)
	wantJSON(t, "empty staff", decode[map[string]any](t, srv.send(t, http.MethodGet, staff, srv.key, "", "")), `{"items":[]}`)

	// Issuers of the community only; a malformed address names the field.
	for _, key := range []string{"", srv.otherKey} {
		want := map[string]int{"": http.StatusUnauthorized, srv.otherKey: http.StatusForbidden}[key]
		wantProblem(t, srv.send(t, http.MethodPut, path, key, "", ""), want)
		wantProblem(t, srv.send(t, http.MethodDelete, path, key, "", ""), want)
		wantProblem(t, srv.send(t, http.MethodGet, staff, key, "", ""), want)
	}
	wantFields(t, wantProblem(t, srv.send(t, http.MethodPut, staff+"/0x12", srv.key, "", ""), http.StatusBadRequest), "address")
}

// A community without members, holders or proposals answers every read with zeros, empty lists
// and nulls; one not indexed yet answers 503; an unknown one 404.
func TestStatsEmptyCommunity(t *testing.T) {
	t.Parallel()
	srv := newStatsServer(t)
	paths := []string{"stats/overview", "stats/activity", "stats/retention", "stats/lifecycle", "stats/governance",
		"stats/concentration", "stats/contribution", "delegates"}
	for _, p := range paths {
		wantProblem(t, srv.get(t, "/v1/communities/florist/"+p), http.StatusServiceUnavailable)
		wantProblem(t, srv.get(t, "/v1/communities/nowhere/"+p), http.StatusNotFound)
	}
	srv.build(t) // bakery's history; florist indexed to the same block, empty

	const lt = `"ledger_through":null`
	for p, want := range map[string]string{
		"stats/overview": `{` + lt + `,"members":0,"holders":0,"active_7d":0,"active_28d":0,"new_members_28d":0,
			"participation_28d":null,"retention_m1":null,"voting_power":{"gini":null,"nakamoto":null,"top10_share":null,"hhi":null,"accounts":0},
			"delegates_active":0,"dormant_voting_power_share":null}`,
		"stats/activity?interval=month&from=2025-02-01": `{` + lt + `,"interval":"month","items":[
			{"period_start":"2025-02-01","new_members":0,"active_members":0,"active_reward":0,"active_chain":0,"active_both":0,"rewards":0,"rewards_amount":"0","holders_end":0},
			{"period_start":"2025-03-01","new_members":0,"active_members":0,"active_reward":0,"active_chain":0,"active_both":0,"rewards":0,"rewards_amount":"0","holders_end":0}]}`,
		"stats/retention?periods=2": `{` + lt + `,"cohort":"week","basis":"any","cohorts":[
			{"cohort_start":"2025-02-24","size":0,"retained":[0,0]},{"cohort_start":"2025-03-03","size":0,"retained":[0]}]}`,
		"stats/lifecycle?from=2025-02-24": `{` + lt + `,"interval":"week","items":[
			{"period_start":"2025-02-24","new":0,"returning":0,"resurrected":0,"dormant":0,"churn_rate":null},
			{"period_start":"2025-03-03","new":0,"returning":0,"resurrected":0,"dormant":0,"churn_rate":null}]}`,
		"stats/governance":    `{` + lt + `,"proposals":[],"participation_mean":null,"member_proposed_share":null,"median_hours_to_execution":null}`,
		"stats/concentration": `{` + lt + `,"of":"voting_power","gini":null,"nakamoto":null,"top10_share":null,"hhi":null,"accounts":0,"min_for_quorum":0}`,
		"stats/contribution?days=7": `{` + lt + `,"days":7,"by_activity":[],"by_issuer":[],"power_follows_contribution":null,
			"earners_never_voted_share":null,"dormant_voting_power_share":null}`,
		"delegates?sort=participation": `{` + lt + `,"sort":"participation","next_cursor":null,"items":[]}`,
	} {
		wantJSON(t, p, srv.getStats(t, "/v1/communities/florist/"+p, ""), want)
	}
	wantJSON(t, "at risk", srv.getStats(t, "/v1/communities/florist/members?segment=at_risk", srv.otherKey),
		`{`+lt+`,"segment":"at_risk","items":[]}`)
	for _, p := range []string{"stats/activity", "stats/lifecycle", "stats/retention"} {
		body := srv.getStats(t, "/v1/communities/florist/"+p, "")
		for _, key := range []string{"items", "cohorts"} {
			if list, ok := body[key].([]any); ok && len(list) != health.DefaultPeriods {
				t.Errorf("%s: %d %s, want the default %d", p, len(list), key, health.DefaultPeriods)
			}
		}
	}
}

// A bad query parameter is a 400 naming it, whatever the state of the index.
func TestStatsBadParameters(t *testing.T) {
	t.Parallel()
	srv := newStatsServer(t)
	srv.build(t)
	for path, field := range map[string]string{
		"stats/activity?interval=hour":                   "interval",
		"stats/activity?from=2025-13-01":                 "from",
		"stats/activity?to=03/03/2025":                   "to",
		"stats/activity?from=2025-03-04&to=2025-03-03":   "from",
		"stats/activity?interval=day&from=2000-01-01":    "from",
		"stats/lifecycle?interval=day":                   "interval",
		"stats/lifecycle?from=yesterday":                 "from",
		"stats/retention?cohort=day":                     "cohort",
		"stats/retention?periods=0":                      "periods",
		"stats/retention?periods=121":                    "periods",
		"stats/retention?basis=vote":                     "basis",
		"stats/governance?last=0":                        "last",
		"stats/governance?last=many":                     "last",
		"stats/concentration?of=supply":                  "of",
		"stats/contribution?days=-1":                     "days",
		"stats/contribution?days=3661":                   "days",
		"delegates?sort=name":                            "sort",
		"delegates?limit=0":                              "limit",
		"delegates?limit=501":                            "limit",
		"delegates?cursor=%21%21":                        "cursor",
		"delegates?cursor=" + encodeCursor("not-a-page"): "cursor",
	} {
		for _, cid := range []string{"bakery", "nowhere"} {
			if cid == "nowhere" && (strings.Contains(path, "2025-03-04") || strings.Contains(path, "2000-01-01") || strings.Contains(path, "not-a-page")) {
				continue // checked against the community's today or page: only once it is found
			}
			p := wantProblem(t, srv.get(t, "/v1/communities/"+cid+"/"+path), http.StatusBadRequest)
			wantFields(t, p, field)
		}
	}
	p := wantProblem(t, srv.get(t, "/v1/communities/bakery/stats/retention?cohort=day&periods=0&basis=x"), http.StatusBadRequest)
	wantFields(t, p, "cohort", "periods", "basis")
	p = wantProblem(t, srv.get(t, "/v1/communities/bakery/stats/activity?interval=hour&from=x&to=y"), http.StatusBadRequest)
	wantFields(t, p, "interval", "from", "to")
}

// Delegates page through an opaque cursor, in either order.
func TestStatsDelegatesPages(t *testing.T) {
	t.Parallel()
	srv := newStatsServer(t)
	srv.build(t)
	first := srv.getStats(t, "/v1/communities/bakery/delegates?limit=1&sort=participation", "")
	items, _ := first["items"].([]any)
	next, _ := first["next_cursor"].(string)
	if len(items) != 1 || items[0].(map[string]any)["address"] != statsA.Hex() || next == "" {
		t.Fatalf("page 1 = %v", first)
	}
	second := srv.getStats(t, "/v1/communities/bakery/delegates?limit=1&sort=participation&cursor="+next, "")
	items, _ = second["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["address"] != statsB.Hex() || second["next_cursor"] != nil {
		t.Errorf("page 2 = %v", second)
	}
}

// The definitions are served as JSON and, on request, as the README's Markdown list.
func TestStatsDefinitions(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t) // no health store: the definitions need none
	body := decode[definitionsJSON](t, srv.get(t, definitionsPath))
	if !slices.Equal(body.Items, health.Definitions) {
		t.Errorf("definitions = %+v", body.Items)
	}
	for _, accept := range []string{"text/markdown", "text/plain"} {
		rec := srv.do(t, http.MethodGet, definitionsPath, http.Header{"Accept": {accept}})
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/markdown") ||
			rec.Body.String() != health.DefinitionsMarkdown() {
			t.Errorf("Accept %s: %d %q %q", accept, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()[:min(80, rec.Body.Len())])
		}
	}
	// Without a health store the figures are unavailable.
	srv.seed(t, "bakery")
	wantProblem(t, srv.get(t, "/v1/communities/bakery/stats/overview"), http.StatusServiceUnavailable)
}

// gatedHealth is the health store whose overview reads wait while the test holds gate, as the
// reads of a large community's new block take their time.
type gatedHealth struct {
	HealthReader
	gate sync.RWMutex
}

func (g *gatedHealth) Overview(ctx context.Context, scope health.Scope) (*health.OverviewReport, error) {
	g.gate.RLock()
	defer g.gate.RUnlock()
	return g.HealthReader.Overview(ctx, scope)
}

// While the figures of a new ledger version are computed, a read answers at once with the newest
// ones computed (naming their own ledger_through); a client that asks for the current snapshot
// (Cache-Control: no-cache) waits for it; once computed, every read gets it; a staff change is
// never answered with figures from before it.
func TestStatsAnswerWithTheNewestComputedWhileTheCurrentAreComputed(t *testing.T) {
	t.Parallel()
	srv := newStatsServer(t)
	srv.build(t)
	gated := &gatedHealth{HealthReader: srv.stats.Store}
	srv.stats.Store, srv.latest = gated, health.NewLatest(20*time.Millisecond, time.Hour)
	const path = "/v1/communities/bakery/stats/overview"
	read := func(cacheControl string) <-chan map[string]any {
		out := make(chan map[string]any, 1)
		go func() {
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
			if cacheControl != "" {
				req.Header.Set("Cache-Control", cacheControl)
			}
			rec := httptest.NewRecorder()
			srv.engine.ServeHTTP(rec, req)
			body := map[string]any{"status": float64(rec.Code)}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Errorf("GET %s: %v %s", path, err, rec.Body)
			}
			out <- body
		}()
		return out
	}
	wait := func(what string, answer <-chan map[string]any) map[string]any {
		t.Helper()
		select {
		case body := <-answer:
			return body
		case <-time.After(10 * time.Second):
			gated.gate.Unlock()
			t.Fatalf("%s: no answer within 10 s", what)
		}
		return nil
	}
	notYet := func(what string, answer <-chan map[string]any) {
		t.Helper()
		select {
		case body := <-answer:
			gated.gate.Unlock()
			t.Fatalf("%s answered before its figures were computed: %v", what, body)
		case <-time.After(150 * time.Millisecond):
		}
	}
	members := func(body map[string]any) any { return []any{body["status"], body["members"], body["ledger_through"]} }
	before := members(wait("first read", read("")))
	if fmt.Sprint(before) != "[200 5 2025-03-03T09:00:00Z]" {
		t.Fatalf("first read: %v", before)
	}

	srv.reward(t, common.HexToAddress("0x00000000000000000000000000000000000000f7"), statsAt(3, 3, 10), 4, "purchase")
	gated.gate.Lock()
	if got := members(wait("read while the new figures are computed", read(""))); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("read while the new figures are computed: %v, want the newest computed, %v", got, before)
	}
	current := read("no-cache")
	notYet("a read with Cache-Control: no-cache", current)
	gated.gate.Unlock()
	const after = "[200 6 2025-03-03T10:00:00Z]"
	if got := members(wait("no-cache read", current)); fmt.Sprint(got) != after {
		t.Errorf("read with Cache-Control: no-cache: %v, want %s", got, after)
	}
	if got := members(wait("read after", read(""))); fmt.Sprint(got) != after {
		t.Errorf("read once computed: %v, want %s", got, after)
	}

	gated.gate.Lock()
	if rec := srv.send(t, http.MethodPut, "/v1/communities/bakery/staff/"+statsS.Hex(), srv.key, "", ""); rec.Code != http.StatusOK {
		gated.gate.Unlock()
		t.Fatalf("PUT staff = %d %s", rec.Code, rec.Body)
	}
	afterStaff := read("")
	notYet("a read after a staff change", afterStaff)
	gated.gate.Unlock()
	if got := members(wait("read after the staff change", afterStaff)); fmt.Sprint(got) != "[200 5 2025-03-03T10:00:00Z]" {
		t.Errorf("read after the staff change: %v, want S left out", got)
	}
}
