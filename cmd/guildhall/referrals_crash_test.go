package main

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestReferralsPaidOnceAcrossSIGKILL runs the real binary: referred members' rewards arrive while
// `serve` is killed with SIGKILL at random moments (between accepting rewards and minting them,
// and in the middle of either) and restarted. In the end every referrer holds exactly the
// referral amount once per member it referred who reached the threshold, every other wallet
// exactly its rewards, and no batch was minted twice.
func TestReferralsPaidOnceAcrossSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end crash test")
	}
	c := newE2ECluster(t)
	iss := newIssuerClient(t, c.community("bakery"))
	s, base := c.startRestartingServe(t, "bakery")
	at := func(int) string { return base }
	iss.retryUntil(http.MethodPut, at, "/rules/purchase", "", `{"amount":"1000000000000000000000"}`, 200)
	const referralAmount, threshold = 7_000_000, 3_000_000
	iss.retryUntil(http.MethodPut, at, "/rules/referral", "", fmt.Sprintf(`{"kind":"referral","amount":"%d","qualify_after_earned":"%d"}`, referralAmount, threshold), 200)

	// 40 new members, each referred by one of 5 referrers with a first reward of 1; then 600
	// rewards over them in batches of 10, most crossing the threshold somewhere in the load.
	referred := func(i int) common.Address { return common.BigToAddress(big.NewInt(int64(0x8000 + i))) }
	referrer := func(i int) common.Address { return common.BigToAddress(big.NewInt(int64(0x9000 + i%5))) }
	want := map[common.Address]*big.Int{}
	add := func(w common.Address, v int64) {
		if want[w] == nil {
			want[w] = new(big.Int)
		}
		want[w].Add(want[w], big.NewInt(v))
	}
	var firsts []string
	for i := range 40 {
		firsts = append(firsts, fmt.Sprintf(`{"wallet":"%s","activity":"purchase","amount":"1","referrer":"%s"}`, referred(i).Hex(), referrer(i).Hex()))
		add(referred(i), 1)
	}
	iss.retryUntil(http.MethodPost, at, "/rewards:batch", "firsts", `{"items":[`+strings.Join(firsts, ",")+`]}`, 202)
	var bodies []string
	for k := 0; k < 600; k += 10 {
		var items []string
		for j := range 10 {
			i, amount := rand.IntN(40), int64(1+rand.IntN(400_000))
			add(referred(i), amount)
			items = append(items, fmt.Sprintf(`{"wallet":"%s","activity":"purchase","amount":"%d","reference":"r%d"}`, referred(i).Hex(), amount, k+j))
		}
		bodies = append(bodies, `{"items":[`+strings.Join(items, ",")+`]}`)
	}
	qualified := 0
	for i := range 40 {
		if want[referred(i)].Cmp(big.NewInt(threshold)) >= 0 {
			add(referrer(i), referralAmount)
			qualified++
		}
	}
	loadDone := iss.sendLoad(bodies, 4, func(int, int) string { return base })

	kills := s.killRepeatedly(20*time.Second, 5, 2000*time.Millisecond)
	<-loadDone
	t.Logf("serve killed %d times; %d of 40 referred members qualified", kills, qualified)
	c.checkMintedOnce("bakery", 40+600+qualified, want)
}
