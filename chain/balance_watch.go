package chain

import (
	"context"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"
)

// BalanceWatch follows one account's ETH balance (the operator's: it pays every mint, relay and
// deployment) by sampling it, and keeps the samples of the last day, so it can tell what the
// account spent in that day and whether its balance covers another such day.
type BalanceWatch struct {
	Client interface {
		BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
	}
	Account common.Address
	Now     func() time.Time // nil: time.Now

	mu      sync.Mutex
	samples []balanceSample // oldest first: the last day's, and the one before them
}

type balanceSample struct {
	at  time.Time
	wei *big.Int
}

func (w *BalanceWatch) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Sample reads the balance at the head and keeps it.
func (w *BalanceWatch) Sample(ctx context.Context) error {
	wei, err := w.Client.BalanceAt(ctx, w.Account, nil)
	if err != nil {
		return fmt.Errorf("read the balance of %s: %w", w.Account.Hex(), err)
	}
	now := w.now()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.samples = append(w.samples, balanceSample{at: now, wei: wei})
	// Keep one sample from before the day, the start the day's first fall is measured from.
	drop := 0
	for drop+1 < len(w.samples) && now.Sub(w.samples[drop+1].at) >= 24*time.Hour {
		drop++
	}
	w.samples = w.samples[drop:]
	return nil
}

// Balance is the last balance sampled; ok is false before the first sample.
func (w *BalanceWatch) Balance() (wei *big.Int, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.samples) == 0 {
		return nil, false
	}
	return w.samples[len(w.samples)-1].wei, true
}

// Spend is what the account spent over the samples of the last day: every fall of the balance
// from one sample to the next (a top-up does not undo spending), and how long those samples
// span (less than a day after a start).
func (w *BalanceWatch) Spend() (wei *big.Int, over time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	wei = new(big.Int)
	for i := 1; i < len(w.samples); i++ {
		if fall := new(big.Int).Sub(w.samples[i-1].wei, w.samples[i].wei); fall.Sign() > 0 {
			wei.Add(wei, fall)
		}
	}
	if len(w.samples) > 1 {
		over = w.samples[len(w.samples)-1].at.Sub(w.samples[0].at)
	}
	return wei, over
}

// Warning says, when the last balance is less than the last day's spend, that the account may run
// dry within a day; "" otherwise.
func (w *BalanceWatch) Warning() string {
	bal, ok := w.Balance()
	spent, over := w.Spend()
	if !ok || spent.Sign() == 0 || bal.Cmp(spent) >= 0 {
		return ""
	}
	return fmt.Sprintf("the operator %s holds %s ETH, less than the %s ETH it spent in the last %s: fund it, or mints and relays stop within a day",
		w.Account.Hex(), ether(bal), ether(spent), over.Round(time.Minute))
}

// Run samples every interval until ctx ends; errors are logged and the next sample tried.
func (w *BalanceWatch) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := w.Sample(ctx); err != nil && ctx.Err() == nil && log != nil {
			log.Warn("sampling the operator's balance failed; will retry", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ether renders wei as ETH with up to 6 decimals.
func ether(wei *big.Int) string {
	f := new(big.Float).Quo(new(big.Float).SetInt(wei), big.NewFloat(params.Ether))
	return f.Text('f', 6)
}
