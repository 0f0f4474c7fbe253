package recognition

import (
	"testing"
	"time"

	"github.com/guildhall/guildhall/health"
)

func TestStreaks(t *testing.T) {
	mon := health.Date(2025, 3, 3) // a Monday
	w := func(weeksBefore ...int) []health.Day {
		var out []health.Day
		for _, n := range weeksBefore {
			out = append(out, mon-health.Day(7*n))
		}
		return out
	}
	for name, tc := range map[string]struct {
		weeks            []health.Day
		today            health.Day
		current, longest int
	}{
		"none":                                 {nil, mon, 0, 0},
		"this week only":                       {w(0), mon + 3, 1, 1},
		"three weeks up to this one":           {w(2, 1, 0), mon + 6, 3, 3},
		"up to last week, this one not yet":    {w(2, 1), mon + 2, 2, 2},
		"broken two weeks ago":                 {w(5, 4, 3, 2), mon, 0, 4},
		"a gap, then a shorter run till now":   {w(6, 5, 4, 2, 1, 0), mon, 3, 3},
		"longest before the gap":               {w(9, 8, 7, 6, 1), mon, 1, 4},
		"today on Sunday counts the same week": {w(1, 0), mon + 6, 2, 2},
	} {
		t.Run(name, func(t *testing.T) {
			c, l := Streaks(tc.weeks, tc.today)
			if c != tc.current || l != tc.longest {
				t.Errorf("Streaks = %d, %d; want %d, %d", c, l, tc.current, tc.longest)
			}
		})
	}
}

func TestVotingStreak(t *testing.T) {
	voted, missed, ineligible := Turn{Eligible: true, Voted: true}, Turn{Eligible: true}, Turn{}
	open := Turn{Eligible: true, Open: true}
	for name, tc := range map[string]struct {
		turns []Turn
		want  int
	}{
		"none":                                 {nil, 0},
		"voted the last three":                 {[]Turn{voted, voted, voted, missed, voted}, 3},
		"a proposal without power is skipped":  {[]Turn{voted, ineligible, voted, missed}, 2},
		"an open one not voted yet is skipped": {[]Turn{open, voted, voted}, 2},
		"missed the newest":                    {[]Turn{missed, voted}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			if got := VotingStreak(tc.turns); got != tc.want {
				t.Errorf("VotingStreak = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestNextRank(t *testing.T) {
	today := health.Date(2025, 3, 3)
	for name, tc := range map[string]struct {
		held      HeldLevel
		qualified int
		want      int
	}{
		"first level":                 {HeldLevel{Rank: -1}, 1, 1},
		"a rise takes effect at once": {HeldLevel{Rank: 1, Since: today}, 3, 3},
		"a drop waits 30 days":        {HeldLevel{Rank: 3, Since: today - 29}, 1, 3},
		"a drop after 30 days":        {HeldLevel{Rank: 3, Since: today - 30}, 1, 1},
		"staying":                     {HeldLevel{Rank: 2, Since: today - 100}, 2, 2},
	} {
		t.Run(name, func(t *testing.T) {
			if got := NextRank(tc.held, tc.qualified, today); got != tc.want {
				t.Errorf("NextRank = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	now := time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)
	tier, badge := &Role{Kind: Tier, GraceDays: 7}, &Role{Kind: Badge}
	failing := func(days int) *Holding { t := now.AddDate(0, 0, -days); return &Holding{FailingSince: &t} }
	for name, tc := range map[string]struct {
		r    *Role
		h    *Holding
		met  bool
		want Decision
	}{
		"grant":                     {tier, nil, true, Grant},
		"nothing to grant":          {tier, nil, false, Keep},
		"a badge is kept":           {badge, &Holding{}, false, Keep},
		"grace starts":              {tier, &Holding{}, false, StartFailing},
		"within grace":              {tier, failing(6), false, Keep},
		"grace over":                {tier, failing(7), false, Revoke},
		"recovered within grace":    {tier, failing(3), true, Recover},
		"no grace: revoked at once": {&Role{Kind: Tier}, &Holding{}, false, Revoke},
		"held and met":              {tier, &Holding{}, true, Keep},
	} {
		t.Run(name, func(t *testing.T) {
			if got := Decide(tc.r, tc.h, tc.met, now); got != tc.want {
				t.Errorf("Decide = %d, want %d", got, tc.want)
			}
		})
	}
}
