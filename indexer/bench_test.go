package indexer_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math/big"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/internal/benchprof"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// BenchmarkBackfill generates GUILDHALL_BENCH_TRANSFERS (default 200,000) Transfer events on the
// embedded dev chain (on disk, as serve runs it; mintBatch in big batches, several transactions per block), then measures in
// one run (a) the raw ceiling: the backfill's own ranges of logs fetched through the same client
// (by default read in the process, as serve reads the dev chain it runs) and decoded, nothing
// written, and the same ranges over JSON-RPC for comparison, and (b) a full backfill into
// PostgreSQL with derived state. It prints events/s of each, the ratio of (b) to (a) and the peak
// heap. The ceilings fetch the backfill's own ranges (its batches) two at a time. Run it with
// `make bench`.
func BenchmarkBackfill(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	want := 200_000
	if s := os.Getenv("GUILDHALL_BENCH_TRANSFERS"); s != "" {
		want, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	dev, err := chain.StartDevChain(ctx, chain.DevChainConfig{DataDir: b.TempDir(), HTTPAddr: "127.0.0.1:0", BlockInterval: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer dev.Close()
	key := chain.DevAccounts()[0].Key
	dep, err := (&chain.Deployer{Client: dev.Client(), Key: key}).Deploy(ctx, chain.CommunitySpec{
		Name: "Bench", Symbol: "BENCH", Settings: guildhall.DefaultGovernanceSettings(), Operator: crypto.PubkeyToAddress(key.PublicKey),
	})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	generated := generateTransfers(b, dev, dep.Token, want)
	b.Logf("generated %d Transfer events in %s", generated, time.Since(start).Round(time.Second))

	rpc, err := ethclient.Dial(dev.RPCURL())
	if err != nil {
		b.Fatal(err)
	}
	defer rpc.Close()
	id, err := chain.Identity(ctx, rpc)
	if err != nil {
		b.Fatal(err)
	}
	community := &guildhall.Community{ID: "bench", Name: "Bench", Symbol: "BENCH", ChainID: id.ChainID,
		TokenAddress: dep.Token.Hex(), GovernorAddress: dep.Governor.Hex(), TimelockAddress: dep.Timelock.Hex(),
		DeploymentBlock: dep.Block, DeploymentTx: dep.TxHash.Hex(), Settings: guildhall.DefaultGovernanceSettings()}
	db, url := benchDBURL(b, id, community, true)

	// Logs read in the process, as serve's indexer reads the dev chain it runs (LocalClient). Set
	// GUILDHALL_BENCH_JSONRPC=1 for eth_getLogs straight over HTTP with the compact parser (as serve
	// reads an external node), GUILDHALL_BENCH_GETH_CLIENT for go-ethereum's client.
	overHTTP, err := chain.HTTPLogs(rpc, dev.RPCURL())
	if err != nil {
		b.Fatal(err)
	}
	// The batch size serve uses for each: LocalTargetLogs in the process, rpcTargetLogs over
	// JSON-RPC.
	var client indexer.Client = dev.LocalClient()
	target := indexer.LocalTargetLogs
	switch {
	case os.Getenv("GUILDHALL_BENCH_GETH_CLIENT") != "":
		client, target = rpc, rpcTargetLogs
	case os.Getenv("GUILDHALL_BENCH_JSONRPC") != "":
		client, target = overHTTP, rpcTargetLogs
	}

	// (b) the full backfill, recording its ranges.
	rec := &recordingStore{Store: postgres.NewIndexWriter(db)}
	ix := indexer.New(client, rec, indexer.Config{FinalityDepth: 2, InitialRange: 4, MaxRange: 10_000, TargetLogs: target})
	peak := watchHeap()
	stopProfile := benchprof.Phase(b, "backfill")
	b.ResetTimer()
	backfillTime := runBackfill(b, ix)
	stopProfile()
	backfillPeak, backfillLive := peak()
	counts, events := indexedEvents(b, db)

	// (a) the raw ceiling over the same ranges.
	targets, err := postgres.NewIndexWriter(db).IndexTargets(ctx)
	if err != nil {
		b.Fatal(err)
	}
	peak = watchHeap()
	stopProfile = benchprof.Phase(b, "raw")
	start = time.Now()
	scanned, err := indexer.Scan(ctx, client, targets, rec.ranges, 2)
	if err != nil {
		b.Fatal(err)
	}
	rawTime := time.Since(start)
	stopProfile()
	rawPeak, rawLive := peak()
	// The same ranges over JSON-RPC, for comparison: what the node's eth_getLogs serves.
	start = time.Now()
	httpScanned, err := indexer.Scan(ctx, overHTTP, targets, rec.ranges, 2)
	if err != nil {
		b.Fatal(err)
	}
	httpTime := time.Since(start)
	b.StopTimer()
	// (c) the store's ceiling for the same event rows.
	stored, storeTime := storeCeiling(b, url, counts)
	storeRate := float64(stored) / storeTime.Seconds()

	rawRate := float64(scanned) / rawTime.Seconds()
	rate := float64(events) / backfillTime.Seconds()
	fmt.Printf("\nindexer benchmark: %d Transfer events generated, %d events in total (%v) over %d eth_getLogs ranges\n",
		counts["token_transfers"], events, counts, len(rec.ranges))
	fmt.Printf("  raw ceiling (getLogs + decode, no writes): %8.0f events/s  (%d events in %s, peak heap above baseline %d MiB in use, %d MiB live)\n",
		rawRate, scanned, rawTime.Round(time.Millisecond), rawPeak>>20, rawLive>>20)
	fmt.Printf("  the same over JSON-RPC (eth_getLogs):      %8.0f events/s  (%d events in %s)\n",
		float64(httpScanned)/httpTime.Seconds(), httpScanned, httpTime.Round(time.Millisecond))
	fmt.Printf("  backfill into PostgreSQL + derived state:  %8.0f events/s  (%d events in %s, peak heap above baseline %d MiB in use, %d MiB live)\n",
		rate, events, backfillTime.Round(time.Millisecond), backfillPeak>>20, backfillLive>>20)
	fmt.Printf("  of which writing batches (ApplyBatch): %s, building the indexes deferred after block %d of %d: %s; the rest is waiting for the node and decoding\n",
		rec.writing.Round(time.Millisecond), rec.deferredAt, rec.ranges[len(rec.ranges)-1].To, rec.building.Round(time.Millisecond))
	fmt.Printf("  the store's ceiling (those rows alone, COPY into tables with their primary keys only): %8.0f events/s  (%d events in %s)\n",
		storeRate, stored, storeTime.Round(time.Millisecond))
	fmt.Printf("  backfill / raw ceiling: %.2f; backfill / store's ceiling: %.2f; store's ceiling / raw ceiling: %.2f\n\n",
		rate/rawRate, rate/storeRate, storeRate/rawRate)
	b.ReportMetric(float64(httpScanned)/httpTime.Seconds(), "jsonrpc_raw_events/s")
	b.ReportMetric(rate, "backfill_events/s")
	b.ReportMetric(rawRate, "raw_events/s")
	b.ReportMetric(rate/rawRate, "ratio")
	b.ReportMetric(storeRate, "store_events/s")
	b.ReportMetric(rate/storeRate, "store_ratio")
	b.ReportMetric(float64(backfillPeak>>20), "peak_heap_MiB")
	b.ReportMetric(float64(backfillLive>>20), "peak_live_heap_MiB")
	if counts["token_transfers"] < int64(want) {
		b.Errorf("indexed %d transfers, generated %d", counts["token_transfers"], generated)
	}
	if pairs, _ := strconv.Atoi(os.Getenv("GUILDHALL_BENCH_ACTIVITY_PAIRS")); pairs > 0 {
		compareActivityTable(b, benchClient{client, target}, id, community, pairs)
	}
	if pairs, _ := strconv.Atoi(os.Getenv("GUILDHALL_BENCH_DEFER_PAIRS")); pairs > 0 {
		compareDeferral(b, benchClient{client, target}, id, community, pairs)
	}
	if pairs, _ := strconv.Atoi(os.Getenv("GUILDHALL_BENCH_CLIENT_PAIRS")); pairs > 0 {
		compareClients(b, map[string]benchClient{"in-process": {dev.LocalClient(), indexer.LocalTargetLogs}, "JSON-RPC": {overHTTP, rpcTargetLogs}}, id, community, pairs)
	}
}

// indexedEvents returns db's indexed events by table and in all.
func indexedEvents(b *testing.B, db *postgres.DB) (map[string]int64, int64) {
	counts, err := postgres.NewIndexReader(db).EventCounts(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	var events int64
	for _, n := range counts {
		events += n
	}
	return counts, events
}

// rpcTargetLogs is the batch size of a backfill over JSON-RPC here, as this benchmark has always
// measured it (serve asks a node for 10,000).
const rpcTargetLogs = 20_000

// benchClient is a client with the batch size it is read with.
type benchClient struct {
	indexer.Client
	targetLogs int
}

// compareClients runs the same whole backfill into fresh databases through each client in turn
// (pairs rounds) and prints each client's rounds and best rate, side by side in one run.
func compareClients(b *testing.B, clients map[string]benchClient, id guildhall.ChainIdentity, c *guildhall.Community, pairs int) {
	names := slices.Sorted(maps.Keys(clients))
	best := map[string]float64{}
	for range pairs {
		for _, name := range names {
			db := benchDB(b, id, c, true)
			ix := indexer.New(clients[name].Client, postgres.NewIndexWriter(db), indexer.Config{FinalityDepth: 2, InitialRange: 4, MaxRange: 10_000, TargetLogs: clients[name].targetLogs})
			d := runBackfill(b, ix)
			_, events := indexedEvents(b, db)
			rate := float64(events) / d.Seconds()
			fmt.Printf("  backfill through the %s client: %8.0f events/s (%d events in %s)\n", name, rate, events, d.Round(time.Millisecond))
			best[name] = max(best[name], rate)
		}
	}
	for _, name := range names {
		fmt.Printf("  best through the %s client: %.0f events/s\n", name, best[name])
	}
	fmt.Printf("  %s / %s: %.2f\n\n", names[1], names[0], best[names[1]]/best[names[0]])
}

// compareActivityTable runs the same whole backfill (fetching, decoding, writing) into fresh
// databases, with the activity triggers on and off alternately (pairs of each), and prints the
// ratio of the best times: what keeping member_activity_days and its rollups costs the indexer.
func compareActivityTable(b *testing.B, client benchClient, id guildhall.ChainIdentity, c *guildhall.Community, pairs int) {
	best := map[bool]time.Duration{}
	for i := range 2 * pairs {
		on := i%2 == 0
		db := benchDB(b, id, c, on)
		ix := indexer.New(client.Client, postgres.NewIndexWriter(db), indexer.Config{FinalityDepth: 2, InitialRange: 4, MaxRange: 10_000, TargetLogs: client.targetLogs})
		d := runBackfill(b, ix)
		fmt.Printf("  backfill with the activity triggers %s: %s\n", map[bool]string{true: "on", false: "off"}[on], d.Round(time.Millisecond))
		if best[on] == 0 || d < best[on] {
			best[on] = d
		}
	}
	ratio := best[true].Seconds() / best[false].Seconds()
	fmt.Printf("  activity table: best backfill %s with, %s without: ratio %.3f\n\n", best[true].Round(time.Millisecond),
		best[false].Round(time.Millisecond), ratio)
	b.ReportMetric(ratio, "activity_with/without")
}

// compareDeferral runs the same whole backfill into fresh databases with the per-account indexes
// deferred (the default) and built row by row (DeferIndexesAbove < 0) alternately, pairs of each,
// and prints each run and the ratio of the mean rates: what deferring them gains at this length.
func compareDeferral(b *testing.B, client benchClient, id guildhall.ChainIdentity, c *guildhall.Community, pairs int) {
	sum := map[bool]float64{}
	for i := range 2 * pairs {
		deferring := i%2 == 0
		cfg := indexer.Config{FinalityDepth: 2, InitialRange: 4, MaxRange: 10_000, TargetLogs: client.targetLogs}
		if !deferring {
			cfg.DeferIndexesAbove = -1
		}
		db := benchDB(b, id, c, true)
		rec := &recordingStore{Store: postgres.NewIndexWriter(db)}
		d := runBackfill(b, indexer.New(client.Client, rec, cfg))
		_, events := indexedEvents(b, db)
		rate := float64(events) / d.Seconds()
		sum[deferring] += rate
		fmt.Printf("  backfill with the indexes %s: %8.0f events/s (%d events in %s; ApplyBatch %s, building the deferred indexes %s)\n",
			map[bool]string{true: "deferred", false: "built row by row"}[deferring], rate, events, d.Round(time.Millisecond),
			rec.writing.Round(time.Millisecond), rec.building.Round(time.Millisecond))
	}
	ratio := sum[true] / sum[false]
	fmt.Printf("  deferred / row by row, mean rates: %.3f\n\n", ratio)
	b.ReportMetric(ratio, "deferred/row_by_row")
}

// activityTriggers are the triggers that keep member_activity_days from the indexed events.
var activityTriggers = [][2]string{
	{"token_transfers", "token_transfers_health_insert"}, {"token_transfers", "token_transfers_health_delete"},
	{"token_transfers", "token_transfers_health_unmade_automatic"},
	{"token_delegate_changes", "token_delegate_changes_health_insert"}, {"token_delegate_changes", "token_delegate_changes_health_delete"},
	{"votes", "votes_health_insert"}, {"votes", "votes_health_delete"},
	{"proposals", "proposals_health_insert"}, {"proposals", "proposals_health_delete"},
}

// benchDB is a fresh database bound to the chain holding community c, with the activity
// triggers on or off.
func benchDB(b *testing.B, id guildhall.ChainIdentity, c *guildhall.Community, activity bool) *postgres.DB {
	db, _ := benchDBURL(b, id, c, activity)
	return db
}

// benchDBURL is benchDB with the database's URL.
func benchDBURL(b *testing.B, id guildhall.ChainIdentity, c *guildhall.Community, activity bool) (*postgres.DB, string) {
	ctx := b.Context()
	db, url := pgtest.NewDBURL(b)
	if err := postgres.NewCommunityStore(db).BindChain(ctx, id); err != nil {
		b.Fatal(err)
	}
	if err := postgres.NewCommunityStore(db).CreateCommunity(ctx, c); err != nil {
		b.Fatal(err)
	}
	if activity {
		return db, url
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	for _, t := range activityTriggers {
		if _, err := raw.ExecContext(ctx, `ALTER TABLE `+t[0]+` DISABLE TRIGGER `+t[1]); err != nil {
			b.Fatal(err)
		}
	}
	return db, url
}

// runBackfill steps ix until it is idle and returns how long that took.
func runBackfill(b *testing.B, ix *indexer.Indexer) time.Duration {
	start := time.Now()
	for {
		idle, err := ix.Step(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		if idle {
			return time.Since(start)
		}
	}
}

// recordingStore records the range of every batch written that moved the cursor, and the time
// spent writing batches.
type recordingStore struct {
	indexer.Store
	ranges  []indexer.Range
	writing time.Duration
	// deferredAt is the cursor when the backfill last deferred its indexes (0: never), deferrals
	// how many times the store agreed to, building how long building them again took.
	deferredAt uint64
	deferrals  int
	building   time.Duration
	// rewinds counts the rewinds, rewindsDeferred those asked with the indexes deferred.
	rewinds, rewindsDeferred int
}

func (s *recordingStore) Rewind(ctx context.Context, ancestor indexer.BlockRef) error {
	deferred, err := s.Store.IndexesDeferred(ctx)
	if err != nil {
		return err
	}
	s.rewinds++
	if deferred {
		s.rewindsDeferred++
	}
	return s.Store.Rewind(ctx, ancestor)
}

func (s *recordingStore) DeferIndexes(ctx context.Context, expected int64) (bool, error) {
	on, err := s.Store.DeferIndexes(ctx, expected)
	if on {
		s.deferrals++
		if len(s.ranges) > 0 {
			s.deferredAt = s.ranges[len(s.ranges)-1].To
		}
	}
	return on, err
}

func (s *recordingStore) RestoreIndexes(ctx context.Context) (int, error) {
	start := time.Now()
	n, err := s.Store.RestoreIndexes(ctx)
	s.building += time.Since(start)
	return n, err
}

func (s *recordingStore) ApplyBatch(ctx context.Context, b *indexer.Batch) error {
	start := time.Now()
	err := s.Store.ApplyBatch(ctx, b)
	s.writing += time.Since(start)
	if os.Getenv("GUILDHALL_BENCH_DEBUG") != "" {
		fmt.Printf("  batch %d..%d: %d transfers, %d vote changes, %d delegations in %s\n", b.From, b.To, len(b.Transfers),
			len(b.DelegateVotes), len(b.DelegateChanges), time.Since(start).Round(time.Millisecond))
	}
	if err == nil && b.Advance && b.To > b.From {
		s.ranges = append(s.ranges, indexer.Range{From: b.From, To: b.To})
	}
	return err
}

// watchHeap samples the heap until the returned function reports its peaks above the heap at the
// start (after a GC). The dev chain runs in this process, so the baseline (its caches) is left out:
// what remains is the indexer's working set and the node's transient eth_getLogs memory. inUse is
// the heap in use, garbage included (so it also reflects how far the GC lets the heap grow past
// the node's large baseline); live is the heap the GC found reachable, the working set proper.
func watchHeap() func() (inUse, live uint64) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	baseLive := sample[0].Value.Uint64()
	var peak, peakLive atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peakLive.Load() {
				peakLive.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() (uint64, uint64) {
		close(stop)
		wg.Wait()
		return peak.Load() - min(peak.Load(), base.HeapInuse), peakLive.Load() - min(peakLive.Load(), baseLive)
	}
}

// generateTransfers mints to a few thousand members with mintBatch, many mints per transaction and
// several transactions per block, sent with explicit nonces. Each mint is one Transfer (and one
// DelegateVotesChanged; a member's first also a DelegateChanged).
func generateTransfers(b *testing.B, dev *chain.DevChain, token common.Address, want int) int {
	b.Helper()
	ctx := context.Background()
	c := dev.Client()
	k := chain.DevAccounts()[0].Key
	from := crypto.PubkeyToAddress(k.PublicKey)
	chainID, err := c.ChainID(ctx)
	if err != nil {
		b.Fatal(err)
	}
	const members = 4000
	const perTx = 250
	sentSoFar := 0
	batch := func(n, seq int) []byte {
		to := make([]common.Address, n)
		amounts := make([]*big.Int, n)
		for i := range to {
			to[i] = common.BigToAddress(big.NewInt(int64(0x10000 + (sentSoFar+i)%members)))
			amounts[i] = big.NewInt(int64(1e15 + i))
		}
		var id common.Hash
		copy(id[:], fmt.Sprintf("bench-%d", seq))
		return guildtoken.NewGuildToken().PackMintBatch(id, to, amounts)
	}
	nonce, err := c.PendingNonceAt(ctx, from)
	if err != nil {
		b.Fatal(err)
	}
	tip := big.NewInt(1e9)
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(4)), tip)
	signer := types.LatestSignerForChainID(chainID)
	var pending []common.Hash
	sent := 0
	for seq := 0; sent < want; seq++ {
		// A member's first mint also delegates (about 5x the gas): the first round goes in small
		// transactions.
		n := min(perTx, want-sent)
		if sent < members {
			n = min(100, want-sent)
		}
		tx := types.MustSignNewTx(k, signer, &types.DynamicFeeTx{ChainID: chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap,
			Gas: 16_000_000, To: &token, Data: batch(n, seq)})
		if err := c.SendTransaction(ctx, tx); err != nil {
			b.Fatalf("send mint %d: %v", seq, err)
		}
		nonce++
		sent += n
		sentSoFar = sent
		pending = append(pending, tx.Hash())
		if len(pending) >= 12 {
			for _, h := range pending[:6] {
				r, err := chain.WaitSuccess(ctx, c, h)
				if err != nil {
					b.Fatal(err)
				}
				if os.Getenv("GUILDHALL_BENCH_DEBUG") != "" {
					b.Logf("gas used %d", r.GasUsed)
				}
			}
			pending = pending[6:]
		}
	}
	for _, h := range pending {
		if _, err := chain.WaitSuccess(ctx, c, h); err != nil {
			b.Fatal(err)
		}
	}
	return sent
}
