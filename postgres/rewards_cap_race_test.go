package postgres_test

import (
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

// A member's cap holds while the issuer keeps replacing the rule under concurrent rewards: cap
// counters are kept per rule, so a request priced with the old rule and one with the new must
// still see each other's rewards.
func TestCapHoldsWhileTheRuleChangesConcurrently(t *testing.T) {
	t.Parallel()
	const limit = 100
	f := newRewardsFixture(t, 1_000_000, rewards.Rule{CapPerMember: big.NewInt(limit), CapPeriod: rewards.CapWeek})
	var done atomic.Bool
	var wg sync.WaitGroup
	// The issuer flips the rule's amount between 10 and 20, same cap and period, as fast as it can.
	wg.Go(func() {
		for i := 0; !done.Load(); i++ {
			err := f.db.PutRule(t.Context(), &rewards.Rule{CommunityID: "bakery", Activity: "purchase",
				Amount: big.NewInt(int64(10 + 10*(i%2))), CapPerMember: big.NewInt(limit), CapPeriod: rewards.CapWeek})
			if err != nil {
				t.Errorf("put rule: %v", err)
				return
			}
		}
	})
	var accepted, refused atomic.Int64
	var clients sync.WaitGroup
	for c := range 8 {
		clients.Go(func() {
			for i := range 40 {
				_, err := f.accept(t, fmt.Sprintf("c%d-%d", c, i), rewards.Request{Wallet: wallet(1), Activity: "purchase"})
				switch guildhall.ErrorCode(err) {
				case "":
					accepted.Add(1)
				case guildhall.EUNPROCESSABLE:
					refused.Add(1)
				default:
					t.Errorf("accept: %v", err)
				}
			}
		})
	}
	clients.Wait()
	done.Store(true)
	wg.Wait()

	var earned string
	if err := f.raw.GetContext(t.Context(), &earned, `SELECT coalesce(max(s), 0)::text FROM (SELECT sum(amount) AS s FROM rewards WHERE wallet = $1
			GROUP BY date_trunc('week', created_at AT TIME ZONE 'UTC')) w`, wallet(1)); err != nil {
		t.Fatal(err)
	}
	if e, _ := new(big.Int).SetString(earned, 10); e.Cmp(big.NewInt(limit)) > 0 || accepted.Load() == 0 || refused.Load() == 0 {
		t.Fatalf("the member earned %s in one week against a cap of %d (%d accepted, %d refused)", earned, limit, accepted.Load(), refused.Load())
	}
}
