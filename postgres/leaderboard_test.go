package postgres_test

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"
)

// leaderFixture is community "bakery" with an issuer and a rule, written to with plain SQL (the
// ledger's triggers run as for the API's writes).
type leaderFixture struct {
	url   string
	db    *postgres.DB
	raw   *sqlx.DB
	store *postgres.RewardsStore
}

func newLeaderFixture(t testing.TB) *leaderFixture {
	t.Helper()
	db, url := pgtest.NewDBURL(t)
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	ctx := context.Background()
	if err := postgres.NewCommunityStore(db).BindChain(ctx, devChain); err != nil {
		t.Fatal(err)
	}
	if err := postgres.NewCommunityStore(db).CreateCommunity(ctx, newCommunity("bakery", 1)); err != nil {
		t.Fatal(err)
	}
	f := &leaderFixture{url: url, db: db, raw: raw, store: postgres.NewRewardsStore(db)}
	f.exec(t, `INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget) VALUES ('bakery', 'till', 'p1', decode(repeat('00', 32), 'hex'), 1e40)`)
	f.exec(t, `INSERT INTO reward_rules (community_id, activity, amount) VALUES ('bakery', 'visit', 10)`)
	return f
}

func (f *leaderFixture) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := f.raw.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// reward records an accepted reward of amount to wallet n, made age ago.
func (f *leaderFixture) reward(t testing.TB, n int, amount int64, age time.Duration) {
	t.Helper()
	w := fmt.Sprintf("0x%040x", 0xa000+n)
	f.exec(t, `INSERT INTO members (community_id, wallet) VALUES ('bakery', $1) ON CONFLICT DO NOTHING`, w)
	f.exec(t, `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, created_at)
		VALUES ('bakery', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit', $1, $2, now() - $3 * interval '1 microsecond')`,
		w, amount, age.Microseconds())
}

// oracle is the leaderboard aggregated from the ledger on every read, as it was before the cache:
// ranks, wallets, earned and (when indexed) balances, one line each.
func (f *leaderFixture) oracle(t testing.TB, since time.Time, offset, limit int, indexed bool) string {
	t.Helper()
	var rows []struct {
		Wallet  string `db:"wallet"`
		Earned  string `db:"earned"`
		Balance string `db:"balance"`
		Rank    int    `db:"rank"`
	}
	err := f.raw.Select(&rows, `
		SELECT t.wallet, t.earned::text AS earned, coalesce(a.balance, 0)::text AS balance, t.rank FROM (
			SELECT wallet, sum(amount) AS earned, rank() OVER (ORDER BY sum(amount) DESC) AS rank
			FROM rewards WHERE community_id = 'bakery' AND created_at >= $1 AND status <> 'failed'
			GROUP BY wallet) t
		LEFT JOIN token_accounts a ON a.community_id = 'bakery' AND a.address = t.wallet
		ORDER BY t.rank, t.wallet OFFSET $2 LIMIT $3`, since, offset, limit)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		if !indexed {
			r.Balance = "-"
		}
		fmt.Fprintf(&b, "%d %s %s %s\n", r.Rank, r.Wallet, r.Earned, r.Balance)
	}
	return b.String()
}

// renderBoard writes a page as oracle does.
func renderBoard(p *rewards.LeaderboardPage) string {
	var b strings.Builder
	for _, e := range p.Entries {
		balance := "-"
		if e.Balance != nil {
			balance = e.Balance.String()
		}
		fmt.Fprintf(&b, "%d %s %s %s\n", e.Rank, e.Wallet, e.Earned, balance)
	}
	return b.String()
}

// index says the indexer reached block n, with these balances (wallet number: balance).
func (f *leaderFixture) index(t testing.TB, n int, balances map[int]int64) {
	t.Helper()
	f.exec(t, `INSERT INTO index_progress (community_id, block_number, block_hash, block_time) VALUES ('bakery', $1::bigint, $2, 1700000000 + $1::bigint)
		ON CONFLICT (community_id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash, block_time = excluded.block_time`,
		n, fmt.Sprintf("0x%064x", n))
	for w, v := range balances {
		a := fmt.Sprintf("0x%040x", 0xa000+w)
		f.exec(t, `INSERT INTO token_accounts (community_id, address, balance, voting_power, delegate) VALUES ('bakery', $1, $2, $2, $1)
			ON CONFLICT (community_id, address) DO UPDATE SET balance = excluded.balance`, a, v)
	}
}

// The cached leaderboard equals the ledger aggregated afresh after every kind of change (a new
// reward, a failed one, one moved out of the window, one deleted, a new block with new balances,
// time moving a window past a reward), for every period and page; and a read that finds the
// ledger unchanged aggregates nothing, however often the board is asked for.
func TestLeaderboardCacheEqualsTheLedger(t *testing.T) {
	t.Parallel()
	f := newLeaderFixture(t)
	ctx := t.Context()
	day := 24 * time.Hour
	for n := range 12 {
		f.reward(t, n, int64(10+n%4*5), time.Duration(n)*3*day) // ties, and ages 0..33 days
	}
	f.reward(t, 3, 7, 40*day)
	now := time.Now()
	indexed := false
	check := func(step string) {
		t.Helper()
		for _, since := range []time.Time{{}, now.Add(-7 * day), now.Add(-30 * day)} {
			for _, pg := range [][2]int{{0, 100}, {0, 3}, {3, 3}, {9, 5}, {50, 5}} {
				page, err := f.store.Leaderboard(ctx, "bakery", since, pg[0], pg[1])
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				if got, want := renderBoard(page), f.oracle(t, since, pg[0], pg[1], indexed); got != want {
					t.Errorf("%s, since %v, offset %d limit %d:\n got %s\nwant %s", step, since, pg[0], pg[1], got, want)
				}
				if (page.AsOf != nil) != indexed {
					t.Errorf("%s: as_of %v, indexed %v", step, page.AsOf, indexed)
				}
			}
		}
	}
	check("not indexed")
	indexed = true
	f.index(t, 10, map[int]int64{0: 5, 1: 500, 7: 70})
	check("indexed at block 10")
	page, err := f.store.Leaderboard(ctx, "bakery", time.Time{}, 0, 1)
	if err != nil || page.AsOf == nil || *page.AsOf != (guildhall.AsOf{Number: 10, Hash: fmt.Sprintf("0x%064x", 10), Time: 1700000010}) {
		t.Fatalf("as_of = %+v, %v; want block 10", page.AsOf, err)
	}

	// Asked again and again with the ledger unchanged: served from the cache.
	before := postgres.LeaderboardAggregations(f.store)
	check("unchanged")
	if n := postgres.LeaderboardAggregations(f.store) - before; n != 0 {
		t.Errorf("%d aggregations for reads of an unchanged ledger, want 0", n)
	}

	f.index(t, 11, map[int]int64{0: 900, 11: 1})
	check("a new block with new balances")
	f.reward(t, 5, 100, 0)
	check("a new reward")
	f.reward(t, 20, 1, 0)
	check("a new member")
	f.exec(t, `UPDATE rewards SET status = 'failed' WHERE id = (SELECT max(id) FROM rewards WHERE wallet = $1)`, fmt.Sprintf("0x%040x", 0xa000+5))
	check("a failed reward")
	f.exec(t, `UPDATE rewards SET status = 'submitted' WHERE status = 'pending' AND id % 2 = 0`)
	check("status changes the ranking does not see")
	f.exec(t, `UPDATE rewards SET created_at = created_at - interval '8 days' WHERE wallet = $1`, fmt.Sprintf("0x%040x", 0xa000+1))
	check("a reward moved out of the week")
	f.exec(t, `DELETE FROM rewards WHERE wallet = $1`, fmt.Sprintf("0x%040x", 0xa000+20))
	check("a reward deleted")
	// Time moves the week's window past its oldest reward, the ledger unchanged.
	var oldest time.Time
	if err := f.raw.Get(&oldest, `SELECT min(created_at) FROM rewards WHERE created_at >= $1 AND status <> 'failed'`, now.Add(-7*day)); err != nil {
		t.Fatal(err)
	}
	now = oldest.Add(7*day + time.Microsecond)
	check("the week's window moved past a reward")
}

// BenchmarkLeaderboard reads the first page of the all-time leaderboard of a community with
// 50,000 rewards to 5,000 members: "cached" through the store (the ranking aggregated once),
// "uncached" as it was before, the whole ledger aggregated on every read. Each op is 50 reads;
// the cached reads follow the one that aggregates (not timed).
func BenchmarkLeaderboard(b *testing.B) {
	f := newLeaderFixture(b)
	f.exec(b, `INSERT INTO members (community_id, wallet) SELECT 'bakery', '0x' || lpad(to_hex(40960 + i), 40, '0') FROM generate_series(0, 4999) i`)
	f.exec(b, `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, status, created_at)
		SELECT 'bakery', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit',
		       '0x' || lpad(to_hex(40960 + i % 5000), 40, '0'), 10 + i % 7, 'confirmed', now() - i * interval '1 minute'
		FROM generate_series(0, 49999) i`)
	f.exec(b, `INSERT INTO token_accounts (community_id, address, balance, voting_power, delegate)
		SELECT 'bakery', '0x' || lpad(to_hex(40960 + i), 40, '0'), i, i, '0x' || lpad(to_hex(40960 + i), 40, '0') FROM generate_series(0, 4999) i`)
	f.index(b, 1, nil)
	f.exec(b, `ANALYZE`)
	const reads = 50
	b.Run("cached", func(b *testing.B) {
		if _, err := f.store.Leaderboard(b.Context(), "bakery", time.Time{}, 0, 20); err != nil { // the one aggregation
			b.Fatal(err)
		}
		for b.Loop() {
			for range reads {
				if _, err := f.store.Leaderboard(b.Context(), "bakery", time.Time{}, 0, 20); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*reads)/1000, "ms/read")
		b.ReportMetric(float64(postgres.LeaderboardAggregations(f.store)), "aggregations")
	})
	b.Run("uncached", func(b *testing.B) {
		for b.Loop() {
			for range reads {
				f.oracle(b, time.Time{}, 0, 20, true)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*reads)/1000, "ms/read")
	})
}

// BenchmarkLedgerVersionCost accepts the same load of rewards (16 clients, 4 issuers, one reward
// a request, 400 a round) with the ledger version triggers of migration 0012 enabled and
// disabled, alternately, and reports the ratio of the best round times: what keeping the
// leaderboard's cache key costs the reward hot path.
func BenchmarkLedgerVersionCost(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	f := newLeaderFixture(b)
	ctx := b.Context()
	rule := &rewards.Rule{CommunityID: "bakery", Activity: "purchase", Amount: big.NewInt(10)}
	if err := f.store.PutRule(ctx, rule); err != nil {
		b.Fatal(err)
	}
	issuers := make([]*rewards.Issuer, 4)
	for k := range issuers {
		issuers[k] = &rewards.Issuer{CommunityID: "bakery", Name: fmt.Sprint("till ", k), Budget: big.NewInt(1e15)}
		if err := f.store.CreateIssuer(ctx, issuers[k], rewards.NewAPIKey()); err != nil {
			b.Fatal(err)
		}
	}
	const clients, perClient = 16, 25
	best := map[bool]time.Duration{}
	for round := range 6 {
		enabled := round%2 == 0
		verb := map[bool]string{true: "ENABLE", false: "DISABLE"}[enabled]
		for _, op := range []string{"insert", "delete"} {
			f.exec(b, `ALTER TABLE rewards `+verb+` TRIGGER rewards_ledger_version_`+op)
		}
		start := time.Now()
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				for k := range perClient {
					n := (round*clients+c)*perClient + k
					_, err := f.store.Accept(ctx, rewards.AcceptInput{Issuer: issuers[c%len(issuers)], IdempotencyKey: fmt.Sprint("k", n),
						RequestHash: []byte{1}, Now: time.Now(),
						Items: []rewards.Request{{Wallet: common.BigToAddress(big.NewInt(int64(0x10000 + n))).Hex(), Activity: "purchase"}}})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if d := time.Since(start); best[enabled] == 0 || d < best[enabled] {
			best[enabled] = d
		}
	}
	ratio := best[true].Seconds() / best[false].Seconds()
	fmt.Printf("ledger version triggers: %d rewards in %s with, %s without: ratio %.3f\n", clients*perClient,
		best[true].Round(time.Millisecond), best[false].Round(time.Millisecond), ratio)
	b.ReportMetric(ratio, "with/without")
}
