package api

import (
	"context"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall/health"
)

// The public stats reads: one handler per route of addStatsRoutes, each a parse (its query
// parameters, through package health's parsers) and a render (the JSON the contract names).

// overviewJSON is GET /v1/communities/{cid}/stats/overview.
type overviewJSON struct {
	health.Overview
	Holders                 int                  `json:"holders"`
	VotingPower             health.Concentration `json:"voting_power"`
	DelegatesActive         int                  `json:"delegates_active"`
	DormantVotingPowerShare *float64             `json:"dormant_voting_power_share"`
	statsMeta
}

func (s *server) handleStatsOverview(c *gin.Context) {
	serveStats(s, c, nil, HealthReader.Overview, func(r *health.OverviewReport) any {
		return overviewJSON{Overview: r.Overview, Holders: r.Holders, VotingPower: r.VotingPower, DelegatesActive: r.DelegatesActive,
			DormantVotingPowerShare: r.DormantVotingPowerShare, statsMeta: newStatsMeta(r.Meta)}
	})
}

// activityItemJSON is one period of the activity series.
type activityItemJSON struct {
	health.SeriesItem
	Rewards       int    `json:"rewards"`
	RewardsAmount string `json:"rewards_amount"`
	HoldersEnd    int    `json:"holders_end"`
}

// activityJSON is GET /v1/communities/{cid}/stats/activity.
type activityJSON struct {
	Interval health.Interval    `json:"interval"`
	Items    []activityItemJSON `json:"items"`
	statsMeta
}

func (s *server) handleStatsActivity(c *gin.Context) {
	serveSeries(s, c, health.ParseInterval, HealthReader.Activity, func(iv health.Interval, r *health.ActivityReport) any {
		out := activityJSON{Interval: iv, Items: make([]activityItemJSON, len(r.Items)), statsMeta: newStatsMeta(r.Meta)}
		for i, it := range r.Items {
			out.Items[i] = activityItemJSON{SeriesItem: it.SeriesItem, Rewards: it.Rewards, RewardsAmount: amount(it.RewardsAmount),
				HoldersEnd: it.HoldersEnd}
		}
		return out
	})
}

// serveSeries answers a series read of interval= (read by parseInterval), from= and to= (ISO
// dates; their defaults and range are the store's, at the community's today).
func serveSeries[R any](s *server, c *gin.Context, parseInterval func(string) (health.Interval, error),
	fetch func(HealthReader, context.Context, health.Scope, health.Interval, string, string) (*R, error),
	render func(health.Interval, *R) any) {
	iv, err := parseInterval(c.Query("interval"))
	from, to := c.Query("from"), c.Query("to")
	serveStats(s, c, joinInvalid(err, checkDates(c, "from", "to")), func(h HealthReader, ctx context.Context, scope health.Scope) (*R, error) {
		return fetch(h, ctx, scope, iv, from, to)
	}, func(r *R) any { return render(iv, r) })
}

// retentionJSON is GET /v1/communities/{cid}/stats/retention.
type retentionJSON struct {
	Cohort  health.Interval `json:"cohort"`
	Basis   health.Basis    `json:"basis"`
	Cohorts []health.Cohort `json:"cohorts"`
	statsMeta
}

func (s *server) handleStatsRetention(c *gin.Context) {
	iv, err1 := health.ParseCohort(c.Query("cohort"))
	n, err2 := health.ParseCount("periods", c.Query("periods"), health.DefaultPeriods, health.MaxCohorts)
	basis, err3 := health.ParseBasis(c.Query("basis"))
	serveStats(s, c, joinInvalid(err1, err2, err3), func(h HealthReader, ctx context.Context, scope health.Scope) (*health.RetentionReport, error) {
		return h.Retention(ctx, scope, iv, n, basis)
	}, func(r *health.RetentionReport) any {
		return retentionJSON{Cohort: iv, Basis: basis, Cohorts: nonNil(r.Cohorts), statsMeta: newStatsMeta(r.Meta)}
	})
}

// lifecycleJSON is GET /v1/communities/{cid}/stats/lifecycle.
type lifecycleJSON struct {
	Interval health.Interval        `json:"interval"`
	Items    []health.LifecycleItem `json:"items"`
	statsMeta
}

func (s *server) handleStatsLifecycle(c *gin.Context) {
	serveSeries(s, c, health.ParseLifecycleInterval, HealthReader.Lifecycle, func(iv health.Interval, r *health.LifecycleReport) any {
		return lifecycleJSON{Interval: iv, Items: nonNil(r.Items), statsMeta: newStatsMeta(r.Meta)}
	})
}

// governanceJSON is GET /v1/communities/{cid}/stats/governance.
type governanceJSON struct {
	health.GovernanceStats
	statsMeta
}

func (s *server) handleStatsGovernance(c *gin.Context) {
	last, err := health.ParseCount("last", c.Query("last"), defaultGovernanceLast, maxGovernanceLast)
	serveStats(s, c, err, func(h HealthReader, ctx context.Context, scope health.Scope) (*health.GovernanceReport, error) {
		return h.Governance(ctx, scope, last)
	}, func(r *health.GovernanceReport) any {
		g := r.GovernanceStats
		g.Proposals = nonNil(g.Proposals)
		return governanceJSON{GovernanceStats: g, statsMeta: newStatsMeta(r.Meta)}
	})
}

// concentrationJSON is GET /v1/communities/{cid}/stats/concentration.
type concentrationJSON struct {
	Of string `json:"of"`
	health.Concentration
	MinForQuorum *int `json:"min_for_quorum"`
	statsMeta
}

func (s *server) handleStatsConcentration(c *gin.Context) {
	of, err := oneOf(c, "of", "voting_power", "balance")
	serveStats(s, c, err, func(h HealthReader, ctx context.Context, scope health.Scope) (*health.ConcentrationReport, error) {
		return h.Concentration(ctx, scope, of)
	}, func(r *health.ConcentrationReport) any {
		return concentrationJSON{Of: of, Concentration: r.Concentration, MinForQuorum: r.MinForQuorum, statsMeta: newStatsMeta(r.Meta)}
	})
}

// totalsJSON is what a by_activity or by_issuer row counts.
type totalsJSON struct {
	Rewards int    `json:"rewards"`
	Amount  string `json:"amount"`
	Members int    `json:"members"`
}

func newTotalsJSON(t health.RewardTotals) totalsJSON {
	return totalsJSON{Rewards: t.Rewards, Amount: amount(t.Amount), Members: t.Members}
}

type activityTotalsJSON struct {
	Activity string `json:"activity"`
	totalsJSON
}

type issuerTotalsJSON struct {
	IssuerID string `json:"issuer_id"`
	Issuer   string `json:"issuer"`
	totalsJSON
}

// contributionJSON is GET /v1/communities/{cid}/stats/contribution.
type contributionJSON struct {
	Days                     int                  `json:"days"`
	ByActivity               []activityTotalsJSON `json:"by_activity"`
	ByIssuer                 []issuerTotalsJSON   `json:"by_issuer"`
	PowerFollowsContribution *float64             `json:"power_follows_contribution"`
	EarnersNeverVotedShare   *float64             `json:"earners_never_voted_share"`
	DormantVotingPowerShare  *float64             `json:"dormant_voting_power_share"`
	statsMeta
}

func (s *server) handleStatsContribution(c *gin.Context) {
	days, err := health.ParseCount("days", c.Query("days"), health.DefaultWindow, maxContributionDays)
	serveStats(s, c, err, func(h HealthReader, ctx context.Context, scope health.Scope) (*health.ContributionReport, error) {
		return h.Contribution(ctx, scope, days)
	}, renderContribution)
}

// renderContribution writes the contribution figures, amounts as decimal strings.
func renderContribution(r *health.ContributionReport) any {
	out := contributionJSON{Days: r.Days, ByActivity: make([]activityTotalsJSON, len(r.ByActivity)),
		ByIssuer: make([]issuerTotalsJSON, len(r.ByIssuer)), PowerFollowsContribution: r.PowerFollowsContribution,
		EarnersNeverVotedShare: r.EarnersNeverVotedShare, DormantVotingPowerShare: r.DormantVotingPowerShare,
		statsMeta: newStatsMeta(r.Meta)}
	for i, t := range r.ByActivity {
		out.ByActivity[i] = activityTotalsJSON{Activity: t.Key, totalsJSON: newTotalsJSON(t)}
	}
	for i, t := range r.ByIssuer {
		out.ByIssuer[i] = issuerTotalsJSON{IssuerID: t.Key, Issuer: t.Issuer, totalsJSON: newTotalsJSON(t.RewardTotals)}
	}
	return out
}

// delegateJSON is one delegate's record; its voting power is a decimal string.
type delegateJSON struct {
	health.DelegateRecord
	VotingPower string `json:"voting_power"`
}

// delegatesJSON is one page of GET /v1/communities/{cid}/delegates.
type delegatesJSON struct {
	Sort       string         `json:"sort"`
	Items      []delegateJSON `json:"items"`
	NextCursor *string        `json:"next_cursor"`
	statsMeta
}

func (s *server) handleDelegates(c *gin.Context) {
	sortBy, err := oneOf(c, "sort", "voting_power", "participation")
	p, perr := parsePage(c, offsetPosition)
	offset := 0
	if p.After != nil {
		offset = *p.After
	}
	serveStats(s, c, joinInvalid(err, perr), func(h HealthReader, ctx context.Context, scope health.Scope) (*health.DelegatesPage, error) {
		return h.Delegates(ctx, scope, sortBy, p.Limit, offset)
	}, func(r *health.DelegatesPage) any {
		next := ""
		if r.Next > 0 {
			next = strconv.Itoa(r.Next)
		}
		out := delegatesJSON{Sort: sortBy, Items: make([]delegateJSON, len(r.Items)), NextCursor: nextCursor(next),
			statsMeta: newStatsMeta(r.Meta)}
		for i, d := range r.Items {
			out.Items[i] = delegateJSON{DelegateRecord: d, VotingPower: amount(d.VotingPower)}
		}
		return out
	})
}

// nonNil returns s, or an empty slice for nil, so JSON has [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
