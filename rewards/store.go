package rewards

import (
	"context"
	"math/big"
	"time"

	"github.com/guildhall/guildhall"
)

// AcceptInput is one issuer request as the store records it: validated and normalized items, the
// idempotency key with the hash of the request it came with, and whether to write at all.
type AcceptInput struct {
	Issuer *Issuer
	// KeyHash is the hash of the API key the request presented (HashKey), checked against the
	// issuer's current key in the transaction that records the rewards, as is its revocation:
	// the issuer may come from a cache. Nil for callers that hold no key (the operator's tools).
	KeyHash        []byte
	IdempotencyKey string // required unless DryRun
	RequestHash    []byte
	Items          []Request
	// Batch says the items came as a batch (rewards:batch): the store's field errors then name
	// the item ("items[0].wallet") even when the batch holds one item. Several items always do.
	Batch  bool
	DryRun bool
	Now    time.Time
	// Render turns the accepted rewards into the response body that is stored with the key and
	// answered again on a replay. It runs inside the store's transaction.
	Render func(rs []*Reward) ([]byte, error)
}

// AcceptOutput is the answer to an AcceptInput.
type AcceptOutput struct {
	Rewards  []*Reward // nil on a replay
	Body     []byte    // what Render returned, or the stored body on a replay
	Replayed bool
}

// RewardFilter selects rewards of one community; empty fields select all.
type RewardFilter struct {
	Wallet   string
	Activity string
	Status   string
	IssuerID int64 // only this issuer's rewards; 0 = every issuer's
	BeforeID int64 // keyset paging, newest first: ids below this one; 0 = from the newest
	Limit    int
}

// LeaderEntry is one member's place on a leaderboard.
type LeaderEntry struct {
	Rank    int
	Wallet  string
	Earned  *big.Int // the member's rewards (all but failed) in the period, from the ledger
	Balance *big.Int // the wallet's indexed token balance at the page's AsOf; nil when AsOf is
}

// LeaderboardPage is one page of a ranking. Every balance in it is the indexed balance at AsOf,
// read in the same snapshot as the ranking; AsOf is nil while the indexer has not reached the
// community, and then no balance is known.
type LeaderboardPage struct {
	Entries []LeaderEntry
	AsOf    *guildhall.AsOf
}

// LedgerRow is one reward as the audit export writes it: the reward with its rule, issuer and
// the batch and transaction that minted it.
type LedgerRow struct {
	Reward
	IssuerName string
	RuleAmount *big.Int
	BatchHash  string // the on-chain batch id, "" until batched
}

// Store keeps issuers, rules and the reward ledger. Implementations return *guildhall.Error values
// for what a caller can fix: ENOTFOUND, ECONFLICT, EUNPROCESSABLE (cap or budget), EUNAUTHORIZED.
type Store interface {
	// CreateIssuer stores a new issuer with the key's prefix and hash; it sets i.ID and CreatedAt.
	CreateIssuer(ctx context.Context, i *Issuer, key APIKey) error
	// Issuers lists a community's issuers ("" = every community), revoked ones included.
	Issuers(ctx context.Context, communityID string) ([]*Issuer, error)
	// Issuer returns one issuer by id.
	Issuer(ctx context.Context, id int64) (*Issuer, error)
	// IssuerByKey returns the unrevoked issuer whose key prefix is prefix and whose stored hash
	// matches (via match); EUNAUTHORIZED otherwise.
	IssuerByKey(ctx context.Context, prefix string, match func(hash []byte) bool) (*Issuer, error)
	// RevokeIssuer makes an issuer's key stop working, for good.
	RevokeIssuer(ctx context.Context, id int64) error
	// RotateIssuerKey replaces an unrevoked issuer's key; the old one stops working at once.
	RotateIssuerKey(ctx context.Context, id int64, key APIKey) error

	// Rules returns the current rules of a community, by activity.
	Rules(ctx context.Context, communityID string) ([]*Rule, error)
	// PutRule creates or replaces the rule of r.Activity; r.ID and UpdatedAt are set.
	PutRule(ctx context.Context, r *Rule) error

	// Accept prices, checks and records the items in one transaction: all or none. It checks every
	// item's rule (Price), every member's cap and the issuer's budget, so concurrent requests never
	// exceed either. A known key with the same request hash replays the stored answer; with
	// another hash it is ECONFLICT.
	Accept(ctx context.Context, in AcceptInput) (*AcceptOutput, error)

	// Reward returns one reward of a community.
	Reward(ctx context.Context, communityID string, id int64) (*Reward, error)
	// Rewards lists rewards of a community, newest first.
	Rewards(ctx context.Context, communityID string, f RewardFilter) ([]*Reward, error)
	// Leaderboard ranks a community's members by what they earned since since (zero: ever), with
	// their balances as indexed; ENOTFOUND for an unknown community.
	Leaderboard(ctx context.Context, communityID string, since time.Time, offset, limit int) (*LeaderboardPage, error)
	// Ledger calls fn with every reward of a community, oldest first.
	Ledger(ctx context.Context, communityID string, fn func(LedgerRow) error) error
}
