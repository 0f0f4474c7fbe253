package indexer

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// ranger sizes eth_getLogs ranges: it shrinks when the node refuses a range (following the limit
// or range the node's message names, else halving), when a range returns more logs than a batch
// should hold, and grows back after successes.
type ranger struct {
	mu        sync.Mutex
	cur, max  uint64
	successes int
}

func newRanger(initial, max uint64) *ranger {
	return &ranger{cur: max1(min(initial, max)), max: max1(max)}
}

func max1(n uint64) uint64 { return max(n, 1) }

func (r *ranger) size() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur
}

// growAfter is how many successes in a row double the range.
const growAfter = 2

// succeeded records that a range of n blocks returned logs logs.
func (r *ranger) succeeded(n uint64, logs, target int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if logs > target && n > 1 {
		// Aim at target logs next time, keeping batches (and memory) bounded.
		r.cur = max1(min(r.cur, n*uint64(target)/uint64(logs)))
		r.successes = 0
		return
	}
	if n < r.cur { // a short range (at the head) says nothing about the limit
		return
	}
	r.successes++
	if r.successes >= growAfter && r.cur < r.max {
		grown := r.cur * 2
		if logs > 0 && target > 0 {
			// Do not grow past what would still fit the target.
			grown = min(grown, max1(n*uint64(target)/uint64(logs)))
		}
		r.cur = min(max(grown, r.cur), r.max)
		r.successes = 0
	}
}

// refused records that the node refused a range of n blocks with err. ok is false when err is
// not about the range's size (the caller then treats it as a plain failure).
func (r *ranger) refused(err error, n uint64) (newSize uint64, ok bool) {
	hint, tooLarge := rangeHint(err.Error())
	var coded interface{ ErrorCode() int }
	if errors.As(err, &coded) && coded.ErrorCode() == -32005 { // EIP-1474 "limit exceeded"
		tooLarge = true
	}
	if !tooLarge || n <= 1 {
		return 0, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	next := n / 2
	if hint > 0 && hint < n {
		next = hint
	}
	r.cur = max1(min(next, r.cur))
	r.successes = 0
	return r.cur, true
}

var (
	// Infura, Alchemy and others suggest a range: "Try with this block range [0x1, 0x2f]".
	suggestedRange = regexp.MustCompile(`\[\s*(0x[0-9a-fA-F]+|\d+)\s*,\s*(0x[0-9a-fA-F]+|\d+)\s*\]`)
	// "up to a 2K block range", "limited to a 10,000 range", "maximum block range: 5000",
	// "block range limit (2000)", "range exceeds 1000", "max range 500".
	rangeLimit = regexp.MustCompile(`(?i)(?:up to a|limited to a|limited to|block range(?: limit)?(?: is)?:?|range limit|range exceeds|max(?:imum)?(?: block)? range(?: is| of)?:?|more than)\s*\(?\s*([\d,]+)\s*(k?)\b`)
)

// refusalPhrases are how nodes and providers say a log query is too big.
var refusalPhrases = []string{
	"query returned more than", "too many results", "response size exceeded", "log response size",
	"block range", "range too large", "range is too large", "range is too wide", "too wide",
	"exceed maximum block range", "exceeds the range", "limited to", "max results", "result window",
	"query timeout", "logs matched by query exceeds", "too many logs", "-32005",
}

// rangeHint reports whether msg refuses a log range as too large and, when it names one, the
// number of blocks the node would take.
func rangeHint(msg string) (blocks uint64, tooLarge bool) {
	lower := strings.ToLower(msg)
	for _, p := range refusalPhrases {
		if strings.Contains(lower, p) {
			tooLarge = true
			break
		}
	}
	if !tooLarge {
		return 0, false
	}
	if m := suggestedRange.FindStringSubmatch(msg); m != nil {
		from, err1 := parseNum(m[1])
		to, err2 := parseNum(m[2])
		if err1 == nil && err2 == nil && to >= from {
			return to - from + 1, true
		}
	}
	// "more than 10000 results" is a count of logs, not of blocks: no block hint.
	if strings.Contains(lower, "results") || strings.Contains(lower, "logs") {
		return 0, true
	}
	if m := rangeLimit.FindStringSubmatch(msg); m != nil {
		n, err := strconv.ParseUint(strings.ReplaceAll(m[1], ",", ""), 10, 64)
		if err == nil && n > 0 {
			if strings.EqualFold(m[2], "k") {
				n *= 1000
			}
			return n, true
		}
	}
	return 0, true
}

func parseNum(s string) (uint64, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return strconv.ParseUint(s[2:], 16, 64)
	}
	return strconv.ParseUint(s, 10, 64)
}
