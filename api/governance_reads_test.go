package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// wantProposalTimes checks that a proposal as the API shows it gives vote_start, vote_end and eta
// both as the chain gives them (Unix seconds) and as RFC 3339, and that every field it has is
// described by the named schema of openapi.json.
func wantProposalTimes(t *testing.T, p map[string]any, schema string) {
	t.Helper()
	at := func(clock any) any {
		if clock == nil {
			return nil
		}
		return time.Unix(int64(clock.(float64)), 0).UTC().Format(time.RFC3339)
	}
	pairs := [][2]string{{"vote_start", "vote_start_at"}, {"vote_end", "vote_end_at"}}
	if strings.HasSuffix(schema, "Detail") {
		pairs = append(pairs, [2]string{"eta", "eta_at"})
	}
	for _, pair := range pairs {
		clock, hasClock := p[pair[0]]
		wall, hasWall := p[pair[1]]
		if !hasClock || !hasWall || wall != at(clock) {
			t.Errorf("%s = %v, %s = %v; want the RFC 3339 of the clock value beside it", pair[0], clock, pair[1], wall)
		}
	}
	documented := schemaProperties(t, schema)
	for key := range p {
		if !slices.Contains(documented, key) {
			t.Errorf("the API answers %q, which openapi.json's %s does not describe", key, schema)
		}
	}
}

// schemaProperties lists the properties of a components schema of openapi.json, through allOf.
func schemaProperties(t *testing.T, name string) []string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	var props []string
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		if ref, ok := s["$ref"].(string); ok {
			target, found := resolvePointer(doc, ref)
			if !found {
				t.Fatalf("$ref %s does not resolve", ref)
			}
			walk(target.(map[string]any))
		}
		properties, _ := s["properties"].(map[string]any)
		for key := range properties {
			props = append(props, key)
		}
		parts, _ := s["allOf"].([]any)
		for _, part := range parts {
			walk(part.(map[string]any))
		}
	}
	schema, found := resolvePointer(doc, "#/components/schemas/"+name)
	if !found {
		t.Fatalf("openapi.json has no schema %s", name)
	}
	walk(schema.(map[string]any))
	return props
}

// proposalReads returns a proposal's detail and its item in the list.
func (h *govHarness) proposalReads(t *testing.T, pid string) (detail, item map[string]any) {
	t.Helper()
	h.sync(t)
	detail = h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery/proposals/"+pid, "", nil), http.StatusOK)
	for _, it := range h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery/proposals", "", nil), http.StatusOK)["items"].([]any) {
		if it := it.(map[string]any); it["id"] == pid {
			return detail, it
		}
	}
	t.Fatalf("the proposal list does not have %s", pid)
	return nil, nil
}
