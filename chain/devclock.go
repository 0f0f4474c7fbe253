package chain

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/miner"

	"github.com/guildhall/guildhall"
)

// The dev chain keeps its own clock. Normally it is the wall clock: every block is sealed at the
// time it is sealed. A new chain may instead start in the past (DevChainConfig.StartAt) and stay
// there until it is moved on: blocks are then sealed at the chain's clock, so history can be laid
// down with real block times (the governor's clock, the health figures' days), until CatchUp
// hands the chain back to the wall clock. The clock only ever moves forward.

// clockReq is a request to the sealing loop to move the chain's clock: to at (sealing a block
// there), or back onto the wall clock when at is zero.
type clockReq struct {
	at   time.Time
	done chan error
}

// Behind reports whether the chain's clock is behind the wall clock (a chain started at StartAt
// that has not caught up yet).
func (d *DevChain) Behind() bool {
	d.clockMu.Lock()
	defer d.clockMu.Unlock()
	return !d.clock.IsZero()
}

// Now returns the chain's clock: the time the next block is sealed at (at least its head's time
// plus a second), the wall clock once the chain has caught up.
func (d *DevChain) Now() time.Time {
	d.clockMu.Lock()
	defer d.clockMu.Unlock()
	if d.clock.IsZero() {
		return time.Now()
	}
	return d.clock
}

// AdvanceTo moves a chain that is behind the wall clock on to t and seals a block at t with what
// the pool holds, so calls against the latest block see time t (a proposal's vote start passed, a
// timelock's delay over). t must lie after the chain's clock and before the wall clock: the chain
// never goes back, and never runs ahead of the time its users live in.
func (d *DevChain) AdvanceTo(ctx context.Context, t time.Time) error {
	t = t.Truncate(time.Second)
	if !d.Behind() {
		return guildhall.Errorf(guildhall.ECONFLICT, "the dev chain runs on the wall clock; only a chain started in the past can be moved on")
	}
	if now := d.Now(); !t.After(now) || !t.Before(time.Now()) {
		return guildhall.Errorf(guildhall.EINVALID, "cannot move the dev chain's clock from %s to %s: it moves forward only, and not past the wall clock",
			now.UTC().Format(time.RFC3339), t.UTC().Format(time.RFC3339))
	}
	return d.moveClock(ctx, t)
}

// CatchUp puts a chain that started in the past back on the wall clock: its next block is sealed
// at the time it is sealed. A chain on the wall clock is left as it is.
func (d *DevChain) CatchUp(ctx context.Context) error {
	if !d.Behind() {
		return nil
	}
	return d.moveClock(ctx, time.Time{})
}

// moveClock hands the request to the sealing loop, which alone seals, and waits for its answer.
func (d *DevChain) moveClock(ctx context.Context, at time.Time) error {
	req := clockReq{at: at, done: make(chan error, 1)}
	select {
	case d.clockReqs <- req:
	case <-d.quit:
		return guildhall.Errorf(guildhall.EUNAVAILABLE, "the dev chain is stopped")
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// applyClock runs a clock request in the sealing loop: a new time seals a block at it, zero
// returns the chain to the wall clock.
func (d *DevChain) applyClock(req clockReq) {
	d.clockMu.Lock()
	d.clock = req.at
	d.clockMu.Unlock()
	var err error
	if !req.at.IsZero() {
		err = d.seal()
	}
	req.done <- err
}

// seal seals the next block with what the pool holds: at the wall clock through the beacon, or
// at the chain's clock while it is behind.
func (d *DevChain) seal() error {
	d.clockMu.Lock()
	at := d.clock
	d.clockMu.Unlock()
	if at.IsZero() {
		d.beacon.Commit()
		return nil
	}
	return d.sealAt(uint64(at.Unix()))
}

// sealAt builds the next block at timestamp ts (at least the head's plus one) from the pool and
// makes it the head, as the beacon does for the wall clock. The beacon picks the chain up from
// whatever head it finds when it seals next.
func (d *DevChain) sealAt(ts uint64) error {
	chain := d.eth.BlockChain()
	head := chain.CurrentBlock()
	if ts <= head.Time {
		ts = head.Time + 1
	}
	if err := d.eth.TxPool().Sync(); err != nil {
		return fmt.Errorf("seal dev block: sync pool: %w", err)
	}
	var random common.Hash
	_, _ = rand.Read(random[:])
	block, _, err := d.eth.Miner().BuildTestingPayload(&miner.BuildPayloadArgs{
		Parent: head.Hash(), Timestamp: ts, Random: random,
		Withdrawals: types.Withdrawals{}, BeaconRoot: &common.Hash{},
	}, nil, false, nil)
	if err != nil {
		return fmt.Errorf("seal dev block at %d: %w", ts, err)
	}
	if _, err := chain.InsertBlockWithoutSetHead(context.Background(), block, false); err != nil {
		return fmt.Errorf("seal dev block at %d: %w", ts, err)
	}
	if _, err := chain.SetCanonical(block); err != nil {
		return fmt.Errorf("seal dev block at %d: %w", ts, err)
	}
	return nil
}
