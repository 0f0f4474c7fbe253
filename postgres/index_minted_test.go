package postgres_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/rewards"
)

// The minter confirms a round of batches from one read of the index: each batch's first
// RewardBatchMinted event once it is final, with the mints of its own transaction in log order;
// a batch not final yet, or not indexed, is absent.
func TestMintIndexReadsARoundOfBatches(t *testing.T) {
	db, _ := indexDB(t)
	id := func(n int64) common.Hash { return common.BigToHash(big.NewInt(0xb000 + n)) }
	wallet := func(n int64) common.Address { return common.BigToAddress(big.NewInt(0xa000 + n)) }
	var events indexer.Events
	// Batch 1 in block 2 of community one (mints to wallets 1, 2, 3), batch 2 in block 4 of
	// community two (wallet 4), batch 3 in block 6 of community one (wallet 5).
	mint := func(community string, block uint64, batch, first, n int64) {
		meta := indexer.EventMeta{CommunityID: community, BlockNumber: block, BlockHash: common.BigToHash(big.NewInt(int64(block))),
			BlockTime: 1000 + block, TxHash: common.BigToHash(big.NewInt(0x7000 + batch))}
		total := new(big.Int)
		for k := range n {
			meta.LogIndex = uint(k)
			v := big.NewInt(10 * (first + k))
			total.Add(total, v)
			events.Transfers = append(events.Transfers, indexer.Transfer{EventMeta: meta, To: wallet(first + k), Value: v})
		}
		meta.LogIndex = uint(n)
		events.RewardBatches = append(events.RewardBatches, indexer.RewardBatch{EventMeta: meta, BatchID: id(batch), Count: big.NewInt(n), Total: total})
	}
	mint("one", 2, 1, 1, 3)
	mint("two", 4, 2, 4, 1)
	mint("one", 6, 3, 5, 1)
	end := indexer.BlockRef{Number: 7, Hash: common.BigToHash(big.NewInt(7)), Time: 1007}
	b := &indexer.Batch{From: 1, To: 7, End: end, Advance: true, Blocks: []indexer.BlockRef{end}, Communities: []string{"one", "two"}, Events: events}
	if err := postgres.NewIndexWriter(db).ApplyBatch(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	ref := func(community string, batch int64) rewards.BatchRef {
		return rewards.BatchRef{CommunityID: community, BatchID: id(batch)}
	}
	refs := []rewards.BatchRef{ref("one", 1), ref("two", 2), ref("one", 3), ref("one", 4)}
	got, err := postgres.NewMintIndex(db).Minted(t.Context(), refs, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Indexed to block 7, depth 2: blocks 2 and 4 are final, 6 is not; batch 4 was never minted.
	if len(got) != 2 || got[refs[0]] == nil || got[refs[1]] == nil {
		t.Fatalf("minted %v, want batches 1 and 2 (batch 3 is not final, batch 4 not indexed)", got)
	}
	one := got[refs[0]]
	want := []rewards.Mint{{Wallet: wallet(1), Amount: big.NewInt(10)}, {Wallet: wallet(2), Amount: big.NewInt(20)}, {Wallet: wallet(3), Amount: big.NewInt(30)}}
	if one.Block != 2 || one.TxHash != common.BigToHash(big.NewInt(0x7001)).Hex() || one.Count.Int64() != 3 || one.Total.Int64() != 60 || len(one.Mints) != 3 {
		t.Fatalf("batch 1 = %+v", one)
	}
	for k, m := range want {
		if one.Mints[k].Wallet != m.Wallet || one.Mints[k].Amount.Cmp(m.Amount) != 0 {
			t.Errorf("batch 1 mint %d = %v %s, want %v %s", k, one.Mints[k].Wallet, one.Mints[k].Amount, m.Wallet, m.Amount)
		}
	}
	if two := got[refs[1]]; len(two.Mints) != 1 || two.Mints[0].Wallet != wallet(4) {
		t.Errorf("batch 2 mints %v, want the one to wallet 4 (its own transaction's)", two.Mints)
	}
	if all, err := postgres.NewMintIndex(db).Minted(t.Context(), refs, 1); err != nil || all[refs[2]] == nil {
		t.Errorf("at depth 1 batch 3 (block 6, indexed to 7) is final: %v, %v", all, err)
	}
}
