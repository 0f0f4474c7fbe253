package postgres_test

import (
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/recognition"
)

// recognitionFixture is a health fixture with the recognition store of its database.
type recognitionFixture struct {
	*healthFixture
	rec *postgres.RecognitionStore
}

func newRecognitionFixture(t *testing.T) *recognitionFixture {
	t.Helper()
	f := newHealthFixture(t)
	return &recognitionFixture{healthFixture: f, rec: postgres.NewRecognitionStore(f.db)}
}

// day returns healthT0 (Monday 2025-01-06) plus n days, at hour:00.
func day(n, hour int) time.Time {
	return healthT0.AddDate(0, 0, n).Add(time.Duration(hour) * time.Hour)
}

// at writes an empty block at t, so the community's as_of is t.
func (f *recognitionFixture) at(t time.Time) { f.addBlock(t, func(*blockEvents) {}) }

// evaluate runs an evaluation and returns it.
func (f *recognitionFixture) evaluate() *recognition.Evaluation {
	f.t.Helper()
	ev, err := f.rec.Evaluate(f.t.Context(), health.Scope{Community: "guild"})
	if err != nil {
		f.t.Fatalf("evaluate: %v", err)
	}
	return ev
}

// ladder writes a ladder from "name:earned:days" items.
func (f *recognitionFixture) ladder(levels ...string) {
	f.t.Helper()
	var l recognition.Ladder
	for _, s := range levels {
		parts := strings.Split(s, ":")
		earned, _ := new(big.Int).SetString(parts[1], 10)
		var days int
		if err := json.Unmarshal([]byte(parts[2]), &days); err != nil {
			f.t.Fatal(err)
		}
		l = append(l, recognition.Level{Name: parts[0], MinEarned365d: earned, MinActiveDays90d: days})
	}
	if err := f.rec.PutLadder(f.t.Context(), "guild", l); err != nil {
		f.t.Fatalf("put ladder: %v", err)
	}
}

// role writes role name from its JSON spec.
func (f *recognitionFixture) role(name, spec string) {
	f.t.Helper()
	var s recognition.RoleSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.rec.PutRole(f.t.Context(), "guild", name, s); err != nil {
		f.t.Fatalf("put role %s: %v", name, err)
	}
}

// levels renders the levels held: "account level since-day" lines by account.
func (f *recognitionFixture) levels() string {
	f.t.Helper()
	var s string
	if err := f.raw.Get(&s, `SELECT coalesce(string_agg(account || ' ' || level || ' ' || (since AT TIME ZONE 'UTC')::date, E'\n'
		ORDER BY account COLLATE "C"), '') FROM recognition_levels`); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// feed renders the events after id after: "kind account role/level block" lines.
func (f *recognitionFixture) feed(after int64) string {
	f.t.Helper()
	var s string
	if err := f.raw.Get(&s, `SELECT coalesce(string_agg(concat_ws(' ', kind, account, role, level, block_number), E'\n' ORDER BY id), '')
		FROM recognition_events WHERE id > $1`, after); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// lastEvent returns the newest event's id (0: none).
func (f *recognitionFixture) lastEvent() int64 {
	f.t.Helper()
	var id int64
	if err := f.raw.Get(&id, `SELECT coalesce(max(id), 0) FROM recognition_events`); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func wantText(t *testing.T, what, got, want string) {
	t.Helper()
	if got != strings.TrimSpace(want) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, strings.TrimSpace(want))
	}
}

func TestRecognitionDefaultLadderForNewCommunity(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	l, err := f.rec.Ladder(t.Context(), "guild")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, lv := range l {
		names = append(names, lv.Name)
	}
	if got := strings.Join(names, ","); got != "newcomer,regular,contributor,champion,ambassador" {
		t.Errorf("default ladder = %s", got)
	}
	a := account(1)
	f.reward(a, day(0, 9), 5, false, 0)
	f.at(day(0, 12))
	f.evaluate()
	wantText(t, "levels", f.levels(), a.Hex()+" newcomer 2025-01-06")
	if _, err := f.rec.Ladder(t.Context(), "nowhere"); guildhall.ErrorCode(err) != guildhall.ENOTFOUND {
		t.Errorf("ladder of an unknown community: %v, want ENOTFOUND", err)
	}
}

// TestRecognitionLevels: levels rise at once and drop only 30 days after they were reached.
// Ladder bronze (0, 0), silver (20 earned, 2 active days), gold (50, 3). A earns 10 and 15 on
// days 0 and 1 (silver), 30 on day 2 (gold, 55 over 3 days); B earns 5 (bronze). The ladder
// then raises gold to 100: A stays gold until day 32, 30 days after reaching it.
func TestRecognitionLevels(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	f.ladder("bronze:0:0", "silver:20:2", "gold:50:3")
	a, b := account(1), account(2)
	f.reward(a, day(0, 9), 10, false, 0)
	f.reward(a, day(1, 9), 15, false, 0)
	f.reward(b, day(1, 10), 5, false, 0)
	f.at(day(1, 12))
	ev := f.evaluate()
	if ev.Events != 2 || ev.AsOf.Number != 1 || ev.LedgerThrough == nil || !ev.LedgerThrough.Equal(day(1, 10)) {
		t.Errorf("evaluation = %+v, want 2 events at block 1, ledger through day 1 10:00", ev)
	}
	wantText(t, "levels on day 1", f.levels(), b.Hex()+" bronze 2025-01-07\n"+a.Hex()+" silver 2025-01-07")
	wantText(t, "feed on day 1", f.feed(0), "level_changed "+b.Hex()+" bronze 1\nlevel_changed "+a.Hex()+" silver 1")

	if again := f.evaluate(); again.Events != 0 {
		t.Errorf("a second evaluation at the same block recorded %d events, want 0", again.Events)
	}
	f.reward(a, day(2, 9), 30, false, 0)
	f.at(day(2, 12))
	seen := f.lastEvent()
	f.evaluate()
	wantText(t, "feed on day 2", f.feed(seen), "level_changed "+a.Hex()+" gold 2")

	f.ladder("bronze:0:0", "silver:20:2", "gold:100:3")
	for _, d := range []int{3, 31} {
		f.at(day(d, 12))
		f.evaluate()
		wantText(t, "levels before 30 days", f.levels(), b.Hex()+" bronze 2025-01-07\n"+a.Hex()+" gold 2025-01-08")
	}
	f.at(day(32, 12))
	seen = f.lastEvent()
	f.evaluate()
	wantText(t, "feed on day 32", f.feed(seen), "level_changed "+a.Hex()+" silver 5")
	wantText(t, "levels on day 32", f.levels(), b.Hex()+" bronze 2025-01-07\n"+a.Hex()+" silver 2025-02-07")
}

// roleFeed renders the role and badge events after id after, by block, role and account.
func (f *recognitionFixture) roleFeed(after int64) string {
	f.t.Helper()
	var s string
	if err := f.raw.Get(&s, `SELECT coalesce(string_agg(concat_ws(' ', kind, account, role, block_number), E'\n'
		ORDER BY block_number, role, account COLLATE "C"), '') FROM recognition_events WHERE id > $1 AND kind NOT LIKE 'level%'`, after); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// TestRecognitionRoles: a badge once awarded is kept; a tier whose conditions fail is revoked
// after its grace, unless they hold again within it. A and C buy (A twice); A and C vote on P1
// (day 2); P2 is created on day 3 (so "voted on the last proposal" fails); C votes on it on day 5,
// A never does. Roles: buyer (badge, 2 purchases in 30 days), voter (tier, 1 vote among the last
// proposal, 3 days' grace), veteran (tier, 10 days' tenure and not 100 voting power).
func TestRecognitionRoles(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	f.role("buyer", `{"kind":"badge","all":[{"activity_count":{"activity":"purchase","min":2,"window_days":30}}]}`)
	f.role("voter", `{"kind":"tier","grace_days":3,"all":[{"votes":{"min":1,"last_proposals":1}}]}`)
	f.role("veteran", `{"kind":"tier","all":[{"tenure_days":{"min":10}}],"none":[{"voting_power":{"min":"100"}}]}`)
	a, b, c := account(1), account(2), account(3)
	f.reward(a, day(0, 9), 10, false, 0)
	f.reward(c, day(0, 9), 10, false, 0)
	f.reward(a, day(1, 9), 10, false, 0)
	f.reward(b, day(1, 9), 5, false, 1)
	f.addBlock(day(1, 12), func(x *blockEvents) {
		x.mint(a, 50, true)
		x.power(a, 50)
		x.propose(1, b, 3600)
	})
	f.addBlock(day(2, 12), func(x *blockEvents) { x.vote(1, a, 50); x.vote(1, c, 0) })
	f.evaluate()
	sorted := func(lines ...string) string { slices.Sort(lines); return strings.Join(lines, "\n") }
	wantText(t, "day 2", f.roleFeed(0), "badge_awarded "+a.Hex()+" buyer 2\n"+sorted("role_granted "+a.Hex()+" voter 2", "role_granted "+c.Hex()+" voter 2"))
	f.addBlock(day(3, 12), func(x *blockEvents) { x.propose(2, b, 3600) })
	seen := f.lastEvent()
	f.evaluate()
	f.addBlock(day(5, 12), func(x *blockEvents) { x.vote(2, c, 0) })
	f.evaluate()
	wantText(t, "days 3 to 5, in grace", f.roleFeed(seen), "")
	f.at(day(6, 12))
	f.evaluate()
	wantText(t, "day 6", f.roleFeed(seen), "role_revoked "+a.Hex()+" voter 5")
	f.at(day(10, 12))
	f.evaluate()
	f.at(day(11, 12))
	f.evaluate()
	wantText(t, "day 11", f.roleFeed(seen), "role_revoked "+a.Hex()+" voter 5\n"+sorted("role_granted "+a.Hex()+" veteran 6", "role_granted "+c.Hex()+" veteran 6")+
		"\nrole_granted "+b.Hex()+" veteran 7")
	f.at(day(60, 12))
	f.evaluate()
	var held []string
	if err := f.raw.Select(&held, `SELECT role || ' ' || account FROM recognition_holdings ORDER BY role || ' ' || account COLLATE "C"`); err != nil {
		t.Fatal(err)
	}
	want := sorted("buyer "+a.Hex(), "veteran "+a.Hex(), "veteran "+b.Hex(), "veteran "+c.Hex(), "voter "+c.Hex())
	wantText(t, "held on day 60 (the badge kept long after its window)", strings.Join(held, "\n"), want)
}

// TestRecognitionReorgWithdraws: a role and a badge decided on a block that a reorg removes (the
// vote they depended on goes with it) were never granted: the feed withdraws them and nobody holds
// them; a badge decided on a block the reorg kept stays.
func TestRecognitionReorgWithdraws(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	f.role("early", `{"kind":"badge","all":[{"tenure_days":{"min":0}}]}`)
	f.role("founder", `{"kind":"badge","all":[{"votes":{"min":1,"last_proposals":1}}]}`)
	f.role("voter", `{"kind":"tier","all":[{"votes":{"min":1,"last_proposals":1}}]}`)
	a := account(1)
	f.reward(a, day(0, 9), 10, false, 0)
	f.addBlock(day(1, 12), func(x *blockEvents) { x.propose(1, a, 3600) })
	f.evaluate()
	f.addBlock(day(2, 12), func(x *blockEvents) { x.vote(1, a, 10) })
	f.evaluate()
	seen := f.lastEvent()
	wantText(t, "before the reorg", f.roleFeed(0), "badge_awarded "+a.Hex()+" early 1\nbadge_awarded "+a.Hex()+" founder 2\nrole_granted "+a.Hex()+" voter 2")

	f.rewind(1)
	f.addBlock(day(2, 13), func(*blockEvents) {}) // block 2 again, without the vote
	ev := f.evaluate()
	if ev.Withdrawn != 2 || ev.Events != 0 {
		t.Errorf("evaluation after the reorg = %+v, want 2 withdrawn and no new change", ev)
	}
	wantText(t, "after the reorg", f.feed(seen), "role_granted_withdrawn "+a.Hex()+" voter 2\nbadge_awarded_withdrawn "+a.Hex()+" founder 2")
	var rows []string
	if err := f.raw.Select(&rows, `SELECT e.kind || ' withdraws ' || w.kind FROM recognition_events e JOIN recognition_events w ON w.id = e.withdraws
		WHERE w.withdrawn ORDER BY e.id`); err != nil {
		t.Fatal(err)
	}
	wantText(t, "withdrawals", strings.Join(rows, "\n"), "role_granted_withdrawn withdraws role_granted\nbadge_awarded_withdrawn withdraws badge_awarded")
	var held []string
	if err := f.raw.Select(&held, `SELECT role FROM recognition_holdings ORDER BY role`); err != nil {
		t.Fatal(err)
	}
	wantText(t, "held after the reorg", strings.Join(held, ","), "early")
	if again := f.evaluate(); again.Withdrawn != 0 || again.Events != 0 {
		t.Errorf("a second evaluation after the reorg = %+v, want nothing", again)
	}
}

// TestRecognitionSeasons: a season's leaderboards live while it runs, and its final ranking
// sealed by the first evaluation after it ends, at that block, never changed by what comes later.
// Season s1 runs days 0 to 7: A earns 10 (day 0) and 5 (day 2) and votes on day 2; B earns 9 on
// day 1 (before 15 as text, after it as a number); C earns 7 on day 8, after the end.
func TestRecognitionSeasons(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	s1 := &recognition.Season{ID: "s1", Name: "Winter", StartsAt: day(0, 0), EndsAt: day(7, 0)}
	if err := f.rec.PutSeason(t.Context(), "guild", s1); err != nil {
		t.Fatal(err)
	}
	if err := f.rec.PutSeason(t.Context(), "guild", &recognition.Season{ID: "bad", Name: "x", StartsAt: day(2, 0), EndsAt: day(1, 0)}); guildhall.ErrorCode(err) != guildhall.EINVALID {
		t.Errorf("a season ending before it starts: %v, want EINVALID", err)
	}
	a, b, c := account(1), account(2), account(3)
	f.reward(a, day(0, 9), 10, false, 0)
	f.reward(b, day(1, 9), 9, false, 0)
	f.reward(a, day(2, 9), 5, false, 0)
	f.addBlock(day(1, 12), func(x *blockEvents) { x.propose(1, b, 60) })
	f.addBlock(day(2, 12), func(x *blockEvents) { x.vote(1, a, 0) })
	board := func(by string) string {
		t.Helper()
		bd, err := f.rec.SeasonLeaderboard(t.Context(), health.Scope{Community: "guild"}, "s1", by, 10)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, r := range bd.Items {
			lines = append(lines, strconv.Itoa(r.Rank)+" "+r.Address+" "+r.Value)
		}
		return strconv.FormatBool(bd.Sealed) + " " + strconv.FormatUint(bd.AsOf.Number, 10) + "\n" + strings.Join(lines, "\n")
	}
	wantText(t, "live earned", board("earned"), "false 2\n1 "+a.Hex()+" 15\n2 "+b.Hex()+" 9")
	f.reward(c, day(8, 9), 7, false, 0)
	f.at(day(8, 12))
	f.evaluate()
	sealed := map[string]string{
		"earned":      "true 3\n1 " + a.Hex() + " 15\n2 " + b.Hex() + " 9",
		"active_days": "true 3\n" + strings.Join(sortedRanks(a.Hex()+" 2", b.Hex()+" 1"), "\n"),
		"votes":       "true 3\n1 " + a.Hex() + " 1",
	}
	for by, want := range sealed {
		wantText(t, "sealed "+by, board(by), want)
	}
	// Later facts in the season's time (a reward recorded late) do not change the sealed ranking.
	f.reward(a, day(3, 9), 100, false, 0)
	f.at(day(9, 12))
	f.evaluate()
	wantText(t, "sealed earned after a late reward", board("earned"), sealed["earned"])
	if err := f.rec.PutSeason(t.Context(), "guild", s1); guildhall.ErrorCode(err) != guildhall.ECONFLICT {
		t.Errorf("changing a sealed season: %v, want ECONFLICT", err)
	}
}

// sortedRanks ranks "address value" lines by value, largest first (distinct values).
func sortedRanks(lines ...string) []string {
	slices.SortFunc(lines, func(x, y string) int {
		return strings.Compare(y[strings.LastIndex(y, " "):], x[strings.LastIndex(x, " "):])
	})
	for k := range lines {
		lines[k] = strconv.Itoa(k+1) + " " + lines[k]
	}
	return lines
}

// TestRecognitionReorgRestoresRevocationAndLevel: a revocation and a level change decided on a
// block a reorg removed are undone (the tier is held again since its grant, the level restored),
// then the evaluation decides afresh on the new block: the ledger's reward still lifts A to silver,
// and the tier stays, since the proposal that made A's vote stale went with the old block.
func TestRecognitionReorgRestoresRevocationAndLevel(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	f.ladder("bronze:0:0", "silver:20:2")
	f.role("voter", `{"kind":"tier","all":[{"votes":{"min":1,"last_proposals":1}}]}`)
	a := account(1)
	f.reward(a, day(0, 9), 10, false, 0)
	f.addBlock(day(1, 12), func(x *blockEvents) { x.propose(1, a, 60) })
	f.evaluate()
	f.addBlock(day(2, 12), func(x *blockEvents) { x.vote(1, a, 0) })
	f.evaluate()
	f.reward(a, day(3, 9), 15, false, 0)
	f.addBlock(day(3, 12), func(x *blockEvents) { x.propose(2, a, 60) })
	seen := f.lastEvent()
	f.evaluate()
	wantText(t, "block 3", f.feed(seen), "level_changed "+a.Hex()+" silver 3\nrole_revoked "+a.Hex()+" voter 3")

	f.rewind(2)
	f.addBlock(day(3, 13), func(*blockEvents) {})
	seen = f.lastEvent()
	f.evaluate()
	wantText(t, "after the reorg", f.feed(seen), "role_revoked_withdrawn "+a.Hex()+" voter 3\nlevel_changed_withdrawn "+a.Hex()+" silver 3\n"+
		"level_changed "+a.Hex()+" silver 3")
	var held string
	if err := f.raw.Get(&held, `SELECT role || ' since ' || (since AT TIME ZONE 'UTC')::text FROM recognition_holdings`); err != nil {
		t.Fatal(err)
	}
	wantText(t, "the tier held again since its grant", held, "voter since 2025-01-08 12:00:00")
	wantText(t, "levels", f.levels(), a.Hex()+" silver 2025-01-09")
}
