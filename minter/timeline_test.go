package minter_test

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/minter"
	"github.com/guildhall/guildhall/rewards"
)

// timeline records where the minter's time goes in a benchmark: the time spent in each call it
// makes of its store and its sender (the minter is one goroutine: the sum is its busy time), and
// when each kind of call first and last happened, relative to the benchmark's start.
type timeline struct {
	mu          sync.Mutex
	start       time.Time
	spent       map[string]time.Duration
	calls       map[string]int
	first, last map[string]time.Duration
}

func newTimeline() *timeline {
	return &timeline{start: time.Now(), spent: map[string]time.Duration{}, calls: map[string]int{},
		first: map[string]time.Duration{}, last: map[string]time.Duration{}}
}

// done records a call of kind that started at t0.
func (t *timeline) done(kind string, t0 time.Time) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.spent[kind] += now.Sub(t0)
	t.calls[kind]++
	at := now.Sub(t.start)
	if _, ok := t.first[kind]; !ok {
		t.first[kind] = at
	}
	t.last[kind] = at
}

// restart forgets what was recorded and counts from now on.
func (t *timeline) restart() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.start = time.Now()
	clear(t.spent)
	clear(t.calls)
	clear(t.first)
	clear(t.last)
}

// count adds n to the count of kind, with no time spent.
func (t *timeline) count(kind string, n int) {
	for range n {
		t.mark(kind)
	}
}

// mark records that event happened now (no time spent).
func (t *timeline) mark(event string) { t.done(event, time.Now()) }

// String lists each kind of call: how many, the time in them, and the first and last, by first.
func (t *timeline) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	kinds := slices.SortedFunc(func(yield func(string) bool) {
		for k := range t.calls {
			if !yield(k) {
				return
			}
		}
	}, func(a, b string) int { return int(t.first[a] - t.first[b]) })
	var s strings.Builder
	var busy time.Duration
	for _, k := range kinds {
		if !strings.HasPrefix(k, nodeCall) { // the sender's, partly beside the minter
			busy += t.spent[k]
		}
		fmt.Fprintf(&s, "\n  %-22s %5d calls %8s in all (%6s each), first at %7s, last at %7s", k, t.calls[k],
			t.spent[k].Round(time.Millisecond), (t.spent[k] / time.Duration(t.calls[k])).Round(100*time.Microsecond),
			t.first[k].Round(time.Millisecond), t.last[k].Round(time.Millisecond))
	}
	fmt.Fprintf(&s, "\n  minter calls %s in all", busy.Round(time.Millisecond))
	return s.String()
}

// timedStore is the minter's store, timed.
type timedStore struct {
	minter.Store
	t *timeline
}

func (s timedStore) ClaimBatches(ctx context.Context, c string, size, n int, wait time.Duration) ([]*rewards.Batch, []*rewards.Reward, error) {
	t0 := time.Now()
	bs, rs, err := s.Store.ClaimBatches(ctx, c, size, n, wait)
	if len(bs) > 0 {
		s.t.done("claim batches", t0)
		s.t.count("batches claimed", len(bs))
	} else {
		s.t.done("claim batches (none)", t0)
	}
	return bs, rs, err
}

func (s timedStore) BatchRewards(ctx context.Context, id int64) ([]*rewards.Reward, error) {
	defer s.t.done("read batch rewards", time.Now())
	return s.Store.BatchRewards(ctx, id)
}

func (s timedStore) ShrinkBatch(ctx context.Context, id int64, keep int) (*rewards.Batch, error) {
	defer s.t.done("shrink batch", time.Now())
	return s.Store.ShrinkBatch(ctx, id, keep)
}

func (s timedStore) MarkBatchesSent(ctx context.Context, sent map[int64]int64) error {
	defer s.t.done("mark batches sent", time.Now())
	return s.Store.MarkBatchesSent(ctx, sent)
}

func (s timedStore) SetBatchTxHashes(ctx context.Context, ids []int64, hs []string, blocks []uint64) error {
	defer s.t.done("record mined hashes", time.Now())
	return s.Store.SetBatchTxHashes(ctx, ids, hs, blocks)
}

func (s timedStore) Communities(ctx context.Context, after string, limit int) ([]*guildhall.Community, error) {
	defer s.t.done("list communities", time.Now())
	return s.Store.Communities(ctx, after, limit)
}

func (s timedStore) ConfirmBatchesFromIndex(ctx context.Context, bs []*rewards.Batch, ms [][]rewards.Mint, d uint64) (map[int64]string, error) {
	t0 := time.Now()
	hashes, err := s.Store.ConfirmBatchesFromIndex(ctx, bs, ms, d)
	if len(hashes) > 0 {
		s.t.done("confirm batches", t0)
		s.t.count("batches confirmed", len(hashes))
	} else {
		s.t.done("confirm batches (none yet)", t0)
	}
	return hashes, err
}

// timedSender is the minter's sender, timed.
type timedSender struct {
	minter.Sender
	t *timeline
}

func (s timedSender) EstimateGas(ctx context.Context, to common.Address, data []byte, value *big.Int) (uint64, error) {
	defer s.t.done("estimate gas", time.Now())
	return s.Sender.EstimateGas(ctx, to, data, value)
}

func (s timedSender) Send(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gas uint64) (*chain.TxRecord, error) {
	defer s.t.done("sign, record, send", time.Now())
	return s.Sender.Send(ctx, key, to, data, value, gas)
}

func (s timedSender) SendCalls(ctx context.Context, calls []chain.Call) ([]*chain.TxRecord, error) {
	defer s.t.done("sign, record, send many", time.Now())
	return s.Sender.SendCalls(ctx, calls)
}

func (s timedSender) Tx(ctx context.Context, key string) (*chain.TxRecord, error) {
	defer s.t.done("read intent", time.Now())
	return s.Sender.Tx(ctx, key)
}

func (s timedSender) TxStatuses(ctx context.Context, ids []int64) (map[int64]chain.TxStatus, error) {
	defer s.t.done("read intent states", time.Now())
	return s.Sender.TxStatuses(ctx, ids)
}

// nodeCall prefixes the kinds of the sender's calls of the node.
const nodeCall = "  node: "

// timedClient is the sender's chain client, with the calls a send makes timed.
type timedClient struct {
	chain.Client
	t *timeline
}

func (c timedClient) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	defer c.t.done(nodeCall+"send transaction", time.Now())
	return c.Client.SendTransaction(ctx, tx)
}

func (c timedClient) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	defer c.t.done(nodeCall+"header", time.Now())
	return c.Client.HeaderByNumber(ctx, n)
}

func (c timedClient) SuggestGasTipCap(ctx context.Context) (*big.Int, error) {
	defer c.t.done(nodeCall+"suggest tip", time.Now())
	return c.Client.SuggestGasTipCap(ctx)
}

func (c timedClient) PendingNonceAt(ctx context.Context, a common.Address) (uint64, error) {
	defer c.t.done(nodeCall+"pending nonce", time.Now())
	return c.Client.PendingNonceAt(ctx, a)
}

func (c timedClient) TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	defer c.t.done(nodeCall+"receipt", time.Now())
	return c.Client.TransactionReceipt(ctx, h)
}
