package indexer

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the indexer's Prometheus metrics.
type Metrics struct {
	head, cursor, lag, rangeSize, stopped prometheus.Gauge
	blocksPerSec, eventsPerSec, eta       prometheus.Gauge
	events, blocks, reorgs, deepReorgs    prometheus.Counter
	rangeRefusals, errors                 prometheus.Counter
	reorgDepth                            prometheus.Histogram
}

// NewMetrics creates the indexer's metrics and registers them with reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "guildhall", Subsystem: "indexer", Name: name, Help: help})
	}
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "guildhall", Subsystem: "indexer", Name: name, Help: help})
	}
	m := &Metrics{
		head:          g("head_block", "The chain head the indexer last saw."),
		cursor:        g("cursor_block", "The block every caught-up community is indexed through."),
		lag:           g("head_lag_blocks", "Blocks between the head and the cursor."),
		rangeSize:     g("log_range_blocks", "Blocks per eth_getLogs request now."),
		stopped:       g("stopped", "1 when the indexer stopped on a reorg deeper than the finality depth."),
		blocksPerSec:  g("backfill_blocks_per_second", "Backfill speed over the last progress interval."),
		eventsPerSec:  g("backfill_events_per_second", "Events indexed per second over the last progress interval."),
		eta:           g("backfill_eta_seconds", "Estimated seconds until the backfill reaches the head."),
		events:        c("events_total", "Events indexed."),
		blocks:        c("blocks_total", "Blocks indexed."),
		reorgs:        c("reorgs_total", "Reorgs handled by rewinding to the common ancestor."),
		deepReorgs:    c("deep_reorgs_total", "Reorgs deeper than the finality depth (the indexer stops)."),
		rangeRefusals: c("log_range_refusals_total", "eth_getLogs ranges the node refused as too large."),
		errors:        c("errors_total", "Index steps that failed and were retried."),
		reorgDepth: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "guildhall", Subsystem: "indexer",
			Name: "reorg_depth_blocks", Help: "Blocks removed by each reorg.", Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128}}),
	}
	if reg != nil {
		reg.MustRegister(m.head, m.cursor, m.lag, m.rangeSize, m.stopped, m.blocksPerSec, m.eventsPerSec, m.eta,
			m.events, m.blocks, m.reorgs, m.deepReorgs, m.rangeRefusals, m.errors, m.reorgDepth)
	}
	return m
}

// progress tracks a backfill's speed for the log line and metrics.
type progress struct {
	since          time.Time
	blocks, events uint64
	active         bool
}

// report records a batch of from..to with events events; every ProgressEvery during a backfill
// it logs blocks/s, events/s, head lag and an ETA.
func (p *progress) report(ix *Indexer, from, to, head uint64, events int) {
	now := time.Now()
	if p.since.IsZero() {
		p.since = now
	}
	p.blocks += to - from + 1
	p.events += uint64(events)
	elapsed := now.Sub(p.since)
	if elapsed < ix.cfg.ProgressEvery {
		return
	}
	bps := float64(p.blocks) / elapsed.Seconds()
	eps := float64(p.events) / elapsed.Seconds()
	lag := head - to
	ix.m.blocksPerSec.Set(bps)
	ix.m.eventsPerSec.Set(eps)
	var eta time.Duration
	if bps > 0 {
		eta = time.Duration(float64(lag) / bps * float64(time.Second))
	}
	ix.m.eta.Set(eta.Seconds())
	if lag > ix.depth || p.active {
		p.active = lag > ix.depth
		ix.log.Info("backfill progress", "block", to, "head", head, "head_lag", lag,
			"blocks_per_s", fmt.Sprintf("%.0f", bps), "events_per_s", fmt.Sprintf("%.0f", eps),
			"eta", eta.Round(time.Second).String())
	}
	p.since, p.blocks, p.events = now, 0, 0
}

// done records that the index reached the head.
func (p *progress) done(ix *Indexer, head, cursor uint64) {
	ix.m.eta.Set(0)
	if p.active {
		ix.log.Info("backfill done: following the head", "block", cursor, "head", head)
		p.active = false
	}
}
