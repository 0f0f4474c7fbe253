// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package guildgovernor

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// GuildGovernorMetaData contains all meta data concerning the GuildGovernor contract.
var GuildGovernorMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"string\",\"name\":\"name_\",\"type\":\"string\"},{\"internalType\":\"contractIVotes\",\"name\":\"token_\",\"type\":\"address\"},{\"internalType\":\"contractTimelockController\",\"name\":\"timelock_\",\"type\":\"address\"},{\"internalType\":\"uint48\",\"name\":\"votingDelay_\",\"type\":\"uint48\"},{\"internalType\":\"uint32\",\"name\":\"votingPeriod_\",\"type\":\"uint32\"},{\"internalType\":\"uint256\",\"name\":\"proposalThreshold_\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"quorumNumerator_\",\"type\":\"uint256\"},{\"internalType\":\"uint48\",\"name\":\"lateQuorumExtension_\",\"type\":\"uint48\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"CheckpointUnorderedInsertion\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ERC6372InconsistentClock\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"FailedCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"voter\",\"type\":\"address\"}],\"name\":\"GovernorAlreadyCastVote\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"GovernorAlreadyQueuedProposal\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"GovernorDisabledDeposit\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"proposer\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"votes\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"threshold\",\"type\":\"uint256\"}],\"name\":\"GovernorInsufficientProposerVotes\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"targets\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"calldatas\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"values\",\"type\":\"uint256\"}],\"name\":\"GovernorInvalidProposalLength\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"quorumNumerator\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"quorumDenominator\",\"type\":\"uint256\"}],\"name\":\"GovernorInvalidQuorumFraction\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"voter\",\"type\":\"address\"}],\"name\":\"GovernorInvalidSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"GovernorInvalidVoteParams\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"GovernorInvalidVoteType\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"votingPeriod\",\"type\":\"uint256\"}],\"name\":\"GovernorInvalidVotingPeriod\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"GovernorNonexistentProposal\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"GovernorOnlyExecutor\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"newVoteExtension\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"maxVoteExtension\",\"type\":\"uint256\"}],\"name\":\"GovernorPreventLateQuorumVoteExtensionTooLarge\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"GovernorProposalQueueingFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"GovernorProposalQueueingNotRequired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"proposer\",\"type\":\"address\"}],\"name\":\"GovernorRestrictedProposer\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"GovernorUnableToCancel\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"internalType\":\"enumIGovernor.ProposalState\",\"name\":\"current\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"expectedStates\",\"type\":\"bytes32\"}],\"name\":\"GovernorUnexpectedProposalState\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"currentNonce\",\"type\":\"uint256\"}],\"name\":\"InvalidAccountNonce\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"bits\",\"type\":\"uint8\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"SafeCastOverflowedUintDowncast\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"oldVoteExtension\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"newVoteExtension\",\"type\":\"uint64\"}],\"name\":\"LateQuorumVoteExtensionSet\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"ProposalCanceled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"proposer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address[]\",\"name\":\"targets\",\"type\":\"address[]\"},{\"indexed\":false,\"internalType\":\"uint256[]\",\"name\":\"values\",\"type\":\"uint256[]\"},{\"indexed\":false,\"internalType\":\"string[]\",\"name\":\"signatures\",\"type\":\"string[]\"},{\"indexed\":false,\"internalType\":\"bytes[]\",\"name\":\"calldatas\",\"type\":\"bytes[]\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"voteStart\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"voteEnd\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"description\",\"type\":\"string\"}],\"name\":\"ProposalCreated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"ProposalExecuted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"extendedDeadline\",\"type\":\"uint64\"}],\"name\":\"ProposalExtended\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"etaSeconds\",\"type\":\"uint256\"}],\"name\":\"ProposalQueued\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"oldProposalThreshold\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"newProposalThreshold\",\"type\":\"uint256\"}],\"name\":\"ProposalThresholdSet\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"oldQuorumNumerator\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"newQuorumNumerator\",\"type\":\"uint256\"}],\"name\":\"QuorumNumeratorUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"address\",\"name\":\"oldTimelock\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"newTimelock\",\"type\":\"address\"}],\"name\":\"TimelockChange\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"voter\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"support\",\"type\":\"uint8\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"weight\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"reason\",\"type\":\"string\"}],\"name\":\"VoteCast\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"voter\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"support\",\"type\":\"uint8\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"weight\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"reason\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"params\",\"type\":\"bytes\"}],\"name\":\"VoteCastWithParams\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"oldVotingDelay\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"newVotingDelay\",\"type\":\"uint256\"}],\"name\":\"VotingDelaySet\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"oldVotingPeriod\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"newVotingPeriod\",\"type\":\"uint256\"}],\"name\":\"VotingPeriodSet\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"BALLOT_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"CLOCK_MODE\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"COUNTING_MODE\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"EXTENDED_BALLOT_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"targets\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"values\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes[]\",\"name\":\"calldatas\",\"type\":\"bytes[]\"},{\"internalType\":\"bytes32\",\"name\":\"descriptionHash\",\"type\":\"bytes32\"}],\"name\":\"cancel\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"support\",\"type\":\"uint8\"}],\"name\":\"castVote\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"support\",\"type\":\"uint8\"},{\"internalType\":\"address\",\"name\":\"voter\",\"type\":\"address\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"castVoteBySig\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"support\",\"type\":\"uint8\"},{\"internalType\":\"string\",\"name\":\"reason\",\"type\":\"string\"}],\"name\":\"castVoteWithReason\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"support\",\"type\":\"uint8\"},{\"internalType\":\"string\",\"name\":\"reason\",\"type\":\"string\"},{\"internalType\":\"bytes\",\"name\":\"params\",\"type\":\"bytes\"}],\"name\":\"castVoteWithReasonAndParams\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"support\",\"type\":\"uint8\"},{\"internalType\":\"address\",\"name\":\"voter\",\"type\":\"address\"},{\"internalType\":\"string\",\"name\":\"reason\",\"type\":\"string\"},{\"internalType\":\"bytes\",\"name\":\"params\",\"type\":\"bytes\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"castVoteWithReasonAndParamsBySig\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"clock\",\"outputs\":[{\"internalType\":\"uint48\",\"name\":\"\",\"type\":\"uint48\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"targets\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"values\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes[]\",\"name\":\"calldatas\",\"type\":\"bytes[]\"},{\"internalType\":\"bytes32\",\"name\":\"descriptionHash\",\"type\":\"bytes32\"}],\"name\":\"execute\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"targets\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"values\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes[]\",\"name\":\"calldatas\",\"type\":\"bytes[]\"},{\"internalType\":\"bytes32\",\"name\":\"descriptionHash\",\"type\":\"bytes32\"}],\"name\":\"getProposalId\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"timepoint\",\"type\":\"uint256\"}],\"name\":\"getVotes\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"timepoint\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"params\",\"type\":\"bytes\"}],\"name\":\"getVotesWithParams\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"hasVoted\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"targets\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"values\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes[]\",\"name\":\"calldatas\",\"type\":\"bytes[]\"},{\"internalType\":\"bytes32\",\"name\":\"descriptionHash\",\"type\":\"bytes32\"}],\"name\":\"hashProposal\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lateQuorumVoteExtension\",\"outputs\":[{\"internalType\":\"uint48\",\"name\":\"\",\"type\":\"uint48\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"nonces\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"uint256[]\",\"name\":\"\",\"type\":\"uint256[]\"},{\"internalType\":\"uint256[]\",\"name\":\"\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"name\":\"onERC1155BatchReceived\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"name\":\"onERC1155Received\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"name\":\"onERC721Received\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"proposalDeadline\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"proposalEta\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"proposalNeedsQueuing\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"proposalProposer\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"proposalSnapshot\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"proposalThreshold\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"proposalVotes\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"againstVotes\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"forVotes\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"abstainVotes\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"targets\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"values\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes[]\",\"name\":\"calldatas\",\"type\":\"bytes[]\"},{\"internalType\":\"string\",\"name\":\"description\",\"type\":\"string\"}],\"name\":\"propose\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"targets\",\"type\":\"address[]\"},{\"internalType\":\"uint256[]\",\"name\":\"values\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes[]\",\"name\":\"calldatas\",\"type\":\"bytes[]\"},{\"internalType\":\"bytes32\",\"name\":\"descriptionHash\",\"type\":\"bytes32\"}],\"name\":\"queue\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"timepoint\",\"type\":\"uint256\"}],\"name\":\"quorum\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"quorumDenominator\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"timepoint\",\"type\":\"uint256\"}],\"name\":\"quorumNumerator\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"quorumNumerator\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"target\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"relay\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint48\",\"name\":\"newVoteExtension\",\"type\":\"uint48\"}],\"name\":\"setLateQuorumVoteExtension\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"newProposalThreshold\",\"type\":\"uint256\"}],\"name\":\"setProposalThreshold\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint48\",\"name\":\"newVotingDelay\",\"type\":\"uint48\"}],\"name\":\"setVotingDelay\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint32\",\"name\":\"newVotingPeriod\",\"type\":\"uint32\"}],\"name\":\"setVotingPeriod\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"state\",\"outputs\":[{\"internalType\":\"enumIGovernor.ProposalState\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes4\",\"name\":\"interfaceId\",\"type\":\"bytes4\"}],\"name\":\"supportsInterface\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"timelock\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"token\",\"outputs\":[{\"internalType\":\"contractIERC5805\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"newQuorumNumerator\",\"type\":\"uint256\"}],\"name\":\"updateQuorumNumerator\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"contractTimelockController\",\"name\":\"newTimelock\",\"type\":\"address\"}],\"name\":\"updateTimelock\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"version\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"votingDelay\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"votingPeriod\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "GuildGovernor",
	Bin: "0x610180604052348015610010575f5ffd5b5060405161507938038061507983398101604081905261002f916107d5565b808683898888888e806100566040805180820190915260018152603160f81b602082015290565b61005f82610166565b6101205261006c81610166565b61014052815160208084019190912060e052815190820120610100524660a0526100f860e05161010051604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201529081019290925260608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60805250503060c052600361010d8282610979565b506101199050836101ac565b61012282610212565b61012b816102b1565b5050506001600160a01b031661016052610144816102f2565b5061014e81610387565b50610158816103f0565b505050505050505050610acd565b5f5f829050601f81511115610199578260405163305a27a960e01b81526004016101909190610a37565b60405180910390fd5b80516101a482610a6c565b179392505050565b6008546040805165ffffffffffff928316815291831660208301527fc565b045403dc03c2eea82b81a0465edad9e2e7fc4d97e11421c209da93d7a93910160405180910390a16008805465ffffffffffff191665ffffffffffff92909216919091179055565b8063ffffffff165f0361023a5760405163f1cfbf0560e01b81525f6004820152602401610190565b6008546040805163ffffffff66010000000000009093048316815291831660208301527f7e3f7f0708a84de9203036abaa450dccc85ad5ff52f78c170f3edb55cf5e8828910160405180910390a16008805463ffffffff90921666010000000000000263ffffffff60301b19909216919091179055565b60075460408051918252602082018390527fccb45da8d5717e6c4544694297c4ba5cf151d455c9bb0ed4fc7a38411bc05461910160405180910390a1600755565b60648082111561031f5760405163243e544560e01b81526004810183905260248101829052604401610190565b5f61032861049c565b90506103476103356104b5565b61033e8561052f565b600a9190610566565b505060408051828152602081018590527f0553476bf02ef2726e8ce5ced78d63e26e602e4a2257b1f559418e24b4633997910160405180910390a1505050565b600b54604080516001600160a01b03928316815291831660208301527f08f74ea46ef7894f65eabfb5e6e695de773a000b47c529ab559178069b226401910160405180910390a1600b80546001600160a01b0319166001600160a01b0392909216919091179055565b5f6103f9610580565b9050808265ffffffffffff16111561043557604051633211876d60e11b815265ffffffffffff8316600482015260248101829052604401610190565b600d546040805165ffffffffffff928316815291841660208301527f7ca4ac117ed3cdce75c1161d8207c440389b1a15d69d096831664657c07dafc2910160405180910390a150600d805465ffffffffffff191665ffffffffffff92909216919091179055565b5f6104a7600a610589565b6001600160d01b0316905090565b5f6104c06101605190565b6001600160a01b03166391ddadf46040518163ffffffff1660e01b8152600401602060405180830381865afa925050508015610519575060408051601f3d908101601f1916820190925261051691810190610a8f565b60015b61052a576105256105d1565b905090565b919050565b5f6001600160d01b03821115610562576040516306dfcc6560e41b815260d0600482015260248101839052604401610190565b5090565b5f806105738585856105db565b915091505b935093915050565b5f610525610737565b80545f9080156105c8576105af836105a2600184610aa8565b5f91825260209091200190565b54660100000000000090046001600160d01b03166105ca565b5f5b9392505050565b5f61052543610751565b82545f90819080156106da575f6105f7876105a2600185610aa8565b805490915065ffffffffffff80821691660100000000000090046001600160d01b031690881682111561063d57604051632520601d60e01b815260040160405180910390fd5b8765ffffffffffff168265ffffffffffff160361067957825465ffffffffffff1666010000000000006001600160d01b038916021783556106cc565b6040805180820190915265ffffffffffff808a1682526001600160d01b03808a1660208085019182528d54600181018f555f8f815291909120945191519092166601000000000000029216919091179101555b945085935061057892505050565b50506040805180820190915265ffffffffffff80851682526001600160d01b0380851660208085019182528854600181018a555f8a8152918220955192519093166601000000000000029190931617920191909155905081610578565b5f6105256008546601000000000000900463ffffffff1690565b5f65ffffffffffff821115610562576040516306dfcc6560e41b81526030600482015260248101839052604401610190565b634e487b7160e01b5f52604160045260245ffd5b80516001600160a01b038116811461052a575f5ffd5b805165ffffffffffff8116811461052a575f5ffd5b805163ffffffff8116811461052a575f5ffd5b5f5f5f5f5f5f5f5f610100898b0312156107ed575f5ffd5b88516001600160401b03811115610802575f5ffd5b8901601f81018b13610812575f5ffd5b80516001600160401b0381111561082b5761082b610783565b604051601f8201601f19908116603f011681016001600160401b038111828210171561085957610859610783565b6040528181528282016020018d1015610870575f5ffd5b8160208401602083015e5f60208383010152809a5050505061089460208a01610797565b96506108a260408a01610797565b95506108b060608a016107ad565b94506108be60808a016107c2565b60a08a015160c08b0151919550935091506108db60e08a016107ad565b90509295985092959890939650565b600181811c908216806108fe57607f821691505b60208210810361091c57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f821115610974578282111561097457805f5260205f20601f840160051c602085101561094d57505f5b90810190601f840160051c035f5b81811015610970575f8382015560010161095b565b5050505b505050565b81516001600160401b0381111561099257610992610783565b6109a6816109a084546108ea565b84610922565b6020601f8211600181146109d8575f83156109c15750848201515b5f19600385901b1c1916600184901b178455610a30565b5f84815260208120601f198516915b82811015610a0757878501518255602094850194600190920191016109e7565b5084821015610a2457868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b8051602080830151919081101561091c575f1960209190910360031b1b16919050565b5f60208284031215610a9f575f5ffd5b6105ca826107ad565b81810381811115610ac757634e487b7160e01b5f52601160045260245ffd5b92915050565b60805160a05160c05160e05161010051610120516101405161016051614535610b445f395f8181610a2c01528181610edf0152818161127f01528181611efc015261219f01525f611e4201525f611e1701525f612fd801525f612fb001525f612f0b01525f612f3501525f612f5f01526145355ff3fe6080604052600436106102dc575f3560e01c80637d5e81e211610189578063bc197c81116100d8578063deaaa7cc11610092578063ece40cc11161006d578063ece40cc1146109c1578063f23a6e61146109e0578063f8ce560a146109ff578063fc0c546a14610a1e575f5ffd5b8063deaaa7cc14610950578063e540d01d14610983578063eb9019d4146109a2575f5ffd5b8063bc197c811461087e578063c01f9e371461089d578063c28bc2fa146108bc578063c59057e4146108cf578063d33219b4146108ee578063dd4e2ba51461090b575f5ffd5b80639a802a6d11610143578063a8f8a6681161011e578063a8f8a668146107f6578063a9a9529414610815578063ab58fb8e14610834578063b58131b01461086a575f5ffd5b80639a802a6d146107a4578063a7713a70146107c3578063a890c910146107d7575f5ffd5b80637d5e81e2146106e45780637ecebe001461070357806384b0196e146107375780638ff262e31461075e57806391ddadf41461077d57806397c3d33414610791575f5ffd5b80633932abb11161024557806354fd4d50116101ff5780635f398a14116101da5780635f398a141461066857806360c4247f1461068757806379051887146106a65780637b3c71d3146106c5575f5ffd5b806354fd4d5014610601578063567813881461062a5780635b8d0e0d14610649575f5ffd5b80633932abb11461050c5780633e4f49e614610520578063438596321461054c578063452115d6146105945780634bf5d7e9146105b3578063544ffc9c146105c7575f5ffd5b8063160cbed711610296578063160cbed71461043a5780632656227d146104595780632d63f6931461046c5780632fe3e2611461048b57806332b8113e146104be578063330df7ff146104ed575f5ffd5b806301ffc9a71461031757806302a251a31461034b57806306f3f9e61461037657806306fdde0314610395578063143489d0146103b6578063150b7a0214610402575f5ffd5b3661031357306102ea610a50565b6001600160a01b03161461031157604051637485328f60e11b815260040160405180910390fd5b005b5f5ffd5b348015610322575f5ffd5b5061033661033136600461359c565b610a68565b60405190151581526020015b60405180910390f35b348015610356575f5ffd5b50600854600160301b900463ffffffff165b604051908152602001610342565b348015610381575f5ffd5b506103116103903660046135c3565b610ad4565b3480156103a0575f5ffd5b506103a9610ae8565b6040516103429190613608565b3480156103c1575f5ffd5b506103ea6103d03660046135c3565b5f908152600460205260409020546001600160a01b031690565b6040516001600160a01b039091168152602001610342565b34801561040d575f5ffd5b5061042161041c3660046136f1565b610b78565b6040516001600160e01b03199091168152602001610342565b348015610445575f5ffd5b506103686104543660046138b7565b610bba565b6103686104673660046138b7565b610cbd565b348015610477575f5ffd5b506103686104863660046135c3565b610e2d565b348015610496575f5ffd5b506103687f3e83946653575f9a39005e1545185629e92736b7528ab20ca3816f315424a81181565b3480156104c9575f5ffd5b50600d5465ffffffffffff165b60405165ffffffffffff9091168152602001610342565b3480156104f8575f5ffd5b5061031161050736600461395d565b610e4d565b348015610517575f5ffd5b50610368610e5e565b34801561052b575f5ffd5b5061053f61053a3660046135c3565b610e70565b60405161034291906139ac565b348015610557575f5ffd5b506103366105663660046139ba565b5f8281526009602090815260408083206001600160a01b038516845260030190915290205460ff1692915050565b34801561059f575f5ffd5b506103686105ae3660046138b7565b610e7a565b3480156105be575f5ffd5b506103a9610edb565b3480156105d2575f5ffd5b506105e66105e13660046135c3565b610f6e565b60408051938452602084019290925290820152606001610342565b34801561060c575f5ffd5b506040805180820190915260018152603160f81b60208201526103a9565b348015610635575f5ffd5b506103686106443660046139f8565b610f93565b348015610654575f5ffd5b50610368610663366004613a66565b610fba565b348015610673575f5ffd5b50610368610682366004613b22565b611077565b348015610692575f5ffd5b506103686106a13660046135c3565b6110bf565b3480156106b1575f5ffd5b506103116106c036600461395d565b6110cb565b3480156106d0575f5ffd5b506103686106df366004613ba3565b6110dc565b3480156106ef575f5ffd5b506103686106fe366004613bf8565b61112c565b34801561070e575f5ffd5b5061036861071d366004613cb4565b6001600160a01b03165f9081526002602052604090205490565b348015610742575f5ffd5b5061074b6111e2565b6040516103429796959493929190613d09565b348015610769575f5ffd5b50610368610778366004613d78565b611224565b348015610788575f5ffd5b506104d661127c565b34801561079c575f5ffd5b506064610368565b3480156107af575f5ffd5b506103686107be366004613dc5565b611303565b3480156107ce575f5ffd5b50610368611319565b3480156107e2575f5ffd5b506103116107f1366004613cb4565b611332565b348015610801575f5ffd5b506103686108103660046138b7565b611343565b348015610820575f5ffd5b5061033661082f3660046135c3565b611350565b34801561083f575f5ffd5b5061036861084e3660046135c3565b5f9081526004602052604090206001015465ffffffffffff1690565b348015610875575f5ffd5b50610368611358565b348015610889575f5ffd5b50610421610898366004613e19565b611362565b3480156108a8575f5ffd5b506103686108b73660046135c3565b6113a5565b6103116108ca366004613eb0565b6113af565b3480156108da575f5ffd5b506103686108e93660046138b7565b61142b565b3480156108f9575f5ffd5b50600b546001600160a01b03166103ea565b348015610916575f5ffd5b506040805180820190915260208082527f737570706f72743d627261766f2671756f72756d3d666f722c6162737461696e908201526103a9565b34801561095b575f5ffd5b506103687ff2aad550cf55f045cb27e9c559f9889fdfb6e6cdaa032301d6ea397784ae51d781565b34801561098e575f5ffd5b5061031161099d366004613eef565b611464565b3480156109ad575f5ffd5b506103686109bc366004613f12565b611475565b3480156109cc575f5ffd5b506103116109db3660046135c3565b611494565b3480156109eb575f5ffd5b506104216109fa366004613f3c565b6114a5565b348015610a0a575f5ffd5b50610368610a193660046135c3565b6114e8565b348015610a29575f5ffd5b507f00000000000000000000000000000000000000000000000000000000000000006103ea565b5f610a63600b546001600160a01b031690565b905090565b5f6001600160e01b031982166366defe7760e11b1480610a9857506001600160e01b031982166332a2ad4360e11b145b80610ab357506001600160e01b03198216630271189760e51b145b80610ace57506301ffc9a760e01b6001600160e01b03198316145b92915050565b610adc6114f2565b610ae58161156b565b50565b606060038054610af790613f93565b80601f0160208091040260200160405190810160405280929190818152602001828054610b2390613f93565b8015610b6e5780601f10610b4557610100808354040283529160200191610b6e565b820191905f5260205f20905b815481529060010190602001808311610b5157829003601f168201915b5050505050905090565b5f30610b82610a50565b6001600160a01b031614610ba957604051637485328f60e11b815260040160405180910390fd5b50630a85bd0160e11b949350505050565b5f5f610bc886868686611343565b90505f610bd482611350565b9050610be982610be46004611600565b611622565b5080610c105760405163d838bcb760e01b8152600481018390526024015b60405180910390fd5b5f610c1e838989898961165f565b905065ffffffffffff811615610c95575f83815260046020908152604091829020600101805465ffffffffffff191665ffffffffffff85169081179091558251868152918201527f9a2e42fd6722813d69113e7d0079d3d940171428df7373df9c7f7617cfda2892910160405180910390a1610cb1565b60405163ab2d031160e01b815260048101849052602401610c07565b50909695505050505050565b5f5f610ccb86868686611343565b90505f610cd782611350565b9050610cf382610be483610cec576004611600565b6005611600565b505f828152600460205260409020805460ff60f01b1916600160f01b17905530610d1b610a50565b6001600160a01b031614610da4575f5b8751811015610da257306001600160a01b0316888281518110610d5057610d50613fcb565b60200260200101516001600160a01b031603610d9a57610d9a868281518110610d7b57610d7b613fcb565b602002602001015180519060200120600561166d90919063ffffffff16565b600101610d2b565b505b610db1828888888861168e565b30610dba610a50565b6001600160a01b031614158015610de657506005546001600160801b03808216600160801b9092041614155b15610df0575f6005555b6040518281527f712ae1383f79ac853f8d882153778e0260ef8f03b504e2866e0593e04d2b291f9060200160405180910390a15095945050505050565b5f90815260046020526040902054600160a01b900465ffffffffffff1690565b610e556114f2565b610ae5816116a2565b5f610a6360085465ffffffffffff1690565b5f610ace82611753565b5f5f610e8886868686611343565b905033610e95828261188c565b610ec457604051638fe5d8a960e01b8152600481018390526001600160a01b0382166024820152604401610c07565b610ed0878787876118d1565b979650505050505050565b60607f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316634bf5d7e96040518163ffffffff1660e01b81526004015f60405180830381865afa925050508015610f5a57506040513d5f823e601f3d908101601f19168201604052610f579190810190613fdf565b60015b610f6957610a6361127c6118de565b919050565b5f818152600960205260409020805460018201546002909201549091905b9193909250565b5f80339050610fb284828560405180602001604052805f8152506118f4565b949350505050565b5f61100088888888888080601f0160208091040260200160405190810160405280939291908181526020018383808284375f920191909152508a92508991506119159050565b611028576040516394ab6c0760e01b81526001600160a01b0387166004820152602401610c07565b61106b88878988888080601f0160208091040260200160405190810160405280939291908181526020018383808284375f920191909152508a92506119e2915050565b98975050505050505050565b5f80339050610ed087828888888080601f0160208091040260200160405190810160405280939291908181526020018383808284375f920191909152508a92506119e2915050565b5f610ace600a83611abf565b6110d36114f2565b610ae581611b0c565b5f8033905061112286828787878080601f0160208091040260200160405190810160405280939291908181526020018383808284375f920191909152506118f492505050565b9695505050505050565b5f336111388184611b72565b6111605760405163d9b3955760e01b81526001600160a01b0382166004820152602401610c07565b5f611169611358565b905080156111d5575f61119783600161118061127c565b61118a9190614067565b65ffffffffffff16611475565b9050818110156111d357604051636121770b60e11b81526001600160a01b03841660048201526024810182905260448101839052606401610c07565b505b610ed08787878786611bf6565b5f6060805f5f5f60606111f3611e10565b6111fb611e3b565b604080515f80825260208201909252600f60f81b9b939a50919850469750309650945092509050565b5f61123185858585611e66565b611259576040516394ab6c0760e01b81526001600160a01b0384166004820152602401610c07565b61127385848660405180602001604052805f8152506118f4565b95945050505050565b5f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03166391ddadf46040518163ffffffff1660e01b8152600401602060405180830381865afa9250505080156112f7575060408051601f3d908101601f191682019092526112f491810190614085565b60015b610f6957610a63611eef565b5f61130f848484611ef9565b90505b9392505050565b5f611324600a611f8c565b6001600160d01b0316905090565b61133a6114f2565b610ae581611fd0565b5f6112738585858561142b565b5f6001610ace565b5f610a6360075490565b5f3061136c610a50565b6001600160a01b03161461139357604051637485328f60e11b815260040160405180910390fd5b5063bc197c8160e01b95945050505050565b5f610ace82612039565b6113b76114f2565b5f5f856001600160a01b03168585856040516113d49291906140a0565b5f6040518083038185875af1925050503d805f811461140e576040519150601f19603f3d011682016040523d82523d5f602084013e611413565b606091505b50915091506114228282612061565b50505050505050565b5f848484846040516020016114439493929190614136565b60408051601f19818403018152919052805160209091012095945050505050565b61146c6114f2565b610ae58161209e565b5f611312838361148f60408051602081019091525f815290565b611ef9565b61149c6114f2565b610ae58161213a565b5f306114af610a50565b6001600160a01b0316146114d657604051637485328f60e11b815260040160405180910390fd5b5063f23a6e6160e01b95945050505050565b5f610ace8261217b565b336114fb610a50565b6001600160a01b031614611524576040516347096e4760e01b8152336004820152602401610c07565b3061152d610a50565b6001600160a01b031614611569575f803660405161154c9291906140a0565b604051809103902090505b806115626005612218565b0361155757505b565b6064808211156115985760405163243e544560e01b81526004810183905260248101829052604401610c07565b5f6115a1611319565b90506115c06115ae61127c565b6115b785612237565b600a919061226e565b505060408051828152602081018590527f0553476bf02ef2726e8ce5ced78d63e26e602e4a2257b1f559418e24b4633997910160405180910390a1505050565b5f81600781111561161357611613613978565b600160ff919091161b92915050565b5f5f61162d84610e70565b90505f8361163a83611600565b1603611312578381846040516331b75e4d60e01b8152600401610c0793929190614180565b5f6111228686868686612288565b5f6116788383612419565b90508061168957611689604161247e565b505050565b61169b858585858561248f565b5050505050565b600854600160301b900463ffffffff1665ffffffffffff82168110156116ec57604051633211876d60e11b815265ffffffffffff8316600482015260248101829052604401610c07565b600d546040805165ffffffffffff928316815291841660208301527f7ca4ac117ed3cdce75c1161d8207c440389b1a15d69d096831664657c07dafc2910160405180910390a150600d805465ffffffffffff191665ffffffffffff92909216919091179055565b5f5f61175e8361251f565b9050600581600781111561177457611774613978565b1461177f5792915050565b5f838152600c60205260409081902054600b549151632c258a9f60e11b81526004810182905290916001600160a01b03169063584b153e90602401602060405180830381865afa1580156117d5573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906117f991906141a2565b15611808575060059392505050565b600b54604051632ab0f52960e01b8152600481018390526001600160a01b0390911690632ab0f52990602401602060405180830381865afa15801561184f573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061187391906141a2565b15611882575060079392505050565b5060029392505050565b5f8061189784610e70565b60078111156118a8576118a8613978565b1480156113125750505f91825260046020526040909120546001600160a01b0391821691161490565b5f61127385858585612650565b6060610ace6118ef8363ffffffff16565b6126e7565b5f6112738585858561191060408051602081019091525f815290565b6119e2565b5f610ed0856119dc7f3e83946653575f9a39005e1545185629e92736b7528ab20ca3816f315424a8118a8a8a6119678c6001600160a01b03165f90815260026020526040902080546001810190915590565b8b516020808e01919091208c518d8301206040516119c198979695949301968752602087019590955260ff9390931660408601526001600160a01b03919091166060850152608084015260a083015260c082015260e00190565b60405160208183030381529060405280519060200120612759565b84612785565b5f6119f186610be46001611600565b505f611a0686611a0089610e2d565b85611ef9565b90505f611a1688888885886127f5565b905083515f03611a6c57866001600160a01b03167fb8e138887d0aa13bab447e82de9d5c1777041ecd21ca36ba824ff1e6c07ddda489888489604051611a5f94939291906141c1565b60405180910390a2611ab6565b866001600160a01b03167fe2babfbac5889a709b63bb7f598b324e08bc5a4fb9ec647fb3cbc9ec07eb87128988848989604051611aad9594939291906141e8565b60405180910390a25b610ed0886128f1565b5f5f5f611acb856128fa565b9250925050838265ffffffffffff161115611af857611af3611aec85612952565b8690612984565b611afa565b805b6001600160d01b031695945050505050565b6008546040805165ffffffffffff928316815291831660208301527fc565b045403dc03c2eea82b81a0465edad9e2e7fc4d97e11421c209da93d7a93910160405180910390a16008805465ffffffffffff191665ffffffffffff92909216919091179055565b80515f906034811015611b89576001915050610ace565b60131981840101516001600160b01b03198116692370726f706f7365723d60b01b14611bba57600192505050610ace565b5f5f611bca86602a860386612a26565b91509150811580610ed05750866001600160a01b0316816001600160a01b031614979650505050505050565b5f611c0a8686868680519060200120611343565b905084518651141580611c1f57508351865114155b80611c2957508551155b15611c5e57855184518651604051630447b05d60e41b8152600481019390935260248301919091526044820152606401610c07565b5f81815260046020526040902054600160a01b900465ffffffffffff1615611ca75780611c8a82610e70565b6040516331b75e4d60e01b8152610c079291905f90600401614180565b5f611cb0610e5e565b611cb861127c565b65ffffffffffff16611cca9190614221565b90505f611ce460085463ffffffff600160301b9091041690565b5f84815260046020526040902080546001600160a01b0319166001600160a01b038716178155909150611d1683612952565b815465ffffffffffff91909116600160a01b0265ffffffffffff60a01b19909116178155611d4382612acf565b815463ffffffff91909116600160d01b0263ffffffff60d01b1990911617815588517f7d84a6263ae0d98d3329bd7b46bb4e8d6f98cd35a7adb45c274c8b7fd5ebd5e090859087908c908c906001600160401b03811115611da657611da661362e565b604051908082528060200260200182016040528015611dd957816020015b6060815260200190600190039081611dc45790505b508c89611de68a82614221565b8e604051611dfc99989796959493929190614234565b60405180910390a150505095945050505050565b6060610a637f0000000000000000000000000000000000000000000000000000000000000000612aff565b6060610a637f0000000000000000000000000000000000000000000000000000000000000000612aff565b5f611273836119dc7ff2aad550cf55f045cb27e9c559f9889fdfb6e6cdaa032301d6ea397784ae51d7888888611eb88a6001600160a01b03165f90815260026020526040902080546001810190915590565b60408051602081019690965285019390935260ff90911660608401526001600160a01b0316608083015260a082015260c0016119c1565b5f610a6343612952565b5f7f0000000000000000000000000000000000000000000000000000000000000000604051630748d63560e31b81526001600160a01b038681166004830152602482018690529190911690633a46b1a890604401602060405180830381865afa158015611f68573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061130f919061430f565b80545f908015611fc857611fb283611fa5600184614326565b5f91825260209091200190565b54600160301b90046001600160d01b0316611312565b5f9392505050565b600b54604080516001600160a01b03928316815291831660208301527f08f74ea46ef7894f65eabfb5e6e695de773a000b47c529ab559178069b226401910160405180910390a1600b80546001600160a01b0319166001600160a01b0392909216919091179055565b5f610ace61204683612b3c565b5f848152600e602052604090205465ffffffffffff16612b7e565b60608215612070575080610ace565b8151156120855761208082612b8d565b610ace565b60405163d6bda27560e01b815260040160405180910390fd5b8063ffffffff165f036120c65760405163f1cfbf0560e01b81525f6004820152602401610c07565b6008546040805163ffffffff600160301b9093048316815291831660208301527f7e3f7f0708a84de9203036abaa450dccc85ad5ff52f78c170f3edb55cf5e8828910160405180910390a16008805463ffffffff909216600160301b0269ffffffff00000000000019909216919091179055565b60075460408051918252602082018390527fccb45da8d5717e6c4544694297c4ba5cf151d455c9bb0ed4fc7a38411bc05461910160405180910390a1600755565b604051632394e7a360e21b8152600481018290525f90610ace906001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001690638e539e8c90602401602060405180830381865afa1580156121e4573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190612208919061430f565b612211846110bf565b6064612b95565b5f5f5f61222484612c45565b915091508161131257611312603161247e565b5f6001600160d01b0382111561226a576040516306dfcc6560e41b815260d0600482015260248101839052604401610c07565b5090565b5f8061227b858585612cb9565b915091505b935093915050565b5f5f600b5f9054906101000a90046001600160a01b03166001600160a01b031663f27a0c926040518163ffffffff1660e01b8152600401602060405180830381865afa1580156122da573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906122fe919061430f565b90505f3060601b6bffffffffffffffffffffffff19168418600b5460405163b1c5f42760e01b81529192506001600160a01b03169063b1c5f4279061234f908a908a908a905f908890600401614339565b602060405180830381865afa15801561236a573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061238e919061430f565b5f898152600c602052604080822092909255600b5491516308f2a0bb60e41b81526001600160a01b0390921691638f2a0bb0916123d8918b918b918b919088908a90600401614386565b5f604051808303815f87803b1580156123ef575f5ffd5b505af1158015612401573d5f5f3e3d5ffd5b5050505061106b82426124149190614221565b612952565b81545f906001600160801b03600160801b820481169181166001830190911603612446575f915050610ace565b6001600160801b038181165f908152600186810160205260409091209490945584549184018116600160801b02911617909255919050565b634e487b715f52806020526024601cfd5b600b546001600160a01b031663e38335e5348686865f3060601b6bffffffffffffffffffffffff191688186040518763ffffffff1660e01b81526004016124da959493929190614339565b5f604051808303818588803b1580156124f1575f5ffd5b505af1158015612503573d5f5f3e3d5ffd5b5050505f9687525050600c602052505060408320929092555050565b5f818152600460205260408120805460ff600160f01b8204811691600160f81b900416811561255357506007949350505050565b801561256457506002949350505050565b5f61256e86610e2d565b9050805f0361259357604051636ad0607560e01b815260048101879052602401610c07565b5f61259c61127c565b65ffffffffffff1690508082106125b957505f9695505050505050565b5f6125c3886113a5565b90508181106125da57506001979650505050505050565b6125e388612e09565b158061260257505f888152600960205260409020805460019091015411155b1561261557506003979650505050505050565b5f8881526004602052604090206001015465ffffffffffff165f0361264257506004979650505050505050565b506005979650505050505050565b5f5f61265e86868686612e3f565b5f818152600c602052604090205490915080156126dd57600b5460405163c4d252f560e01b8152600481018390526001600160a01b039091169063c4d252f5906024015f604051808303815f87803b1580156126b8575f5ffd5b505af11580156126ca573d5f5f3e3d5ffd5b5050505f838152600c6020526040812055505b5095945050505050565b60606126f1611eef565b65ffffffffffff168265ffffffffffff1614612720576040516301bfc1c560e61b815260040160405180910390fd5b505060408051808201909152601d81527f6d6f64653d626c6f636b6e756d6265722666726f6d3d64656661756c74000000602082015290565b5f610ace612765612eff565b8360405161190160f01b8152600281019290925260228201526042902090565b5f836001600160a01b03163b5f036127e3575f5f6127a38585613028565b5090925090505f8160038111156127bc576127bc613978565b1480156127da5750856001600160a01b0316826001600160a01b0316145b92505050611312565b6127ee848484613071565b9050611312565b5f8581526009602090815260408083206001600160a01b03881684526003810190925282205460ff1615612847576040516371c6af4960e01b81526001600160a01b0387166004820152602401610c07565b6001600160a01b0386165f9081526003820160205260409020805460ff1916600117905560ff85166128905783815f015f8282546128859190614221565b909155506128e69050565b5f1960ff8616016128ae5783816001015f8282546128859190614221565b60011960ff8616016128cd5783816002015f8282546128859190614221565b6040516303599be160e11b815260040160405180910390fd5b509195945050505050565b610ae5816130d6565b80545f9081908190808203612918575f5f5f93509350935050610f8c565b5f61292886611fa5600185614326565b546001955065ffffffffffff81169450600160301b90046001600160d01b03169250610f8c915050565b5f65ffffffffffff82111561226a576040516306dfcc6560e41b81526030600482015260248101839052604401610c07565b81545f90818160058111156129e0575f61299d846131aa565b6129a79085614326565b5f8881526020902090915081015465ffffffffffff90811690871610156129d0578091506129de565b6129db816001614221565b92505b505b5f6129ed87878585613302565b90508015612a1a57612a0487611fa5600184614326565b54600160301b90046001600160d01b0316610ed0565b505f9695505050505050565b5f5f8451831180612a3657508284115b15612a4557505f905080612280565b5f612a51856001614221565b84118015612a79575061060f60f31b612a6d8787016020015190565b6001600160f01b031916145b90505f612a8982151560026143dd565b612a94906028614221565b905080612aa18787614326565b03612ac2575f5f612ab3898989613358565b90965094506122809350505050565b5f5f935093505050612280565b5f63ffffffff82111561226a576040516306dfcc6560e41b81526020600482015260248101839052604401610c07565b60605f612b0b83613419565b6040805160208082528183019092529192505f91906020820181803683375050509182525060208101929092525090565b5f81815260046020526040812054612b7090600160d01b810463ffffffff1690600160a01b900465ffffffffffff166143f4565b65ffffffffffff1692915050565b5f828218828411028218611312565b805160208201fd5b5f5f5f612ba28686613440565b91509150815f03612bc657838181612bbc57612bbc614412565b0492505050611312565b818411612bdd57612bdd600385150260111861247e565b5f848688095f868103871696879004966002600389028118808a02820302808a02820302808a02820302808a02820302808a02820302808a02909103029181900381900460010185841190960395909502919093039390930492909217029150509392505050565b80545f9081906001600160801b0380821691600160801b9004168103612c7057505f93849350915050565b6001600160801b038181165f908152600186810160205260408220805492905586546fffffffffffffffffffffffffffffffff1916938101909216929092179094559293915050565b82545f9081908015612daf575f612cd587611fa5600185614326565b805490915065ffffffffffff80821691600160301b90046001600160d01b0316908816821115612d1857604051632520601d60e01b815260040160405180910390fd5b8765ffffffffffff168265ffffffffffff1603612d5157825465ffffffffffff16600160301b6001600160d01b03891602178355612da1565b6040805180820190915265ffffffffffff808a1682526001600160d01b03808a1660208085019182528d54600181018f555f8f81529190912094519151909216600160301b029216919091179101555b945085935061228092505050565b50506040805180820190915265ffffffffffff80851682526001600160d01b0380851660208085019182528854600181018a555f8a815291822095519251909316600160301b029190931617920191909155905081612280565b5f81815260096020526040812060028101546001820154612e2a9190614221565b612e36610a1985610e2d565b11159392505050565b5f5f612e4d86868686611343565b9050612e9b81612e5d6007611600565b612e676006611600565b612e716002611600565b6001612e7e600782614426565b612e8990600261451a565b612e939190614326565b181818611622565b505f818152600460205260409081902080546001600160f81b0316600160f81b179055517f789cf55be980739dad1d0699b93b58e806b51c9d96619bfa8fe0a28abaa7b30c90612eee9083815260200190565b60405180910390a195945050505050565b5f306001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016148015612f5757507f000000000000000000000000000000000000000000000000000000000000000046145b15612f8157507f000000000000000000000000000000000000000000000000000000000000000090565b610a63604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f0000000000000000000000000000000000000000000000000000000000000000918101919091527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b5f5f5f835160410361305f576020840151604085015160608601515f1a6130518882858561345c565b95509550955050505061306a565b505081515f91506002905b9250925092565b805160408051630b135d3f60e11b8082526004820186905260248201929092525f92906020820185604483015e5f82606483010152601f820160051c60051b915060205f60648401838a5afa9050825f5114601f3d1116811693505050509392505050565b5f818152600e602052604090205465ffffffffffff161580156130fd57506130fd81612e09565b15610ae5575f613114600d5465ffffffffffff1690565b61311c61127c565b61312691906143f4565b9050613131826113a5565b8165ffffffffffff16111561317e5760405165ffffffffffff8216815282907f541f725fb9f7c98a30cc9c0ff32fbb14358cd7159c847a3aa20a2bdc442ba5119060200160405180910390a25b5f918252600e6020526040909120805465ffffffffffff191665ffffffffffff92909216919091179055565b5f600182116131b7575090565b816001600160801b82106131d05760809190911c9060401b5b6801000000000000000082106131eb5760409190911c9060201b5b64010000000082106132025760209190911c9060101b5b6201000082106132175760109190911c9060081b5b610100821061322b5760089190911c9060041b5b6010821061323e5760049190911c9060021b5b6004821061324a5760011b5b600302600190811c9081858161326257613262614412565b048201901c9050600181858161327a5761327a614412565b048201901c9050600181858161329257613292614412565b048201901c905060018185816132aa576132aa614412565b048201901c905060018185816132c2576132c2614412565b048201901c905060018185816132da576132da614412565b048201901c90506132f98185816132f3576132f3614412565b04821190565b90039392505050565b5f5b81831015613350575f85815260209020838316600285851804019081015465ffffffffffff8681169116111561333c5780925061334a565b613347816001614221565b93505b50613304565b509392505050565b5f808481613367866001614221565b8511801561338f575061060f60f31b6133838388016020015190565b6001600160f01b031916145b90505f61339f82151560026143dd565b90505f806133ad838a614221565b90505b87811015613408575f6133ce6133c98784016020015190565b613524565b9050600f8160ff1611156133ed575f5f97509750505050505050612280565b6133f86010846143dd565b60ff9091160191506001016133b0565b506001999098509650505050505050565b5f60ff8216601f811115610ace57604051632cd44ac360e21b815260040160405180910390fd5b5f805f1983850993909202808410938190039390930393915050565b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084111561349557505f9150600390508261351a565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa1580156134e6573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b03811661351157505f92506001915082905061351a565b92505f91508190505b9450945094915050565b5f60f882901c602f8111801561353d5750603a8160ff16105b1561354b57602f1901610ace565b60608160ff16118015613561575060678160ff16105b1561356f5760561901610ace565b60408160ff16118015613585575060478160ff16105b156135935760361901610ace565b5060ff92915050565b5f602082840312156135ac575f5ffd5b81356001600160e01b031981168114611312575f5ffd5b5f602082840312156135d3575f5ffd5b5035919050565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b602081525f61131260208301846135da565b6001600160a01b0381168114610ae5575f5ffd5b634e487b7160e01b5f52604160045260245ffd5b604051601f8201601f191681016001600160401b038111828210171561366a5761366a61362e565b604052919050565b5f6001600160401b0382111561368a5761368a61362e565b50601f01601f191660200190565b5f6136aa6136a584613672565b613642565b90508281528383830111156136bd575f5ffd5b828260208301375f602084830101529392505050565b5f82601f8301126136e2575f5ffd5b61131283833560208501613698565b5f5f5f5f60808587031215613704575f5ffd5b843561370f8161361a565b9350602085013561371f8161361a565b92506040850135915060608501356001600160401b03811115613740575f5ffd5b61374c878288016136d3565b91505092959194509250565b5f6001600160401b038211156137705761377061362e565b5060051b60200190565b5f82601f830112613789575f5ffd5b81356137976136a582613758565b8082825260208201915060208360051b8601019250858311156137b8575f5ffd5b602085015b838110156126dd5780356137d08161361a565b8352602092830192016137bd565b5f82601f8301126137ed575f5ffd5b81356137fb6136a582613758565b8082825260208201915060208360051b86010192508583111561381c575f5ffd5b602085015b838110156126dd578035835260209283019201613821565b5f82601f830112613848575f5ffd5b81356138566136a582613758565b8082825260208201915060208360051b860101925085831115613877575f5ffd5b602085015b838110156126dd5780356001600160401b03811115613899575f5ffd5b6138a8886020838a01016136d3565b8452506020928301920161387c565b5f5f5f5f608085870312156138ca575f5ffd5b84356001600160401b038111156138df575f5ffd5b6138eb8782880161377a565b94505060208501356001600160401b03811115613906575f5ffd5b613912878288016137de565b93505060408501356001600160401b0381111561392d575f5ffd5b61393987828801613839565b949793965093946060013593505050565b65ffffffffffff81168114610ae5575f5ffd5b5f6020828403121561396d575f5ffd5b81356113128161394a565b634e487b7160e01b5f52602160045260245ffd5b600881106139a857634e487b7160e01b5f52602160045260245ffd5b9052565b60208101610ace828461398c565b5f5f604083850312156139cb575f5ffd5b8235915060208301356139dd8161361a565b809150509250929050565b803560ff81168114610f69575f5ffd5b5f5f60408385031215613a09575f5ffd5b82359150613a19602084016139e8565b90509250929050565b5f5f83601f840112613a32575f5ffd5b5081356001600160401b03811115613a48575f5ffd5b602083019150836020828501011115613a5f575f5ffd5b9250929050565b5f5f5f5f5f5f5f60c0888a031215613a7c575f5ffd5b87359650613a8c602089016139e8565b95506040880135613a9c8161361a565b945060608801356001600160401b03811115613ab6575f5ffd5b613ac28a828b01613a22565b90955093505060808801356001600160401b03811115613ae0575f5ffd5b613aec8a828b016136d3565b92505060a08801356001600160401b03811115613b07575f5ffd5b613b138a828b016136d3565b91505092959891949750929550565b5f5f5f5f5f60808688031215613b36575f5ffd5b85359450613b46602087016139e8565b935060408601356001600160401b03811115613b60575f5ffd5b613b6c88828901613a22565b90945092505060608601356001600160401b03811115613b8a575f5ffd5b613b96888289016136d3565b9150509295509295909350565b5f5f5f5f60608587031215613bb6575f5ffd5b84359350613bc6602086016139e8565b925060408501356001600160401b03811115613be0575f5ffd5b613bec87828801613a22565b95989497509550505050565b5f5f5f5f60808587031215613c0b575f5ffd5b84356001600160401b03811115613c20575f5ffd5b613c2c8782880161377a565b94505060208501356001600160401b03811115613c47575f5ffd5b613c53878288016137de565b93505060408501356001600160401b03811115613c6e575f5ffd5b613c7a87828801613839565b92505060608501356001600160401b03811115613c95575f5ffd5b8501601f81018713613ca5575f5ffd5b61374c87823560208401613698565b5f60208284031215613cc4575f5ffd5b81356113128161361a565b5f8151808452602084019350602083015f5b82811015613cff578151865260209586019590910190600101613ce1565b5093949350505050565b60ff60f81b8816815260e060208201525f613d2760e08301896135da565b8281036040840152613d3981896135da565b606084018890526001600160a01b038716608085015260a0840186905283810360c08501529050613d6a8185613ccf565b9a9950505050505050505050565b5f5f5f5f60808587031215613d8b575f5ffd5b84359350613d9b602086016139e8565b92506040850135613dab8161361a565b915060608501356001600160401b03811115613740575f5ffd5b5f5f5f60608486031215613dd7575f5ffd5b8335613de28161361a565b92506020840135915060408401356001600160401b03811115613e03575f5ffd5b613e0f868287016136d3565b9150509250925092565b5f5f5f5f5f60a08688031215613e2d575f5ffd5b8535613e388161361a565b94506020860135613e488161361a565b935060408601356001600160401b03811115613e62575f5ffd5b613e6e888289016137de565b93505060608601356001600160401b03811115613e89575f5ffd5b613e95888289016137de565b92505060808601356001600160401b03811115613b8a575f5ffd5b5f5f5f5f60608587031215613ec3575f5ffd5b8435613ece8161361a565b93506020850135925060408501356001600160401b03811115613be0575f5ffd5b5f60208284031215613eff575f5ffd5b813563ffffffff81168114611312575f5ffd5b5f5f60408385031215613f23575f5ffd5b8235613f2e8161361a565b946020939093013593505050565b5f5f5f5f5f60a08688031215613f50575f5ffd5b8535613f5b8161361a565b94506020860135613f6b8161361a565b9350604086013592506060860135915060808601356001600160401b03811115613b8a575f5ffd5b600181811c90821680613fa757607f821691505b602082108103613fc557634e487b7160e01b5f52602260045260245ffd5b50919050565b634e487b7160e01b5f52603260045260245ffd5b5f60208284031215613fef575f5ffd5b81516001600160401b03811115614004575f5ffd5b8201601f81018413614014575f5ffd5b80516140226136a582613672565b818152856020838501011115614036575f5ffd5b8160208401602083015e5f91810160200191909152949350505050565b634e487b7160e01b5f52601160045260245ffd5b65ffffffffffff8281168282160390811115610ace57610ace614053565b5f60208284031215614095575f5ffd5b81516113128161394a565b818382375f9101908152919050565b5f8151808452602084019350602083015f5b82811015613cff5781516001600160a01b03168652602095860195909101906001016140c1565b5f82825180855260208501945060208160051b830101602085015f5b83811015610cb157601f198584030188526141208383516135da565b6020988901989093509190910190600101614104565b608081525f61414860808301876140af565b828103602084015261415a8187613ccf565b9050828103604084015261416e81866140e8565b91505082606083015295945050505050565b83815260608101614194602083018561398c565b826040830152949350505050565b5f602082840312156141b2575f5ffd5b81518015158114611312575f5ffd5b84815260ff84166020820152826040820152608060608201525f61112260808301846135da565b85815260ff8516602082015283604082015260a060608201525f61420f60a08301856135da565b828103608084015261106b81856135da565b80820180821115610ace57610ace614053565b8981526001600160a01b0389166020820152610120604082018190525f9061425e9083018a6140af565b8281036060840152614270818a613ccf565b9050828103608084015280885180835260208301915060208160051b84010160208b015f5b838110156142c757601f198684030185526142b18383516135da565b6020958601959093509190910190600101614295565b505085810360a08701526142db818b6140e8565b93505050508560c08401528460e08401528281036101008401526142ff81856135da565b9c9b505050505050505050505050565b5f6020828403121561431f575f5ffd5b5051919050565b81810381811115610ace57610ace614053565b60a081525f61434b60a08301886140af565b828103602084015261435d8188613ccf565b9050828103604084015261437181876140e8565b60608401959095525050608001529392505050565b60c081525f61439860c08301896140af565b82810360208401526143aa8189613ccf565b905082810360408401526143be81886140e8565b60608401969096525050608081019290925260a0909101529392505050565b8082028115828204841417610ace57610ace614053565b65ffffffffffff8181168382160190811115610ace57610ace614053565b634e487b7160e01b5f52601260045260245ffd5b60ff8181168382160190811115610ace57610ace614053565b6001815b60018411156122805780850481111561445e5761445e614053565b600184161561446c57908102905b60019390931c928002614443565b5f8261448857506001610ace565b8161449457505f610ace565b81600181146144aa57600281146144b4576144d0565b6001915050610ace565b60ff8411156144c5576144c5614053565b50506001821b610ace565b5060208310610133831016604e8410600b84101617156144f3575081810a610ace565b6144ff5f19848461443f565b805f190482111561451257614512614053565b029392505050565b5f61131260ff84168361447a56fea164736f6c6343000825000a",
}

// GuildGovernor is an auto generated Go binding around an Ethereum contract.
type GuildGovernor struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *GuildGovernor) GetABI() abi.ABI {
	return c.abi
}

// NewGuildGovernor creates a new instance of GuildGovernor.
func NewGuildGovernor() *GuildGovernor {
	parsed, err := GuildGovernorMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &GuildGovernor{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *GuildGovernor) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(string name_, address token_, address timelock_, uint48 votingDelay_, uint32 votingPeriod_, uint256 proposalThreshold_, uint256 quorumNumerator_, uint48 lateQuorumExtension_) returns()
func (guildGovernor *GuildGovernor) PackConstructor(name_ string, token_ common.Address, timelock_ common.Address, votingDelay_ *big.Int, votingPeriod_ uint32, proposalThreshold_ *big.Int, quorumNumerator_ *big.Int, lateQuorumExtension_ *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("", name_, token_, timelock_, votingDelay_, votingPeriod_, proposalThreshold_, quorumNumerator_, lateQuorumExtension_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackBALLOTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdeaaa7cc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function BALLOT_TYPEHASH() view returns(bytes32)
func (guildGovernor *GuildGovernor) PackBALLOTTYPEHASH() []byte {
	enc, err := guildGovernor.abi.Pack("BALLOT_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBALLOTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdeaaa7cc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function BALLOT_TYPEHASH() view returns(bytes32)
func (guildGovernor *GuildGovernor) TryPackBALLOTTYPEHASH() ([]byte, error) {
	return guildGovernor.abi.Pack("BALLOT_TYPEHASH")
}

// UnpackBALLOTTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdeaaa7cc.
//
// Solidity: function BALLOT_TYPEHASH() view returns(bytes32)
func (guildGovernor *GuildGovernor) UnpackBALLOTTYPEHASH(data []byte) ([32]byte, error) {
	out, err := guildGovernor.abi.Unpack("BALLOT_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackCLOCKMODE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4bf5d7e9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function CLOCK_MODE() view returns(string)
func (guildGovernor *GuildGovernor) PackCLOCKMODE() []byte {
	enc, err := guildGovernor.abi.Pack("CLOCK_MODE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCLOCKMODE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4bf5d7e9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function CLOCK_MODE() view returns(string)
func (guildGovernor *GuildGovernor) TryPackCLOCKMODE() ([]byte, error) {
	return guildGovernor.abi.Pack("CLOCK_MODE")
}

// UnpackCLOCKMODE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4bf5d7e9.
//
// Solidity: function CLOCK_MODE() view returns(string)
func (guildGovernor *GuildGovernor) UnpackCLOCKMODE(data []byte) (string, error) {
	out, err := guildGovernor.abi.Unpack("CLOCK_MODE", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackCOUNTINGMODE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd4e2ba5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function COUNTING_MODE() pure returns(string)
func (guildGovernor *GuildGovernor) PackCOUNTINGMODE() []byte {
	enc, err := guildGovernor.abi.Pack("COUNTING_MODE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCOUNTINGMODE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd4e2ba5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function COUNTING_MODE() pure returns(string)
func (guildGovernor *GuildGovernor) TryPackCOUNTINGMODE() ([]byte, error) {
	return guildGovernor.abi.Pack("COUNTING_MODE")
}

// UnpackCOUNTINGMODE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd4e2ba5.
//
// Solidity: function COUNTING_MODE() pure returns(string)
func (guildGovernor *GuildGovernor) UnpackCOUNTINGMODE(data []byte) (string, error) {
	out, err := guildGovernor.abi.Unpack("COUNTING_MODE", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackEXTENDEDBALLOTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2fe3e261.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function EXTENDED_BALLOT_TYPEHASH() view returns(bytes32)
func (guildGovernor *GuildGovernor) PackEXTENDEDBALLOTTYPEHASH() []byte {
	enc, err := guildGovernor.abi.Pack("EXTENDED_BALLOT_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEXTENDEDBALLOTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2fe3e261.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function EXTENDED_BALLOT_TYPEHASH() view returns(bytes32)
func (guildGovernor *GuildGovernor) TryPackEXTENDEDBALLOTTYPEHASH() ([]byte, error) {
	return guildGovernor.abi.Pack("EXTENDED_BALLOT_TYPEHASH")
}

// UnpackEXTENDEDBALLOTTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2fe3e261.
//
// Solidity: function EXTENDED_BALLOT_TYPEHASH() view returns(bytes32)
func (guildGovernor *GuildGovernor) UnpackEXTENDEDBALLOTTYPEHASH(data []byte) ([32]byte, error) {
	out, err := guildGovernor.abi.Unpack("EXTENDED_BALLOT_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackCancel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x452115d6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function cancel(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns(uint256)
func (guildGovernor *GuildGovernor) PackCancel(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) []byte {
	enc, err := guildGovernor.abi.Pack("cancel", targets, values, calldatas, descriptionHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCancel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x452115d6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function cancel(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns(uint256)
func (guildGovernor *GuildGovernor) TryPackCancel(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) ([]byte, error) {
	return guildGovernor.abi.Pack("cancel", targets, values, calldatas, descriptionHash)
}

// UnpackCancel is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x452115d6.
//
// Solidity: function cancel(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns(uint256)
func (guildGovernor *GuildGovernor) UnpackCancel(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("cancel", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCastVote is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x56781388.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function castVote(uint256 proposalId, uint8 support) returns(uint256)
func (guildGovernor *GuildGovernor) PackCastVote(proposalId *big.Int, support uint8) []byte {
	enc, err := guildGovernor.abi.Pack("castVote", proposalId, support)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCastVote is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x56781388.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function castVote(uint256 proposalId, uint8 support) returns(uint256)
func (guildGovernor *GuildGovernor) TryPackCastVote(proposalId *big.Int, support uint8) ([]byte, error) {
	return guildGovernor.abi.Pack("castVote", proposalId, support)
}

// UnpackCastVote is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x56781388.
//
// Solidity: function castVote(uint256 proposalId, uint8 support) returns(uint256)
func (guildGovernor *GuildGovernor) UnpackCastVote(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("castVote", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCastVoteBySig is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8ff262e3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function castVoteBySig(uint256 proposalId, uint8 support, address voter, bytes signature) returns(uint256)
func (guildGovernor *GuildGovernor) PackCastVoteBySig(proposalId *big.Int, support uint8, voter common.Address, signature []byte) []byte {
	enc, err := guildGovernor.abi.Pack("castVoteBySig", proposalId, support, voter, signature)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCastVoteBySig is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8ff262e3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function castVoteBySig(uint256 proposalId, uint8 support, address voter, bytes signature) returns(uint256)
func (guildGovernor *GuildGovernor) TryPackCastVoteBySig(proposalId *big.Int, support uint8, voter common.Address, signature []byte) ([]byte, error) {
	return guildGovernor.abi.Pack("castVoteBySig", proposalId, support, voter, signature)
}

// UnpackCastVoteBySig is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8ff262e3.
//
// Solidity: function castVoteBySig(uint256 proposalId, uint8 support, address voter, bytes signature) returns(uint256)
func (guildGovernor *GuildGovernor) UnpackCastVoteBySig(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("castVoteBySig", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCastVoteWithReason is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7b3c71d3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function castVoteWithReason(uint256 proposalId, uint8 support, string reason) returns(uint256)
func (guildGovernor *GuildGovernor) PackCastVoteWithReason(proposalId *big.Int, support uint8, reason string) []byte {
	enc, err := guildGovernor.abi.Pack("castVoteWithReason", proposalId, support, reason)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCastVoteWithReason is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7b3c71d3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function castVoteWithReason(uint256 proposalId, uint8 support, string reason) returns(uint256)
func (guildGovernor *GuildGovernor) TryPackCastVoteWithReason(proposalId *big.Int, support uint8, reason string) ([]byte, error) {
	return guildGovernor.abi.Pack("castVoteWithReason", proposalId, support, reason)
}

// UnpackCastVoteWithReason is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7b3c71d3.
//
// Solidity: function castVoteWithReason(uint256 proposalId, uint8 support, string reason) returns(uint256)
func (guildGovernor *GuildGovernor) UnpackCastVoteWithReason(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("castVoteWithReason", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCastVoteWithReasonAndParams is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5f398a14.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function castVoteWithReasonAndParams(uint256 proposalId, uint8 support, string reason, bytes params) returns(uint256)
func (guildGovernor *GuildGovernor) PackCastVoteWithReasonAndParams(proposalId *big.Int, support uint8, reason string, params []byte) []byte {
	enc, err := guildGovernor.abi.Pack("castVoteWithReasonAndParams", proposalId, support, reason, params)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCastVoteWithReasonAndParams is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5f398a14.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function castVoteWithReasonAndParams(uint256 proposalId, uint8 support, string reason, bytes params) returns(uint256)
func (guildGovernor *GuildGovernor) TryPackCastVoteWithReasonAndParams(proposalId *big.Int, support uint8, reason string, params []byte) ([]byte, error) {
	return guildGovernor.abi.Pack("castVoteWithReasonAndParams", proposalId, support, reason, params)
}

// UnpackCastVoteWithReasonAndParams is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5f398a14.
//
// Solidity: function castVoteWithReasonAndParams(uint256 proposalId, uint8 support, string reason, bytes params) returns(uint256)
func (guildGovernor *GuildGovernor) UnpackCastVoteWithReasonAndParams(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("castVoteWithReasonAndParams", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCastVoteWithReasonAndParamsBySig is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5b8d0e0d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function castVoteWithReasonAndParamsBySig(uint256 proposalId, uint8 support, address voter, string reason, bytes params, bytes signature) returns(uint256)
func (guildGovernor *GuildGovernor) PackCastVoteWithReasonAndParamsBySig(proposalId *big.Int, support uint8, voter common.Address, reason string, params []byte, signature []byte) []byte {
	enc, err := guildGovernor.abi.Pack("castVoteWithReasonAndParamsBySig", proposalId, support, voter, reason, params, signature)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCastVoteWithReasonAndParamsBySig is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5b8d0e0d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function castVoteWithReasonAndParamsBySig(uint256 proposalId, uint8 support, address voter, string reason, bytes params, bytes signature) returns(uint256)
func (guildGovernor *GuildGovernor) TryPackCastVoteWithReasonAndParamsBySig(proposalId *big.Int, support uint8, voter common.Address, reason string, params []byte, signature []byte) ([]byte, error) {
	return guildGovernor.abi.Pack("castVoteWithReasonAndParamsBySig", proposalId, support, voter, reason, params, signature)
}

// UnpackCastVoteWithReasonAndParamsBySig is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5b8d0e0d.
//
// Solidity: function castVoteWithReasonAndParamsBySig(uint256 proposalId, uint8 support, address voter, string reason, bytes params, bytes signature) returns(uint256)
func (guildGovernor *GuildGovernor) UnpackCastVoteWithReasonAndParamsBySig(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("castVoteWithReasonAndParamsBySig", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x91ddadf4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function clock() view returns(uint48)
func (guildGovernor *GuildGovernor) PackClock() []byte {
	enc, err := guildGovernor.abi.Pack("clock")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x91ddadf4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function clock() view returns(uint48)
func (guildGovernor *GuildGovernor) TryPackClock() ([]byte, error) {
	return guildGovernor.abi.Pack("clock")
}

// UnpackClock is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x91ddadf4.
//
// Solidity: function clock() view returns(uint48)
func (guildGovernor *GuildGovernor) UnpackClock(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("clock", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (guildGovernor *GuildGovernor) PackEip712Domain() []byte {
	enc, err := guildGovernor.abi.Pack("eip712Domain")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (guildGovernor *GuildGovernor) TryPackEip712Domain() ([]byte, error) {
	return guildGovernor.abi.Pack("eip712Domain")
}

// Eip712DomainOutput serves as a container for the return parameters of contract
// method Eip712Domain.
type Eip712DomainOutput struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}

// UnpackEip712Domain is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (guildGovernor *GuildGovernor) UnpackEip712Domain(data []byte) (Eip712DomainOutput, error) {
	out, err := guildGovernor.abi.Unpack("eip712Domain", data)
	outstruct := new(Eip712DomainOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackExecute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2656227d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function execute(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) payable returns(uint256)
func (guildGovernor *GuildGovernor) PackExecute(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) []byte {
	enc, err := guildGovernor.abi.Pack("execute", targets, values, calldatas, descriptionHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackExecute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2656227d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function execute(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) payable returns(uint256)
func (guildGovernor *GuildGovernor) TryPackExecute(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) ([]byte, error) {
	return guildGovernor.abi.Pack("execute", targets, values, calldatas, descriptionHash)
}

// UnpackExecute is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2656227d.
//
// Solidity: function execute(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) payable returns(uint256)
func (guildGovernor *GuildGovernor) UnpackExecute(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("execute", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackGetProposalId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa8f8a668.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getProposalId(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) view returns(uint256)
func (guildGovernor *GuildGovernor) PackGetProposalId(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) []byte {
	enc, err := guildGovernor.abi.Pack("getProposalId", targets, values, calldatas, descriptionHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetProposalId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa8f8a668.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getProposalId(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackGetProposalId(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) ([]byte, error) {
	return guildGovernor.abi.Pack("getProposalId", targets, values, calldatas, descriptionHash)
}

// UnpackGetProposalId is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa8f8a668.
//
// Solidity: function getProposalId(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackGetProposalId(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("getProposalId", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackGetVotes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xeb9019d4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getVotes(address account, uint256 timepoint) view returns(uint256)
func (guildGovernor *GuildGovernor) PackGetVotes(account common.Address, timepoint *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("getVotes", account, timepoint)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetVotes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xeb9019d4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getVotes(address account, uint256 timepoint) view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackGetVotes(account common.Address, timepoint *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("getVotes", account, timepoint)
}

// UnpackGetVotes is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xeb9019d4.
//
// Solidity: function getVotes(address account, uint256 timepoint) view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackGetVotes(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("getVotes", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackGetVotesWithParams is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9a802a6d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getVotesWithParams(address account, uint256 timepoint, bytes params) view returns(uint256)
func (guildGovernor *GuildGovernor) PackGetVotesWithParams(account common.Address, timepoint *big.Int, params []byte) []byte {
	enc, err := guildGovernor.abi.Pack("getVotesWithParams", account, timepoint, params)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetVotesWithParams is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9a802a6d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getVotesWithParams(address account, uint256 timepoint, bytes params) view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackGetVotesWithParams(account common.Address, timepoint *big.Int, params []byte) ([]byte, error) {
	return guildGovernor.abi.Pack("getVotesWithParams", account, timepoint, params)
}

// UnpackGetVotesWithParams is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9a802a6d.
//
// Solidity: function getVotesWithParams(address account, uint256 timepoint, bytes params) view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackGetVotesWithParams(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("getVotesWithParams", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackHasVoted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x43859632.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hasVoted(uint256 proposalId, address account) view returns(bool)
func (guildGovernor *GuildGovernor) PackHasVoted(proposalId *big.Int, account common.Address) []byte {
	enc, err := guildGovernor.abi.Pack("hasVoted", proposalId, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHasVoted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x43859632.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hasVoted(uint256 proposalId, address account) view returns(bool)
func (guildGovernor *GuildGovernor) TryPackHasVoted(proposalId *big.Int, account common.Address) ([]byte, error) {
	return guildGovernor.abi.Pack("hasVoted", proposalId, account)
}

// UnpackHasVoted is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x43859632.
//
// Solidity: function hasVoted(uint256 proposalId, address account) view returns(bool)
func (guildGovernor *GuildGovernor) UnpackHasVoted(data []byte) (bool, error) {
	out, err := guildGovernor.abi.Unpack("hasVoted", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackHashProposal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc59057e4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) pure returns(uint256)
func (guildGovernor *GuildGovernor) PackHashProposal(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) []byte {
	enc, err := guildGovernor.abi.Pack("hashProposal", targets, values, calldatas, descriptionHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHashProposal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc59057e4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) pure returns(uint256)
func (guildGovernor *GuildGovernor) TryPackHashProposal(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) ([]byte, error) {
	return guildGovernor.abi.Pack("hashProposal", targets, values, calldatas, descriptionHash)
}

// UnpackHashProposal is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc59057e4.
//
// Solidity: function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) pure returns(uint256)
func (guildGovernor *GuildGovernor) UnpackHashProposal(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("hashProposal", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackLateQuorumVoteExtension is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x32b8113e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function lateQuorumVoteExtension() view returns(uint48)
func (guildGovernor *GuildGovernor) PackLateQuorumVoteExtension() []byte {
	enc, err := guildGovernor.abi.Pack("lateQuorumVoteExtension")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLateQuorumVoteExtension is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x32b8113e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function lateQuorumVoteExtension() view returns(uint48)
func (guildGovernor *GuildGovernor) TryPackLateQuorumVoteExtension() ([]byte, error) {
	return guildGovernor.abi.Pack("lateQuorumVoteExtension")
}

// UnpackLateQuorumVoteExtension is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x32b8113e.
//
// Solidity: function lateQuorumVoteExtension() view returns(uint48)
func (guildGovernor *GuildGovernor) UnpackLateQuorumVoteExtension(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("lateQuorumVoteExtension", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (guildGovernor *GuildGovernor) PackName() []byte {
	enc, err := guildGovernor.abi.Pack("name")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name() view returns(string)
func (guildGovernor *GuildGovernor) TryPackName() ([]byte, error) {
	return guildGovernor.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (guildGovernor *GuildGovernor) UnpackName(data []byte) (string, error) {
	out, err := guildGovernor.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ecebe00.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nonces(address owner) view returns(uint256)
func (guildGovernor *GuildGovernor) PackNonces(owner common.Address) []byte {
	enc, err := guildGovernor.abi.Pack("nonces", owner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ecebe00.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nonces(address owner) view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackNonces(owner common.Address) ([]byte, error) {
	return guildGovernor.abi.Pack("nonces", owner)
}

// UnpackNonces is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7ecebe00.
//
// Solidity: function nonces(address owner) view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackNonces(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("nonces", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackOnERC1155BatchReceived is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc197c81.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function onERC1155BatchReceived(address , address , uint256[] , uint256[] , bytes ) returns(bytes4)
func (guildGovernor *GuildGovernor) PackOnERC1155BatchReceived(arg0 common.Address, arg1 common.Address, arg2 []*big.Int, arg3 []*big.Int, arg4 []byte) []byte {
	enc, err := guildGovernor.abi.Pack("onERC1155BatchReceived", arg0, arg1, arg2, arg3, arg4)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOnERC1155BatchReceived is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc197c81.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function onERC1155BatchReceived(address , address , uint256[] , uint256[] , bytes ) returns(bytes4)
func (guildGovernor *GuildGovernor) TryPackOnERC1155BatchReceived(arg0 common.Address, arg1 common.Address, arg2 []*big.Int, arg3 []*big.Int, arg4 []byte) ([]byte, error) {
	return guildGovernor.abi.Pack("onERC1155BatchReceived", arg0, arg1, arg2, arg3, arg4)
}

// UnpackOnERC1155BatchReceived is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbc197c81.
//
// Solidity: function onERC1155BatchReceived(address , address , uint256[] , uint256[] , bytes ) returns(bytes4)
func (guildGovernor *GuildGovernor) UnpackOnERC1155BatchReceived(data []byte) ([4]byte, error) {
	out, err := guildGovernor.abi.Unpack("onERC1155BatchReceived", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackOnERC1155Received is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf23a6e61.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function onERC1155Received(address , address , uint256 , uint256 , bytes ) returns(bytes4)
func (guildGovernor *GuildGovernor) PackOnERC1155Received(arg0 common.Address, arg1 common.Address, arg2 *big.Int, arg3 *big.Int, arg4 []byte) []byte {
	enc, err := guildGovernor.abi.Pack("onERC1155Received", arg0, arg1, arg2, arg3, arg4)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOnERC1155Received is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf23a6e61.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function onERC1155Received(address , address , uint256 , uint256 , bytes ) returns(bytes4)
func (guildGovernor *GuildGovernor) TryPackOnERC1155Received(arg0 common.Address, arg1 common.Address, arg2 *big.Int, arg3 *big.Int, arg4 []byte) ([]byte, error) {
	return guildGovernor.abi.Pack("onERC1155Received", arg0, arg1, arg2, arg3, arg4)
}

// UnpackOnERC1155Received is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf23a6e61.
//
// Solidity: function onERC1155Received(address , address , uint256 , uint256 , bytes ) returns(bytes4)
func (guildGovernor *GuildGovernor) UnpackOnERC1155Received(data []byte) ([4]byte, error) {
	out, err := guildGovernor.abi.Unpack("onERC1155Received", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackOnERC721Received is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x150b7a02.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function onERC721Received(address , address , uint256 , bytes ) returns(bytes4)
func (guildGovernor *GuildGovernor) PackOnERC721Received(arg0 common.Address, arg1 common.Address, arg2 *big.Int, arg3 []byte) []byte {
	enc, err := guildGovernor.abi.Pack("onERC721Received", arg0, arg1, arg2, arg3)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOnERC721Received is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x150b7a02.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function onERC721Received(address , address , uint256 , bytes ) returns(bytes4)
func (guildGovernor *GuildGovernor) TryPackOnERC721Received(arg0 common.Address, arg1 common.Address, arg2 *big.Int, arg3 []byte) ([]byte, error) {
	return guildGovernor.abi.Pack("onERC721Received", arg0, arg1, arg2, arg3)
}

// UnpackOnERC721Received is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x150b7a02.
//
// Solidity: function onERC721Received(address , address , uint256 , bytes ) returns(bytes4)
func (guildGovernor *GuildGovernor) UnpackOnERC721Received(data []byte) ([4]byte, error) {
	out, err := guildGovernor.abi.Unpack("onERC721Received", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackProposalDeadline is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc01f9e37.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposalDeadline(uint256 proposalId) view returns(uint256)
func (guildGovernor *GuildGovernor) PackProposalDeadline(proposalId *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("proposalDeadline", proposalId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposalDeadline is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc01f9e37.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposalDeadline(uint256 proposalId) view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackProposalDeadline(proposalId *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("proposalDeadline", proposalId)
}

// UnpackProposalDeadline is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc01f9e37.
//
// Solidity: function proposalDeadline(uint256 proposalId) view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackProposalDeadline(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("proposalDeadline", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackProposalEta is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab58fb8e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposalEta(uint256 proposalId) view returns(uint256)
func (guildGovernor *GuildGovernor) PackProposalEta(proposalId *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("proposalEta", proposalId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposalEta is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab58fb8e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposalEta(uint256 proposalId) view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackProposalEta(proposalId *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("proposalEta", proposalId)
}

// UnpackProposalEta is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xab58fb8e.
//
// Solidity: function proposalEta(uint256 proposalId) view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackProposalEta(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("proposalEta", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackProposalNeedsQueuing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9a95294.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposalNeedsQueuing(uint256 proposalId) view returns(bool)
func (guildGovernor *GuildGovernor) PackProposalNeedsQueuing(proposalId *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("proposalNeedsQueuing", proposalId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposalNeedsQueuing is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9a95294.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposalNeedsQueuing(uint256 proposalId) view returns(bool)
func (guildGovernor *GuildGovernor) TryPackProposalNeedsQueuing(proposalId *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("proposalNeedsQueuing", proposalId)
}

// UnpackProposalNeedsQueuing is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9a95294.
//
// Solidity: function proposalNeedsQueuing(uint256 proposalId) view returns(bool)
func (guildGovernor *GuildGovernor) UnpackProposalNeedsQueuing(data []byte) (bool, error) {
	out, err := guildGovernor.abi.Unpack("proposalNeedsQueuing", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackProposalProposer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x143489d0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposalProposer(uint256 proposalId) view returns(address)
func (guildGovernor *GuildGovernor) PackProposalProposer(proposalId *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("proposalProposer", proposalId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposalProposer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x143489d0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposalProposer(uint256 proposalId) view returns(address)
func (guildGovernor *GuildGovernor) TryPackProposalProposer(proposalId *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("proposalProposer", proposalId)
}

// UnpackProposalProposer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x143489d0.
//
// Solidity: function proposalProposer(uint256 proposalId) view returns(address)
func (guildGovernor *GuildGovernor) UnpackProposalProposer(data []byte) (common.Address, error) {
	out, err := guildGovernor.abi.Unpack("proposalProposer", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackProposalSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2d63f693.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposalSnapshot(uint256 proposalId) view returns(uint256)
func (guildGovernor *GuildGovernor) PackProposalSnapshot(proposalId *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("proposalSnapshot", proposalId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposalSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2d63f693.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposalSnapshot(uint256 proposalId) view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackProposalSnapshot(proposalId *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("proposalSnapshot", proposalId)
}

// UnpackProposalSnapshot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2d63f693.
//
// Solidity: function proposalSnapshot(uint256 proposalId) view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackProposalSnapshot(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("proposalSnapshot", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackProposalThreshold is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb58131b0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposalThreshold() view returns(uint256)
func (guildGovernor *GuildGovernor) PackProposalThreshold() []byte {
	enc, err := guildGovernor.abi.Pack("proposalThreshold")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposalThreshold is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb58131b0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposalThreshold() view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackProposalThreshold() ([]byte, error) {
	return guildGovernor.abi.Pack("proposalThreshold")
}

// UnpackProposalThreshold is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb58131b0.
//
// Solidity: function proposalThreshold() view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackProposalThreshold(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("proposalThreshold", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackProposalVotes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x544ffc9c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposalVotes(uint256 proposalId) view returns(uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)
func (guildGovernor *GuildGovernor) PackProposalVotes(proposalId *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("proposalVotes", proposalId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposalVotes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x544ffc9c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposalVotes(uint256 proposalId) view returns(uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)
func (guildGovernor *GuildGovernor) TryPackProposalVotes(proposalId *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("proposalVotes", proposalId)
}

// ProposalVotesOutput serves as a container for the return parameters of contract
// method ProposalVotes.
type ProposalVotesOutput struct {
	AgainstVotes *big.Int
	ForVotes     *big.Int
	AbstainVotes *big.Int
}

// UnpackProposalVotes is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x544ffc9c.
//
// Solidity: function proposalVotes(uint256 proposalId) view returns(uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)
func (guildGovernor *GuildGovernor) UnpackProposalVotes(data []byte) (ProposalVotesOutput, error) {
	out, err := guildGovernor.abi.Unpack("proposalVotes", data)
	outstruct := new(ProposalVotesOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.AgainstVotes = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.ForVotes = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	outstruct.AbstainVotes = abi.ConvertType(out[2], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// PackPropose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7d5e81e2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns(uint256)
func (guildGovernor *GuildGovernor) PackPropose(targets []common.Address, values []*big.Int, calldatas [][]byte, description string) []byte {
	enc, err := guildGovernor.abi.Pack("propose", targets, values, calldatas, description)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPropose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7d5e81e2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns(uint256)
func (guildGovernor *GuildGovernor) TryPackPropose(targets []common.Address, values []*big.Int, calldatas [][]byte, description string) ([]byte, error) {
	return guildGovernor.abi.Pack("propose", targets, values, calldatas, description)
}

// UnpackPropose is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7d5e81e2.
//
// Solidity: function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns(uint256)
func (guildGovernor *GuildGovernor) UnpackPropose(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("propose", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackQueue is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x160cbed7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function queue(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns(uint256)
func (guildGovernor *GuildGovernor) PackQueue(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) []byte {
	enc, err := guildGovernor.abi.Pack("queue", targets, values, calldatas, descriptionHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackQueue is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x160cbed7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function queue(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns(uint256)
func (guildGovernor *GuildGovernor) TryPackQueue(targets []common.Address, values []*big.Int, calldatas [][]byte, descriptionHash [32]byte) ([]byte, error) {
	return guildGovernor.abi.Pack("queue", targets, values, calldatas, descriptionHash)
}

// UnpackQueue is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x160cbed7.
//
// Solidity: function queue(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns(uint256)
func (guildGovernor *GuildGovernor) UnpackQueue(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("queue", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackQuorum is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf8ce560a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function quorum(uint256 timepoint) view returns(uint256)
func (guildGovernor *GuildGovernor) PackQuorum(timepoint *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("quorum", timepoint)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackQuorum is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf8ce560a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function quorum(uint256 timepoint) view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackQuorum(timepoint *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("quorum", timepoint)
}

// UnpackQuorum is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf8ce560a.
//
// Solidity: function quorum(uint256 timepoint) view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackQuorum(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("quorum", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackQuorumDenominator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x97c3d334.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function quorumDenominator() view returns(uint256)
func (guildGovernor *GuildGovernor) PackQuorumDenominator() []byte {
	enc, err := guildGovernor.abi.Pack("quorumDenominator")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackQuorumDenominator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x97c3d334.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function quorumDenominator() view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackQuorumDenominator() ([]byte, error) {
	return guildGovernor.abi.Pack("quorumDenominator")
}

// UnpackQuorumDenominator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x97c3d334.
//
// Solidity: function quorumDenominator() view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackQuorumDenominator(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("quorumDenominator", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackQuorumNumerator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x60c4247f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function quorumNumerator(uint256 timepoint) view returns(uint256)
func (guildGovernor *GuildGovernor) PackQuorumNumerator(timepoint *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("quorumNumerator", timepoint)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackQuorumNumerator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x60c4247f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function quorumNumerator(uint256 timepoint) view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackQuorumNumerator(timepoint *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("quorumNumerator", timepoint)
}

// UnpackQuorumNumerator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x60c4247f.
//
// Solidity: function quorumNumerator(uint256 timepoint) view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackQuorumNumerator(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("quorumNumerator", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackQuorumNumerator0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa7713a70.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function quorumNumerator() view returns(uint256)
func (guildGovernor *GuildGovernor) PackQuorumNumerator0() []byte {
	enc, err := guildGovernor.abi.Pack("quorumNumerator0")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackQuorumNumerator0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa7713a70.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function quorumNumerator() view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackQuorumNumerator0() ([]byte, error) {
	return guildGovernor.abi.Pack("quorumNumerator0")
}

// UnpackQuorumNumerator0 is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa7713a70.
//
// Solidity: function quorumNumerator() view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackQuorumNumerator0(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("quorumNumerator0", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc28bc2fa.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function relay(address target, uint256 value, bytes data) payable returns()
func (guildGovernor *GuildGovernor) PackRelay(target common.Address, value *big.Int, data []byte) []byte {
	enc, err := guildGovernor.abi.Pack("relay", target, value, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc28bc2fa.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function relay(address target, uint256 value, bytes data) payable returns()
func (guildGovernor *GuildGovernor) TryPackRelay(target common.Address, value *big.Int, data []byte) ([]byte, error) {
	return guildGovernor.abi.Pack("relay", target, value, data)
}

// PackSetLateQuorumVoteExtension is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x330df7ff.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setLateQuorumVoteExtension(uint48 newVoteExtension) returns()
func (guildGovernor *GuildGovernor) PackSetLateQuorumVoteExtension(newVoteExtension *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("setLateQuorumVoteExtension", newVoteExtension)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetLateQuorumVoteExtension is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x330df7ff.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setLateQuorumVoteExtension(uint48 newVoteExtension) returns()
func (guildGovernor *GuildGovernor) TryPackSetLateQuorumVoteExtension(newVoteExtension *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("setLateQuorumVoteExtension", newVoteExtension)
}

// PackSetProposalThreshold is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xece40cc1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setProposalThreshold(uint256 newProposalThreshold) returns()
func (guildGovernor *GuildGovernor) PackSetProposalThreshold(newProposalThreshold *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("setProposalThreshold", newProposalThreshold)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetProposalThreshold is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xece40cc1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setProposalThreshold(uint256 newProposalThreshold) returns()
func (guildGovernor *GuildGovernor) TryPackSetProposalThreshold(newProposalThreshold *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("setProposalThreshold", newProposalThreshold)
}

// PackSetVotingDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x79051887.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setVotingDelay(uint48 newVotingDelay) returns()
func (guildGovernor *GuildGovernor) PackSetVotingDelay(newVotingDelay *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("setVotingDelay", newVotingDelay)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetVotingDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x79051887.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setVotingDelay(uint48 newVotingDelay) returns()
func (guildGovernor *GuildGovernor) TryPackSetVotingDelay(newVotingDelay *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("setVotingDelay", newVotingDelay)
}

// PackSetVotingPeriod is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe540d01d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setVotingPeriod(uint32 newVotingPeriod) returns()
func (guildGovernor *GuildGovernor) PackSetVotingPeriod(newVotingPeriod uint32) []byte {
	enc, err := guildGovernor.abi.Pack("setVotingPeriod", newVotingPeriod)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetVotingPeriod is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe540d01d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setVotingPeriod(uint32 newVotingPeriod) returns()
func (guildGovernor *GuildGovernor) TryPackSetVotingPeriod(newVotingPeriod uint32) ([]byte, error) {
	return guildGovernor.abi.Pack("setVotingPeriod", newVotingPeriod)
}

// PackState is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3e4f49e6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function state(uint256 proposalId) view returns(uint8)
func (guildGovernor *GuildGovernor) PackState(proposalId *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("state", proposalId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackState is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3e4f49e6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function state(uint256 proposalId) view returns(uint8)
func (guildGovernor *GuildGovernor) TryPackState(proposalId *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("state", proposalId)
}

// UnpackState is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3e4f49e6.
//
// Solidity: function state(uint256 proposalId) view returns(uint8)
func (guildGovernor *GuildGovernor) UnpackState(data []byte) (uint8, error) {
	out, err := guildGovernor.abi.Unpack("state", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackSupportsInterface is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01ffc9a7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function supportsInterface(bytes4 interfaceId) view returns(bool)
func (guildGovernor *GuildGovernor) PackSupportsInterface(interfaceId [4]byte) []byte {
	enc, err := guildGovernor.abi.Pack("supportsInterface", interfaceId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSupportsInterface is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01ffc9a7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function supportsInterface(bytes4 interfaceId) view returns(bool)
func (guildGovernor *GuildGovernor) TryPackSupportsInterface(interfaceId [4]byte) ([]byte, error) {
	return guildGovernor.abi.Pack("supportsInterface", interfaceId)
}

// UnpackSupportsInterface is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x01ffc9a7.
//
// Solidity: function supportsInterface(bytes4 interfaceId) view returns(bool)
func (guildGovernor *GuildGovernor) UnpackSupportsInterface(data []byte) (bool, error) {
	out, err := guildGovernor.abi.Unpack("supportsInterface", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTimelock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd33219b4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function timelock() view returns(address)
func (guildGovernor *GuildGovernor) PackTimelock() []byte {
	enc, err := guildGovernor.abi.Pack("timelock")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTimelock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd33219b4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function timelock() view returns(address)
func (guildGovernor *GuildGovernor) TryPackTimelock() ([]byte, error) {
	return guildGovernor.abi.Pack("timelock")
}

// UnpackTimelock is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd33219b4.
//
// Solidity: function timelock() view returns(address)
func (guildGovernor *GuildGovernor) UnpackTimelock(data []byte) (common.Address, error) {
	out, err := guildGovernor.abi.Unpack("timelock", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc0c546a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function token() view returns(address)
func (guildGovernor *GuildGovernor) PackToken() []byte {
	enc, err := guildGovernor.abi.Pack("token")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc0c546a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function token() view returns(address)
func (guildGovernor *GuildGovernor) TryPackToken() ([]byte, error) {
	return guildGovernor.abi.Pack("token")
}

// UnpackToken is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfc0c546a.
//
// Solidity: function token() view returns(address)
func (guildGovernor *GuildGovernor) UnpackToken(data []byte) (common.Address, error) {
	out, err := guildGovernor.abi.Unpack("token", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackUpdateQuorumNumerator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06f3f9e6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function updateQuorumNumerator(uint256 newQuorumNumerator) returns()
func (guildGovernor *GuildGovernor) PackUpdateQuorumNumerator(newQuorumNumerator *big.Int) []byte {
	enc, err := guildGovernor.abi.Pack("updateQuorumNumerator", newQuorumNumerator)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUpdateQuorumNumerator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06f3f9e6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function updateQuorumNumerator(uint256 newQuorumNumerator) returns()
func (guildGovernor *GuildGovernor) TryPackUpdateQuorumNumerator(newQuorumNumerator *big.Int) ([]byte, error) {
	return guildGovernor.abi.Pack("updateQuorumNumerator", newQuorumNumerator)
}

// PackUpdateTimelock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa890c910.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function updateTimelock(address newTimelock) returns()
func (guildGovernor *GuildGovernor) PackUpdateTimelock(newTimelock common.Address) []byte {
	enc, err := guildGovernor.abi.Pack("updateTimelock", newTimelock)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUpdateTimelock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa890c910.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function updateTimelock(address newTimelock) returns()
func (guildGovernor *GuildGovernor) TryPackUpdateTimelock(newTimelock common.Address) ([]byte, error) {
	return guildGovernor.abi.Pack("updateTimelock", newTimelock)
}

// PackVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x54fd4d50.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function version() view returns(string)
func (guildGovernor *GuildGovernor) PackVersion() []byte {
	enc, err := guildGovernor.abi.Pack("version")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x54fd4d50.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function version() view returns(string)
func (guildGovernor *GuildGovernor) TryPackVersion() ([]byte, error) {
	return guildGovernor.abi.Pack("version")
}

// UnpackVersion is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x54fd4d50.
//
// Solidity: function version() view returns(string)
func (guildGovernor *GuildGovernor) UnpackVersion(data []byte) (string, error) {
	out, err := guildGovernor.abi.Unpack("version", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackVotingDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3932abb1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function votingDelay() view returns(uint256)
func (guildGovernor *GuildGovernor) PackVotingDelay() []byte {
	enc, err := guildGovernor.abi.Pack("votingDelay")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVotingDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3932abb1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function votingDelay() view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackVotingDelay() ([]byte, error) {
	return guildGovernor.abi.Pack("votingDelay")
}

// UnpackVotingDelay is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3932abb1.
//
// Solidity: function votingDelay() view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackVotingDelay(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("votingDelay", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackVotingPeriod is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x02a251a3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function votingPeriod() view returns(uint256)
func (guildGovernor *GuildGovernor) PackVotingPeriod() []byte {
	enc, err := guildGovernor.abi.Pack("votingPeriod")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVotingPeriod is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x02a251a3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function votingPeriod() view returns(uint256)
func (guildGovernor *GuildGovernor) TryPackVotingPeriod() ([]byte, error) {
	return guildGovernor.abi.Pack("votingPeriod")
}

// UnpackVotingPeriod is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x02a251a3.
//
// Solidity: function votingPeriod() view returns(uint256)
func (guildGovernor *GuildGovernor) UnpackVotingPeriod(data []byte) (*big.Int, error) {
	out, err := guildGovernor.abi.Unpack("votingPeriod", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// GuildGovernorEIP712DomainChanged represents a EIP712DomainChanged event raised by the GuildGovernor contract.
type GuildGovernorEIP712DomainChanged struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const GuildGovernorEIP712DomainChangedEventName = "EIP712DomainChanged"

// ContractEventName returns the user-defined event name.
func (GuildGovernorEIP712DomainChanged) ContractEventName() string {
	return GuildGovernorEIP712DomainChangedEventName
}

// UnpackEIP712DomainChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EIP712DomainChanged()
func (guildGovernor *GuildGovernor) UnpackEIP712DomainChangedEvent(log *types.Log) (*GuildGovernorEIP712DomainChanged, error) {
	event := "EIP712DomainChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorEIP712DomainChanged)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorLateQuorumVoteExtensionSet represents a LateQuorumVoteExtensionSet event raised by the GuildGovernor contract.
type GuildGovernorLateQuorumVoteExtensionSet struct {
	OldVoteExtension uint64
	NewVoteExtension uint64
	Raw              *types.Log // Blockchain specific contextual infos
}

const GuildGovernorLateQuorumVoteExtensionSetEventName = "LateQuorumVoteExtensionSet"

// ContractEventName returns the user-defined event name.
func (GuildGovernorLateQuorumVoteExtensionSet) ContractEventName() string {
	return GuildGovernorLateQuorumVoteExtensionSetEventName
}

// UnpackLateQuorumVoteExtensionSetEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event LateQuorumVoteExtensionSet(uint64 oldVoteExtension, uint64 newVoteExtension)
func (guildGovernor *GuildGovernor) UnpackLateQuorumVoteExtensionSetEvent(log *types.Log) (*GuildGovernorLateQuorumVoteExtensionSet, error) {
	event := "LateQuorumVoteExtensionSet"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorLateQuorumVoteExtensionSet)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorProposalCanceled represents a ProposalCanceled event raised by the GuildGovernor contract.
type GuildGovernorProposalCanceled struct {
	ProposalId *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const GuildGovernorProposalCanceledEventName = "ProposalCanceled"

// ContractEventName returns the user-defined event name.
func (GuildGovernorProposalCanceled) ContractEventName() string {
	return GuildGovernorProposalCanceledEventName
}

// UnpackProposalCanceledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProposalCanceled(uint256 proposalId)
func (guildGovernor *GuildGovernor) UnpackProposalCanceledEvent(log *types.Log) (*GuildGovernorProposalCanceled, error) {
	event := "ProposalCanceled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorProposalCanceled)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorProposalCreated represents a ProposalCreated event raised by the GuildGovernor contract.
type GuildGovernorProposalCreated struct {
	ProposalId  *big.Int
	Proposer    common.Address
	Targets     []common.Address
	Values      []*big.Int
	Signatures  []string
	Calldatas   [][]byte
	VoteStart   *big.Int
	VoteEnd     *big.Int
	Description string
	Raw         *types.Log // Blockchain specific contextual infos
}

const GuildGovernorProposalCreatedEventName = "ProposalCreated"

// ContractEventName returns the user-defined event name.
func (GuildGovernorProposalCreated) ContractEventName() string {
	return GuildGovernorProposalCreatedEventName
}

// UnpackProposalCreatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)
func (guildGovernor *GuildGovernor) UnpackProposalCreatedEvent(log *types.Log) (*GuildGovernorProposalCreated, error) {
	event := "ProposalCreated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorProposalCreated)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorProposalExecuted represents a ProposalExecuted event raised by the GuildGovernor contract.
type GuildGovernorProposalExecuted struct {
	ProposalId *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const GuildGovernorProposalExecutedEventName = "ProposalExecuted"

// ContractEventName returns the user-defined event name.
func (GuildGovernorProposalExecuted) ContractEventName() string {
	return GuildGovernorProposalExecutedEventName
}

// UnpackProposalExecutedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProposalExecuted(uint256 proposalId)
func (guildGovernor *GuildGovernor) UnpackProposalExecutedEvent(log *types.Log) (*GuildGovernorProposalExecuted, error) {
	event := "ProposalExecuted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorProposalExecuted)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorProposalExtended represents a ProposalExtended event raised by the GuildGovernor contract.
type GuildGovernorProposalExtended struct {
	ProposalId       *big.Int
	ExtendedDeadline uint64
	Raw              *types.Log // Blockchain specific contextual infos
}

const GuildGovernorProposalExtendedEventName = "ProposalExtended"

// ContractEventName returns the user-defined event name.
func (GuildGovernorProposalExtended) ContractEventName() string {
	return GuildGovernorProposalExtendedEventName
}

// UnpackProposalExtendedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProposalExtended(uint256 indexed proposalId, uint64 extendedDeadline)
func (guildGovernor *GuildGovernor) UnpackProposalExtendedEvent(log *types.Log) (*GuildGovernorProposalExtended, error) {
	event := "ProposalExtended"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorProposalExtended)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorProposalQueued represents a ProposalQueued event raised by the GuildGovernor contract.
type GuildGovernorProposalQueued struct {
	ProposalId *big.Int
	EtaSeconds *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const GuildGovernorProposalQueuedEventName = "ProposalQueued"

// ContractEventName returns the user-defined event name.
func (GuildGovernorProposalQueued) ContractEventName() string {
	return GuildGovernorProposalQueuedEventName
}

// UnpackProposalQueuedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProposalQueued(uint256 proposalId, uint256 etaSeconds)
func (guildGovernor *GuildGovernor) UnpackProposalQueuedEvent(log *types.Log) (*GuildGovernorProposalQueued, error) {
	event := "ProposalQueued"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorProposalQueued)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorProposalThresholdSet represents a ProposalThresholdSet event raised by the GuildGovernor contract.
type GuildGovernorProposalThresholdSet struct {
	OldProposalThreshold *big.Int
	NewProposalThreshold *big.Int
	Raw                  *types.Log // Blockchain specific contextual infos
}

const GuildGovernorProposalThresholdSetEventName = "ProposalThresholdSet"

// ContractEventName returns the user-defined event name.
func (GuildGovernorProposalThresholdSet) ContractEventName() string {
	return GuildGovernorProposalThresholdSetEventName
}

// UnpackProposalThresholdSetEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProposalThresholdSet(uint256 oldProposalThreshold, uint256 newProposalThreshold)
func (guildGovernor *GuildGovernor) UnpackProposalThresholdSetEvent(log *types.Log) (*GuildGovernorProposalThresholdSet, error) {
	event := "ProposalThresholdSet"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorProposalThresholdSet)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorQuorumNumeratorUpdated represents a QuorumNumeratorUpdated event raised by the GuildGovernor contract.
type GuildGovernorQuorumNumeratorUpdated struct {
	OldQuorumNumerator *big.Int
	NewQuorumNumerator *big.Int
	Raw                *types.Log // Blockchain specific contextual infos
}

const GuildGovernorQuorumNumeratorUpdatedEventName = "QuorumNumeratorUpdated"

// ContractEventName returns the user-defined event name.
func (GuildGovernorQuorumNumeratorUpdated) ContractEventName() string {
	return GuildGovernorQuorumNumeratorUpdatedEventName
}

// UnpackQuorumNumeratorUpdatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event QuorumNumeratorUpdated(uint256 oldQuorumNumerator, uint256 newQuorumNumerator)
func (guildGovernor *GuildGovernor) UnpackQuorumNumeratorUpdatedEvent(log *types.Log) (*GuildGovernorQuorumNumeratorUpdated, error) {
	event := "QuorumNumeratorUpdated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorQuorumNumeratorUpdated)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorTimelockChange represents a TimelockChange event raised by the GuildGovernor contract.
type GuildGovernorTimelockChange struct {
	OldTimelock common.Address
	NewTimelock common.Address
	Raw         *types.Log // Blockchain specific contextual infos
}

const GuildGovernorTimelockChangeEventName = "TimelockChange"

// ContractEventName returns the user-defined event name.
func (GuildGovernorTimelockChange) ContractEventName() string {
	return GuildGovernorTimelockChangeEventName
}

// UnpackTimelockChangeEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event TimelockChange(address oldTimelock, address newTimelock)
func (guildGovernor *GuildGovernor) UnpackTimelockChangeEvent(log *types.Log) (*GuildGovernorTimelockChange, error) {
	event := "TimelockChange"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorTimelockChange)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorVoteCast represents a VoteCast event raised by the GuildGovernor contract.
type GuildGovernorVoteCast struct {
	Voter      common.Address
	ProposalId *big.Int
	Support    uint8
	Weight     *big.Int
	Reason     string
	Raw        *types.Log // Blockchain specific contextual infos
}

const GuildGovernorVoteCastEventName = "VoteCast"

// ContractEventName returns the user-defined event name.
func (GuildGovernorVoteCast) ContractEventName() string {
	return GuildGovernorVoteCastEventName
}

// UnpackVoteCastEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)
func (guildGovernor *GuildGovernor) UnpackVoteCastEvent(log *types.Log) (*GuildGovernorVoteCast, error) {
	event := "VoteCast"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorVoteCast)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorVoteCastWithParams represents a VoteCastWithParams event raised by the GuildGovernor contract.
type GuildGovernorVoteCastWithParams struct {
	Voter      common.Address
	ProposalId *big.Int
	Support    uint8
	Weight     *big.Int
	Reason     string
	Params     []byte
	Raw        *types.Log // Blockchain specific contextual infos
}

const GuildGovernorVoteCastWithParamsEventName = "VoteCastWithParams"

// ContractEventName returns the user-defined event name.
func (GuildGovernorVoteCastWithParams) ContractEventName() string {
	return GuildGovernorVoteCastWithParamsEventName
}

// UnpackVoteCastWithParamsEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params)
func (guildGovernor *GuildGovernor) UnpackVoteCastWithParamsEvent(log *types.Log) (*GuildGovernorVoteCastWithParams, error) {
	event := "VoteCastWithParams"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorVoteCastWithParams)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorVotingDelaySet represents a VotingDelaySet event raised by the GuildGovernor contract.
type GuildGovernorVotingDelaySet struct {
	OldVotingDelay *big.Int
	NewVotingDelay *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const GuildGovernorVotingDelaySetEventName = "VotingDelaySet"

// ContractEventName returns the user-defined event name.
func (GuildGovernorVotingDelaySet) ContractEventName() string {
	return GuildGovernorVotingDelaySetEventName
}

// UnpackVotingDelaySetEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event VotingDelaySet(uint256 oldVotingDelay, uint256 newVotingDelay)
func (guildGovernor *GuildGovernor) UnpackVotingDelaySetEvent(log *types.Log) (*GuildGovernorVotingDelaySet, error) {
	event := "VotingDelaySet"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorVotingDelaySet)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// GuildGovernorVotingPeriodSet represents a VotingPeriodSet event raised by the GuildGovernor contract.
type GuildGovernorVotingPeriodSet struct {
	OldVotingPeriod *big.Int
	NewVotingPeriod *big.Int
	Raw             *types.Log // Blockchain specific contextual infos
}

const GuildGovernorVotingPeriodSetEventName = "VotingPeriodSet"

// ContractEventName returns the user-defined event name.
func (GuildGovernorVotingPeriodSet) ContractEventName() string {
	return GuildGovernorVotingPeriodSetEventName
}

// UnpackVotingPeriodSetEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event VotingPeriodSet(uint256 oldVotingPeriod, uint256 newVotingPeriod)
func (guildGovernor *GuildGovernor) UnpackVotingPeriodSetEvent(log *types.Log) (*GuildGovernorVotingPeriodSet, error) {
	event := "VotingPeriodSet"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != guildGovernor.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(GuildGovernorVotingPeriodSet)
	if len(log.Data) > 0 {
		if err := guildGovernor.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range guildGovernor.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (guildGovernor *GuildGovernor) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["CheckpointUnorderedInsertion"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackCheckpointUnorderedInsertionError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["ERC6372InconsistentClock"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackERC6372InconsistentClockError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["FailedCall"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackFailedCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorAlreadyCastVote"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorAlreadyCastVoteError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorAlreadyQueuedProposal"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorAlreadyQueuedProposalError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorDisabledDeposit"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorDisabledDepositError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorInsufficientProposerVotes"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorInsufficientProposerVotesError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorInvalidProposalLength"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorInvalidProposalLengthError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorInvalidQuorumFraction"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorInvalidQuorumFractionError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorInvalidSignature"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorInvalidSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorInvalidVoteParams"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorInvalidVoteParamsError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorInvalidVoteType"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorInvalidVoteTypeError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorInvalidVotingPeriod"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorInvalidVotingPeriodError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorNonexistentProposal"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorNonexistentProposalError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorOnlyExecutor"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorOnlyExecutorError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorPreventLateQuorumVoteExtensionTooLarge"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorPreventLateQuorumVoteExtensionTooLargeError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorProposalQueueingFailed"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorProposalQueueingFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorProposalQueueingNotRequired"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorProposalQueueingNotRequiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorRestrictedProposer"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorRestrictedProposerError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorUnableToCancel"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorUnableToCancelError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["GovernorUnexpectedProposalState"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackGovernorUnexpectedProposalStateError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["InvalidAccountNonce"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackInvalidAccountNonceError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["SafeCastOverflowedUintDowncast"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackSafeCastOverflowedUintDowncastError(raw[4:])
	}
	if bytes.Equal(raw[:4], guildGovernor.abi.Errors["StringTooLong"].ID.Bytes()[:4]) {
		return guildGovernor.UnpackStringTooLongError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// GuildGovernorCheckpointUnorderedInsertion represents a CheckpointUnorderedInsertion error raised by the GuildGovernor contract.
type GuildGovernorCheckpointUnorderedInsertion struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error CheckpointUnorderedInsertion()
func GuildGovernorCheckpointUnorderedInsertionErrorID() common.Hash {
	return common.HexToHash("0x2520601d9d60b717c34a36ad270857824c5a1ebbfd08ff39aba6930089495cfa")
}

// UnpackCheckpointUnorderedInsertionError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error CheckpointUnorderedInsertion()
func (guildGovernor *GuildGovernor) UnpackCheckpointUnorderedInsertionError(raw []byte) (*GuildGovernorCheckpointUnorderedInsertion, error) {
	out := new(GuildGovernorCheckpointUnorderedInsertion)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "CheckpointUnorderedInsertion", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorERC6372InconsistentClock represents a ERC6372InconsistentClock error raised by the GuildGovernor contract.
type GuildGovernorERC6372InconsistentClock struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC6372InconsistentClock()
func GuildGovernorERC6372InconsistentClockErrorID() common.Hash {
	return common.HexToHash("0x6ff07140ae905cb0f8e72fb38f5dd8e756c387b0065be0e1bf85bd0621a43dc7")
}

// UnpackERC6372InconsistentClockError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC6372InconsistentClock()
func (guildGovernor *GuildGovernor) UnpackERC6372InconsistentClockError(raw []byte) (*GuildGovernorERC6372InconsistentClock, error) {
	out := new(GuildGovernorERC6372InconsistentClock)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "ERC6372InconsistentClock", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorFailedCall represents a FailedCall error raised by the GuildGovernor contract.
type GuildGovernorFailedCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error FailedCall()
func GuildGovernorFailedCallErrorID() common.Hash {
	return common.HexToHash("0xd6bda27508c0fb6d8a39b4b122878dab26f731a7d4e4abe711dd3731899052a4")
}

// UnpackFailedCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error FailedCall()
func (guildGovernor *GuildGovernor) UnpackFailedCallError(raw []byte) (*GuildGovernorFailedCall, error) {
	out := new(GuildGovernorFailedCall)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "FailedCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorAlreadyCastVote represents a GovernorAlreadyCastVote error raised by the GuildGovernor contract.
type GuildGovernorGovernorAlreadyCastVote struct {
	Voter common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorAlreadyCastVote(address voter)
func GuildGovernorGovernorAlreadyCastVoteErrorID() common.Hash {
	return common.HexToHash("0x71c6af4932ed543cdb181fcbb800f4b9940a2ccceeaee5e6e141de8c50856ede")
}

// UnpackGovernorAlreadyCastVoteError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorAlreadyCastVote(address voter)
func (guildGovernor *GuildGovernor) UnpackGovernorAlreadyCastVoteError(raw []byte) (*GuildGovernorGovernorAlreadyCastVote, error) {
	out := new(GuildGovernorGovernorAlreadyCastVote)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorAlreadyCastVote", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorAlreadyQueuedProposal represents a GovernorAlreadyQueuedProposal error raised by the GuildGovernor contract.
type GuildGovernorGovernorAlreadyQueuedProposal struct {
	ProposalId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorAlreadyQueuedProposal(uint256 proposalId)
func GuildGovernorGovernorAlreadyQueuedProposalErrorID() common.Hash {
	return common.HexToHash("0xf20e7d374e58691196b2e081c7753efc94203ab3520c58efe153076e279fde0a")
}

// UnpackGovernorAlreadyQueuedProposalError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorAlreadyQueuedProposal(uint256 proposalId)
func (guildGovernor *GuildGovernor) UnpackGovernorAlreadyQueuedProposalError(raw []byte) (*GuildGovernorGovernorAlreadyQueuedProposal, error) {
	out := new(GuildGovernorGovernorAlreadyQueuedProposal)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorAlreadyQueuedProposal", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorDisabledDeposit represents a GovernorDisabledDeposit error raised by the GuildGovernor contract.
type GuildGovernorGovernorDisabledDeposit struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorDisabledDeposit()
func GuildGovernorGovernorDisabledDepositErrorID() common.Hash {
	return common.HexToHash("0xe90a651e5fdea7022846d10b5f36994c22e1f46db4b5021aa3e26ad83b24bfd8")
}

// UnpackGovernorDisabledDepositError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorDisabledDeposit()
func (guildGovernor *GuildGovernor) UnpackGovernorDisabledDepositError(raw []byte) (*GuildGovernorGovernorDisabledDeposit, error) {
	out := new(GuildGovernorGovernorDisabledDeposit)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorDisabledDeposit", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorInsufficientProposerVotes represents a GovernorInsufficientProposerVotes error raised by the GuildGovernor contract.
type GuildGovernorGovernorInsufficientProposerVotes struct {
	Proposer  common.Address
	Votes     *big.Int
	Threshold *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorInsufficientProposerVotes(address proposer, uint256 votes, uint256 threshold)
func GuildGovernorGovernorInsufficientProposerVotesErrorID() common.Hash {
	return common.HexToHash("0xc242ee16ab08d11dbce60e744efdbd91b4e07ac4c074d993992519795a6324d0")
}

// UnpackGovernorInsufficientProposerVotesError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorInsufficientProposerVotes(address proposer, uint256 votes, uint256 threshold)
func (guildGovernor *GuildGovernor) UnpackGovernorInsufficientProposerVotesError(raw []byte) (*GuildGovernorGovernorInsufficientProposerVotes, error) {
	out := new(GuildGovernorGovernorInsufficientProposerVotes)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorInsufficientProposerVotes", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorInvalidProposalLength represents a GovernorInvalidProposalLength error raised by the GuildGovernor contract.
type GuildGovernorGovernorInvalidProposalLength struct {
	Targets   *big.Int
	Calldatas *big.Int
	Values    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorInvalidProposalLength(uint256 targets, uint256 calldatas, uint256 values)
func GuildGovernorGovernorInvalidProposalLengthErrorID() common.Hash {
	return common.HexToHash("0x447b05d0c41e339e22932be48ca2091a47f3c39df25e2152ad11a8729753b2b4")
}

// UnpackGovernorInvalidProposalLengthError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorInvalidProposalLength(uint256 targets, uint256 calldatas, uint256 values)
func (guildGovernor *GuildGovernor) UnpackGovernorInvalidProposalLengthError(raw []byte) (*GuildGovernorGovernorInvalidProposalLength, error) {
	out := new(GuildGovernorGovernorInvalidProposalLength)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorInvalidProposalLength", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorInvalidQuorumFraction represents a GovernorInvalidQuorumFraction error raised by the GuildGovernor contract.
type GuildGovernorGovernorInvalidQuorumFraction struct {
	QuorumNumerator   *big.Int
	QuorumDenominator *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorInvalidQuorumFraction(uint256 quorumNumerator, uint256 quorumDenominator)
func GuildGovernorGovernorInvalidQuorumFractionErrorID() common.Hash {
	return common.HexToHash("0x243e5445050913bb1c3de7a2f82eba0c3b0b8a55c2aacf660392fa35087a1919")
}

// UnpackGovernorInvalidQuorumFractionError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorInvalidQuorumFraction(uint256 quorumNumerator, uint256 quorumDenominator)
func (guildGovernor *GuildGovernor) UnpackGovernorInvalidQuorumFractionError(raw []byte) (*GuildGovernorGovernorInvalidQuorumFraction, error) {
	out := new(GuildGovernorGovernorInvalidQuorumFraction)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorInvalidQuorumFraction", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorInvalidSignature represents a GovernorInvalidSignature error raised by the GuildGovernor contract.
type GuildGovernorGovernorInvalidSignature struct {
	Voter common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorInvalidSignature(address voter)
func GuildGovernorGovernorInvalidSignatureErrorID() common.Hash {
	return common.HexToHash("0x94ab6c07905fb25046d2809e4563b09690f891c9495bfe19551d602e7eddbb1b")
}

// UnpackGovernorInvalidSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorInvalidSignature(address voter)
func (guildGovernor *GuildGovernor) UnpackGovernorInvalidSignatureError(raw []byte) (*GuildGovernorGovernorInvalidSignature, error) {
	out := new(GuildGovernorGovernorInvalidSignature)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorInvalidSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorInvalidVoteParams represents a GovernorInvalidVoteParams error raised by the GuildGovernor contract.
type GuildGovernorGovernorInvalidVoteParams struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorInvalidVoteParams()
func GuildGovernorGovernorInvalidVoteParamsErrorID() common.Hash {
	return common.HexToHash("0x867db7717d0cc803be5726127d33cc17ae07776705d8ba6659af8aaa5b418dd8")
}

// UnpackGovernorInvalidVoteParamsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorInvalidVoteParams()
func (guildGovernor *GuildGovernor) UnpackGovernorInvalidVoteParamsError(raw []byte) (*GuildGovernorGovernorInvalidVoteParams, error) {
	out := new(GuildGovernorGovernorInvalidVoteParams)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorInvalidVoteParams", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorInvalidVoteType represents a GovernorInvalidVoteType error raised by the GuildGovernor contract.
type GuildGovernorGovernorInvalidVoteType struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorInvalidVoteType()
func GuildGovernorGovernorInvalidVoteTypeErrorID() common.Hash {
	return common.HexToHash("0x06b337c26289d63178b4d4ed5fd513f38a1d8832d0edd309ef07bfc9ba5caf49")
}

// UnpackGovernorInvalidVoteTypeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorInvalidVoteType()
func (guildGovernor *GuildGovernor) UnpackGovernorInvalidVoteTypeError(raw []byte) (*GuildGovernorGovernorInvalidVoteType, error) {
	out := new(GuildGovernorGovernorInvalidVoteType)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorInvalidVoteType", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorInvalidVotingPeriod represents a GovernorInvalidVotingPeriod error raised by the GuildGovernor contract.
type GuildGovernorGovernorInvalidVotingPeriod struct {
	VotingPeriod *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorInvalidVotingPeriod(uint256 votingPeriod)
func GuildGovernorGovernorInvalidVotingPeriodErrorID() common.Hash {
	return common.HexToHash("0xf1cfbf057db43f9730bc42a52728d66da9151a5c6929758ee824e299f82f5689")
}

// UnpackGovernorInvalidVotingPeriodError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorInvalidVotingPeriod(uint256 votingPeriod)
func (guildGovernor *GuildGovernor) UnpackGovernorInvalidVotingPeriodError(raw []byte) (*GuildGovernorGovernorInvalidVotingPeriod, error) {
	out := new(GuildGovernorGovernorInvalidVotingPeriod)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorInvalidVotingPeriod", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorNonexistentProposal represents a GovernorNonexistentProposal error raised by the GuildGovernor contract.
type GuildGovernorGovernorNonexistentProposal struct {
	ProposalId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorNonexistentProposal(uint256 proposalId)
func GuildGovernorGovernorNonexistentProposalErrorID() common.Hash {
	return common.HexToHash("0x6ad06075316ea071ccae80931b756598be5aad3433b2c47b38607a8eec344a70")
}

// UnpackGovernorNonexistentProposalError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorNonexistentProposal(uint256 proposalId)
func (guildGovernor *GuildGovernor) UnpackGovernorNonexistentProposalError(raw []byte) (*GuildGovernorGovernorNonexistentProposal, error) {
	out := new(GuildGovernorGovernorNonexistentProposal)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorNonexistentProposal", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorOnlyExecutor represents a GovernorOnlyExecutor error raised by the GuildGovernor contract.
type GuildGovernorGovernorOnlyExecutor struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorOnlyExecutor(address account)
func GuildGovernorGovernorOnlyExecutorErrorID() common.Hash {
	return common.HexToHash("0x47096e4749c231af946d5efc74a7fd817371e756031e98787f18bf70aaa7753c")
}

// UnpackGovernorOnlyExecutorError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorOnlyExecutor(address account)
func (guildGovernor *GuildGovernor) UnpackGovernorOnlyExecutorError(raw []byte) (*GuildGovernorGovernorOnlyExecutor, error) {
	out := new(GuildGovernorGovernorOnlyExecutor)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorOnlyExecutor", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorPreventLateQuorumVoteExtensionTooLarge represents a GovernorPreventLateQuorumVoteExtensionTooLarge error raised by the GuildGovernor contract.
type GuildGovernorGovernorPreventLateQuorumVoteExtensionTooLarge struct {
	NewVoteExtension *big.Int
	MaxVoteExtension *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorPreventLateQuorumVoteExtensionTooLarge(uint256 newVoteExtension, uint256 maxVoteExtension)
func GuildGovernorGovernorPreventLateQuorumVoteExtensionTooLargeErrorID() common.Hash {
	return common.HexToHash("0x64230edae030649e816c9a015895f31b48340aa2b1bdad57872142722cd95042")
}

// UnpackGovernorPreventLateQuorumVoteExtensionTooLargeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorPreventLateQuorumVoteExtensionTooLarge(uint256 newVoteExtension, uint256 maxVoteExtension)
func (guildGovernor *GuildGovernor) UnpackGovernorPreventLateQuorumVoteExtensionTooLargeError(raw []byte) (*GuildGovernorGovernorPreventLateQuorumVoteExtensionTooLarge, error) {
	out := new(GuildGovernorGovernorPreventLateQuorumVoteExtensionTooLarge)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorPreventLateQuorumVoteExtensionTooLarge", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorProposalQueueingFailed represents a GovernorProposalQueueingFailed error raised by the GuildGovernor contract.
type GuildGovernorGovernorProposalQueueingFailed struct {
	ProposalId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorProposalQueueingFailed(uint256 proposalId)
func GuildGovernorGovernorProposalQueueingFailedErrorID() common.Hash {
	return common.HexToHash("0xab2d0311b12775d840d040f070d41586c4d88ef7337d352d0dfa2a1ede1d73e0")
}

// UnpackGovernorProposalQueueingFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorProposalQueueingFailed(uint256 proposalId)
func (guildGovernor *GuildGovernor) UnpackGovernorProposalQueueingFailedError(raw []byte) (*GuildGovernorGovernorProposalQueueingFailed, error) {
	out := new(GuildGovernorGovernorProposalQueueingFailed)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorProposalQueueingFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorProposalQueueingNotRequired represents a GovernorProposalQueueingNotRequired error raised by the GuildGovernor contract.
type GuildGovernorGovernorProposalQueueingNotRequired struct {
	ProposalId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorProposalQueueingNotRequired(uint256 proposalId)
func GuildGovernorGovernorProposalQueueingNotRequiredErrorID() common.Hash {
	return common.HexToHash("0xd838bcb7f156d6ff91334907349273614e60ebfac1fd90f5ce25b84cd6c61a09")
}

// UnpackGovernorProposalQueueingNotRequiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorProposalQueueingNotRequired(uint256 proposalId)
func (guildGovernor *GuildGovernor) UnpackGovernorProposalQueueingNotRequiredError(raw []byte) (*GuildGovernorGovernorProposalQueueingNotRequired, error) {
	out := new(GuildGovernorGovernorProposalQueueingNotRequired)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorProposalQueueingNotRequired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorRestrictedProposer represents a GovernorRestrictedProposer error raised by the GuildGovernor contract.
type GuildGovernorGovernorRestrictedProposer struct {
	Proposer common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorRestrictedProposer(address proposer)
func GuildGovernorGovernorRestrictedProposerErrorID() common.Hash {
	return common.HexToHash("0xd9b395579c6f1566cc7608394c53136f366f7fa719d01a941bee075ef8c704f4")
}

// UnpackGovernorRestrictedProposerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorRestrictedProposer(address proposer)
func (guildGovernor *GuildGovernor) UnpackGovernorRestrictedProposerError(raw []byte) (*GuildGovernorGovernorRestrictedProposer, error) {
	out := new(GuildGovernorGovernorRestrictedProposer)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorRestrictedProposer", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorUnableToCancel represents a GovernorUnableToCancel error raised by the GuildGovernor contract.
type GuildGovernorGovernorUnableToCancel struct {
	ProposalId *big.Int
	Account    common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorUnableToCancel(uint256 proposalId, address account)
func GuildGovernorGovernorUnableToCancelErrorID() common.Hash {
	return common.HexToHash("0x8fe5d8a9809b4b1a3569a8d98ce25e21fb956a89b6b9a2741d15bc699f46ef07")
}

// UnpackGovernorUnableToCancelError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorUnableToCancel(uint256 proposalId, address account)
func (guildGovernor *GuildGovernor) UnpackGovernorUnableToCancelError(raw []byte) (*GuildGovernorGovernorUnableToCancel, error) {
	out := new(GuildGovernorGovernorUnableToCancel)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorUnableToCancel", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorGovernorUnexpectedProposalState represents a GovernorUnexpectedProposalState error raised by the GuildGovernor contract.
type GuildGovernorGovernorUnexpectedProposalState struct {
	ProposalId     *big.Int
	Current        uint8
	ExpectedStates [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GovernorUnexpectedProposalState(uint256 proposalId, uint8 current, bytes32 expectedStates)
func GuildGovernorGovernorUnexpectedProposalStateErrorID() common.Hash {
	return common.HexToHash("0x31b75e4d4f8317c390cf01cbc79dfe4f67ce2d27f65a099074fdc67f00f76908")
}

// UnpackGovernorUnexpectedProposalStateError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GovernorUnexpectedProposalState(uint256 proposalId, uint8 current, bytes32 expectedStates)
func (guildGovernor *GuildGovernor) UnpackGovernorUnexpectedProposalStateError(raw []byte) (*GuildGovernorGovernorUnexpectedProposalState, error) {
	out := new(GuildGovernorGovernorUnexpectedProposalState)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "GovernorUnexpectedProposalState", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorInvalidAccountNonce represents a InvalidAccountNonce error raised by the GuildGovernor contract.
type GuildGovernorInvalidAccountNonce struct {
	Account      common.Address
	CurrentNonce *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidAccountNonce(address account, uint256 currentNonce)
func GuildGovernorInvalidAccountNonceErrorID() common.Hash {
	return common.HexToHash("0x752d88c0de02638abf10e8e31861e4c68dc1f3a1e7d840e580683f2c282bfc7a")
}

// UnpackInvalidAccountNonceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidAccountNonce(address account, uint256 currentNonce)
func (guildGovernor *GuildGovernor) UnpackInvalidAccountNonceError(raw []byte) (*GuildGovernorInvalidAccountNonce, error) {
	out := new(GuildGovernorInvalidAccountNonce)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "InvalidAccountNonce", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorInvalidShortString represents a InvalidShortString error raised by the GuildGovernor contract.
type GuildGovernorInvalidShortString struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidShortString()
func GuildGovernorInvalidShortStringErrorID() common.Hash {
	return common.HexToHash("0xb3512b0c6163e5f0bafab72bb631b9d58cd7a731b082f910338aa21c83d5c274")
}

// UnpackInvalidShortStringError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidShortString()
func (guildGovernor *GuildGovernor) UnpackInvalidShortStringError(raw []byte) (*GuildGovernorInvalidShortString, error) {
	out := new(GuildGovernorInvalidShortString)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "InvalidShortString", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorSafeCastOverflowedUintDowncast represents a SafeCastOverflowedUintDowncast error raised by the GuildGovernor contract.
type GuildGovernorSafeCastOverflowedUintDowncast struct {
	Bits  uint8
	Value *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func GuildGovernorSafeCastOverflowedUintDowncastErrorID() common.Hash {
	return common.HexToHash("0x6dfcc6503a32754ce7a89698e18201fc5294fd4aad43edefee786f88423b1a12")
}

// UnpackSafeCastOverflowedUintDowncastError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func (guildGovernor *GuildGovernor) UnpackSafeCastOverflowedUintDowncastError(raw []byte) (*GuildGovernorSafeCastOverflowedUintDowncast, error) {
	out := new(GuildGovernorSafeCastOverflowedUintDowncast)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "SafeCastOverflowedUintDowncast", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// GuildGovernorStringTooLong represents a StringTooLong error raised by the GuildGovernor contract.
type GuildGovernorStringTooLong struct {
	Str string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StringTooLong(string str)
func GuildGovernorStringTooLongErrorID() common.Hash {
	return common.HexToHash("0x305a27a93f8e33b7392df0a0f91d6fc63847395853c45991eec52dbf24d72381")
}

// UnpackStringTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StringTooLong(string str)
func (guildGovernor *GuildGovernor) UnpackStringTooLongError(raw []byte) (*GuildGovernorStringTooLong, error) {
	out := new(GuildGovernorStringTooLong)
	if err := guildGovernor.abi.UnpackIntoInterface(out, "StringTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}
