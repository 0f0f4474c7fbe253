package indexer

import (
	"context"

	"github.com/ethereum/go-ethereum/core/types"
)

// pipeline holds the ranges fetched ahead while the batches before them are written, oldest
// first, each with the headers its batch remembers (fetchRange). Their batches are still written
// one at a time, in block order, each committing the cursor: a range is used only when it starts
// right above the cursor. A range of blocks a reorg replaced after it was read is written as the
// chain was when read, as if the reorg came just after the write: its headers are remembered, so
// the next step finds the replaced blocks and rewinds them (TestPipelinedBackfillCommitsInOrderAcrossReorgs). At most
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
	finalTop   uint64 // headers were read from here up (and the end's)
	logs       []types.Log
	headers    []*types.Header
	err        error
}

// fetchAhead tops the pipeline up with the next ranges above to (the batch being written), up to
// the head, for the given targets. Final ranges need only their end's header; the blocks from
// finalTop up have theirs read too (fetchRange).
func (ix *Indexer) fetchAhead(ctx context.Context, to, finalTop, headNum uint64, targets []Target, key string) {
	pl := &ix.pipe
	next := to + 1
	if n := len(pl.queue); n > 0 {
		next = pl.queue[n-1].want + 1
	}
	for len(pl.queue) < pl.depth && next <= headNum {
		want := min(headNum, next+ix.ranger.size()-1)
		pctx, cancel := context.WithCancel(ctx)
		p := &ahead{from: next, want: want, key: key, finalTop: finalTop, cancel: cancel, done: make(chan struct{})}
		pl.queue = append(pl.queue, p)
		go func() {
			defer close(p.done)
			p.logs, p.to, p.headers, p.err = ix.fetchRange(pctx, nil, p.from, p.want, p.finalTop, targets)
		}()
		next = want + 1
	}
}

// takeAhead returns the range fetched ahead that starts at from, for the targets of key, with the
// headers of every block of it from finalTop up, waiting for its answer. When the next range is
// not that one, or failed, or was refused, or lacks headers (the head moved back since it was
// read), it drops every range in flight and returns nil: the caller fetches.
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
	if p.err != nil || p.headers == nil {
		pl.depth = 1
	}
	if p.err != nil || p.headers == nil || p.from != from || p.key != key || p.finalTop > max(from, finalTop) {
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
