package indexer

import (
	"errors"
	"io"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/ethereum/go-ethereum/rpc"
)

// ranger sizes eth_getLogs ranges: it shrinks when the node refuses a range (following the limit
// or range the node's message names, else halving), when a range returns more logs than a batch
// should hold, and grows back after successes (never past a block limit the node named).
type ranger struct {
	mu       sync.Mutex
	cur, max uint64
	// ceiling is the most blocks per request the node said it takes; 0 when it named none.
	ceiling   uint64
	successes int
	// failures counts failures in a row that named no reason: the first is retried at the same
	// size (it may have been a blip), the second halves the range.
	failures int
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
	r.failures = 0
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
	limit := r.max
	if r.ceiling > 0 {
		limit = min(limit, r.ceiling)
	}
	if r.successes >= growAfter && r.cur < limit {
		grown := r.cur * 2
		if logs > 0 && target > 0 {
			// Do not grow past what would still fit the target.
			grown = min(grown, max1(n*uint64(target)/uint64(logs)))
		}
		r.cur = min(max(grown, r.cur), limit)
		r.successes = 0
	}
}

// refused records that the node failed a range of n blocks with err (not a cancellation of the
// caller's context). ok means the range shrank to newSize and the caller should try again at
// once; otherwise the caller treats err as a plain failure and retries later at the same size.
// A failure that says nothing of its reason is retried once at the same size, then halves the
// range: a node that cannot answer a large range in time (or at all) often says no more than
// that.
func (r *ranger) refused(err error, n uint64) (newSize uint64, reason string, ok bool) {
	rf := classifyRefusal(err)
	r.mu.Lock()
	defer r.mu.Unlock()
	if rf.kind == notAboutRange || n <= 1 {
		return 0, "", false
	}
	next := n / 2
	switch rf.kind {
	case unexplained:
		r.failures++
		if r.failures < 2 {
			return 0, "", false
		}
		reason = "the node failed the range twice without naming a reason: halving it"
	default:
		reason = rf.kind.String()
		if rf.blocks > 0 && rf.blocks < n {
			next = rf.blocks
		}
		if rf.ceiling > 0 {
			r.ceiling = rf.ceiling
		}
	}
	r.cur = max1(min(next, r.cur))
	r.successes, r.failures = 0, 0
	return r.cur, reason, true
}

// refusalKind is what a failed eth_getLogs says about its range.
type refusalKind uint8

const (
	unexplained   refusalKind = iota // nothing recognisable: halve after one retry
	notAboutRange                    // rate limits, auth, an unreachable node: never shrink
	tooManyBlocks                    // the range has more blocks than the node serves
	tooManyLogs                      // the range holds more logs (or bytes) than the node returns
	tooSlow                          // the node or a proxy timed out, or refused the response's size
)

func (k refusalKind) String() string {
	switch k {
	case tooManyBlocks:
		return "the range has more blocks than the node serves"
	case tooManyLogs:
		return "the range holds more logs than the node returns"
	case tooSlow:
		return "the node timed out or refused the response's size"
	case notAboutRange:
		return "not about the range"
	}
	return "unexplained"
}

// refusal is a failed eth_getLogs, classified.
type refusal struct {
	kind refusalKind
	// blocks is the range size the node's message suggests for the next try (0: none); ceiling
	// the most blocks per request it says it ever serves (0: none said).
	blocks, ceiling uint64
}

var (
	// Infura, Alchemy and others suggest a range: "Try with this block range [0x1, 0x2f]",
	// "this block range should work: [0x1, 0x2f]". It fits this range's logs, not a limit.
	suggestedRange = regexp.MustCompile(`(?i)\[\s*(0x[0-9a-f]+|\d+)\s*,\s*(0x[0-9a-f]+|\d+)\s*\]`)
	// The forms in which nodes and providers name the most blocks they serve per request. Each
	// captures the number and an optional K (thousands).
	blockLimits = []*regexp.Regexp{
		// Alchemy: "You can make eth_getLogs requests with up to a 2K block range".
		regexp.MustCompile(`(?i)up to an? (\d[\d,]*)\s*(k?)\s*-?\s*blocks? range`),
		// "Exceeded max range limit for eth_getLogs: 800", "block range limit (2000)".
		regexp.MustCompile(`(?i)range limit\b[^\d\[\]]{0,40}?(\d[\d,]*)\s*(k?)\b`),
		// "max allowed range is 2048 blocks", geth's "exceed maximum block range: 5000",
		// "maximum block range of 500".
		regexp.MustCompile(`(?i)\bmax(?:imum)?(?: allowed)?(?: block)? range(?: is| of| limit)?(?: set to)?\s*[:=]?\s*\(?(\d[\d,]*)\s*(k?)\b`),
		// "ranges over 10000 blocks are not supported".
		regexp.MustCompile(`(?i)ranges? (?:over|above|greater than|larger than|exceeding) (\d[\d,]*)\s*(k?)\s*blocks?`),
		// QuickNode: "eth_getLogs is limited to a 10,000 range", "limited to a 10,000 blocks range".
		regexp.MustCompile(`(?i)limited to (?:an? )?(\d[\d,]*)\s*(k?)\s*-?\s*(?:blocks?\s*)?range`),
		// "block range exceeds 1000", "range exceeds the limit of 1000 blocks".
		regexp.MustCompile(`(?i)range exceeds (?:the )?(?:limit of |maximum of )?(\d[\d,]*)\s*(k?)\b`),
		// "maximum [from, to] blocks distance: 10000".
		regexp.MustCompile(`(?i)blocks? distance\s*[:=]?\s*(\d[\d,]*)\s*(k?)\b`),
	}
	// "requested too many blocks from 0 to 20000, maximum is set to 5000", "range: 20001, max:
	// 10000": trusted only in a message about blocks, not about results.
	maxIs = regexp.MustCompile(`(?i)\bmax(?:imum)?(?: is)?(?: set to)?\s*[:=]?\s*(\d[\d,]*)\s*(k?)\b`)
)

// Phrases, lower case, by what they say.
var (
	// Said of rate limits, credentials, an unreachable node or one not synced that far: a smaller
	// range would not help.
	notRangePhrases = []string{
		"rate limit", "rate-limit", "ratelimit", "too many requests", "request rate", "requests per second",
		"compute units", "capacity", "quota", "throttl", "unauthorized", "forbidden", "invalid api key",
		"connection refused", "connection reset by peer", "no such host", "network is unreachable", "header not found", "unknown block",
		"invalid block range",
	}
	tooManyLogsPhrases = []string{
		"query returned more than", "too many results", "too many logs", "logs matched by query exceeds",
		"log response size", "response size exceeded", "response size should not", "max results", "result window",
		"results exceed", "exceeds max results", "limit exceeded", "query exceeds",
	}
	tooManyBlocksPhrases = []string{
		"block range", "range too large", "range is too large", "range too wide", "range is too wide", "too wide",
		"too many blocks", "exceed maximum block range", "exceeded max range", "max allowed range", "range limit",
		"are not supported", "limited to", "blocks distance",
	}
	tooSlowPhrases = []string{
		"timeout", "timed out", "time-out", "deadline exceeded", "request entity too large", "payload too large",
		"response too large", "response is too large", "too large", "too big",
	}
)

// classifyRefusal reads what a failed eth_getLogs says about its range: the common forms of
// "too many results", "range too large" (with the limit or range the node names, when it names
// one), timeouts and oversized responses.
func classifyRefusal(err error) refusal {
	msg := err.Error()
	lower := strings.ToLower(msg)
	var httpErr rpc.HTTPError
	if errors.As(err, &httpErr) {
		switch httpErr.StatusCode {
		case 413, 408, 504, 524:
			return refusal{kind: tooSlow}
		case 401, 403, 429, 502, 503: // auth, rate limits, a proxy whose node is down or restarting
			return refusal{kind: notAboutRange}
		}
	}
	rf := refusal{kind: unexplained}
	switch {
	case namedBlockLimit(msg, lower) > 0:
		// A limit the node names comes first: its message may also mention logs ("eth_getLogs",
		// "a cap of 10K logs") without being about their count.
		rf.kind, rf.ceiling = tooManyBlocks, namedBlockLimit(msg, lower)
		rf.blocks = rf.ceiling
	case containsAny(lower, notRangePhrases) || unreachable(err):
		return refusal{kind: notAboutRange}
	case containsAny(lower, tooManyLogsPhrases):
		rf.kind = tooManyLogs
	case containsAny(lower, tooManyBlocksPhrases):
		rf.kind = tooManyBlocks
	case containsAny(lower, tooSlowPhrases) || hasStatusPrefix(lower):
		rf.kind = tooSlow
	}
	var coded interface{ ErrorCode() int }
	if rf.kind == unexplained && errors.As(err, &coded) && coded.ErrorCode() == -32005 { // EIP-1474 "limit exceeded"
		rf.kind = tooManyLogs
	}
	if m := suggestedRange.FindStringSubmatch(msg); m != nil && rf.kind != unexplained {
		from, err1 := parseNum(m[1])
		to, err2 := parseNum(m[2])
		// span is 0 for a range of every block there is (it wraps): no size to follow.
		span := to - from + 1
		if err1 == nil && err2 == nil && to >= from && span > 0 && (rf.blocks == 0 || span < rf.blocks) {
			rf.blocks = span
		}
	}
	return rf
}

// namedBlockLimit returns the most blocks per request msg names as the node's limit, 0 if none.
func namedBlockLimit(msg, lower string) uint64 {
	var best uint64
	take := func(m []string) {
		if m == nil {
			return
		}
		n, err := strconv.ParseUint(strings.ReplaceAll(m[1], ",", ""), 10, 64)
		if err != nil || n == 0 {
			return
		}
		if strings.EqualFold(m[2], "k") {
			if n > math.MaxUint64/1000 { // no node serves that many: not a limit to follow
				return
			}
			n *= 1000
		}
		if best == 0 || n < best {
			best = n
		}
	}
	for _, re := range blockLimits {
		take(re.FindStringSubmatch(msg))
	}
	if strings.Contains(lower, "block") && !strings.Contains(lower, "result") && !strings.Contains(lower, "logs matched") {
		take(maxIs.FindStringSubmatch(msg))
	}
	return best
}

// hasStatusPrefix reports whether msg is an HTTP answer ("413 Request Entity Too Large: ...", as
// chain.HTTPLogs reports one) whose status means the request was too large or too slow.
func hasStatusPrefix(lower string) bool {
	for _, code := range []string{"408 ", "413 ", "504 ", "524 "} {
		if strings.HasPrefix(lower, code) {
			return true
		}
	}
	return false
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// unreachable reports whether err is a failure to reach the node at all.
func unreachable(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	// A dropped connection (a node restarting, a proxy timing out idle connections) says nothing
	// about the range either; a node that is too slow for it answers with a timeout instead.
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func parseNum(s string) (uint64, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return strconv.ParseUint(s[2:], 16, 64)
	}
	return strconv.ParseUint(s, 10, 64)
}
