package postgres_test

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"
)

// rewardsFixture is a database with one community, one rule and one issuer (whose key is kept),
// and a plain connection to read the tables the store writes.
type rewardsFixture struct {
	db     *postgres.RewardsStore
	raw    *sqlx.DB
	issuer *rewards.Issuer
	key    rewards.APIKey
	rule   *rewards.Rule
}

func newRewardsFixture(t *testing.T, budget int64, rule rewards.Rule) *rewardsFixture {
	t.Helper()
	db, raw := pgtest.NewDBRaw(t)
	bind(t, db, devChain)
	create(t, db, newCommunity("bakery", 1))
	rule.CommunityID = "bakery"
	if rule.Activity == "" {
		rule.Activity = "purchase"
	}
	if rule.Amount == nil {
		rule.Amount = big.NewInt(10)
	}
	store := postgres.NewRewardsStore(db)
	if err := store.PutRule(t.Context(), &rule); err != nil {
		t.Fatalf("put rule: %v", err)
	}
	iss := &rewards.Issuer{CommunityID: "bakery", Name: "till", Budget: big.NewInt(budget)}
	key := rewards.NewAPIKey()
	if err := store.CreateIssuer(t.Context(), iss, key); err != nil {
		t.Fatalf("create issuer: %v", err)
	}
	return &rewardsFixture{db: store, raw: raw, issuer: iss, key: key, rule: &rule}
}

// acceptWrites are the tables an accepted reward writes to: the ledger, the idempotency key,
// the member, its cap counters and the issuer's spent budget.
var acceptWrites = []string{"rewards", "idempotency_keys", "members", "member_cap_usage", "issuers"}

// tablesState renders every row of tables, so two states compare equal only when nothing in
// them was inserted, changed or deleted.
func tablesState(t *testing.T, raw *sqlx.DB, tables ...string) string {
	t.Helper()
	var b strings.Builder
	for _, table := range tables {
		var rows string
		if err := raw.GetContext(t.Context(), &rows, `SELECT coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '') FROM `+table+` x`); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:\n%s\n", table, rows)
	}
	return b.String()
}

// acceptAt accepts items as if at now; batch marks them as a rewards:batch request.
func (f *rewardsFixture) acceptAt(t *testing.T, key string, now time.Time, batch bool, items ...rewards.Request) (*rewards.AcceptOutput, error) {
	t.Helper()
	h := sha256.Sum256(fmt.Appendf(nil, "%v", items))
	return f.db.Accept(t.Context(), rewards.AcceptInput{
		Issuer: f.issuer, IdempotencyKey: key, RequestHash: h[:], Items: items, Batch: batch, Now: now,
		Render: func(rs []*rewards.Reward) ([]byte, error) { return fmt.Appendf(nil, "%d", rs[0].ID), nil },
	})
}

func wallet(n int) string { return common.BigToAddress(big.NewInt(int64(0x1000 + n))).Hex() }

func (f *rewardsFixture) accept(t *testing.T, key string, items ...rewards.Request) (*rewards.AcceptOutput, error) {
	t.Helper()
	return acceptWith(t, f, f.db, key, items...)
}

func countRewards(t *testing.T, db *postgres.RewardsStore) int {
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

// A key works until it is rotated or revoked, and then never again; a rotation's new key works
// until the revocation.
func TestIssuerKeys(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1000, rewards.Rule{})
	byKey := func(secret string) (*rewards.Issuer, error) {
		prefix, ok := rewards.KeyPrefix(secret)
		if !ok {
			t.Fatalf("%q is not a key", secret)
		}
		return f.db.IssuerByKey(t.Context(), prefix, func(h []byte) bool { return rewards.KeyMatches(secret, h) })
	}
	old := f.key
	if got, err := byKey(old.Secret); err != nil || got.ID != f.issuer.ID {
		t.Fatalf("the first key before rotation: %v, %v", got, err)
	}
	key := rewards.NewAPIKey()
	if err := f.db.RotateIssuerKey(t.Context(), f.issuer.ID, key); err != nil {
		t.Fatal(err)
	}
	_, err := byKey(old.Secret)
	assertCode(t, err, guildhall.EUNAUTHORIZED)
	got, err := byKey(key.Secret)
	if err != nil || got.ID != f.issuer.ID || got.KeyPrefix != key.Prefix {
		t.Fatalf("the rotated key: %+v, %v", got, err)
	}
	// A key of the right prefix but another secret is refused.
	prefix, _ := rewards.KeyPrefix(key.Secret)
	_, err = f.db.IssuerByKey(t.Context(), prefix, func(h []byte) bool { return rewards.KeyMatches(key.Secret+"x", h) })
	assertCode(t, err, guildhall.EUNAUTHORIZED)
	// The API may find an issuer in its cache of keys: the transaction that records the rewards
	// checks the presented key again, so a rotated-out key records nothing, the current one does.
	withKey := func(secret, idem string) error {
		h := sha256.Sum256([]byte(idem))
		_, err := f.db.Accept(t.Context(), rewards.AcceptInput{Issuer: f.issuer, KeyHash: rewards.HashKey(secret),
			IdempotencyKey: idem, RequestHash: h[:], Items: []rewards.Request{{Wallet: wallet(2), Activity: "purchase"}}, Now: time.Now(),
			Render: func(rs []*rewards.Reward) ([]byte, error) { return []byte("ok"), nil }})
		return err
	}
	assertCode(t, withKey(old.Secret, "cached-old"), guildhall.EUNAUTHORIZED)
	if err := withKey(key.Secret, "cached-new"); err != nil {
		t.Fatalf("an accept with the current key: %v", err)
	}
	if n := countRewards(t, f.db); n != 1 {
		t.Fatalf("%d rewards recorded, want only the current key's", n)
	}

	if err := f.db.RevokeIssuer(t.Context(), f.issuer.ID); err != nil {
		t.Fatal(err)
	}
	// Revoked, the key records nothing and replays nothing.
	assertCode(t, withKey(key.Secret, "cached-new"), guildhall.EUNAUTHORIZED)
	assertCode(t, withKey(key.Secret, "cached-after"), guildhall.EUNAUTHORIZED)
	for name, secret := range map[string]string{"first": old.Secret, "rotated": key.Secret} {
		if _, err := byKey(secret); guildhall.ErrorCode(err) != guildhall.EUNAUTHORIZED {
			t.Errorf("the %s key after revocation: %v, want EUNAUTHORIZED", name, err)
		}
	}
	_, err = f.accept(t, "after-revoke", rewards.Request{Wallet: wallet(1), Activity: "purchase"})
	assertCode(t, err, guildhall.EUNAUTHORIZED)
	// A revoked issuer gets no new key, and an unknown one is not found.
	assertCode(t, f.db.RotateIssuerKey(t.Context(), f.issuer.ID, rewards.NewAPIKey()), guildhall.ECONFLICT)
	assertCode(t, f.db.RotateIssuerKey(t.Context(), f.issuer.ID+100, rewards.NewAPIKey()), guildhall.ENOTFOUND)
	assertCode(t, f.db.RevokeIssuer(t.Context(), f.issuer.ID+100), guildhall.ENOTFOUND)
}

// Every refused request, and a dry run, leaves every table the accept path writes as it was:
// no reward, idempotency key, member, cap counter or spent budget.
func TestRefusedAndDryRunAcceptsWriteNothing(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 100, rewards.Rule{CapPerMember: big.NewInt(20), CapPeriod: rewards.CapDay})
	if err := f.db.PutRule(t.Context(), &rewards.Rule{CommunityID: "bakery", Activity: "visit", Amount: big.NewInt(60)}); err != nil {
		t.Fatal(err)
	}
	// Some history, so refusals meet existing rows: a member with a counter, a used key, spent 20.
	if _, err := f.accept(t, "seen", rewards.Request{Wallet: wallet(1), Activity: "purchase"}, rewards.Request{Wallet: wallet(1), Activity: "purchase"}); err != nil {
		t.Fatal(err)
	}
	other := &rewards.Issuer{CommunityID: "bakery", Name: "gone", Budget: big.NewInt(100)}
	if err := f.db.CreateIssuer(t.Context(), other, rewards.NewAPIKey()); err != nil {
		t.Fatal(err)
	}
	if err := f.db.RevokeIssuer(t.Context(), other.ID); err != nil {
		t.Fatal(err)
	}
	before := tablesState(t, f.raw, acceptWrites...)

	item := func(w int, activity string) rewards.Request {
		return rewards.Request{Wallet: wallet(w), Activity: activity}
	}
	tests := []struct {
		name  string
		key   string
		items []rewards.Request
		code  string
	}{
		{"unknown activity", "k1", []rewards.Request{item(2, "yoga")}, guildhall.EUNPROCESSABLE},
		{"amount over the rule", "k2", []rewards.Request{{Wallet: wallet(2), Activity: "purchase", Amount: big.NewInt(11)}}, guildhall.EUNPROCESSABLE},
		{"member cap already used", "k3", []rewards.Request{item(1, "purchase")}, guildhall.EUNPROCESSABLE},
		{"cap passed within the batch", "k4", []rewards.Request{item(2, "purchase"), item(3, "purchase"), item(2, "purchase"), item(2, "purchase")}, guildhall.EUNPROCESSABLE},
		{"budget passed", "k5", []rewards.Request{item(2, "visit"), item(3, "visit")}, guildhall.EUNPROCESSABLE},
		{"one bad item of many", "k6", []rewards.Request{item(2, "purchase"), item(3, "visit"), item(4, "yoga")}, guildhall.EUNPROCESSABLE},
		{"key reused with another body", "seen", []rewards.Request{item(5, "purchase")}, guildhall.ECONFLICT},
	}
	for _, tt := range tests {
		_, err := f.accept(t, tt.key, tt.items...)
		if guildhall.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	_, err := f.db.Accept(t.Context(), rewards.AcceptInput{Issuer: other, IdempotencyKey: "k7", RequestHash: []byte{1},
		Items: []rewards.Request{item(2, "purchase")}, Now: time.Now()})
	assertCode(t, err, guildhall.EUNAUTHORIZED)
	out, err := f.db.Accept(t.Context(), rewards.AcceptInput{Issuer: f.issuer, Items: []rewards.Request{item(2, "purchase"), item(3, "visit")}, DryRun: true, Now: time.Now()})
	if err != nil || len(out.Rewards) != 2 {
		t.Fatalf("dry run = %+v, %v", out, err)
	}

	if after := tablesState(t, f.raw, acceptWrites...); after != before {
		t.Errorf("refused requests and a dry run changed the tables\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// A member row appears with a wallet's first accepted reward, not with a dry run or a refused
// request, and later rewards keep it as it is.
func TestMemberCreatedOnFirstReward(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 15, rewards.Rule{})
	member := func() (n int, first time.Time) {
		t.Helper()
		var rows []time.Time
		if err := f.raw.SelectContext(t.Context(), &rows, `SELECT first_rewarded_at FROM members WHERE community_id = 'bakery' AND wallet = $1`, wallet(1)); err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			return 0, time.Time{}
		}
		return len(rows), rows[0]
	}
	item := rewards.Request{Wallet: wallet(1), Activity: "purchase"}

	if _, err := f.db.Accept(t.Context(), rewards.AcceptInput{Issuer: f.issuer, Items: []rewards.Request{item}, DryRun: true, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if n, _ := member(); n != 0 {
		t.Fatal("a dry run created the member")
	}
	_, err := f.accept(t, "two", item, item) // 20 > the budget of 15
	assertCode(t, err, guildhall.EUNPROCESSABLE)
	if n, _ := member(); n != 0 {
		t.Fatal("a refused request created the member")
	}
	if _, err := f.accept(t, "one", item); err != nil {
		t.Fatal(err)
	}
	n, first := member()
	if n != 1 || first.IsZero() {
		t.Fatalf("after the first reward: %d member rows, first rewarded %v; want one", n, first)
	}
	if err := f.db.PutRule(t.Context(), &rewards.Rule{CommunityID: "bakery", Activity: "visit", Amount: big.NewInt(5)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.accept(t, "again", rewards.Request{Wallet: wallet(1), Activity: "visit"}); err != nil {
		t.Fatal(err)
	}
	if n2, first2 := member(); n2 != 1 || !first2.Equal(first) {
		t.Errorf("after a second reward: %d rows, first rewarded %v; want the row unchanged (%v)", n2, first2, first)
	}
}

// A request sent as a batch names its items in field errors ("items[0].wallet") even when it
// holds one item; a single reward names the bare field.
func TestBatchFieldErrorsNameTheItem(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1000, rewards.Rule{CapPerMember: big.NewInt(20), CapPeriod: rewards.CapDay})
	now := time.Now()
	for k := range 2 {
		if _, err := f.accept(t, fmt.Sprint("fill-", k), rewards.Request{Wallet: wallet(1), Activity: "purchase"}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		item  rewards.Request
		field string
	}{
		{"cap", rewards.Request{Wallet: wallet(1), Activity: "purchase"}, "wallet"},
		{"no rule", rewards.Request{Wallet: wallet(2), Activity: "yoga"}, "activity"},
		{"over the rule", rewards.Request{Wallet: wallet(2), Activity: "purchase", Amount: big.NewInt(11)}, "amount"},
	}
	for _, tt := range tests {
		for _, batch := range []bool{true, false} {
			_, err := f.acceptAt(t, fmt.Sprint(tt.name, batch), now, batch, tt.item)
			assertCode(t, err, guildhall.EUNPROCESSABLE)
			want := tt.field
			if batch {
				want = "items[0]." + tt.field
			}
			if fe := guildhall.ErrorFields(err); len(fe) != 1 || fe[0].Field != want {
				t.Errorf("%s (batch %v): fields %+v, want %s", tt.name, batch, fe, want)
			}
		}
	}
}

// A cap holds across rule changes: a rule changed from "day" to "week" mid-week counts the whole
// week's rewards against the week's cap (not the Monday's day counter, which shares the week's
// start), and a change back counts the whole day's rewards.
func TestCapHoldsAcrossRuleChanges(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1_000_000, rewards.Rule{CapPerMember: big.NewInt(20), CapPeriod: rewards.CapDay})
	monday := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC) // a Monday: it starts a day and a week
	wednesday := monday.AddDate(0, 0, 2)
	n := 0
	// give rewards the member one reward of 10 at a time until one is refused; it returns how many
	// were accepted and the refusal.
	give := func(at time.Time) (int, error) {
		t.Helper()
		for k := 0; ; k++ {
			n++
			if _, err := f.acceptAt(t, fmt.Sprint("r", n), at, false, rewards.Request{Wallet: wallet(1), Activity: "purchase"}); err != nil {
				if guildhall.ErrorCode(err) != guildhall.EUNPROCESSABLE {
					t.Fatalf("accept: %v", err)
				}
				return k, err
			}
			if k > 20 {
				t.Fatal("no cap")
			}
		}
	}
	setRule := func(limit int64, period rewards.CapPeriod) {
		t.Helper()
		if err := f.db.PutRule(t.Context(), &rewards.Rule{CommunityID: "bakery", Activity: "purchase", Amount: big.NewInt(10),
			CapPerMember: big.NewInt(limit), CapPeriod: period}); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name   string
		change func()
		at     time.Time
		want   int
		used   string // what the refusal says the member has earned
	}{
		{"Monday, 20 a day", nil, monday, 2, "has 20 this day"},
		{"Wednesday, 20 a day", nil, wednesday, 2, "has 20 this day"},
		// 40 this week: 20 more up to 60. Monday's day counter (20) must not be taken for the week's.
		{"Wednesday, changed to 60 a week", func() { setRule(60, rewards.CapWeek) }, wednesday, 2, "has 60 this week"},
		// 40 this Wednesday: nothing more up to 30, though the day counter of the first day rule says 20.
		{"Wednesday, changed back to 30 a day", func() { setRule(30, rewards.CapDay) }, wednesday, 0, "has 40 this day"},
		// Back to a week, of 70: the week has 60, whatever the counter of the first week rule says.
		{"Wednesday, changed to 70 a week", func() { setRule(70, rewards.CapWeek) }, wednesday, 1, "has 70 this week"},
		{"next Monday, a new week", nil, monday.AddDate(0, 0, 7), 7, "has 70 this week"},
	}
	for _, s := range steps {
		if s.change != nil {
			s.change()
		}
		got, err := give(s.at)
		if got != s.want {
			t.Errorf("%s: %d rewards accepted, want %d", s.name, got, s.want)
		}
		if err == nil || !strings.Contains(err.Error(), s.used) {
			t.Errorf("%s: refusal %v, want it to say %q", s.name, err, s.used)
		}
	}
}
