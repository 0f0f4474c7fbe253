package main

import (
	"net/http"
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

	s, base := c.startRestartingServe(t, "bakery")
	iss.retryUntil(http.MethodPut, func(int) string { return base }, "/rules/purchase", "", `{"amount":"1000000000000000000000"}`, 200)

	// The load: 2,000 rewards over 150 wallets, in batches of 20 from 4 clients.
	const total = 2000
	bodies, want := rewardLoad(total, 20, 150)
	loadDone := iss.sendLoad(bodies, 4, func(int, int) string { return base })

	// The killer: SIGKILL serve at random moments while the load runs and while the minter
	// finishes, then restart it.
	kills := s.killRepeatedly(40*time.Second, 8, 2500*time.Millisecond)
	<-loadDone
	t.Logf("serve killed %d times", kills)
	c.checkMintedOnce("bakery", total, want)
}
