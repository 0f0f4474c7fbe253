package postgres_test

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/internal/testseeds"
)

// refer records that referrer referred member a (a member already: its first reward is the one
// the referral names) and, unless qualified is zero, that the referral qualified then.
func (f *healthFixture) refer(a, referrer common.Address, qualified time.Time) {
	f.t.Helper()
	f.exec(`INSERT INTO reward_rules (community_id, activity, amount, kind, qualify_after_earned, issuer_id)
		SELECT 'guild', 'referral', 5, 'referral', 1, $1 WHERE NOT EXISTS (SELECT 1 FROM reward_rules WHERE kind = 'referral')`, f.issuer)
	var q any
	if !qualified.IsZero() {
		q = qualified
	}
	f.exec(`INSERT INTO referrals (community_id, wallet, referrer, reward_id, created_at, qualified_at, rule_id)
		SELECT 'guild', $1, $2, min(r.id), min(r.created_at), $3::timestamptz,
		       CASE WHEN $3::timestamptz IS NOT NULL THEN (SELECT id FROM reward_rules WHERE kind = 'referral') END
		FROM rewards r WHERE r.community_id = 'guild' AND r.wallet = $1`, a.Hex(), referrer.Hex(), q)
}

// randomReferrals refers about half of the members, by another member or an outsider, and
// qualifies about half of those at a random time of the history (some after today's end).
func randomReferrals(f *healthFixture, r *rand.Rand) {
	var members []string
	if err := f.raw.Select(&members, `SELECT wallet FROM members WHERE community_id = 'guild' ORDER BY wallet`); err != nil {
		f.t.Fatal(err)
	}
	for i, w := range members {
		if r.Intn(2) == 0 && i != 0 {
			continue
		}
		referrer := account(20 + r.Intn(3))
		if r.Intn(3) == 0 {
			referrer = account(8) // a member, and staff later
		}
		if referrer.Hex() == w {
			continue
		}
		var qualified time.Time
		if r.Intn(2) == 0 {
			qualified = healthT0.Add(time.Duration(r.Intn(80*24)) * time.Hour)
		}
		f.refer(common.HexToAddress(w), referrer, qualified)
	}
}

// checkReferralFigures compares the store's referral figures with health.ComputeReferrals over
// the raw rows, with operator excluded too.
func checkReferralFigures(t *testing.T, f *healthFixture, operator string) health.Referrals {
	t.Helper()
	o := f.oracle(operator)
	var rows []struct {
		Wallet, Referrer string
		Qualified        *time.Time
	}
	f.sel(&rows, `SELECT wallet, referrer, qualified_at AS qualified FROM referrals WHERE community_id = 'guild'`)
	refs := map[string]health.Referral{}
	for _, r := range rows {
		ref := health.Referral{Referrer: r.Referrer}
		if r.Qualified != nil {
			d := health.DayOf(*r.Qualified)
			ref.Qualified = &d
		}
		refs[r.Wallet] = ref
	}
	want := health.ComputeReferrals(o.activity, refs, o.excluded, o.today)
	got, err := f.store.Referrals(t.Context(), health.Scope{Community: "guild", Operator: operator})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "referrals", got.Referrals, want)
	return want
}

// Random histories with random referrals: every referral figure equals the brute-force
// computation from the raw rows, with a staff referrer and an operator left out, and after a
// rewind. Every run plays seeds 0 to 2; GUILDHALL_HEALTH_SEEDS=N plays seeds 3 to N+2 instead, =A..B seeds A to B.
func TestReferralFiguresMatchBruteForce(t *testing.T) {
	t.Parallel()
	var referred, cohorts int
	first, last := testseeds.Range("GUILDHALL_HEALTH_SEEDS", 0, 2)
	for seed := first; seed <= last; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			f := newHealthFixture(t)
			r := rand.New(rand.NewSource(seed))
			randomHistory(f, r)
			randomReferrals(f, r)
			w := checkReferralFigures(t, f, "")
			referred += w.Referred
			cohorts += w.RetentionM1.ReferredCohort * w.RetentionM1.OrganicCohort
			if err := f.store.AddStaff(t.Context(), "guild", account(8)); err != nil {
				t.Fatal(err)
			}
			checkReferralFigures(t, f, account(9).Hex())
			f.rewind(f.block - 3)
			checkReferralFigures(t, f, account(9).Hex())
		})
	}
	if referred == 0 || cohorts == 0 {
		t.Errorf("the histories hold %d referred members and no retention cohort of both kinds (%d): the comparison shows little", referred, cohorts)
	}
}

// The referrals condition counts the members a member referred whose referral qualified on or
// before today: R refers A (qualifies day 1), B (day 3) and C (never), and a staff referral does
// not count; "ambassador" (two qualified referrals) is awarded on day 3, not before.
func TestRecognitionReferralsCondition(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	f.role("ambassador", `{"kind":"badge","all":[{"referrals":{"min":2}}]}`)
	r, a, b, c, s := account(1), account(2), account(3), account(4), account(5)
	for _, w := range []common.Address{r, a, b, c, s} {
		f.reward(w, day(0, 9), 10, false, 0)
	}
	f.refer(a, r, day(1, 10))
	f.refer(b, r, day(3, 10))
	f.refer(c, r, time.Time{})
	f.exec(`INSERT INTO community_staff (community_id, address) VALUES ('guild', $1)`, s.Hex())
	f.refer(s, r, day(1, 10)) // a staff member referred: never counted
	f.at(day(2, 12))
	f.evaluate()
	wantText(t, "day 2 (one qualified referral)", f.roleFeed(0), "")
	f.at(day(3, 12))
	f.evaluate()
	wantText(t, "day 3 (two)", f.roleFeed(0), "badge_awarded "+r.Hex()+" ambassador 2")
}
