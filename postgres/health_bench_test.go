package postgres_test

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/api"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// healthBenchScale is GUILDHALL_HEALTH_BENCH_SCALE: 1 is issue 11's community (100,000 members,
// 1,000,000 rewards, 1,000,000 transfers, 200 proposals, 200,000 votes); the default 0.02 a
// quick run.
func healthBenchScale() float64 {
	if s, err := strconv.ParseFloat(os.Getenv("GUILDHALL_HEALTH_BENCH_SCALE"), 64); err == nil && s > 0 {
		return s
	}
	return 0.02
}

// generateHealthCommunity fills community "bench" with generate_series SQL, over a year of
// blocks (one every 10 minutes), the triggers keeping member_activity_days as they go.
func generateHealthCommunity(b testing.TB, raw *sqlx.DB, scale float64) {
	members, rewards, transfers, votes := int(1e5*scale), int(1e6*scale), int(1e6*scale), int(2e5*scale)
	const proposals, t0, step = 200, 1735689600, 600 // 2025-01-01, a block every 10 minutes
	blocks := 365 * 24 * 6
	addr := `'0x' || lpad(to_hex(%s), 40, '0')`
	m := func(e string) string { return fmt.Sprintf(addr, "(("+e+") % "+strconv.Itoa(members)+") + 4096") }
	stmts := []string{
		`INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget) VALUES ('bench', 'till', 'p1', decode(repeat('00', 32), 'hex'), 1e40)`,
		`INSERT INTO reward_rules (community_id, activity, amount) VALUES ('bench', 'purchase', 10)`,
		`INSERT INTO members (community_id, wallet) SELECT 'bench', ` + m("i") + ` FROM generate_series(0, ` + strconv.Itoa(members-1) + `) i`,
		fmt.Sprintf(`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, status, created_at)
			SELECT 'bench', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'purchase', %s, 10 + i %% 7,
			       'confirmed', to_timestamp(%d + (i::bigint * %d * %d / %d)) FROM generate_series(0, %d) i`,
			m("i * 7"), t0, blocks, step, rewards, rewards-1),
		fmt.Sprintf(`INSERT INTO token_transfers (community_id, block_number, block_hash, block_time, tx_hash, log_index, from_address, to_address, value)
			SELECT 'bench', bn, 'b' || bn, %d + bn * %d, 't' || i, i %% 1000,
			       CASE WHEN i %% 2 = 0 THEN '0x0000000000000000000000000000000000000000' ELSE %s END, %s, 1000
			FROM generate_series(0, %d) i, LATERAL (SELECT (i::bigint * %d / %d) + 1 AS bn) x`,
			t0, step, m("i * 13"), m("i * 7"), transfers-1, blocks-1, transfers),
		`INSERT INTO token_accounts (community_id, address, balance, voting_power, delegate)
			SELECT 'bench', a, sum(d), sum(d), a FROM (SELECT to_address AS a, value AS d FROM token_transfers WHERE community_id = 'bench'
				UNION ALL SELECT from_address, -value FROM token_transfers WHERE community_id = 'bench'
				AND from_address <> '0x0000000000000000000000000000000000000000') x GROUP BY a`,
		`INSERT INTO token_supply (community_id, total_supply) SELECT 'bench', sum(balance) FROM token_accounts WHERE community_id = 'bench'`,
		fmt.Sprintf(`INSERT INTO token_delegate_votes (community_id, block_number, block_hash, block_time, tx_hash, log_index, delegate, previous_votes, new_votes)
			SELECT 'bench', bn, 'b' || bn, %d + bn * %d, 'dv' || i, 1000 + i %% 1000, address, 0, voting_power
			FROM (SELECT address, voting_power, row_number() OVER (ORDER BY address) AS i FROM token_accounts WHERE community_id = 'bench') a,
			LATERAL (SELECT (i * 7919) %% %d + 1 AS bn) x`, t0, step, blocks),
		fmt.Sprintf(`INSERT INTO proposals (community_id, proposal_id, proposer, description, title, vote_start, vote_end, original_vote_end,
				block_number, block_hash, block_time, tx_hash, log_index, state)
			SELECT 'bench', p, %s, 'p', 'p', %d + bn * %d + 86400, %d + bn * %d + 8 * 86400, %d + bn * %d + 8 * 86400,
			       bn, 'b' || bn, %d + bn * %d, 'p' || p, 2000, 'defeated'
			FROM generate_series(1, %d) p, LATERAL (SELECT p * %d / %d AS bn) x`,
			m("p * 31"), t0, step, t0, step, t0, step, t0, step, proposals, blocks-2000, proposals),
		fmt.Sprintf(`INSERT INTO votes (community_id, proposal_id, voter, support, weight, reason, block_number, block_hash, block_time, tx_hash, log_index)
			SELECT 'bench', p.proposal_id, %s, 1, 1000, '', p.block_number + 200, 'b' || (p.block_number + 200),
			       p.block_time + 200 * %d, 'v' || i, 3000 + i / %d
			FROM generate_series(0, %d) i JOIN proposals p ON p.community_id = 'bench' AND p.proposal_id = i %% %d + 1`,
			m(fmt.Sprintf("i / %d", proposals)), step, proposals, votes-1, proposals),
		fmt.Sprintf(`INSERT INTO index_progress (community_id, block_number, block_hash, block_time) VALUES ('bench', %d, 'b%d', %d)`,
			blocks, blocks, t0+blocks*step),
		// As autovacuum leaves a table after a bulk load: statistics, and the visibility map
		// that lets the windowed reads scan only the index.
		`VACUUM ANALYZE`,
	}
	for _, s := range stmts {
		start := time.Now()
		if _, err := raw.Exec(s); err != nil {
			b.Fatalf("%s: %v", s, err)
		}
		b.Logf("%6.1fs %.60s", time.Since(start).Seconds(), s)
	}
}

// healthRead is one read of BenchmarkHealthReads.
type healthRead struct {
	name string
	fn   func(ctx context.Context) error
}

// BenchmarkHealthReads measures each HealthStore read under 16 concurrent readers, p50 and p99,
// all starting at once with nothing cached (the first of them computes, the others wait for it),
// then one read alone after a new reward (a new ledger version: the member figures are computed
// again, the chain figures of the block stay cached).
func BenchmarkHealthReads(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	scale := healthBenchScale()
	db, raw := pgtest.NewDBRaw(b)
	if err := postgres.NewCommunityStore(db).BindChain(b.Context(), devChain); err != nil {
		b.Fatal(err)
	}
	c := newCommunity("bench", 9)
	if err := postgres.NewCommunityStore(db).CreateCommunity(b.Context(), c); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	generateHealthCommunity(b, raw, scale)
	fmt.Printf("health fixture scale %.2f built in %s\n", scale, time.Since(start).Round(time.Second))
	s := postgres.NewHealthStore(db)
	scope := health.Scope{Community: "bench", Operator: "0x00000000000000000000000000000000000000ff"}
	reads := []healthRead{
		{"overview", func(ctx context.Context) error { _, err := s.Overview(ctx, scope); return err }},
		{"activity", func(ctx context.Context) error { _, err := s.Activity(ctx, scope, health.Weekly, "", ""); return err }},
		{"retention", func(ctx context.Context) error {
			_, err := s.Retention(ctx, scope, health.Weekly, 12, health.BasisAny)
			return err
		}},
		{"lifecycle", func(ctx context.Context) error { _, err := s.Lifecycle(ctx, scope, health.Weekly, "", ""); return err }},
		{"governance", func(ctx context.Context) error { _, err := s.Governance(ctx, scope, 20); return err }},
		{"concentration", func(ctx context.Context) error { _, err := s.Concentration(ctx, scope, "voting_power"); return err }},
		{"delegates", func(ctx context.Context) error { _, err := s.Delegates(ctx, scope, "voting_power", 50, 0); return err }},
		{"contribution", func(ctx context.Context) error { _, err := s.Contribution(ctx, scope, 90); return err }},
		{"at_risk", func(ctx context.Context) error { _, err := s.AtRisk(ctx, scope); return err }},
	}
	perReader := envInt("GUILDHALL_HEALTH_BENCH_READS", 4)
	for _, r := range reads {
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for range perReader {
					start := time.Now()
					if err := r.fn(b.Context()); err != nil {
						b.Error(r.name, err)
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
		p50, p99 := lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
		if _, err := raw.Exec(benchRewardSQL); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := r.fn(b.Context()); err != nil {
			b.Fatal(r.name, err)
		}
		cold := time.Since(start)
		fmt.Printf("health %-13s scale %.2f: p50 %7.1f ms, p99 %7.1f ms (%d reads, 16 readers); after a new reward %7.1f ms\n",
			r.name, scale, ms(p50), ms(p99), len(lat), ms(cold))
		b.ReportMetric(ms(p50), r.name+"-p50-ms")
		b.ReportMetric(ms(p99), r.name+"-p99-ms")
		b.ReportMetric(ms(cold), r.name+"-reward-ms")
	}
	benchLatestReads(b, raw, scale, reads)
}

// benchLatestReads measures the reads as the API serves them (health.Latest with the API's
// default wait) while the community changes: for each read, 16 readers read for
// GUILDHALL_HEALTH_BENCH_SECONDS (default 5) with 50 ms between reads while every second a new
// block is indexed and a new reward accepted, so every read's figures go stale once a second.
// It reports p50/p99 of every read after the first (the cold read above) and how many
// computations they cost.
func benchLatestReads(b *testing.B, raw *sqlx.DB, scale float64, reads []healthRead) {
	seconds := envInt("GUILDHALL_HEALTH_BENCH_SECONDS", 5)
	for _, r := range reads {
		name, fn := r.name, r.fn
		latest := health.NewLatest(api.DefaultStatsWait, time.Minute)
		var computations atomic.Int64
		read := func(ctx context.Context) (*struct{}, error) {
			computations.Add(1)
			return &struct{}{}, fn(ctx)
		}
		// The server has answered this read before (its first answer is the cold read above).
		if _, err := health.Read(b.Context(), latest, name, false, read); err != nil {
			b.Fatal(name, err)
		}
		stop := make(chan struct{})
		var writer sync.WaitGroup
		writer.Go(func() { advanceEverySecond(b, raw, stop) })
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		deadline := time.Now().Add(time.Duration(seconds) * time.Second)
		for range 16 {
			wg.Go(func() {
				for time.Now().Before(deadline) {
					start := time.Now()
					if _, err := health.Read(b.Context(), latest, name, false, read); err != nil {
						b.Error(name, err)
						return
					}
					mu.Lock()
					lat = append(lat, time.Since(start))
					mu.Unlock()
					time.Sleep(50 * time.Millisecond)
				}
			})
		}
		wg.Wait()
		close(stop)
		writer.Wait()
		slices.Sort(lat)
		p50, p99 := lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
		fmt.Printf("health %-13s scale %.2f as served (a new block and reward every second): p50 %6.1f ms, p99 %6.1f ms (%d reads, %d computations)\n",
			name, scale, ms(p50), ms(p99), len(lat), computations.Load())
		b.ReportMetric(ms(p99), name+"-served-p99-ms")
	}
}

// advanceEverySecond indexes a new block (an empty one: every chain figure is computed again)
// and accepts a new reward (a new ledger version) every second until stop is closed.
func advanceEverySecond(b *testing.B, raw *sqlx.DB, stop <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		if _, err := raw.Exec(`UPDATE index_progress SET block_number = block_number + 1, block_hash = 'b' || (block_number + 1),
			block_time = block_time + 12 WHERE community_id = 'bench'`); err != nil {
			b.Error(err)
			return
		}
		if _, err := raw.Exec(benchRewardSQL); err != nil {
			b.Error(err)
			return
		}
	}
}

// benchRewardSQL accepts a new reward in community bench at its as_of time.
const benchRewardSQL = `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, status, created_at)
	SELECT 'bench', min(i.id), min(r.id), 'purchase', '0x0000000000000000000000000000000000001000', 10, 'pending',
	       (SELECT to_timestamp(block_time) FROM index_progress WHERE community_id = 'bench')
	FROM issuers i, reward_rules r WHERE i.community_id = 'bench' AND r.community_id = 'bench'`

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkHealthTriggerCost applies the same backfill (GUILDHALL_HEALTH_BENCH_TRANSFERS,
// default 200,000 transfers in batches of 10,000: half mints with their automatic
// self-delegation, half transfers between members, each of whom has a reward) through ApplyBatch
// with the activity triggers enabled and disabled, alternately (GUILDHALL_HEALTH_BENCH_PAIRS
// pairs, default 2: more pairs make the best of each less sensitive to a loaded machine), and
// reports the ratio of the best times.
func BenchmarkHealthTriggerCost(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	n := envInt("GUILDHALL_HEALTH_BENCH_TRANSFERS", 200_000)
	db, raw := pgtest.NewDBRaw(b)
	if err := postgres.NewCommunityStore(db).BindChain(b.Context(), devChain); err != nil {
		b.Fatal(err)
	}
	best := map[bool]time.Duration{}
	for round := range 2 * envInt("GUILDHALL_HEALTH_BENCH_PAIRS", 2) {
		enabled := round%2 == 0
		id := fmt.Sprintf("run-%d", round)
		if err := postgres.NewCommunityStore(db).CreateCommunity(b.Context(), newCommunity(id, 20+round)); err != nil {
			b.Fatal(err)
		}
		seedBenchMembers(b, raw, id)
		verb := map[bool]string{true: "ENABLE", false: "DISABLE"}[enabled]
		for _, t := range []string{"token_transfers", "token_delegate_changes"} {
			if _, err := raw.Exec(`ALTER TABLE ` + t + ` ` + verb + ` TRIGGER USER`); err != nil {
				b.Fatal(err)
			}
		}
		start := time.Now()
		applyTransfers(b, db, id, uint64(round)*1_000_000, n)
		if d := time.Since(start); best[enabled] == 0 || d < best[enabled] {
			best[enabled] = d
		}
	}
	ratio := best[true].Seconds() / best[false].Seconds()
	fmt.Printf("health triggers: %d transfers in %s with, %s without: ratio %.3f\n", n, best[true].Round(time.Millisecond),
		best[false].Round(time.Millisecond), ratio)
	b.ReportMetric(ratio, "with/without")
	printFunctionTimes(b, raw)
}

// printFunctionTimes prints where the SQL functions' time went (pg_stat_user_functions), when
// the connections track it: PGOPTIONS='-c track_functions=all' on the benchmark's command line.
func printFunctionTimes(b *testing.B, raw *sqlx.DB) {
	var on string
	if err := raw.Get(&on, `SHOW track_functions`); err != nil || on == "none" {
		return
	}
	// A backend reports its counts when idle for a while (pgstat's idle interval: 10 s at most).
	time.Sleep(11 * time.Second)
	var rows []struct {
		Name        string
		Calls       int64
		Total, Self float64
	}
	if err := raw.Select(&rows, `SELECT funcname AS name, calls, total_time AS total, self_time AS self
		FROM pg_stat_user_functions ORDER BY total_time DESC LIMIT 20`); err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		fmt.Printf("function %-32s calls %7d total %10.1f ms self %10.1f ms\n", r.Name, r.Calls, r.Total, r.Self)
	}
}

// benchMembers is how many accounts applyTransfers moves tokens between.
const benchMembers = 4000

// benchMember is the n-th of them.
func benchMember(n int) common.Address { return common.BigToAddress(big.NewInt(int64(0x10000 + n))) }

// seedBenchMembers makes the accounts of applyTransfers members of community id, a reward each.
func seedBenchMembers(b testing.TB, raw *sqlx.DB, id string) {
	wallets := make([]string, benchMembers)
	for i := range wallets {
		wallets[i] = benchMember(i).Hex()
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget) VALUES ($1, 'till', 'p' || $1, decode(repeat('00', 32), 'hex'), 1e40)`,
			[]any{id}},
		{`INSERT INTO reward_rules (community_id, activity, amount) VALUES ($1, 'purchase', 10)`, []any{id}},
		{`INSERT INTO members (community_id, wallet) SELECT $1, w FROM unnest($2::text[]) w`, []any{id, pq.Array(wallets)}},
		{`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, status, created_at)
			SELECT $1, (SELECT id FROM issuers WHERE community_id = $1), (SELECT id FROM reward_rules WHERE community_id = $1),
			       'purchase', w, 10, 'confirmed', '2025-01-01' FROM unnest($2::text[]) w`, []any{id, pq.Array(wallets)}},
	} {
		if _, err := raw.Exec(q.sql, q.args...); err != nil {
			b.Fatalf("%s: %v", q.sql, err)
		}
	}
}

// applyTransfers writes n transfers of community id from block first on, through ApplyBatch.
func applyTransfers(b testing.TB, db *postgres.DB, id string, first uint64, n int) {
	const size, perBlock, members = 10_000, 500, benchMembers
	for k := 0; k < n; k += size {
		bt := &indexer.Batch{Communities: []string{id}}
		for i := k; i < min(k+size, n); i++ {
			block := first + uint64(1+i/perBlock)
			meta := indexer.EventMeta{CommunityID: id, BlockNumber: block, BlockHash: common.BigToHash(big.NewInt(int64(block))),
				BlockTime: 1735689600 + block*12, TxHash: common.BigToHash(big.NewInt(int64(first) + int64(i) + 1<<40)),
				LogIndex: uint(2 * (i % perBlock))}
			to := benchMember(i % members)
			if i%2 == 0 {
				bt.Transfers = append(bt.Transfers, indexer.Transfer{EventMeta: meta, To: to, Value: big.NewInt(1000)})
				meta.LogIndex++
				bt.DelegateChanges = append(bt.DelegateChanges, indexer.DelegateChange{EventMeta: meta, Delegator: to, ToDelegate: to})
			} else {
				from := benchMember((i * 7) % members)
				bt.Transfers = append(bt.Transfers, indexer.Transfer{EventMeta: meta, From: from, To: to, Value: big.NewInt(1)})
			}
		}
		bt.From, bt.To = bt.Transfers[0].BlockNumber, bt.Transfers[len(bt.Transfers)-1].BlockNumber
		bt.End = indexer.BlockRef{Number: bt.To, Hash: common.BigToHash(big.NewInt(int64(bt.To))), Time: 1735689600 + bt.To*12}
		if err := postgres.NewIndexWriter(db).ApplyBatch(b.Context(), bt); err != nil {
			b.Fatal(err)
		}
	}
}
