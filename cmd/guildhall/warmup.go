package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/guildhall/guildhall/postgres"
)

// warmCheckInterval is how often startWarm asks whether the index has caught up.
const warmCheckInterval = 250 * time.Millisecond

// warmTimeout bounds a warm-up: connections that cannot be had by then are left to be opened by
// the requests that need them.
const warmTimeout = 30 * time.Second

// startWarm warms n of db's pool connections (postgres.DB.Warm) in the background once caughtUp
// first answers nil (asked every warmCheckInterval), and closes warmed when it is done or has
// given up (warming only saves the first requests time; a failure is logged). Warming a session
// compiles and runs the reward ledger's triggers, about 0.1 s of PostgreSQL's CPU a connection:
// at a start with a backfill ahead it took the backfill 2.0 of PostgreSQL's 10.9 s of CPU, on a
// machine the backfill keeps busy, so it waits for the index to catch up, as readiness does.
// stop ends a wait or a warm-up and returns when it has.
func startWarm(ctx context.Context, log *slog.Logger, db *postgres.DB, n int, caughtUp func(context.Context) error) (warmed <-chan struct{}, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		t := time.NewTicker(warmCheckInterval)
		defer t.Stop()
		for caughtUp(ctx) != nil {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
		start := time.Now()
		wctx, stopWarm := context.WithTimeout(ctx, warmTimeout)
		defer stopWarm()
		if err := db.Warm(wctx, n); err != nil {
			if ctx.Err() == nil {
				log.Warn("could not open the database pool's connections ahead of the requests", "err", err)
			}
			return
		}
		log.Info("database connections opened and warmed", "up_to", n, "took", time.Since(start).Round(time.Millisecond))
	}()
	return done, func() { cancel(); wg.Wait() }
}
