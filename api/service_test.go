package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, withReady(func(context.Context) error { return errors.New("down") }))

	rec := srv.get(t, "/healthz")
	if rec.Code != http.StatusOK || rec.Body.String() != `{"status":"ok"}` {
		t.Errorf("GET /healthz = %d %s, want 200 {\"status\":\"ok\"} even when not ready", rec.Code, rec.Body)
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		ready      func(context.Context) error
		wantStatus int
		wantDetail string
	}{
		"ready is 200": {
			ready:      func(context.Context) error { return nil },
			wantStatus: http.StatusOK,
		},
		"unreachable database is a 503 naming it": {
			ready: func(context.Context) error {
				return fmt.Errorf("%w: dial tcp 10.0.0.7:5432: connection refused",
					guildhall.Errorf(guildhall.EUNAVAILABLE, "database not reachable"))
			},
			wantStatus: http.StatusServiceUnavailable,
			wantDetail: "database not reachable",
		},
		"an error of another code is still a 503": {
			ready:      func(context.Context) error { return guildhall.Errorf(guildhall.EINTERNAL, "chain not reachable") },
			wantStatus: http.StatusServiceUnavailable,
			wantDetail: "chain not reachable",
		},
		"a plain error is a 503 that does not leak it": {
			ready: func(context.Context) error {
				return errors.New(`Post "https://rpc.example/v3/SECRETKEY": timeout`)
			},
			wantStatus: http.StatusServiceUnavailable,
			wantDetail: "not ready",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, withReady(tt.ready))
			rec := srv.get(t, "/readyz")
			if tt.wantStatus == http.StatusOK {
				if rec.Code != http.StatusOK || rec.Body.String() != `{"status":"ok"}` {
					t.Errorf("GET /readyz = %d %s, want 200 {\"status\":\"ok\"}", rec.Code, rec.Body)
				}
				return
			}
			p := wantProblem(t, rec, tt.wantStatus)
			if p.Detail != tt.wantDetail {
				t.Errorf("detail = %q, want %q", p.Detail, tt.wantDetail)
			}
			if body := rec.Body.String(); strings.Contains(body, "SECRETKEY") || strings.Contains(body, "10.0.0.7") {
				t.Errorf("body %s leaks the cause", body)
			}
		})
	}

	t.Run("a warning is said without failing", func(t *testing.T) {
		t.Parallel()
		warn := "the operator 0xAb holds 0.1 ETH, less than the 2.5 ETH it spent in the last 24h0m0s"
		srv := newTestServer(t, func(c *Config) { c.Warnings = func() []string { return []string{warn} } })
		if rec := srv.get(t, "/readyz"); rec.Code != http.StatusOK || rec.Body.String() != `{"status":"ok","warnings":["`+warn+`"]}` {
			t.Errorf("GET /readyz = %d %s, want 200 with the warning", rec.Code, rec.Body)
		}
		down := newTestServer(t, func(c *Config) {
			c.Warnings = func() []string { return []string{warn} }
			c.Ready = func(context.Context) error { return guildhall.Errorf(guildhall.EUNAVAILABLE, "database not reachable") }
		})
		if p := wantProblem(t, down.get(t, "/readyz"), http.StatusServiceUnavailable); p.Detail != "database not reachable" {
			t.Errorf("not ready: detail %q", p.Detail)
		}
	})

	t.Run("the jobs this process leads are named", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, func(c *Config) { c.Leads = func() []string { return []string{"indexer", "minter"} } })
		if rec := srv.get(t, "/readyz"); rec.Code != http.StatusOK || rec.Body.String() != `{"status":"ok","leads":["indexer","minter"]}` {
			t.Errorf("GET /readyz = %d %s, want 200 naming both leads", rec.Code, rec.Body)
		}
	})

	t.Run("the check gets a deadline", func(t *testing.T) {
		t.Parallel()
		var hadDeadline bool
		srv := newTestServer(t, withReady(func(ctx context.Context) error {
			_, hadDeadline = ctx.Deadline()
			return nil
		}))
		srv.get(t, "/readyz")
		if !hadDeadline {
			t.Error("Ready was called without a deadline")
		}
	})
}

func TestUnknownRouteAndMethod(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)

	tests := map[string]struct {
		method     string
		path       string
		wantStatus int
		wantType   string
		wantAllow  string
	}{
		"unknown path is a 404 problem": {
			method: http.MethodGet, path: "/v1/nothing-here",
			wantStatus: http.StatusNotFound, wantType: "https://guildhall.dev/problems/not-found",
		},
		"trailing slash is a 404 problem, not a redirect": {
			method: http.MethodGet, path: "/v1/communities/",
			wantStatus: http.StatusNotFound, wantType: "https://guildhall.dev/problems/not-found",
		},
		"POST on a read-only list is a 405 problem": {
			method: http.MethodPost, path: "/v1/communities",
			wantStatus: http.StatusMethodNotAllowed, wantType: "https://guildhall.dev/problems/method-not-allowed",
			wantAllow: "GET",
		},
		"DELETE on a community is a 405 problem": {
			method: http.MethodDelete, path: "/v1/communities/alpha",
			wantStatus: http.StatusMethodNotAllowed, wantType: "https://guildhall.dev/problems/method-not-allowed",
			wantAllow: "GET",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rec := srv.do(t, tt.method, tt.path, nil)
			p := wantProblem(t, rec, tt.wantStatus)
			if p.Type != tt.wantType {
				t.Errorf("type = %q, want %q", p.Type, tt.wantType)
			}
			if got := rec.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
		})
	}
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	tests := map[string]struct {
		err        error
		wantStatus int
		wantDetail string
	}{
		"invalid is 400":       {guildhall.Errorf(guildhall.EINVALID, "bad wallet"), 400, "bad wallet"},
		"unauthorized is 401":  {guildhall.Errorf(guildhall.EUNAUTHORIZED, "no key"), 401, "no key"},
		"forbidden is 403":     {guildhall.Errorf(guildhall.EFORBIDDEN, "not yours"), 403, "not yours"},
		"not found is 404":     {guildhall.Errorf(guildhall.ENOTFOUND, "no such reward"), 404, "no such reward"},
		"conflict is 409":      {guildhall.Errorf(guildhall.ECONFLICT, "key reused"), 409, "key reused"},
		"unprocessable is 422": {guildhall.Errorf(guildhall.EUNPROCESSABLE, "cap exceeded"), 422, "cap exceeded"},
		"unavailable is 503":   {guildhall.Errorf(guildhall.EUNAVAILABLE, "chain down"), 503, "chain down"},
		"rate limited is 429 with Retry-After": {
			&guildhall.Error{Code: guildhall.ERATELIMITED, Message: "slow down", RetryAfter: 1500 * time.Millisecond}, 429, "slow down",
		},
		"wrapped code keeps its status": {
			fmt.Errorf("store: %w", guildhall.Errorf(guildhall.ECONFLICT, "taken")), 409, "taken",
		},
		"internal is a generic 500": {
			guildhall.Errorf(guildhall.EINTERNAL, "pq: relation secret_table missing"), 500, internalDetail,
		},
		"a plain error is a generic 500": {errors.New("pq: password authentication failed"), 500, internalDetail},
	}
	for name, tt := range tests {
		srv.engine.GET("/test/error/"+strings.ReplaceAll(name, " ", "-"), func(c *gin.Context) {
			srv.writeError(c, tt.err)
		})
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rec := srv.get(t, "/test/error/"+strings.ReplaceAll(name, " ", "-"))
			p := wantProblem(t, rec, tt.wantStatus)
			if p.Detail != tt.wantDetail {
				t.Errorf("detail = %q, want %q", p.Detail, tt.wantDetail)
			}
			// Retry-After is whole seconds, rounded up; only a rate limit sends it.
			if got, want := rec.Header().Get("Retry-After"), map[bool]string{true: "2"}[tt.wantStatus == 429]; got != want {
				t.Errorf("Retry-After = %q, want %q", got, want)
			}
			if tt.wantStatus == 500 && !strings.Contains(srv.log.String(), tt.err.Error()) {
				t.Errorf("the log does not hold the internal error %q", tt.err)
			}
		})
	}

	t.Run("field errors are listed", func(t *testing.T) {
		srv.engine.GET("/test/fields", func(c *gin.Context) {
			srv.writeError(c, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid reward",
				Fields: []guildhall.FieldError{{Field: "wallet", Message: "must be an address"}}})
		})
		p := wantProblem(t, srv.get(t, "/test/fields"), http.StatusBadRequest)
		if len(p.Errors) != 1 || p.Errors[0] != (guildhall.FieldError{Field: "wallet", Message: "must be an address"}) {
			t.Errorf("errors = %+v", p.Errors)
		}
	})
}

func TestRecoverPanic(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	srv.engine.GET("/test/panic", func(*gin.Context) { panic("boom: nil map") })

	rec := srv.get(t, "/test/panic")
	p := wantProblem(t, rec, http.StatusInternalServerError)
	if p.Detail != internalDetail || strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("body %s leaks the panic or lacks the generic detail", rec.Body)
	}
	log := srv.log.String()
	if !strings.Contains(log, "boom: nil map") || !strings.Contains(log, "request_id="+p.RequestID) {
		t.Errorf("the log does not hold the panic with its request id:\n%s", log)
	}
	if !strings.Contains(log, "status=500") {
		t.Errorf("the request line does not record the 500:\n%s", log)
	}
	if rec := srv.get(t, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("after a panic GET /healthz = %d", rec.Code)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)

	rec := srv.do(t, http.MethodGet, "/v1/communities/some-id", http.Header{"X-Request-Id": {"lb-1234"}})
	if got := rec.Header().Get("X-Request-Id"); got != "lb-1234" {
		t.Errorf("X-Request-Id = %q, want the caller's lb-1234", got)
	}
	line := regexp.MustCompile(`(?m)^.*msg=request .*request_id=lb-1234.*$`).FindString(srv.log.String())
	for _, want := range []string{"method=GET", "route=/v1/communities/:cid", "status=404", "duration="} {
		if !strings.Contains(line, want) {
			t.Errorf("request log line %q lacks %q", line, want)
		}
	}

	t.Run("a forged request id is replaced", func(t *testing.T) {
		rec := srv.do(t, http.MethodGet, "/healthz", http.Header{"X-Request-Id": {"x\" level=ERROR msg=forged"}})
		if got := rec.Header().Get("X-Request-Id"); got == "" || strings.Contains(got, "forged") {
			t.Errorf("X-Request-Id = %q, want a fresh id", got)
		}
	})
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	srv.seed(t, "alpha")

	srv.get(t, "/v1/communities/alpha")
	srv.get(t, "/v1/communities/alpha")
	srv.get(t, "/v1/communities/missing")
	srv.get(t, "/no/such/path/1")
	srv.get(t, "/no/such/path/2")

	rec := srv.get(t, "/metrics")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`guildhall_http_requests_total{method="GET",route="/v1/communities/:cid",status="200"} 2`,
		`guildhall_http_requests_total{method="GET",route="/v1/communities/:cid",status="404"} 1`,
		`guildhall_http_requests_total{method="GET",route="unmatched",status="404"} 2`,
		`guildhall_http_request_duration_seconds_count{method="GET",route="/v1/communities/:cid",status="200"} 2`,
		"go_goroutines ",
		"process_open_fds ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// A client sending invented methods must not grow the metrics without end: the process that
// serves them also runs the indexer, the minter and the dev chain.
func TestMetricsSeriesStayBoundedUnderRandomMethods(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	srv.seed(t, "alpha")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 10_000 {
		method := fmt.Sprintf("X%08X", rng.Uint32())
		path := "/v1/communities/alpha"
		if i%2 == 1 {
			path = fmt.Sprintf("/no/such/path/%d", i)
		}
		srv.do(t, method, path, nil)
	}
	families, err := srv.server.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), "guildhall_http_") {
			continue
		}
		methods := map[string]bool{}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "method" {
					methods[l.GetValue()] = true
				}
			}
		}
		if len(f.GetMetric()) > 10 || len(methods) > 1 {
			t.Errorf("%s has %d series over methods %v after 10,000 requests with invented methods; want them all counted as \"other\"",
				f.GetName(), len(f.GetMetric()), slices.Collect(maps.Keys(methods)))
		}
	}
}

// With metrics served elsewhere (serve --metrics-addr), the API's listener does not serve them.
func TestMetricsElsewhereLeavesThemOffTheAPI(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, func(cfg *Config) { cfg.MetricsElsewhere = true })
	wantProblem(t, srv.get(t, "/metrics"), http.StatusNotFound)
}

// Probes and scrapes arrive every few seconds; at the default info level they must not fill the
// log, while every other request still gets its line.
func TestProbesAreLoggedAtDebugLevel(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, withReady(func(context.Context) error { return nil }))
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/v1/communities"} {
		srv.get(t, path)
	}
	lines := regexp.MustCompile(`(?m)^.*msg=request .*$`).FindAllString(srv.log.String(), -1)
	levels := map[string]string{}
	for _, line := range lines {
		route := regexp.MustCompile(`route=(\S+)`).FindStringSubmatch(line)
		level := regexp.MustCompile(`level=(\S+)`).FindStringSubmatch(line)
		if route != nil && level != nil {
			levels[route[1]] = level[1]
		}
	}
	want := map[string]string{"/healthz": "DEBUG", "/readyz": "DEBUG", "/metrics": "DEBUG", "/v1/communities": "INFO"}
	for route, lvl := range want {
		if levels[route] != lvl {
			t.Errorf("request to %s logged at %q, want %s (log lines: %q)", route, levels[route], lvl, lines)
		}
	}
}
