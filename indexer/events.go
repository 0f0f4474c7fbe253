package indexer

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// BlockRef names one block.
type BlockRef struct {
	Number     uint64
	Hash       common.Hash
	ParentHash common.Hash // zero when unknown
	Time       uint64      // Unix seconds; zero when unknown
}

// EventMeta is where an event was emitted: the natural key of every stored event is
// (BlockHash, LogIndex).
type EventMeta struct {
	CommunityID string
	BlockNumber uint64
	BlockHash   common.Hash
	BlockTime   uint64
	TxHash      common.Hash
	LogIndex    uint
}

// Transfer is a token Transfer: a mint when From is zero, a burn when To is zero.
type Transfer struct {
	EventMeta
	From, To common.Address
	Value    *big.Int
}

// DelegateChange is a token DelegateChanged.
type DelegateChange struct {
	EventMeta
	Delegator, FromDelegate, ToDelegate common.Address
}

// DelegateVotes is a token DelegateVotesChanged: NewVotes is Delegate's voting power from then on.
type DelegateVotes struct {
	EventMeta
	Delegate                common.Address
	PreviousVotes, NewVotes *big.Int
}

// RewardBatch is a token RewardBatchMinted.
type RewardBatch struct {
	EventMeta
	BatchID      common.Hash
	Count, Total *big.Int
}

// Action is one call a proposal makes when executed.
type Action struct {
	Target    common.Address
	Value     *big.Int
	Calldata  []byte
	Signature string
}

// ProposalCreated is a governor ProposalCreated.
type ProposalCreated struct {
	EventMeta
	ProposalID  *big.Int
	Proposer    common.Address
	Actions     []Action
	VoteStart   uint64
	VoteEnd     uint64
	Description string
	// TimelockOperationID is the id of the timelock operation that queuing the proposal schedules
	// (see TimelockOperationID): the timelock's CallExecuted and Cancelled name it, also when the
	// operation is executed on the timelock directly, which the governor does not announce.
	TimelockOperationID common.Hash
}

// Vote is a governor VoteCast or VoteCastWithParams (Params non-nil).
type Vote struct {
	EventMeta
	ProposalID *big.Int
	Voter      common.Address
	Support    uint8
	Weight     *big.Int
	Reason     string
	Params     []byte
}

// Proposal event kinds.
const (
	ProposalQueued   = "queued"
	ProposalExecuted = "executed"
	ProposalCanceled = "canceled"
	ProposalExtended = "extended"
)

// ProposalEvent is a governor ProposalQueued (Eta set), ProposalExecuted, ProposalCanceled or
// ProposalExtended (ExtendedDeadline set).
type ProposalEvent struct {
	EventMeta
	ProposalID       *big.Int
	Kind             string
	Eta              uint64
	ExtendedDeadline uint64
}

// Timelock event kinds.
const (
	TimelockScheduled = "scheduled"
	TimelockExecuted  = "executed"
	TimelockCancelled = "cancelled"
)

// TimelockEvent is a timelock CallScheduled, CallExecuted or Cancelled (only OperationID set).
type TimelockEvent struct {
	EventMeta
	Kind        string
	OperationID common.Hash
	Index       *big.Int
	Target      common.Address
	Value       *big.Int
	Data        []byte
	Predecessor common.Hash
	Delay       *big.Int
}

// Governance settings, as SettingChange.Setting names them (and the API's community detail).
const (
	SettingVotingDelay         = "voting_delay"          // governor VotingDelaySet, seconds
	SettingVotingPeriod        = "voting_period"         // governor VotingPeriodSet, seconds
	SettingProposalThreshold   = "proposal_threshold"    // governor ProposalThresholdSet, base units
	SettingQuorumNumerator     = "quorum_numerator"      // governor QuorumNumeratorUpdated, percent
	SettingLateQuorumExtension = "late_quorum_extension" // governor LateQuorumVoteExtensionSet, seconds
	SettingTimelockDelay       = "timelock_delay"        // timelock MinDelayChange, seconds
)

// SettingChange is a governance setting's change: the governor's VotingDelaySet,
// VotingPeriodSet, ProposalThresholdSet, QuorumNumeratorUpdated or LateQuorumVoteExtensionSet, or
// the timelock's MinDelayChange. The constructors emit them too, so the newest of each is the
// setting in force.
type SettingChange struct {
	EventMeta
	Setting  string
	Old, New *big.Int
}

// ProposalState is the governor's state() of one proposal at a block.
type ProposalState struct {
	CommunityID string
	ProposalID  *big.Int
	State       string // governance.State's API name
}

// Events is everything decoded from one range of logs, in chain order within each kind.
type Events struct {
	Transfers       []Transfer
	DelegateChanges []DelegateChange
	DelegateVotes   []DelegateVotes
	RewardBatches   []RewardBatch
	Proposals       []ProposalCreated
	Votes           []Vote
	ProposalEvents  []ProposalEvent
	TimelockEvents  []TimelockEvent
	SettingChanges  []SettingChange
}

// Len is the number of events.
func (e *Events) Len() int {
	return len(e.Transfers) + len(e.DelegateChanges) + len(e.DelegateVotes) + len(e.RewardBatches) +
		len(e.Proposals) + len(e.Votes) + len(e.ProposalEvents) + len(e.TimelockEvents) + len(e.SettingChanges)
}

// Batch is one atomic step of the indexer: events of the blocks From..To of some communities, and
// what moves forward with them. The store applies it in one transaction, or not at all.
type Batch struct {
	From, To uint64
	// End is block To: the communities' progress (and, with Advance, the cursor) moves to it.
	End BlockRef
	// Communities are the communities whose events these are and whose progress moves to End.
	Communities []string
	// Advance moves the cursor to End and stores Blocks; a catch-up batch of a community behind
	// the cursor leaves both alone.
	Advance bool
	// Blocks are headers to remember for reorg detection.
	Blocks []BlockRef
	// PruneBelow drops remembered blocks below it (0: keep all).
	PruneBelow uint64
	Events
	// States are state() values read at End, for proposals still open.
	States []ProposalState
}
