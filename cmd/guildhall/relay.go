package main

import (
	"context"
	"flag"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
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

// startRelaySettler settles relayed gas from receipts and finishes, through svc, the relays a
// dead process left reserved until ctx ends (govchain.Settler), and registers the relay's gauges:
// gas used today per community and the budget. Every process runs it: each stranded relay is sent
// under its sender key, once however many processes try.
func startRelaySettler(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn, svc *govchain.Service, budget uint64, registry *prometheus.Registry) {
	store := postgres.NewGovernanceStore(db)
	go (&govchain.Settler{Relays: store, Receipts: cc.client, Stranded: svc, Logger: log.With("component", "relay-settler")}).Run(ctx)
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

// watchOperatorBalance samples the operator's ETH balance every minute until ctx ends, registers
// it and its last day's spend as gauges, and returns /readyz's warnings: one when the balance is
// less than that spend (chain.BalanceWatch).
func watchOperatorBalance(ctx context.Context, log *slog.Logger, cc *chainConn, registry *prometheus.Registry) func() []string {
	w := &chain.BalanceWatch{Client: cc.client, Account: crypto.PubkeyToAddress(cc.operator.PublicKey)}
	go w.Run(ctx, time.Minute, log.With("component", "balance-watch"))
	registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "guildhall_operator_balance_wei",
			Help: "The operator account's ETH balance, in wei, sampled every minute."}, func() float64 {
			bal, _ := w.Balance()
			return weiFloat(bal)
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "guildhall_operator_spend_last_day_wei",
			Help: "What the operator account spent (every fall of its balance) over the last day of samples, in wei."}, func() float64 {
			spent, _ := w.Spend()
			return weiFloat(spent)
		}))
	return func() []string {
		if warn := w.Warning(); warn != "" {
			return []string{warn}
		}
		return nil
	}
}

func weiFloat(v *big.Int) float64 {
	if v == nil {
		return 0
	}
	f, _ := new(big.Float).SetInt(v).Float64()
	return f
}
