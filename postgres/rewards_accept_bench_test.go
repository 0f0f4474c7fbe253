package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/lib/pq"
)

// BenchmarkRewardInsertHealth times the reward ledger's inserts as the accept path makes them (one
// statement of 16 rewards, a group of requests) on a community with 30,000 rewards to 3,000
// members over the last 60 days, by what they are to the health figures: "new members" (first
// rewards ever), "first of the day" (returning members' first reward today), "same day" (their
// second). It reports the mean time of 60 statements of each kind, taken in turns.
func BenchmarkRewardInsertHealth(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	f := newLeaderFixture(b)
	f.exec(b, `INSERT INTO members (community_id, wallet) SELECT 'bakery', '0x' || lpad(to_hex(40960 + i), 40, '0') FROM generate_series(0, 9999) i`)
	f.exec(b, `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, created_at)
		SELECT 'bakery', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit',
		       '0x' || lpad(to_hex(40960 + i % 3000), 40, '0'), 10, now() - (1 + i % 60) * interval '1 day'
		FROM generate_series(0, 29999) i`)
	f.exec(b, `ANALYZE`)
	const statements, group = 60, 16
	insert := func(first int) time.Duration {
		wallets := make([]string, group)
		for j := range wallets {
			wallets[j] = fmt.Sprintf("0x%040x", 40960+first+j)
		}
		start := time.Now()
		f.exec(b, `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount)
			SELECT 'bakery', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit', w, 10 FROM unnest($1::text[]) w`,
			pq.Array(wallets))
		return time.Since(start)
	}
	kinds := []struct {
		name, unit string
		first      func(k int) int // the first wallet of statement k
	}{
		{"new members", "ms-new", func(k int) int { return 3000 + (k+1)*group }},
		{"first of the day", "ms-first-of-day", func(k int) int { return (k + 1) * group }},
		{"same day", "ms-same-day", func(k int) int { return (k + 1) * group }},
	}
	for _, kind := range kinds { // a statement of each first, not counted: every function compiled
		insert(kind.first(-1))
	}
	took := make([]time.Duration, len(kinds))
	for k := range statements {
		for i, kind := range kinds {
			took[i] += insert(kind.first(k))
		}
	}
	for i, kind := range kinds {
		ms := float64(took[i].Microseconds()) / statements / 1000
		fmt.Printf("%s: %.2f ms a statement of %d rewards\n", kind.name, ms, group)
		b.ReportMetric(ms, kind.unit)
	}
}
