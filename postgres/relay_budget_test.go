package postgres_test

import (
	"errors"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// A community's relay gas budget holds under concurrency, across wallets: 40 delegations from 40
// wallets, each reserving 100,000 gas against a budget of 1,050,000, leave exactly 10 reserved
// and 30 refused with a 429 whose Retry-After is the next UTC midnight. Another community and
// the next UTC day have budgets of their own. A cancelled relay gives its gas back, and a
// settled one counts what its transaction used instead of what it reserved.
func TestRelayGasBudgetHoldsAcrossWalletsAndDays(t *testing.T) {
	db := pgtest.NewDB(t)
	relays := postgres.NewGovernanceStore(db)
	bind(t, db, devChain)
	for i, id := range []string{"bakery", "florist"} {
		if err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), newCommunity(id, i+1)); err != nil {
			t.Fatal(err)
		}
	}
	budget := governance.RelayBudget{GasPerDay: 1_050_000}
	now := time.Date(2026, 12, 6, 22, 30, 0, 0, time.UTC)
	reserve := func(community string, wallet int, at time.Time) (*govchain.RelayRecord, error) {
		r := &govchain.RelayRecord{CommunityID: community, Kind: "delegation", Wallet: common.BigToAddress(big.NewInt(int64(1000 + wallet))),
			Nonce: big.NewInt(0), Gas: 100_000}
		return r, relays.ReserveRelay(t.Context(), r, governance.RelayLimit{Max: 20, Window: time.Hour}, budget, at)
	}
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	for w := range 40 {
		wg.Go(func() {
			_, err := reserve("bakery", w, now)
			var e *guildhall.Error
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &e) && e.Code == guildhall.ERATELIMITED:
				if e.RetryAfter != 90*time.Minute {
					t.Errorf("Retry-After %s, want 1h30m0s (to the next UTC midnight): %v", e.RetryAfter, err)
				}
				refused.Add(1)
			default:
				t.Errorf("reserve: %v", err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 10 || refused.Load() != 30 {
		t.Fatalf("%d reserved, %d refused; want 10 reserved (1,000,000 of 1,050,000 gas) and 30 refused", ok.Load(), refused.Load())
	}
	gasOn := func(day time.Time) map[string]uint64 {
		t.Helper()
		got, err := relays.RelayGasOn(t.Context(), day)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := gasOn(now); got["bakery"] != 1_000_000 {
		t.Fatalf("bakery's gas today = %v, want 1,000,000", got)
	}
	if _, err := reserve("florist", 0, now); err != nil {
		t.Fatalf("another community is held by bakery's budget: %v", err)
	}
	if _, err := reserve("bakery", 99, now.Add(2*time.Hour)); err != nil {
		t.Fatalf("the next UTC day is held by today's budget: %v", err)
	}

	// A cancelled relay gives its 100,000 back: one more fits today.
	if _, err := reserve("bakery", 100, now.Add(-time.Hour)); guildhall.ErrorCode(err) != guildhall.ERATELIMITED {
		t.Fatalf("an 11th relay today: %v, want ERATELIMITED", err)
	}
	first, err := reserve("bakery", 200, now.Add(-25*time.Hour)) // yesterday
	if err != nil {
		t.Fatal(err)
	}
	if err := relays.CancelRelay(t.Context(), first.ID); err != nil {
		t.Fatal(err)
	}
	if got := gasOn(now.Add(-25 * time.Hour)); got["bakery"] != 0 {
		t.Fatalf("after the cancel yesterday's gas = %v, want 0", got)
	}

	// Settled with 70,000 used instead of 100,000 reserved: 30,000 back; settling again changes nothing.
	some, err := reserve("bakery", 300, now.Add(-25*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := relays.SettleRelay(t.Context(), some.ID, 70_000); err != nil {
			t.Fatal(err)
		}
	}
	if got := gasOn(now.Add(-25 * time.Hour)); got["bakery"] != 70_000 {
		t.Fatalf("after settling yesterday's gas = %v, want 70,000", got)
	}
	if got := fmt.Sprint(gasOn(now)); got != "map[bakery:1000000 florist:100000]" {
		t.Errorf("today's gas %s changed", got)
	}
}
