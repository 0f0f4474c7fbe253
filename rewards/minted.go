package rewards

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// MintedBatches is what the index says batches minted: the hand-off from the indexer to the
// minter. A batch is confirmed from what the indexer stored of the chain, never from the
// minter's own view of its transaction, so a confirmed reward is one the indexed balances hold.
type MintedBatches interface {
	// Minted returns what the index holds of each batch of refs, once its first
	// RewardBatchMinted event is final: at least finalityDepth blocks below the block its
	// community is indexed to. A batch not indexed, or not final yet, is not in the map.
	Minted(ctx context.Context, refs []BatchRef, finalityDepth uint64) (map[BatchRef]*IndexedMint, error)
}

// BatchRef names a batch on chain: its community and its on-chain id (BatchID).
type BatchRef struct {
	CommunityID string
	BatchID     common.Hash
}

// IndexedMint is one indexed mintBatch transaction: its RewardBatchMinted event and its mints
// (the Transfers from the zero address of the same transaction, in log order).
type IndexedMint struct {
	TxHash string
	Block  uint64
	Count  *big.Int // the event's count of recipients
	Total  *big.Int // the event's total
	Mints  []Mint
}

// Matches reports whether m minted exactly what batch b was to mint: mints are b's rewards
// coalesced (Coalesce), the event counts them and totals b.Total, and the indexed mints are
// mints, in order.
func (m *IndexedMint) Matches(b *Batch, mints []Mint) bool {
	if m.Count.Cmp(big.NewInt(int64(len(mints)))) != 0 || m.Total.Cmp(b.Total) != 0 || len(m.Mints) != len(mints) {
		return false
	}
	for k, want := range mints {
		if m.Mints[k].Wallet != want.Wallet || m.Mints[k].Amount.Cmp(want.Amount) != 0 {
			return false
		}
	}
	return true
}
