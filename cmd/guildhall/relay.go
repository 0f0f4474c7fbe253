package main

import (
	"context"
	"flag"
	"log/slog"
	"math/big"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/postgres"
)

// relayFlags are serve's bounds on what the gasless relay spends of the operator's gas.
type relayFlags struct {
	perHour    int
	gasBudget  uint64
	minBalance string
}

func (r *relayFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&r.perHour, "relay-limit", governance.DefaultRelayLimit.Max, "gasless ballots and delegations relayed per wallet per hour (0: no limit)")
	fs.Uint64Var(&r.gasBudget, "relay-gas-budget", governance.DefaultRelayBudget.GasPerDay,
		"gas the relay may spend per community per UTC day on gasless ballots and delegations; past it they answer 429 until the next UTC day (0: no budget)")
	fs.StringVar(&r.minBalance, "delegation-min-balance", "",
		"token balance a delegator must hold at the chain head for a gasless delegation, in tokens (e.g. 1 or 0.5; default: any balance above 0; 0: any wallet)")
}

// minDelegatorBalance is --delegation-min-balance in base units; nil (the default) is any balance
// above 0.
func (r *relayFlags) minDelegatorBalance() (*big.Int, error) {
	if r.minBalance == "" {
		return nil, nil
	}
	return guildhall.ParseAmount("delegation-min-balance", r.minBalance, false)
}

// startRelaySettler settles relayed gas from receipts until ctx ends (govchain.Settler), and
// registers the relay's gauges: gas used today per community and the budget.
func startRelaySettler(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn, budget uint64, registry *prometheus.Registry) {
	store := postgres.NewGovernanceStore(db)
	go (&govchain.Settler{Relays: store, Receipts: cc.client, Logger: log.With("component", "relay-settler")}).Run(ctx)
	registry.MustRegister(&relayGasCollector{store: store, budget: budget})
}

var (
	relayGasUsedDesc = prometheus.NewDesc("guildhall_relay_gas_used",
		"Gas of relayed ballots and delegations counted toward the community's budget this UTC day: the receipts' gas once final, the gas limit before.",
		[]string{"community"}, nil)
	relayGasBudgetDesc = prometheus.NewDesc("guildhall_relay_gas_budget",
		"Gas the relay may spend per community per UTC day (--relay-gas-budget; 0: no budget).", nil, nil)
)

// relayGasCollector reads each community's relayed gas of the day from PostgreSQL at every
// scrape, so every serve process shows the same figure.
type relayGasCollector struct {
	store  *postgres.GovernanceStore
	budget uint64
}

func (c *relayGasCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- relayGasUsedDesc
	ch <- relayGasBudgetDesc
}

func (c *relayGasCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(relayGasBudgetDesc, prometheus.GaugeValue, float64(c.budget))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	used, err := c.store.RelayGasOn(ctx, time.Now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(relayGasUsedDesc, err)
		return
	}
	for community, gas := range used {
		ch <- prometheus.MustNewConstMetric(relayGasUsedDesc, prometheus.GaugeValue, float64(gas), community)
	}
}
