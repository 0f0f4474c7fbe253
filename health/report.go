package health

import (
	"math/big"
	"time"

	"github.com/guildhall/guildhall"
)

// The answers of a health store (postgres.HealthStore): what each read returns, each embedding
// the Meta its figures are true at. They are plain data, shared by the store that fills them and
// the API that renders them.

// Scope names what a read is about: the community, and the operator account (excluded from every
// figure with the zero address, the community's contracts and its staff); "" for none.
type Scope struct {
	Community string
	Operator  string
}

// Meta is what every health answer names: the block its figures are true at, the newest reward
// time included (nil before the first reward) and today, the UTC day of as_of.
type Meta struct {
	AsOf          guildhall.AsOf
	LedgerThrough *time.Time
	Today         Day
}

// OverviewReport is GET …/stats/overview.
type OverviewReport struct {
	Meta
	Overview
	Holders                 int
	VotingPower             Concentration
	DelegatesActive         int
	DormantVotingPowerShare *float64
}

// ActivityItem is one period of GET …/stats/activity.
type ActivityItem struct {
	SeriesItem
	Rewards       int
	RewardsAmount *big.Int
	HoldersEnd    int
}

// ActivityReport is GET …/stats/activity.
type ActivityReport struct {
	Meta
	Items []ActivityItem
}

// RetentionReport is GET …/stats/retention.
type RetentionReport struct {
	Meta
	Cohorts []Cohort
}

// LifecycleReport is GET …/stats/lifecycle.
type LifecycleReport struct {
	Meta
	Items []LifecycleItem
}

// AtRiskEntry is one member of GET …/members?segment=at_risk: its at-risk figures and what it
// earned over the AtRiskWindow days.
type AtRiskEntry struct {
	AtRiskMember
	Earned90d *big.Int
}

// AtRiskReport is the at-risk segment, longest silent first.
type AtRiskReport struct {
	Meta
	Members []AtRiskEntry
}

// ConcentrationReport is GET …/stats/concentration.
type ConcentrationReport struct {
	Meta
	Concentration
	MinForQuorum *int // of=voting_power only
}

// DelegatesPage is one page of GET …/delegates.
type DelegatesPage struct {
	Meta
	Items []DelegateRecord
	Next  int // the offset of the next page; 0 on the last
}

// GovernanceReport is GET …/stats/governance.
type GovernanceReport struct {
	Meta
	GovernanceStats
}

// IssuerTotals is one row of by_issuer: the issuer's totals (Key: the issuer id) and name.
type IssuerTotals struct {
	RewardTotals
	Issuer string
}

// ContributionReport is GET …/stats/contribution over the last Days days, today included.
type ContributionReport struct {
	Meta
	Days                     int
	ByActivity               []RewardTotals // Key: the activity
	ByIssuer                 []IssuerTotals
	PowerFollowsContribution *float64
	EarnersNeverVotedShare   *float64
	DormantVotingPowerShare  *float64
}

// StaffMember is one address on a community's staff list, excluded from every figure.
type StaffMember struct {
	Address string    `db:"address" json:"address"`
	AddedAt time.Time `db:"added_at" json:"added_at"`
}
