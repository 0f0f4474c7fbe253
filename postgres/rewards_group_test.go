package postgres_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/rewards"
)

// Requests of one issuer arriving together are accepted in groups, from two processes at once,
// and the outcome is what they would give one at a time: every refusal (a member's cap, the
// budget, a key reused for another body) writes nothing, not even its key; every accepted answer
// names its own rewards and is replayed byte for byte; the budget and each member's cap are never
// passed, and the counters, members and spending agree with the ledger.
func TestGroupedAcceptsEqualOneAtATime(t *testing.T) {
	t.Parallel()
	const budget, capPerMember = 1_000, 30
	f := newRewardsFixture(t, budget, rewards.Rule{CapPerMember: big.NewInt(capPerMember), CapPeriod: rewards.CapDay})
	stores := []*postgres.RewardsStore{f.db, postgres.NewRewardsStoreOf(f.db)}
	type answer struct {
		body string
		err  error
	}
	if _, err := f.accept(t, "seed", rewards.Request{Wallet: wallet(98), Activity: "purchase"}); err != nil {
		t.Fatal(err)
	}
	const requests = 300
	answers := make([]answer, requests)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for k := range requests {
		wg.Go(func() {
			<-start
			// 40 wallets: 7 or 8 rewards of 10 each to a member with a daily cap of 30, so some
			// are refused at the cap, and the 120 the caps let through pass the budget of 1,000, so
			// others are refused there. Every 10th key is used twice with the same body (a
			// replay) and every 25th request reuses the seed's key with another body (a conflict).
			key := fmt.Sprintf("k%d", k)
			items := []rewards.Request{{Wallet: wallet(k % 40), Activity: "purchase"}}
			if k%10 == 9 {
				key = fmt.Sprintf("k%d", k-1)
				items = []rewards.Request{{Wallet: wallet((k - 1) % 40), Activity: "purchase"}}
			}
			if k%25 == 24 {
				key, items = "seed", []rewards.Request{{Wallet: wallet(99), Activity: "purchase"}}
			}
			out, err := acceptWith(t, f, stores[k%2], key, items...)
			answers[k] = answer{err: err}
			if out != nil {
				answers[k].body = string(out.Body)
			}
		})
	}
	close(start)
	wg.Wait()
	if postgres.AcceptGroups(f.db)+postgres.AcceptGroups(stores[1]) == 0 {
		t.Fatal("no requests were accepted together: the test measures nothing")
	}

	accepted := map[string]bool{}
	for k, a := range answers {
		switch code := guildhall.ErrorCode(a.err); {
		case a.err == nil:
			accepted[a.body] = true
		case code == guildhall.EUNPROCESSABLE:
		case code == guildhall.ECONFLICT && k%25 == 24:
		default:
			t.Errorf("request %d: %v", k, a.err)
		}
	}
	var ledger struct {
		Rewards int    `db:"rewards"`
		Sum     string `db:"sum"`
		Keys    int    `db:"keys"`
		Members int    `db:"members"`
		Spent   string `db:"spent"`
		Over    int    `db:"over"`
		Drift   int    `db:"drift"`
	}
	if err := f.raw.GetContext(t.Context(), &ledger, `SELECT
		(SELECT count(*) FROM rewards) AS rewards, (SELECT coalesce(sum(amount), 0)::text FROM rewards) AS sum,
		(SELECT count(*) FROM idempotency_keys WHERE status = 202) AS keys,
		(SELECT count(*) FROM members) - (SELECT count(DISTINCT wallet) FROM rewards) AS members, (SELECT spent::text FROM issuers) AS spent,
		(SELECT count(*) FROM (SELECT wallet FROM rewards GROUP BY wallet, created_at::date HAVING sum(amount) > $1) o) AS over,
		(SELECT count(*) FROM member_cap_usage u WHERE earned <> (SELECT coalesce(sum(amount), 0) FROM rewards r
			WHERE r.wallet = u.wallet AND r.created_at >= u.period_start AND r.created_at < u.period_start + interval '1 day')) AS drift`,
		capPerMember); err != nil {
		t.Fatal(err)
	}
	if ledger.Rewards != len(accepted)+1 || ledger.Keys != len(accepted)+1 {
		t.Errorf("%d distinct accepted answers and the seed, but %d rewards and %d answered keys stored", len(accepted), ledger.Rewards, ledger.Keys)
	}
	if ledger.Sum != ledger.Spent || ledger.Over != 0 || ledger.Drift != 0 {
		t.Errorf("ledger sums to %s, issuer spent %s; %d member-days over the cap; %d counters differ from the ledger", ledger.Sum, ledger.Spent, ledger.Over, ledger.Drift)
	}
	if s, _ := new(big.Int).SetString(ledger.Spent, 10); s.Int64() != budget || ledger.Members != 0 {
		t.Errorf("spent %s of a budget of %d (want all of it); members minus rewarded wallets = %d, want 0", ledger.Spent, budget, ledger.Members)
	}
	// Every accepted answer names a reward of its own, and each key replays its answer.
	for k, a := range answers {
		if a.err != nil || k%25 == 24 {
			continue
		}
		key := fmt.Sprintf("k%d", k-k%10/9)
		again, err := acceptWith(t, f, f.db, key, rewards.Request{Wallet: wallet((k - k%10/9) % 40), Activity: "purchase"})
		if err != nil || !again.Replayed || string(again.Body) != a.body {
			t.Errorf("request %d replayed as %+v, %v; want %q", k, again, err, a.body)
		}
	}
}

func acceptWith(t *testing.T, f *rewardsFixture, s *postgres.RewardsStore, key string, items ...rewards.Request) (*rewards.AcceptOutput, error) {
	t.Helper()
	h := sha256.Sum256(fmt.Appendf(nil, "%v", items))
	return s.Accept(t.Context(), rewards.AcceptInput{
		Issuer: f.issuer, IdempotencyKey: key, RequestHash: h[:], Items: items, Now: time.Now(),
		Render: func(rs []*rewards.Reward) ([]byte, error) { return fmt.Appendf(nil, "%d", rs[0].ID), nil },
	})
}

// A request of an issuer whose transaction is slow (here its answer takes a while to render, which
// happens after its rewards are written) does not hold up the issuer's requests in another process
// (nor, with maxGroupRunners above one, in its own): they are recorded meanwhile, and the slow
// one commits after them, the issuer's spending counting them all.
func TestSlowRequestDoesNotHoldUpTheIssuersOthers(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1_000, rewards.Rule{})
	rendering, release := make(chan struct{}, 1), make(chan struct{})
	slow := make(chan error, 1)
	go func() {
		h := sha256.Sum256([]byte("slow"))
		_, err := f.db.Accept(context.Background(), rewards.AcceptInput{
			Issuer: f.issuer, IdempotencyKey: "slow", RequestHash: h[:], Now: time.Now(),
			Items: []rewards.Request{{Wallet: wallet(1), Activity: "purchase"}},
			Render: func([]*rewards.Reward) ([]byte, error) {
				select {
				case rendering <- struct{}{}:
				default:
				}
				<-release
				return []byte("slow"), nil
			},
		})
		slow <- err
	}()
	<-rendering
	others := []*postgres.RewardsStore{postgres.NewRewardsStoreOf(f.db)}
	if postgres.MaxGroupRunners > 1 {
		others = append(others, f.db)
	}
	for k, s := range others {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		h := sha256.Sum256(fmt.Appendf(nil, "other %d", k))
		_, err := s.Accept(ctx, rewards.AcceptInput{Issuer: f.issuer, IdempotencyKey: fmt.Sprint("other-", k), RequestHash: h[:],
			Now: time.Now(), Items: []rewards.Request{{Wallet: wallet(2 + k), Activity: "purchase"}}})
		cancel()
		if err != nil {
			t.Errorf("request %d while another of the issuer is being recorded: %v", k, err)
		}
	}
	close(release)
	if err := <-slow; err != nil {
		t.Fatalf("slow request: %v", err)
	}
	var spent string
	if err := f.raw.GetContext(t.Context(), &spent, `SELECT spent::text FROM issuers`); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint(10 * (1 + len(others))); spent != want {
		t.Errorf("issuer spent %s, want %s: %d rewards of 10", spent, want, 1+len(others))
	}
}
