package minter

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the minter's Prometheus metrics.
type Metrics struct {
	sent, confirmed, rewardsConfirmed, reverted prometheus.Counter
	gasEstimated, gasCached, gasProbes          prometheus.Counter
	failures                                    *prometheus.CounterVec
	inFlight, backingOff, parked                prometheus.Gauge
}

// Failure reasons, the label of guildhall_minter_batch_failures_total.
const (
	reasonWouldRevert   = "would_revert"   // gas estimation says mintBatch reverts (MINTER_ROLE revoked, ...)
	reasonNotGuildToken = "not_guildtoken" // the community's token does not answer batchMinted
	reasonReverted      = "reverted"       // a mined mintBatch reverted without minting the batch
	reasonError         = "error"          // anything else: the store or the node failing
)

// NewMetrics creates the minter's metrics and registers them with reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "guildhall", Subsystem: "minter", Name: name, Help: help})
	}
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "guildhall", Subsystem: "minter", Name: name, Help: help})
	}
	m := &Metrics{
		sent:             c("batches_sent_total", "Mint batches whose mintBatch transaction was recorded and sent."),
		confirmed:        c("batches_confirmed_total", "Mint batches confirmed (final, indexed events matching)."),
		rewardsConfirmed: c("rewards_confirmed_total", "Rewards confirmed."),
		reverted:         c("reverted_transactions_total", "mintBatch transactions mined and reverted without minting their batch."),
		gasEstimated:     c("gas_estimates_total", "mintBatch transactions priced by the node's gas estimate."),
		gasCached:        c("gas_cached_total", "mintBatch transactions priced from the token's probed gas per recipient, without an estimate of the batch."),
		gasProbes:        c("gas_probes_total", "Gas estimates of one- and two-recipient mintBatch calls that probe a token's gas per recipient."),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "guildhall", Subsystem: "minter", Name: "batch_failures_total",
			Help: "Attempts to move a batch on that failed; the batch waits (exponential backoff) while other batches go on."}, []string{"reason"}),
		inFlight:   g("batches_in_flight", "Batches claimed and not confirmed yet."),
		backingOff: g("batches_backing_off", "Batches waiting to be tried again after a failure."),
		parked:     g("batches_parked", "Batches not sent again until the minter restarts: their transactions reverted MaxReverts times."),
	}
	for _, r := range []string{reasonWouldRevert, reasonNotGuildToken, reasonReverted, reasonError} {
		m.failures.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.sent, m.confirmed, m.rewardsConfirmed, m.reverted, m.gasEstimated, m.gasCached, m.gasProbes, m.failures, m.inFlight, m.backingOff, m.parked)
	}
	return m
}
