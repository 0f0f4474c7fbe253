package minter_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/minter"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"
)

const depth = 2

// harness: a community on a simulated chain, its ledger with accepted rewards, and the sender,
// minter and indexer stepped by hand.
type harness struct {
	sim    *chaintest.Sim
	pg     *postgres.DB
	db     *stores
	dep    *chain.Deployment
	issuer *rewards.Issuer
	want   map[common.Address]*big.Int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	sim := chaintest.New(t, 2)
	settings := guildhall.DefaultGovernanceSettings()
	dep := sim.Deploy(t, settings)
	pg := pgtest.NewDB(t)
	db := newStores(pg)
	id, err := chain.Identity(t.Context(), sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.BindChain(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCommunity(t.Context(), &guildhall.Community{
		ID: "bakery", Name: "Corner Bakery", Symbol: "BAKE", ChainID: id.ChainID,
		TokenAddress: dep.Token.Hex(), GovernorAddress: dep.Governor.Hex(), TimelockAddress: dep.Timelock.Hex(),
		DeploymentBlock: dep.Block, DeploymentTx: dep.TxHash.Hex(), Settings: settings,
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutRule(t.Context(), &rewards.Rule{CommunityID: "bakery", Activity: "purchase", Amount: big.NewInt(1e18)}); err != nil {
		t.Fatal(err)
	}
	iss := &rewards.Issuer{CommunityID: "bakery", Name: "till", Budget: new(big.Int).Lsh(big.NewInt(1), 200)}
	if err := db.CreateIssuer(t.Context(), iss, rewards.NewAPIKey()); err != nil {
		t.Fatal(err)
	}
	return &harness{sim: sim, pg: pg, db: db, dep: dep, issuer: iss, want: map[common.Address]*big.Int{}}
}

// stores are the stores of a test database that the minter, its sender and the tests use.
type stores struct {
	*postgres.CommunityStore
	*postgres.RewardsStore
	*postgres.BatchStore
	*postgres.SenderStore
}

func newStores(db *postgres.DB) *stores {
	return &stores{postgres.NewCommunityStore(db), postgres.NewRewardsStore(db),
		postgres.NewBatchStore(db, postgres.NewMintIndex(db)), postgres.NewSenderStore(db)}
}

// reward accepts n rewards over wallets wallets, in batches of 100.
func (h *harness) reward(t *testing.T, n, wallets int) {
	t.Helper()
	h.rewardEach(t, n, func() int64 { return int64(0x5000 + rand.IntN(wallets)) })
}

// rewardWallet accepts n rewards to the one wallet w, in batches of 100.
func (h *harness) rewardWallet(t *testing.T, w int64, n int) {
	t.Helper()
	h.rewardEach(t, n, func() int64 { return w })
}

// rewardEach accepts n rewards, each to the wallet wallet returns, in batches of 100.
func (h *harness) rewardEach(t *testing.T, n int, wallet func() int64) {
	t.Helper()
	for start := 0; start < n; start += 100 {
		var items []rewards.Request
		for k := start; k < min(n, start+100); k++ {
			w := common.BigToAddress(big.NewInt(wallet()))
			amount := big.NewInt(int64(1 + rand.IntN(1000)))
			items = append(items, rewards.Request{Wallet: w.Hex(), Activity: "purchase", Amount: amount})
			if h.want[w] == nil {
				h.want[w] = new(big.Int)
			}
			h.want[w].Add(h.want[w], amount)
		}
		hash := sha256.Sum256(fmt.Appendf(nil, "%d", start))
		if _, err := h.db.Accept(t.Context(), rewards.AcceptInput{Issuer: h.issuer, IdempotencyKey: fmt.Sprintf("%d-%d", start, rand.Int()),
			RequestHash: hash[:], Items: items, Now: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
}

// pipeline is one "process": a sender, a minter and an indexer over client.
type pipeline struct {
	sender *chain.Sender
	minter *minter.Minter
	ix     *indexer.Indexer
}

func (h *harness) start(t *testing.T, client chain.Client) *pipeline {
	t.Helper()
	return h.startWith(t, client, h.db, testConfig())
}

// testConfig is the minter configuration of the tests: small batches, short backoffs.
func testConfig() minter.Config {
	return minter.Config{FinalityDepth: depth, MaxWait: time.Millisecond, MaxBatch: 50, MaxInFlight: 8,
		RetryBackoff: 20 * time.Millisecond, MaxRetryBackoff: 200 * time.Millisecond}
}

// ledger is what a pipeline writes to: the minter's and the sender's store.
type ledger interface {
	minter.Store
	chain.TxStore
}

// startWith starts a pipeline whose sender and minter use store, the minter configured by cfg.
func (h *harness) startWith(t *testing.T, client chain.Client, store ledger, cfg minter.Config) *pipeline {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := chain.NewSender(ctx, chain.SenderConfig{Client: client, Key: h.sim.Accounts[0], Store: store, Confirmations: depth, StuckAfter: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &pipeline{
		sender: s,
		minter: minter.New(store, s, client, cfg),
		ix:     indexer.New(client, postgres.NewIndexWriter(h.pg), indexer.Config{FinalityDepth: depth}),
	}
}

// step runs every part once and seals a block; errors (injected faults) are tolerated.
func (p *pipeline) step(t *testing.T, h *harness, rebroadcast bool) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, _ = p.minter.Step(ctx)
	_ = p.sender.Tick(ctx, rebroadcast)
	h.sim.Backend.Commit()
	for range 20 {
		if idle, err := p.ix.Step(ctx); idle || err != nil {
			break
		}
	}
}

func (h *harness) unconfirmed(t *testing.T) int {
	t.Helper()
	n := 0
	for _, st := range []string{"pending", "submitted"} {
		rs, err := h.db.Rewards(t.Context(), "bakery", rewards.RewardFilter{Status: st, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		n += len(rs)
	}
	return n
}

// check asserts the end state: every wallet's balance is the sum of its rewards, and every batch
// was minted exactly once.
func (h *harness) check(t *testing.T) {
	t.Helper()
	token := guildtoken.NewGuildToken()
	contract := bind.NewBoundContract(h.dep.Token, abi.ABI{}, h.sim.Client, h.sim.Client, h.sim.Client)
	for w, want := range h.want {
		out, err := contract.CallRaw(&bind.CallOpts{}, token.PackBalanceOf(w))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := token.UnpackBalanceOf(out)
		if got.Cmp(want) != 0 {
			t.Errorf("balance of %s = %s, want %s", w, got, want)
		}
	}
	logs, err := h.sim.Client.FilterLogs(t.Context(), ethereum.FilterQuery{Addresses: []common.Address{h.dep.Token},
		Topics: [][]common.Hash{{token.GetABI().Events["RewardBatchMinted"].ID}}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[common.Hash]bool{}
	for _, l := range logs {
		if seen[l.Topics[1]] {
			t.Errorf("batch %s minted twice", l.Topics[1])
		}
		seen[l.Topics[1]] = true
	}
	batches, err := h.db.UnconfirmedBatches(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if b.CommunityID == "bakery" {
			t.Errorf("batch %d unconfirmed", b.ID)
		}
	}
	t.Logf("%d wallets, %d batches minted", len(h.want), len(logs))
}

// run steps p until every reward of the bakery is confirmed, at most max steps; restart (if not
// nil) is called before every step and may return a new pipeline.
func (h *harness) run(t *testing.T, p *pipeline, max int, restart func(i int, p *pipeline) *pipeline) *pipeline {
	t.Helper()
	for i := 0; h.unconfirmed(t) > 0; i++ {
		if i > max {
			t.Fatalf("%d rewards still unconfirmed after %d steps", h.unconfirmed(t), max)
		}
		if restart != nil {
			if q := restart(i, p); q != p {
				p = q
				p.step(t, h, true) // a new process: Run's first tick rebroadcasts
				continue
			}
		}
		p.step(t, h, false)
	}
	return p
}

func TestMinterMintsEveryRewardOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.reward(t, 600, 150)
	p := h.start(t, h.sim.Client)
	for i := 0; h.unconfirmed(t) > 0; i++ {
		if i > 200 {
			t.Fatalf("%d rewards still unconfirmed after 200 blocks", h.unconfirmed(t))
		}
		p.step(t, h, false)
	}
	h.check(t)
}

// MaxInFlight bounds the batches on their way to a block, not those mined and waiting for
// finality: once the first batches are mined the minter claims and sends the next ones, before
// any is final, instead of waiting the blocks to finality.
func TestMinterClaimsWhileMinedBatchesAwaitFinality(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.reward(t, 300, 300)
	cfg := testConfig()
	cfg.MaxInFlight = 2
	p := h.startWith(t, h.sim.Client, h.db, cfg)
	sent := func() (n int) {
		bs, err := h.db.UnconfirmedBatches(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if b.TxID != 0 {
				n++
			}
		}
		return n
	}
	// Step 1 sends two batches and seals them in a block; step 2's tick sees them mined; step
	// 3's minter claims beside them. None is final yet (depth 2 blocks above theirs).
	for range 3 {
		p.step(t, h, false)
	}
	if got := h.unconfirmed(t); got != 300 {
		t.Fatalf("%d of 300 rewards unconfirmed after 3 blocks, want all (none final yet)", got)
	}
	if n := sent(); n <= cfg.MaxInFlight {
		t.Errorf("%d batches sent before any was final, want more than MaxInFlight (%d): mined batches still held claims back", n, cfg.MaxInFlight)
	}
	for i := 0; h.unconfirmed(t) > 0; i++ {
		if i > 200 {
			t.Fatalf("%d rewards still unconfirmed after 200 blocks", h.unconfirmed(t))
		}
		p.step(t, h, false)
	}
	h.check(t)
}

func TestMinterCutsBatchesToFitOneTransaction(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.reward(t, 700, 100_000) // nearly all new holders: ~101k gas each, so 300 need ~30M
	p := h.start(t, h.sim.Client)
	p.minter = minter.New(h.db, p.sender, h.sim.Client, minter.Config{FinalityDepth: depth, MaxWait: time.Millisecond, MaxBatch: 300, MaxInFlight: 8})
	for i := 0; h.unconfirmed(t) > 0; i++ {
		if i > 200 {
			t.Fatalf("%d rewards still unconfirmed after 200 blocks", h.unconfirmed(t))
		}
		p.step(t, h, false)
	}
	h.check(t)
	token := guildtoken.NewGuildToken()
	logs, err := h.sim.Client.FilterLogs(t.Context(), ethereum.FilterQuery{Addresses: []common.Address{h.dep.Token},
		Topics: [][]common.Hash{{token.GetABI().Events["RewardBatchMinted"].ID}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range logs {
		r, err := h.sim.Client.TransactionReceipt(t.Context(), l.TxHash)
		if err != nil {
			t.Fatal(err)
		}
		if r.GasUsed > chain.MaxTxGas {
			t.Errorf("mintBatch %s used %d gas, over the per-transaction cap", l.TxHash, r.GasUsed)
		}
	}
	if len(logs) < 5 {
		t.Errorf("700 new holders minted in %d transactions; want batches cut to fit (at least 5)", len(logs))
	}
}

func TestMinterSurvivesRestartsAtAnyStep(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.reward(t, 400, 80)
	// Restart (a new sender, minter and indexer over the same database) every few steps, with
	// broadcasts lost on the way: what was recorded must be finished, nothing twice.
	lossy := &faultyClient{Client: h.sim.Client, dropSend: 0.5}
	p := h.start(t, lossy)
	for i := 0; h.unconfirmed(t) > 0; i++ {
		if i > 400 {
			t.Fatalf("%d rewards still unconfirmed", h.unconfirmed(t))
		}
		if i%3 == 0 {
			p = h.start(t, lossy)
			p.step(t, h, true)
			continue
		}
		if i == 5 {
			h.reward(t, 200, 300)
		}
		p.step(t, h, false)
	}
	h.check(t)
}

func TestMinterUnderRPCFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.reward(t, 500, 120)
	faulty := &faultyClient{Client: h.sim.Client, failBefore: 0.15, failAfter: 0.1, delay: 0.05}
	p := h.start(t, h.sim.Client)
	p = &pipeline{sender: p.sender, ix: p.ix}
	s, err := chain.NewSender(t.Context(), chain.SenderConfig{Client: faulty, Key: h.sim.Accounts[0], Store: h.db, Confirmations: depth, StuckAfter: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	p.sender = s
	p.minter = minter.New(h.db, s, faulty, minter.Config{FinalityDepth: depth, MaxWait: time.Millisecond, MaxBatch: 40, MaxInFlight: 8, RetryBackoff: 20 * time.Millisecond, MaxRetryBackoff: 200 * time.Millisecond})
	p.ix = indexer.New(faulty, postgres.NewIndexWriter(h.pg), indexer.Config{FinalityDepth: depth})
	// As in production (Sender.Run), only the first tick rebroadcasts: a broadcast the proxy
	// lost is found stuck after StuckAfter and replaced with higher fees.
	for i := 0; h.unconfirmed(t) > 0; i++ {
		if i > 600 {
			t.Fatalf("%d rewards still unconfirmed", h.unconfirmed(t))
		}
		p.step(t, h, i == 0)
	}
	h.check(t)
	replaced := 0
	h.eachBatchRecord(t, func(_ string, rec *chain.TxRecord) {
		if len(rec.Attempts) > 1 {
			replaced++
		}
	})
	t.Logf("faults injected: %d; intents replaced as stuck: %d", faulty.faults(), replaced)
}

// eachBatchRecord calls fn with the sender's key and record of each of bakery's reward batches'
// first transactions, by batch id, until five ids in a row have none.
func (h *harness) eachBatchRecord(t *testing.T, fn func(key string, rec *chain.TxRecord)) {
	t.Helper()
	for id, misses := 1, 0; misses < 5; id++ {
		key := fmt.Sprintf("reward-batch/bakery/%d", id)
		rec, err := h.db.TxByKey(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		if rec == nil {
			misses++
			continue
		}
		misses = 0
		fn(key, rec)
	}
}

// faultyClient is an RPC proxy that fails a share of calls before they reach the node, fails a
// share after (the node acted, the answer is lost), and delays some.
type faultyClient struct {
	chain.Client
	failBefore, failAfter, delay, dropSend float64
	mu                                     sync.Mutex
	n                                      int
}

var errInjected = errors.New("injected RPC fault: connection reset")

func (f *faultyClient) roll(p float64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if rand.Float64() < p {
		f.n++
		return true
	}
	return false
}

func (f *faultyClient) faults() int { f.mu.Lock(); defer f.mu.Unlock(); return f.n }

func (f *faultyClient) pre() error {
	if f.roll(f.delay) {
		time.Sleep(20 * time.Millisecond)
	}
	if f.roll(f.failBefore) {
		return errInjected
	}
	return nil
}

func (f *faultyClient) post(err error) error {
	if err == nil && f.roll(f.failAfter) {
		return errInjected
	}
	return err
}

func (f *faultyClient) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if f.roll(f.dropSend) {
		return errInjected // lost before the node saw it
	}
	if err := f.pre(); err != nil {
		return err
	}
	return f.post(f.Client.SendTransaction(ctx, tx))
}

func (f *faultyClient) TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	if err := f.pre(); err != nil {
		return nil, err
	}
	r, err := f.Client.TransactionReceipt(ctx, h)
	return r, f.post(err)
}

func (f *faultyClient) EstimateGas(ctx context.Context, msg ethereum.CallMsg) (uint64, error) {
	if err := f.pre(); err != nil {
		return 0, err
	}
	g, err := f.Client.EstimateGas(ctx, msg)
	return g, f.post(err)
}

func (f *faultyClient) PendingNonceAt(ctx context.Context, a common.Address) (uint64, error) {
	if err := f.pre(); err != nil {
		return 0, err
	}
	n, err := f.Client.PendingNonceAt(ctx, a)
	return n, f.post(err)
}

func (f *faultyClient) NonceAt(ctx context.Context, a common.Address, b *big.Int) (uint64, error) {
	if err := f.pre(); err != nil {
		return 0, err
	}
	n, err := f.Client.NonceAt(ctx, a, b)
	return n, f.post(err)
}

func (f *faultyClient) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	if err := f.pre(); err != nil {
		return nil, err
	}
	h, err := f.Client.HeaderByNumber(ctx, n)
	return h, f.post(err)
}

func (f *faultyClient) BlockNumber(ctx context.Context) (uint64, error) {
	if err := f.pre(); err != nil {
		return 0, err
	}
	n, err := f.Client.BlockNumber(ctx)
	return n, f.post(err)
}

func (f *faultyClient) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if err := f.pre(); err != nil {
		return nil, err
	}
	l, err := f.Client.FilterLogs(ctx, q)
	return l, f.post(err)
}

func (f *faultyClient) CallContract(ctx context.Context, msg ethereum.CallMsg, b *big.Int) ([]byte, error) {
	if err := f.pre(); err != nil {
		return nil, err
	}
	out, err := f.Client.CallContract(ctx, msg, b)
	return out, f.post(err)
}
