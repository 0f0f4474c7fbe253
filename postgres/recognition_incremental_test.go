package postgres_test

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/internal/testseeds"
	"github.com/guildhall/guildhall/postgres"
)

// state renders every decision the evaluations left: the levels and roles held (with their
// graces) and the whole feed, ids included.
func (f *recognitionFixture) state() string {
	f.t.Helper()
	var s string
	if err := f.raw.Get(&s, `SELECT concat_ws(E'\n--\n',
		(SELECT string_agg(concat_ws(' ', account, level, since, event_id), E'\n' ORDER BY account COLLATE "C") FROM recognition_levels),
		(SELECT string_agg(concat_ws(' ', role, account, since, failing_since, event_id), E'\n' ORDER BY role, account COLLATE "C")
		 FROM recognition_holdings),
		(SELECT string_agg(concat_ws(' ', id, kind, account, role, level, previous, withdraws, withdrawn, block_number, block_hash), E'\n'
		 ORDER BY id) FROM recognition_events))`); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// wantRoleCheckIndex brings the role check index up to date from the feed (after the first
// step, with the holdings of the members of the new events alone) and fails unless it holds
// exactly the stored holdings, at the block of the last evaluation.
func (f *recognitionFixture) wantRoleCheckIndex(step int) {
	f.t.Helper()
	if err := postgres.RefreshRoleChecks(f.t.Context(), f.rec, "guild"); err != nil {
		f.t.Fatal(err)
	}
	var want string
	if err := f.raw.Get(&want, `SELECT concat_ws(E'\n', 'block ' || (SELECT block_number FROM recognition_state),
		(SELECT string_agg(concat_ws(' ', role, account, to_char(since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')), E'\n'
		 ORDER BY role COLLATE "C", account COLLATE "C") FROM recognition_holdings))`); err != nil {
		f.t.Fatal(err)
	}
	if got := postgres.RoleCheckIndex(f.rec, "guild"); got != want {
		f.t.Fatalf("step %d: the role check index holds\n%s\n\nthe database\n%s", step, got, want)
	}
}

// history plays one random history on several fixtures alike: rewards (some late, some failed
// afterwards), blocks with mints, voting power, delegations, transfers, proposals and votes,
// one-block reorgs, a change of a role and of the staff, with time moving by hours and by days.
type history struct {
	rng       *rand.Rand
	fs        []*recognitionFixture
	now       time.Time
	members   []common.Address
	proposals map[int64]uint64 // proposal id -> the block that created it
	nextID    int64
	rewards   int
}

// each applies fn to every fixture.
func (h *history) each(fn func(f *recognitionFixture)) {
	for _, f := range h.fs {
		fn(f)
	}
}

func (h *history) member() common.Address { return h.members[h.rng.Intn(len(h.members))] }

// reward records a reward, now or up to three days late.
func (h *history) reward() {
	a, at, amount, k := h.member(), h.now, int64(1+h.rng.Intn(40)), h.rng.Intn(2)
	if h.rng.Intn(5) == 0 {
		at = at.Add(-time.Duration(h.rng.Intn(72)) * time.Hour)
	}
	h.each(func(f *recognitionFixture) { f.reward(a, at, amount, false, k) })
	h.rewards++
}

// fail marks an earlier reward failed.
func (h *history) fail() {
	n := h.rng.Intn(h.rewards)
	h.each(func(f *recognitionFixture) {
		f.exec(`UPDATE rewards SET status = 'failed' WHERE id = (SELECT id FROM rewards ORDER BY id OFFSET $1 LIMIT 1)`, n)
	})
}

// block writes a block of one to three random chain events.
func (h *history) block() {
	type event func(b *blockEvents)
	var events []event
	for range 1 + h.rng.Intn(3) {
		a, b, v := h.member(), h.member(), int64(h.rng.Intn(150))
		switch k := h.rng.Intn(6); {
		case k == 0:
			events = append(events, func(x *blockEvents) { x.mint(a, v, true); x.power(a, v) })
		case k == 1:
			events = append(events, func(x *blockEvents) { x.power(a, v) })
		case k == 2:
			events = append(events, func(x *blockEvents) { x.delegate(a, a, b) })
		case k == 3:
			events = append(events, func(x *blockEvents) { x.transfer(a, b, 1) })
		case k == 4:
			id := h.nextID
			h.nextID++
			h.proposals[id] = 0
			events = append(events, func(x *blockEvents) { x.propose(id, a, 60) })
		case len(h.proposals) > 0:
			var ids []int64
			for id := range h.proposals {
				ids = append(ids, id)
			}
			slices.Sort(ids) // the same history for the same seed
			id := ids[h.rng.Intn(len(ids))]
			events = append(events, func(x *blockEvents) { x.vote(id, a, v) })
		}
	}
	h.each(func(f *recognitionFixture) {
		f.addBlock(h.now, func(x *blockEvents) {
			for _, ev := range events {
				ev(x)
			}
		})
	})
	for id, n := range h.proposals {
		if n == 0 {
			h.proposals[id] = h.fs[0].block
		}
	}
}

// reorg removes the newest block (the next one replaces it at another time, so another hash).
func (h *history) reorg() {
	n := h.fs[0].block - 1
	h.each(func(f *recognitionFixture) { f.rewind(n) })
	for id, b := range h.proposals {
		if b > n {
			delete(h.proposals, id)
		}
	}
}

// TestRecognitionIncrementalEqualsFull: on random histories, Evaluate (deciding only the members
// whose decisions may have changed) leaves exactly what EvaluateAll (deciding every member) does:
// the same levels, roles, graces and feed, event by event, after every evaluation; and most of
// its evaluations decide fewer members, the first evaluation of each new day included (its windows,
// tenures, streaks, demotion holds and graces move with the day). Every run plays seeds 1 to 3;
// GUILDHALL_RECOGNITION_SEEDS=N plays seeds 4 to N+3 instead, =A..B seeds A to B (a seed's
// history is the same on every run, so a failing seed replays).
func TestRecognitionIncrementalEqualsFull(t *testing.T) {
	t.Parallel()
	first, last := testseeds.Range("GUILDHALL_RECOGNITION_SEEDS", 1, 3)
	for seed := first; seed <= last; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			inc, full := newRecognitionFixture(t), newRecognitionFixture(t)
			h := &history{rng: rand.New(rand.NewSource(seed)), fs: []*recognitionFixture{inc, full}, now: day(0, 8),
				proposals: map[int64]uint64{}, nextID: 1}
			for k := range 16 {
				h.members = append(h.members, account(k+1))
			}
			h.each(func(f *recognitionFixture) {
				f.ladder("bronze:0:0", "silver:20:2", "gold:60:4")
				f.role("buyer", `{"kind":"tier","grace_days":2,"all":[{"activity_count":{"activity":"purchase","min":2,"window_days":7}}]}`)
				f.role("earner", `{"kind":"badge","all":[{"earned":{"min":"30","window_days":14,"activity":"review"}}],
					"none":[{"voting_power":{"min":"100"}}]}`)
				f.role("voter", `{"kind":"tier","grace_days":1,"all":[{"votes":{"min":1,"last_proposals":2}}]}`)
				f.role("regular", `{"kind":"tier","all":[{"streak_weeks":{"min":2}},{"level":{"min":"silver"}}]}`)
				f.role("veteran", `{"kind":"badge","all":[{"tenure_days":{"min":20}}],
					"any":[{"voting_power":{"min":"10"}},{"earned":{"min":"50","window_days":365}}]}`)
			})
			incremental, decidedInc, decidedFull, newDays := 0, 0, 0, 0
			for step := range 120 {
				before := health.DayOf(h.now)
				h.now = h.now.Add(time.Duration(1+h.rng.Intn(5)) * time.Hour)
				if h.rng.Intn(5) == 0 {
					h.now = h.now.Add(time.Duration(1+h.rng.Intn(4)) * 24 * time.Hour)
				}
				for range h.rng.Intn(3) {
					h.reward()
				}
				switch {
				case step == 60:
					h.each(func(f *recognitionFixture) {
						f.role("voter", `{"kind":"tier","grace_days":1,"all":[{"votes":{"min":1,"last_proposals":3}}]}`)
					})
				case step == 90:
					h.each(func(f *recognitionFixture) {
						if err := f.store.AddStaff(t.Context(), "guild", h.members[0]); err != nil {
							t.Fatal(err)
						}
					})
				case h.rng.Intn(8) == 0 && h.rewards > 0:
					h.fail()
				case h.rng.Intn(10) == 0 && inc.block > 1:
					h.reorg()
				}
				h.block()
				a, err := inc.rec.Evaluate(t.Context(), health.Scope{Community: "guild"})
				if err != nil {
					t.Fatal(err)
				}
				b, err := full.rec.EvaluateAll(t.Context(), health.Scope{Community: "guild"})
				if err != nil {
					t.Fatal(err)
				}
				if !a.All {
					incremental, decidedInc, decidedFull = incremental+1, decidedInc+a.Decided, decidedFull+b.Decided
					if health.DayOf(h.now) > before {
						newDays++
					}
				}
				if got, want := inc.state(), full.state(); got != want {
					t.Fatalf("step %d (%s, incremental %v, %d members decided): deciding only the changed members left\n%s\n\ndeciding every member left\n%s",
						step, h.now.Format(time.RFC3339), !a.All, a.Decided, got, want)
				}
				inc.wantRoleCheckIndex(step)
			}
			// The evaluations decide the members with changes, not everybody, the first of a new day
			// included (the members its windows, tenures, streaks and demotion holds move).
			if incremental < 40 || decidedInc*2 > decidedFull || newDays < 10 {
				t.Errorf("%d of 120 evaluations decided only the changed members (%d of them the first of a day), %d members against %d: "+
					"want at least 40 (10), at most half", incremental, newDays, decidedInc, decidedFull)
			}
			t.Logf("%d of 120 evaluations incremental (%d the first of a day), deciding %d members against %d", incremental, newDays,
				decidedInc, decidedFull)
		})
	}
}

// TestRecognitionDecidesASecondVoteOfTheDay: a member's vote on the last proposal, cast the day
// the member already voted on an older one, grants a "voted on the last proposal" tier at the next
// evaluation, incremental as it is. (member_activity_days holds one vote a day, so this vote
// changes no activity row: the votes table logs its voters itself, migration 0032.) Seed 42 of
// TestRecognitionIncrementalEqualsFull found it.
func TestRecognitionDecidesASecondVoteOfTheDay(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	f.role("voter", `{"kind":"tier","all":[{"votes":{"min":1,"last_proposals":1}}]}`)
	a, b := account(1), account(2)
	f.reward(a, day(0, 8), 5, false, 0)
	f.reward(b, day(0, 8), 5, false, 0)
	f.addBlock(day(0, 9), func(x *blockEvents) { x.propose(1, b, 60) })
	f.addBlock(day(0, 10), func(x *blockEvents) { x.propose(2, b, 60) })
	f.addBlock(day(0, 11), func(x *blockEvents) { x.vote(1, a, 10) })
	f.at(day(0, 12))
	f.evaluate()
	seen := f.lastEvent()
	f.addBlock(day(0, 13), func(x *blockEvents) { x.vote(2, a, 10) })
	if ev := f.evaluate(); ev.All || ev.Decided != 1 {
		t.Errorf("evaluation after the second vote: %+v, want incremental, one member decided", ev)
	}
	wantText(t, "changes after the second vote", f.roleFeed(seen), "role_granted "+a.Hex()+" voter 5")
}

// TestRecognitionDecidesWhatCommitsAfterAnEvaluationBegan: a reward whose transaction is still
// open while an evaluation runs is not in that evaluation's snapshot, so its change must wait for
// the next one: the next evaluation of the same day decides its member (and that member alone).
func TestRecognitionDecidesWhatCommitsAfterAnEvaluationBegan(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	f.ladder("bronze:0:0", "silver:20:1")
	a, b := account(1), account(2)
	f.reward(a, day(0, 9), 5, false, 0)
	f.at(day(0, 10))
	f.evaluate()
	open := f.raw.MustBegin()
	defer open.Rollback()
	open.MustExec(`INSERT INTO members (community_id, wallet) VALUES ('guild', $1)`, b.Hex())
	open.MustExec(`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, status, created_at)
		VALUES ('guild', $1, $2, 'purchase', $3, 30, 'pending', $4)`, f.issuer, f.rule, b.Hex(), day(0, 11))
	f.at(day(0, 12))
	if ev := f.evaluate(); ev.All || ev.Decided != 0 {
		t.Errorf("evaluation with the reward uncommitted: %+v, want incremental, nobody decided", ev)
	}
	if err := open.Commit(); err != nil {
		t.Fatal(err)
	}
	f.at(day(0, 13))
	if ev := f.evaluate(); ev.All || ev.Decided != 1 || ev.Events != 1 {
		t.Errorf("evaluation after the commit: %+v, want incremental, one member decided, one change", ev)
	}
	wantText(t, "levels", f.levels(), b.Hex()+" silver 2025-01-06\n"+a.Hex()+" bronze 2025-01-06")
}

// TestRecognitionFirstEvaluationOfADayDecidesWhatTheDayMoved: members whose own facts do not
// change are still moved by the day: a purchase leaves a tier's window, a tenure badge is
// reached, a new week ends a streak, a level's 30-day hold ends after a failed reward lowered it,
// a referral qualifies; the first evaluation of each day decides them (and not the quiet member),
// with the same outcome as deciding everybody, day by day, gaps of several days included.
func TestRecognitionFirstEvaluationOfADayDecidesWhatTheDayMoved(t *testing.T) {
	t.Parallel()
	inc, full := newRecognitionFixture(t), newRecognitionFixture(t)
	fs := []*recognitionFixture{inc, full}
	both := func(fn func(f *recognitionFixture)) {
		for _, f := range fs {
			fn(f)
		}
	}
	lowered, streaker, buyer, referrer, referred, quiet := account(1), account(2), account(3), account(4), account(5), account(6)
	both(func(f *recognitionFixture) {
		f.ladder("bronze:0:0", "silver:20:1")
		f.role("veteran", `{"kind":"badge","all":[{"tenure_days":{"min":10}}]}`)
		f.role("regular", `{"kind":"tier","all":[{"streak_weeks":{"min":2}}]}`)
		f.role("buyer", `{"kind":"tier","all":[{"activity_count":{"activity":"purchase","min":1,"window_days":3}}]}`)
		f.role("host", `{"kind":"badge","all":[{"referrals":{"min":1}}]}`)
		failed := f.reward(lowered, day(0, 9), 30, false, 0)
		f.reward(lowered, day(0, 9), 1, false, 1)
		f.reward(streaker, day(0, 9), 1, false, 1)
		f.reward(streaker, day(7, 9), 1, false, 1)
		f.reward(buyer, day(0, 9), 1, false, 0)
		f.reward(referrer, day(-40, 9), 1, false, 1)
		f.reward(referred, day(0, 9), 1, false, 1)
		f.refer(referred, referrer, day(5, 10))
		f.reward(quiet, day(-40, 9), 1, false, 1)
		f.at(day(0, 12))
		f.evaluate()
		f.exec(`UPDATE rewards SET status = 'failed' WHERE id = $1`, failed)
	})
	first := inc.lastEvent()
	dayEvaluations, decided := 0, 0
	for _, d := range []int{1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 20, 21, 22, 29, 30, 31, 35} {
		both(func(f *recognitionFixture) { f.at(day(d, 12)) })
		ev := inc.evaluate()
		if _, err := full.rec.EvaluateAll(t.Context(), health.Scope{Community: "guild"}); err != nil {
			t.Fatal(err)
		}
		if got, want := inc.state(), full.state(); got != want {
			t.Fatalf("day %d (%+v): deciding the members the day moved left\n%s\n\ndeciding every member left\n%s", d, *ev, got, want)
		}
		if !ev.All {
			dayEvaluations, decided = dayEvaluations+1, decided+ev.Decided
		}
	}
	if dayEvaluations != 18 || decided >= 18*6 {
		t.Errorf("%d of 18 first evaluations of a day incremental, deciding %d members: want every one, fewer than everybody", dayEvaluations, decided)
	}
	wantText(t, "changes after the first day", inc.feed(first), strings.Join([]string{
		"role_revoked " + lowered.Hex() + " buyer 2", // the failed reward, logged
		"role_revoked " + buyer.Hex() + " buyer 4",   // the purchase left the 3-day window
		"badge_awarded " + referrer.Hex() + " host 6",
		"role_granted " + streaker.Hex() + " regular 8",
		"badge_awarded " + streaker.Hex() + " veteran 10", // 10 days of tenure
		"badge_awarded " + buyer.Hex() + " veteran 10",
		"badge_awarded " + lowered.Hex() + " veteran 10",
		"badge_awarded " + referred.Hex() + " veteran 10",
		"role_revoked " + streaker.Hex() + " regular 14", // Monday of the week after the next
		"level_changed " + lowered.Hex() + " bronze 17",  // 30 days after silver
	}, "\n"))
}
