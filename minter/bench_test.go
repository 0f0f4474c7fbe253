package minter_test

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/api"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/internal/benchprof"
	"github.com/guildhall/guildhall/minter"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"
)

// BenchmarkMintGas compares the gas per reward of one mintBatch of 100 with 100 mint calls, for
// new holders and for returning ones (who hold tokens and a checkpoint from an earlier block).
func BenchmarkMintGas(b *testing.B) {
	sim := chaintest.New(b, 1)
	dep := sim.Deploy(b, guildhall.DefaultGovernanceSettings())
	token := guildtoken.NewGuildToken()
	const n = 100
	wallets := func(base int) []common.Address {
		out := make([]common.Address, n)
		for k := range out {
			out[k] = common.BigToAddress(big.NewInt(int64(base + k)))
		}
		return out
	}
	amounts := slices.Repeat([]*big.Int{big.NewInt(1e18)}, n)
	batch := func(ws []common.Address, id int64) float64 {
		r := sim.MustTransact(b, sim.Accounts[0], dep.Token, token.PackMintBatch(rewards.BatchID("bench", id), ws, amounts))
		return float64(r.GasUsed) / n
	}
	single := func(ws []common.Address) float64 {
		var gas uint64
		for _, w := range ws {
			gas += sim.MustTransact(b, sim.Accounts[0], dep.Token, token.PackMint(w, big.NewInt(1e18))).GasUsed
		}
		return float64(gas) / n
	}
	sim.Advance(b, time.Second)
	batchNew, singleNew := batch(wallets(0x1000), 1), single(wallets(0x2000))
	sim.Advance(b, time.Second)
	batchRet, singleRet := batch(wallets(0x1000), 2), single(wallets(0x2000))
	b.ReportMetric(batchNew, "gas/reward-batched-new")
	b.ReportMetric(singleNew, "gas/reward-single-new")
	b.ReportMetric(batchRet, "gas/reward-batched-returning")
	b.ReportMetric(singleRet, "gas/reward-single-returning")
	b.Logf("gas per reward: new holders batched %.0f vs one tx each %.0f (%.2fx); returning batched %.0f vs %.0f (%.2fx)",
		batchNew, singleNew, batchNew/singleNew, batchRet, singleRet, batchRet/singleRet)
	for b.Loop() {
	}
}

// BenchmarkRewardsEndToEnd runs the embedded dev chain, the API, the minter, the sender and the
// indexer in one process, all started before the first request: 3,000 single rewards from 32
// concurrent clients (POST .../rewards latency, measured while the minter runs), then 20,000
// through the batch endpoint. The rate counts every one of the 23,000 rewards over the window
// from the first request (before the first reward is accepted) to the moment all are seen
// confirmed, so what is counted and what is timed are the same rewards.
func BenchmarkRewardsEndToEnd(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dev, err := chain.StartDevChain(ctx, chain.DevChainConfig{HTTPAddr: "127.0.0.1:0", BlockInterval: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer dev.Close()
	client := dev.Client()
	op := chain.DevAccounts()[0]
	dep, err := (&chain.Deployer{Client: client, Key: op.Key}).Deploy(ctx, chain.CommunitySpec{Name: "Bench", Symbol: "BNCH",
		Settings: guildhall.DefaultGovernanceSettings(), Operator: op.Address})
	if err != nil {
		b.Fatal(err)
	}
	pg, dbURL := pgtest.NewDBURL(b)
	db := newStores(pg)
	id, _ := chain.Identity(ctx, client)
	if err := db.BindChain(ctx, id); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateCommunity(ctx, &guildhall.Community{ID: "bench", Name: "Bench", Symbol: "BNCH", ChainID: id.ChainID,
		TokenAddress: dep.Token.Hex(), GovernorAddress: dep.Governor.Hex(), TimelockAddress: dep.Timelock.Hex(),
		DeploymentBlock: dep.Block, DeploymentTx: dep.TxHash.Hex(), Settings: guildhall.DefaultGovernanceSettings()}); err != nil {
		b.Fatal(err)
	}
	if err := db.PutRule(ctx, &rewards.Rule{CommunityID: "bench", Activity: "visit", Amount: big.NewInt(1e18)}); err != nil {
		b.Fatal(err)
	}
	key := rewards.NewAPIKey()
	if err := db.CreateIssuer(ctx, &rewards.Issuer{CommunityID: "bench", Name: "bench", Budget: new(big.Int).Lsh(big.NewInt(1), 200)}, key); err != nil {
		b.Fatal(err)
	}
	// As serve does at its start: the pool's connections open before the first requests.
	if err := pg.Warm(ctx, postgres.DefaultPool.MaxIdle); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(api.NewServer(api.Config{Communities: db, Rewards: db}))
	defer srv.Close()
	// Each of the 32 clients keeps its connection, as a load generator or an issuer's backend does
	// (http.DefaultClient keeps 2 idle connections per host: the others would dial anew).
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	post := func(path, idem, body string) (int, time.Duration) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/communities/bench"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key.Secret)
		req.Header.Set("Idempotency-Key", idem)
		t0 := time.Now()
		resp, err := httpClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		// Read to its end, so the connection is kept for the client's next request (closed
		// unread, it is dropped and the next request dials anew).
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		return resp.StatusCode, time.Since(t0)
	}
	// 2,000 wallets: the first 2,000 rewards go to new holders, the rest to returning ones.
	// (Derived once: deriving the dev keys per reward cost more CPU than the system measured.)
	var prefixes [10]string
	for k, a := range chain.DevAccounts() {
		prefixes[k] = crypto.PubkeyToAddress(a.Key.PublicKey).Hex()[:34]
	}
	wallet := func(k int) string { return prefixes[k%10] + fmt.Sprintf("%08x", k%2000) }

	// The whole pipeline runs from before the first reward is accepted.
	tl := newTimeline()
	// The sender's calls of the node are timed too (its ticks' receipts and the sends' fees, nonce
	// and broadcasts; they run beside the minter, so they are not in its busy time). As in serve,
	// it reads receipts from the chain's database.
	s, err := chain.NewSender(ctx, chain.SenderConfig{Client: timedClient{dev.LocalClient(), tl}, Key: op.Key, Store: db, Confirmations: 2, PollInterval: 200 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	m := minter.New(timedStore{db, tl}, timedSender{s, tl}, client, minter.Config{FinalityDepth: 2, MaxBatch: minter.DefaultMaxBatch, MaxWait: 200 * time.Millisecond, MaxInFlight: 64})
	// As serve's indexer reads the dev chain it runs: logs from the chain's database. With
	// GUILDHALL_BENCH_INDEXER_JSONRPC=1, eth_getLogs over HTTP, as it read them before.
	var ixClient indexer.Client = dev.LocalClient()
	ixConfig := indexer.Config{FinalityDepth: 2, PollInterval: 200 * time.Millisecond, TargetLogs: indexer.LocalTargetLogs}
	if os.Getenv("GUILDHALL_BENCH_INDEXER_JSONRPC") != "" {
		if ixClient, err = chain.HTTPLogs(client, dev.RPCURL()); err != nil {
			b.Fatal(err)
		}
		ixConfig.TargetLogs = 0 // serve's default for a node
	}
	ix := indexer.New(ixClient, postgres.NewIndexWriter(pg), ixConfig)
	go s.Run(ctx)
	go m.Run(ctx)
	go ix.Run(ctx)

	// Latency of single rewards under 32 concurrent clients, beside what this machine's PostgreSQL
	// does with the same clients on its own (pgbench's simple updates, a commit each), measured
	// after the rewards are confirmed: run before them, pgbench's aftermath (the checkpoint of its
	// writes, autovacuum of its tables) held the first group of requests for 140 ms.
	const singles, clients = 3000, 32
	lat := make([]time.Duration, singles)
	var wg sync.WaitGroup
	next := make(chan int)
	for range clients {
		wg.Go(func() {
			for k := range next {
				code, d := post("/rewards", fmt.Sprint("s", k), fmt.Sprintf(`{"wallet":"%s","activity":"visit"}`, wallet(k)))
				if code != 202 {
					b.Errorf("POST = %d", code)
				}
				lat[k] = d
			}
		})
	}
	tl.restart()
	stopProfile := benchprof.Phase(b, "singles")
	start := time.Now() // before the first reward is accepted: the window's start
	for k := range singles {
		next <- k
	}
	close(next)
	wg.Wait()
	singlesTook := time.Since(start)
	stopProfile()
	tl.mark("singles accepted")
	acceptRate := float64(singles) / singlesTook.Seconds()
	// The first requests meet a cold server (new connections, trigger functions compiled in each
	// new database session); the figures after them are the steady state's.
	const warmUp = 100
	warm := slices.Clone(lat[warmUp:])
	slices.Sort(warm)
	slices.Sort(lat)
	p50, p99 := lat[singles/2], lat[singles*99/100]
	warmP99 := warm[len(warm)*99/100]

	// Then the batch endpoint; everything is minted and confirmed by the pipeline already running.
	const batches = 20
	stopProfile = benchprof.Phase(b, "batches")
	batchStart := time.Now()
	var batchTimes []time.Duration
	for k := range batches {
		var items []string
		for j := range 1000 {
			items = append(items, fmt.Sprintf(`{"wallet":"%s","activity":"visit"}`, wallet(k*1000+j)))
		}
		code, d := post("/rewards:batch", fmt.Sprint("b", k), `{"items":[`+strings.Join(items, ",")+`]}`)
		if code != 202 {
			b.Fatalf("batch POST = %d", code)
		}
		batchTimes = append(batchTimes, d)
	}
	batchesTook := time.Since(batchStart)
	stopProfile()
	total := singles + batches*1000
	tl.mark("batch POSTs accepted")
	// Every reward is accepted by now: they are all confirmed when no batch is unconfirmed and no
	// reward is pending (unbatched). The batches are read first, from their small table; the
	// ledger is read only when none is in flight, as a search for a pending reward reads the whole
	// ledger when there is none (polling that way every 20ms took 15 s of the server's CPU from
	// the minter and the indexer in a run of 95 s).
	for {
		if done, err := allConfirmed(ctx, db); err != nil {
			b.Fatal(err)
		} else if done {
			break
		}
		if time.Since(start) > 10*time.Minute {
			b.Fatalf("rewards still unconfirmed after 10 minutes")
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start) // at most one poll (20ms) after the last confirmation
	tl.mark("all seen confirmed")
	rate := float64(total) / elapsed.Seconds()
	if rs, err := db.Rewards(ctx, "bench", rewards.RewardFilter{Status: rewards.StatusConfirmed, Limit: total + 1}); err != nil || len(rs) != total {
		b.Fatalf("%d rewards confirmed, want %d (%v)", len(rs), total, err)
	}
	blocks, txs, reverted, gas := chainUse(ctx, b, client, dep.Block+1)
	pgbenchTPS := pgbench(b, dbURL, clients)
	b.Logf("chain: %d blocks with mints, %d mintBatch transactions (%d reverted), %.1fM gas per such block, %.0f rewards per transaction",
		blocks, txs, reverted, float64(gas)/float64(max(blocks, 1))/1e6, float64(total)/float64(max(txs, 1)))
	b.ReportMetric(rate, "rewards/s-confirmed")
	b.ReportMetric(float64(gas)/float64(total), "gas/reward")
	b.Logf("gas per reward: %.0f (%d rewards in %d mintBatch transactions)", float64(gas)/float64(total), total, txs)
	b.ReportMetric(float64(p50.Microseconds())/1000, "ms-p50-POST")
	b.ReportMetric(float64(p99.Microseconds())/1000, "ms-p99-POST")
	b.ReportMetric(float64(warmP99.Microseconds())/1000, "ms-p99-POST-warm")
	b.ReportMetric(acceptRate, "POST/s")
	if pgbenchTPS > 0 {
		b.ReportMetric(acceptRate/pgbenchTPS, "POST/pgbench-tps")
		b.Logf("pgbench -N with %d clients on the same server: %.0f transactions/s; POST/s over pgbench: %.2f", clients, pgbenchTPS, acceptRate/pgbenchTPS)
	}
	b.Logf("end to end: %d rewards (%d single POSTs + %d through the batch endpoint), from the first request to the last confirmed in %s: %.0f rewards/s confirmed",
		total, singles, batches*1000, elapsed.Round(time.Millisecond), rate)
	b.Logf("POST .../rewards x%d with %d clients while the minter runs: p50 %s p99 %s (%.0f/s, %s); p99 after the first %d requests %s",
		singles, clients, p50, p99, acceptRate, singlesTook.Round(time.Millisecond), warmUp, warmP99)
	slices.Sort(batchTimes)
	b.Logf("POST .../rewards:batch x%d of 1,000 rewards, one at a time: %s in all (%.0f rewards/s accepted), p50 %s, slowest %s",
		batches, batchesTook.Round(time.Millisecond), float64(batches*1000)/batchesTook.Seconds(), batchTimes[batches/2].Round(time.Millisecond), batchTimes[batches-1].Round(time.Millisecond))
	b.ReportMetric(float64(batches*1000)/batchesTook.Seconds(), "batch-rewards/s-accepted")
	b.Logf("minter timeline, from the first request:%s", tl)
	for b.Loop() {
	}
}

// allConfirmed reports whether every reward of the bench community is confirmed: no batch is
// waiting for its confirmation and no reward waits for a batch.
func allConfirmed(ctx context.Context, db *stores) (bool, error) {
	batches, err := db.UnconfirmedBatches(ctx)
	if err != nil || len(batches) > 0 {
		return false, err
	}
	for _, st := range []string{rewards.StatusPending, rewards.StatusSubmitted} {
		rs, err := db.Rewards(ctx, "bench", rewards.RewardFilter{Status: st, Limit: 1})
		if err != nil || len(rs) > 0 {
			return false, err
		}
	}
	return true, nil
}

// pgbench runs pgbench's simple-update transactions (-N) with clients clients for 10 s on the
// database at url and returns their rate; 0, with a log line, when pgbench is not installed.
func pgbench(b *testing.B, url string, clients int) float64 {
	b.Helper()
	path, err := exec.LookPath("pgbench")
	if err != nil {
		b.Logf("pgbench not installed: no anchor for the accept rate")
		return 0
	}
	if out, err := exec.Command(path, "-i", "-q", "-s", "4", url).CombinedOutput(); err != nil {
		b.Fatalf("pgbench -i: %v\n%s", err, out)
	}
	out, err := exec.Command(path, "-N", "-c", fmt.Sprint(clients), "-j", "2", "-T", "10", url).CombinedOutput()
	if err != nil {
		b.Fatalf("pgbench: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		b.Fatalf("pgbench printed no rate:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	return tps
}

// chainUse counts the blocks from `from` on that hold transactions, their transactions, the
// reverted ones and the gas they used.
func chainUse(ctx context.Context, b *testing.B, client *ethclient.Client, from uint64) (blocks, txs, reverted int, gas uint64) {
	b.Helper()
	head, err := client.BlockNumber(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for n := from; n <= head; n++ {
		rs, err := client.BlockReceipts(ctx, rpc.BlockNumberOrHashWithNumber(rpc.BlockNumber(n)))
		if err != nil {
			b.Fatal(err)
		}
		if len(rs) == 0 {
			continue
		}
		blocks++
		for _, r := range rs {
			txs++
			gas += r.GasUsed
			if r.Status != types.ReceiptStatusSuccessful {
				reverted++
			}
		}
	}
	return blocks, txs, reverted, gas
}
