package chain

import (
	"context"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"
)

// MaxDeferredSends is how many deferrable sends (SendDeferred) may take nonces at once.
const MaxDeferredSends = 4

// lanes orders the callers of one Sender by urgency. A key has one nonce sequence, and a
// transaction cannot be mined before every lower nonce of its key, so whoever records an intent
// first is mined first. Urgent sends (Send: reward batches, deployments, proposals) go at once;
// deferrable ones (SendDeferred: wallets' relayed ballots and delegations) wait while an urgent
// send is under way, and at most MaxDeferredSends of them take nonces at a time, so a reward batch
// waits for a handful of relays, never for a flood of them.
type lanes struct {
	mu       sync.Mutex
	urgent   int           // urgent sends under way
	deferred int           // deferrable sends taking a nonce
	changed  chan struct{} // closed and replaced on every change
}

func newLanes() *lanes { return &lanes{changed: make(chan struct{})} }

// enterUrgent marks an urgent send under way until the returned func is called.
func (l *lanes) enterUrgent() (leave func()) {
	l.mu.Lock()
	l.urgent++
	l.mu.Unlock()
	return func() { l.update(func() { l.urgent-- }) }
}

// enterDeferred waits until no urgent send is under way and fewer than MaxDeferredSends
// deferrable ones are, or ctx ends.
func (l *lanes) enterDeferred(ctx context.Context) (leave func(), err error) {
	for {
		l.mu.Lock()
		if l.urgent == 0 && l.deferred < MaxDeferredSends {
			l.deferred++
			l.mu.Unlock()
			return func() { l.update(func() { l.deferred-- }) }, nil
		}
		wait := l.changed
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wait:
		}
	}
}

func (l *lanes) update(change func()) {
	l.mu.Lock()
	change()
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// SendDeferred is Send for a transaction that may wait: it takes its nonce only while no urgent
// Send is under way, at most MaxDeferredSends at a time (see lanes). The operator's relay of
// wallets' ballots and delegations sends through it, so reward mints go first.
func (s *Sender) SendDeferred(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gasLimit uint64) (*TxRecord, error) {
	leave, err := s.lanes.enterDeferred(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return s.send(ctx, key, to, data, value, gasLimit)
}
