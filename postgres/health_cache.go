package postgres

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// blockCacheEntries is how many keys a blockCache keeps per community: the figures of one block
// read with a few different parameters (a week and a month series, two windows) all stay.
const blockCacheEntries = 8

// blockCache keeps, per community, figures that depend only on what a key names: the indexed chain
// at a block (a block hash names its contents), the excluded accounts, the read's parameters and,
// for the member figures, the ledger version (healthTx.ledgerKey). A read with a known key takes
// the value from here; one with a new key computes it and adds it, evicting the community's oldest
// entry past blockCacheEntries, so memory stays a few values per community. Concurrent reads of a
// missing entry wait for the one that computes it.
type blockCache[T any] struct {
	mu sync.Mutex
	m  map[string][]*blockEntry[T] // oldest first
}

type blockEntry[T any] struct {
	key   string
	done  chan struct{}
	value T
	err   error
}

// get returns community's value at key, computing it with load when missing. The value is
// shared: callers copy before changing it.
func (c *blockCache[T]) get(community, key string, load func() (T, error)) (T, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string][]*blockEntry[T]{}
	}
	entries := c.m[community]
	i := slices.IndexFunc(entries, func(e *blockEntry[T]) bool { return e.key == key })
	if i < 0 {
		e := &blockEntry[T]{key: key, done: make(chan struct{})}
		c.m[community] = append(entries[max(0, len(entries)+1-blockCacheEntries):], e)
		c.mu.Unlock()
		e.value, e.err = load()
		close(e.done)
		if e.err != nil {
			c.mu.Lock()
			c.m[community] = slices.DeleteFunc(c.m[community], func(x *blockEntry[T]) bool { return x == e })
			c.mu.Unlock()
		}
		return e.value, e.err
	}
	e := entries[i]
	c.mu.Unlock()
	<-e.done
	if e.err != nil { // the read that computed it failed (its context, mostly): compute again
		return load()
	}
	return e.value, nil
}

// blockKey is the cache key of h's snapshot and params: its block hash with the index generation
// (a reindex replaces rows under the same block), and excluded accounts (in order: loadExcluded
// reads them in no particular one).
func (h *healthTx) blockKey(params ...string) string {
	excluded := slices.Sorted(slices.Values(h.excluded))
	return indexKey(h.meta.AsOf.Hash, h.generation) + "/" + strings.Join(excluded, ",") + "/" + strings.Join(params, "/")
}

// indexKey names what the index holds for a community: its as_of block hash and index generation.
func indexKey(asOfHash string, generation int64) string {
	return asOfHash + "@" + strconv.FormatInt(generation, 10)
}

// ledgerKey is the cache key of a member figure of h's snapshot and params: blockKey and the
// snapshot's ledger version (migration 0013), which changes with every reward change that reaches
// member_activity_days. The block hash covers the chain's activity and today (its day).
func (h *healthTx) ledgerKey(params ...string) string {
	return h.blockKey(append([]string{"ledger", strconv.FormatInt(h.ledger, 10)}, params...)...)
}
