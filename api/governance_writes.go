package api

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/postgres"
)

// GovernanceConfig wires governance writes, the chain cross-check of tallies and member sign-in.
// A nil part answers its routes with 503.
type GovernanceConfig struct {
	// Service opens, queues and executes proposals and relays gasless ballots and delegations.
	Service *govchain.Service
	// Reader reads the governor and token for the tally's on-chain figures.
	Reader *govchain.Reader
	// Tallies reads indexed tallies (postgres.DB).
	Tallies TallyStore
	// Members keeps sign-in nonces and sessions and reads members' standings (postgres.DB).
	Members MemberStore
	// SIWE is what sign-in messages must say.
	SIWE SIWEConfig
	// Now is wall time (sign-in expiry); nil is time.Now.
	Now func() time.Time
}

// TallyStore reads a proposal's indexed tally.
type TallyStore interface {
	IndexedTally(ctx context.Context, communityID string, pid *big.Int, cache governance.SupplyCache) (*governance.IndexedTally, error)
}

// MemberStore keeps Sign-In with Ethereum nonces and sessions and reads members' standings.
type MemberStore interface {
	CreateSIWENonce(ctx context.Context, nonce string, expiresAt time.Time) error
	UseSIWENonce(ctx context.Context, nonce string, now time.Time) error
	CreateSession(ctx context.Context, token string, s postgres.MemberSession) error
	Session(ctx context.Context, token string, now time.Time) (*postgres.MemberSession, error)
	MemberStandings(ctx context.Context, address common.Address) ([]postgres.MemberStanding, error)
}

func (s *server) now() time.Time {
	if s.gov.Now != nil {
		return s.gov.Now()
	}
	return time.Now()
}

// governanceService returns the service and the community of the request, or answers 503/404.
func (s *server) governanceService(c *gin.Context) (*govchain.Service, *guildhall.Community, bool) {
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

// parseProposalID reads the :pid path parameter: a decimal uint256.
func parseProposalID(c *gin.Context) (*big.Int, error) {
	raw := c.Param("pid")
	v, ok := new(big.Int).SetString(raw, 10)
	if !ok || v.Sign() < 0 || v.BitLen() > 256 {
		return nil, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid proposal id",
			Fields: []guildhall.FieldError{{Field: "pid", Message: "must be a decimal uint256, as proposals list it"}}}
	}
	return v, nil
}

// parseAddress reads a 0x-prefixed address in any case, naming field when it is not one.
func parseAddress(field, raw string) (common.Address, *guildhall.FieldError) {
	if (strings.HasPrefix(raw, "0x") || strings.HasPrefix(raw, "0X")) && common.IsHexAddress(raw) {
		return common.HexToAddress(raw), nil
	}
	return common.Address{}, &guildhall.FieldError{Field: field, Message: "must be a 0x-prefixed 20-byte address"}
}

// parseSupport reads a vote's support as a name or its number.
func parseSupport(raw string) (governance.Support, *guildhall.FieldError) {
	support, ok := governance.ParseSupport(raw)
	if !ok {
		return support, &guildhall.FieldError{Field: "support", Message: `must be "for", "against" or "abstain" (or 1, 0, 2)`}
	}
	return support, nil
}

// parseSignature reads a wallet's 65-byte signature in 0x-prefixed hex.
func parseSignature(raw string) ([]byte, *guildhall.FieldError) {
	sig, err := hexutil.Decode(raw)
	if err != nil || len(sig) != 65 {
		return nil, &guildhall.FieldError{Field: "signature", Message: "must be the wallet's 65-byte signature as 0x-prefixed hex"}
	}
	return sig, nil
}

func invalid(msg string, fields []guildhall.FieldError) error {
	return &guildhall.Error{Code: guildhall.EINVALID, Message: msg, Fields: fields}
}

// bindJSON decodes the body into v, refusing unknown fields and trailing data with a 400.
func bindJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return guildhall.Errorf(guildhall.EINVALID, "the body is not the JSON this endpoint takes: %v", err)
	}
	if dec.More() {
		return guildhall.Errorf(guildhall.EINVALID, "the body has data after its JSON object")
	}
	return nil
}

// openProposalRequest is POST .../proposals: raw or built actions, or one built action inline.
type openProposalRequest struct {
	Description string                `json:"description"`
	Actions     []govchain.ActionSpec `json:"actions"`
	govchain.ActionSpec
}

// handleOpenProposal opens a proposal from the operator account for an issuer.
func (s *server) handleOpenProposal(c *gin.Context) {
	svc, community, ok := s.governanceService(c)
	if !ok {
		return
	}
	var req openProposalRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	specs := req.Actions
	if req.Kind != "" {
		specs = append(specs, req.ActionSpec)
	}
	contracts := govchain.ContractsOf(community)
	plan, err := govchain.BuildPlan(contracts, req.Description, specs)
	if err != nil {
		s.writeError(c, err)
		return
	}
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
	s.lifecycleWrite(c, (*govchain.Service).Queue)
}

// handleExecuteProposal executes a queued proposal whose delay has passed.
func (s *server) handleExecuteProposal(c *gin.Context) {
	s.lifecycleWrite(c, (*govchain.Service).Execute)
}

func (s *server) lifecycleWrite(c *gin.Context, op func(*govchain.Service, context.Context, string, govchain.Contracts, *big.Int) (common.Hash, error)) {
	svc, community, ok := s.governanceService(c)
	if !ok {
		return
	}
	pid, err := parseProposalID(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	tx, err := op(svc, c.Request.Context(), community.ID, govchain.ContractsOf(community), pid)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"tx_hash": tx.Hex(), "id": pid.String()})
}

// handleBallotTypedData serves what a wallet signs to vote.
func (s *server) handleBallotTypedData(c *gin.Context) {
	svc, community, ok := s.governanceService(c)
	if !ok {
		return
	}
	var fields []guildhall.FieldError
	pid, err := parseProposalID(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	voter, ferr := parseAddress("voter", c.Query("voter"))
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	support, ferr := parseSupport(c.Query("support"))
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	if len(fields) > 0 {
		s.writeError(c, invalid("invalid ballot", fields))
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

// ballotRequest is POST .../ballots.
type ballotRequest struct {
	Voter     string          `json:"voter"`
	Support   json.RawMessage `json:"support"`
	Reason    *string         `json:"reason"`
	Signature string          `json:"signature"`
}

// handleRelayBallot checks a signed ballot and relays it.
func (s *server) handleRelayBallot(c *gin.Context) {
	svc, community, ok := s.governanceService(c)
	if !ok {
		return
	}
	pid, err := parseProposalID(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req ballotRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	var fields []guildhall.FieldError
	voter, ferr := parseAddress("voter", req.Voter)
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	support, ferr := parseSupport(strings.Trim(string(req.Support), `"`))
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	sig, ferr := parseSignature(req.Signature)
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	if req.Reason != nil {
		if ferr := checkReason(*req.Reason); ferr != nil {
			fields = append(fields, *ferr)
		}
	}
	if len(fields) > 0 {
		s.writeError(c, invalid("invalid ballot", fields))
		return
	}
	tx, err := svc.RelayBallot(c.Request.Context(), community.ID, govchain.ContractsOf(community), govchain.BallotRequest{
		ProposalID: pid, Voter: voter, Support: support, Reason: req.Reason, Signature: sig,
	})
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
	var fields []guildhall.FieldError
	delegator, ferr := parseAddress("delegator", c.Query("delegator"))
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	delegatee, ferr := parseAddress("delegatee", c.Query("delegatee"))
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	expiry := big.NewInt(s.now().Add(defaultDelegationTTL).Unix())
	if raw := c.Query("expiry"); raw != "" {
		v, ok := new(big.Int).SetString(raw, 10)
		if !ok || v.Sign() <= 0 || v.BitLen() > 256 {
			fields = append(fields, guildhall.FieldError{Field: "expiry", Message: "must be a Unix time in seconds"})
		} else {
			expiry = v
		}
	}
	if len(fields) > 0 {
		s.writeError(c, invalid("invalid delegation", fields))
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
	Delegator string      `json:"delegator"`
	Delegatee string      `json:"delegatee"`
	Nonce     json.Number `json:"nonce"`
	Expiry    json.Number `json:"expiry"`
	Signature string      `json:"signature"`
}

// handleRelayDelegation checks a signed delegation and relays it.
func (s *server) handleRelayDelegation(c *gin.Context) {
	svc, community, ok := s.governanceService(c)
	if !ok {
		return
	}
	var req delegationRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	var fields []guildhall.FieldError
	delegator, ferr := parseAddress("delegator", req.Delegator)
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	delegatee, ferr := parseAddress("delegatee", req.Delegatee)
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	nonce, nok := new(big.Int).SetString(string(req.Nonce), 10)
	if !nok || nonce.Sign() < 0 || nonce.BitLen() > 256 {
		fields = append(fields, guildhall.FieldError{Field: "nonce", Message: "must be the nonce from delegation-typed-data"})
	}
	expiry, eok := new(big.Int).SetString(string(req.Expiry), 10)
	if !eok || expiry.Sign() < 0 || expiry.BitLen() > 256 {
		fields = append(fields, guildhall.FieldError{Field: "expiry", Message: "must be the expiry from delegation-typed-data (Unix seconds)"})
	}
	sig, ferr := parseSignature(req.Signature)
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	if len(fields) > 0 {
		s.writeError(c, invalid("invalid delegation", fields))
		return
	}
	tx, err := svc.RelayDelegation(c.Request.Context(), community.ID, govchain.ContractsOf(community), govchain.DelegationRequest{
		Delegator: delegator, Delegatee: delegatee, Nonce: nonce, Expiry: expiry, Signature: sig,
	})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"tx_hash": tx.Hex()})
}

// checkReason refuses a vote reason the index could not store as text (NUL, invalid UTF-8) or that
// would make a relayed vote needlessly expensive.
func checkReason(reason string) *guildhall.FieldError {
	if strings.ContainsRune(reason, 0) || !utf8.ValidString(reason) || len(reason) > 2000 {
		return &guildhall.FieldError{Field: "reason", Message: "must be valid text without NUL characters, at most 2000 bytes"}
	}
	return nil
}
