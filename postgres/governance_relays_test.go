package postgres_test

import (
	"database/sql"
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
			err := relays.ReserveRelay(t.Context(), r, limit, governance.RelayBudget{}, now)
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
	r := &govchain.RelayRecord{CommunityID: "bakery", Kind: "ballot", Wallet: wallet, ProposalID: big.NewInt(100), Nonce: big.NewInt(19)}
	if err := relays.ReserveRelay(t.Context(), r, limit, governance.RelayBudget{}, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := relays.FinishRelay(t.Context(), r.ID, common.HexToHash("0xab")); err != nil {
		t.Fatal(err)
	}
	again := &govchain.RelayRecord{CommunityID: "bakery", Kind: "ballot", Wallet: wallet, ProposalID: big.NewInt(100), Nonce: big.NewInt(20)}
	err := relays.ReserveRelay(t.Context(), again, limit, governance.RelayBudget{}, now.Add(2*time.Hour))
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

// Expired nonces and sessions do not pile up: the next ones created sweep those a day past expiry.
func TestExpiredNoncesAndSessionsAreDeleted(t *testing.T) {
	db, url := pgtest.NewDBURL(t)
	sessions := postgres.NewSessionStore(db)
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	long := time.Now().Add(-48 * time.Hour)
	if err := sessions.CreateSIWENonce(t.Context(), "oldnonce1234", long); err != nil {
		t.Fatal(err)
	}
	if err := sessions.CreateSession(t.Context(), "old-session", guildhall.MemberSession{Address: "0x0000000000000000000000000000000000000001", ChainID: 1337, ExpiresAt: long}); err != nil {
		t.Fatal(err)
	}
	if err := sessions.CreateSIWENonce(t.Context(), "newnonce1234", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := sessions.CreateSession(t.Context(), "new-session", guildhall.MemberSession{Address: "0x0000000000000000000000000000000000000001", ChainID: 1337, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var nonces, live int
	if err := raw.QueryRowContext(t.Context(), `SELECT (SELECT count(*) FROM siwe_nonces), (SELECT count(*) FROM member_sessions)`).Scan(&nonces, &live); err != nil {
		t.Fatal(err)
	}
	if nonces != 1 || live != 1 {
		t.Errorf("%d nonces and %d sessions kept, want only the live one of each", nonces, live)
	}
}

// Two ballots of one voter on two proposals, signed with the same governor nonce: the second is
// refused while the first is not mined (it would revert on chain), and accepted once it is.
func TestSecondBallotWithTheSameNonceWaitsForTheFirst(t *testing.T) {
	db, url := pgtest.NewDBURL(t)
	relays := postgres.NewGovernanceStore(db)
	bind(t, db, devChain)
	if err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), newCommunity("bakery", 1)); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	voter := common.HexToAddress("0x00000000000000000000000000000000000000b2")
	now := time.Now()
	first := &govchain.RelayRecord{CommunityID: "bakery", Kind: "ballot", Wallet: voter, ProposalID: big.NewInt(1), Nonce: big.NewInt(4)}
	if err := relays.ReserveRelay(t.Context(), first, governance.RelayLimit{}, governance.RelayBudget{}, now); err != nil {
		t.Fatal(err)
	}
	second := func() error {
		r := &govchain.RelayRecord{CommunityID: "bakery", Kind: "ballot", Wallet: voter, ProposalID: big.NewInt(2), Nonce: big.NewInt(4)}
		return relays.ReserveRelay(t.Context(), r, governance.RelayLimit{}, governance.RelayBudget{}, now)
	}
	assertCode(t, second(), guildhall.ECONFLICT) // the first is still being sent
	// The sender has it, not mined yet.
	if _, err := raw.ExecContext(t.Context(), `INSERT INTO chain_txs (chain_id, key, from_address, to_address, nonce, data, gas_limit)
		VALUES (1337, $1, '0x00000000000000000000000000000000000000aa', '0x00000000000000000000000000000000000000bb', 7, '\x00', 100000)`,
		govchain.BallotRelayKey("bakery", big.NewInt(1), voter)); err != nil {
		t.Fatal(err)
	}
	if err := relays.FinishRelay(t.Context(), first.ID, common.HexToHash("0xab")); err != nil {
		t.Fatal(err)
	}
	assertCode(t, second(), guildhall.ECONFLICT)
	if _, err := raw.ExecContext(t.Context(), `UPDATE chain_txs SET state = 'mined'`); err != nil {
		t.Fatal(err)
	}
	// Mined (it may have reverted and left the nonce unused): the second may go.
	if err := second(); err != nil {
		t.Fatalf("second ballot after the first was mined: %v", err)
	}
}
