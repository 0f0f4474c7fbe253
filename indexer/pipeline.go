package indexer

import (
	"context"

	"github.com/ethereum/go-ethereum/core/types"
)

// pipeline holds the ranges of final blocks fetched ahead while the batches before them are
// written, oldest first. Their batches are still written one at a time, in block order, each
// committing the cursor: a range is used only when it starts right above the cursor. At most
// depth requests are in flight, each answer bounded (2*TargetLogs logs, MaxRangeBytes), so the
// events held between fetching and writing are bounded too.
type pipeline struct {
	queue []*ahead
	// depth is how many ranges to keep in flight now, 1..max: one more each time the writer had
	// to wait for the next range (the node is the slower side), one fewer each time it was already
	// there, and back to one after a refusal or a failure.
	depth, max int
}

// ahead is one range fetched ahead.
type ahead struct {
	from, want uint64 // the range asked for
	to         uint64 // the range answered: before want when the answer was cut at the bound
	key        string
	cancel     context.CancelFunc
	done       chan struct{}
	logs       []types.Log
	end        *types.Header
	err        error
}

// fetchAhead tops the pipeline up with the next ranges of final blocks above to (the batch being
// written), up to finalTop, for the given targets.
func (ix *Indexer) fetchAhead(ctx context.Context, to, finalTop uint64, targets []Target, key string) {
	pl := &ix.pipe
	next := to + 1
	if n := len(pl.queue); n > 0 {
		next = pl.queue[n-1].want + 1
	}
	for len(pl.queue) < pl.depth && next <= finalTop {
		want := min(finalTop, next+ix.ranger.size()-1)
		pctx, cancel := context.WithCancel(ctx)
		p := &ahead{from: next, want: want, key: key, cancel: cancel, done: make(chan struct{})}
		pl.queue = append(pl.queue, p)
		go func() {
			defer close(p.done)
			if p.logs, p.to, p.err = ix.fetchLogs(pctx, p.from, p.want, targets); p.err != nil || p.logs == nil {
				return
			}
			p.end, p.err = ix.header(pctx, p.to)
		}()
		next = want + 1
	}
}

// takeAhead returns the range fetched ahead that starts at from, for the targets of key and all
// final (at or below finalTop), waiting for its answer. When the next range is not that one, or
// failed, or was refused, it drops every range in flight and returns nil: the caller fetches.
func (ix *Indexer) takeAhead(from, finalTop uint64, key string) *ahead {
	pl := &ix.pipe
	if len(pl.queue) == 0 {
		return nil
	}
	p := pl.queue[0]
	select {
	case <-p.done: // the node keeps up with the writer: fewer in flight will do
		pl.depth = max(1, pl.depth-1)
	default:
		<-p.done
		pl.depth = min(pl.max, pl.depth+1)
	}
	pl.queue = pl.queue[1:]
	p.cancel()
	if p.err != nil || p.logs == nil {
		pl.depth = 1
	}
	if p.err != nil || p.logs == nil || p.from != from || p.key != key || p.to > finalTop {
		ix.dropAhead()
		return nil
	}
	if p.to < p.want { // cut at the bound: the ranges queued after it no longer follow on
		ix.dropAhead()
	}
	return p
}

// dropAhead cancels and waits for every range in flight and discards them.
func (ix *Indexer) dropAhead() {
	for _, p := range ix.pipe.queue {
		p.cancel()
	}
	for _, p := range ix.pipe.queue {
		<-p.done
	}
	ix.pipe.queue = nil
}
