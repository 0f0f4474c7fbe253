package main

import (
	"math/rand/v2"
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestRewardsSurviveSIGKILL runs the real binary: a dev chain in its own process, and `serve`
// killed with SIGKILL at random moments while thousands of rewards arrive, and restarted each
// time. In the end every wallet holds exactly the sum of its accepted rewards, no batch was minted
// twice and every reward is confirmed.
func TestRewardsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end crash test")
	}
	c := newE2ECluster(t)
	iss := newIssuerClient(t, c.community("bakery"))

	httpAddr := freeAddr(t)
	base := "http://" + httpAddr + "/v1/communities/bakery"
	var serveMu sync.Mutex
	var serve *exec.Cmd
	startServe := func() {
		serveMu.Lock()
		defer serveMu.Unlock()
		serve = c.start(c.serveArgs(httpAddr)...)
	}
	startServe()
	t.Cleanup(func() { serveMu.Lock(); _ = serve.Process.Kill(); _ = serve.Wait(); serveMu.Unlock() })
	iss.retryUntil(http.MethodPut, func(int) string { return base }, "/rules/purchase", "", `{"amount":"1000000000000000000000"}`, 200)

	// The load: 2,000 rewards over 150 wallets, in batches of 20 from 4 clients.
	const total = 2000
	bodies, want := rewardLoad(total, 20, 150)
	loadDone := iss.sendLoad(bodies, 4, func(int, int) string { return base })

	// The killer: SIGKILL serve at random moments while the load runs and while the minter
	// finishes, then restart it.
	kills := 0
	killUntil := time.Now().Add(40 * time.Second)
	for time.Now().Before(killUntil) || kills < 8 {
		time.Sleep(time.Duration(300+rand.IntN(2500)) * time.Millisecond)
		serveMu.Lock()
		_ = serve.Process.Signal(syscall.SIGKILL)
		_ = serve.Wait()
		serveMu.Unlock()
		kills++
		startServe()
	}
	<-loadDone
	t.Logf("serve killed %d times", kills)
	c.checkMintedOnce("bakery", total, want)
}
