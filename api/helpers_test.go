package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/internal/openapitest"
	"github.com/guildhall/guildhall/internal/testlog"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// testChain is the chain every test database is bound to.
const testChain = 1337

// testServer is a server over a fresh migrated database, with its log kept for assertions.
type testServer struct {
	*server
	db  *postgres.DB
	log *testlog.Buffer
}

// serverOption changes the Config of a test server before it is built.
type serverOption func(*Config)

// withReady makes the server's readiness check ready.
func withReady(ready func(context.Context) error) serverOption {
	return func(c *Config) { c.Ready = ready }
}

// newTestServer returns a server over a fresh database bound to testChain.
func newTestServer(t *testing.T, opts ...serverOption) *testServer {
	t.Helper()
	db := pgtest.NewDB(t)
	err := postgres.NewCommunityStore(db).BindChain(t.Context(), guildhall.ChainIdentity{
		ChainID:     testChain,
		GenesisHash: "0x" + strings.Repeat("ab", 32),
	})
	if err != nil {
		t.Fatalf("bind chain: %v", err)
	}
	log := &testlog.Buffer{}
	cfg := Config{
		Logger:      slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Communities: postgres.NewCommunityStore(db),
		Registry:    prometheus.NewRegistry(),
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", log.String())
		}
	})
	return &testServer{server: newServer(cfg), db: db, log: log}
}

// get serves GET path and returns the recorded response.
func (s *testServer) get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	return s.do(t, http.MethodGet, path, nil)
}

// do serves one request and returns the recorded response.
func (s *testServer) do(t *testing.T, method, path string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, nil)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return serve(t, s.engine, req)
}

// openAPI is the served openapi.json, loaded once for every test of the package.
var openAPI = sync.OnceValues(func() (*openapitest.Document, error) {
	return openapitest.Load(openAPIDocument)
})

// serve serves req on h and returns the recorded response. Every test request goes through here,
// so every response is checked against openapi.json: a status, header or body the document does
// not describe fails the test, naming the route and the status (add it to openapi.json, or fix
// the handler).
func serve(t testing.TB, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if openapitest.Exempt(req.URL.Path) || strings.HasPrefix(req.URL.Path, "/test/") {
		return rec // the dashboard, and routes a test adds to exercise the middleware
	}
	doc, err := openAPI()
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Check(req, rec.Result()); err != nil {
		t.Errorf("openapi.json: %v", err)
	}
	return rec
}

// seed stores communities with the given ids, in that order, and returns them by id.
func (s *testServer) seed(t *testing.T, ids ...string) map[string]*guildhall.Community {
	t.Helper()
	out := make(map[string]*guildhall.Community, len(ids))
	for _, id := range ids {
		c := newCommunity(len(out)+1, id)
		if err := postgres.NewCommunityStore(s.db).CreateCommunity(t.Context(), c); err != nil {
			t.Fatalf("create community %s: %v", id, err)
		}
		out[id] = c
	}
	return out
}

// newCommunity returns a community whose addresses are distinct, EIP-55 checksummed and depend
// on n, so every seeded community has its own contracts.
func newCommunity(n int, id string) *guildhall.Community {
	settings := guildhall.DefaultGovernanceSettings()
	settings.ProposalThreshold, _ = new(big.Int).SetString("1500000000000000000000", 10)
	return &guildhall.Community{
		ID:              id,
		Name:            "Community " + id,
		Symbol:          fmt.Sprintf("GLD%d", n),
		ChainID:         testChain,
		TokenAddress:    testAddress(n, 1),
		GovernorAddress: testAddress(n, 2),
		TimelockAddress: testAddress(n, 3),
		DeploymentBlock: uint64(100 + n),
		DeploymentTx:    fmt.Sprintf("0x%064x", n),
		Settings:        settings,
	}
}

// testAddress returns an EIP-55 address with letters in both cases.
func testAddress(n, role int) string {
	v := new(big.Int).Lsh(big.NewInt(int64(0xabcdef00+n*16+role)), 120)
	return common.BigToAddress(v).Hex()
}

// decode unmarshals rec's body into a value of type T, failing the test if it is not JSON.
func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T from %q: %v", v, rec.Body.String(), err)
	}
	return v
}

// problemResponse is a problem as a client decodes it.
type problemResponse struct {
	Type      string                 `json:"type"`
	Title     string                 `json:"title"`
	Status    int                    `json:"status"`
	Detail    string                 `json:"detail"`
	Errors    []guildhall.FieldError `json:"errors"`
	RequestID string                 `json:"request_id"`
}

// wantProblem checks rec is a problem+json response with status and returns it.
func wantProblem(t *testing.T, rec *httptest.ResponseRecorder, status int) problemResponse {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	p := decode[problemResponse](t, rec)
	if p.Status != status {
		t.Errorf("problem status = %d, want %d", p.Status, status)
	}
	if p.Title != http.StatusText(status) {
		t.Errorf("problem title = %q, want %q", p.Title, http.StatusText(status))
	}
	if !strings.HasPrefix(p.Type, "https://guildhall.dev/problems/") {
		t.Errorf("problem type = %q, want a https://guildhall.dev/problems/ URI", p.Type)
	}
	if p.Detail == "" {
		t.Error("problem detail is empty")
	}
	if p.RequestID == "" || p.RequestID != rec.Header().Get("X-Request-Id") {
		t.Errorf("problem request_id = %q, X-Request-Id = %q: want the same, non-empty",
			p.RequestID, rec.Header().Get("X-Request-Id"))
	}
	return p
}

// jsonEqual reports whether two JSON documents hold the same values.
func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("decode response %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("decode expectation: %v", err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	return bytes.Equal(gb, wb)
}
