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

// pricedSender counts the node's gas estimates (of whole batches and of the minter's probes:
// mintBatch calls of at most two recipients) and returns a third of the next lowProbes probes'
// answers (prices too low: a batch sent with them runs out of gas).
type pricedSender struct {
	*chain.Sender
	mu              sync.Mutex
	batches, probes int
	lowProbes       int
}

// mintBatchRecipients is how many recipients a mintBatch call's data names (selector, batch
// id, two offsets, two lengths, then an address and an amount per recipient).
func mintBatchRecipients(data []byte) int { return (len(data) - 4 - 5*32) / 64 }

func (s *pricedSender) EstimateGas(ctx context.Context, to common.Address, data []byte, value *big.Int) (uint64, error) {
	est, err := s.Sender.EstimateGas(ctx, to, data, value)
	s.mu.Lock()
	defer s.mu.Unlock()
	if mintBatchRecipients(data) > 2 {
		s.batches++
		return est, err
	}
	s.probes++
	if err == nil && s.lowProbes > 0 {
		s.lowProbes--
		est /= 3
	}
	return est, err
}

func (s *pricedSender) counts() (batches, probes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batches, s.probes
}

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

// batchLimits returns, by batch row id, the gas limit and recipients of each batch's first
// transaction.
func (h *harness) batchLimits(t *testing.T) map[int]limitOf {
	t.Helper()
	out := map[int]limitOf{}
	h.eachBatchRecord(t, func(key string, rec *chain.TxRecord) {
		var id int
		if _, err := fmt.Sscanf(key, "reward-batch/bakery/%d", &id); err != nil {
			t.Fatal(err)
		}
		out[id] = limitOf{gas: rec.GasLimit, recipients: mintBatchRecipients(rec.Data)}
	})
	return out
}

type limitOf struct {
	gas        uint64
	recipients int
}

// The minter prices batches without asking the node to execute them: from a probe (three
// estimates of mints to one or two wallets) every few batches, new wallets at the price of a new
// holder and wallets it minted to at about half. Every reward is still minted once, none
// reverting; batches of holders are priced below batches of new wallets (so they are as large).
func TestMinterPricesBatchesWithoutEstimatingThem(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	reg := prometheus.NewRegistry()
	p, ps := h.startPriced(t, reg)
	h.reward(t, 300, 40) // first mints: new holders
	h.run(t, p, 300, nil)
	firstRound := h.batchLimits(t)
	h.reward(t, 800, 40) // the same wallets again: holders now
	h.run(t, p, 300, nil)
	h.check(t)
	batches, probes := ps.counts()
	cached := counter(t, reg, "guildhall_minter_gas_cached_total", "")
	sent := counter(t, reg, "guildhall_minter_batches_sent_total", "")
	t.Logf("%.0f batches sent: %d estimated whole, %.0f priced from %d probe estimates", sent, batches, cached, probes)
	if batches != 0 || cached != sent {
		t.Errorf("%d batches estimated whole, %.0f of %.0f priced from probes; want every batch priced from probes", batches, cached, sent)
	}
	if max := 3 * (int(sent)/8 + 1); probes > max {
		t.Errorf("%d probe estimates for %.0f batches, want at most %d (three every 8 batches)", probes, sent, max)
	}
	if r := counter(t, reg, "guildhall_minter_reverted_transactions_total", ""); r != 0 {
		t.Errorf("%.0f mint transactions reverted, want none", r)
	}
	perRecipient := func(l limitOf) float64 { return float64(l.gas) / float64(l.recipients) }
	var newMin, heldMax float64
	for id, l := range h.batchLimits(t) {
		if _, first := firstRound[id]; first {
			if newMin == 0 || perRecipient(l) < newMin {
				newMin = perRecipient(l)
			}
		} else if l.recipients >= 20 {
			heldMax = max(heldMax, perRecipient(l))
		}
	}
	t.Logf("gas limit per recipient: new wallets at least %.0f, holders at most %.0f", newMin, heldMax)
	if heldMax == 0 || heldMax > 0.8*newMin {
		t.Errorf("batches of holders priced at up to %.0f gas a recipient, new wallets at %.0f; want holders well below", heldMax, newMin)
	}
}

// A wallet that a batch still on its way mints to is priced as a holder in the batches claimed
// after it (the earlier batch has the lower nonce, so it runs first), and nothing reverts.
func TestMinterPricesRecipientsOfUnminedBatchesAsHolders(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	reg := prometheus.NewRegistry()
	p, _ := h.startPriced(t, reg)
	h.rewardWallet(t, 0x6000, 50) // a holder for the probe to price holders with
	h.run(t, p, 100, nil)
	h.rewardWallet(t, 0x7000, 300) // six batches of 50 rewards to one new wallet
	ctx := t.Context()
	for range 2 { // the first step claims one batch (sizes are learned), the second the others
		if _, err := p.minter.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	limits := h.batchLimits(t)
	if len(limits) != 7 {
		t.Fatalf("%d batches sent before a block, want the holder's and 6", len(limits))
	}
	h.run(t, p, 100, nil)
	h.check(t)
	if r := counter(t, reg, "guildhall_minter_reverted_transactions_total", ""); r != 0 {
		t.Errorf("%.0f mint transactions reverted, want none", r)
	}
	first := limits[2] // batch 1 was the holder's
	for id, l := range limits {
		if id > 2 && l.gas >= first.gas {
			t.Errorf("batch %d to the wallet batch 2 mints to: gas limit %d, not below batch 2's %d (the price of a new holder)", id, l.gas, first.gas)
		}
	}
}

// Prices too low are caught: the transactions sent with them run out of gas and revert, the
// prices are dropped, each such batch is sent again with the node's estimate of the whole batch
// (once: no second revert), later batches are priced from a new probe, and every reward is
// minted exactly once.
func TestMinterCatchesAGasPriceTooLow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	reg := prometheus.NewRegistry()
	p, ps := h.startPriced(t, reg)
	ps.lowProbes = 2 // the first probe (no holder yet: two estimates) measures a third of the price
	h.reward(t, 300, 40)
	h.run(t, p, 400, nil)
	reverted := counter(t, reg, "guildhall_minter_reverted_transactions_total", "")
	batches, _ := ps.counts()
	cached := counter(t, reg, "guildhall_minter_gas_cached_total", "")
	h.reward(t, 300, 40) // after the revert: priced from a new probe, none reverting
	h.run(t, p, 400, nil)
	h.check(t)
	t.Logf("%.0f reverted, %d batches estimated whole; after: %.0f priced from probes", reverted, batches, counter(t, reg, "guildhall_minter_gas_cached_total", "")-cached)
	if reverted < 1 || batches < int(reverted) {
		t.Errorf("%.0f transactions reverted, %d batches estimated whole; want the batches priced too low to revert and be estimated whole", reverted, batches)
	}
	if again := counter(t, reg, "guildhall_minter_reverted_transactions_total", "") - reverted; again != 0 {
		t.Errorf("%.0f transactions reverted after the first reverts, want none", again)
	}
	if counter(t, reg, "guildhall_minter_gas_cached_total", "") == cached {
		t.Errorf("no batch priced from a probe after the revert; want prices probed again")
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
