package postgres_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/postgres"
)

// checkAnswer renders a role check: "held since @block" or "not held @block".
func (f *recognitionFixture) checkAnswer(s *postgres.RecognitionStore, role string, a common.Address) string {
	f.t.Helper()
	c, err := s.Check(f.t.Context(), "guild", role, a)
	if err != nil {
		f.t.Fatalf("check %s: %v", role, err)
	}
	if !c.Held {
		return "not held @" + strconv.FormatUint(c.AsOf.Number, 10)
	}
	return "held " + c.Since.Format(time.RFC3339) + " @" + strconv.FormatUint(c.AsOf.Number, 10)
}

// TestRoleCheckAnswersFromTheIndex: a check answers from the community's index what the
// evaluation it names decided: an evaluation through the same database handle is answered at
// once, another process's within a second (until then the answer names the block it is true at,
// never a newer one); a role created after the index was read is answered, an unknown one is not
// found, and an unknown community keeps no index.
func TestRoleCheckAnswersFromTheIndex(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	f.ladder("bronze:0:0")
	f.role("buyer", `{"kind":"tier","all":[{"activity_count":{"activity":"purchase","min":1,"window_days":2}}]}`)
	a := account(1)
	f.reward(a, day(0, 9), 5, false, 0)
	f.at(day(0, 10)) // block 1
	f.evaluate()
	if err := postgres.RefreshRoleChecks(t.Context(), f.rec, "guild"); err != nil {
		t.Fatal(err)
	}
	wantText(t, "check after the evaluation", f.checkAnswer(f.rec, "buyer", a), "held 2025-01-06T10:00:00Z @1")

	// Another process evaluates three days on: the purchase has left the window, the tier goes.
	other, err := postgres.Open(t.Context(), f.url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	f.at(day(3, 10)) // block 2
	if _, err := postgres.NewRecognitionStore(other).Evaluate(t.Context(), health.Scope{Community: "guild"}); err != nil {
		t.Fatal(err)
	}
	// Within the second, the index's answer (or, on a machine too slow to check within it, the
	// database's): either is true at the block it names.
	if got := f.checkAnswer(f.rec, "buyer", a); got != "held 2025-01-06T10:00:00Z @1" && got != "not held @2" {
		t.Errorf("check right after another process's evaluation: %s, want held @1 (the index) or not held @2", got)
	}
	time.Sleep(time.Second + 100*time.Millisecond)
	wantText(t, "check a second later", f.checkAnswer(f.rec, "buyer", a), "not held @2")

	// The same process evaluates after a new purchase: the next check names that evaluation.
	if err := postgres.RefreshRoleChecks(t.Context(), f.rec, "guild"); err != nil {
		t.Fatal(err)
	}
	f.reward(a, day(3, 11), 5, false, 0)
	f.at(day(3, 12)) // block 3
	if _, err := postgres.NewRecognitionStore(f.db).Evaluate(t.Context(), health.Scope{Community: "guild"}); err != nil {
		t.Fatal(err)
	}
	wantText(t, "check right after this process's evaluation", f.checkAnswer(f.rec, "buyer", a), "held 2025-01-09T12:00:00Z @3")
	if err := postgres.RefreshRoleChecks(t.Context(), f.rec, "guild"); err != nil {
		t.Fatal(err)
	}
	wantText(t, "check from the refreshed index", f.checkAnswer(f.rec, "buyer", a), "held 2025-01-09T12:00:00Z @3")

	f.role("seller", `{"kind":"badge","all":[{"tenure_days":{"min":0}}]}`)
	wantText(t, "check of a role created after the index was read", f.checkAnswer(f.rec, "seller", a), "not held @3")
	if _, err := f.rec.Check(t.Context(), "guild", "nobody", a); guildhall.ErrorCode(err) != guildhall.ENOTFOUND {
		t.Errorf("check of an unknown role: %v, want ENOTFOUND", err)
	}
	// A check of a community that does not exist is not found and leaves no index behind.
	if _, err := f.rec.Check(t.Context(), "nowhere", "buyer", a); guildhall.ErrorCode(err) != guildhall.ENOTFOUND ||
		postgres.HasRoleCheckIndex(f.rec, "nowhere") {
		t.Errorf("check of an unknown community: %v, index kept %v; want ENOTFOUND, none", err, postgres.HasRoleCheckIndex(f.rec, "nowhere"))
	}
}
