package health_test

import (
	"slices"
	"testing"

	"github.com/guildhall/guildhall/health"
)

const (
	reward = health.KindReward
	chain  = health.KindChain
)

// add records activity of kind k by who on each of the ISO dates.
func add(a health.Activity, who string, k health.Kind, dates ...string) {
	for _, d := range dates {
		a.Add(who, day(d), k)
	}
}

func TestMemberActivityKeepsDaysSortedAndFindsTheFirstReward(t *testing.T) {
	a := health.Activity{}
	add(a, "x", chain, "2025-03-05", "2025-01-01")
	if a["x"].IsMember() {
		t.Fatal("an account with only chain activity is a member")
	}
	if _, ok := a["x"].FirstReward(); ok {
		t.Fatal("FirstReward ok without a reward")
	}
	add(a, "x", reward, "2025-03-05", "2025-02-10") // 03-05 merges into the chain day
	add(a, "x", reward, "2025-02-20")
	want := []health.ActiveDay{
		{Day: day("2025-01-01"), Kinds: chain},
		{Day: day("2025-02-10"), Kinds: reward},
		{Day: day("2025-02-20"), Kinds: reward},
		{Day: day("2025-03-05"), Kinds: reward | chain},
	}
	if got := a["x"].Days(); !slices.Equal(got, want) {
		t.Fatalf("Days = %v, want %v", got, want)
	}
	if d, ok := a["x"].FirstReward(); !ok || d != day("2025-02-10") {
		t.Fatalf("FirstReward = %s, %v; want 2025-02-10", d, ok)
	}
	// A reward inserted before everything becomes the first; the index shift keeps it right.
	add(a, "x", reward, "2024-12-31")
	if d, _ := a["x"].FirstReward(); d != day("2024-12-31") {
		t.Fatalf("FirstReward after an earlier reward = %s", d)
	}
}

func TestCountedLeavesOutDaysBeforeTheFirstRewardAndAfterToday(t *testing.T) {
	a := health.Activity{}
	add(a, "x", chain, "2025-01-01", "2025-03-05", "2025-04-02")
	add(a, "x", reward, "2025-02-10")
	got := a["x"].Counted(day("2025-03-31"))
	want := []health.ActiveDay{{Day: day("2025-02-10"), Kinds: reward}, {Day: day("2025-03-05"), Kinds: chain}}
	if !slices.Equal(got, want) {
		t.Fatalf("Counted = %v, want %v", got, want)
	}
	if got := a["x"].Counted(day("2025-02-09")); len(got) != 0 {
		t.Fatalf("Counted before the first reward = %v, want none", got)
	}
	var none *health.MemberActivity
	if none.IsMember() || none.Days() != nil || none.Counted(0) != nil {
		t.Fatal("a nil MemberActivity must be an account with no days")
	}
}

// community is the hand-built community of the member figures' tests, at today = Monday
// 2025-03-31 (today-6 = 03-25, today-27 = 03-04, today-55 = 02-04, today-28 = 03-03):
//
//	A  chain 01-01 (before membership: not counted), reward 02-10 (49 days ago), chain 03-05
//	B  reward 03-30
//	C  reward 01-15, nothing since
//	D  chain 03-31 only: not a member
//	E  reward 02-20 (39 days ago), chain 03-03 (28 days ago: just outside the 28 days)
//	F  reward 04-02, after today: not yet a member
//	G  reward 03-04 (today-27), chain 03-25 (today-6)
//	H  reward Monday 03-10, chain Sunday 03-16 (same week), chain Monday 03-17 (next week)
//	R  reward 01-20, chain 03-10 (inactive in February)
func community() health.Activity {
	a := health.Activity{}
	add(a, "A", chain, "2025-01-01", "2025-03-05")
	add(a, "A", reward, "2025-02-10")
	add(a, "B", reward, "2025-03-30")
	add(a, "C", reward, "2025-01-15")
	add(a, "D", chain, "2025-03-31")
	add(a, "E", reward, "2025-02-20")
	add(a, "E", chain, "2025-03-03")
	add(a, "F", reward, "2025-04-02")
	add(a, "G", reward, "2025-03-04")
	add(a, "G", chain, "2025-03-25")
	add(a, "H", reward, "2025-03-10")
	add(a, "H", chain, "2025-03-16", "2025-03-17")
	add(a, "R", reward, "2025-01-20")
	add(a, "R", chain, "2025-03-10")
	return a
}

var today = day("2025-03-31")
