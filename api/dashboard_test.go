package api

import (
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/web"
)

func withDashboard(cfg *Config) { cfg.Dashboard = web.FS }

// The dashboard's page is served at / and every asset it links is served beside it.
func TestDashboardIsServed(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, withDashboard)
	rec := srv.get(t, "/")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	links := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(rec.Body.String(), -1)
	if len(links) < 2 {
		t.Fatalf("the page links %d assets, want its script and stylesheet: %s", len(links), rec.Body)
	}
	wantType := map[string]string{".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css"}
	for _, l := range links {
		rec := srv.get(t, l[1])
		ext := l[1][strings.LastIndex(l[1], "."):]
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), wantType[ext]) || rec.Body.Len() == 0 {
			t.Errorf("GET %s = %d %q (%d bytes)", l[1], rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
	}
	wantProblem(t, srv.get(t, "/assets/missing.js"), http.StatusNotFound)

	// A browser that has the page and its assets asks again on the next visit and is told they
	// are unchanged (304, no body); a stale copy gets the file.
	for _, path := range []string{"/", links[0][1]} {
		first := srv.get(t, path)
		etag := first.Header().Get("ETag")
		if etag == "" || first.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("GET %s: ETag %q, Cache-Control %q; want a validator and no-cache", path, etag, first.Header().Get("Cache-Control"))
		}
		if again := srv.do(t, http.MethodGet, path, http.Header{"If-None-Match": {etag}}); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("GET %s with its ETag = %d (%d bytes), want 304 and no body", path, again.Code, again.Body.Len())
		}
		if stale := srv.do(t, http.MethodGet, path, http.Header{"If-None-Match": {`"stale"`}}); stale.Code != http.StatusOK || stale.Body.Len() != first.Body.Len() {
			t.Errorf("GET %s with a stale ETag = %d (%d bytes), want 200 and the file", path, stale.Code, stale.Body.Len())
		}
	}

	// Without a dashboard, / is an unknown path like any other.
	wantProblem(t, newTestServer(t).get(t, "/"), http.StatusNotFound)
}

// Every API call the dashboard makes names a route the server serves, so the page does not drift
// from the API it reads.
func TestDashboardIsServedWithASecurityPolicy(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, withDashboard)
	for _, path := range []string{"/", "/assets/app.mjs", "/assets/style.css"} {
		rec := srv.get(t, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, rec.Code)
		}
		csp := rec.Header().Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", path, got)
		}
	}
}

func TestDashboardCallsOnlyServedRoutes(t *testing.T) {
	t.Parallel()
	// Every module of the dashboard, read as one source.
	modules, err := fs.Glob(web.FS, "*.mjs")
	if err != nil || len(modules) == 0 {
		t.Fatalf("no dashboard modules (%v)", err)
	}
	var src []byte
	for _, m := range modules {
		b, err := fs.ReadFile(web.FS, m)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	srv := newTestServer(t)
	var routes []*regexp.Regexp
	for _, r := range srv.engine.Routes() {
		pattern := regexp.MustCompile(`:[a-z]+`).ReplaceAllString(regexp.QuoteMeta(r.Path), `[^/]+`)
		routes = append(routes, regexp.MustCompile("^"+pattern+"$"))
	}
	// api("/v1/…"), member("/v1/…") and community("/…") with template placeholders; the query
	// string is dropped.
	// A call wrapped in optional(…) may 404 (a route of a later server version) and is left out.
	var calls [][]string
	pattern := regexp.MustCompile("(optional\\()?(api|member|community)\\([\"`]([^\"`?]*)")
	for _, c := range pattern.FindAllStringSubmatch(string(src), -1) {
		if c[1] == "" {
			calls = append(calls, c[1:])
		}
	}
	if len(calls) < 20 {
		t.Fatalf("found %d API calls in the dashboard; the pattern no longer matches how it calls the API", len(calls))
	}
	for _, c := range calls {
		path := regexp.MustCompile(`\$\{[^}]+\}`).ReplaceAllString(c[2], "x")
		if c[1] == "community" {
			path = "/v1/communities/x" + path
		}
		served := false
		for _, r := range routes {
			served = served || r.MatchString(path)
		}
		if !served {
			t.Errorf("the dashboard calls %s (%s), which the server does not serve", c[2], path)
		}
	}
}
