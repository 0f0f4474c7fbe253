package main

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
)

// Test hooks: environment variables with which the end-to-end failover test puts a serve process
// exactly where a crash hurts most. Unset (always, outside the tests) they change nothing.
const (
	// envSkipJobs lists jobs (indexer, minter; comma-separated) this process never queues to
	// lead, so that the test can place each lead on a process of its choosing.
	envSkipJobs = "GUILDHALL_TEST_SKIP_JOBS"
	// envHoldAnswer names an Idempotency-Key whose first successful answer (not a replay) this
	// process holds back for good once the ledger has committed it, after logging "holding back
	// the answer", so that the test can kill it between a commit and its answer.
	envHoldAnswer = "GUILDHALL_TEST_HOLD_ANSWER"
	// envHoldRelay names a wallet whose relayed ballot or delegation this process, once it has
	// committed the relay's reservation, holds for good before sending it, after logging
	// "holding a reserved relay", as a process killed or hung between the two would.
	envHoldRelay = "GUILDHALL_TEST_HOLD_RELAY"
)

// skipsJob reports whether envSkipJobs names job.
func skipsJob(getenv func(string) string, job string) bool {
	return slices.Contains(strings.Split(getenv(envSkipJobs), ","), job)
}

// holdAnswer wraps h with envHoldAnswer's hook when key is set.
func holdAnswer(h http.Handler, key string, log *slog.Logger) http.Handler {
	if key == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Idempotency-Key") == key {
			w = &heldWriter{ResponseWriter: w, log: log, host: r.Host}
		}
		h.ServeHTTP(w, r)
	})
}

type heldWriter struct {
	http.ResponseWriter
	log  *slog.Logger
	host string
}

func (w *heldWriter) WriteHeader(code int) {
	if code/100 == 2 && w.Header().Get("Idempotent-Replayed") == "" {
		w.log.Warn("holding back the answer", "host", w.host, "hook", envHoldAnswer)
		select {} // until the process is killed
	}
	w.ResponseWriter.WriteHeader(code)
}

// holdRelay wraps store with envHoldRelay's hook when wallet is set.
func holdRelay(store govchain.RelayStore, wallet string, log *slog.Logger, host string) govchain.RelayStore {
	if wallet == "" {
		return store
	}
	return heldRelays{RelayStore: store, wallet: common.HexToAddress(wallet), log: log, host: host}
}

type heldRelays struct {
	govchain.RelayStore
	wallet common.Address
	log    *slog.Logger
	host   string
}

func (h heldRelays) ReserveRelay(ctx context.Context, r *govchain.RelayRecord, limit governance.RelayLimit, budget governance.RelayBudget, now time.Time) error {
	if err := h.RelayStore.ReserveRelay(ctx, r, limit, budget, now); err != nil || r.Wallet != h.wallet {
		return err
	}
	h.log.Warn("holding a reserved relay", "host", h.host, "wallet", r.Wallet.Hex(), "hook", envHoldRelay)
	select {} // until the process is killed
}
