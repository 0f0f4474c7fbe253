package main

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/postgres"
)

// /metrics shows the relay's budget and each community's relayed gas of the UTC day, read from
// PostgreSQL, so every serve process shows what all of them reserved and spent; a community that
// relayed nothing today shows 0 (an alert on the share of the budget used has its series).
func TestRelayGasMetricsShowBudgetUsedPerCommunity(t *testing.T) {
	db, _ := cliDB(t, "bakery", "florist")
	store := postgres.NewGovernanceStore(db)
	for i, gas := range []uint64{150_000, 90_000} {
		r := &govchain.RelayRecord{CommunityID: "bakery", Kind: "delegation", Wallet: common.BigToAddress(big.NewInt(int64(i + 1))), Nonce: new(big.Int), Gas: gas}
		if err := store.ReserveRelay(t.Context(), r, governance.RelayLimit{}, governance.RelayBudget{GasPerDay: 1_000_000}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(&relayGasCollector{store: store, budget: 1_000_000})
	got := map[string]float64{}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			name := f.GetName()
			for _, l := range m.GetLabel() {
				name += "{" + l.GetName() + "=" + l.GetValue() + "}"
			}
			got[name] = m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{"guildhall_relay_gas_budget": 1_000_000, "guildhall_relay_gas_used{community=bakery}": 240_000,
		"guildhall_relay_gas_used{community=florist}": 0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("metrics %v, want %v", got, want)
	}
}

// Serve refuses a --delegation-min-balance that is not an amount, as a usage error.
func TestServeRefusesABadDelegationMinBalance(t *testing.T) {
	code, _, stderr := runCmd(t, nil, "serve", "--delegation-min-balance", "lots")
	if code != 2 || !strings.Contains(stderr, "--delegation-min-balance") {
		t.Errorf("exit %d, stderr %q; want 2 naming the flag", code, stderr)
	}
}
