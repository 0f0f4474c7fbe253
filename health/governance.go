package health

import (
	"cmp"
	"math/big"
	"slices"
	"time"
)

// Proposal is what the governance figures need to know about one proposal. Excluded accounts
// must already be left out of Power and Votes.
type Proposal struct {
	ID    string // decimal
	State string // as the API names it (pending, active, …, executed)
	// CreatedBlock and CreatedLog order proposals by creation (the ProposalCreated log).
	CreatedBlock uint64
	CreatedLog   uint
	CreatedAt    time.Time // timestamp of the ProposalCreated block
	// ExecutedAt is the timestamp of the execution block (governor or timelock event); zero
	// when not executed.
	ExecutedAt time.Time
	// Snapshot is the proposal's voting-power timepoint (a timestamp: the token's clock).
	Snapshot       uint64
	TotalSupply    *big.Int            // total supply at the snapshot (all holders, excluded ones too)
	Power          map[string]*big.Int // voting power at the snapshot, by account (0 or absent: none)
	Votes          map[string]*big.Int // weight of each vote, by voter; weight-0 votes included
	MemberProposed bool                // the proposer is a member, not the operator
}

// SnapshotPassed reports whether the snapshot is behind now (the as_of block's timestamp): the
// governor reads voting power at a timepoint only once the clock is past it.
func (p *Proposal) SnapshotPassed(now uint64) bool { return p.Snapshot < now }

// ProposalStats is one proposal of GET …/stats/governance. Eligible, voters, participation and
// turnout are null while the snapshot is ahead.
type ProposalStats struct {
	ID             string   `json:"id"`
	Eligible       *int     `json:"eligible"`      // accounts with voting power > 0 at the snapshot
	Voters         *int     `json:"voters"`        // accounts that voted with weight > 0
	Participation  *float64 `json:"participation"` // voters / eligible
	Turnout        *float64 `json:"turnout"`       // weight of counted voters / total supply at the snapshot
	State          string   `json:"state"`
	MemberProposed bool     `json:"member_proposed"`
}

// GovernanceStats is GET …/stats/governance?last=N.
type GovernanceStats struct {
	Proposals              []ProposalStats `json:"proposals"`                 // the last N by creation, newest first
	ParticipationMean      *float64        `json:"participation_mean"`        // mean of the non-null participations
	MemberProposedShare    *float64        `json:"member_proposed_share"`     // share of the N whose proposer is a member
	MedianHoursToExecution *float64        `json:"median_hours_to_execution"` // over the executed ones of the N
}

// newestFirst returns the proposals sorted by creation, newest first (the slice is copied).
func newestFirst(ps []Proposal) []*Proposal {
	out := make([]*Proposal, len(ps))
	for i := range ps {
		out[i] = &ps[i]
	}
	slices.SortStableFunc(out, func(a, b *Proposal) int {
		return cmp.Or(cmp.Compare(b.CreatedBlock, a.CreatedBlock), cmp.Compare(b.CreatedLog, a.CreatedLog))
	})
	return out
}

// eligible reports whether account had voting power > 0 at p's snapshot.
func (p *Proposal) eligible(account string) bool {
	v := p.Power[account]
	return v != nil && v.Sign() > 0
}

// Stats returns p's figures at now (the as_of block's timestamp).
func (p *Proposal) Stats(now uint64) ProposalStats {
	s := ProposalStats{ID: p.ID, State: p.State, MemberProposed: p.MemberProposed}
	if !p.SnapshotPassed(now) {
		return s
	}
	eligible, voters, weight := 0, 0, new(big.Int)
	for account := range p.Power {
		if p.eligible(account) {
			eligible++
		}
	}
	for _, w := range p.Votes {
		if w != nil && w.Sign() > 0 {
			voters++
			weight.Add(weight, w)
		}
	}
	s.Eligible, s.Voters = &eligible, &voters
	s.Participation = Ratio(voters, eligible)
	s.Turnout = BigRatio(weight, p.TotalSupply)
	return s
}

// Governance returns the figures over the last n proposals by creation at now (the as_of block's
// timestamp).
func Governance(ps []Proposal, n int, now uint64) GovernanceStats {
	recent := newestFirst(ps)
	recent = recent[:min(max(n, 0), len(recent))]
	g := GovernanceStats{Proposals: make([]ProposalStats, 0, len(recent))}
	var sum float64
	var counted, member int
	var hours []float64
	for _, p := range recent {
		s := p.Stats(now)
		g.Proposals = append(g.Proposals, s)
		if s.Participation != nil {
			sum += *s.Participation
			counted++
		}
		if p.MemberProposed {
			member++
		}
		if !p.ExecutedAt.IsZero() {
			hours = append(hours, p.ExecutedAt.Sub(p.CreatedAt).Hours())
		}
	}
	if counted > 0 {
		mean := sum / float64(counted)
		g.ParticipationMean = &mean
	}
	g.MemberProposedShare = Ratio(member, len(recent))
	g.MedianHoursToExecution = median(hours)
	return g
}

// median returns the median of v (the mean of the two middle values for an even count), or nil
// when v is empty. It sorts v.
func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	slices.Sort(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + m) / 2
	}
	return &m
}
