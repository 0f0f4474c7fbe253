package main

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall/chain"
)

// The jobs a process can lead, one leader per database each.
const (
	jobIndexer = "indexer"
	jobMinter  = "minter" // the minter and the operator's sender, under one lock
)

// leadership records which jobs this process leads now: the guildhall_leader{job} gauge (1 while
// leading) and /readyz read it; guildhall_leader_takeovers_total{job} counts the leads it took.
type leadership struct {
	gauge     *prometheus.GaugeVec
	takeovers *prometheus.CounterVec
	mu        sync.Mutex
	since     map[string]time.Time
}

func newLeadership(reg prometheus.Registerer) *leadership {
	l := &leadership{
		gauge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "guildhall_leader",
			Help: "1 while this process leads the job (holds its lock), 0 while it waits for it.",
		}, []string{"job"}),
		takeovers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guildhall_leader_takeovers_total",
			Help: "Times this process took the job's lead (its lock); summed over the processes, how often the lead changed hands.",
		}, []string{"job"}),
		since: map[string]time.Time{},
	}
	for _, job := range []string{jobIndexer, jobMinter} {
		l.gauge.WithLabelValues(job)
		l.takeovers.WithLabelValues(job)
	}
	if reg != nil {
		reg.MustRegister(l.gauge, l.takeovers)
	}
	return l
}

// track wraps lock so that leading is recorded from the moment the lock is taken until it is
// released or lost.
func (l *leadership) track(job string, lock lockFunc) lockFunc {
	return func(ctx context.Context) (context.Context, func(), error) {
		held, unlock, err := lock(ctx)
		if err != nil {
			return nil, nil, err
		}
		l.set(job, true)
		return held, func() { unlock(); l.set(job, false) }, nil
	}
}

func (l *leadership) set(job string, leading bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if leading {
		l.since[job] = time.Now()
		l.gauge.WithLabelValues(job).Set(1)
		l.takeovers.WithLabelValues(job).Inc()
		return
	}
	delete(l.since, job)
	l.gauge.WithLabelValues(job).Set(0)
}

// jobs lists the jobs this process leads now, sorted.
func (l *leadership) jobs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.since))
	for job := range l.since {
		out = append(out, job)
	}
	slices.Sort(out)
	return out
}

// lockFunc takes a database advisory lock, waiting while another process holds it. held ends
// with the lock: on unlock, with ctx, or when the lock is lost with its database connection.
type lockFunc func(ctx context.Context) (held context.Context, unlock func(), err error)

// lead runs run while this process holds the lock that lock takes (name says which, for the
// log), and queues for it again when it is lost with its database connection, since another
// process may lead meanwhile. It returns nil when ctx ends, or run's error when run fails.
// Errors taking the lock are logged and retried with a backoff.
//
// Every leader (the indexer; the minter with the operator's sender) takes its lock here, where the
// process is wired, rather than inside its Run: the minter and the sender lead together under
// one lock while neither knows the other, the sender (package chain) knows nothing of
// PostgreSQL, and tests drive an indexer or a minter without a lock to race for. Each Run only
// runs until its context, the held lock's, ends.
func lead(ctx context.Context, log *slog.Logger, name string, lock lockFunc, run func(held context.Context) error) error {
	for ctx.Err() == nil {
		log.Info("waiting for the " + name + " lock")
		var (
			held   context.Context
			unlock func()
		)
		if err := chain.Retry(ctx, func() (err error) {
			if held, unlock, err = lock(ctx); err != nil && ctx.Err() == nil {
				log.Warn("cannot take the "+name+" lock; will retry", "err", err)
			}
			return err
		}); err != nil {
			return nil // ctx ended
		}
		log.Info("took the " + name + " lock: this process leads the " + name)
		err := run(held)
		unlock()
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			return err
		}
		log.Warn("lost the " + name + " lock with its database connection; waiting to lead again")
	}
	return nil
}
