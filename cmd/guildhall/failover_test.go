package main

import (
	"net/http"
	"syscall"
	"testing"
	"time"
)

// TestFailoverAcrossThreeProcesses runs three serve processes on one database and one chain.
// Rewards go round-robin to all three while the process leading the minter is killed several
// times (SIGKILL, and once frozen with SIGSTOP as a hung host would be): another process takes
// each lead within seconds, the survivors keep answering, and in the end every accepted reward is
// confirmed exactly once.
func TestFailoverAcrossThreeProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end failover test")
	}
	c := newE2ECluster(t)
	iss := newIssuerClient(t, c.community("bakery"))
	g := c.serveGroup(3)
	base := g.base("bakery")
	iss.retryUntil(http.MethodPut, base, "/rules/purchase", "", `{"amount":"1000000000000000000000"}`, 200)
	g.leaderOf(jobMinter, -1, time.Minute)
	g.leaderOf(jobIndexer, -1, time.Minute)

	// 1,200 rewards in batches of 20 from 3 clients, each request to the next process round
	// the ring, and to the next again when one does not answer.
	const total = 1200
	bodies, want := rewardLoad(total, 20, 120)
	loadDone := iss.sendLoad(bodies, 3, func(k, attempt int) string { return base(k + attempt) })

	var takeovers []time.Duration
	layouts := map[string]int{}
	for round, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGKILL} {
		time.Sleep(1500 * time.Millisecond)
		minter, _ := g.leaderOf(jobMinter, -1, 30*time.Second)
		if indexer, _ := g.leaderOf(jobIndexer, -1, 30*time.Second); indexer == minter {
			layouts["same process"]++
		} else {
			layouts["different processes"]++
		}
		victim, next, took := g.killLeader(sig)
		takeovers = append(takeovers, took)
		name := map[syscall.Signal]string{syscall.SIGKILL: "SIGKILL", syscall.SIGSTOP: "SIGSTOP"}[sig]
		t.Logf("round %d: %s to process %d (leading the minter); process %d led within %s", round+1, name, victim, next, took.Round(time.Millisecond))
	}
	<-loadDone
	t.Logf("minter takeovers %v; lead layouts seen %v", takeovers, layouts)
	c.checkMintedOnce("bakery", total, want)
}
