package indexer_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
)

// refusingNode answers eth_getLogs like a provider with a result cap: more than limit logs is the
// common "query returned more than N results" error.
type refusingNode struct {
	indexer.Client
	limit    int
	mu       sync.Mutex // ranges are fetched concurrently
	refusals int
}

func (n *refusingNode) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	logs, err := n.Client.FilterLogs(ctx, q)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(logs) > n.limit {
		n.refusals++
		if n.refusals%2 == 0 { // Infura's form, with a suggested range
			return nil, fmt.Errorf("query returned more than %d results. Try with this block range [%#x, %#x].",
				n.limit, q.FromBlock, q.FromBlock.Uint64()+(q.ToBlock.Uint64()-q.FromBlock.Uint64())/3)
		}
		return nil, rpcLimitError{fmt.Sprintf("query returned more than %d results", n.limit)}
	}
	return logs, nil
}

type rpcLimitError struct{ msg string }

func (e rpcLimitError) Error() string  { return e.msg }
func (e rpcLimitError) ErrorCode() int { return -32005 }

func TestNodeRefusingLargeRangesIsFullyIndexed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality, InitialRange: 1000})
	seedActivity(t, h)
	for i := range 6 {
		h.mint(t, byte(10+i), []int{1, 2, 3, 4, 5, 6}, []int64{1, 2, 3, 4, 5, 6})
	}
	node := &refusingNode{Client: h.sim.Client, limit: 15}
	h.withClient(node)
	h.sync(t)
	if node.refusals == 0 {
		t.Fatal("the node never refused a range: the test proves nothing")
	}
	h.checkEqualsChain(t)
}

// crashingStore cancels the transaction of its n-th batch part way, as a kill would.
type crashingStore struct {
	indexer.Store
	n, calls int
}

func (s *crashingStore) ApplyBatch(ctx context.Context, b *indexer.Batch) error {
	s.calls++
	if s.calls == s.n {
		ctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(2*time.Millisecond, cancel)
		defer cancel()
		if err := s.Store.ApplyBatch(ctx, b); err != nil {
			return err
		}
		return fmt.Errorf("killed after the commit")
	}
	return s.Store.ApplyBatch(ctx, b)
}

func TestKillDuringBackfillLosesAndDoublesNothing(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3, 4, 6} {
		h := newHarness(t, 8, indexer.Config{FinalityDepth: finality, InitialRange: 2, MaxRange: 2})
		seedActivity(t, h)
		for i := range 4 {
			var to []common.Address
			var amounts []*big.Int
			for j := range 40 {
				to = append(to, common.BigToAddress(big.NewInt(int64(1000+j))))
				amounts = append(amounts, big.NewInt(int64(1+j)))
			}
			h.mustMine(t, h.sim.Accounts[0], h.dep.Token, token.PackMintBatch(common.Hash{byte(20 + i)}, to, amounts))
		}
		crashing := indexer.New(h.sim.Client, &crashingStore{Store: postgres.NewIndexWriter(h.db), n: n}, h.cfg)
		for i := 0; ; i++ {
			if _, err := crashing.Step(t.Context()); err != nil {
				t.Logf("kill at batch %d: %v", n, err)
				break
			}
			if i > 1000 {
				t.Fatal("never killed")
			}
		}
		// Restart.
		h.ix = indexer.New(h.sim.Client, postgres.NewIndexWriter(h.db), h.cfg)
		h.sync(t)
		h.checkEqualsChain(t)
		view, err := h.reads.CommunityIndex(t.Context(), h.community)
		if err != nil {
			t.Fatal(err)
		}
		if view.Holders != 5+160/4 {
			t.Errorf("holders %d, want %d", view.Holders, 5+40)
		}
	}
}

// rangeLimitedNode fails eth_getLogs over more than maxBlocks blocks with err.
type rangeLimitedNode struct {
	indexer.Client
	maxBlocks uint64
	err       error
	mu        sync.Mutex // ranges are fetched concurrently
	failures  int
}

func (n *rangeLimitedNode) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if q.ToBlock.Uint64()-q.FromBlock.Uint64()+1 > n.maxBlocks {
		n.mu.Lock()
		n.failures++
		n.mu.Unlock()
		return nil, n.err
	}
	return n.Client.FilterLogs(ctx, q)
}

// A node that refuses ranges above its limit is fully indexed whatever it says: the limit it names,
// or nothing recognisable (then the range halves after one retry) rather than the same range
// retried forever.
func TestNodeLimitingRangesIsFullyIndexed(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		err                      error
		minFailures, maxFailures int // refusals
		wantStepErrs             bool
	}{
		"names its limit (alchemy)": {err: errors.New("Log response size exceeded. You can make eth_getLogs requests with up to a 3 block range " +
			"and no limit on the response size, or you can request any block range with a cap of 10K logs in the response."), minFailures: 1, maxFailures: 1},
		"names its limit": {err: errors.New("Exceeded max range limit for eth_getLogs: 3"), minFailures: 1, maxFailures: 1},
		"says nothing":    {err: errors.New("upstream connect error or disconnect/reset before headers"), minFailures: 2, maxFailures: 60, wantStepErrs: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, 8, indexer.Config{FinalityDepth: finality, InitialRange: 1000})
			seedActivity(t, h)
			for range 20 {
				h.commit()
			}
			node := &rangeLimitedNode{Client: h.sim.Client, maxBlocks: 3, err: tt.err}
			h.withClient(node)
			stepErrs := 0
			for i := 0; ; i++ {
				idle, err := h.ix.Step(t.Context())
				if err != nil {
					if !strings.Contains(err.Error(), tt.err.Error()) {
						t.Fatalf("step: %v", err)
					}
					stepErrs++ // the retry the indexer's loop makes after a backoff
				}
				if idle {
					break
				}
				if i > 500 {
					t.Fatalf("not indexed after 500 steps: %d refusals", node.failures)
				}
			}
			if node.failures < tt.minFailures || node.failures > tt.maxFailures {
				t.Errorf("%d refusals, want %d..%d", node.failures, tt.minFailures, tt.maxFailures)
			}
			if (stepErrs > 0) != tt.wantStepErrs {
				t.Errorf("%d failed steps", stepErrs)
			}
			h.checkEqualsChain(t)
		})
	}
}
