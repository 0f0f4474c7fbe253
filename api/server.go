// Package api is Guildhall's HTTP server: the routes of the public contract (API.md), request
// logging, metrics, one error mapper that turns every error into an RFC 9457 problem, and the
// OpenAPI document that describes them.
package api

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/rewards"
)

// Config holds what the server needs. Only Communities is required.
type Config struct {
	// Logger receives one line per request and every internal error. Nil discards logs.
	Logger *slog.Logger

	// Communities serves the community reads. It must not be nil.
	Communities guildhall.CommunityStore

	// Ready reports whether the server can do its work (database and chain reachable). A nil error
	// means ready. Its error is logged in full; callers of /readyz see only the message of a
	// *guildhall.Error in its chain (so name the failing dependency there, e.g.
	// fmt.Errorf("%w: %v", guildhall.Errorf(guildhall.EUNAVAILABLE, "database not reachable"), err))
	// and a generic message otherwise. A nil Ready means always ready.
	Ready func(ctx context.Context) error

	// Warnings, when set, names what /readyz reports without failing (e.g. an operator balance
	// that covers less than a day of its spend). It must answer at once (no I/O).
	Warnings func() []string

	// Leads, when set, names the jobs this process leads now, for /readyz. It must answer at once.
	Leads func() []string

	// Rewards serves the issuer API (rules, rewards, budgets) and the leaderboard. Nil answers
	// those routes with 503.
	Rewards rewards.Store

	// Governance opens, queues and executes proposals, relays gasless ballots and delegations,
	// cross-checks tallies with the chain and signs members in (Sign-In with Ethereum). A nil part
	// answers its routes with 503.
	Governance GovernanceConfig

	// Index serves the indexed chain data (balances, holders, transfers, proposals, votes) and the
	// community detail's supply and holders. Nil answers those routes with 503.
	Index IndexReader

	// Health serves the community health figures, the at-risk segment and the staff lists
	// (api/stats.go). A nil Health.Store answers those routes with 503.
	Health HealthConfig

	// Recognition keeps the level ladders, roles and badges and serves members' profiles, role
	// checks and the feed of changes (api/recognition.go). Nil answers those routes with 503.
	Recognition RecognitionStore

	// Dashboard is the members' dashboard (web.FS), served at / and /assets/. Nil serves none.
	Dashboard fs.FS

	// Limits bound each client's request rate and each request's time; zero fields take
	// DefaultLimits.
	Limits Limits

	// MetricsElsewhere leaves /metrics off this handler, for a server that serves the registry
	// on an address of its own (serve --metrics-addr: kept off the public listener).
	MetricsElsewhere bool
	// ProbesOnly serves /healthz, /readyz and /metrics and nothing else: a worker process's
	// listener (serve --role worker).
	ProbesOnly bool

	// Registry receives the server's request metrics and the Go and process collectors, and is
	// what /metrics serves. Nil means a new registry owned by this server.
	Registry *prometheus.Registry
}

// server holds the dependencies the handlers share.
type server struct {
	logger      *slog.Logger
	communities guildhall.CommunityStore
	rewards     rewards.Store
	gov         GovernanceConfig
	index       IndexReader
	stats       HealthConfig
	latest      *health.Latest // nil when stats.Wait is 0: every read from the current snapshot
	recognition RecognitionStore
	ready       func(ctx context.Context) error
	registry    *prometheus.Registry
	metrics     *httpMetrics
	limits      Limits
	// contracts caches each community's contract addresses (address -> "token", "governor",
	// "timelock"), which never change, for the reward requests' recipient check.
	contracts sync.Map
	// leads names the jobs this process leads (Config.Leads).
	leads func() []string
	// warnings names what /readyz reports without failing (Config.Warnings).
	warnings func() []string
	// relaySlots holds a token per relay request being checked (relayTurn).
	relaySlots chan struct{}
	// metricsElsewhere: /metrics is served on another listener, not here.
	metricsElsewhere bool
	probesOnly       bool
	// ipLimiter bounds unauthenticated writes per client address, issuerLimiter requests per
	// issuer key; nil is no limit.
	ipLimiter, issuerLimiter *keyedLimiter
	issuerKeys               issuerKeyCache // the reward accepts' keys (requireAcceptingIssuer)
	engine                   *gin.Engine
}

// NewServer returns the HTTP handler serving every route in routes.go.
//
// It puts Gin in release mode, which is process-wide. It panics if cfg.Communities is nil or if
// cfg.Registry holds a different collector under one of the server's metric names: both are
// wiring mistakes, not runtime conditions.
func NewServer(cfg Config) http.Handler {
	return newServer(cfg).engine
}

// newServer is NewServer keeping the handlers' state in reach, so tests can walk the route table
// and call the error mapper.
func newServer(cfg Config) *server {
	if cfg.Communities == nil {
		panic("api: NewServer needs a CommunityStore")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	registry := cfg.Registry
	if registry == nil {
		registry = prometheus.NewRegistry()
	}
	ready := cfg.Ready
	if ready == nil {
		ready = func(context.Context) error { return nil }
	}
	s := &server{
		logger:           logger.With("component", "api"),
		communities:      cfg.Communities,
		rewards:          cfg.Rewards,
		gov:              cfg.Governance,
		index:            cfg.Index,
		stats:            cfg.Health,
		latest:           newLatest(cfg.Health.Wait),
		recognition:      cfg.Recognition,
		ready:            ready,
		registry:         registry,
		metrics:          newHTTPMetrics(registry),
		limits:           cfg.Limits.withDefaults(),
		metricsElsewhere: cfg.MetricsElsewhere,
		probesOnly:       cfg.ProbesOnly,
	}
	s.relaySlots = make(chan struct{}, s.limits.RelaysChecking)
	s.warnings = cfg.Warnings
	if s.leads = cfg.Leads; s.leads == nil {
		s.leads = func() []string { return nil }
	}
	if s.warnings == nil {
		s.warnings = func() []string { return nil }
	}
	s.ipLimiter = newKeyedLimiter(s.limits.PerIP, s.limits.IPBurst)
	s.issuerLimiter = newKeyedLimiter(s.limits.PerIssuer, s.limits.IssuerBurst)

	gin.SetMode(gin.ReleaseMode)
	s.engine = gin.New()
	// A trailing-slash redirect would bypass the middleware (no log line, no metric) and is not
	// part of the contract: an unknown path is a 404 problem.
	s.engine.RedirectTrailingSlash = false
	s.engine.HandleMethodNotAllowed = true
	// ClientIP, which the per-address limits key on, believes X-Forwarded-For only from the
	// configured proxies (none by default).
	if err := s.engine.SetTrustedProxies(s.limits.TrustedProxies); err != nil {
		panic("api: trusted proxies: " + err.Error())
	}
	s.engine.Use(s.requestID, s.observe, s.recoverPanic, s.withDeadline)
	addRoutes(s.engine, s)
	if cfg.Dashboard != nil {
		s.addDashboard(s.engine, cfg.Dashboard)
	}
	return s
}
