// Package demo lays down the demo community's history on a dev chain that started in the past:
// members joining over about six months, rewards from two issuers through the reward ledger and
// the minter, transfers, delegations and proposals in every state, all as real transactions at
// the chain's own clock, so every health figure is computed from what happened.
//
// The history is planned up front from a fixed seed (plan.go), then played day by day (seed.go).
package demo

import (
	"crypto/ecdsa"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
)

// HistoryDays is how many days of history the demo lays down, ending yesterday (UTC).
const HistoryDays = 182

// GeneratedMembers is how many demo member accounts are generated, besides the dev accounts
// #1 to #3, which are members too (so a newcomer holding a printed dev key can vote).
const GeneratedMembers = 200

// Start is where a new dev chain's clock starts for the demo: midnight UTC HistoryDays days
// before now's day.
func Start(now time.Time) time.Time {
	day := now.UTC().Truncate(24 * time.Hour)
	return day.AddDate(0, 0, -HistoryDays)
}

// Settings are the demo community's governance settings: days, not minutes, so proposals live
// through the history as they would in a real community, and the open one stays open for days.
func Settings() guildhall.GovernanceSettings {
	return guildhall.GovernanceSettings{
		VotingDelay:         time.Hour,
		VotingPeriod:        5 * 24 * time.Hour,
		TimelockDelay:       24 * time.Hour,
		LateQuorumExtension: time.Hour,
		QuorumPercent:       4,
		ProposalThreshold:   new(big.Int),
	}
}

// profile is how engaged a member is: the chance of a rewarded activity on a day, and how long
// they stay before going quiet for good (mean days).
type profile struct {
	name  string
	rate  float64
	stays float64
}

var (
	core    = profile{"core", 0.30, 600}
	regular = profile{"regular", 0.10, 120}
	casual  = profile{"casual", 0.035, 35}
)

// member is one demo account and what the plan has it do.
type member struct {
	key     *ecdsa.PrivateKey
	addr    common.Address
	label   string // "dev account #1", "member 17"
	profile profile
	join    int // day of the first reward
	quiet   int // first day with no more activity
	cafe    float64
	// delegate is who the member delegates to on delegateDay (nil: keeps the automatic
	// self-delegation).
	delegate    *member
	delegateDay int
	neverVotes  bool // the dev accounts leave every vote to whoever holds their keys
	// referrer is the member who brought this one in, named on its first reward (nil: organic).
	referrer *member
}

// active reports whether the member may be rewarded on day d.
func (m *member) active(d int) bool { return d >= m.join && d < m.quiet }

// outcome is what a planned proposal ends as.
type outcome string

const (
	executed  outcome = "executed"
	defeated  outcome = "defeated"
	noQuorum  outcome = "missed quorum"
	queued    outcome = "queued"
	succeeded outcome = "succeeded" // passed, and left for anyone to queue (the dashboard's Queue button)
	stillOpen outcome = "active"
)

// proposalPlan is one proposal: created on day created (days before today: ago), with an outcome.
type proposalPlan struct {
	ago     int
	outcome outcome
	title   string
	grant   bool // mints a grant to a member through the timelock; else changes a setting
}

// proposals are the demo's proposals, oldest first: every state a member meets, an open one last.
var proposals = []proposalPlan{
	{170, executed, "Fund the spring repair café", true},
	{158, executed, "Set a proposal threshold of 10 GUILD", false},
	{146, defeated, "Double the reward for reviews", true},
	{134, noQuorum, "Sponsor the winter bike ride", true},
	{122, executed, "Grant for the community garden stall", true},
	{110, executed, "Thank-you grant for the workshop hosts", true},
	{98, defeated, "Move the monthly meetup to Sundays", true},
	{86, executed, "Grant for the kids' cycling course", true},
	{74, noQuorum, "Print a member newsletter", true},
	{62, executed, "Grant for the summer market booth", true},
	{50, defeated, "Reward every purchase twice on weekends", true},
	{38, executed, "Fund new tools for the repair corner", true},
	{26, noQuorum, "Sponsor the charity run", true},
	{16, executed, "Grant for the autumn cleanup crew", true},
	{8, queued, "Grant for the neighbourhood cargo bike", true},
	{7, succeeded, "Grant for the repair café's new sign", true},
	{1, stillOpen, "Open a second repair evening each week", true},
}

// plan is the whole demo history: its members (the active delegate first, the one that stopped
// voting second) and its days.
type plan struct {
	start   time.Time
	members []*member
	active  *member // the delegate who votes
	ghost   *member // the delegate who stopped voting after the first proposals
}

// day returns the midnight of history day d.
func (p *plan) day(d int) time.Time { return p.start.AddDate(0, 0, d) }

// newPlan plans the history from start (midnight of day 0) with the dev accounts' keys devKeys.
func newPlan(start time.Time, devKeys []*ecdsa.PrivateKey) *plan {
	rng := rand.New(rand.NewPCG(13, 2026))
	p := &plan{start: start}
	for i := range GeneratedMembers {
		key := crypto.ToECDSAUnsafe(crypto.Keccak256(fmt.Appendf(nil, "guildhall demo member %d", i)))
		m := &member{key: key, addr: crypto.PubkeyToAddress(key.PublicKey), label: fmt.Sprintf("member %d", i)}
		m.profile, m.join = pickProfile(rng, i), joinDay(rng, i)
		p.members = append(p.members, m)
	}
	for i, key := range devKeys {
		m := &member{key: key, addr: crypto.PubkeyToAddress(key.PublicKey), label: fmt.Sprintf("dev account #%d", i+1),
			profile: regular, join: 5 + 7*i, neverVotes: true}
		p.members = append(p.members, m)
	}
	for _, m := range p.members {
		m.quiet = min(HistoryDays, m.join+1+int(rng.ExpFloat64()*m.profile.stays))
		if m.neverVotes || m == p.members[0] || m == p.members[1] {
			m.quiet = HistoryDays
		}
		m.cafe = 0.3 + 0.5*rng.Float64()
	}
	p.active, p.ghost = p.members[0], p.members[1]
	p.planDelegations(rng)
	p.planReferrals(rng)
	return p
}

// pickProfile makes the first two members (the delegates) and one in eight others core, one in
// three regular, the rest casual.
func pickProfile(rng *rand.Rand, i int) profile {
	switch r := rng.Float64(); {
	case i < 2 || r < 0.12:
		return core
	case r < 0.45:
		return regular
	}
	return casual
}

// joinDay spreads first rewards over the history, more of them later on (a growing community);
// the two delegates are there from the first days.
func joinDay(rng *rand.Rand, i int) int {
	if i < 2 {
		return i
	}
	return min(HistoryDays-1, int(float64(HistoryDays)*math.Pow(rng.Float64(), 0.7)))
}

// planDelegations has members who joined in the first weeks delegate to the ghost delegate (while
// it still voted, on the first three proposals), and a larger group delegate to the active one, a
// few days after they join.
func (p *plan) planDelegations(rng *rand.Rand) {
	byJoin := append([]*member(nil), p.members[2:]...)
	sort.SliceStable(byJoin, func(a, b int) bool { return byJoin[a].join < byJoin[b].join })
	toGhost, toActive := 0, 0
	for _, m := range byJoin {
		if m.neverVotes {
			continue
		}
		switch {
		case toGhost < 15 && m.join < 26:
			m.delegate, toGhost = p.ghost, toGhost+1
		case toActive < 40 && m.join < HistoryDays-10 && rng.Float64() < 0.3:
			m.delegate, toActive = p.active, toActive+1
		default:
			continue
		}
		m.delegateDay = min(HistoryDays-1, m.join+2+rng.IntN(8))
	}
}

// planReferrals has about one in five generated members who join after the first fortnight be
// referred by a generated member who joined before them and was not referred itself (a referrer
// is rewarded through the referral rule once the member it referred has earned enough).
func (p *plan) planReferrals(rng *rand.Rand) {
	referred := map[*member]bool{}
	for _, m := range p.members[2:GeneratedMembers] {
		referred[m] = m.join >= 14 && rng.Float64() < 0.2
	}
	for _, m := range p.members[2:GeneratedMembers] {
		if !referred[m] {
			continue
		}
		var earlier []*member
		for _, r := range p.members[:GeneratedMembers] {
			if r.join < m.join && !referred[r] {
				earlier = append(earlier, r)
			}
		}
		if len(earlier) > 0 {
			m.referrer = earlier[rng.IntN(len(earlier))]
		}
	}
}

// The demo's referral rule: Corner Café (the first issuer) rewards a referrer
// with ReferralTokens once a member it referred has earned QualifyTokens.
const (
	referralActivity = "referral"
	ReferralTokens   = 20 // no activity rewards this much
	QualifyTokens    = 100
)

// issuerPlan is a demo issuer and the activities it rewards (whole tokens each).
type issuerPlan struct {
	name       string
	activities []activityPlan
}

type activityPlan struct {
	name   string
	tokens int64
	weight float64
}

// issuers are the two businesses that reward the demo community; their names say it is demo data.
var issuers = [2]issuerPlan{
	{"Corner Café (demo data)", []activityPlan{{"purchase", 10, 0.7}, {"review", 25, 0.3}}},
	{"Riverside Bikes (demo data)", []activityPlan{{"repair", 15, 0.6}, {"workshop", 50, 0.3}, {"event", 30, 0.1}}},
}

// reward is one planned reward: who, from which issuer, for what.
type reward struct {
	m        *member
	issuer   int
	activity activityPlan
}

// rewardsOn plans day d's rewards: every member's first reward on their join day, then one on
// each day they happen to be active, from the issuer they favour more often.
func (p *plan) rewardsOn(rng *rand.Rand, d int) []reward {
	var out []reward
	for _, m := range p.members {
		if !m.active(d) || (d > m.join && rng.Float64() >= m.profile.rate) {
			continue
		}
		iss := 1
		if rng.Float64() < m.cafe {
			iss = 0
		}
		out = append(out, reward{m: m, issuer: iss, activity: pickActivity(rng, issuers[iss].activities)})
	}
	return out
}

func pickActivity(rng *rand.Rand, acts []activityPlan) activityPlan {
	r := rng.Float64()
	for _, a := range acts {
		if r < a.weight {
			return a
		}
		r -= a.weight
	}
	return acts[0]
}

// tokens is n whole tokens in base units.
func tokens(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil))
}
