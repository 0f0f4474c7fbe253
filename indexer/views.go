package indexer

import (
	"math/big"

	guildhall "github.com/guildhall/guildhall"
)

// The read model: what the API serves from the index. Every view carries AsOf, the block at which
// all of its numbers are exactly true (the community's indexed progress, read in the same
// REPEATABLE READ transaction as the data). Addresses are EIP-55 checksummed.

// CommunityView is a community's token figures and governance settings.
type CommunityView struct {
	TotalSupply *big.Int
	Holders     int64
	// Settings are the governance settings in force at AsOf, from the newest indexed event of each
	// (Setting* names); a setting with no event indexed is absent.
	Settings map[string]*big.Int
	AsOf     guildhall.AsOf
}

// AccountView is one account of a community.
type AccountView struct {
	Address         string
	Balance         *big.Int
	VotingPower     *big.Int
	Delegate        string // "" when none
	RewardsReceived *big.Int
	AsOf            guildhall.AsOf
}

// TransferView is one Transfer.
type TransferView struct {
	BlockNumber uint64
	BlockTime   uint64
	TxHash      string
	LogIndex    uint
	From, To    string
	Value       *big.Int
}

// HolderView is one holder in the holders list.
type HolderView struct {
	Address     string
	Balance     *big.Int
	VotingPower *big.Int
}

// ActionView is one action of a proposal.
type ActionView struct {
	Target    string
	Value     *big.Int
	Calldata  []byte
	Signature string
}

// TallyView is a proposal's running tally as indexed.
type TallyView struct {
	For, Against, Abstain                   *big.Int
	ForVoters, AgainstVoters, AbstainVoters int64
}

// Voters is the number of accounts that voted.
func (t TallyView) Voters() int64 { return t.ForVoters + t.AgainstVoters + t.AbstainVoters }

// ProposalView is a proposal.
type ProposalView struct {
	ID            *big.Int
	Proposer      string
	Title         string
	Description   string
	State         string
	VoteStart     uint64 // the snapshot timepoint (Unix seconds)
	VoteEnd       uint64 // the deadline, extended by a late quorum
	CreatedBlock  uint64
	CreatedTx     string
	Eta           uint64 // 0 unless queued
	Actions       []ActionView
	Tally         TallyView
	StateFromNode bool // State is the governor's state() at AsOf (else derived from events and time)
	// OpenedBy is the issuer that opened the proposal through the API; nil for a proposal made
	// from a wallet (or opened before Guildhall recorded openers).
	OpenedBy *IssuerRef
	AsOf     guildhall.AsOf
}

// IssuerRef names an issuer.
type IssuerRef struct {
	ID   int64
	Name string
}

// VoteView is one vote.
type VoteView struct {
	Voter       string
	Support     uint8
	Weight      *big.Int
	Reason      string
	Params      []byte // nil for VoteCast
	BlockNumber uint64
	TxHash      string
	LogIndex    uint
}

// Page is where a list starts (After: the opaque key of the last item of the previous page, ""
// for the first) and how many items it has at most.
type Page struct {
	After string
	Limit int
}

// List is one page of a list: Next is the key of its last item when more follow, else "".
type List[T any] struct {
	Items []T
	Next  string
	AsOf  guildhall.AsOf
}
