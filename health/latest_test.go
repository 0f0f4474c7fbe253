package health_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guildhall/guildhall/health"
)

// snapshot stands for a store whose figures change: version is what a read computes, and a read
// blocks while gate is held, as a read computing a new block's figures takes its time.
type snapshot struct {
	version atomic.Int64
	reads   atomic.Int64
	gate    sync.RWMutex
}

type figures struct{ version int64 }

func (s *snapshot) read(context.Context) (*figures, error) {
	s.gate.RLock()
	defer s.gate.RUnlock()
	s.reads.Add(1)
	return &figures{version: s.version.Load()}, nil
}

func TestLatestAnswersWithTheNewestComputedWhileTheCurrentIsComputed(t *testing.T) {
	ctx := t.Context()
	l := health.NewLatest(20*time.Millisecond, time.Hour)
	s := &snapshot{}
	s.version.Store(1)
	got := func(current bool) int64 {
		t.Helper()
		f, err := health.Read(ctx, l, "overview", current, s.read)
		if err != nil {
			t.Fatal(err)
		}
		return f.version
	}
	if v := got(false); v != 1 {
		t.Fatalf("first read: version %d, want 1 (nothing computed before: it waits)", v)
	}

	// A new block: computing its figures is slow (the gate is held).
	s.version.Store(2)
	s.gate.Lock()
	stale := make(chan int64, 1)
	go func() { // not got: a failure must not call t.Fatal off the test's goroutine
		f, err := health.Read(ctx, l, "overview", false, s.read)
		if err != nil {
			t.Error(err)
			f = &figures{}
		}
		stale <- f.version
	}()
	select {
	case v := <-stale:
		if v != 1 {
			t.Fatalf("read while version 2 is computed: version %d, want the newest computed, 1", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the read waited for the slow computation instead of answering with the newest computed")
	}
	current := make(chan int64)
	go func() {
		f, err := health.Read(ctx, l, "overview", true, s.read)
		if err != nil {
			t.Error(err)
		}
		current <- f.version
	}()
	select {
	case v := <-current:
		t.Fatalf("a read asking for the current snapshot answered %d before its figures were computed", v)
	case <-time.After(100 * time.Millisecond):
	}
	s.gate.Unlock()
	if v := <-current; v != 2 {
		t.Fatalf("read asking for the current snapshot: version %d, want 2", v)
	}
	if v := got(false); v != 2 {
		t.Fatalf("read after version 2 was computed: version %d, want 2", v)
	}
	// The other key never computed anything: it waits for its own figures.
	if f, err := health.Read(ctx, l, "activity", false, s.read); err != nil || f.version != 2 {
		t.Fatalf("another key: %+v, %v; want version 2", f, err)
	}
}

func TestLatestBurstCostsOneComputation(t *testing.T) {
	l := health.NewLatest(time.Millisecond, time.Hour)
	s := &snapshot{}
	s.gate.Lock()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := health.Read(t.Context(), l, "k", false, s.read); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // every reader has joined the one in flight
	s.gate.Unlock()
	wg.Wait()
	if n := s.reads.Load(); n != 1 {
		t.Fatalf("16 concurrent readers of one key ran %d computations, want 1", n)
	}
}

func TestLatestKeepsWhatAGoneReaderStartedComputing(t *testing.T) {
	l := health.NewLatest(10*time.Millisecond, time.Hour)
	s := &snapshot{}
	s.version.Store(7)
	s.gate.Lock()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() {
		_, err := health.Read(ctx, l, "k", false, s.read)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("a reader that went away: %v, want context.Canceled", err)
	}
	s.gate.Unlock()
	for s.reads.Load() == 0 { // the computation goes on without its reader
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond)

	s.version.Store(8)
	s.gate.Lock()
	defer s.gate.Unlock()
	f, err := health.Read(t.Context(), l, "k", false, s.read)
	if err != nil || f.version != 7 {
		t.Fatalf("read while version 8 is computed: %+v, %v; want version 7, which the gone reader's computation kept", f, err)
	}
}

func TestLatestForgetAndErrors(t *testing.T) {
	l := health.NewLatest(time.Second, time.Hour)
	s := &snapshot{}
	s.version.Store(1)
	if _, err := health.Read(t.Context(), l, "/v1/communities/a/stats/overview", false, s.read); err != nil {
		t.Fatal(err)
	}
	s.version.Store(2)
	s.gate.Lock()
	l.Forget("/v1/communities/a/")
	go func() { time.Sleep(50 * time.Millisecond); s.gate.Unlock() }()
	if f, _ := health.Read(t.Context(), l, "/v1/communities/a/stats/overview", false, s.read); f.version != 2 {
		t.Fatalf("read after Forget: version %d, want 2 (the staff list changed: no older answer is served)", f.version)
	}

	boom := errors.New("database gone")
	_, err := health.Read(t.Context(), l, "/v1/communities/a/stats/overview", false, func(context.Context) (*figures, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("a failing read ready within the wait: %v, want its error", err)
	}
	if f, err := health.Read(t.Context(), l, "/v1/communities/a/stats/overview", false, s.read); err != nil || f.version != 2 {
		t.Fatalf("read after a failure: %+v, %v", f, err)
	}
	var none *health.Latest
	if f, err := health.Read(t.Context(), none, "k", false, s.read); err != nil || f.version != 2 {
		t.Fatalf("nil Latest: %+v, %v; want the current read", f, err)
	}
}

// A read that joins a computation already running longer than the wait answers at once: waiting
// is bounded by the computation's age, not restarted by every reader.
func TestLatestJoiningALongComputationAnswersAtOnce(t *testing.T) {
	l := health.NewLatest(300*time.Millisecond, time.Hour)
	s := &snapshot{}
	if _, err := health.Read(t.Context(), l, "k", false, s.read); err != nil {
		t.Fatal(err)
	}
	s.gate.Lock()
	defer s.gate.Unlock()
	start := time.Now()
	if _, err := health.Read(t.Context(), l, "k", false, s.read); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("the read that started the computation answered after %s, before the wait (300 ms)", d)
	}
	start = time.Now()
	if _, err := health.Read(t.Context(), l, "k", false, s.read); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 150*time.Millisecond {
		t.Fatalf("a read joining a computation %s old waited %s, want an answer at once", 300*time.Millisecond, d)
	}
}

// An answer older than the bound is not served: a read after a quiet while waits for the current
// figures rather than showing ones from long before.
func TestLatestServesNoAnswerOlderThanTheBound(t *testing.T) {
	l := health.NewLatest(time.Millisecond, 100*time.Millisecond)
	s := &snapshot{}
	s.version.Store(1)
	if _, err := health.Read(t.Context(), l, "k", false, s.read); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	s.version.Store(2)
	s.gate.Lock()
	go func() { time.Sleep(50 * time.Millisecond); s.gate.Unlock() }()
	if f, err := health.Read(t.Context(), l, "k", false, s.read); err != nil || f.version != 2 {
		t.Fatalf("read after the answer grew older than the bound: %+v, %v; want the current version 2", f, err)
	}
}
