package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestOpenAPIDescribesExactlyTheRoutes(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)

	rec := srv.get(t, "/openapi.json")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /openapi.json = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("decode the served document: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}

	// The operation keys of an OpenAPI path item; anything else (parameters, summary) is not one.
	methods := []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
	documented := map[string]bool{}
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range doc.Paths {
		for key := range item {
			if slices.Contains(methods, key) {
				documented[strings.ToUpper(key)+" "+pathParam.ReplaceAllString(path, ":$1")] = true
			}
		}
	}
	served := map[string]bool{}
	for _, r := range srv.engine.Routes() {
		served[r.Method+" "+r.Path] = true
	}

	for route := range served {
		if !documented[route] {
			t.Errorf("%s is served but missing from openapi.json", route)
		}
	}
	for route := range documented {
		if !served[route] {
			t.Errorf("openapi.json names %s, which the server does not serve", route)
		}
	}
}

func TestOpenAPIReferencesResolve(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("decode openapi.json: %v", err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if _, found := resolvePointer(doc, ref); !found {
					t.Errorf("$ref %q does not resolve", ref)
				}
			}
			for _, child := range v {
				walk(child)
			}
		case []any:
			for _, child := range v {
				walk(child)
			}
		}
	}
	walk(doc)
}

// resolvePointer follows a local JSON reference ("#/components/schemas/Problem") in doc.
func resolvePointer(doc map[string]any, ref string) (any, bool) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var cur any = doc
	for _, token := range strings.Split(rest, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		token = strings.NewReplacer("~1", "/", "~0", "~").Replace(token)
		if cur, ok = m[token]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// The check every test response goes through fails on what openapi.json does not describe, and
// says which route, status and field: a status the operation does not list, a property no schema
// names, a wrong content type, a missing required property, and a route the document lacks.
func TestOpenAPICheckCatchesDrift(t *testing.T) {
	t.Parallel()
	doc, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	const communities = `{"items":[],"next_cursor":null}`
	tests := map[string]struct {
		method, path string
		status       int
		contentType  string
		body         string
		want         []string // in the error, in any order
	}{
		"undocumented status": {"GET", "/v1/communities/bakery/proposals/1/tally", 418, "application/problem+json",
			`{"type":"https://guildhall.dev/problems/internal","title":"I'm a teapot","status":418,"detail":"x"}`,
			[]string{"/v1/communities/{cid}/proposals/{pid}/tally", "418", "does not list"}},
		"undocumented field": {"GET", "/v1/communities", 200, "application/json",
			`{"items":[],"next_cursor":null,"surprise":1}`, []string{"GET /v1/communities", "200", "surprise"}},
		"wrong content type": {"GET", "/v1/communities", 200, "text/plain", communities,
			[]string{"GET /v1/communities", "200", "text/plain"}},
		"missing required field": {"GET", "/v1/communities/bakery/proposals/1/tally", 503, "application/problem+json",
			`{"type":"https://guildhall.dev/problems/unavailable","title":"Service Unavailable","status":503}`,
			[]string{"/v1/communities/{cid}/proposals/{pid}/tally", "503", "detail"}},
		"route not in the document": {"GET", "/v1/communities/bakery/secrets", 200, "application/json", `{}`,
			[]string{"GET /v1/communities/bakery/secrets", "no operation", "200"}},
		"method not in the document": {"PATCH", "/v1/communities", 200, "application/json", communities,
			[]string{"PATCH /v1/communities", "no operation", "200"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequestWithContext(t.Context(), tt.method, tt.path, nil)
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", tt.contentType)
			rec.WriteHeader(tt.status)
			rec.WriteString(tt.body)
			err := doc.Check(req, rec.Result())
			if err == nil {
				t.Fatalf("%s %s answering %d %s passed the check", tt.method, tt.path, tt.status, tt.body)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}

	// And what the document does describe passes: the same list, and an unknown path's 404.
	req := httptest.NewRequestWithContext(t.Context(), "GET", "/v1/communities", nil)
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json")
	rec.WriteString(communities)
	if err := doc.Check(req, rec.Result()); err != nil {
		t.Errorf("a described answer failed the check: %v", err)
	}
	srv := newTestServer(t)
	srv.get(t, "/v1/no/such/route") // serve checks it: a 404 problem
}
