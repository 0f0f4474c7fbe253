package indexer

import (
	"context"
	"fmt"
	"time"
)

// DefaultDeferIndexesAbove is Config.DeferIndexesAbove's default: below about this many events
// the backfill takes seconds either way.
const DefaultDeferIndexesAbove = 200_000

// deferral is what the indexer knows of the store's deferred indexes.
type deferral int

const (
	deferralUnknown  deferral = iota // not asked yet
	deferralNone                     // built; deferring may still pay
	deferralActive                   // deferred: built again before the first batch that is not final
	deferralDeclined                 // the store declined (too many rows already): not asked again
)

// planIndexes runs before a batch of from..to holding events is applied, with finalTop the
// highest final block: it restores deferred indexes before a batch that reaches a block a reorg
// may still replace (from there on the index serves reads at the head), and defers them before a
// final batch when the events its density promises up to finalTop reach cfg.DeferIndexesAbove.
func (ix *Indexer) planIndexes(ctx context.Context, from, to, finalTop uint64, events int) error {
	if err := ix.learnDeferral(ctx); err != nil {
		return err
	}
	switch {
	case ix.deferral == deferralActive && to > finalTop:
		return ix.restoreIndexes(ctx, to)
	case ix.deferral == deferralNone && to < finalTop && ix.cfg.DeferIndexesAbove > 0:
		expected := int64(float64(events) / float64(to-from+1) * float64(finalTop-to))
		if expected < ix.cfg.DeferIndexesAbove {
			return nil
		}
		on, err := ix.store.DeferIndexes(ctx, expected)
		if err != nil {
			return err
		}
		if !on {
			ix.deferral = deferralDeclined
			return nil
		}
		ix.deferral = deferralActive
		ix.log.Info("backfill defers its per-account indexes: they are built once at its end; health and recognition reads answer 503 meanwhile",
			"block", from, "final_block", finalTop, "events_expected", expected)
	}
	return nil
}

// restoreAtHead restores deferred indexes once the cursor reached the head at block.
func (ix *Indexer) restoreAtHead(ctx context.Context, block uint64) error {
	if err := ix.learnDeferral(ctx); err != nil || ix.deferral != deferralActive {
		return err
	}
	return ix.restoreIndexes(ctx, block)
}

// learnDeferral asks the store, once, whether indexes are deferred (an earlier process may have).
func (ix *Indexer) learnDeferral(ctx context.Context) error {
	if ix.deferral != deferralUnknown {
		return nil
	}
	on, err := ix.store.IndexesDeferred(ctx)
	if err != nil {
		return err
	}
	ix.deferral = deferralNone
	if on {
		ix.deferral = deferralActive
	}
	return nil
}

// restoreIndexes builds the deferred indexes (at the head, or before the batch ending at block).
func (ix *Indexer) restoreIndexes(ctx context.Context, block uint64) error {
	began := time.Now()
	n, err := ix.store.RestoreIndexes(ctx)
	if err != nil {
		return fmt.Errorf("build the indexes the backfill deferred: %w", err)
	}
	ix.deferral = deferralNone
	ix.log.Info("backfill built its deferred indexes", "indexes", n, "block", block, "took", time.Since(began).Round(time.Millisecond))
	return nil
}
