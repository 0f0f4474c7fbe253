package indexer

import (
	"errors"
	"fmt"
	"testing"
)

// The forms FuzzNamedBlockLimit writes a node's limit in (each names the most blocks per request).
var limitForms = []string{
	"You can make eth_getLogs requests with up to a %s block range",
	"Exceeded max range limit for eth_getLogs: %s",
	"block range is too large, max allowed range is %s blocks",
	"exceed maximum block range: %s",
	"ranges over %s blocks are not supported",
	"eth_getLogs is limited to a %s range",
	"block range exceeds %s",
	"maximum [from, to] blocks distance: %s",
	"requested too many blocks from 0 to 99999999, maximum is set to %s",
}

// FuzzClassifyRefusal: whatever a node says, a refusal never names a limit or a next size of 0
// blocks, names a limit only for a range with too many blocks (and a next size no larger than it),
// and a refused range shrinks to at least 1 block and below its size.
func FuzzClassifyRefusal(f *testing.F) {
	f.Fuzz(func(t *testing.T, msg string, code int, n uint64) {
		var err error = errors.New(msg)
		if code != 0 {
			err = codedError{msg, code}
		}
		rf := classifyRefusal(err)
		switch {
		case rf.kind == notAboutRange && (rf.blocks != 0 || rf.ceiling != 0):
			t.Fatalf("%q is not about the range, yet names %d blocks (limit %d)", msg, rf.blocks, rf.ceiling)
		case rf.ceiling > 0 && (rf.kind != tooManyBlocks || rf.blocks == 0 || rf.blocks > rf.ceiling):
			t.Fatalf("%q: limit %d with kind %v and next size %d", msg, rf.ceiling, rf.kind, rf.blocks)
		case rf.kind != unexplained && rf.blocks == 0 && suggestsRange(msg):
			t.Fatalf("%q suggests a range, read as 0 blocks", msg)
		}
		r := newRanger(n, n)
		for range 2 { // an unexplained failure shrinks the range the second time
			size, _, ok := r.refused(err, n)
			if ok && (size < 1 || size >= max(n, 2)) {
				t.Fatalf("%q: a refused range of %d blocks became %d", msg, n, size)
			}
		}
	})
}

// suggestsRange reports whether msg suggests a range [from, to] of a size: from <= to, and not
// every block there is.
func suggestsRange(msg string) bool {
	m := suggestedRange.FindStringSubmatch(msg)
	if m == nil {
		return false
	}
	from, err1 := parseNum(m[1])
	to, err2 := parseNum(m[2])
	return err1 == nil && err2 == nil && to >= from && to-from+1 > 0
}

// FuzzNamedBlockLimit: a limit a node names in any of the common forms is read as that number
// of blocks (thousands for a K), never as fewer, and never as 0.
func FuzzNamedBlockLimit(f *testing.F) {
	f.Fuzz(func(t *testing.T, limit uint64, form uint8, thousands bool) {
		num := fmt.Sprint(limit)
		if thousands {
			num += "K"
		}
		msg := fmt.Sprintf(limitForms[int(form)%len(limitForms)], num)
		rf := classifyRefusal(errors.New(msg))
		want := limit
		if thousands {
			want = limit * 1000
			if want/1000 != limit {
				want = 0 // past uint64: no limit to follow
			}
		}
		if limit == 0 {
			want = 0
		}
		if rf.ceiling != want && !(want == 0 && rf.ceiling == 0) {
			t.Fatalf("%q: limit read as %d blocks, want %d", msg, rf.ceiling, want)
		}
	})
}
