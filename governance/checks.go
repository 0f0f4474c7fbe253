package governance

import (
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
)

// BallotFacts is what the chain says about a signed ballot before it is relayed.
type BallotFacts struct {
	Ballot    Ballot   // as the voter claims it, with the governor's current nonce
	Domain    Domain   // the governor's eip712Domain()
	Timeline  Timeline // the proposal's state and timepoints now
	Recovered common.Address
	// ContractSignatureValid is set when the voter is a contract wallet whose ERC-1271
	// isValidSignature accepted the signature.
	ContractSignatureValid bool
	// UsedNonce is non-nil when the signature recovers the voter only under an older nonce:
	// the signature was relayed (or used on chain) before.
	UsedNonce *big.Int
	Weight    *big.Int // getVotes(voter, snapshot)
	HasVoted  bool
	// Next is the earliest timepoint of the block that would carry the vote: the head's plus one
	// (a relayed vote is never mined in the head block). Zero skips the check.
	Next uint64
}

// CheckBallot returns nil when a ballot can be relayed, and otherwise an EUNPROCESSABLE
// *guildhall.Error saying why: the signature does not come from the voter (another chain,
// governor, nonce or message), it was used before, the proposal does not accept votes (now, or
// any longer by the next block), the voter already voted, or the voter had no voting power at the
// snapshot.
func CheckBallot(f BallotFacts, clock Clock) error {
	b := f.Ballot
	switch {
	case f.UsedNonce != nil:
		return refuse("this ballot signature was already used (it was signed with nonce %s; %s's current nonce on the governor is %s): a signature is good for one vote",
			f.UsedNonce, b.Voter.Hex(), orZero(b.Nonce))
	case f.Recovered != b.Voter && !f.ContractSignatureValid:
		return refuse("the signature does not recover the voter %s for this ballot: it must be signed for governor %s on chain %s (domain %q version %q) with support %q and nonce %s; fetch ballot-typed-data and sign exactly that",
			b.Voter.Hex(), f.Domain.VerifyingContract.Hex(), orZero(f.Domain.ChainID), f.Domain.Name, f.Domain.Version, b.Support, orZero(b.Nonce))
	}
	if err := CanVote(f.Timeline, clock); err != nil {
		return err
	}
	// The head may still be inside the voting period while the block that would carry the vote
	// is not: the governor counts votes only up to and including the deadline, so a vote relayed
	// at head == deadline is accepted here and then reverts on chain.
	if f.Next > f.Timeline.Deadline && f.Timeline.State == Active {
		return refuse("voting on this proposal closes at %s, before the next block (the earliest a relayed vote can be mined, %s): it is too late to relay a vote",
			clock.Describe(f.Timeline.Deadline+1), clock.Describe(f.Next))
	}
	if f.HasVoted {
		return refuse("%s has already voted on this proposal; a vote cannot be changed", b.Voter.Hex())
	}
	if f.Weight == nil || f.Weight.Sign() <= 0 {
		return refuse("%s had no voting power at the proposal's snapshot (%s): only tokens delegated before the snapshot count",
			b.Voter.Hex(), clock.Describe(f.Timeline.Snapshot))
	}
	return nil
}

// DelegationFacts is what the chain says about a signed delegation before it is relayed.
type DelegationFacts struct {
	Delegator    common.Address // as the caller claims it
	Delegation   Delegation
	Domain       Domain   // the token's eip712Domain()
	CurrentNonce *big.Int // the token's nonces(delegator)
	Recovered    common.Address
	// Next is the earliest timestamp of the block that would carry the delegation: the head's plus
	// one. The token refuses a signature whose expiry is before the block's timestamp.
	Next uint64
}

// CheckDelegation returns nil when a delegation can be relayed, and otherwise an EUNPROCESSABLE
// *guildhall.Error saying why: expired by the next block, a nonce that is not the delegator's
// current one, or a signature that does not recover the delegator.
func CheckDelegation(f DelegationFacts, clock Clock) error {
	d := f.Delegation
	// delegateBySig reverts when block.timestamp > expiry, and the relayed transaction lands in a
	// block after the head: judge the expiry against that block's earliest time.
	if exp := orZero(d.Expiry); exp.IsUint64() && exp.Uint64() < f.Next {
		return refuse("the delegation signature expired at %s; the next block, the earliest a relayed delegation can be mined, is at %s: sign a new one with a later expiry",
			clock.Describe(exp.Uint64()), clock.Describe(f.Next))
	}
	if cur := orZero(f.CurrentNonce); orZero(d.Nonce).Cmp(cur) != 0 {
		if orZero(d.Nonce).Cmp(cur) < 0 {
			return refuse("nonce %s was already used by %s on the token (the current nonce is %s): this signature was used before or replaced; sign a new one",
				orZero(d.Nonce), f.Delegator.Hex(), cur)
		}
		return refuse("nonce %s is not %s's current nonce on the token (%s)", orZero(d.Nonce), f.Delegator.Hex(), cur)
	}
	if f.Recovered != f.Delegator {
		return refuse("the signature does not recover the delegator %s: it must be signed for token %s on chain %s (domain %q version %q) with delegatee %s, nonce %s and expiry %s (contract wallets cannot delegate by signature)",
			f.Delegator.Hex(), f.Domain.VerifyingContract.Hex(), orZero(f.Domain.ChainID), f.Domain.Name, f.Domain.Version,
			d.Delegatee.Hex(), orZero(d.Nonce), orZero(d.Expiry))
	}
	return nil
}

// RelayLimit bounds how many transactions the relay sends for one wallet in a window, so one
// wallet cannot spend the operator's gas without bound.
type RelayLimit struct {
	Max    int
	Window time.Duration
}

// DefaultRelayLimit is 20 relayed transactions per wallet per hour.
var DefaultRelayLimit = RelayLimit{Max: 20, Window: time.Hour}

// Check returns an ERATELIMITED *guildhall.Error when a wallet that has used relayed transactions
// in the window may have no more; oldest is when the oldest of them was sent, so room opens again
// one window after it.
func (l RelayLimit) Check(wallet common.Address, used int, oldest, now time.Time) error {
	if l.Max <= 0 || used < l.Max {
		return nil
	}
	again := oldest.Add(l.Window)
	return &guildhall.Error{
		Code: guildhall.ERATELIMITED,
		Message: fmt.Sprintf("%s has used its %d relayed transactions per %s; vote or delegate from the wallet directly, or try again after %s",
			wallet.Hex(), l.Max, l.Window, again.UTC().Format(time.RFC3339)),
		RetryAfter: max(again.Sub(now), time.Second),
	}
}

// RelayBudget bounds the gas the relay spends for one community in one UTC day, whatever the
// number of wallets asking: fresh wallets cost nothing to make, so the per-wallet RelayLimit alone
// does not bound the operator's spend.
type RelayBudget struct {
	GasPerDay uint64 // 0: no budget
}

// DefaultRelayBudget is 20 million gas per community per UTC day: about 250 relayed delegations
// (~70k gas) or 200 ballots (~90k), 0.02 ETH at 1 gwei.
var DefaultRelayBudget = RelayBudget{GasPerDay: 20_000_000}

// Check returns an ERATELIMITED *guildhall.Error, with RetryAfter at the next UTC midnight, when a
// relay that may use gas more would take the community's gas used today (spent, or reserved by
// relays not settled yet) past the budget.
func (b RelayBudget) Check(communityID string, used, gas uint64, now time.Time) error {
	if b.GasPerDay == 0 || (gas <= b.GasPerDay && used <= b.GasPerDay-gas) {
		return nil
	}
	next := UTCDay(now).AddDate(0, 0, 1)
	return &guildhall.Error{
		Code: guildhall.ERATELIMITED,
		Message: fmt.Sprintf("community %q has used %d of its %d gas of relayed transactions today (UTC) and this one may need %d: vote or delegate from the wallet directly, or try again after %s",
			communityID, used, b.GasPerDay, gas, next.Format(time.RFC3339)),
		RetryAfter: max(next.Sub(now), time.Second),
	}
}

// UTCDay is the start of now's day in UTC, the day a relay's gas counts toward.
func UTCDay(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
