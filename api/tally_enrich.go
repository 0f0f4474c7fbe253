package api

import (
	"context"
	"math/big"
	"net/http"

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

// enrichTally returns the tally response for an indexed tally: quorum and turnout at the
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
	if s.gov.Onchain == nil {
		f := governance.Compute(t.Votes, nil, nil, t.DelegatedSupply)
		if t.DelegatedSupply != nil {
			resp.TurnoutDelegatedSupply = &f.TurnoutDelegatedSupply
		}
		return resp, nil
	}
	facts, exact, err := s.gov.Onchain.Onchain(ctx, govchain.ContractsOf(community), pid, t.Snapshot, t.AsOf)
	if err != nil {
		return nil, err
	}
	f := governance.Compute(t.Votes, facts.Quorum, facts.TotalSupply, t.DelegatedSupply)
	if facts.Quorum != nil {
		q := facts.Quorum.String()
		resp.Quorum = &q
		resp.QuorumReached = f.QuorumReached
		resp.QuorumProgress = f.QuorumProgress
	}
	if facts.TotalSupply != nil {
		ts := facts.TotalSupply.String()
		resp.TotalSupply = &ts
		resp.TurnoutTotalSupply = &f.TurnoutTotalSupply
	}
	if t.DelegatedSupply != nil {
		resp.TurnoutDelegatedSupply = &f.TurnoutDelegatedSupply
	}
	resp.Onchain = onchainTallyJSON{
		For: facts.Votes.For.String(), Against: facts.Votes.Against.String(), Abstain: facts.Votes.Abstain.String(),
		State: facts.State.String(),
	}
	if resp.State == "" {
		resp.State = facts.State.String()
	}
	// Figures from another block than as_of (a reorg under the index) prove nothing either way.
	resp.Consistent = exact && governance.Consistent(t.Votes, facts.Votes, t.State, facts.State)
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
	t, err := s.gov.Tallies.IndexedTally(c.Request.Context(), community.ID, pid)
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
