package postgres_test

import (
	"errors"
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

func TestRelayLimitHoldsUnderConcurrency(t *testing.T) {
	db := pgtest.NewDB(t)
	relays := postgres.NewGovernanceStore(db)
	bind(t, db, devChain)
	if err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), newCommunity("bakery", 1)); err != nil {
		t.Fatal(err)
	}
	wallet := common.HexToAddress("0x00000000000000000000000000000000000000a1")
	limit := governance.RelayLimit{Max: 3, Window: time.Hour}
	now := time.Now()
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			r := &govchain.RelayRecord{CommunityID: "bakery", Kind: "ballot", Wallet: wallet, ProposalID: big.NewInt(int64(i)), Nonce: big.NewInt(int64(i))}
			err := relays.ReserveRelay(t.Context(), r, limit, now)
			var e *guildhall.Error
			switch guildhall.ErrorCode(err) {
			case "":
				ok.Add(1)
			case guildhall.ERATELIMITED:
				// Room opens again an hour after the first relay, which was sent at now.
				if errors.As(err, &e); e.RetryAfter.Round(time.Millisecond) != time.Hour { // the database keeps microseconds
					t.Errorf("retry after %s, want 1h: %v", e.RetryAfter, err)
				}
				refused.Add(1)
			default:
				t.Errorf("reserve: %v", err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 3 || refused.Load() != 7 {
		t.Fatalf("%d reserved, %d refused; want exactly the limit of 3 reserved", ok.Load(), refused.Load())
	}
	// An hour later the window has room again; the same ballot twice is refused.
	r := &govchain.RelayRecord{CommunityID: "bakery", Kind: "ballot", Wallet: wallet, ProposalID: big.NewInt(100), Nonce: big.NewInt(9)}
	if err := relays.ReserveRelay(t.Context(), r, limit, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := relays.FinishRelay(t.Context(), r.ID, common.HexToHash("0xab")); err != nil {
		t.Fatal(err)
	}
	again := &govchain.RelayRecord{CommunityID: "bakery", Kind: "ballot", Wallet: wallet, ProposalID: big.NewInt(100), Nonce: big.NewInt(10)}
	err := relays.ReserveRelay(t.Context(), again, limit, now.Add(2*time.Hour))
	assertCode(t, err, guildhall.EUNPROCESSABLE)
}

func TestSignInNonceIsSingleUseAndExpires(t *testing.T) {
	sessions := postgres.NewSessionStore(pgtest.NewDB(t))
	now := time.Now()
	if err := sessions.CreateSIWENonce(t.Context(), "abcdefgh1234", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := sessions.UseSIWENonce(t.Context(), "abcdefgh1234", now); err != nil {
		t.Fatal(err)
	}
	assertCode(t, sessions.UseSIWENonce(t.Context(), "abcdefgh1234", now), guildhall.EUNAUTHORIZED)
	assertCode(t, sessions.UseSIWENonce(t.Context(), "neverissued1", now), guildhall.EUNAUTHORIZED)
	if err := sessions.CreateSIWENonce(t.Context(), "expiring1234", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	assertCode(t, sessions.UseSIWENonce(t.Context(), "expiring1234", now.Add(2*time.Minute)), guildhall.EUNAUTHORIZED)
}
