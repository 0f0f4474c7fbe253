package postgres

import (
	"strings"
	"sync"

	"github.com/guildhall/guildhall/health"
)

// recordsCache keeps each community's delegate records (delegateRecords) with the as_of block hash
// and excluded accounts they were read at. They depend on nothing else (the indexed chain at that
// block: a block hash names its contents), so a read at the same block and exclusions takes them
// from here; a read at another block computes them again and replaces the entry. One entry per
// community; concurrent reads of a missing entry wait for the one that computes it.
type recordsCache struct {
	mu sync.Mutex
	m  map[string]*recordsEntry
}

type recordsEntry struct {
	key     string
	done    chan struct{}
	records []health.DelegateRecord
	err     error
}

// get returns the records of community at key, computing them with load when missing. The slice
// is shared: callers copy before reordering it.
func (c *recordsCache) get(community, key string, load func() ([]health.DelegateRecord, error)) ([]health.DelegateRecord, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*recordsEntry{}
	}
	e := c.m[community]
	if e == nil || e.key != key {
		e = &recordsEntry{key: key, done: make(chan struct{})}
		c.m[community] = e
		c.mu.Unlock()
		e.records, e.err = load()
		close(e.done)
		if e.err != nil {
			c.mu.Lock()
			if c.m[community] == e {
				delete(c.m, community)
			}
			c.mu.Unlock()
		}
		return e.records, e.err
	}
	c.mu.Unlock()
	<-e.done
	if e.err != nil { // the read that computed it failed (its context, mostly): compute again
		return load()
	}
	return e.records, nil
}

// recordsKey is the cache key of h's snapshot: its block hash and excluded accounts.
func (h *healthTx) recordsKey() string {
	return h.meta.AsOf.Hash + "/" + strings.Join(h.excluded, ",")
}
