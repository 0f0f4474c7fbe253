package indexer

// Ranges sizes eth_getLogs ranges the way the backfill does, for a reader of logs outside the
// indexer (the external-node benchmark's ceiling): it shrinks a range the node refused or timed
// out on, following what the node's answer names, and grows it back after successes.
type Ranges struct{ r *ranger }

// NewRanges starts at initial blocks a range and never grows past max.
func NewRanges(initial, max uint64) *Ranges { return &Ranges{newRanger(initial, max)} }

// Size is the number of blocks the next range should cover.
func (r *Ranges) Size() uint64 { return r.r.size() }

// Succeeded records that a range of blocks blocks returned logs logs, aiming ranges at target
// logs.
func (r *Ranges) Succeeded(blocks uint64, logs, target int) { r.r.succeeded(blocks, logs, target) }

// Refused records that the node failed a range of blocks blocks with err. ok means the range
// shrank to size and should be asked again at once; otherwise retry it later at the same size
// (err was not about the range, or it is the first unexplained failure).
func (r *Ranges) Refused(err error, blocks uint64) (size uint64, ok bool) {
	size, _, ok = r.r.refused(err, blocks)
	return size, ok
}
