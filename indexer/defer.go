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
	deferralActive                   // deferred: built again before the batch reaching the head or a rewind
	deferralDeclined                 // the store declined (too many rows already): not asked again
)

// planIndexes runs before a batch of from..to holding events is applied, with headNum the head
// the batch was read against: it restores deferred indexes before a batch that reaches the head
// (from there on the index serves reads at the head), and defers them before a batch below it when
// the events its density promises up to the head reach cfg.DeferIndexesAbove. Deferred indexes are
// also built before a rewind (rewindWith), the one write that looks accounts up by them; blocks a
// reorg may still replace are written without them like final ones, since on a chain of dense
// blocks those hold a good part of a backfill's events (32 of 124 blocks and a quarter of the
// events in the external-node benchmark's history).
func (ix *Indexer) planIndexes(ctx context.Context, from, to, headNum uint64, events int) error {
	if err := ix.learnDeferral(ctx); err != nil {
		return err
	}
	switch {
	case ix.deferral == deferralActive && to >= headNum:
		return ix.restoreIndexes(ctx, to, "head")
	case ix.deferral == deferralNone && to < headNum && ix.cfg.DeferIndexesAbove > 0:
		expected := int64(float64(events) / float64(to-from+1) * float64(headNum-to))
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
			"block", from, "head", headNum, "events_expected", expected)
	}
	return nil
}

// rewindWith rewinds the store to ancestor, building deferred indexes first: a rewind recomputes
// the voting power and delegate of every account it touches from the events left, a lookup by
// account that would scan a whole table per account without them.
func (ix *Indexer) rewindWith(ctx context.Context, ancestor BlockRef) error {
	if err := ix.learnDeferral(ctx); err != nil {
		return err
	}
	if ix.deferral == deferralActive {
		if err := ix.restoreIndexes(ctx, ancestor.Number, "rewind"); err != nil {
			return err
		}
	}
	return ix.store.Rewind(ctx, ancestor)
}

// restoreAtHead restores deferred indexes once the cursor reached the head at block.
func (ix *Indexer) restoreAtHead(ctx context.Context, block uint64) error {
	if err := ix.learnDeferral(ctx); err != nil || ix.deferral != deferralActive {
		return err
	}
	return ix.restoreIndexes(ctx, block, "head")
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

// restoreIndexes builds the deferred indexes at block, before what reads them ("head": the batch
// reaching the head, or the cursor at it; "rewind": a rewind to block).
func (ix *Indexer) restoreIndexes(ctx context.Context, block uint64, before string) error {
	began := time.Now()
	n, err := ix.store.RestoreIndexes(ctx)
	if err != nil {
		return fmt.Errorf("build the indexes the backfill deferred: %w", err)
	}
	ix.deferral = deferralNone
	ix.log.Info("backfill built its deferred indexes", "indexes", n, "block", block, "before", before, "took", time.Since(began).Round(time.Millisecond))
	return nil
}
