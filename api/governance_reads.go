package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/indexer"
)

// supportNames names a vote's support as API.md does.
var supportNames = map[uint8]string{0: "against", 1: "for", 2: "abstain"}

// proposalSummaryJSON gives each timepoint as the chain gives it (clock units: Unix seconds, as
// the governor runs in timestamp mode) and beside it as RFC 3339 (the _at fields).
type proposalSummaryJSON struct {
	ID           string  `json:"id"`
	Proposer     string  `json:"proposer"`
	Title        string  `json:"title"`
	State        string  `json:"state"`
	VoteStart    uint64  `json:"vote_start"`
	VoteStartAt  *string `json:"vote_start_at"`
	VoteEnd      uint64  `json:"vote_end"`
	VoteEndAt    *string `json:"vote_end_at"`
	CreatedBlock uint64  `json:"created_block"`
	CreatedTx    string  `json:"created_tx"`
	// OpenedByIssuer is the issuer that opened the proposal through the API; null for one made
	// from a wallet.
	OpenedByIssuer *issuerRefJSON `json:"opened_by_issuer"`
}

// issuerRefJSON names an issuer; ids are decimal strings.
type issuerRefJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type actionJSON struct {
	Target    string `json:"target"`
	Value     string `json:"value"`
	Calldata  string `json:"calldata"`
	Signature string `json:"signature,omitempty"`
}

// indexedTallyJSON is the running tally as indexed (the full tally with quorum and the chain
// cross-check is GET .../tally).
type indexedTallyJSON struct {
	For           string `json:"for"`
	Against       string `json:"against"`
	Abstain       string `json:"abstain"`
	Voters        int64  `json:"voters"`
	ForVoters     int64  `json:"for_voters"`
	AgainstVoters int64  `json:"against_voters"`
	AbstainVoters int64  `json:"abstain_voters"`
}

type proposalDetailJSON struct {
	proposalSummaryJSON
	Description string `json:"description"`
	// DescriptionHash is keccak256(description): with the actions, what a wallet passes the
	// governor's queue and execute (the dashboard's buttons).
	DescriptionHash string           `json:"description_hash"`
	Actions         []actionJSON     `json:"actions"`
	Eta             *uint64          `json:"eta"`
	EtaAt           *string          `json:"eta_at"`
	StateSource     string           `json:"state_source"` // "governor": state() at as_of; "events": derived
	Tally           indexedTallyJSON `json:"tally"`
	AsOf            asOfJSON         `json:"as_of"`
}

func newProposalSummary(p *indexer.ProposalView) proposalSummaryJSON {
	out := proposalSummaryJSON{
		ID: p.ID.String(), Proposer: p.Proposer, Title: p.Title, State: p.State,
		VoteStart: p.VoteStart, VoteStartAt: timepointAt(p.VoteStart),
		VoteEnd: p.VoteEnd, VoteEndAt: timepointAt(p.VoteEnd),
		CreatedBlock: p.CreatedBlock, CreatedTx: p.CreatedTx,
	}
	if p.OpenedBy != nil {
		out.OpenedByIssuer = &issuerRefJSON{ID: strconv.FormatInt(p.OpenedBy.ID, 10), Name: p.OpenedBy.Name}
	}
	return out
}

// timepointAt is a governor timepoint as RFC 3339, or nil for 0 (not set).
func timepointAt(timepoint uint64) *string {
	if timepoint == 0 {
		return nil
	}
	t := governance.TimestampClock.RFC3339(timepoint)
	return &t
}

func (s *server) handleListProposals(c *gin.Context) {
	state, ok := parsed(s, c, parseStateFilter)
	if !ok {
		return
	}
	serveIndexList(s, c, guildhall.ParseChainPosition, func(ctx context.Context, idx IndexReader, page chainPage) (*indexer.List[indexer.ProposalView], error) {
		return idx.Proposals(ctx, c.Param("cid"), state, page)
	}, newProposalSummary)
}

func (s *server) handleGetProposal(c *gin.Context) {
	idx, err := s.indexReader()
	if err != nil {
		s.writeError(c, err)
		return
	}
	pid, err := parseProposalID(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	p, err := idx.Proposal(c.Request.Context(), c.Param("cid"), pid)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := proposalDetailJSON{
		proposalSummaryJSON: newProposalSummary(p),
		Description:         p.Description,
		DescriptionHash:     crypto.Keccak256Hash([]byte(p.Description)).Hex(),
		Actions:             make([]actionJSON, 0, len(p.Actions)),
		StateSource:         "events",
		Tally: indexedTallyJSON{
			For: amount(p.Tally.For), Against: amount(p.Tally.Against), Abstain: amount(p.Tally.Abstain),
			Voters: p.Tally.Voters(), ForVoters: p.Tally.ForVoters, AgainstVoters: p.Tally.AgainstVoters, AbstainVoters: p.Tally.AbstainVoters,
		},
		AsOf: newAsOf(p.AsOf),
	}
	if p.StateFromNode {
		out.StateSource = "governor"
	}
	if p.Eta != 0 {
		eta := p.Eta
		out.Eta, out.EtaAt = &eta, timepointAt(eta)
	}
	for _, a := range p.Actions {
		out.Actions = append(out.Actions, actionJSON{Target: a.Target, Value: amount(a.Value), Calldata: hexutil.Encode(a.Calldata), Signature: a.Signature})
	}
	c.JSON(http.StatusOK, out)
}

type voteJSON struct {
	Voter       string  `json:"voter"`
	Support     string  `json:"support"`
	Weight      string  `json:"weight"`
	Reason      string  `json:"reason"`
	Params      *string `json:"params"`
	BlockNumber uint64  `json:"block_number"`
	TxHash      string  `json:"tx_hash"`
	LogIndex    uint    `json:"log_index"`
}

func (s *server) handleListVotes(c *gin.Context) {
	pid, ok := parsed(s, c, parseProposalID)
	if !ok {
		return
	}
	serveIndexList(s, c, guildhall.ParseChainPosition, func(ctx context.Context, idx IndexReader, page chainPage) (*indexer.List[indexer.VoteView], error) {
		return idx.Votes(ctx, c.Param("cid"), pid, page)
	}, func(v *indexer.VoteView) voteJSON {
		vj := voteJSON{Voter: v.Voter, Support: supportNames[v.Support], Weight: amount(v.Weight), Reason: v.Reason,
			BlockNumber: v.BlockNumber, TxHash: v.TxHash, LogIndex: v.LogIndex}
		if v.Params != nil {
			p := hexutil.Encode(v.Params)
			vj.Params = &p
		}
		return vj
	})
}
