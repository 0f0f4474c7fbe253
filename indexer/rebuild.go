package indexer

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
)

// Live is the live index a rebuild is swapped into (package postgres's Reindex implements it).
type Live interface {
	// LiveCursor returns the live index's cursor, nil before its first batch.
	LiveCursor(ctx context.Context) (*BlockRef, error)
	// Swap runs one transaction that holds the live cursor, so the live indexer waits, and calls
	// ready with it. When ready says the rebuilt index is at that cursor, Swap replaces the live
	// rows with the rebuilt ones in the same transaction and returns true; otherwise it changes
	// nothing and returns false.
	Swap(ctx context.Context, ready func(ctx context.Context, cursor BlockRef) (bool, error)) (bool, error)
}

// maxSwapFailures is how many swaps in a row may fail before Rebuild gives up.
const maxSwapFailures = 5

// Rebuild indexes a community from its deployment into shadow (a Store holding that community
// alone, empty or partly built by an earlier Rebuild) with the indexer's own code, never past the
// live index's cursor, then has live swap it in. The live indexer keeps running meanwhile: the
// shadow follows its cursor, and the final blocks up to it are indexed while the swap holds the
// cursor (a few blocks at most, since the shadow caught up just before). Reorgs are the shadow's
// own business, as they are the live index's. It returns once the swap committed, or with the
// error that stopped it (ErrDeepReorg, ctx's, or a swap that kept failing).
func Rebuild(ctx context.Context, client Client, shadow Store, live Live, cfg Config) error {
	capped := &cappedClient{Client: client}
	ix := New(capped, shadow, cfg)
	defer ix.dropAhead()
	failures := 0
	for {
		target, err := live.LiveCursor(ctx)
		if err != nil {
			return err
		}
		if target == nil {
			return errors.New("the live index has not started: run serve (or wait for its indexer) first")
		}
		if err := ix.syncTo(ctx, capped, target.Number, true); err != nil {
			return err
		}
		ix.log.Info("the rebuilt index reached the live cursor; swapping", "block", target.Number)
		var at BlockRef
		swapped, err := live.Swap(ctx, func(ctx context.Context, cursor BlockRef) (bool, error) {
			at = cursor
			if cursor.Number != target.Number {
				ix.log.Info("the live index moved on; indexing the last blocks while it waits", "from", target.Number, "to", cursor.Number)
				if err := ix.syncTo(ctx, capped, cursor.Number, false); err != nil {
					return false, err
				}
			}
			return ix.at(ctx, cursor)
		})
		switch {
		case swapped:
			ix.log.Info("swapped the rebuilt index in; the live indexer goes on from it", "block", at.Number, "hash", at.Hash)
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrDeepReorg):
			return err
		case err != nil:
			if failures++; failures >= maxSwapFailures {
				return fmt.Errorf("swap failed %d times in a row: %w", failures, err)
			}
			ix.log.Warn("swap failed; trying again", "err", err)
		default:
			ix.log.Info("the live index is not at the rebuilt block yet (a reorg, or a community still catching up); trying again",
				"live_cursor", target.Number)
		}
		if !sleep(ctx, ix.cfg.PollInterval) {
			return ctx.Err()
		}
	}
}

// syncTo steps the indexer until its cursor is at block n (or the head, when the chain is
// shorter). With retry, a failed step is logged and tried again after a backoff, as Run does;
// without it (while a swap holds the live cursor), it is returned.
func (ix *Indexer) syncTo(ctx context.Context, c *cappedClient, n uint64, retry bool) error {
	c.ceiling.Store(n)
	backoff := time.Second
	for {
		idle, err := ix.Step(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err == nil && idle:
			return nil
		case err == nil:
			continue
		case !retry, errors.Is(err, ErrDeepReorg):
			return err
		}
		ix.log.Warn("rebuild step failed; retrying", "err", err, "in", backoff)
		if !sleep(ctx, backoff) {
			return ctx.Err()
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// at reports whether the indexer's cursor is ref.
func (ix *Indexer) at(ctx context.Context, ref BlockRef) (bool, error) {
	cur, err := ix.store.IndexCursor(ctx)
	if err != nil {
		return false, err
	}
	return cur != nil && cur.Number == ref.Number && cur.Hash == ref.Hash, nil
}

// cappedClient is a client whose head is never above ceiling: the chain as far as the live index
// has gone.
type cappedClient struct {
	Client
	ceiling atomic.Uint64
}

func (c *cappedClient) HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error) {
	head, err := c.Client.HeaderByNumber(ctx, number)
	if err != nil || number != nil {
		return head, err
	}
	if n := c.ceiling.Load(); head.Number.Uint64() > n {
		return c.Client.HeaderByNumber(ctx, new(big.Int).SetUint64(n))
	}
	return head, nil
}
