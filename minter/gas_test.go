package minter_test

import (
	"context"
	"fmt"
	"math/big"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/minter"
)

// pricedSender counts the node's gas estimates and, while low is set, returns a third of the
// next one (an estimate too low for the batch: its transaction runs out of gas).
type pricedSender struct {
	*chain.Sender
	mu        sync.Mutex
	estimates int
	low       bool
}

func (s *pricedSender) EstimateGas(ctx context.Context, to common.Address, data []byte, value *big.Int) (uint64, error) {
	est, err := s.Sender.EstimateGas(ctx, to, data, value)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.estimates++
	if err == nil && s.low {
		s.low = false
		est /= 3
	}
	return est, err
}

func (s *pricedSender) count() int { s.mu.Lock(); defer s.mu.Unlock(); return s.estimates }

// startPriced starts a pipeline whose minter sends through a pricedSender and counts into reg.
func (h *harness) startPriced(t *testing.T, reg *prometheus.Registry) (*pipeline, *pricedSender) {
	t.Helper()
	p := h.start(t, h.sim.Client)
	ps := &pricedSender{Sender: p.sender}
	cfg := testConfig()
	cfg.Metrics = minter.NewMetrics(reg)
	p.minter = minter.New(h.db, ps, h.sim.Client, cfg)
	return p, ps
}

// Once the minter saw a mint to every recipient of a batch succeed, it prices the batch from the
// node's last estimate of such a batch instead of asking the node to execute it again (asking
// anew every few batches), and every reward is still minted once, none reverting.
func TestMinterPricesBatchesOfHoldersWithoutAnEstimate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	reg := prometheus.NewRegistry()
	p, ps := h.startPriced(t, reg)
	h.reward(t, 300, 40) // first mints: new holders, each batch estimated
	h.run(t, p, 300, nil)
	first := ps.count()
	h.reward(t, 800, 40) // the same wallets again: holders now
	h.run(t, p, 300, nil)
	h.check(t)
	estimates, cached := ps.count()-first, counter(t, reg, "guildhall_minter_gas_cached_total", "")
	sent := counter(t, reg, "guildhall_minter_batches_sent_total", "")
	t.Logf("first round: %d estimates; second: %d estimates, %.0f batches priced from the cache, %.0f sent in all", first, estimates, cached, sent)
	if cached == 0 || float64(estimates) > cached/2 {
		t.Errorf("second round: %d estimates and %.0f batches priced from the cache; want most batches of holders priced without an estimate", estimates, cached)
	}
	if r := counter(t, reg, "guildhall_minter_reverted_transactions_total", ""); r != 0 {
		t.Errorf("%.0f mint transactions reverted, want none", r)
	}
}

// A cached price that is too low is caught: the transactions sent with it run out of gas and
// revert, the price is dropped, each such batch is sent again with the node's estimate (once:
// no second revert) and every reward is minted exactly once.
func TestMinterCatchesACachedGasPriceTooLow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	reg := prometheus.NewRegistry()
	p, ps := h.startPriced(t, reg)
	h.reward(t, 300, 40)
	h.run(t, p, 300, nil)
	ps.mu.Lock()
	ps.low = true // the next estimate, of a batch of holders, seeds the cache with a third of the gas
	ps.mu.Unlock()
	h.reward(t, 800, 40)
	h.run(t, p, 400, nil)
	h.check(t)
	reverted := counter(t, reg, "guildhall_minter_reverted_transactions_total", "")
	if reverted < 2 || counter(t, reg, "guildhall_minter_gas_cached_total", "") == 0 {
		t.Errorf("%.0f transactions reverted; want the estimate's batch and one priced from the cache after it", reverted)
	}
	retries := 0
	h.eachBatchRecord(t, func(key string, _ *chain.TxRecord) {
		for n, want := range []bool{true, false} {
			again, err := h.db.TxByKey(t.Context(), fmt.Sprintf("%s/retry-%d", key, n+1))
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 && again != nil {
				retries++
			}
			if !want && again != nil {
				t.Errorf("%s reverted again after the node priced it", key)
			}
		}
	})
	if float64(retries) != reverted {
		t.Errorf("%d batches sent again, %.0f reverted", retries, reverted)
	}
}
