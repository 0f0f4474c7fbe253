package api

import (
	"net/http"

	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/guildhall/guildhall/postgres"
	"golang.org/x/time/rate"
)

// nonceFrom asks for a sign-in nonce as the client at remote (host:port), with the given
// X-Forwarded-For ("" for none).
func nonceFrom(t *testing.T, s *testServer, remote, forwardedFor string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/v1/auth/nonce", nil)
	req.RemoteAddr = remote
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	return serve(t, s.engine, req)
}

// withSignIn turns member sign-in on, so /v1/auth/nonce answers.
func withSignIn(s *testServer) {
	s.gov.Members = postgres.NewSessionStore(s.db)
	s.gov.SIWE.Domain, s.gov.SIWE.ChainID = "localhost:8080", testChain
}

func TestUnauthenticatedWritesAreLimitedPerClient(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	withSignIn(srv)
	// A bucket that refills once an hour: what the test sees does not depend on how fast it runs.
	burst := 3
	srv.ipLimiter = newKeyedLimiter(rate.Every(time.Hour), burst)
	for i := range burst {
		if rec := nonceFrom(t, srv, "203.0.113.7:1000", ""); rec.Code != http.StatusOK {
			t.Fatalf("request %d of a burst of %d: %d %s", i+1, burst, rec.Code, rec.Body)
		}
	}
	rec := nonceFrom(t, srv, "203.0.113.7:1001", "")
	wantProblem(t, rec, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q, want whole seconds >= 1", rec.Header().Get("Retry-After"))
	}
	if rec := nonceFrom(t, srv, "198.51.100.9:1000", ""); rec.Code != http.StatusOK {
		t.Errorf("another client refused with %d while the first is limited", rec.Code)
	}
	// Without trusted proxies a client cannot escape its limit by naming another address.
	wantProblem(t, nonceFrom(t, srv, "203.0.113.7:1002", "192.0.2.55"), http.StatusTooManyRequests)
}

func TestTrustedProxyForwardsTheClientAddress(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, func(cfg *Config) { cfg.Limits.TrustedProxies = []string{"10.0.0.1"} })
	withSignIn(srv)
	srv.ipLimiter = newKeyedLimiter(rate.Every(time.Hour), 3)
	for i := range 3 {
		if rec := nonceFrom(t, srv, "10.0.0.1:5000", "203.0.113.7"); rec.Code != http.StatusOK {
			t.Fatalf("request %d through the proxy: %d", i+1, rec.Code)
		}
	}
	wantProblem(t, nonceFrom(t, srv, "10.0.0.1:5000", "203.0.113.7"), http.StatusTooManyRequests)
	if rec := nonceFrom(t, srv, "10.0.0.1:5000", "198.51.100.9"); rec.Code != http.StatusOK {
		t.Errorf("another client behind the same proxy refused with %d: the proxy's clients share one limit", rec.Code)
	}
}

func TestIssuerRequestsAreLimitedPerKey(t *testing.T) {
	t.Parallel()
	rs := newRewardsServer(t, 1_000_000)
	rs.issuerLimiter = newKeyedLimiter(rate.Every(time.Hour), 2)
	for i := range 2 {
		if rec := rs.send(t, http.MethodGet, "/v1/communities/bakery/issuer", rs.key, "", ""); rec.Code != http.StatusOK {
			t.Fatalf("request %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := rs.send(t, http.MethodGet, "/v1/communities/bakery/issuer", rs.key, "", "")
	wantProblem(t, rec, http.StatusTooManyRequests)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if rec := rs.send(t, http.MethodGet, "/v1/communities/florist/issuer", rs.otherKey, "", ""); rec.Code != http.StatusOK {
		t.Errorf("another issuer's key refused with %d", rec.Code)
	}
}

func TestIdleBucketsAreDropped(t *testing.T) {
	k := newKeyedLimiter(10, 10) // full again after 1 s
	now := time.Now()
	for i := range 1000 {
		k.reserve(strconv.Itoa(i), now)
	}
	k.reserve("late", now.Add(2*time.Second))
	if n := len(k.buckets); n != 1 {
		t.Errorf("%d buckets kept after every other client went idle, want 1: memory grows with every new address", n)
	}
}
