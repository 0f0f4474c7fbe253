package main

import (
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// BenchmarkServeProcesses measures, in one run on one database and one chain, the rewards accepted
// per second (POST …/rewards, one reward each, 32 clients) through one serve process and through
// three, taking turns, and the minter's takeover time over 10 SIGKILLs of its leader.
func BenchmarkServeProcesses(b *testing.B) {
	c := newE2ECluster(b)
	iss := newIssuerClient(b, c.community("bakery"))
	g := c.serveGroup(3)
	base := g.base("bakery")
	iss.retryUntil(http.MethodPut, base, "/rules/purchase", "", `{"amount":"1000000000000000000000"}`, 200)
	g.leaderOf(jobMinter, -1, time.Minute)
	for deadline := time.Now().Add(2 * time.Minute); len(g.answering(-1)) > 0; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("processes %v never answered", g.answering(-1))
		}
	}

	var seq atomic.Int64
	// accept posts n rewards from 32 clients, request k to process k mod procs, and returns how
	// long that took.
	accept := func(n, procs int) time.Duration {
		var wg sync.WaitGroup
		next := atomic.Int64{}
		start := time.Now()
		for range 32 {
			wg.Go(func() {
				for k := next.Add(1) - 1; k < int64(n); k = next.Add(1) - 1 {
					id := seq.Add(1)
					w := common.BigToAddress(big.NewInt(0x9000 + id%500))
					body := fmt.Sprintf(`{"wallet":"%s","activity":"purchase","amount":"1000","reference":"bench-%d"}`, w.Hex(), id)
					if code, resp := iss.do(http.MethodPost, base(int(k)%procs)+"/rewards", fmt.Sprintf("bench-%d", id), body); code != http.StatusAccepted {
						b.Errorf("POST /rewards = %d %s", code, resp)
						return
					}
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	}
	accept(200, 3) // warm every process's connections
	// One process and three take turns, 750 rewards at a time: each accept costs more as the
	// ledger and the derived tables grow (and the jobs that read them, on every process, with
	// them), so measuring all of one and then all of the other would charge the second for the
	// first's rewards.
	var oneTook, threeTook time.Duration
	for round := range 4 {
		o, th := accept(750, 1), accept(750, 3)
		oneTook, threeTook = oneTook+o, threeTook+th
		b.Logf("round %d: %.0f/s through one process, %.0f/s through three", round+1, 750/o.Seconds(), 750/th.Seconds())
	}
	one, three := 3000/oneTook.Seconds(), 3000/threeTook.Seconds()
	b.ReportMetric(one, "accepts/s_1proc")
	b.ReportMetric(three, "accepts/s_3procs")
	b.ReportMetric(three/one, "ratio_3to1")

	var takeovers []time.Duration
	for range 10 {
		time.Sleep(time.Second)
		_, _, took := g.killLeader(syscall.SIGKILL)
		takeovers = append(takeovers, took)
	}
	slices.Sort(takeovers)
	b.ReportMetric(float64(takeovers[len(takeovers)/2].Milliseconds()), "takeover_p50_ms")
	b.ReportMetric(float64(takeovers[len(takeovers)-1].Milliseconds()), "takeover_max_ms")
	b.Logf("accepted %.0f/s through one process, %.0f/s through three; minter takeovers over 10 SIGKILLs: %v", one, three, takeovers)
}
