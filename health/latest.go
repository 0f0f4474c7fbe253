package health

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Latest serves figures the way a dashboard wants them: at once. A read first asks for the figures
// of the current snapshot (the newest indexed block and ledger version); when they are not ready
// within the wait, because a new block or reward made the cached ones stale and computing them
// takes longer, it answers with the newest figures already computed for the same read, which
// name their own as_of and ledger_through, while the current ones go on computing in the
// background for the reads that follow. An answer is served so only while it is fresh (its
// computation started within a bound, a minute in the API). A read that must see the current snapshot (after a
// write of its own) asks for it and waits.
//
// Each key (a read and its parameters) has at most one computation in flight, which every
// concurrent read of the key joins, so a burst of readers after a new block costs one
// computation. A nil *Latest serves every read from the current snapshot.
type Latest struct {
	wait    time.Duration
	maxAge  time.Duration
	mu      sync.Mutex
	entries map[string]*latestEntry
}

// latestEntries bounds how many keys a Latest keeps; past it, keys with nothing in flight are
// dropped to make room (their next read waits for its computation).
const latestEntries = 1024

// latestTimeout bounds a computation that goes on after the read that started it has answered.
const latestTimeout = 2 * time.Minute

type latestEntry struct {
	last   any           // the newest answer computed, nil before the first
	lastAt time.Time     // when the computation of last started
	flight *latestFlight // the computation in progress, nil when none
}

type latestFlight struct {
	started time.Time
	done    chan struct{}
	value   any
	err     error
}

// NewLatest returns a Latest whose reads wait up to wait for the current snapshot's figures
// before answering with the newest computed ones, if those are at most maxAge old (counted from
// their computation's start): an answer nobody asked for a while is not served, and its read
// waits for the current figures.
func NewLatest(wait, maxAge time.Duration) *Latest {
	return &Latest{wait: wait, maxAge: maxAge, entries: map[string]*latestEntry{}}
}

// Read answers key through l: the figures read returns for the current snapshot when they are
// ready within l's wait of the computation's start (or current is set), else the newest ones
// computed for key before. read
// runs detached from ctx (bounded by latestTimeout), so what it computes is kept even when the
// reader that started it has gone.
func Read[R any](ctx context.Context, l *Latest, key string, current bool, read func(context.Context) (*R, error)) (*R, error) {
	if l == nil {
		return read(ctx)
	}
	f, last := l.start(ctx, key, func(ctx context.Context) (any, error) { return read(ctx) })
	var timeout <-chan time.Time
	if !current && last != nil {
		// Waiting ends when the computation is l.wait old: a read that joins one running longer
		// answers at once.
		t := time.NewTimer(l.wait - time.Since(f.started))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-f.done:
		if f.err != nil {
			return nil, f.err
		}
		return f.value.(*R), nil
	case <-timeout:
		return last.(*R), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// start returns key's computation in flight, starting one when there is none, and the newest
// answer computed for key (nil when none, or older than l.maxAge).
func (l *Latest) start(ctx context.Context, key string, read func(context.Context) (any, error)) (*latestFlight, any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entries[key]
	if e == nil {
		l.makeRoom()
		e = &latestEntry{}
		l.entries[key] = e
	}
	if e.flight == nil {
		f := &latestFlight{started: time.Now(), done: make(chan struct{})}
		e.flight = f
		go l.compute(context.WithoutCancel(ctx), e, f, read)
	}
	if time.Since(e.lastAt) > l.maxAge {
		return e.flight, nil
	}
	return e.flight, e.last
}

// compute runs read for e's flight f and keeps what it returns as e's newest answer.
func (l *Latest) compute(ctx context.Context, e *latestEntry, f *latestFlight, read func(context.Context) (any, error)) {
	ctx, cancel := context.WithTimeout(ctx, latestTimeout)
	defer cancel()
	f.value, f.err = read(ctx)
	l.mu.Lock()
	if f.err == nil {
		e.last, e.lastAt = f.value, f.started
	}
	e.flight = nil
	l.mu.Unlock()
	close(f.done)
}

// makeRoom drops keys with nothing in flight while l holds latestEntries or more.
func (l *Latest) makeRoom() {
	for k, e := range l.entries {
		if len(l.entries) < latestEntries {
			return
		}
		if e.flight == nil {
			delete(l.entries, k)
		}
	}
}

// Forget drops every key that starts with prefix (a community's reads, when its staff list
// changes: the excluded accounts are not part of a key), so their next reads wait for the
// current figures. A computation in flight keeps its answer to itself.
func (l *Latest) Forget(prefix string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for k := range l.entries {
		if strings.HasPrefix(k, prefix) {
			delete(l.entries, k)
		}
	}
}
