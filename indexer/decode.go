package indexer

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/contracts/bindings/timelock"
)

var (
	tokenABI    = guildtoken.NewGuildToken()
	governorABI = guildgovernor.NewGuildGovernor()
	timelockABI = timelock.NewTimelockController()
)

// Topic 0 of every event the indexer keeps.
var (
	topicTransfer           = tokenABI.GetABI().Events["Transfer"].ID
	topicDelegateChanged    = tokenABI.GetABI().Events["DelegateChanged"].ID
	topicDelegateVotes      = tokenABI.GetABI().Events["DelegateVotesChanged"].ID
	topicRewardBatchMinted  = tokenABI.GetABI().Events["RewardBatchMinted"].ID
	topicProposalCreated    = governorABI.GetABI().Events["ProposalCreated"].ID
	topicVoteCast           = governorABI.GetABI().Events["VoteCast"].ID
	topicVoteCastWithParams = governorABI.GetABI().Events["VoteCastWithParams"].ID
	topicProposalQueued     = governorABI.GetABI().Events["ProposalQueued"].ID
	topicProposalExecuted   = governorABI.GetABI().Events["ProposalExecuted"].ID
	topicProposalCanceled   = governorABI.GetABI().Events["ProposalCanceled"].ID
	topicProposalExtended   = governorABI.GetABI().Events["ProposalExtended"].ID
	topicCallScheduled      = timelockABI.GetABI().Events["CallScheduled"].ID
	topicCallExecuted       = timelockABI.GetABI().Events["CallExecuted"].ID
	topicCancelled          = timelockABI.GetABI().Events["Cancelled"].ID
	topicMinDelayChange     = timelockABI.GetABI().Events["MinDelayChange"].ID
	topicVotingDelaySet     = governorABI.GetABI().Events["VotingDelaySet"].ID
	topicVotingPeriodSet    = governorABI.GetABI().Events["VotingPeriodSet"].ID
	topicThresholdSet       = governorABI.GetABI().Events["ProposalThresholdSet"].ID
	topicQuorumNumerator    = governorABI.GetABI().Events["QuorumNumeratorUpdated"].ID
	topicLateQuorumSet      = governorABI.GetABI().Events["LateQuorumVoteExtensionSet"].ID
)

// settingTopics maps the governor's setting events to the setting they change; each has two
// unindexed uint256 (or uint64) words, the old and the new value.
var settingTopics = map[common.Hash]string{
	topicVotingDelaySet:  SettingVotingDelay,
	topicVotingPeriodSet: SettingVotingPeriod,
	topicThresholdSet:    SettingProposalThreshold,
	topicQuorumNumerator: SettingQuorumNumerator,
	topicLateQuorumSet:   SettingLateQuorumExtension,
}

// Topics is every event signature the indexer asks the node for, in one eth_getLogs topic set.
var Topics = []common.Hash{
	topicTransfer, topicDelegateChanged, topicDelegateVotes, topicRewardBatchMinted,
	topicProposalCreated, topicVoteCast, topicVoteCastWithParams, topicProposalQueued,
	topicProposalExecuted, topicProposalCanceled, topicProposalExtended,
	topicCallScheduled, topicCallExecuted, topicCancelled,
	topicVotingDelaySet, topicVotingPeriodSet, topicThresholdSet, topicQuorumNumerator, topicLateQuorumSet,
	topicMinDelayChange,
}

// contractRole is what a watched address is.
type contractRole uint8

const (
	roleToken contractRole = iota + 1
	roleGovernor
	roleTimelock
)

type watched struct {
	community string
	role      contractRole
}

// decoder turns logs of the watched contracts into events.
type decoder struct {
	byAddress map[common.Address]watched
}

func newDecoder(targets []Target) *decoder {
	d := &decoder{byAddress: make(map[common.Address]watched, 3*len(targets))}
	for _, t := range targets {
		d.byAddress[t.Token] = watched{t.CommunityID, roleToken}
		d.byAddress[t.Governor] = watched{t.CommunityID, roleGovernor}
		d.byAddress[t.Timelock] = watched{t.CommunityID, roleTimelock}
	}
	return d
}

// decode appends the events in logs to ev. Logs of other contracts or events are skipped; a log
// that claims a known signature but does not decode is an error (the node or the ABI is wrong).
// The hot token events are decoded by hand: they are most of the volume and ABI reflection would
// dominate a backfill.
func (d *decoder) decode(logs []types.Log, ev *Events) error {
	growTokenEvents(logs, ev)
	for i := range logs {
		l := &logs[i]
		w, ok := d.byAddress[l.Address]
		if !ok || len(l.Topics) == 0 || l.Removed {
			continue
		}
		meta := EventMeta{
			CommunityID: w.community, BlockNumber: l.BlockNumber, BlockHash: l.BlockHash,
			BlockTime: l.BlockTimestamp, TxHash: l.TxHash, LogIndex: l.Index,
		}
		if err := d.decodeOne(w.role, l, meta, ev); err != nil {
			return fmt.Errorf("decode log %d of tx %s in block %d: %w", l.Index, l.TxHash, l.BlockNumber, err)
		}
	}
	return nil
}

// growTokenEvents makes room in ev for the token events of logs, counted by their signatures
// first: the lists then do not grow from nothing, copied at each doubling, through a backfill's
// thousands of events a range.
func growTokenEvents(logs []types.Log, ev *Events) {
	var transfers, votes, changes int
	for i := range logs {
		if len(logs[i].Topics) == 0 {
			continue
		}
		switch logs[i].Topics[0] {
		case topicTransfer:
			transfers++
		case topicDelegateVotes:
			votes++
		case topicDelegateChanged:
			changes++
		}
	}
	ev.Transfers = slices.Grow(ev.Transfers, transfers)
	ev.DelegateVotes = slices.Grow(ev.DelegateVotes, votes)
	ev.DelegateChanges = slices.Grow(ev.DelegateChanges, changes)
}

func (d *decoder) decodeOne(role contractRole, l *types.Log, meta EventMeta, ev *Events) error {
	switch role {
	case roleToken:
		return decodeToken(l, meta, ev)
	case roleGovernor:
		return decodeGovernor(l, meta, ev)
	case roleTimelock:
		return decodeTimelock(l, meta, ev)
	}
	return nil
}

// decodeToken decodes a GuildToken event; others are skipped.
func decodeToken(l *types.Log, meta EventMeta, ev *Events) error {
	switch l.Topics[0] {
	case topicTransfer:
		if len(l.Topics) != 3 || len(l.Data) != 32 {
			return errShape
		}
		ev.Transfers = append(ev.Transfers, Transfer{EventMeta: meta,
			From: topicAddress(l.Topics[1]), To: topicAddress(l.Topics[2]), Value: new(big.Int).SetBytes(l.Data)})
	case topicDelegateVotes:
		if len(l.Topics) != 2 || len(l.Data) != 64 {
			return errShape
		}
		ev.DelegateVotes = append(ev.DelegateVotes, DelegateVotes{EventMeta: meta, Delegate: topicAddress(l.Topics[1]),
			PreviousVotes: new(big.Int).SetBytes(l.Data[:32]), NewVotes: new(big.Int).SetBytes(l.Data[32:])})
	case topicDelegateChanged:
		if len(l.Topics) != 4 {
			return errShape
		}
		ev.DelegateChanges = append(ev.DelegateChanges, DelegateChange{EventMeta: meta, Delegator: topicAddress(l.Topics[1]),
			FromDelegate: topicAddress(l.Topics[2]), ToDelegate: topicAddress(l.Topics[3])})
	case topicRewardBatchMinted:
		e, err := tokenABI.UnpackRewardBatchMintedEvent(l)
		if err != nil {
			return err
		}
		ev.RewardBatches = append(ev.RewardBatches, RewardBatch{EventMeta: meta, BatchID: e.BatchId, Count: e.Count, Total: e.Total})
	}
	return nil
}

// decodeGovernor decodes a GuildGovernor event; others are skipped.
func decodeGovernor(l *types.Log, meta EventMeta, ev *Events) error {
	switch t0 := l.Topics[0]; t0 {
	case topicProposalCreated:
		return decodeProposalCreated(l, meta, ev)
	case topicVoteCast:
		e, err := governorABI.UnpackVoteCastEvent(l)
		if err != nil {
			return err
		}
		ev.Votes = append(ev.Votes, Vote{EventMeta: meta, ProposalID: e.ProposalId, Voter: e.Voter,
			Support: e.Support, Weight: e.Weight, Reason: e.Reason})
	case topicVoteCastWithParams:
		e, err := governorABI.UnpackVoteCastWithParamsEvent(l)
		if err != nil {
			return err
		}
		params := e.Params
		if params == nil {
			params = []byte{}
		}
		ev.Votes = append(ev.Votes, Vote{EventMeta: meta, ProposalID: e.ProposalId, Voter: e.Voter,
			Support: e.Support, Weight: e.Weight, Reason: e.Reason, Params: params})
	case topicProposalQueued:
		e, err := governorABI.UnpackProposalQueuedEvent(l)
		if err != nil {
			return err
		}
		ev.ProposalEvents = append(ev.ProposalEvents, ProposalEvent{EventMeta: meta, ProposalID: e.ProposalId,
			Kind: ProposalQueued, Eta: e.EtaSeconds.Uint64()})
	case topicProposalExecuted:
		e, err := governorABI.UnpackProposalExecutedEvent(l)
		if err != nil {
			return err
		}
		ev.ProposalEvents = append(ev.ProposalEvents, ProposalEvent{EventMeta: meta, ProposalID: e.ProposalId, Kind: ProposalExecuted})
	case topicProposalCanceled:
		e, err := governorABI.UnpackProposalCanceledEvent(l)
		if err != nil {
			return err
		}
		ev.ProposalEvents = append(ev.ProposalEvents, ProposalEvent{EventMeta: meta, ProposalID: e.ProposalId, Kind: ProposalCanceled})
	case topicProposalExtended:
		e, err := governorABI.UnpackProposalExtendedEvent(l)
		if err != nil {
			return err
		}
		ev.ProposalEvents = append(ev.ProposalEvents, ProposalEvent{EventMeta: meta, ProposalID: e.ProposalId,
			Kind: ProposalExtended, ExtendedDeadline: e.ExtendedDeadline})
	default:
		if setting, ok := settingTopics[t0]; ok {
			return decodeSetting(l, meta, setting, ev)
		}
	}
	return nil
}

// decodeProposalCreated decodes ProposalCreated with its actions and timelock operation id.
func decodeProposalCreated(l *types.Log, meta EventMeta, ev *Events) error {
	e, err := governorABI.UnpackProposalCreatedEvent(l)
	if err != nil {
		return err
	}
	if len(e.Targets) != len(e.Values) || len(e.Targets) != len(e.Calldatas) {
		return errShape
	}
	p := ProposalCreated{EventMeta: meta, ProposalID: e.ProposalId, Proposer: e.Proposer,
		VoteStart: e.VoteStart.Uint64(), VoteEnd: e.VoteEnd.Uint64(), Description: e.Description}
	for i := range e.Targets {
		a := Action{Target: e.Targets[i], Value: e.Values[i], Calldata: e.Calldatas[i]}
		if i < len(e.Signatures) {
			a.Signature = e.Signatures[i]
		}
		p.Actions = append(p.Actions, a)
	}
	p.TimelockOperationID = TimelockOperationID(l.Address, p.Actions, p.Description)
	ev.Proposals = append(ev.Proposals, p)
	return nil
}

// decodeTimelock decodes a TimelockController event; others are skipped.
func decodeTimelock(l *types.Log, meta EventMeta, ev *Events) error {
	switch l.Topics[0] {
	case topicCallScheduled:
		e, err := timelockABI.UnpackCallScheduledEvent(l)
		if err != nil {
			return err
		}
		ev.TimelockEvents = append(ev.TimelockEvents, TimelockEvent{EventMeta: meta, Kind: TimelockScheduled,
			OperationID: e.Id, Index: e.Index, Target: e.Target, Value: e.Value, Data: nonNil(e.Data),
			Predecessor: e.Predecessor, Delay: e.Delay})
	case topicCallExecuted:
		e, err := timelockABI.UnpackCallExecutedEvent(l)
		if err != nil {
			return err
		}
		ev.TimelockEvents = append(ev.TimelockEvents, TimelockEvent{EventMeta: meta, Kind: TimelockExecuted,
			OperationID: e.Id, Index: e.Index, Target: e.Target, Value: e.Value, Data: nonNil(e.Data)})
	case topicCancelled:
		e, err := timelockABI.UnpackCancelledEvent(l)
		if err != nil {
			return err
		}
		ev.TimelockEvents = append(ev.TimelockEvents, TimelockEvent{EventMeta: meta, Kind: TimelockCancelled, OperationID: e.Id})
	case topicMinDelayChange:
		return decodeSetting(l, meta, SettingTimelockDelay, ev)
	}
	return nil
}

// decodeSetting decodes a setting event: no indexed topic, the old and the new value as two words.
func decodeSetting(l *types.Log, meta EventMeta, setting string, ev *Events) error {
	if len(l.Topics) != 1 || len(l.Data) != 64 {
		return errShape
	}
	ev.SettingChanges = append(ev.SettingChanges, SettingChange{EventMeta: meta, Setting: setting,
		Old: new(big.Int).SetBytes(l.Data[:32]), New: new(big.Int).SetBytes(l.Data[32:])})
	return nil
}

var operationArgs = func() abi.Arguments {
	ty := func(s string) abi.Type {
		t, err := abi.NewType(s, "", nil)
		if err != nil {
			panic(err)
		}
		return t
	}
	return abi.Arguments{{Type: ty("address[]")}, {Type: ty("uint256[]")}, {Type: ty("bytes[]")}, {Type: ty("bytes32")}, {Type: ty("bytes32")}}
}()

// TimelockOperationID is the id of the timelock operation by which governor queues a proposal
// with these actions and description, as OpenZeppelin's GovernorTimelockControl schedules it:
// hashOperationBatch(targets, values, calldatas, predecessor 0, salt) with salt =
// bytes20(governor) XOR keccak256(description).
func TimelockOperationID(governor common.Address, actions []Action, description string) common.Hash {
	targets := make([]common.Address, len(actions))
	values := make([]*big.Int, len(actions))
	calldatas := make([][]byte, len(actions))
	for i, a := range actions {
		targets[i], values[i], calldatas[i] = a.Target, a.Value, a.Calldata
		if values[i] == nil {
			values[i] = new(big.Int)
		}
		if calldatas[i] == nil {
			calldatas[i] = []byte{}
		}
	}
	salt := crypto.Keccak256Hash([]byte(description))
	for i := range common.AddressLength {
		salt[i] ^= governor[i]
	}
	packed, err := operationArgs.Pack(targets, values, calldatas, [32]byte{}, [32]byte(salt))
	if err != nil { // the types are fixed above: only a programming error gets here
		panic(fmt.Sprintf("encode timelock operation: %v", err))
	}
	return crypto.Keccak256Hash(packed)
}

var errShape = fmt.Errorf("unexpected topics or data length for its signature")

func topicAddress(h common.Hash) common.Address { return common.BytesToAddress(h[12:]) }

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
