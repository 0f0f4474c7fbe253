package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/postgres"
)

// newRecognitionServer is a rewards test server (communities bakery and florist, an issuer key of
// each) serving the recognition and health stores.
func newRecognitionServer(t *testing.T) *statsServer {
	t.Helper()
	s := newStatsServer(t)
	s.recognition = postgres.NewRecognitionStore(s.db)
	return s
}

func TestLevelsDefaultPutAndRefusals(t *testing.T) {
	t.Parallel()
	s := newRecognitionServer(t)
	const path = "/v1/communities/bakery/levels"
	rec := s.send(t, http.MethodGet, path, "", "", "")
	if rec.Code != http.StatusOK || !jsonEqual(t, rec.Body.Bytes(), `{"levels":[
		{"name":"newcomer","min_earned_365d":"0","min_active_days_90d":0},
		{"name":"regular","min_earned_365d":"10000000000000000000","min_active_days_90d":3},
		{"name":"contributor","min_earned_365d":"100000000000000000000","min_active_days_90d":10},
		{"name":"champion","min_earned_365d":"500000000000000000000","min_active_days_90d":25},
		{"name":"ambassador","min_earned_365d":"2000000000000000000000","min_active_days_90d":45}]}`) {
		t.Fatalf("default ladder: %d %s", rec.Code, rec.Body)
	}
	const ladder = `{"levels":[{"name":"bronze","min_earned_365d":"0","min_active_days_90d":0},
		{"name":"silver","min_earned_365d":"20","min_active_days_90d":2}]}`
	wantProblem(t, s.send(t, http.MethodPut, path, "", "", ladder), http.StatusUnauthorized)
	wantProblem(t, s.send(t, http.MethodPut, path, s.otherKey, "", ladder), http.StatusForbidden)
	before := s.state(t, "recognition_ladders")
	for name, tc := range map[string]struct{ body, field string }{
		"amount not digits":    {`{"levels":[{"name":"a","min_earned_365d":"0","min_active_days_90d":0},{"name":"b","min_earned_365d":"1.5","min_active_days_90d":1}]}`, "levels[1].min_earned_365d"},
		"threshold goes down":  {`{"levels":[{"name":"a","min_earned_365d":"0","min_active_days_90d":0},{"name":"b","min_earned_365d":"9","min_active_days_90d":5},{"name":"c","min_earned_365d":"8","min_active_days_90d":5}]}`, "levels[2].min_earned_365d"},
		"name twice":           {`{"levels":[{"name":"a","min_earned_365d":"0","min_active_days_90d":0},{"name":"a","min_earned_365d":"1","min_active_days_90d":1}]}`, "levels[1].name"},
		"lowest not zero":      {`{"levels":[{"name":"a","min_earned_365d":"5","min_active_days_90d":0}]}`, "levels[0]"},
		"more than 90 days":    {`{"levels":[{"name":"a","min_earned_365d":"0","min_active_days_90d":0},{"name":"b","min_earned_365d":"0","min_active_days_90d":91}]}`, "levels[1].min_active_days_90d"},
		"no levels":            {`{"levels":[]}`, "levels"},
		"unknown field":        {`{"levels":[{"name":"a","min_earned":"0"}]}`, "min_earned"},
		"days are not numbers": {`{"levels":[{"name":"a","min_earned_365d":"0","min_active_days_90d":"3"}]}`, "levels.min_active_days_90d"},
	} {
		t.Run(name, func(t *testing.T) {
			wantFields(t, wantProblem(t, s.send(t, http.MethodPut, path, s.key, "", tc.body), http.StatusBadRequest), tc.field)
		})
	}
	if after := s.state(t, "recognition_ladders"); after != before {
		t.Errorf("refused ladders changed the stored one:\n%s", after)
	}
	if rec := s.send(t, http.MethodPut, path, s.key, "", ladder); rec.Code != http.StatusOK {
		t.Fatalf("put ladder: %d %s", rec.Code, rec.Body)
	}
	if rec := s.send(t, http.MethodGet, path, "", "", ""); !jsonEqual(t, rec.Body.Bytes(), ladder) {
		t.Errorf("ladder after put: %s", rec.Body)
	}
	if rec := s.send(t, http.MethodGet, "/v1/communities/florist/levels", "", "", ""); rec.Code != http.StatusOK ||
		len(decode[map[string][]any](t, rec)["levels"]) != 5 {
		t.Errorf("florist's ladder is not the default after bakery wrote its own: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/nowhere/levels", "", "", ""), http.StatusNotFound)
}

func TestRolePutListAndRefusals(t *testing.T) {
	t.Parallel()
	s := newRecognitionServer(t)
	const champion = `{"kind":"tier","grace_days":7,
		"all":[{"earned":{"min":"100","window_days":90,"activity":"purchase"}},{"level":{"min":"regular"}}],
		"any":[{"votes":{"min":2,"last_proposals":5}},{"streak_weeks":{"min":4}}],
		"none":[{"voting_power":{"min":"1000000"}}]}`
	before := s.state(t, "recognition_roles")
	for name, tc := range map[string]struct{ path, body, field string }{
		"kind":                   {"champion", `{"kind":"gold","all":[{"tenure_days":{"min":1}}]}`, "kind"},
		"no condition":           {"champion", `{"kind":"badge"}`, "all"},
		"two keys":               {"champion", `{"kind":"badge","all":[{"tenure_days":{"min":1},"streak_weeks":{"min":1}}]}`, "all[0]"},
		"unknown condition":      {"champion", `{"kind":"badge","all":[{"karma":{"min":1}}]}`, "all[0].karma"},
		"amount as number":       {"champion", `{"kind":"badge","all":[{"earned":{"min":100,"window_days":90}}]}`, "all[0].earned.min"},
		"window":                 {"champion", `{"kind":"badge","any":[{"earned":{"min":"1","window_days":0}}]}`, "any[0].earned.window_days"},
		"count without activity": {"champion", `{"kind":"badge","all":[{"activity_count":{"min":3,"window_days":30}}]}`, "all[0].activity_count.activity"},
		"parameter of another":   {"champion", `{"kind":"badge","all":[{"votes":{"min":1,"last_proposals":3,"window_days":9}}]}`, "all[0].votes.window_days"},
		"last proposals":         {"champion", `{"kind":"badge","all":[{"votes":{"min":1}}]}`, "all[0].votes.last_proposals"},
		"unknown level":          {"champion", `{"kind":"tier","all":[{"level":{"min":"gold"}}]}`, "all[0].level.min"},
		"negative count":         {"champion", `{"kind":"tier","none":[{"tenure_days":{"min":-1}}],"all":[{"tenure_days":{"min":1}}]}`, "none[0].tenure_days.min"},
		"min missing":            {"champion", `{"kind":"tier","all":[{"streak_weeks":{}}]}`, "all[0].streak_weeks.min"},
		"grace":                  {"champion", `{"kind":"tier","grace_days":-1,"all":[{"tenure_days":{"min":1}}]}`, "grace_days"},
		"role name":              {"Champion!", `{"kind":"tier","all":[{"tenure_days":{"min":1}}]}`, "role"},
		"unknown field":          {"champion", `{"kind":"tier","all":[{"tenure_days":{"min":1,"max":3}}]}`, "max"},
	} {
		t.Run(name, func(t *testing.T) {
			rec := s.send(t, http.MethodPut, "/v1/communities/bakery/roles/"+tc.path, s.key, "", tc.body)
			wantFields(t, wantProblem(t, rec, http.StatusBadRequest), tc.field)
		})
	}
	if after := s.state(t, "recognition_roles"); after != before {
		t.Errorf("refused roles were saved:\n%s", after)
	}
	wantProblem(t, s.send(t, http.MethodPut, "/v1/communities/bakery/roles/champion", "", "", champion), http.StatusUnauthorized)
	rec := s.send(t, http.MethodPut, "/v1/communities/bakery/roles/champion", s.key, "", champion)
	if rec.Code != http.StatusOK {
		t.Fatalf("put role: %d %s", rec.Code, rec.Body)
	}
	want := `{"role":"champion","kind":"tier","grace_days":7,
		"all":[{"earned":{"min":"100","window_days":90,"activity":"purchase"}},{"level":{"min":"regular"}}],
		"any":[{"votes":{"min":2,"last_proposals":5}},{"streak_weeks":{"min":4}}],
		"none":[{"voting_power":{"min":"1000000"}}]}`
	if !jsonEqual(t, rec.Body.Bytes(), want) {
		t.Errorf("put role answered %s", rec.Body)
	}
	if rec := s.send(t, http.MethodGet, "/v1/communities/bakery/roles", "", "", ""); !jsonEqual(t, rec.Body.Bytes(), `{"items":[`+want+`]}`) {
		t.Errorf("roles: %s", rec.Body)
	}
	// A ladder without the level champion requires is refused, and the old one stays.
	rec = s.send(t, http.MethodPut, "/v1/communities/bakery/levels", s.key, "", `{"levels":[{"name":"bronze","min_earned_365d":"0","min_active_days_90d":0}]}`)
	wantFields(t, wantProblem(t, rec, http.StatusUnprocessableEntity), "levels")
	if rec := s.send(t, http.MethodGet, "/v1/communities/bakery/levels", "", "", ""); rec.Code != http.StatusOK || len(decode[map[string][]any](t, rec)["levels"]) != 5 {
		t.Errorf("ladder after a refused put: %s", rec.Body)
	}
}

// evaluate runs bakery's recognition evaluation, as serve does every few seconds.
func (s *statsServer) evaluate(t *testing.T) {
	t.Helper()
	if _, err := postgres.NewRecognitionStore(s.db).Evaluate(t.Context(), health.Scope{Community: "bakery", Operator: statsO.Hex()}); err != nil {
		t.Fatalf("evaluate: %v", err)
	}
}

// putRecognitionRules writes bakery's ladder bronze (0, 0), silver (25 earned, 3 active days),
// gold (100, 10), the tier voter (a vote on the last proposal) and the badge big (100 earned in 90
// days).
func (s *statsServer) putRecognitionRules(t *testing.T) {
	t.Helper()
	for path, body := range map[string]string{
		"levels": `{"levels":[{"name":"bronze","min_earned_365d":"0","min_active_days_90d":0},
			{"name":"silver","min_earned_365d":"25","min_active_days_90d":3},{"name":"gold","min_earned_365d":"100","min_active_days_90d":10}]}`,
		"roles/voter": `{"kind":"tier","all":[{"votes":{"min":1,"last_proposals":1}}]}`,
		"roles/big":   `{"kind":"badge","all":[{"earned":{"min":"100","window_days":90}}]}`,
	} {
		if rec := s.send(t, http.MethodPut, "/v1/communities/bakery/"+path, s.key, "", body); rec.Code != http.StatusOK {
			t.Fatalf("put %s: %d %s", path, rec.Code, rec.Body)
		}
	}
}

// TestMemberProfile: the profile of the stats history (api/stats_test.go). A is active on 01-20
// (reward), 02-20 (proposal), 02-21 (vote) and 03-03 (reward): ISO weeks 01-20, 02-17 and 03-03,
// so a streak of 1 (this week) and a longest of 1; earned 30 over 4 active days (silver); A had
// 100 votes at P1's snapshot and voted (voting streak 1). E was active in the week of 01-27 only.
func TestMemberProfile(t *testing.T) {
	t.Parallel()
	s := newRecognitionServer(t)
	s.build(t)
	s.putRecognitionRules(t)
	path := "/v1/communities/bakery/members/" + strings.ToLower(statsA.Hex())
	before := s.getStats(t, path, "")
	if before["level"] != nil || before["level_since"] != nil {
		t.Errorf("level before any evaluation = %v since %v, want null", before["level"], before["level_since"])
	}
	s.evaluate(t)
	wantJSON(t, "A's profile", s.getStats(t, path, ""), `{
		"ledger_through": "2025-03-03T09:00:00Z", "address": "`+statsA.Hex()+`", "member_since": "2025-01-20",
		"level": "silver", "level_since": "2025-03-03T12:00:00Z", "earned_365d": "30", "active_days_90d": 4,
		"streak_weeks": 1, "longest_streak_weeks": 1, "voting_streak": 1,
		"roles": [{"role": "voter", "held": true, "since": "2025-03-03T12:00:00Z", "met": true,
			"progress": [{"condition": "all[0].votes", "have": 1, "need": 1, "met": true}]}],
		"badges": [{"role": "big", "held": false, "since": null, "met": false,
			"progress": [{"condition": "all[0].earned", "have": "30", "need": "100", "met": false}]}]}`)
	e := s.getStats(t, "/v1/communities/bakery/members/"+statsE.Hex(), "")
	if e["level"] != "bronze" || e["streak_weeks"] != 0.0 || e["longest_streak_weeks"] != 1.0 || e["voting_streak"] != 0.0 || e["active_days_90d"] != 3.0 {
		t.Errorf("E's profile = %v", e)
	}
	for name, tc := range map[string]struct {
		path   string
		status int
	}{
		"not a member":      {"/v1/communities/bakery/members/" + statsD.Hex(), http.StatusNotFound},
		"the operator":      {"/v1/communities/bakery/members/" + statsO.Hex(), http.StatusNotFound},
		"bad address":       {"/v1/communities/bakery/members/0x12", http.StatusBadRequest},
		"unknown community": {"/v1/communities/nowhere/members/" + statsA.Hex(), http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) { wantProblem(t, s.send(t, http.MethodGet, tc.path, "", "", ""), tc.status) })
	}
}

// TestRoleCheckAndMembers: the till's check answers from the last evaluation and names its block;
// a role's holders are listed by address, page by page.
func TestRoleCheckAndMembers(t *testing.T) {
	t.Parallel()
	s := newRecognitionServer(t)
	s.build(t)
	s.putRecognitionRules(t)
	if rec := s.send(t, http.MethodPut, "/v1/communities/bakery/roles/member", s.key, "", `{"kind":"badge","all":[{"tenure_days":{"min":0}}]}`); rec.Code != http.StatusOK {
		t.Fatalf("put role: %d %s", rec.Code, rec.Body)
	}
	check := func(role string, a common.Address) *httptest.ResponseRecorder {
		return s.send(t, http.MethodGet, "/v1/communities/bakery/roles/"+role+"/check?address="+a.Hex(), "", "", "")
	}
	wantProblem(t, check("voter", statsA), http.StatusServiceUnavailable)
	s.evaluate(t)
	asOf := `"as_of":` + statsAsOf
	for _, tc := range []struct {
		role string
		who  common.Address
		want string
	}{
		{"voter", statsA, `{"held":true,"since":"2025-03-03T12:00:00Z",` + asOf + `}`},
		{"voter", statsB, `{"held":false,"since":null,` + asOf + `}`},
		{"big", statsA, `{"held":false,"since":null,` + asOf + `}`},
		{"member", statsO, `{"held":false,"since":null,` + asOf + `}`},
	} {
		if rec := check(tc.role, tc.who); rec.Code != http.StatusOK || !jsonEqual(t, rec.Body.Bytes(), tc.want) {
			t.Errorf("check %s of %s: %d %s, want %s", tc.role, tc.who.Hex(), rec.Code, rec.Body, tc.want)
		}
	}
	wantProblem(t, check("nobody", statsA), http.StatusNotFound)
	wantFields(t, wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/bakery/roles/voter/check", "", "", ""), http.StatusBadRequest), "address")
	wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/nowhere/roles/voter/check?address="+statsA.Hex(), "", "", ""), http.StatusNotFound)

	var got []string
	path := "/v1/communities/bakery/roles/member/members?limit=2"
	for pages := 0; path != ""; pages++ {
		rec := s.send(t, http.MethodGet, path, "", "", "")
		if rec.Code != http.StatusOK || pages > 5 {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
		page := decode[struct {
			Items []struct{ Address, Since string }
			Next  *string `json:"next_cursor"`
		}](t, rec)
		for _, it := range page.Items {
			got = append(got, it.Address)
		}
		path = ""
		if page.Next != nil {
			path = "/v1/communities/bakery/roles/member/members?limit=2&cursor=" + *page.Next
		}
	}
	want := []string{statsA.Hex(), statsB.Hex(), statsC.Hex(), statsE.Hex(), statsS.Hex()}
	slices.Sort(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("members of role member = %v, want every member but the operator, by address: %v", got, want)
	}
	wantFields(t, wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/bakery/roles/member/members?limit=0", "", "", ""), http.StatusBadRequest), "limit")
}

// TestRecognitionEventsFeed: the feed lists every change once, oldest first, page after page;
// the cursor of the last page is where a client polls again.
func TestRecognitionEventsFeed(t *testing.T) {
	t.Parallel()
	s := newRecognitionServer(t)
	s.build(t)
	s.putRecognitionRules(t)
	s.evaluate(t)
	type event struct {
		ID     int64
		Kind   string
		Member string
		Role   *string
		Level  *string
		At     string
	}
	read := func(cursor string) ([]event, string) {
		var all []event
		for pages := 0; ; pages++ {
			rec := s.send(t, http.MethodGet, "/v1/communities/bakery/recognition/events?limit=2&cursor="+cursor, "", "", "")
			if rec.Code != http.StatusOK || pages > 10 {
				t.Fatalf("feed: %d %s", rec.Code, rec.Body)
			}
			page := decode[struct {
				Items []event
				Next  *string `json:"next_cursor"`
			}](t, rec)
			all = append(all, page.Items...)
			if page.Next != nil {
				cursor = *page.Next
			}
			if len(page.Items) == 0 {
				return all, cursor
			}
		}
	}
	events, cursor := read("")
	var lines []string
	for _, e := range events {
		l := e.Kind + " " + e.Member + " " + e.At
		if e.Level != nil {
			l += " " + *e.Level
		}
		if e.Role != nil {
			l += " " + *e.Role
		}
		lines = append(lines, l)
	}
	at := " 2025-03-03T12:00:00Z"
	want := []string{"level_changed " + statsA.Hex() + at + " silver", "level_changed " + statsB.Hex() + at + " bronze",
		"level_changed " + statsC.Hex() + at + " bronze", "level_changed " + statsE.Hex() + at + " bronze",
		"level_changed " + statsS.Hex() + at + " bronze"}
	slices.Sort(want)
	want = append(want, "role_granted "+statsA.Hex()+at+" voter")
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("feed:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	for k := 1; k < len(events); k++ {
		if events[k].ID <= events[k-1].ID {
			t.Errorf("feed ids not increasing: %d then %d", events[k-1].ID, events[k].ID)
		}
	}
	s.evaluate(t)
	if again, _ := read(cursor); len(again) != 0 {
		t.Errorf("polling after an evaluation at the same block listed %v, want nothing new", again)
	}
	wantFields(t, wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/bakery/recognition/events?cursor=nonsense!", "", "", ""), http.StatusBadRequest), "cursor")
	wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/nowhere/recognition/events", "", "", ""), http.StatusNotFound)
}

// TestSeasons: seasons of the stats history. jan (January) has ended by as_of: the evaluation
// seals it (E earned 15 over 3 days, A 10 on 1); q1 (to April) is live: A 30, E 15, S 11, B 7, C 3.
func TestSeasons(t *testing.T) {
	t.Parallel()
	s := newRecognitionServer(t)
	s.build(t)
	put := func(sid, body, key string) *httptest.ResponseRecorder {
		return s.send(t, http.MethodPut, "/v1/communities/bakery/seasons/"+sid, key, "", body)
	}
	for sid, body := range map[string]string{
		"jan": `{"name":"January","starts_at":"2025-01-01T00:00:00Z","ends_at":"2025-02-01T00:00:00Z"}`,
		"q1":  `{"name":"First quarter","starts_at":"2025-01-01T00:00:00Z","ends_at":"2025-04-01T00:00:00Z"}`,
	} {
		if rec := put(sid, body, s.key); rec.Code != http.StatusOK {
			t.Fatalf("put season %s: %d %s", sid, rec.Code, rec.Body)
		}
	}
	wantProblem(t, put("x", `{"name":"X","starts_at":"2025-01-01T00:00:00Z","ends_at":"2025-04-01T00:00:00Z"}`, ""), http.StatusUnauthorized)
	wantFields(t, wantProblem(t, put("x", `{"name":"X","starts_at":"2025-05-01T00:00:00Z","ends_at":"2025-04-01T00:00:00Z"}`, s.key), http.StatusBadRequest), "ends_at")
	wantFields(t, wantProblem(t, put("x", `{"name":"X","starts_at":"soon","ends_at":"2025-04-01T00:00:00Z"}`, s.key), http.StatusBadRequest), "starts_at")
	s.evaluate(t)
	board := func(query string) string {
		rec := s.send(t, http.MethodGet, "/v1/communities/bakery/leaderboard?"+query, "", "", "")
		if rec.Code != http.StatusOK {
			t.Fatalf("leaderboard?%s: %d %s", query, rec.Code, rec.Body)
		}
		b := decode[struct {
			Sealed bool
			Items  []struct {
				Rank    int
				Address string
				Value   string
			}
		}](t, rec)
		out := strconv.FormatBool(b.Sealed)
		for _, it := range b.Items {
			out += fmt.Sprintf(" %d:%s:%s", it.Rank, it.Address, it.Value)
		}
		return out
	}
	if got, want := board("season=q1&by=earned&limit=3"), fmt.Sprintf("false 1:%s:30 2:%s:15 3:%s:11", statsA.Hex(), statsE.Hex(), statsS.Hex()); got != want {
		t.Errorf("q1 by earned = %s, want %s", got, want)
	}
	if got, want := board("season=jan&by=active_days"), fmt.Sprintf("true 1:%s:3 2:%s:1", statsE.Hex(), statsA.Hex()); got != want {
		t.Errorf("jan by active days = %s, want %s", got, want)
	}
	rec := s.send(t, http.MethodGet, "/v1/communities/bakery/seasons/jan", "", "", "")
	jan := decode[map[string]any](t, rec)
	if rec.Code != http.StatusOK || jan["sealed"] != true || jan["as_of"] == nil || len(jan["ranking"].(map[string]any)["earned"].([]any)) != 2 {
		t.Errorf("season jan: %d %s", rec.Code, rec.Body)
	}
	rec = s.send(t, http.MethodGet, "/v1/communities/bakery/seasons", "", "", "")
	list := decode[struct {
		Items []struct {
			Season  string
			Sealed  bool
			Ranking map[string]any
		}
	}](t, rec)
	if got := fmt.Sprintf("%+v", list.Items); rec.Code != http.StatusOK || got != "[{Season:jan Sealed:true Ranking:map[]} {Season:q1 Sealed:false Ranking:map[]}]" {
		t.Errorf("seasons list: %d %s, want jan (sealed) and q1, without rankings", rec.Code, rec.Body)
	}
	wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/nowhere/seasons", "", "", ""), http.StatusNotFound)
	wantProblem(t, put("jan", `{"name":"January again","starts_at":"2025-01-01T00:00:00Z","ends_at":"2025-02-01T00:00:00Z"}`, s.key), http.StatusConflict)
	wantFields(t, wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/bakery/leaderboard?season=q1&by=karma", "", "", ""), http.StatusBadRequest), "by")
	wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/bakery/leaderboard?season=nope", "", "", ""), http.StatusNotFound)
	wantProblem(t, s.send(t, http.MethodGet, "/v1/communities/bakery/seasons/nope", "", "", ""), http.StatusNotFound)
}
