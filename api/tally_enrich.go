package api

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
)

// tallyJSON is GET .../proposals/{pid}/tally: the indexed tally, the figures derived from it,
// the governor's own figures at the same block, and whether the two agree.
type tallyJSON struct {
	ProposalID      string         `json:"proposal_id"`
	For             string         `json:"for"`
	Against         string         `json:"against"`
	Abstain         string         `json:"abstain"`
	Voters          int            `json:"voters"`
	VotersBySupport map[string]int `json:"voters_by_support"`

	Quorum         *string `json:"quorum"`          // quorum(snapshot); null before the snapshot
	QuorumVotes    string  `json:"quorum_votes"`    // For + Abstain
	QuorumReached  bool    `json:"quorum_reached"`  // quorum <= For + Abstain
	QuorumProgress float64 `json:"quorum_progress"` // (For + Abstain) / quorum

	TotalSupply            *string  `json:"total_supply"`     // at the snapshot
	DelegatedSupply        *string  `json:"delegated_supply"` // voting power delegated at the snapshot
	TurnoutTotalSupply     *float64 `json:"turnout_total_supply"`
	TurnoutDelegatedSupply *float64 `json:"turnout_delegated_supply"`

	State     string                `json:"state"`
	ClockMode string                `json:"clock_mode"`
	Snapshot  governance.Timepoint  `json:"snapshot"` // voting opens after it
	Deadline  governance.Timepoint  `json:"deadline"` // voting closes after it (late-quorum extended)
	ETA       *governance.Timepoint `json:"eta"`      // queued: executable from

	Onchain    onchainTallyJSON `json:"onchain"`
	Consistent bool             `json:"consistent"`
	AsOf       asOfJSON         `json:"as_of"`
}

type onchainTallyJSON struct {
	For     string `json:"for"`
	Against string `json:"against"`
	Abstain string `json:"abstain"`
	State   string `json:"state"`
}

type asOfJSON struct {
	BlockNumber uint64 `json:"block_number"`
	BlockHash   string `json:"block_hash"`
	BlockTime   string `json:"block_time,omitempty"` // RFC 3339
}

// onchainFacts are the governor's figures for one proposal at one block. They never change for
// a given block hash, so they are cached by it.
type onchainFacts struct {
	votes       governance.Votes
	state       governance.State
	quorum      *big.Int // nil before the snapshot
	totalSupply *big.Int // at the snapshot; nil before it
}

// tallyCache keeps onchainFacts per (governor, proposal, block hash).
type tallyCache struct {
	mu sync.Mutex
	m  map[string]*onchainFacts
}

func (tc *tallyCache) get(key string) *onchainFacts {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.m[key]
}

func (tc *tallyCache) put(key string, f *onchainFacts) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.m == nil || len(tc.m) > 4096 {
		tc.m = map[string]*onchainFacts{}
	}
	tc.m[key] = f
}

// supplyCache is a governance.SupplyCache in memory, forgetting everything past a few thousand
// entries (keys name a block hash, so old ones are never read again).
type supplyCache struct {
	mu sync.Mutex
	m  map[string]*big.Int
}

func (sc *supplyCache) Get(key string) (*big.Int, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	v, ok := sc.m[key]
	return v, ok
}

func (sc *supplyCache) Put(key string, v *big.Int) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.m == nil || len(sc.m) > 4096 {
		sc.m = map[string]*big.Int{}
	}
	sc.m[key] = v
}

// onchainTally reads the governor's figures for pid at block asOf. Where the node calls at a
// block hash (EIP-1898) every read runs at asOf's hash, so the figures are that block's even if
// the chain reorganizes while they are read. Otherwise they are read by number and are asOf's
// only if the block at that number is still asOf afterwards. exact is false when the figures may
// be another block's: they are then not cached, and the tally must not claim to agree.
func (s *server) onchainTally(ctx context.Context, c govchain.Contracts, pid *big.Int, snapshot uint64, asOf guildhall.AsOf) (f *onchainFacts, exact bool, err error) {
	key := c.Governor.Hex() + "/" + pid.String() + "/" + asOf.Hash
	if f := s.tallies.get(key); f != nil {
		return f, true, nil
	}
	hash := common.HexToHash(asOf.Hash)
	if pinned, ok := s.gov.Reader.AtHash(hash); ok {
		if f, err := readOnchainFacts(ctx, pinned, c, pid, snapshot, nil); err == nil {
			s.tallies.put(key, f)
			return f, true, nil
		}
		// The node may no longer have the block (reorganized away and pruned, or a different
		// node behind a balancer); read by number below, which says whether that is still asOf.
	}
	block := new(big.Int).SetUint64(asOf.Number)
	if f, err = readOnchainFacts(ctx, s.gov.Reader, c, pid, snapshot, block); err != nil {
		return nil, false, err
	}
	header, err := s.gov.Reader.Header(ctx, block)
	if err != nil {
		return nil, false, err
	}
	if header.Hash() != hash {
		return f, false, nil
	}
	s.tallies.put(key, f)
	return f, true, nil
}

// readOnchainFacts reads the governor's figures for pid through r at block.
func readOnchainFacts(ctx context.Context, r *govchain.Reader, c govchain.Contracts, pid *big.Int, snapshot uint64, block *big.Int) (*onchainFacts, error) {
	votes, err := r.ProposalVotes(ctx, c.Governor, pid, block)
	if err != nil {
		return nil, err
	}
	timeline, err := r.Timeline(ctx, c.Governor, pid, block)
	if err != nil {
		return nil, err
	}
	f := &onchainFacts{votes: votes, state: timeline.State}
	if f.quorum, _, err = r.Quorum(ctx, c.Governor, snapshot, block); err != nil {
		return nil, err
	}
	if f.totalSupply, _, err = r.PastTotalSupply(ctx, c.Token, snapshot, block); err != nil {
		return nil, err
	}
	return f, nil
}

// EnrichTally returns the tally response for an indexed tally: quorum and turnout at the
// snapshot, deadlines as clock values and wall time, and the governor's proposalVotes() and
// state() at the same block beside the indexed figures with consistent: true|false. It is the
// seam for the indexer's tally handler; without a chain reader it fills in what the index has.
func (s *server) enrichTally(ctx context.Context, community *guildhall.Community, pid *big.Int, t *governance.IndexedTally) (*tallyJSON, error) {
	clock := governance.TimestampClock
	resp := &tallyJSON{
		ProposalID: pid.String(),
		For:        t.Votes.For.String(),
		Against:    t.Votes.Against.String(),
		Abstain:    t.Votes.Abstain.String(),
		Voters:     t.Voters(),
		VotersBySupport: map[string]int{
			"for": t.ForVoters, "against": t.AgainstVoters, "abstain": t.AbstainVoters,
		},
		QuorumVotes: t.Votes.QuorumVotes().String(),
		ClockMode:   governance.ClockModeTimestamp,
		Snapshot:    clock.At(t.Snapshot),
		Deadline:    clock.At(t.Deadline),
		AsOf:        asOfJSON{BlockNumber: t.AsOf.Number, BlockHash: t.AsOf.Hash},
	}
	if t.AsOf.Time > 0 {
		resp.AsOf.BlockTime = clock.RFC3339(t.AsOf.Time)
	}
	if t.ETA > 0 {
		eta := clock.At(t.ETA)
		resp.ETA = &eta
	}
	if t.State != nil {
		resp.State = t.State.String()
	}
	if t.DelegatedSupply != nil {
		d := t.DelegatedSupply.String()
		resp.DelegatedSupply = &d
	}
	if s.gov.Reader == nil {
		f := governance.Compute(t.Votes, nil, nil, t.DelegatedSupply)
		if t.DelegatedSupply != nil {
			resp.TurnoutDelegatedSupply = &f.TurnoutDelegatedSupply
		}
		return resp, nil
	}
	facts, exact, err := s.onchainTally(ctx, govchain.ContractsOf(community), pid, t.Snapshot, t.AsOf)
	if err != nil {
		if guildhall.ErrorCode(err) == guildhall.EINTERNAL && ctx.Err() == nil {
			// The node failed, not the request: a 503 the caller can retry, not a 500.
			err = fmt.Errorf("%w: %v", guildhall.Errorf(guildhall.EUNAVAILABLE,
				"the chain node did not answer the tally's on-chain cross-check; try again shortly"), err)
		}
		return nil, err
	}
	f := governance.Compute(t.Votes, facts.quorum, facts.totalSupply, t.DelegatedSupply)
	if facts.quorum != nil {
		q := facts.quorum.String()
		resp.Quorum = &q
		resp.QuorumReached = f.QuorumReached
		resp.QuorumProgress = f.QuorumProgress
	}
	if facts.totalSupply != nil {
		ts := facts.totalSupply.String()
		resp.TotalSupply = &ts
		resp.TurnoutTotalSupply = &f.TurnoutTotalSupply
	}
	if t.DelegatedSupply != nil {
		resp.TurnoutDelegatedSupply = &f.TurnoutDelegatedSupply
	}
	resp.Onchain = onchainTallyJSON{
		For: facts.votes.For.String(), Against: facts.votes.Against.String(), Abstain: facts.votes.Abstain.String(),
		State: facts.state.String(),
	}
	if resp.State == "" {
		resp.State = facts.state.String()
	}
	// Figures from another block than as_of (a reorg under the index) prove nothing either way.
	resp.Consistent = exact && governance.Consistent(t.Votes, facts.votes, t.State, facts.state)
	return resp, nil
}

// handleTally serves a proposal's tally: the indexed figures enriched by enrichTally.
func (s *server) handleTally(c *gin.Context) {
	if s.gov.Tallies == nil {
		s.writeError(c, guildhall.Errorf(guildhall.EUNAVAILABLE, "tallies are not enabled on this server"))
		return
	}
	community, err := s.communities.Community(c.Request.Context(), c.Param("cid"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	pid, err := parseProposalID(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	t, err := s.gov.Tallies.IndexedTally(c.Request.Context(), community.ID, pid, &s.supplies)
	if err != nil {
		s.writeError(c, err)
		return
	}
	resp, err := s.enrichTally(c.Request.Context(), community, pid, t)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, resp)
}
