package govchain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/governance"
)

// Relayer sends a transaction from the operator account. It is the one sender of the operator's
// key (nonces, fees, replacement), shared with the minter. key names the intent: sending the same
// key twice sends one transaction (e.g. "gov:queue:bakery:123"). It returns once the transaction
// is durably recorded and broadcast, not when it is mined.
type Relayer interface {
	Send(ctx context.Context, to common.Address, calldata []byte, key string) (txHash common.Hash, err error)
	// SendRelay sends a wallet's relayed ballot or delegation with gasLimit (what was reserved
	// for it), behind any reward mint waiting to be sent.
	SendRelay(ctx context.Context, to common.Address, calldata []byte, key string, gasLimit uint64) (txHash common.Hash, err error)
}

// RelayRecord is one transaction the relay sends for a wallet.
type RelayRecord struct {
	ID          int64
	CommunityID string
	Kind        string // "ballot" or "delegation"
	Wallet      common.Address
	ProposalID  *big.Int // ballots
	Nonce       *big.Int // the signature's nonce
	TxHash      common.Hash
	Gas         uint64 // the gas limit it is sent with: what it may cost, reserved from the budget
	// What sending it takes, recorded with the reservation so that any process can send it: the
	// contract, the signed call and the sender key of its intent. Empty for a reservation made
	// before they were recorded.
	To       common.Address
	Calldata []byte
	Key      string
}

// sends reports whether r is the relay of calldata to `to` under key: the same signed ballot or
// delegation.
func (r *RelayRecord) sends(to common.Address, calldata []byte, key string) bool {
	return len(r.Calldata) > 0 && r.To == to && r.Key == key && bytes.Equal(r.Calldata, calldata)
}

// RelayTaken is ReserveRelay's refusal (an EUNPROCESSABLE *guildhall.Error, Err) of a ballot or
// delegation reserved before: Prior is that reservation, its TxHash zero while none is recorded.
type RelayTaken struct {
	Prior RelayRecord
	Err   error
}

func (e *RelayTaken) Error() string { return e.Err.Error() }
func (e *RelayTaken) Unwrap() error { return e.Err }

// StrandedRelay is a reservation old enough that its process should have recorded its
// transaction and has not; Sent is the transaction the sender recorded under its key, if any.
type StrandedRelay struct {
	RelayRecord
	Sent common.Hash
}

// RelayStore records relayed transactions. ReserveRelay must be atomic: under any concurrency a
// wallet never gets more than limit.Max relays in limit.Window, a community's relays never
// reserve more than budget.GasPerDay gas in a UTC day, and one ballot (community, proposal,
// voter) or one delegation nonce (community, delegator, nonce) is relayed at most once.
type RelayStore interface {
	// ReserveRelay records r (with what sending it takes: To, Calldata, Key) before it is sent,
	// with the r.Gas it may use counted toward its community's day, and sets r.ID. It returns an
	// ERATELIMITED *guildhall.Error (from limit.Check or budget.Check, with RetryAfter) when the
	// wallet used its limit or the community its day's gas, and a *RelayTaken when the same
	// ballot or delegation was reserved before.
	ReserveRelay(ctx context.Context, r *RelayRecord, limit governance.RelayLimit, budget governance.RelayBudget, now time.Time) error
	// FinishRelay records the transaction that carries a reserved relay.
	FinishRelay(ctx context.Context, id int64, tx common.Hash) error
	// CancelRelay forgets a reservation whose transaction was not sent (the sender recorded
	// nothing under its key), and gives its gas back; it keeps one the sender recorded.
	CancelRelay(ctx context.Context, id int64) error
	// StrandedRelays returns up to limit reservations made before `before` that name no
	// transaction, oldest first, each with the transaction the sender recorded under its key.
	StrandedRelays(ctx context.Context, before time.Time, limit int) ([]StrandedRelay, error)
	// RelaysInFlight counts the relayed transactions of the operator's sender not mined yet.
	RelaysInFlight(ctx context.Context) (int, error)
	// UnsettledRelays returns up to limit relays whose transaction is final and whose gas is not
	// settled yet, oldest first.
	UnsettledRelays(ctx context.Context, limit int) ([]UnsettledRelay, error)
	// SettleRelay counts the gas a relay's transaction used toward its day in place of the gas it
	// reserved; settling a relay again changes nothing.
	SettleRelay(ctx context.Context, id int64, gasUsed uint64) error
}

// UnsettledRelay is a relay whose final transaction's gas is still counted as reserved.
type UnsettledRelay struct {
	ID       int64
	Mined    common.Hash // the transaction that was mined (a replacement's, when one was)
	Reserved uint64
}

// PlanStore keeps what proposals execute, so the API can queue and execute them.
type PlanStore interface {
	// SavePlan records the plan of a proposal the API opened.
	SavePlan(ctx context.Context, communityID string, pid *big.Int, p *Plan, tx common.Hash) error
	// Plan returns a proposal's plan (from the API's own records or the indexed ProposalCreated);
	// ENOTFOUND when neither knows it.
	Plan(ctx context.Context, communityID string, pid *big.Int) (*Plan, error)
}

// Service checks and sends governance transactions from the operator account.
type Service struct {
	Reader   *Reader
	Backend  Backend
	Relayer  Relayer
	Relays   RelayStore
	Plans    PlanStore
	Operator common.Address
	Limit    governance.RelayLimit
	// Budget bounds the gas relayed per community per UTC day.
	Budget governance.RelayBudget
	// MinDelegatorBalance is the token balance (base units) a delegator must hold at the head for
	// its delegation to be relayed; nil is 1 (any balance above 0), 0 relays for any wallet.
	MinDelegatorBalance *big.Int
	// MaxInFlight bounds the relayed transactions sent and not mined yet (0: DefaultMaxInFlight),
	// so reward mints sent meanwhile are never queued behind a flood of them.
	MaxInFlight int
	// StrandedAfter is how old a reservation that names no transaction must be before
	// ResumeStranded finishes it (0: DefaultStrandedAfter).
	StrandedAfter time.Duration
	Clock         governance.Clock
	Now           func() time.Time // wall time, for relay windows; nil is time.Now
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// BallotRequest is a signed gasless vote.
type BallotRequest struct {
	ProposalID *big.Int
	Voter      common.Address
	Support    governance.Support
	Reason     *string // non-nil: an ExtendedBallot (castVoteWithReasonAndParamsBySig, empty params)
	Signature  []byte
}

// BallotTypedData returns what voter signs to vote support on pid, with the governor's current
// nonce; a reason makes it an ExtendedBallot.
func (s *Service) BallotTypedData(ctx context.Context, c Contracts, pid *big.Int, voter common.Address, support governance.Support, reason *string) (apitypes.TypedData, error) {
	if _, err := s.Reader.Timeline(ctx, c.Governor, pid, nil); err != nil {
		return apitypes.TypedData{}, err
	}
	domain, err := s.Reader.Domain(ctx, c.Governor)
	if err != nil {
		return apitypes.TypedData{}, err
	}
	nonce, err := s.Reader.Nonce(ctx, c.Governor, voter)
	if err != nil {
		return apitypes.TypedData{}, err
	}
	return ballot(pid, voter, support, reason, nonce).TypedData(domain), nil
}

func ballot(pid *big.Int, voter common.Address, support governance.Support, reason *string, nonce *big.Int) governance.Ballot {
	b := governance.Ballot{ProposalID: pid, Support: support, Voter: voter, Nonce: nonce}
	if reason != nil {
		b.Extended, b.Reason = true, *reason
	}
	return b
}

// RelayBallot checks a signed ballot against the chain (signature, replay, state, prior vote,
// weight, and that voting is still open in the block after the head, where it would be mined),
// simulates it, and relays it. Every refusal is an EUNPROCESSABLE *guildhall.Error and
// sends nothing.
func (s *Service) RelayBallot(ctx context.Context, communityID string, c Contracts, req BallotRequest) (common.Hash, error) {
	sig, err := governance.NormalizeSignature(req.Signature)
	if err != nil {
		return common.Hash{}, guildhall.Errorf(guildhall.EUNPROCESSABLE, "unusable signature: %v", err)
	}
	// State and deadline are read at a known head, so the check below can ask whether the block
	// after it (the earliest that can carry the vote) is still inside the voting period.
	head, err := s.Reader.Head(ctx)
	if err != nil {
		return common.Hash{}, err
	}
	timeline, err := s.Reader.Timeline(ctx, c.Governor, req.ProposalID, head.Number)
	if err != nil {
		return common.Hash{}, err
	}
	domain, err := s.Reader.Domain(ctx, c.Governor)
	if err != nil {
		return common.Hash{}, err
	}
	nonce, err := s.Reader.Nonce(ctx, c.Governor, req.Voter)
	if err != nil {
		return common.Hash{}, err
	}
	facts := governance.BallotFacts{Ballot: ballot(req.ProposalID, req.Voter, req.Support, req.Reason, nonce), Domain: domain, Timeline: timeline,
		Next: s.nextTimepoint(head)}
	digest, err := governance.Digest(facts.Ballot.TypedData(domain))
	if err != nil {
		return common.Hash{}, err
	}
	facts.Recovered, _ = governance.Recover(digest, sig)
	if facts.Recovered != req.Voter {
		if valid, hasCode, err := s.Reader.IsValidSignature(ctx, req.Voter, digest, sig); err != nil {
			return common.Hash{}, err
		} else if hasCode {
			facts.ContractSignatureValid = valid
		} else {
			facts.UsedNonce = usedNonce(domain, facts.Ballot, sig)
		}
	}
	if facts.Recovered == req.Voter || facts.ContractSignatureValid {
		if facts.HasVoted, err = s.Reader.HasVoted(ctx, c.Governor, req.ProposalID, req.Voter); err != nil {
			return common.Hash{}, err
		}
		if timeline.State == governance.Active {
			if facts.Weight, err = s.Reader.Votes(ctx, c.Governor, req.Voter, timeline.Snapshot); err != nil {
				return common.Hash{}, err
			}
		}
	}
	if err := governance.CheckBallot(facts, s.Clock); err != nil {
		return common.Hash{}, err
	}
	var calldata []byte
	if req.Reason != nil {
		calldata = governorABI.PackCastVoteWithReasonAndParamsBySig(req.ProposalID, uint8(req.Support), req.Voter, *req.Reason, nil, sig)
	} else {
		calldata = governorABI.PackCastVoteBySig(req.ProposalID, uint8(req.Support), req.Voter, sig)
	}
	rec := &RelayRecord{CommunityID: communityID, Kind: "ballot", Wallet: req.Voter, ProposalID: req.ProposalID, Nonce: nonce}
	return s.relay(ctx, rec, c.Governor, calldata, BallotRelayKey(communityID, req.ProposalID, req.Voter))
}

// BallotRelayKey is the sender key of the relayed ballot of voter on proposal pid; a resend after
// a revert goes under the key with ":retry-N" appended.
func BallotRelayKey(communityID string, pid *big.Int, voter common.Address) string {
	return fmt.Sprintf("gov:ballot:%s:%s:%s", communityID, pid, voter.Hex())
}

// nextTimepoint is the governor's clock in the earliest block after head: what a transaction
// relayed now is judged against, since it cannot be mined in the head block.
func (s *Service) nextTimepoint(head *types.Header) uint64 {
	if s.Clock.IsTimestamp() {
		return head.Time + 1
	}
	return head.Number.Uint64() + 1
}

// usedNonce returns the older governor nonce under which sig recovers b's voter, if any: the
// signature of a ballot relayed (or cast by signature) before.
func usedNonce(d governance.Domain, b governance.Ballot, sig []byte) *big.Int {
	if b.Nonce == nil || !b.Nonce.IsUint64() {
		return nil
	}
	cur := b.Nonce.Uint64()
	for n := cur; n > 0 && cur-n < 64; n-- {
		old := b
		old.Nonce = new(big.Int).SetUint64(n - 1)
		digest, err := governance.Digest(old.TypedData(d))
		if err != nil {
			return nil
		}
		if who, err := governance.Recover(digest, sig); err == nil && who == b.Voter {
			return old.Nonce
		}
	}
	return nil
}

// DelegationRequest is a signed gasless delegation.
type DelegationRequest struct {
	Delegator common.Address
	Delegatee common.Address
	Nonce     *big.Int
	Expiry    *big.Int
	Signature []byte
}

// DelegationTypedData returns what delegator signs to delegate to delegatee, with the token's
// current nonce and the given expiry (Unix seconds).
func (s *Service) DelegationTypedData(ctx context.Context, c Contracts, delegator, delegatee common.Address, expiry *big.Int) (apitypes.TypedData, error) {
	domain, err := s.Reader.Domain(ctx, c.Token)
	if err != nil {
		return apitypes.TypedData{}, err
	}
	nonce, err := s.Reader.Nonce(ctx, c.Token, delegator)
	if err != nil {
		return apitypes.TypedData{}, err
	}
	return governance.Delegation{Delegatee: delegatee, Nonce: nonce, Expiry: expiry}.TypedData(domain), nil
}

// RelayDelegation checks a signed delegation (expiry against the block after the head, nonce,
// signature, the delegator's balance at the head: see MinDelegatorBalance), simulates it and
// relays delegateBySig. Every refusal is an EUNPROCESSABLE *guildhall.Error and sends nothing.
func (s *Service) RelayDelegation(ctx context.Context, communityID string, c Contracts, req DelegationRequest) (common.Hash, error) {
	sig, err := governance.NormalizeSignature(req.Signature)
	if err != nil {
		return common.Hash{}, guildhall.Errorf(guildhall.EUNPROCESSABLE, "unusable signature: %v", err)
	}
	domain, err := s.Reader.Domain(ctx, c.Token)
	if err != nil {
		return common.Hash{}, err
	}
	nonce, err := s.Reader.Nonce(ctx, c.Token, req.Delegator)
	if err != nil {
		return common.Hash{}, err
	}
	head, err := s.Reader.Head(ctx)
	if err != nil {
		return common.Hash{}, err
	}
	del := governance.Delegation{Delegatee: req.Delegatee, Nonce: req.Nonce, Expiry: req.Expiry}
	digest, err := governance.Digest(del.TypedData(domain))
	if err != nil {
		return common.Hash{}, err
	}
	recovered, _ := governance.Recover(digest, sig)
	facts := governance.DelegationFacts{Delegator: req.Delegator, Delegation: del, Domain: domain, CurrentNonce: nonce, Recovered: recovered,
		Next: head.Time + 1} // the token checks expiry against block.timestamp, whatever the governor's clock
	if err := governance.CheckDelegation(facts, s.Clock); err != nil {
		return common.Hash{}, err
	}
	if err := s.checkDelegatorBalance(ctx, c.Token, req.Delegator, head); err != nil {
		return common.Hash{}, err
	}
	calldata := tokenABI.PackDelegateBySig(req.Delegatee, req.Nonce, req.Expiry, sig[64], [32]byte(sig[:32]), [32]byte(sig[32:64]))
	rec := &RelayRecord{CommunityID: communityID, Kind: "delegation", Wallet: req.Delegator, Nonce: req.Nonce}
	return s.relay(ctx, rec, c.Token, calldata, fmt.Sprintf("gov:delegation:%s:%s:%s", communityID, req.Delegator.Hex(), req.Nonce))
}

// relay simulates calldata, checks that the relay's queue has room, reserves the wallet's relay
// and the gas it may use from its community's day, with what sending it takes, and sends it with
// that gas limit behind any reward mint waiting to be sent (SendRelay). The same signed request
// again (a retry: its first answer may have been lost with its process) is answered with the
// first's transaction, which it sends if nobody did.
func (s *Service) relay(ctx context.Context, rec *RelayRecord, to common.Address, calldata []byte, key string) (common.Hash, error) {
	est, err := s.simulate(ctx, to, calldata)
	if err != nil {
		return common.Hash{}, err
	}
	if err := s.checkInFlight(ctx); err != nil {
		return common.Hash{}, err
	}
	rec.Gas = min(chain.GasWithHeadroom(est), chain.MaxTxGas)
	rec.To, rec.Calldata, rec.Key = to, calldata, key
	if err := s.Relays.ReserveRelay(ctx, rec, s.Limit, s.Budget, s.now()); err != nil {
		var taken *RelayTaken
		if errors.As(err, &taken) && taken.Prior.sends(to, calldata, key) {
			return s.sendReserved(ctx, &taken.Prior)
		}
		return common.Hash{}, err
	}
	tx, err := s.sendReserved(ctx, rec)
	if err != nil && tx == (common.Hash{}) {
		// A send that failed may still have reached the sender; CancelRelay keeps the
		// reservation then (ResumeStranded records its transaction), else releases it.
		_ = s.Relays.CancelRelay(context.WithoutCancel(ctx), rec.ID)
	}
	return tx, err
}

// sendReserved sends a reserved relay under its key, which sends nothing again when the key was
// sent (by this process or another: it returns that transaction), and records the transaction
// on the relay.
func (s *Service) sendReserved(ctx context.Context, rec *RelayRecord) (common.Hash, error) {
	tx, err := s.Relayer.SendRelay(ctx, rec.To, rec.Calldata, rec.Key, rec.Gas)
	if err != nil {
		return common.Hash{}, fmt.Errorf("relay %s: %w", rec.Key, err)
	}
	if err := s.Relays.FinishRelay(context.WithoutCancel(ctx), rec.ID, tx); err != nil {
		return tx, err
	}
	return tx, nil
}

// DefaultStrandedAfter is how old a reservation that names no transaction must be before
// ResumeStranded finishes it: far longer than a live process takes from reserving to recording.
const DefaultStrandedAfter = 10 * time.Second

// ResumeStranded finishes the relays whose reservation is StrandedAfter old and names no
// transaction: the process that reserved one died (or hung) before it sent it, or before it
// recorded what it sent. It returns how many it finished; see resume.
func (s *Service) ResumeStranded(ctx context.Context) (int, error) {
	after := s.StrandedAfter
	if after <= 0 {
		after = DefaultStrandedAfter
	}
	stranded, err := s.Relays.StrandedRelays(ctx, s.now().Add(-after), 100)
	if err != nil {
		return 0, err
	}
	for i := range stranded {
		if err := s.resume(ctx, &stranded[i]); err != nil {
			return i, fmt.Errorf("resume relay %d: %w", stranded[i].ID, err)
		}
	}
	return len(stranded), nil
}

// resume finishes one stranded relay. A transaction the sender recorded for it is recorded on it.
// Otherwise it is simulated again and sent under its key, so that it is sent once even when its
// own process was only slow and sends it too; if the chain now refuses it (voting closed, the
// wallet voted or delegated itself), or it was reserved before reservations kept their call, it
// is released (CancelRelay) and a retry is judged afresh.
func (s *Service) resume(ctx context.Context, r *StrandedRelay) error {
	if r.Sent != (common.Hash{}) {
		return s.Relays.FinishRelay(ctx, r.ID, r.Sent)
	}
	if len(r.Calldata) == 0 {
		return s.Relays.CancelRelay(ctx, r.ID)
	}
	if _, err := s.simulate(ctx, r.To, r.Calldata); guildhall.ErrorCode(err) == guildhall.EUNPROCESSABLE {
		return s.Relays.CancelRelay(ctx, r.ID)
	} else if err != nil {
		return err
	}
	_, err := s.sendReserved(ctx, &r.RelayRecord)
	return err
}

// simulate runs calldata from the operator against the head and returns its gas estimate; a
// revert is an EUNPROCESSABLE *guildhall.Error naming the contract's error.
func (s *Service) simulate(ctx context.Context, to common.Address, calldata []byte) (uint64, error) {
	est, err := s.Backend.EstimateGas(ctx, ethereum.CallMsg{From: s.Operator, To: &to, Data: calldata})
	if err == nil {
		return est, nil
	}
	if reason, ok := DescribeRevert(err); ok {
		return 0, guildhall.Errorf(guildhall.EUNPROCESSABLE, "the chain refuses this transaction: %s; nothing was sent", reason)
	}
	return 0, fmt.Errorf("simulate transaction to %s: %w", to.Hex(), err)
}

// Propose opens a proposal from the operator account and returns its transaction and id. A
// proposal with the same actions and description exists already: ECONFLICT.
func (s *Service) Propose(ctx context.Context, communityID string, c Contracts, p *Plan) (common.Hash, *big.Int, error) {
	pid, err := s.Reader.uint256Call(ctx, c.Governor, governorABI.PackHashProposal(p.Targets, p.Values, p.Calldatas,
		crypto.Keccak256Hash([]byte(p.Description))), nil, "hashProposal")
	if err != nil {
		return common.Hash{}, nil, err
	}
	if _, err := s.Reader.Timeline(ctx, c.Governor, pid, nil); err == nil {
		return common.Hash{}, nil, guildhall.Errorf(guildhall.ECONFLICT, "proposal %s with these actions and description exists already; change the description to propose it again", pid)
	} else if guildhall.ErrorCode(err) != guildhall.ENOTFOUND {
		return common.Hash{}, nil, err
	}
	calldata := governorABI.PackPropose(p.Targets, p.Values, p.Calldatas, p.Description)
	if _, err := s.simulate(ctx, c.Governor, calldata); err != nil {
		return common.Hash{}, nil, err
	}
	tx, err := s.Relayer.Send(ctx, c.Governor, calldata, "gov:propose:"+communityID+":"+pid.String())
	if err != nil {
		return common.Hash{}, nil, fmt.Errorf("send propose: %w", err)
	}
	if err := s.Plans.SavePlan(context.WithoutCancel(ctx), communityID, pid, p, tx); err != nil {
		return tx, pid, err
	}
	return tx, pid, nil
}

// Queue queues a succeeded proposal in the timelock.
func (s *Service) Queue(ctx context.Context, communityID string, c Contracts, pid *big.Int) (common.Hash, error) {
	t, err := s.Reader.Timeline(ctx, c.Governor, pid, nil)
	if err != nil {
		return common.Hash{}, err
	}
	if err := governance.CanQueue(t, s.Clock); err != nil {
		return common.Hash{}, err
	}
	p, err := s.plan(ctx, communityID, pid)
	if err != nil {
		return common.Hash{}, err
	}
	calldata := governorABI.PackQueue(p.Targets, p.Values, p.Calldatas, crypto.Keccak256Hash([]byte(p.Description)))
	if _, err := s.simulate(ctx, c.Governor, calldata); err != nil {
		return common.Hash{}, err
	}
	return s.Relayer.Send(ctx, c.Governor, calldata, "gov:queue:"+communityID+":"+pid.String())
}

// Execute executes a queued proposal whose timelock delay has passed.
func (s *Service) Execute(ctx context.Context, communityID string, c Contracts, pid *big.Int) (common.Hash, error) {
	t, err := s.Reader.Timeline(ctx, c.Governor, pid, nil)
	if err != nil {
		return common.Hash{}, err
	}
	head, err := s.Reader.Head(ctx)
	if err != nil {
		return common.Hash{}, err
	}
	// The transaction runs in a later block than the head, so ETA == head+1 is fine.
	if err := governance.CanExecute(t, s.Clock, head.Time+1); err != nil {
		return common.Hash{}, err
	}
	p, err := s.plan(ctx, communityID, pid)
	if err != nil {
		return common.Hash{}, err
	}
	calldata := governorABI.PackExecute(p.Targets, p.Values, p.Calldatas, crypto.Keccak256Hash([]byte(p.Description)))
	if _, err := s.simulate(ctx, c.Governor, calldata); err != nil {
		return common.Hash{}, err
	}
	return s.Relayer.Send(ctx, c.Governor, calldata, "gov:execute:"+communityID+":"+pid.String())
}

func (s *Service) plan(ctx context.Context, communityID string, pid *big.Int) (*Plan, error) {
	p, err := s.Plans.Plan(ctx, communityID, pid)
	if guildhall.ErrorCode(err) == guildhall.ENOTFOUND {
		return nil, guildhall.Errorf(guildhall.EUNPROCESSABLE,
			"proposal %s's actions are not known yet: the indexer has not seen its ProposalCreated event; try again in a few seconds", pid)
	}
	return p, err
}
