package api

import (
	"context"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/indexer"
)

// The interfaces the server needs, each named for what it does. cmd/guildhall satisfies them
// with the stores of package postgres and the chain services of package govchain.

// Positions in the index's lists: events by chain position, holders by balance.
type (
	chainPage  = guildhall.Page[guildhall.ChainPosition]
	holderPage = guildhall.Page[guildhall.HolderPosition]
)

// IndexReader reads the indexed chain data. Every view is true at its AsOf block. An unknown
// community or proposal is ENOTFOUND; a community not indexed yet EUNAVAILABLE. Lists return the
// key of their last item (Next) in the form the position parsers of request.go read back.
type IndexReader interface {
	CommunityIndex(ctx context.Context, community string) (*indexer.CommunityView, error)
	Account(ctx context.Context, community string, address common.Address) (*indexer.AccountView, error)
	Transfers(ctx context.Context, community string, address common.Address, page chainPage) (*indexer.List[indexer.TransferView], error)
	Holders(ctx context.Context, community string, page holderPage) (*indexer.List[indexer.HolderView], error)
	Proposals(ctx context.Context, community string, state *governance.State, page chainPage) (*indexer.List[indexer.ProposalView], error)
	Proposal(ctx context.Context, community string, id *big.Int) (*indexer.ProposalView, error)
	Votes(ctx context.Context, community string, id *big.Int, page chainPage) (*indexer.List[indexer.VoteView], error)
}

// TallyReader reads a proposal's indexed tally, with its state, timepoints and the voting power
// delegated at its snapshot, all true at the tally's AsOf. An unknown proposal is ENOTFOUND.
type TallyReader interface {
	IndexedTally(ctx context.Context, communityID string, pid *big.Int) (*governance.IndexedTally, error)
}

// TallyChecker reads the governor's own figures for a proposal at the block an indexed tally is
// true at (govchain.TallyCheck). exact is false when they may be another block's (the chain
// reorganized under the read); a node that does not answer is EUNAVAILABLE.
type TallyChecker interface {
	Onchain(ctx context.Context, c govchain.Contracts, pid *big.Int, snapshot uint64, asOf guildhall.AsOf) (f *govchain.OnchainTally, exact bool, err error)
}

// ProposalWriter opens, queues and executes proposals from the operator account and returns the
// transaction that carries each.
type ProposalWriter interface {
	Propose(ctx context.Context, communityID string, c govchain.Contracts, p *govchain.Plan) (common.Hash, *big.Int, error)
	Queue(ctx context.Context, communityID string, c govchain.Contracts, pid *big.Int) (common.Hash, error)
	Execute(ctx context.Context, communityID string, c govchain.Contracts, pid *big.Int) (common.Hash, error)
}

// GaslessRelayer serves the EIP-712 typed data wallets sign to vote and delegate, and relays what
// they signed (castVoteBySig, delegateBySig) once the signature and the rules check out.
type GaslessRelayer interface {
	BallotTypedData(ctx context.Context, c govchain.Contracts, pid *big.Int, voter common.Address, support governance.Support, reason *string) (apitypes.TypedData, error)
	RelayBallot(ctx context.Context, communityID string, c govchain.Contracts, req govchain.BallotRequest) (common.Hash, error)
	DelegationTypedData(ctx context.Context, c govchain.Contracts, delegator, delegatee common.Address, expiry *big.Int) (apitypes.TypedData, error)
	RelayDelegation(ctx context.Context, communityID string, c govchain.Contracts, req govchain.DelegationRequest) (common.Hash, error)
}

// GovernanceService is what governance writes need (govchain.Service).
type GovernanceService interface {
	ProposalWriter
	GaslessRelayer
}

// NonceStore keeps Sign-In with Ethereum nonces: UseSIWENonce spends one once, and is
// EUNAUTHORIZED for a nonce never issued, used already or expired at now.
type NonceStore interface {
	CreateSIWENonce(ctx context.Context, nonce string, expiresAt time.Time) error
	UseSIWENonce(ctx context.Context, nonce string, now time.Time) error
	// CheckSIWENonce answers as UseSIWENonce would without using the nonce.
	CheckSIWENonce(ctx context.Context, nonce string, now time.Time) error
}

// SessionStore keeps members' sessions by token; Session is EUNAUTHORIZED for an unknown or
// expired token.
type SessionStore interface {
	CreateSession(ctx context.Context, token string, s guildhall.MemberSession) error
	Session(ctx context.Context, token string, now time.Time) (*guildhall.MemberSession, error)
}

// StandingReader reads an account's standing in every community, ordered by community id.
type StandingReader interface {
	MemberStandings(ctx context.Context, address common.Address) ([]guildhall.MemberStanding, error)
}

// MemberStore is what member sign-in and /v1/me need (postgres.SessionStore).
type MemberStore interface {
	NonceStore
	SessionStore
	StandingReader
}
