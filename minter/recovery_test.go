package minter_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/minter"
	"github.com/guildhall/guildhall/rewards"
)

var errCrash = errors.New("injected crash")

// crashStore is the ledger of a process that dies at one write: at the nth call of method, right
// before it (before) or right after it committed (the caller gets an error, as when the process
// dies before it learns the outcome). Once crashed, every write fails (the process is gone);
// with transient set, only that one call fails and the process goes on.
type crashStore struct {
	*stores
	method    string
	before    bool
	nth       int
	transient bool

	mu      sync.Mutex
	calls   int
	crashed bool
}

func (c *crashStore) isCrashed() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.crashed }

func (c *crashStore) write(method string, fn func() error) error {
	c.mu.Lock()
	if c.crashed && !c.transient {
		c.mu.Unlock()
		return errCrash
	}
	crash := false
	if method == c.method && !c.crashed {
		if c.calls++; c.calls == c.nth {
			crash, c.crashed = true, true
		}
	}
	c.mu.Unlock()
	if crash && c.before {
		return errCrash
	}
	if err := fn(); err != nil {
		return err
	}
	if crash {
		return errCrash
	}
	return nil
}

func (c *crashStore) ClaimBatches(ctx context.Context, cid string, size, n int, wait time.Duration) (bs []*rewards.Batch, rs []*rewards.Reward, err error) {
	err = c.write("ClaimBatches", func() (err error) { bs, rs, err = c.stores.ClaimBatches(ctx, cid, size, n, wait); return err })
	return bs, rs, err
}

func (c *crashStore) ShrinkBatch(ctx context.Context, id int64, keep int) (b *rewards.Batch, err error) {
	err = c.write("ShrinkBatch", func() (err error) { b, err = c.stores.ShrinkBatch(ctx, id, keep); return err })
	return b, err
}

func (c *crashStore) MarkBatchesSent(ctx context.Context, sent map[int64]int64) error {
	return c.write("MarkBatchesSent", func() error { return c.stores.MarkBatchesSent(ctx, sent) })
}

func (c *crashStore) SetBatchTxHashes(ctx context.Context, ids []int64, hs []string, blocks []uint64) error {
	return c.write("SetBatchTxHashes", func() error { return c.stores.SetBatchTxHashes(ctx, ids, hs, blocks) })
}

func (c *crashStore) ConfirmBatchesFromIndex(ctx context.Context, bs []*rewards.Batch, ms [][]rewards.Mint, d uint64) (hashes map[int64]string, err error) {
	err = c.write("ConfirmBatchesFromIndex", func() (err error) { hashes, err = c.stores.ConfirmBatchesFromIndex(ctx, bs, ms, d); return err })
	return hashes, err
}

func (c *crashStore) RecordTx(ctx context.Context, rec *chain.TxRecord, minNonce uint64, sign func(uint64) (chain.TxAttempt, error)) (out *chain.TxRecord, err error) {
	err = c.write("RecordTx", func() (err error) { out, err = c.stores.RecordTx(ctx, rec, minNonce, sign); return err })
	return out, err
}

// RecordTxs records many intents at once: a write of the same kind as RecordTx, counted with it.
func (c *crashStore) RecordTxs(ctx context.Context, chainID uint64, from common.Address, keys []string, minNonce uint64,
	build func(uint64) ([]*chain.TxRecord, error)) (out []*chain.TxRecord, err error) {
	err = c.write("RecordTx", func() (err error) {
		out, err = c.stores.RecordTxs(ctx, chainID, from, keys, minNonce, build)
		return err
	})
	return out, err
}

func (c *crashStore) AddAttempt(ctx context.Context, id int64, a chain.TxAttempt) error {
	return c.write("AddAttempt", func() error { return c.stores.AddAttempt(ctx, id, a) })
}

func (c *crashStore) Renonce(ctx context.Context, id int64, minNonce uint64, sign func(uint64) (chain.TxAttempt, error)) error {
	return c.write("Renonce", func() error { return c.stores.Renonce(ctx, id, minNonce, sign) })
}

func (c *crashStore) SetTxState(ctx context.Context, id int64, state string, mined common.Hash, block uint64, bh common.Hash, ok bool) error {
	return c.write("SetTxState", func() error { return c.stores.SetTxState(ctx, id, state, mined, block, bh, ok) })
}

func batchKey(b *rewards.Batch, attempt int) string {
	if attempt == 0 {
		return fmt.Sprintf("reward-batch/%s/%d", b.CommunityID, b.ID)
	}
	return fmt.Sprintf("reward-batch/%s/%d/retry-%d", b.CommunityID, b.ID, attempt)
}

// unlinked counts the unconfirmed batches whose first transaction the sender recorded while the
// batch is not linked to it (still open, or naming another transaction).
func (h *harness) unlinked(t *testing.T) int {
	t.Helper()
	batches, err := h.db.UnconfirmedBatches(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range batches {
		rec, err := h.db.TxByKey(t.Context(), batchKey(b, 0))
		if err != nil {
			t.Fatal(err)
		}
		if rec != nil && (b.State != rewards.BatchSent || b.TxID != rec.ID) {
			n++
		}
	}
	return n
}

// A process that dies at any write of the minter or the sender, restarted over the same
// database (or, transient, going on after the failed write), mints every reward exactly once: the
// on-chain balances equal the sums of the rewards and no batch id is minted twice. A transaction
// recorded before the crash and not linked to its batch is linked by the restarted minter's first
// step (and, recorded but never broadcast, sent by the restarted sender's first tick).
func TestMinterRecoversFromACrashAtEveryWrite(t *testing.T) {
	t.Parallel()
	type crashCase struct {
		method    string
		before    bool
		nth       int
		transient bool
		unlinked  bool // the crash leaves a recorded transaction its batch does not name
		cut       bool // new holders only: batches are cut (ShrinkBatch)
	}
	cases := map[string]crashCase{
		"after ClaimBatches": {method: "ClaimBatches", nth: 2},
		"after ShrinkBatch":  {method: "ShrinkBatch", nth: 1, cut: true},
		"after RecordTx, before broadcast and MarkBatchesSent": {method: "RecordTx", nth: 1, unlinked: true}, // a step's batches are recorded together
		"before MarkBatchesSent, after broadcast":              {method: "MarkBatchesSent", before: true, nth: 1, unlinked: true},
		"after MarkBatchesSent":                                {method: "MarkBatchesSent", nth: 1},
		"after SetTxState":                                     {method: "SetTxState", nth: 3},
		"after ConfirmBatchesFromIndex":                        {method: "ConfirmBatchesFromIndex", nth: 1},
		"transient: after ClaimBatches":                        {method: "ClaimBatches", nth: 2, transient: true},
		"transient: after ShrinkBatch":                         {method: "ShrinkBatch", nth: 1, cut: true, transient: true},
		"transient: after RecordTx":                            {method: "RecordTx", nth: 1, transient: true, unlinked: true},
		"transient: before MarkBatchesSent":                    {method: "MarkBatchesSent", before: true, nth: 1, transient: true, unlinked: true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			cfg := testConfig()
			if c.cut {
				h.reward(t, 700, 100_000)
				cfg.MaxBatch = 300
			} else {
				h.reward(t, 300, 80)
			}
			cs := &crashStore{stores: h.db, method: c.method, before: c.before, nth: c.nth, transient: c.transient}
			p := h.startWith(t, h.sim.Client, cs, cfg)
			for i := 0; !cs.isCrashed(); i++ {
				if i > 100 {
					t.Fatalf("%s was not called %d times in 100 steps", c.method, c.nth)
				}
				p.step(t, h, i == 0)
			}
			if c.unlinked && h.unlinked(t) == 0 {
				t.Fatal("the crash left no recorded transaction unlinked from its batch: the case tests nothing")
			}
			if !c.transient {
				p = h.startWith(t, h.sim.Client, h.db, cfg) // the restart
				if _, err := p.minter.Step(t.Context()); err != nil {
					t.Fatal(err)
				}
				if n := h.unlinked(t); n != 0 {
					t.Errorf("after the restarted minter's first step %d batches are not linked to their recorded transaction", n)
				}
				p.step(t, h, true) // the restarted sender's first tick rebroadcasts
			}
			h.run(t, p, 400, nil)
			h.check(t)
			h.checkConfirmed(t)
		})
	}
}

// checkConfirmed asserts that every wallet's balance is the sum of its confirmed rewards.
func (h *harness) checkConfirmed(t *testing.T) {
	t.Helper()
	rs, err := h.db.Rewards(t.Context(), "bakery", rewards.RewardFilter{Status: rewards.StatusConfirmed, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	want := map[common.Address]*big.Int{}
	for w := range h.want {
		want[w] = new(big.Int)
	}
	for _, r := range rs {
		w := common.HexToAddress(r.Wallet)
		if want[w] == nil {
			want[w] = new(big.Int)
		}
		want[w].Add(want[w], r.Amount)
	}
	token := guildtoken.NewGuildToken()
	for w, amount := range want {
		got, err := token.UnpackBalanceOf(h.sim.Call(t, h.dep.Token, token.PackBalanceOf(w)))
		if err != nil {
			t.Fatal(err)
		}
		if got.Cmp(amount) != 0 {
			t.Errorf("balance of %s = %s, its confirmed rewards sum to %s", w, got, amount)
		}
	}
}

// gasCutSender sends with a quarter of the gas the minter asks for when cut says so for the
// intent's key: the transaction runs out of gas and reverts on chain, its estimate having passed.
type gasCutSender struct {
	*chain.Sender
	cut func(key string) bool
}

func (s *gasCutSender) Send(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gas uint64) (*chain.TxRecord, error) {
	if s.cut(key) {
		gas /= 4
	}
	return s.Sender.Send(ctx, key, to, data, value, gas)
}

func (s *gasCutSender) SendCalls(ctx context.Context, calls []chain.Call) ([]*chain.TxRecord, error) {
	for k := range calls {
		if s.cut(calls[k].Key) {
			calls[k].GasLimit /= 4
		}
	}
	return s.Sender.SendCalls(ctx, calls)
}

// A batch whose mined transaction reverted without minting it is sent again as its next attempt
// (after a backoff), across restarts too, and minted once.
func TestMinterResendsABatchWhoseTransactionReverted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.reward(t, 300, 80)
	var mu sync.Mutex
	var cutKeys []string
	cut := func(key string) bool { // the first attempt of the first three batches
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(key, "/retry-") || len(cutKeys) == 3 {
			return false
		}
		cutKeys = append(cutKeys, key)
		return true
	}
	start := func() *pipeline {
		p := h.start(t, h.sim.Client)
		p.minter = minter.New(h.db, &gasCutSender{Sender: p.sender, cut: cut}, h.sim.Client, testConfig())
		return p
	}
	h.run(t, start(), 400, func(i int, p *pipeline) *pipeline {
		if i > 0 && i%7 == 0 {
			return start()
		}
		return p
	})
	h.check(t)
	if len(cutKeys) != 3 {
		t.Fatalf("%d first attempts sent with too little gas, want 3", len(cutKeys))
	}
	for _, key := range cutKeys {
		first, err := h.db.TxByKey(t.Context(), key)
		if err != nil || first == nil {
			t.Fatalf("%s: %v %v", key, first, err)
		}
		if first.State != chain.TxFinal || first.Succeeded {
			t.Errorf("%s is %s, succeeded %v: want final and reverted", key, first.State, first.Succeeded)
		}
		retry, err := h.db.TxByKey(t.Context(), key+"/retry-1")
		if err != nil || retry == nil {
			t.Fatalf("%s was not sent again: %v", key, err)
		}
		if retry.State != chain.TxFinal || !retry.Succeeded {
			t.Errorf("%s/retry-1 is %s, succeeded %v: want final and succeeded", key, retry.State, retry.Succeeded)
		}
	}
}

// A batch whose transactions keep reverting is sent at most MaxReverts times and then parked:
// its rewards stay submitted (never failed, never minted) while every other batch is minted.
func TestMinterBoundsResendsOfARevertingBatch(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.reward(t, 300, 80)
	var mu sync.Mutex
	var doomed string // the key prefix of the first batch
	cut := func(key string) bool {
		mu.Lock()
		defer mu.Unlock()
		if doomed == "" {
			doomed = key
		}
		return key == doomed || strings.HasPrefix(key, doomed+"/")
	}
	p := h.start(t, h.sim.Client)
	cfg := testConfig()
	cfg.MaxReverts = 3
	p.minter = minter.New(h.db, &gasCutSender{Sender: p.sender, cut: cut}, h.sim.Client, cfg)
	for i := 0; ; i++ {
		if i > 400 {
			t.Fatal("the other batches were not confirmed")
		}
		p.step(t, h, false)
		if i > 30 && h.unconfirmed(t) <= 50 {
			break
		}
	}
	for range 40 { // the doomed batch has time to be resent, were it to be
		p.step(t, h, false)
	}
	for n := range 4 {
		key := doomed
		if n > 0 {
			key = fmt.Sprintf("%s/retry-%d", doomed, n)
		}
		rec, err := h.db.TxByKey(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case n < 3 && (rec == nil || rec.State != chain.TxFinal || rec.Succeeded):
			t.Errorf("%s: %+v, want a final reverted transaction", key, rec)
		case n == 3 && rec != nil:
			t.Errorf("%s was sent: more than MaxReverts (3) transactions for one batch", key)
		}
	}
	batches, err := h.db.UnconfirmedBatches(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 1 || !strings.HasSuffix(doomed, fmt.Sprintf("/%d", batches[0].ID)) {
		t.Fatalf("unconfirmed batches %v, want only the doomed one (%s)", batches, doomed)
	}
	rs, err := h.db.BatchRewards(t.Context(), batches[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Status != rewards.StatusSubmitted {
			t.Errorf("reward %d of the parked batch is %s, want submitted", r.ID, r.Status)
		}
	}
	if h.unconfirmed(t) != len(rs) {
		t.Errorf("%d rewards unconfirmed, want only the parked batch's %d", h.unconfirmed(t), len(rs))
	}
	h.checkConfirmed(t)
}

// A batch the token already minted (as by a process whose record of it was lost) is not sent
// again: gas estimation says BatchAlreadyMinted, and the indexed event confirms the batch.
func TestMinterConfirmsABatchAlreadyMinted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.reward(t, 200, 60)
	b, err := h.db.ClaimBatch(t.Context(), "bakery", 40, 0)
	if err != nil || b == nil {
		t.Fatalf("claim: %v %v", b, err)
	}
	rs, err := h.db.BatchRewards(t.Context(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	var to []common.Address
	var amounts []*big.Int
	for _, m := range rewards.Coalesce(rs) {
		to, amounts = append(to, m.Wallet), append(amounts, m.Amount)
	}
	h.sim.MustTransact(t, h.sim.Accounts[0], h.dep.Token, guildtoken.NewGuildToken().PackMintBatch(b.BatchID, to, amounts))
	h.run(t, h.start(t, h.sim.Client), 300, nil)
	h.check(t)
	if rec, err := h.db.TxByKey(t.Context(), batchKey(b, 0)); err != nil || rec != nil {
		t.Errorf("the minter sent the already minted batch again: %v %v", rec, err)
	}
}
