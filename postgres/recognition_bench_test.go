package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/recognition"
)

// generateRecognitionCommunity fills community "bench" with members (EIP-55 addresses, as the API
// and the indexer write them), their rewards over a year, proposals and votes (the facts the
// rules read), the triggers keeping member_activity_days as they go; it returns the members.
func generateRecognitionCommunity(b *testing.B, raw *sqlx.DB, scale float64) []common.Address {
	members, rewards, votes := int(1e5*scale), int(1e6*scale), int(2e5*scale)
	const proposals, t0, day = 200, 1735689600, 86400 // 2025-01-01
	accounts := make([]common.Address, members)
	hexes := make([]string, members)
	for k := range accounts {
		accounts[k] = common.BigToAddress(big.NewInt(int64(k + 4096)))
		hexes[k] = accounts[k].Hex()
	}
	stmts := []string{
		`CREATE TABLE bench_accounts AS SELECT n - 1 AS n, a FROM unnest($1::text[]) WITH ORDINALITY AS u(a, n)`,
		`INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget) VALUES ('bench', 'till', 'p1', decode(repeat('00', 32), 'hex'), 1e40)`,
		`INSERT INTO reward_rules (community_id, activity, amount) VALUES ('bench', 'purchase', 10)`,
		`INSERT INTO members (community_id, wallet) SELECT 'bench', a FROM bench_accounts`,
		fmt.Sprintf(`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, status, created_at)
			SELECT 'bench', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'purchase', a.a, 10 + i %% 7,
			       'confirmed', to_timestamp(%d + (i::bigint * 365 * %d / %d))
			FROM generate_series(0, %d) i JOIN bench_accounts a ON a.n = (i * 7) %% %d`, t0, day, rewards, rewards-1, members),
		fmt.Sprintf(`INSERT INTO proposals (community_id, proposal_id, proposer, description, title, vote_start, vote_end, original_vote_end,
				block_number, block_hash, block_time, tx_hash, log_index, state)
			SELECT 'bench', p, (SELECT a FROM bench_accounts WHERE n = p), 'p', 'p', %d + p * %d + %d, %d + p * %d + 8 * %d, %d + p * %d + 8 * %d,
			       p, 'b' || p, %d + p * %d, 'p' || p, 0, 'defeated'
			FROM generate_series(1, %d) p`, t0, day, day, t0, day, day, t0, day, day, t0, day, proposals),
		fmt.Sprintf(`INSERT INTO votes (community_id, proposal_id, voter, support, weight, reason, block_number, block_hash, block_time, tx_hash, log_index)
			SELECT 'bench', p.proposal_id, a.a, 1, 1000, '', p.block_number, p.block_hash, p.block_time + %d, 'v' || i, 1 + i / %d
			FROM generate_series(0, %d) i JOIN proposals p ON p.community_id = 'bench' AND p.proposal_id = i %% %d + 1
			JOIN bench_accounts a ON a.n = (i / %d) %% %d`, day, proposals, votes-1, proposals, proposals, members),
		fmt.Sprintf(`INSERT INTO index_progress (community_id, block_number, block_hash, block_time) VALUES ('bench', 400, 'b400', %d)`, t0+365*day),
		`ANALYZE`,
	}
	for k, q := range stmts {
		start := time.Now()
		var args []any
		if k == 0 {
			args = []any{pq.Array(hexes)}
		}
		if _, err := raw.Exec(q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		b.Logf("%6.1fs %.60s", time.Since(start).Seconds(), q)
	}
	return accounts
}

// BenchmarkRecognition measures, on a community of GUILDHALL_HEALTH_BENCH_SCALE × (100,000
// members, 1,000,000 rewards over a year, 200 proposals, 200,000 votes), the first evaluation of every member's level and
// four roles, a re-evaluation after a block of 1,000 activities, the first evaluations of the next
// day and of the next week, and the role check (after two seconds of checks) and member profile
// under 16 concurrent readers, p50 and p99.
func BenchmarkRecognition(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	scale := healthBenchScale()
	db, raw := pgtest.NewDBRaw(b)
	if err := postgres.NewCommunityStore(db).BindChain(b.Context(), devChain); err != nil {
		b.Fatal(err)
	}
	if err := postgres.NewCommunityStore(db).CreateCommunity(b.Context(), newCommunity("bench", 9)); err != nil {
		b.Fatal(err)
	}
	accounts := generateRecognitionCommunity(b, raw, scale)
	s := postgres.NewRecognitionStore(db)
	for name, spec := range map[string]string{
		"buyer":    `{"kind":"tier","grace_days":14,"all":[{"activity_count":{"activity":"purchase","min":5,"window_days":90}}]}`,
		"voter":    `{"kind":"badge","all":[{"votes":{"min":1,"last_proposals":10}}]}`,
		"streaker": `{"kind":"tier","all":[{"streak_weeks":{"min":2}},{"level":{"min":"newcomer"}}]}`,
		"big":      `{"kind":"badge","all":[{"earned":{"min":"100","window_days":365}}],"none":[{"tenure_days":{"min":400}}]}`,
	} {
		var rs recognition.RoleSpec
		if err := json.Unmarshal([]byte(spec), &rs); err != nil {
			b.Fatal(err)
		}
		if _, err := s.PutRole(b.Context(), "bench", name, rs); err != nil {
			b.Fatal(err)
		}
	}
	scope := health.Scope{Community: "bench", Operator: "0x00000000000000000000000000000000000000ff"}
	timed := func(what string) {
		start := time.Now()
		ev, err := s.Evaluate(b.Context(), scope)
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		fmt.Printf("recognition %-40s scale %.2f: %7.1f ms, %d events, %d members decided (all: %v)\n", what, scale, ms(d), ev.Events,
			ev.Decided, ev.All)
		b.ReportMetric(ms(d), what+"-ms")
	}
	timed("first-evaluation")
	// A block of 1,000 activities: rewards to 1,000 members at the as_of block's time.
	if _, err := raw.Exec(fmt.Sprintf(`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, status, created_at)
		SELECT 'bench', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'purchase', a.a, 10, 'pending',
		       to_timestamp((SELECT block_time FROM index_progress WHERE community_id = 'bench'))
		FROM generate_series(0, 999) i JOIN bench_accounts a ON a.n = (i * 97) %% %d`, len(accounts))); err != nil {
		b.Fatal(err)
	}
	timed("re-evaluation-after-1000-activities")
	// The first evaluations of the next day (a Friday) and of the next ISO week (the Monday after):
	// windows, tenures, streaks and demotion holds move with the day.
	for _, step := range []struct {
		what string
		days int
	}{{"first-evaluation-of-a-day", 1}, {"first-evaluation-of-a-week", 3}} {
		if _, err := raw.Exec(`UPDATE index_progress SET block_number = block_number + 1, block_hash = 'b' || (block_number + 1),
			block_time = block_time + $1 WHERE community_id = 'bench'`, step.days*86400); err != nil {
			b.Fatal(err)
		}
		timed(step.what)
	}

	// Checks run for two seconds before they are timed (a till's process has checked before).
	for warm := time.Now(); time.Since(warm) < 2*time.Second; {
		concurrentLatencies(b, 16, 10, func(rng *rand.Rand) error {
			_, err := s.Check(b.Context(), "bench", "buyer", accounts[rng.Intn(len(accounts))])
			return err
		})
	}
	perReader := envInt("GUILDHALL_RECOGNITION_BENCH_READS", 200)
	for _, r := range []struct {
		name string
		n    int
		fn   func(ctx context.Context, a common.Address) error
	}{
		{"role-check", perReader, func(ctx context.Context, a common.Address) error {
			_, err := s.Check(ctx, "bench", "buyer", a)
			return err
		}},
		{"member-profile", max(1, perReader/10), func(ctx context.Context, a common.Address) error { _, err := s.Profile(ctx, scope, a); return err }},
	} {
		lat := concurrentLatencies(b, 16, r.n, func(rng *rand.Rand) error { return r.fn(b.Context(), accounts[rng.Intn(len(accounts))]) })
		p50, p99 := lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
		fmt.Printf("recognition %-14s scale %.2f: p50 %7.2f ms, p99 %7.2f ms (%d reads, 16 readers)\n", r.name, scale, ms(p50), ms(p99), len(lat))
		if r.name == "role-check" {
			fmt.Printf("recognition role checks read from the database: %d (warm-up included)\n", postgres.StoredRoleChecks(s))
		}
		b.ReportMetric(ms(p50), r.name+"-p50-ms")
		b.ReportMetric(ms(p99), r.name+"-p99-ms")
	}
}

// concurrentLatencies runs fn n times in each of readers goroutines and returns the latencies,
// sorted.
func concurrentLatencies(b *testing.B, readers, n int, fn func(rng *rand.Rand) error) []time.Duration {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for k := range readers {
		wg.Go(func() {
			rng := rand.New(rand.NewSource(int64(k)))
			for range n {
				start := time.Now()
				if err := fn(rng); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				lat = append(lat, time.Since(start))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(lat)
	return lat
}
