package postgres_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/rewards"
)

// BenchmarkMinterRewardUpdates times the minter's updates of the reward ledger on a community
// with 30,000 pending rewards to 3,000 members: "minter" claims a batch of 300 (batch_id set,
// submitted), cuts it to 200 (the rest back to pending) and confirms it, as ClaimBatch,
// ShrinkBatch and the confirmation do; "fail" marks 300 confirmed rewards failed in one statement
// (an operator's correction, the rare update the health figures and ledger version count).
func BenchmarkMinterRewardUpdates(b *testing.B) {
	f := newLeaderFixture(b)
	seedPendingLedger(b, f)
	f.exec(b, `ANALYZE`)
	batches := postgres.NewBatchStore(f.db, nil)
	var confirmed []int64
	b.Run("minter", func(b *testing.B) {
		for b.Loop() {
			batch, err := batches.ClaimBatch(b.Context(), "bakery", 300, 0)
			if err != nil || batch == nil {
				b.Fatalf("claim: %v, %v", batch, err)
			}
			if _, err := batches.ShrinkBatch(b.Context(), batch.ID, 200); err != nil {
				b.Fatal(err)
			}
			f.exec(b, `UPDATE rewards SET status = 'confirmed' WHERE batch_id = $1`, batch.ID)
			confirmed = append(confirmed, batch.ID)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/batch")
	})
	b.Run("fail", func(b *testing.B) {
		k := 0
		for b.Loop() {
			if k == len(confirmed) {
				b.Skip("no confirmed batch left")
			}
			f.exec(b, `UPDATE rewards SET status = 'failed' WHERE batch_id = $1`, confirmed[k])
			k++
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/statement")
	})
}

// mintedAs is an index that says every batch it was told of minted exactly its rewards, final:
// what the minter's confirmation writes is measured, not the index's reads.
type mintedAs map[common.Hash]*rewards.IndexedMint

func (m mintedAs) Minted(_ context.Context, refs []rewards.BatchRef, _ uint64) (map[rewards.BatchRef]*rewards.IndexedMint, error) {
	out := map[rewards.BatchRef]*rewards.IndexedMint{}
	for _, r := range refs {
		if mint := m[r.BatchID]; mint != nil {
			out[r] = mint
		}
	}
	return out, nil
}

// BenchmarkMinterRoundWrites times the minter's writes of a round of 8 batches of 150 rewards
// on a ledger of 30,000 pending rewards: claimed, linked to their transactions, their mined
// transactions recorded and confirmed, either a batch at a time (as the minter wrote them before)
// or the round at once (ClaimBatches of 8, one MarkBatchesSent, SetBatchTxHashes and
// ConfirmBatchesFromIndex). Run both in one process: -bench BenchmarkMinterRoundWrites
// -benchtime 10x.
func BenchmarkMinterRoundWrites(b *testing.B) {
	f := newLeaderFixture(b)
	seedPendingLedger(b, f)
	// One recorded transaction for every batch to name (its row id is its batch's).
	f.exec(b, `INSERT INTO chain_txs (id, chain_id, key, from_address, to_address, nonce, data, gas_limit)
		SELECT i, 1337, 'bench-' || i, '0x01', '0x02', i, '\x00', 21000 FROM generate_series(1, 400) i`)
	f.exec(b, `ANALYZE`)
	minted := mintedAs{}
	batches := postgres.NewBatchStore(f.db, minted)
	const size, round = 150, 8
	write := func(b *testing.B, n int) {
		bs, rs, err := batches.ClaimBatches(b.Context(), "bakery", size, n, 0)
		if err != nil || len(bs) != n {
			b.Fatalf("claim: %d batches, %v", len(bs), err)
		}
		sent, ids, hashes, blocks := map[int64]int64{}, []int64{}, []string{}, []uint64{}
		var mints [][]rewards.Mint
		for _, batch := range bs {
			var own []*rewards.Reward
			for _, r := range rs {
				if r.BatchID == batch.ID {
					own = append(own, r)
				}
			}
			ms := rewards.Coalesce(own)
			hash := common.BigToHash(big.NewInt(batch.ID)).Hex()
			minted[batch.BatchID] = &rewards.IndexedMint{TxHash: hash, Block: 7, Count: big.NewInt(int64(len(ms))), Total: batch.Total, Mints: ms}
			sent[batch.ID] = batch.ID
			ids, hashes, blocks = append(ids, batch.ID), append(hashes, hash), append(blocks, 7)
			mints = append(mints, ms)
		}
		if err := batches.MarkBatchesSent(b.Context(), sent); err != nil {
			b.Fatal(err)
		}
		if err := batches.SetBatchTxHashes(b.Context(), ids, hashes, blocks); err != nil {
			b.Fatal(err)
		}
		if got, err := batches.ConfirmBatchesFromIndex(b.Context(), bs, mints, 2); err != nil || len(got) != n {
			b.Fatalf("confirmed %d of %d batches: %v", len(got), n, err)
		}
	}
	b.Run("batch at a time", func(b *testing.B) {
		for b.Loop() {
			for range round {
				write(b, 1)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*round)/1000, "ms/batch")
	})
	b.Run("round at once", func(b *testing.B) {
		for b.Loop() {
			write(b, round)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*round)/1000, "ms/batch")
	})
}

// seedPendingLedger gives the bakery 3,000 members and 30,000 pending rewards, a second apart.
func seedPendingLedger(b *testing.B, f *leaderFixture) {
	f.exec(b, `INSERT INTO members (community_id, wallet) SELECT 'bakery', '0x' || lpad(to_hex(40960 + i), 40, '0') FROM generate_series(0, 2999) i`)
	f.exec(b, `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, created_at)
		SELECT 'bakery', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit',
		       '0x' || lpad(to_hex(40960 + i % 3000), 40, '0'), 10, now() - i * interval '1 second'
		FROM generate_series(0, 29999) i`)
}
