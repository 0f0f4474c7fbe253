package postgres

import (
	"slices"
	"strings"
	"sync"
)

// blockCache keeps, per community, one figure that depends only on the indexed chain at a block and
// the excluded accounts (a block hash names its contents), with the key it was read at (the block
// hash, the exclusions and the read's parameters): a read with the same key takes it from here;
// one with another key computes it again and replaces the entry, so memory stays one value per
// community. Concurrent reads of a missing entry wait for the one that computes it.
type blockCache[T any] struct {
	mu sync.Mutex
	m  map[string]*blockEntry[T]
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
		c.m = map[string]*blockEntry[T]{}
	}
	e := c.m[community]
	if e == nil || e.key != key {
		e = &blockEntry[T]{key: key, done: make(chan struct{})}
		c.m[community] = e
		c.mu.Unlock()
		e.value, e.err = load()
		close(e.done)
		if e.err != nil {
			c.mu.Lock()
			if c.m[community] == e {
				delete(c.m, community)
			}
			c.mu.Unlock()
		}
		return e.value, e.err
	}
	c.mu.Unlock()
	<-e.done
	if e.err != nil { // the read that computed it failed (its context, mostly): compute again
		return load()
	}
	return e.value, nil
}

// blockKey is the cache key of h's snapshot and params: its block hash and excluded accounts (in
// order: loadExcluded reads them in no particular one).
func (h *healthTx) blockKey(params ...string) string {
	excluded := slices.Sorted(slices.Values(h.excluded))
	return h.meta.AsOf.Hash + "/" + strings.Join(excluded, ",") + "/" + strings.Join(params, "/")
}
