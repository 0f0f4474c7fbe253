package main

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// serve opens and warms the pool's connections once the index has caught up, not while a backfill
// keeps the machine busy, and is ready only after: the connections stay closed as long as the
// index is behind, and /readyz names the warm-up between the two.
func TestServeWarmsItsConnectionsOnceTheIndexHasCaughtUp(t *testing.T) {
	t.Parallel()
	db, raw := pgtest.NewDBRaw(t)
	const n = 6
	db.SetPool(postgres.Pool{MaxOpen: n, MaxIdle: n, MaxIdleTime: time.Minute, MaxLifetime: time.Hour})
	var behind atomic.Bool
	behind.Store(true)
	var asked atomic.Int32
	caughtUp := func(context.Context) error {
		asked.Add(1)
		if behind.Load() {
			return errors.New("indexer is 1000 blocks behind the head")
		}
		return nil
	}
	backends := func() int {
		var c int
		if err := raw.Get(&c, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
			t.Fatal(err)
		}
		return c
	}
	before := backends() // the migrations' connection, idle
	warmed, stop := startWarm(t.Context(), slog.New(slog.DiscardHandler), db, n, caughtUp)
	defer stop()
	ready := readiness(caughtUp, warmed)
	// A second of the index behind (four checks, or as long for a warm-up that never asks).
	for deadline := time.Now().Add(time.Second); asked.Load() < 4 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if c := backends(); c > before {
		t.Errorf("while the index is behind the database has %d connections open, %d before: want none warmed", c, before)
	}
	if err := ready(t.Context()); err == nil || err.Error() != "indexer is 1000 blocks behind the head" {
		t.Errorf("readiness while behind = %v, want the index's lag", err)
	}
	behind.Store(false)
	select {
	case <-warmed:
	case <-time.After(30 * time.Second):
		t.Fatal("the connections were not warmed within 30 s of the index catching up")
	}
	if c := backends(); c < n {
		t.Errorf("after the warm-up the pool has %d connections open, want %d", c, n)
	}
	if err := ready(t.Context()); err != nil {
		t.Errorf("readiness once caught up and warmed = %v", err)
	}
}

// Between the index catching up and the end of the warm-up, serve is not ready yet, and says why.
func TestReadinessWaitsForTheWarmUp(t *testing.T) {
	t.Parallel()
	warming := make(chan struct{})
	ready := readiness(func(context.Context) error { return nil }, warming)
	if err := ready(t.Context()); err == nil {
		t.Error("ready before the connections were warmed")
	} else if want := "the index has caught up; the database connections are being opened and warmed"; err.Error() != want {
		t.Errorf("readiness during the warm-up = %q, want %q", err, want)
	}
	close(warming)
	if err := ready(t.Context()); err != nil {
		t.Errorf("readiness after the warm-up = %v", err)
	}
}
