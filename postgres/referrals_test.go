package postgres_test

import (
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

// referralWrites are the tables a reward with a referrer, or a referral paid, writes to.
var referralWrites = append([]string{"referrals"}, acceptWrites...)

// putReferralRule makes activity "referral" the community's referral rule: amount to the
// referrer once a referred member has earned threshold, paid by payer.
func (f *rewardsFixture) putReferralRule(t *testing.T, payer *rewards.Issuer, amount, threshold int64, cap *big.Int) *rewards.Rule {
	t.Helper()
	r := &rewards.Rule{CommunityID: "bakery", Activity: "referral", Kind: rewards.KindReferral, Amount: big.NewInt(amount),
		QualifyAfterEarned: big.NewInt(threshold), IssuerID: payer.ID}
	if cap != nil {
		r.CapPerMember, r.CapPeriod = cap, rewards.CapWeek
	}
	if err := f.db.PutRule(t.Context(), r); err != nil {
		t.Fatalf("put referral rule: %v", err)
	}
	return r
}

// referral is a referrals row as the tests read it.
type referral struct {
	Referrer string  `db:"referrer"`
	Paid     *int64  `db:"paid_reward_id"`
	Unpaid   *string `db:"unpaid_reason"`
}

func (f *rewardsFixture) referral(t *testing.T, referred string) *referral {
	t.Helper()
	var rs []referral
	if err := f.raw.Select(&rs, `SELECT referrer, paid_reward_id, unpaid_reason FROM referrals WHERE community_id = 'bakery' AND wallet = $1`, referred); err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 {
		return nil
	}
	return &rs[0]
}

// referralRewards returns the amounts of the rewards that paid referrals to referrer.
func (f *rewardsFixture) referralRewards(t *testing.T, referrer string) []string {
	t.Helper()
	var out []string
	if err := f.raw.Select(&out, `SELECT amount::text || ' ' || reference FROM rewards
		WHERE community_id = 'bakery' AND wallet = $1 AND activity = 'referral' ORDER BY id`, referrer); err != nil {
		t.Fatal(err)
	}
	return out
}

func fieldNames(err error) []string {
	var out []string
	for _, fe := range guildhall.ErrorFields(err) {
		out = append(out, fe.Field)
	}
	return out
}

// A referrer is recorded with a new member's first reward; naming one with a member's later
// reward, a staff referrer or two referrers for one wallet is a 422 naming the field, and nothing
// is written; a replay answers the first answer and records nothing again.
func TestReferrerRecordedOnlyWithTheFirstReward(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1000, rewards.Rule{})
	f.putReferralRule(t, f.issuer, 100, 1000, nil)
	referred, referrer := wallet(1), wallet(9)
	if _, err := f.accept(t, "first", rewards.Request{Wallet: referred, Activity: "purchase", Referrer: referrer}); err != nil {
		t.Fatalf("first reward with a referrer: %v", err)
	}
	if r := f.referral(t, referred); r == nil || r.Referrer != referrer || r.Paid != nil {
		t.Fatalf("referral = %+v, want %s, unpaid", r, referrer)
	}
	if _, err := f.raw.Exec(`INSERT INTO community_staff (community_id, address) VALUES ('bakery', $1)`, wallet(8)); err != nil {
		t.Fatal(err)
	}
	before := tablesState(t, f.raw, referralWrites...)
	tests := []struct {
		name   string
		items  []rewards.Request
		fields []string
	}{
		{"second reward of a member", []rewards.Request{{Wallet: referred, Activity: "purchase", Referrer: wallet(7)}}, []string{"referrer"}},
		{"same referrer again", []rewards.Request{{Wallet: referred, Activity: "purchase", Referrer: referrer}}, []string{"referrer"}},
		{"staff referrer", []rewards.Request{{Wallet: wallet(2), Activity: "purchase", Referrer: wallet(8)}}, []string{"referrer"}},
		{"member in a batch", []rewards.Request{{Wallet: wallet(3), Activity: "purchase", Referrer: referrer},
			{Wallet: referred, Activity: "purchase", Referrer: referrer}}, []string{"items[1].referrer"}},
		{"two referrers for one wallet", []rewards.Request{{Wallet: wallet(3), Activity: "purchase", Referrer: referrer},
			{Wallet: wallet(3), Activity: "purchase", Referrer: wallet(7)}}, []string{"items[1].referrer"}},
	}
	for k, tt := range tests {
		_, err := f.accept(t, fmt.Sprintf("refused-%d", k), tt.items...)
		if guildhall.ErrorCode(err) != guildhall.EUNPROCESSABLE || fmt.Sprint(fieldNames(err)) != fmt.Sprint(tt.fields) {
			t.Errorf("%s: %v (fields %v), want 422 naming %v", tt.name, err, fieldNames(err), tt.fields)
		}
	}
	out, err := f.accept(t, "first", rewards.Request{Wallet: referred, Activity: "purchase", Referrer: referrer})
	if err != nil || !out.Replayed {
		t.Errorf("replay = %+v, %v; want the first answer", out, err)
	}
	if after := tablesState(t, f.raw, referralWrites...); after != before {
		t.Errorf("refused referrals or a replay changed the tables\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// A wallet's several items in one request are all its first rewards.
	if _, err := f.accept(t, "batch", rewards.Request{Wallet: wallet(4), Activity: "purchase"},
		rewards.Request{Wallet: wallet(4), Activity: "purchase", Referrer: referrer}); err != nil {
		t.Errorf("batch of a new member's first rewards with a referrer: %v", err)
	}
	if r := f.referral(t, wallet(4)); r == nil || r.Referrer != referrer {
		t.Errorf("referral of %s = %+v, want %s", wallet(4), r, referrer)
	}
}

// A referral rule is never issued directly, and a community has one referral rule at a time.
func TestReferralRuleIsNotIssuedDirectlyAndIsOne(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 1000, rewards.Rule{})
	f.putReferralRule(t, f.issuer, 100, 10, nil)
	_, err := f.accept(t, "direct", rewards.Request{Wallet: wallet(1), Activity: "referral"})
	if guildhall.ErrorCode(err) != guildhall.EUNPROCESSABLE || fmt.Sprint(fieldNames(err)) != "[activity]" {
		t.Errorf("direct reward of a referral rule: %v, want 422 naming activity", err)
	}
	other := &rewards.Rule{CommunityID: "bakery", Activity: "invite", Kind: rewards.KindReferral, Amount: big.NewInt(5),
		QualifyAfterEarned: big.NewInt(5), IssuerID: f.issuer.ID}
	if err := f.db.PutRule(t.Context(), other); guildhall.ErrorCode(err) != guildhall.ECONFLICT {
		t.Errorf("second referral rule: %v, want ECONFLICT", err)
	}
	// Replacing the referral rule itself is fine.
	f.putReferralRule(t, f.issuer, 50, 10, nil)
}

// Twenty rewards of one referred member accepted at once push the member over the threshold: the
// referrer is rewarded exactly once, paid from the referral rule's issuer's budget. The rewards
// come from twenty issuers (one issuer's requests take turns on its budget row) and of several
// activities (one member's rewards of one activity take turns on its cap lock) and dated on
// different days (one member's rewards of one day take turns on its activity day row), so that
// they really overlap.
func TestReferralPaidExactlyOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 100_000, rewards.Rule{})
	issuers := make([]*rewards.Issuer, 20)
	for k := range issuers {
		issuers[k] = &rewards.Issuer{CommunityID: "bakery", Name: fmt.Sprintf("till %d", k), Budget: big.NewInt(1000)}
		if err := f.db.CreateIssuer(t.Context(), issuers[k], rewards.NewAPIKey()); err != nil {
			t.Fatal(err)
		}
	}
	for k := range 4 {
		if err := f.db.PutRule(t.Context(), &rewards.Rule{CommunityID: "bakery", Activity: fmt.Sprintf("visit%d", k), Amount: big.NewInt(10)}); err != nil {
			t.Fatal(err)
		}
	}
	f.putReferralRule(t, f.issuer, 500, 100, nil)
	referred, referrer := wallet(1), wallet(9)
	if _, err := f.accept(t, "first", rewards.Request{Wallet: referred, Activity: "purchase", Referrer: referrer}); err != nil {
		t.Fatal(err)
	}
	// Today the health triggers also make one member's rewards take turns (on the member's
	// first-reward row); the referral must not depend on that.
	if _, err := f.raw.Exec(`ALTER TABLE rewards DISABLE TRIGGER rewards_health_insert`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for k, iss := range issuers {
		wg.Go(func() {
			<-start
			_, err := f.db.Accept(t.Context(), rewards.AcceptInput{Issuer: iss, IdempotencyKey: "k", RequestHash: []byte{1}, Now: time.Now().AddDate(0, 0, -k),
				Items: []rewards.Request{{Wallet: referred, Activity: fmt.Sprintf("visit%d", k%4)}}})
			if err != nil {
				t.Errorf("reward %d: %v", k, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := f.referralRewards(t, referrer); fmt.Sprint(got) != "[500 referral:"+referred+"]" {
		t.Errorf("referrer's referral rewards = %v, want one of 500", got)
	}
	if r := f.referral(t, referred); r == nil || r.Paid == nil || r.Unpaid != nil {
		t.Errorf("referral = %+v, want paid", r)
	}
	iss, err := f.db.Issuer(t.Context(), f.issuer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if iss.Spent.Int64() != 10+500 {
		t.Errorf("referral rule's issuer spent %s, want %d (its reward of 10 and the referral's 500)", iss.Spent, 10+500)
	}

	// One issuer's twenty rewards at once, which it accepts in groups, push another referred
	// member over the threshold: paid once as well.
	if _, err := f.accept(t, "second", rewards.Request{Wallet: wallet(2), Activity: "purchase", Referrer: wallet(8)}); err != nil {
		t.Fatal(err)
	}
	if accepted, refused := concurrently(t, f, 20, func(k int) rewards.Request {
		return rewards.Request{Wallet: wallet(2), Activity: fmt.Sprintf("visit%d", k%4)}
	}); accepted != 20 || refused != 0 {
		t.Fatalf("one issuer's rewards: accepted %d, refused %d; want 20 and 0", accepted, refused)
	}
	if got := f.referralRewards(t, wallet(8)); fmt.Sprint(got) != "[500 referral:"+wallet(2)+"]" {
		t.Errorf("second referrer's referral rewards = %v, want one of 500", got)
	}
}

// The referral reward meets the referrer's cap and the paying issuer's budget like any reward:
// when either refuses it, the qualifying reward is still accepted, the referral stays unpaid
// (with the reason) and nothing is spent or counted for it.
func TestReferralRewardRespectsCapAndBudget(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 100_000, rewards.Rule{})
	partner := &rewards.Issuer{CommunityID: "bakery", Name: "partner", Budget: big.NewInt(150)}
	if err := f.db.CreateIssuer(t.Context(), partner, rewards.NewAPIKey()); err != nil {
		t.Fatal(err)
	}
	// The partner pays 100 per referral, at most 100 per referrer and week, from a budget of 150.
	f.putReferralRule(t, partner, 100, 10, big.NewInt(100))
	accept := func(key string, items ...rewards.Request) {
		t.Helper()
		if _, err := f.accept(t, key, items...); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
	accept("a", rewards.Request{Wallet: wallet(1), Activity: "purchase", Referrer: wallet(9)})
	accept("b", rewards.Request{Wallet: wallet(2), Activity: "purchase", Referrer: wallet(9)}) // cap reached
	accept("c", rewards.Request{Wallet: wallet(3), Activity: "purchase", Referrer: wallet(8)}) // budget: 50 left
	want := map[string]string{wallet(1): "paid", wallet(2): rewards.UnpaidMemberCap, wallet(3): rewards.UnpaidBudget}
	for w, status := range want {
		r := f.referral(t, w)
		got := "open"
		switch {
		case r != nil && r.Paid != nil:
			got = "paid"
		case r != nil && r.Unpaid != nil:
			got = *r.Unpaid
		}
		if got != status {
			t.Errorf("referral of %s: %s, want %s", w, got, status)
		}
	}
	if got := f.referralRewards(t, wallet(9)); len(got) != 1 {
		t.Errorf("capped referrer's referral rewards = %v, want one", got)
	}
	if got := f.referralRewards(t, wallet(8)); len(got) != 0 {
		t.Errorf("referral rewards past the budget = %v, want none", got)
	}
	p, err := f.db.Issuer(t.Context(), partner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Spent.Int64() != 100 {
		t.Errorf("partner spent %s, want 100", p.Spent)
	}
	var members int
	if err := f.raw.Get(&members, `SELECT count(*) FROM members WHERE community_id = 'bakery' AND wallet = $1`, wallet(8)); err != nil || members != 0 {
		t.Errorf("unpaid referrer is a member (%d, %v), want not", members, err)
	}
}

// A referral qualifies on earnings, not rewards: failed rewards do not count, and a member
// below the threshold is not paid.
func TestReferralQualifiesOnAcceptedEarnings(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 100_000, rewards.Rule{})
	f.putReferralRule(t, f.issuer, 100, 25, nil)
	referred := wallet(1)
	for k := range 2 {
		if _, err := f.accept(t, fmt.Sprintf("r%d", k), rewards.Request{Wallet: referred, Activity: "purchase", Referrer: map[bool]string{true: wallet(9)}[k == 0]}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.raw.Exec(`UPDATE rewards SET status = 'failed' WHERE wallet = $1 AND id = (SELECT min(id) FROM rewards WHERE wallet = $1)`, referred); err != nil {
		t.Fatal(err)
	}
	if _, err := f.accept(t, "r2", rewards.Request{Wallet: referred, Activity: "purchase"}); err != nil {
		t.Fatal(err)
	}
	if got := f.referralRewards(t, wallet(9)); len(got) != 0 {
		t.Fatalf("paid at 20 accepted (one of 3 rewards failed), threshold 25: %v", got)
	}
	if _, err := f.accept(t, "r3", rewards.Request{Wallet: referred, Activity: "purchase"}); err != nil {
		t.Fatal(err)
	}
	if got := f.referralRewards(t, wallet(9)); len(got) != 1 {
		t.Errorf("referral rewards at 30 accepted = %v, want one", got)
	}
}

// A batch of new members whose first rewards already reach the threshold pays every referral in
// the batch's own transaction, one reward each.
func TestBatchOfReferredMembersQualifiesAtOnce(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 100_000, rewards.Rule{})
	f.putReferralRule(t, f.issuer, 7, 10, nil)
	items := make([]rewards.Request, 60)
	for k := range items {
		items[k] = rewards.Request{Wallet: wallet(100 + k), Activity: "purchase", Referrer: wallet(900 + k%3)}
	}
	if _, err := f.acceptAt(t, "batch", time.Now(), true, items...); err != nil {
		t.Fatal(err)
	}
	var paid, rewardsPaid int
	if err := f.raw.Get(&paid, `SELECT count(*) FROM referrals WHERE paid_reward_id IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if err := f.raw.Get(&rewardsPaid, `SELECT count(*) FROM rewards WHERE activity = 'referral' AND amount = 7`); err != nil {
		t.Fatal(err)
	}
	if paid != 60 || rewardsPaid != 60 {
		t.Errorf("%d referrals paid with %d rewards, want 60 and 60", paid, rewardsPaid)
	}
	for k := range 3 {
		if got := f.referralRewards(t, wallet(900+k)); len(got) != 20 {
			t.Errorf("referrer %d has %d referral rewards, want 20", k, len(got))
		}
	}
}

// A referred first reward racing a plain first reward of the same new wallet (from another
// issuer): the referral is recorded exactly when the referred request is accepted, and only when
// its reward is the wallet's first; otherwise it is a 422 naming the referrer.
func TestReferrerRacingAnotherFirstReward(t *testing.T) {
	t.Parallel()
	f := newRewardsFixture(t, 100_000, rewards.Rule{})
	other := &rewards.Issuer{CommunityID: "bakery", Name: "cafe", Budget: big.NewInt(100_000)}
	if err := f.db.CreateIssuer(t.Context(), other, rewards.NewAPIKey()); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	start := make(chan struct{})
	accepted := make([]bool, n)
	for k := range n {
		for _, referred := range []bool{true, false} {
			wg.Go(func() {
				<-start
				in := rewards.AcceptInput{Issuer: other, IdempotencyKey: fmt.Sprint("plain-", k), RequestHash: []byte{1}, Now: time.Now(),
					Items: []rewards.Request{{Wallet: wallet(200 + k), Activity: "purchase"}}}
				if referred {
					in.Issuer, in.IdempotencyKey = f.issuer, fmt.Sprint("referred-", k)
					in.Items[0].Referrer = wallet(999)
				}
				_, err := f.db.Accept(t.Context(), in)
				switch {
				case err == nil && referred:
					accepted[k] = true
				case err != nil && !(referred && guildhall.ErrorCode(err) == guildhall.EUNPROCESSABLE && fmt.Sprint(fieldNames(err)) == "[referrer]"):
					t.Errorf("wallet %d, referred %v: %v", k, referred, err)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	for k := range n {
		var first struct {
			Referral, First *int64
			Issuer          int64
		}
		if err := f.raw.Get(&first, `SELECT (SELECT reward_id FROM referrals WHERE wallet = $1) AS referral,
			min(id) AS first, (array_agg(issuer_id ORDER BY id))[1] AS issuer FROM rewards WHERE wallet = $1`, wallet(200+k)); err != nil {
			t.Fatal(err)
		}
		switch {
		case accepted[k] != (first.Referral != nil):
			t.Errorf("wallet %d: referred request accepted %v, referral recorded %v", k, accepted[k], first.Referral != nil)
		case accepted[k] && (*first.Referral != *first.First || first.Issuer != f.issuer.ID):
			t.Errorf("wallet %d: the referral names reward %d, the first reward is %d (issuer %d)", k, *first.Referral, *first.First, first.Issuer)
		}
	}
}
