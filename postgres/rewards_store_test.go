package postgres_test

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"
)

// rewardsFixture is a database with one community, one rule and one issuer.
type rewardsFixture struct {
	db     *postgres.DB
	issuer *rewards.Issuer
	rule   *rewards.Rule
}

func newRewardsFixture(t *testing.T, budget int64, rule rewards.Rule) *rewardsFixture {
	t.Helper()
	db := pgtest.NewDB(t)
	bind(t, db, devChain)
	create(t, db, newCommunity("bakery", 1))
	rule.CommunityID = "bakery"
	if rule.Activity == "" {
		rule.Activity = "purchase"
	}
	if rule.Amount == nil {
		rule.Amount = big.NewInt(10)
	}
	if err := db.PutRule(t.Context(), &rule); err != nil {
		t.Fatalf("put rule: %v", err)
	}
	iss := &rewards.Issuer{CommunityID: "bakery", Name: "till", Budget: big.NewInt(budget)}
	if err := db.CreateIssuer(t.Context(), iss, rewards.NewAPIKey()); err != nil {
		t.Fatalf("create issuer: %v", err)
	}
	return &rewardsFixture{db: db, issuer: iss, rule: &rule}
}

func wallet(n int) string { return common.BigToAddress(big.NewInt(int64(0x1000 + n))).Hex() }

func (f *rewardsFixture) accept(t *testing.T, key string, items ...rewards.Request) (*rewards.AcceptOutput, error) {
	t.Helper()
	h := sha256.Sum256(fmt.Appendf(nil, "%v", items))
	return f.db.Accept(t.Context(), rewards.AcceptInput{
		Issuer: f.issuer, IdempotencyKey: key, RequestHash: h[:], Items: items, Now: time.Now(),
		Render: func(rs []*rewards.Reward) ([]byte, error) { return fmt.Appendf(nil, "%d", rs[0].ID), nil },
	})
}

func countRewards(t *testing.T, db *postgres.DB) int {
	t.Helper()
	rs, err := db.Rewards(t.Context(), "bakery", rewards.RewardFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

// concurrently runs n accepts at once and returns how many were accepted and refused with 422.
func concurrently(t *testing.T, f *rewardsFixture, n int, item func(k int) rewards.Request) (accepted, refused int) {
	t.Helper()
	var ok, no atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for k := range n {
		wg.Go(func() {
			<-start
			_, err := f.accept(t, fmt.Sprintf("key-%d", k), item(k))
			switch guildhall.ErrorCode(err) {
			case "":
				ok.Add(1)
			case guildhall.EUNPROCESSABLE:
				no.Add(1)
			default:
				t.Errorf("accept %d: %v", k, err)
			}
		})
	}
	close(start)
	wg.Wait()
	return int(ok.Load()), int(no.Load())
}

func TestConcurrentRewardsNeverExceedTheBudget(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 370, rewards.Rule{})
	accepted, refused := concurrently(t, f, 100, func(k int) rewards.Request {
		return rewards.Request{Wallet: wallet(k), Activity: "purchase"}
	})
	if accepted != 37 || refused != 63 {
		t.Fatalf("accepted %d, refused %d; want 37 and 63", accepted, refused)
	}
	iss, err := f.db.Issuer(t.Context(), f.issuer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if iss.Spent.Int64() != 370 || iss.Remaining().Sign() != 0 {
		t.Errorf("spent %s remaining %s, want 370 and 0", iss.Spent, iss.Remaining())
	}
	if n := countRewards(t, f.db); n != 37 {
		t.Errorf("%d rewards recorded, want 37", n)
	}
}

func TestConcurrentRewardsNeverExceedAMemberCap(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1_000_000, rewards.Rule{CapPerMember: big.NewInt(370), CapPeriod: rewards.CapDay})
	accepted, refused := concurrently(t, f, 100, func(int) rewards.Request {
		return rewards.Request{Wallet: wallet(1), Activity: "purchase"}
	})
	if accepted != 37 || refused != 63 {
		t.Fatalf("accepted %d, refused %d; want 37 and 63", accepted, refused)
	}
	if n := countRewards(t, f.db); n != 37 {
		t.Errorf("%d rewards recorded, want 37", n)
	}
	// Another member has a cap of its own.
	if _, err := f.accept(t, "other", rewards.Request{Wallet: wallet(2), Activity: "purchase"}); err != nil {
		t.Errorf("another member refused: %v", err)
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1000, rewards.Rule{})
	item := rewards.Request{Wallet: wallet(1), Activity: "purchase"}

	first, err := f.accept(t, "k1", item)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("same body replays the first answer", func(t *testing.T) {
		again, err := f.accept(t, "k1", item)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Replayed || string(again.Body) != string(first.Body) {
			t.Errorf("replay = %+v, want the first body %q replayed", again, first.Body)
		}
	})
	t.Run("other body is a conflict", func(t *testing.T) {
		_, err := f.accept(t, "k1", rewards.Request{Wallet: wallet(2), Activity: "purchase"})
		assertCode(t, err, guildhall.ECONFLICT)
	})
	t.Run("concurrent replays record one reward", func(t *testing.T) {
		var wg sync.WaitGroup
		bodies := make([]string, 20)
		for k := range bodies {
			wg.Go(func() {
				out, err := f.accept(t, "k2", item)
				if err != nil {
					t.Errorf("accept: %v", err)
					return
				}
				bodies[k] = string(out.Body)
			})
		}
		wg.Wait()
		for _, b := range bodies {
			if b != bodies[0] {
				t.Fatalf("answers differ: %q", bodies)
			}
		}
	})
	if n := countRewards(t, f.db); n != 2 {
		t.Errorf("%d rewards recorded, want 2", n)
	}
	iss, _ := f.db.Issuer(t.Context(), f.issuer.ID)
	if iss.Spent.Int64() != 20 {
		t.Errorf("spent %s, want 20", iss.Spent)
	}
}

func TestBatchIsAllOrNone(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1000, rewards.Rule{CapPerMember: big.NewInt(20), CapPeriod: rewards.CapWeek})
	items := []rewards.Request{
		{Wallet: wallet(1), Activity: "purchase"},
		{Wallet: wallet(2), Activity: "purchase"},
		{Wallet: wallet(1), Activity: "purchase"},
		{Wallet: wallet(1), Activity: "purchase"}, // the third for wallet 1 passes its cap of 20
	}
	_, err := f.accept(t, "b1", items...)
	assertCode(t, err, guildhall.EUNPROCESSABLE)
	if fe := guildhall.ErrorFields(err); len(fe) != 1 || fe[0].Field != "items[3].wallet" {
		t.Errorf("fields %+v, want items[3].wallet", fe)
	}
	_, err = f.accept(t, "b2", items[0], items[1], rewards.Request{Wallet: wallet(3), Activity: "unknown"})
	assertCode(t, err, guildhall.EUNPROCESSABLE)
	if n := countRewards(t, f.db); n != 0 {
		t.Fatalf("%d rewards recorded by refused batches, want 0", n)
	}
	if _, err := f.accept(t, "b3", items[:3]...); err != nil {
		t.Fatalf("batch within the caps: %v", err)
	}
	if n := countRewards(t, f.db); n != 3 {
		t.Errorf("%d rewards recorded, want 3", n)
	}
	// The counters persisted: one more for wallet 1 this week is refused.
	_, err = f.accept(t, "b4", items[0])
	assertCode(t, err, guildhall.EUNPROCESSABLE)
}

func TestDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1000, rewards.Rule{})
	out, err := f.db.Accept(t.Context(), rewards.AcceptInput{
		Issuer: f.issuer, Items: []rewards.Request{{Wallet: wallet(1), Activity: "purchase"}}, DryRun: true, Now: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Rewards) != 1 || out.Rewards[0].Amount.Int64() != 10 {
		t.Errorf("dry run priced %+v, want one reward of 10", out.Rewards)
	}
	if n := countRewards(t, f.db); n != 0 {
		t.Errorf("dry run recorded %d rewards", n)
	}
}

func TestIssuerKeys(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1000, rewards.Rule{})
	key := rewards.NewAPIKey()
	if err := f.db.RotateIssuerKey(t.Context(), f.issuer.ID, key); err != nil {
		t.Fatal(err)
	}
	prefix, _ := rewards.KeyPrefix(key.Secret)
	got, err := f.db.IssuerByKey(t.Context(), prefix, func(h []byte) bool { return rewards.KeyMatches(key.Secret, h) })
	if err != nil || got.ID != f.issuer.ID {
		t.Fatalf("IssuerByKey = %v, %v", got, err)
	}
	_, err = f.db.IssuerByKey(t.Context(), prefix, func(h []byte) bool { return rewards.KeyMatches(key.Secret+"x", h) })
	assertCode(t, err, guildhall.EUNAUTHORIZED)
	if err := f.db.RevokeIssuer(t.Context(), f.issuer.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.IssuerByKey(t.Context(), prefix, func(h []byte) bool { return rewards.KeyMatches(key.Secret, h) })
	assertCode(t, err, guildhall.EUNAUTHORIZED)
	_, err = f.accept(t, "after-revoke", rewards.Request{Wallet: wallet(1), Activity: "purchase"})
	assertCode(t, err, guildhall.EUNAUTHORIZED)
}
