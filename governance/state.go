// Package governance holds the rules of a community's proposals and votes: the governor's
// lifecycle states and what may happen in each, tally arithmetic (quorum progress, turnout, the
// check that indexed figures agree with the chain), the governor's clock, the EIP-712 messages a
// wallet signs for gasless votes and delegations, and the preconditions a relayed signature must
// meet. It does no I/O: callers read the chain and the database and hand the facts in.
package governance

import (
	"fmt"
	"strings"
	"time"

	"github.com/guildhall/guildhall"
)

// State is a proposal's lifecycle state, numbered as OpenZeppelin's IGovernor.ProposalState.
type State uint8

// The governor's states.
const (
	Pending State = iota
	Active
	Canceled
	Defeated
	Succeeded
	Queued
	Expired
	Executed
)

var stateNames = [...]string{"pending", "active", "canceled", "defeated", "succeeded", "queued", "expired", "executed"}

// String is the state's API name, e.g. "active".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("unknown(%d)", uint8(s))
}

// StateNames lists every state's API name in the governor's order; ?state= takes these.
func StateNames() []string { return append([]string(nil), stateNames[:]...) }

// FinalStateNames lists the API names of the states no transition leaves.
func FinalStateNames() []string {
	var out []string
	for i := range stateNames {
		if State(i).Final() {
			out = append(out, stateNames[i])
		}
	}
	return out
}

// Valid reports whether s is one of the governor's states.
func (s State) Valid() bool { return int(s) < len(stateNames) }

// ParseState reads an API state name (any case); ok is false for an unknown name.
func ParseState(name string) (State, bool) {
	for i, n := range stateNames {
		if strings.EqualFold(n, name) {
			return State(i), true
		}
	}
	return 0, false
}

// Final reports whether no further transition can happen from s.
func (s State) Final() bool {
	switch s {
	case Canceled, Defeated, Expired, Executed:
		return true
	}
	return false
}

// Timeline is where a proposal stands in time, in clock units (seconds: the governor runs in
// timestamp mode). Zero ETA means not queued.
type Timeline struct {
	State    State
	Snapshot uint64 // voting opens after this timepoint (proposalSnapshot)
	Deadline uint64 // voting closes after this timepoint (proposalDeadline, late-quorum extended)
	ETA      uint64 // when a queued proposal can be executed (proposalEta)
}

// CanQueue returns nil when a proposal may be queued now, and otherwise an EUNPROCESSABLE
// *guildhall.Error naming the state and when (if ever) it changes.
func CanQueue(t Timeline, clock Clock) error {
	switch t.State {
	case Succeeded:
		return nil
	case Pending:
		return refuse("the proposal is pending: voting opens at %s; it can be queued only after voting closes (%s) and it succeeds",
			clock.Describe(t.Snapshot+1), clock.Describe(t.Deadline+1))
	case Active:
		return refuse("the proposal is active: voting closes at %s (later if a late quorum extends it); it can be queued after that if it succeeds",
			clock.Describe(t.Deadline+1))
	case Queued:
		return refuse("the proposal is already queued; it can be executed from %s", clock.Describe(t.ETA))
	default:
		return refuse("the proposal is %s, which is final: it cannot be queued", t.State)
	}
}

// CanExecute returns nil when a proposal may be executed at timepoint now, and otherwise an
// EUNPROCESSABLE *guildhall.Error naming the state and when (if ever) it changes.
func CanExecute(t Timeline, clock Clock, now uint64) error {
	switch t.State {
	case Queued:
		if now < t.ETA {
			return refuse("the proposal is queued; the timelock lets it execute from %s, %s from now",
				clock.Describe(t.ETA), time.Duration(t.ETA-now)*time.Second)
		}
		return nil
	case Succeeded:
		return refuse("the proposal succeeded but is not queued: queue it first, then execute it after the timelock delay")
	case Pending:
		return refuse("the proposal is pending: voting opens at %s", clock.Describe(t.Snapshot+1))
	case Active:
		return refuse("the proposal is active: voting closes at %s", clock.Describe(t.Deadline+1))
	default:
		return refuse("the proposal is %s, which is final: it cannot be executed", t.State)
	}
}

// CanVote returns nil when a proposal accepts votes, and otherwise an EUNPROCESSABLE
// *guildhall.Error saying when voting opens or that it closed.
func CanVote(t Timeline, clock Clock) error {
	switch t.State {
	case Active:
		return nil
	case Pending:
		return refuse("the proposal is pending: voting opens at %s", clock.Describe(t.Snapshot+1))
	default:
		return refuse("voting on this proposal closed at %s; it is %s", clock.Describe(t.Deadline+1), t.State)
	}
}

func refuse(format string, args ...any) error {
	return guildhall.Errorf(guildhall.EUNPROCESSABLE, format, args...)
}
