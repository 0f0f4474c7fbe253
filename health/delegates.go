package health

import (
	"encoding/json"
	"math/big"
	"slices"
	"strings"
)

// RecentProposals is how many proposals a delegate's record looks at: the most recently created
// ones whose snapshot has passed.
const RecentProposals = 10

// DelegateStatus is a delegate's status over its record; "" (no eligible proposal, or no
// participation and no voting power now) marshals to JSON null.
type DelegateStatus string

// The statuses.
const (
	StatusActive   DelegateStatus = "active"   // participation >= 0.7
	StatusInactive DelegateStatus = "inactive" // participation > 0 and < 0.7
	StatusGhost    DelegateStatus = "ghost"    // participation 0, voting power > 0 now
)

// MarshalJSON writes the status, or null for "".
func (s DelegateStatus) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// Delegate is an account with voting power > 0 now or at least one delegator pointing at it.
type Delegate struct {
	Address     string
	VotingPower *big.Int // now
	Delegators  int      // accounts (any balance) whose current delegate is this one, itself included
}

// Delegates returns the delegates, ordered by address, from the voting power now by account and
// each account's current delegate ("" or absent: none). Excluded accounts must already be left out
// of both maps, as accounts and as delegates.
func Delegates(power map[string]*big.Int, delegateOf map[string]string) []Delegate {
	delegators := map[string]int{}
	for _, d := range delegateOf {
		if d != "" {
			delegators[d]++
		}
	}
	for a, v := range power {
		if _, ok := delegators[a]; !ok && v != nil && v.Sign() > 0 {
			delegators[a] = 0
		}
	}
	out := make([]Delegate, 0, len(delegators))
	for a, n := range delegators {
		v := new(big.Int)
		if power[a] != nil {
			v.Set(power[a])
		}
		out = append(out, Delegate{Address: a, VotingPower: v, Delegators: n})
	}
	slices.SortFunc(out, func(x, y Delegate) int { return strings.Compare(x.Address, y.Address) })
	return out
}

// DelegateRecord is one item of GET …/delegates; the API writes VotingPower as a decimal string.
type DelegateRecord struct {
	Address           string         `json:"address"`
	VotingPower       *big.Int       `json:"-"`
	Delegators        int            `json:"delegators"`
	Participation     *float64       `json:"participation"` // votes_cast / eligible_proposals
	VotesCast         int            `json:"votes_cast"`
	EligibleProposals int            `json:"eligible_proposals"`
	Status            DelegateStatus `json:"status"`
}

// DelegateRecords returns each delegate's record at now (the as_of block's timestamp), in the
// order of ds: over the RecentProposals most recently created proposals whose snapshot has passed
// (open ones included), those where it had voting power > 0 at the snapshot are eligible, and
// votes_cast counts its votes among them.
func DelegateRecords(ds []Delegate, ps []Proposal, now uint64) []DelegateRecord {
	var recent []*Proposal
	for _, p := range newestFirst(ps) {
		if len(recent) < RecentProposals && p.SnapshotPassed(now) {
			recent = append(recent, p)
		}
	}
	out := make([]DelegateRecord, len(ds))
	for i, d := range ds {
		r := DelegateRecord{Address: d.Address, VotingPower: d.VotingPower, Delegators: d.Delegators}
		for _, p := range recent {
			if !p.eligible(d.Address) {
				continue
			}
			r.EligibleProposals++
			if _, voted := p.Votes[d.Address]; voted {
				r.VotesCast++
			}
		}
		r.Participation = Ratio(r.VotesCast, r.EligibleProposals)
		r.Status = status(r.VotesCast, r.EligibleProposals, d.VotingPower)
		out[i] = r
	}
	return out
}

// status returns the status for votes cast among eligible proposals and voting power now,
// comparing votes/eligible with 0.7 exactly.
func status(votes, eligible int, power *big.Int) DelegateStatus {
	switch {
	case eligible == 0:
		return ""
	case 10*votes >= 7*eligible:
		return StatusActive
	case votes > 0:
		return StatusInactive
	case power != nil && power.Sign() > 0:
		return StatusGhost
	}
	return ""
}

// DelegatesActive returns how many delegates have status active.
func DelegatesActive(rs []DelegateRecord) int {
	n := 0
	for _, r := range rs {
		if r.Status == StatusActive {
			n++
		}
	}
	return n
}

// DormantVotingPowerShare returns the voting power of ghost delegates over all delegates' voting
// power, or nil when that is 0.
func DormantVotingPowerShare(rs []DelegateRecord) *float64 {
	ghost, all := new(big.Int), new(big.Int)
	for _, r := range rs {
		if r.VotingPower == nil {
			continue
		}
		all.Add(all, r.VotingPower)
		if r.Status == StatusGhost {
			ghost.Add(ghost, r.VotingPower)
		}
	}
	return BigRatio(ghost, all)
}
