package postgres

import (
	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/rewards"
)

// The stores, one per concern, each over the one connection pool of a DB. DB itself keeps only
// what concerns the connection: opening, pinging, migrating, the leaders' advisory locks.

// CommunityStore keeps communities and the chain the database belongs to; it implements
// guildhall.CommunityStore.
type CommunityStore struct{ db *DB }

// NewCommunityStore returns the community store of db.
func NewCommunityStore(db *DB) *CommunityStore { return &CommunityStore{db: db} }

// IndexWriter is the indexer's store: the cursor, the remembered blocks, and the events with
// everything derived from them. It implements indexer.Store.
type IndexWriter struct {
	db *DB
	// shadow is a reindex's writer: its tables keep no activity days, so no health locks or journal.
	shadow bool
}

// NewIndexWriter returns the index writer of db.
func NewIndexWriter(db *DB) *IndexWriter { return &IndexWriter{db: db} }

// MintIndex answers what the index says a reward batch minted, from the indexer's tables. It
// is the indexer's side of the hand-off to the minter (rewards.MintedBatches), which BatchStore
// confirms batches from.
type MintIndex struct{ db *DB }

// NewMintIndex returns the mint index of db.
func NewMintIndex(db *DB) *MintIndex { return &MintIndex{db: db} }

// RewardsStore keeps issuers, reward rules and the reward ledger; it implements rewards.Store.
type RewardsStore struct {
	db *DB
	// leaders keeps the leaderboard's rankings by ledger version (rewards_ledger.go).
	leaders leaderCache
	// accepts queues each issuer's requests for their next group (rewards_group.go).
	accepts acceptQueues
}

// NewRewardsStore returns the rewards store of db.
func NewRewardsStore(db *DB) *RewardsStore { return &RewardsStore{db: db} }

// BatchStore keeps the minter's mint batches: claiming rewards into them, following their
// transactions and confirming them from what the index says they minted.
type BatchStore struct {
	db     *DB
	minted rewards.MintedBatches
}

// NewBatchStore returns the batch store of db, which confirms batches from minted (not nil):
// the indexer's answer to what a batch minted, usually NewMintIndex(db).
func NewBatchStore(db *DB, minted rewards.MintedBatches) *BatchStore {
	return &BatchStore{db: db, minted: minted}
}

// SenderStore keeps the chain sender's nonces and transactions; it implements chain.TxStore.
type SenderStore struct{ db *DB }

// NewSenderStore returns the sender store of db.
func NewSenderStore(db *DB) *SenderStore { return &SenderStore{db: db} }

// What each store implements.
var (
	_ guildhall.CommunityStore = (*CommunityStore)(nil)
	_ indexer.Store            = (*IndexWriter)(nil)
	_ rewards.MintedBatches    = (*MintIndex)(nil)
	_ rewards.Store            = (*RewardsStore)(nil)
	_ chain.TxStore            = (*SenderStore)(nil)
)
