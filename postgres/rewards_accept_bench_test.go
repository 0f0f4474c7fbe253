package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall/postgres"
)

// newRewardHistory is a community with 30,000 rewards to 3,000 members (wallets 0x...a000 on) over
// the last 60 days, and 7,000 more members never rewarded.
func newRewardHistory(b *testing.B) *leaderFixture {
	f := newLeaderFixture(b)
	f.exec(b, `INSERT INTO members (community_id, wallet) SELECT 'bakery', '0x' || lpad(to_hex(40960 + i), 40, '0') FROM generate_series(0, 9999) i`)
	f.exec(b, `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, created_at)
		SELECT 'bakery', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit',
		       '0x' || lpad(to_hex(40960 + i % 3000), 40, '0'), 10, now() - (1 + i % 60) * interval '1 day'
		FROM generate_series(0, 29999) i`)
	f.exec(b, `ANALYZE`)
	return f
}

// BenchmarkRewardInsertHealth times the reward ledger's inserts as the accept path makes them (one
// statement of 16 rewards, a group of requests) on a community with 30,000 rewards to 3,000
// members over the last 60 days, by what they are to the health figures: "new members" (first
// rewards ever), "first of the day" (returning members' first reward today), "same day" (their
// second). It reports the mean time of 60 statements of each kind, taken in turns.
func BenchmarkRewardInsertHealth(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	f := newRewardHistory(b)
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

// BenchmarkRewardInsertNewSession times a new database session's first three reward statements (16
// rewards each, on newRewardHistory: new members' first rewards, then returning members' first of
// the day, then their second), in sessions opened as serve's pool opens them without and with
// Warm (which has each run the ledger's triggers once, rolled back), in turns. A session compiles
// the PL/pgSQL trigger functions on their first call and plans their statements then.
func BenchmarkRewardInsertNewSession(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	f := newRewardHistory(b)
	const sessions, group = 12, 16
	insert := func(db *postgres.DB, first int) time.Duration {
		start := time.Now()
		if _, err := postgres.PooledSessions(b.Context(), db, 1, fmt.Sprintf(`WITH x AS (
			INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount)
			SELECT 'bakery', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit',
			       '0x' || lpad(to_hex(40960 + i), 40, '0'), 10 FROM generate_series(%d, %d) i RETURNING 1)
			SELECT count(*) FROM x`, first, first+group-1)); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var took [2][3]time.Duration // without, with Warm; by statement
	for k := range sessions {
		for w := range 2 {
			db, err := postgres.Open(b.Context(), f.url) // its one connection opened, as Warm opens them
			if err != nil {
				b.Fatal(err)
			}
			db.SetPool(postgres.Pool{MaxOpen: 1, MaxIdle: 1, MaxIdleTime: time.Hour, MaxLifetime: time.Hour})
			if w == 1 {
				if err := db.Warm(b.Context(), 1); err != nil {
					b.Fatal(err)
				}
			}
			first := (w*sessions + k) * group
			took[w][0] += insert(db, 3000+first)
			took[w][1] += insert(db, first)
			took[w][2] += insert(db, first)
			db.Close()
		}
	}
	for w, name := range []string{"without", "with"} {
		var ms [3]float64
		for i := range ms {
			ms[i] = float64(took[w][i].Microseconds()) / sessions / 1000
		}
		fmt.Printf("%s Warm: a new session's first statement (new members) %.2f ms, second (first of the day) %.2f ms, third (same day) %.2f ms\n",
			name, ms[0], ms[1], ms[2])
		b.ReportMetric(ms[0]+ms[1]+ms[2], "ms-first-3-"+name+"-warm")
	}
}
