package governance

import (
	"math/big"

	"github.com/guildhall/guildhall"
)

// Support is a vote's direction, numbered as GovernorCountingSimple counts it.
type Support uint8

// The three ways to vote.
const (
	Against Support = 0
	For     Support = 1
	Abstain Support = 2
)

var supportNames = [...]string{"against", "for", "abstain"}

// String is the API name of s: "for", "against" or "abstain".
func (s Support) String() string {
	if int(s) < len(supportNames) {
		return supportNames[s]
	}
	return "unknown"
}

// ParseSupport reads "for", "against", "abstain" or the numbers 0-2 the contract uses.
func ParseSupport(v string) (Support, bool) {
	switch v {
	case "against", "0":
		return Against, true
	case "for", "1":
		return For, true
	case "abstain", "2":
		return Abstain, true
	}
	return 0, false
}

// Votes are the weights counted for a proposal, in token base units.
type Votes struct {
	For, Against, Abstain *big.Int
}

// Total is For + Against + Abstain.
func (v Votes) Total() *big.Int {
	return sum(v.For, v.Against, v.Abstain)
}

// QuorumVotes is what counts toward quorum: For + Abstain (GovernorCountingSimple).
func (v Votes) QuorumVotes() *big.Int {
	return sum(v.For, v.Abstain)
}

// Equal reports whether v and w count the same weights (nil is zero).
func (v Votes) Equal(w Votes) bool {
	return cmp(v.For, w.For) == 0 && cmp(v.Against, w.Against) == 0 && cmp(v.Abstain, w.Abstain) == 0
}

// QuorumReached is the governor's _quorumReached: quorum <= For + Abstain.
func QuorumReached(v Votes, quorum *big.Int) bool {
	return cmp(quorum, v.QuorumVotes()) <= 0
}

// VoteSucceeded is the governor's _voteSucceeded: For > Against.
func VoteSucceeded(v Votes) bool {
	return cmp(v.For, v.Against) > 0
}

// Ratio returns num/den as a float rounded to six decimals; 0 when den is zero or nil. Ratios
// are shown to people, never used to decide anything: decisions compare the integers.
func Ratio(num, den *big.Int) float64 {
	if den == nil || den.Sign() == 0 || num == nil {
		return 0
	}
	r := new(big.Rat).SetFrac(num, den)
	// Round half up at six decimals.
	scaled := new(big.Rat).Mul(r, big.NewRat(1_000_000, 1))
	n := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(scaled.Num(), big.NewInt(2)), scaled.Denom()),
		new(big.Int).Mul(scaled.Denom(), big.NewInt(2)))
	f, _ := new(big.Rat).SetFrac(n, big.NewInt(1_000_000)).Float64()
	return f
}

// Figures are the derived numbers of a tally.
type Figures struct {
	QuorumReached          bool
	QuorumProgress         float64 // (For + Abstain) / quorum; 1 or more means reached
	TurnoutTotalSupply     float64 // all votes / total supply at the snapshot
	TurnoutDelegatedSupply float64 // all votes / voting power delegated at the snapshot
	Succeeding             bool    // For > Against (the vote, not counting quorum)
}

// Compute derives a tally's figures from the votes and the snapshot's quorum, total supply and
// delegated supply (any may be nil when unknown; its figure is then zero).
func Compute(v Votes, quorum, totalSupply, delegatedSupply *big.Int) Figures {
	f := Figures{
		QuorumReached:          QuorumReached(v, quorum),
		TurnoutTotalSupply:     Ratio(v.Total(), totalSupply),
		TurnoutDelegatedSupply: Ratio(v.Total(), delegatedSupply),
		Succeeding:             VoteSucceeded(v),
	}
	if quorum != nil && quorum.Sign() > 0 {
		f.QuorumProgress = Ratio(v.QuorumVotes(), quorum)
	} else if f.QuorumReached {
		f.QuorumProgress = 1
	}
	return f
}

// Consistent reports whether the indexed tally and state agree with what the chain says at the
// same block. An indexed state that is unknown (nil) is not compared.
func Consistent(indexed, onchain Votes, indexedState *State, onchainState State) bool {
	if !indexed.Equal(onchain) {
		return false
	}
	return indexedState == nil || *indexedState == onchainState
}

func sum(xs ...*big.Int) *big.Int {
	t := new(big.Int)
	for _, x := range xs {
		if x != nil {
			t.Add(t, x)
		}
	}
	return t
}

// cmp compares a and b, nil being zero.
func cmp(a, b *big.Int) int {
	zero := new(big.Int)
	if a == nil {
		a = zero
	}
	if b == nil {
		b = zero
	}
	return a.Cmp(b)
}

// IndexedTally is a proposal's tally as the indexer has it at AsOf.
type IndexedTally struct {
	Votes                                   Votes
	ForVoters, AgainstVoters, AbstainVoters int
	State                                   *State // nil when the indexed state is not a known name
	Snapshot, Deadline                      uint64
	ETA                                     uint64 // 0 when not queued
	// DelegatedSupply is the voting power delegated at the snapshot (the sum of every delegate's
	// votes as of the snapshot); nil when the snapshot is not in the past yet.
	DelegatedSupply *big.Int
	AsOf            guildhall.AsOf
}

// Voters is the number of accounts that voted.
func (t *IndexedTally) Voters() int { return t.ForVoters + t.AgainstVoters + t.AbstainVoters }

// SupplyCache remembers figures that never change for a given block hash (such as the voting power
// delegated at a past snapshot, as indexed at that block), so hot reads skip recomputing them.
type SupplyCache interface {
	Get(key string) (*big.Int, bool)
	Put(key string, v *big.Int)
}
