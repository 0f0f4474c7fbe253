package postgres_test

import (
	"testing"

	"github.com/guildhall/guildhall/postgres"
)

// BenchmarkMinterRewardUpdates times the minter's updates of the reward ledger on a community
// with 30,000 pending rewards to 3,000 members: "minter" claims a batch of 300 (batch_id set,
// submitted), cuts it to 200 (the rest back to pending) and confirms it, as ClaimBatch,
// ShrinkBatch and the confirmation do; "fail" marks 300 confirmed rewards failed in one statement
// (an operator's correction, the rare update the health figures and ledger version count).
func BenchmarkMinterRewardUpdates(b *testing.B) {
	f := newLeaderFixture(b)
	f.exec(b, `INSERT INTO members (community_id, wallet) SELECT 'bakery', '0x' || lpad(to_hex(40960 + i), 40, '0') FROM generate_series(0, 2999) i`)
	f.exec(b, `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, created_at)
		SELECT 'bakery', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit',
		       '0x' || lpad(to_hex(40960 + i % 3000), 40, '0'), 10, now() - i * interval '1 second'
		FROM generate_series(0, 29999) i`)
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
