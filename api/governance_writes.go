package api

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
)

// GovernanceConfig wires governance writes, the chain cross-check of tallies and member sign-in.
// A nil part answers its routes with 503.
type GovernanceConfig struct {
	// Service opens, queues and executes proposals and relays gasless ballots and delegations.
	Service GovernanceService
	// Tallies reads indexed tallies.
	Tallies TallyReader
	// Onchain reads the governor's figures beside each tally; nil serves what the index has.
	Onchain TallyChecker
	// Members keeps sign-in nonces and sessions and reads members' standings.
	Members MemberStore
	// SIWE is what sign-in messages must say.
	SIWE SIWEConfig
	// Now is wall time (sign-in expiry); nil is time.Now.
	Now func() time.Time
}

func (s *server) now() time.Time {
	if s.gov.Now != nil {
		return s.gov.Now()
	}
	return time.Now()
}

// governanceService returns the service and the community of the request, or answers 503/404.
func (s *server) governanceService(c *gin.Context) (GovernanceService, *guildhall.Community, bool) {
	if s.gov.Service == nil {
		s.writeError(c, guildhall.Errorf(guildhall.EUNAVAILABLE, "governance writes are not enabled on this server (no operator sender)"))
		return nil, nil, false
	}
	community, err := s.communities.Community(c.Request.Context(), c.Param("cid"))
	if err != nil {
		s.writeError(c, err)
		return nil, nil, false
	}
	return s.gov.Service, community, true
}

// openProposalRequest is POST .../proposals: raw or built actions, or one built action inline.
type openProposalRequest struct {
	Description string          `json:"description"`
	Actions     []actionRequest `json:"actions"`
	actionRequest
}

// actionRequest is one action as an issuer sends it. Without a kind it is raw: target, value
// (base units) and calldata. Kind "mint" has the timelock mint amount to "to"; kind "setting"
// has the governor set setting name to value. govchain.BuildPlan checks each field.
type actionRequest struct {
	Kind     string `json:"kind"`
	To       string `json:"to"`
	Amount   string `json:"amount"`
	Name     string `json:"name"`
	Value    string `json:"value"`
	Target   string `json:"target"`
	Calldata string `json:"calldata"`
}

func (a actionRequest) spec() govchain.ActionSpec {
	return govchain.ActionSpec{Target: a.Target, Value: a.Value, Calldata: a.Calldata, Kind: a.Kind, To: a.To, Amount: a.Amount, Name: a.Name}
}

// specs are the request's actions for govchain.BuildPlan, the inline one last.
func (r *openProposalRequest) specs() []govchain.ActionSpec {
	specs := make([]govchain.ActionSpec, 0, len(r.Actions)+1)
	for _, a := range r.Actions {
		specs = append(specs, a.spec())
	}
	if r.Kind != "" {
		specs = append(specs, r.actionRequest.spec())
	}
	return specs
}

// handleOpenProposal opens a proposal from the operator account for an issuer, and records the
// issuer as its opener.
func (s *server) handleOpenProposal(c *gin.Context) {
	svc, community, ok := s.governanceService(c)
	if !ok {
		return
	}
	var req openProposalRequest
	if err := decodeJSON(c, &req, maxJSONBody); err != nil {
		s.writeError(c, err)
		return
	}
	contracts := govchain.ContractsOf(community)
	plan, err := govchain.BuildPlan(contracts, req.Description, req.specs())
	if err != nil {
		s.writeError(c, err)
		return
	}
	plan.OpenedBy = issuerOf(c).ID
	tx, pid, err := svc.Propose(c.Request.Context(), community.ID, contracts, plan)
	if err != nil {
		s.writeError(c, err)
		return
	}
	actions := make([]gin.H, len(plan.Targets))
	for i := range plan.Targets {
		actions[i] = gin.H{"target": plan.Targets[i].Hex(), "value": plan.Values[i].String(), "calldata": hexutil.Encode(plan.Calldatas[i])}
	}
	c.JSON(http.StatusAccepted, gin.H{"tx_hash": tx.Hex(), "id": pid.String(), "actions": actions})
}

// handleQueueProposal queues a succeeded proposal.
func (s *server) handleQueueProposal(c *gin.Context) {
	s.lifecycleWrite(c, ProposalWriter.Queue)
}

// handleExecuteProposal executes a queued proposal whose delay has passed.
func (s *server) handleExecuteProposal(c *gin.Context) {
	s.lifecycleWrite(c, ProposalWriter.Execute)
}

func (s *server) lifecycleWrite(c *gin.Context, op func(ProposalWriter, context.Context, string, govchain.Contracts, *big.Int) (common.Hash, error)) {
	svc, community, pid, ok := s.proposalService(c)
	if !ok {
		return
	}
	tx, err := op(svc, c.Request.Context(), community.ID, govchain.ContractsOf(community), pid)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"tx_hash": tx.Hex(), "id": pid.String()})
}

// proposalService returns the governance service, the community and the :pid of a request about
// one proposal, or answers it with the error and returns ok false.
func (s *server) proposalService(c *gin.Context) (GovernanceService, *guildhall.Community, *big.Int, bool) {
	svc, community, ok := s.governanceService(c)
	if !ok {
		return nil, nil, nil, false
	}
	pid, err := parseProposalID(c)
	if err != nil {
		s.writeError(c, err)
		return nil, nil, nil, false
	}
	return svc, community, pid, true
}

// handleBallotTypedData serves what a wallet signs to vote.
func (s *server) handleBallotTypedData(c *gin.Context) {
	svc, community, pid, ok := s.proposalService(c)
	if !ok {
		return
	}
	var fields fieldErrors
	voter, ferr := parseAddress("voter", c.Query("voter"))
	fields.addErr(ferr)
	support, ferr := parseSupport(c.Query("support"))
	fields.addErr(ferr)
	if err := fields.err("invalid ballot"); err != nil {
		s.writeError(c, err)
		return
	}
	var reason *string
	if r, has := c.GetQuery("reason"); has {
		reason = &r
	}
	td, err := svc.BallotTypedData(c.Request.Context(), govchain.ContractsOf(community), pid, voter, support, reason)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, governance.JSON(td))
}

// ballotRequest is POST .../ballots. Support is a name or a number, in a string or not.
type ballotRequest struct {
	Voter     string          `json:"voter"`
	Support   json.RawMessage `json:"support"`
	Reason    *string         `json:"reason"`
	Signature string          `json:"signature"`
}

// ballot returns the request as the relayer takes it, or an EINVALID error naming every bad field.
func (r *ballotRequest) ballot(pid *big.Int) (govchain.BallotRequest, error) {
	var fields fieldErrors
	voter, ferr := parseAddress("voter", r.Voter)
	fields.addErr(ferr)
	support, ferr := parseSupport(strings.Trim(string(r.Support), `"`))
	fields.addErr(ferr)
	sig, ferr := parseSignature(r.Signature)
	fields.addErr(ferr)
	if r.Reason != nil {
		fields.addErr(checkReason(*r.Reason))
	}
	return govchain.BallotRequest{ProposalID: pid, Voter: voter, Support: support, Reason: r.Reason, Signature: sig},
		fields.err("invalid ballot")
}

// handleRelayBallot checks a signed ballot and relays it.
func (s *server) handleRelayBallot(c *gin.Context) {
	svc, community, pid, ok := s.proposalService(c)
	if !ok {
		return
	}
	var req ballotRequest
	if err := decodeJSON(c, &req, maxJSONBody); err != nil {
		s.writeError(c, err)
		return
	}
	ballot, err := req.ballot(pid)
	if err != nil {
		s.writeError(c, err)
		return
	}
	tx, err := svc.RelayBallot(c.Request.Context(), community.ID, govchain.ContractsOf(community), ballot)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"tx_hash": tx.Hex()})
}

// defaultDelegationTTL is how long a delegation signature from delegation-typed-data stays good
// when the caller names no expiry.
const defaultDelegationTTL = time.Hour

// handleDelegationTypedData serves what a wallet signs to delegate.
func (s *server) handleDelegationTypedData(c *gin.Context) {
	svc, community, ok := s.governanceService(c)
	if !ok {
		return
	}
	var fields fieldErrors
	delegator, ferr := parseAddress("delegator", c.Query("delegator"))
	fields.addErr(ferr)
	delegatee, ferr := parseAddress("delegatee", c.Query("delegatee"))
	fields.addErr(ferr)
	expiry := big.NewInt(s.now().Add(defaultDelegationTTL).Unix())
	if raw := c.Query("expiry"); raw != "" {
		if v, ok := parseUint256(raw); ok && v.Sign() > 0 {
			expiry = v
		} else {
			fields.add("expiry", "must be a Unix time in seconds")
		}
	}
	if err := fields.err("invalid delegation"); err != nil {
		s.writeError(c, err)
		return
	}
	td, err := svc.DelegationTypedData(c.Request.Context(), govchain.ContractsOf(community), delegator, delegatee, expiry)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, governance.JSON(td))
}

// delegationRequest is POST .../delegations. Nonce and expiry are decimal strings or numbers.
type delegationRequest struct {
	Delegator string          `json:"delegator"`
	Delegatee string          `json:"delegatee"`
	Nonce     json.RawMessage `json:"nonce"`
	Expiry    json.RawMessage `json:"expiry"`
	Signature string          `json:"signature"`
}

// delegation returns the request as the relayer takes it, or an EINVALID error naming every bad
// field.
func (r *delegationRequest) delegation() (govchain.DelegationRequest, error) {
	var fields fieldErrors
	delegator, ferr := parseAddress("delegator", r.Delegator)
	fields.addErr(ferr)
	delegatee, ferr := parseAddress("delegatee", r.Delegatee)
	fields.addErr(ferr)
	nonce, ok := parseUint256(strings.Trim(string(r.Nonce), `"`))
	if !ok {
		fields.add("nonce", "must be the nonce from delegation-typed-data")
	}
	expiry, ok := parseUint256(strings.Trim(string(r.Expiry), `"`))
	if !ok {
		fields.add("expiry", "must be the expiry from delegation-typed-data (Unix seconds)")
	}
	sig, ferr := parseSignature(r.Signature)
	fields.addErr(ferr)
	return govchain.DelegationRequest{Delegator: delegator, Delegatee: delegatee, Nonce: nonce, Expiry: expiry, Signature: sig},
		fields.err("invalid delegation")
}

// handleRelayDelegation checks a signed delegation and relays it.
func (s *server) handleRelayDelegation(c *gin.Context) {
	svc, community, ok := s.governanceService(c)
	if !ok {
		return
	}
	var req delegationRequest
	if err := decodeJSON(c, &req, maxJSONBody); err != nil {
		s.writeError(c, err)
		return
	}
	delegation, err := req.delegation()
	if err != nil {
		s.writeError(c, err)
		return
	}
	tx, err := svc.RelayDelegation(c.Request.Context(), community.ID, govchain.ContractsOf(community), delegation)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"tx_hash": tx.Hex()})
}
