package api

import (
	"net/http"
	"testing"

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
