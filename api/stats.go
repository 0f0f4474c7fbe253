package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
)

// Community health (issue 11): public figures of a community, each true at its as_of block and
// ledger_through time and defined in health.Definitions, served at /v1/stats/definitions; an
// issuer-only at-risk member segment; and the issuers' staff list, whose accounts no figure counts.

// definitionsPath is where the definitions are served; every stats answer links to it.
const definitionsPath = "/v1/stats/definitions"

// HealthReader reads a community's health figures and keeps its staff list (postgres.HealthStore).
// Every figure is true at the Meta it embeds. An unknown community is ENOTFOUND, a community not
// indexed yet EUNAVAILABLE, a bad parameter an EINVALID error naming it.
type HealthReader interface {
	Overview(ctx context.Context, scope health.Scope) (*health.OverviewReport, error)
	Activity(ctx context.Context, scope health.Scope, iv health.Interval, from, to string) (*health.ActivityReport, error)
	Retention(ctx context.Context, scope health.Scope, iv health.Interval, n int, b health.Basis) (*health.RetentionReport, error)
	Lifecycle(ctx context.Context, scope health.Scope, iv health.Interval, from, to string) (*health.LifecycleReport, error)
	AtRisk(ctx context.Context, scope health.Scope) (*health.AtRiskReport, error)
	Governance(ctx context.Context, scope health.Scope, last int) (*health.GovernanceReport, error)
	Concentration(ctx context.Context, scope health.Scope, of string) (*health.ConcentrationReport, error)
	Delegates(ctx context.Context, scope health.Scope, sortBy string, limit, offset int) (*health.DelegatesPage, error)
	Contribution(ctx context.Context, scope health.Scope, days int) (*health.ContributionReport, error)
	Referrals(ctx context.Context, scope health.Scope) (*health.ReferralsReport, error)
	AddStaff(ctx context.Context, community string, address common.Address) error
	RemoveStaff(ctx context.Context, community string, address common.Address) error
	Staff(ctx context.Context, community string) ([]health.StaffMember, error)
}

// HealthConfig serves the community health routes.
type HealthConfig struct {
	// Store reads the figures and keeps the staff lists. Nil answers those routes with 503 (the
	// definitions are served regardless).
	Store HealthReader
	// Operator is the operator account's address, left out of every figure; "" for none.
	Operator string
	// Wait is how long a read waits for the figures of the current snapshot before answering
	// with the newest ones computed for it (health.Latest); 0 answers every read from the
	// current snapshot. A request with Cache-Control: no-cache always gets the current snapshot.
	Wait time.Duration
}

// Query parameter bounds of the stats routes.
const (
	defaultGovernanceLast = 20   // last= of the governance figures
	maxGovernanceLast     = 500  // proposals one answer lists at most
	maxContributionDays   = 3660 // days= of the contribution window, about ten years
)

// DefaultStatsWait is HealthConfig.Wait of guildhall serve: long enough for the figures of a
// snapshot already computed (a read of cached figures takes a few milliseconds), short enough
// that a dashboard never waits for a new block's figures to be computed.
const DefaultStatsWait = 15 * time.Millisecond

// statsMaxAge bounds how old the newest computed figures may be to answer a read that does not
// wait for the current ones: a read after a quiet minute waits.
const statsMaxAge = time.Minute

// addStatsRoutes registers the community health routes; issuer is the group of routes reachable
// only with an issuer key of the community in the path.
func addStatsRoutes(r *gin.Engine, issuer *gin.RouterGroup, s *server) {
	r.GET(definitionsPath, s.handleStatsDefinitions)
	r.GET("/v1/communities/:cid/stats/overview", s.handleStatsOverview)
	r.GET("/v1/communities/:cid/stats/activity", s.handleStatsActivity)
	r.GET("/v1/communities/:cid/stats/retention", s.handleStatsRetention)
	r.GET("/v1/communities/:cid/stats/lifecycle", s.handleStatsLifecycle)
	r.GET("/v1/communities/:cid/stats/governance", s.handleStatsGovernance)
	r.GET("/v1/communities/:cid/stats/concentration", s.handleStatsConcentration)
	r.GET("/v1/communities/:cid/stats/contribution", s.handleStatsContribution)
	r.GET("/v1/communities/:cid/stats/referrals", s.handleStatsReferrals)
	r.GET("/v1/communities/:cid/delegates", s.handleDelegates)
	issuer.GET("/members", s.handleMemberSegment)
	issuer.GET("/staff", s.handleListStaff)
	issuer.PUT("/staff/:address", s.requireScope(guildhall.ScopeRules), s.handlePutStaff)
	issuer.DELETE("/staff/:address", s.requireScope(guildhall.ScopeRules), s.handleDeleteStaff)
}

// statsMeta is what every stats answer names: the block and the ledger time its figures are true
// at, today (the UTC day of as_of) and where the definitions are.
type statsMeta struct {
	AsOf          asOfJSON   `json:"as_of"`
	LedgerThrough *string    `json:"ledger_through"`
	Today         health.Day `json:"today"`
	Definitions   string     `json:"definitions"`
}

func newStatsMeta(m health.Meta) statsMeta {
	out := statsMeta{AsOf: newAsOf(m.AsOf), Today: m.Today, Definitions: definitionsPath}
	if m.LedgerThrough != nil {
		t := m.LedgerThrough.UTC().Format(time.RFC3339)
		out.LedgerThrough = &t
	}
	return out
}

// healthStore returns the health store, or an EUNAVAILABLE error when the server has none.
func (s *server) healthStore() (HealthReader, error) {
	if s.stats.Store == nil {
		return nil, guildhall.Errorf(guildhall.EUNAVAILABLE, "community health is not available: the health store is not configured")
	}
	return s.stats.Store, nil
}

// statsFetch reads one answer's figures of scope's community.
type statsFetch[R any] func(h HealthReader, ctx context.Context, scope health.Scope) (*R, error)

// serveStats answers one stats read: badParams is the error of the query parameters (nil when
// they are good: an EINVALID error names the bad one), fetch reads the figures of the community in
// the path, and render turns them into the response body.
func serveStats[R any](s *server, c *gin.Context, badParams error, fetch statsFetch[R], render func(*R) any) {
	if badParams != nil {
		s.writeError(c, badParams)
		return
	}
	store, err := s.healthStore()
	if err != nil {
		s.writeError(c, err)
		return
	}
	scope := health.Scope{Community: c.Param("cid"), Operator: s.stats.Operator}
	report, err := health.Read(c.Request.Context(), s.latest, c.Request.URL.Path+"?"+c.Request.URL.Query().Encode(), wantsCurrent(c),
		func(ctx context.Context) (*R, error) { return fetch(store, ctx, scope) })
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, render(report))
}

// newLatest returns the health.Latest of a stats wait, nil when it is 0.
func newLatest(wait time.Duration) *health.Latest {
	if wait <= 0 {
		return nil
	}
	return health.NewLatest(wait, statsMaxAge)
}

// wantsCurrent reports whether the request asks for the figures of the current snapshot, not
// the newest computed (Cache-Control: no-cache or max-age=0, as a client that has just written
// something sends).
func wantsCurrent(c *gin.Context) bool {
	for _, d := range strings.Split(c.GetHeader("Cache-Control"), ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d == "no-cache" || d == "max-age=0" {
			return true
		}
	}
	return false
}

// statsKeyPrefix is how the keys of community's stats reads start (their request paths).
func statsKeyPrefix(community string) string { return "/v1/communities/" + community + "/" }

// checkDates refuses a from= or to= that is not an ISO date, naming each, before any read.
func checkDates(c *gin.Context, names ...string) error {
	var errs []error
	for _, name := range names {
		if v := strings.TrimSpace(c.Query(name)); v != "" {
			if _, err := health.ParseDay(v); err != nil {
				errs = append(errs, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid " + name,
					Fields: []guildhall.FieldError{{Field: name, Message: err.Error()}}})
			}
		}
	}
	return joinInvalid(errs...)
}

// oneOf returns the query parameter name when it is one of allowed, allowed[0] (the default) when
// it is empty, and otherwise an EINVALID error naming it.
func oneOf(c *gin.Context, name string, allowed ...string) (string, error) {
	v := strings.TrimSpace(c.Query(name))
	switch {
	case v == "":
		return allowed[0], nil
	case slices.Contains(allowed, v):
		return v, nil
	}
	return "", &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid " + name, Fields: []guildhall.FieldError{{
		Field: name, Message: "must be one of " + strings.Join(allowed, ", ") + ", not " + strconv.Quote(v)}}}
}

// joinInvalid returns nil when every err is nil, the one error when only one is not, and one
// EINVALID error naming every bad parameter when several are (each an EINVALID error).
func joinInvalid(errs ...error) error {
	var bad []error
	var fields []guildhall.FieldError
	for _, err := range errs {
		if err == nil {
			continue
		}
		if guildhall.ErrorCode(err) != guildhall.EINVALID {
			return err
		}
		bad = append(bad, err)
		fields = append(fields, guildhall.ErrorFields(err)...)
	}
	switch len(bad) {
	case 0:
		return nil
	case 1:
		return bad[0]
	}
	return &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid query parameters", Fields: fields}
}
