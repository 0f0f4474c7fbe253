package indexer

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/ethereum/go-ethereum/rpc"
)

type codedError struct {
	msg  string
	code int
}

func (e codedError) Error() string  { return e.msg }
func (e codedError) ErrorCode() int { return e.code }

// What a refused range of 10,000 blocks becomes: the next size, or 0 when the error is a plain
// failure (retried later at the same size).
func TestRangerReadsTheCommonRefusals(t *testing.T) {
	const n = 10_000
	tests := []struct {
		name string
		err  error
		kind refusalKind
		next uint64 // the size after one failure
	}{
		{"geth result cap", errors.New("query returned more than 10000 results"), tooManyLogs, n / 2},
		{"infura suggestion", codedError{"query returned more than 10000 results. Try with this block range [0x10, 0x2f].", -32005}, tooManyLogs, 32},
		{"alchemy 2K block range", errors.New("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range " +
			"and no limit on the response size, or you can request any block range with a cap of 10K logs in the response."), tooManyBlocks, 2000},
		{"alchemy with a suggestion", errors.New("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range " +
			"and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. " +
			"Based on your parameters, this block range should work: [0x0, 0x3e7]"), tooManyBlocks, 1000},
		{"max range limit for eth_getLogs", errors.New("Exceeded max range limit for eth_getLogs: 800"), tooManyBlocks, 800},
		{"max allowed range", errors.New("block range is too large, max allowed range is 2048 blocks"), tooManyBlocks, 2048},
		{"ranges over", errors.New("ranges over 5000 blocks are not supported"), tooManyBlocks, 5000},
		{"too wide", errors.New("block range is too wide"), tooManyBlocks, n / 2},
		{"quicknode limited to", errors.New("eth_getLogs is limited to a 1,000 range"), tooManyBlocks, 1000},
		{"quicknode blocks range", errors.New("eth_getLogs and eth_newFilter are limited to a 3,000 blocks range"), tooManyBlocks, 3000},
		{"geth range limit", errors.New("exceed maximum block range: 5000"), tooManyBlocks, 5000},
		{"maximum is set to", errors.New("requested too many blocks from 0 to 20000, maximum is set to 2500"), tooManyBlocks, 2500},
		{"range and max", errors.New("block range too large, range: 10000, max: 4000"), tooManyBlocks, 4000},
		{"besu log cap", errors.New("logs matched by query exceeds limit of 10000"), tooManyLogs, n / 2},
		{"bare -32005", codedError{"limit exceeded", -32005}, tooManyLogs, n / 2},
		{"query timeout", errors.New("query timeout exceeded"), tooSlow, n / 2},
		{"http client timeout", errors.New(`Post "http://node": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`), tooSlow, n / 2},
		{"413 from HTTPLogs", errors.New("413 Request Entity Too Large: <html>"), tooSlow, n / 2},
		{"413 from go-ethereum", rpc.HTTPError{StatusCode: 413, Status: "413 Request Entity Too Large"}, tooSlow, n / 2},
		{"504 from go-ethereum", rpc.HTTPError{StatusCode: 504, Status: "504 Gateway Timeout"}, tooSlow, n / 2},
		{"response too large", errors.New("response too large"), tooSlow, n / 2},
		{"wrapped", fmt.Errorf("get logs: %w", errors.New("query returned more than 10000 results")), tooManyLogs, n / 2},
		// Not about the range: never shrink.
		{"rate limit with -32005", codedError{"project ID request rate exceeded, rate limited", -32005}, notAboutRange, 0},
		{"429", rpc.HTTPError{StatusCode: 429, Status: "429 Too Many Requests"}, notAboutRange, 0},
		{"compute units", errors.New("Your app has exceeded its compute units per second capacity"), notAboutRange, 0},
		{"refused connection", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, notAboutRange, 0},
		{"unknown block", errors.New("unknown block"), notAboutRange, 0},
		{"connection reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, notAboutRange, 0},
		{"connection reset, as text", errors.New(`Post "http://node:8545": read tcp 10.0.0.2:1->10.0.0.9:8545: read: connection reset by peer`), notAboutRange, 0},
		{"dropped mid-response", fmt.Errorf("get logs: %w", io.ErrUnexpectedEOF), notAboutRange, 0},
		{"closed before answering", fmt.Errorf(`Post "http://node:8545": %w`, io.EOF), notAboutRange, 0},
		{"502 from a proxy", rpc.HTTPError{StatusCode: 502, Status: "502 Bad Gateway"}, notAboutRange, 0},
		{"503 while the node restarts", rpc.HTTPError{StatusCode: 503, Status: "503 Service Unavailable"}, notAboutRange, 0},
		// Unrecognised: the first failure is retried at the same size.
		{"eth_getLogs is not a log count", errors.New("eth_getLogs failed: internal error"), unexplained, 0},
		{"eof", errors.New("EOF"), unexplained, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classifyRefusal(tt.err).kind; got != tt.kind {
				t.Errorf("kind %v, want %v", got, tt.kind)
			}
			r := newRanger(n, n)
			size, _, ok := r.refused(tt.err, n)
			if ok != (tt.next != 0) || size != tt.next || (!ok && r.size() != n) {
				t.Errorf("refused = %d, %v (size %d), want %d", size, ok, r.size(), tt.next)
			}
		})
	}
}

// A failure that names no reason is retried once at the same size, then halves the range; a
// success in between starts the count again. A one-block range never shrinks.
func TestRangerHalvesAfterARetriedUnexplainedFailure(t *testing.T) {
	err := errors.New("EOF")
	r := newRanger(1000, 1000)
	if _, _, ok := r.refused(err, 1000); ok {
		t.Fatal("the first unexplained failure shrank the range")
	}
	if n, _, ok := r.refused(err, 1000); !ok || n != 500 {
		t.Fatalf("second unexplained failure: %d %v, want 500", n, ok)
	}
	if _, _, ok := r.refused(err, 500); ok {
		t.Fatal("the count of failures did not restart after a shrink")
	}
	r.succeeded(500, 10, 20_000)
	if _, _, ok := r.refused(err, 500); ok {
		t.Fatal("the count of failures did not restart after a success")
	}
	one := newRanger(1, 1000)
	for range 3 {
		if _, _, ok := one.refused(err, 1); ok {
			t.Fatal("a one-block range shrank")
		}
	}
	if _, _, ok := one.refused(errors.New("query returned more than 10000 results"), 1); ok {
		t.Fatal("a one-block range shrank on a refusal")
	}
}

// After a refusal the range grows back with successes: to the configured maximum, or to the
// limit the node named.
func TestRangerGrowsBackAfterSuccesses(t *testing.T) {
	r := newRanger(1000, 1000)
	r.refused(errors.New("query returned more than 10000 results"), 1000)
	if r.size() != 500 {
		t.Fatalf("after a refusal: %d", r.size())
	}
	for i := 0; i < 2*growAfter && r.size() < 1000; i++ {
		r.succeeded(r.size(), 10, 20_000)
	}
	if r.size() != 1000 {
		t.Fatalf("did not grow back to the maximum: %d", r.size())
	}
	// A short range at the head says nothing about the limit.
	r.refused(errors.New("query returned more than 10000 results"), 1000)
	for range 10 {
		r.succeeded(3, 0, 20_000)
	}
	if r.size() != 500 {
		t.Fatalf("short ranges grew the range: %d", r.size())
	}

	named := newRanger(10_000, 10_000)
	named.refused(errors.New("Exceeded max range limit for eth_getLogs: 800"), 10_000)
	if named.size() != 800 {
		t.Fatalf("named limit: %d", named.size())
	}
	named.refused(errors.New("query returned more than 10000 results"), 800)
	for range 20 {
		named.succeeded(named.size(), 10, 20_000)
	}
	if named.size() != 800 {
		t.Fatalf("grew past the limit the node named, or not back to it: %d", named.size())
	}

	// Many logs per block: the range aims at the target number of logs instead of doubling.
	dense := newRanger(1000, 10_000)
	dense.succeeded(1000, 40_000, 20_000)
	if dense.size() != 500 {
		t.Fatalf("dense range: %d", dense.size())
	}
	for range 10 { // 38 logs per block: 526 blocks hold 20,000
		dense.succeeded(dense.size(), 38*int(dense.size()), 20_000)
	}
	if dense.size() != 526 {
		t.Fatalf("dense range grew past the target: %d", dense.size())
	}
}

// Ranges, as the external-node benchmark's ceiling uses it: geth's "request timed out" on a
// 10,000-log range halves it at once, a dropped connection keeps the size (ask again later), and
// successes under the target grow it back, never past the maximum.
func TestRangesShrinkOnATimeoutAndGrowBack(t *testing.T) {
	r := NewRanges(8, 8)
	if size, ok := r.Refused(errors.New("request timed out"), 8); !ok || size != 4 || r.Size() != 4 {
		t.Fatalf("after a timeout: size %d ok %v, want 4 true", size, ok)
	}
	if _, ok := r.Refused(io.ErrUnexpectedEOF, 4); ok || r.Size() != 4 {
		t.Fatalf("a dropped connection changed the range to %d (ok %v)", r.Size(), ok)
	}
	for range 2 * growAfter {
		r.Succeeded(r.Size(), 100, 10_000)
	}
	if r.Size() != 8 {
		t.Fatalf("after successes the range is %d blocks, want back to 8", r.Size())
	}
}
