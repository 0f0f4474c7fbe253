package health

import (
	"cmp"
	"slices"
	"sort"
)

// AtRiskWindow is how many days, today included, the at-risk segment looks back.
const AtRiskWindow = 90

// AtRiskSilence is the longest silence, in days, before a top member is at risk whatever its
// usual gap.
const AtRiskSilence = 28

// AtRiskMember is one member of GET …/members?segment=at_risk; the API adds earned_90d from the
// ledger.
type AtRiskMember struct {
	Address       string   `json:"address"`
	LastActive    Day      `json:"last_active"`
	ActiveDays90d int      `json:"active_days_90d"`
	SilentDays    int      `json:"silent_days"`    // today - last_active
	UsualGap      *float64 `json:"usual_gap_days"` // median days between consecutive active days in the window; null with one day
}

// AtRisk returns the at-risk segment at today: among members with an active day in
// today-89..today, the top quartile by active days in that window (the ceil(n/4) members with the
// most, and every member tied with the last of them), who have been silent for at least
// min(28, 2 × usual gap) days, the usual gap being the median of the days between consecutive
// active days in the window (a member with a single active day has none: 28). Ordered by silence,
// longest first, then address.
func AtRisk(a Activity, today Day) []AtRiskMember {
	type candidate struct {
		address string
		days    []ActiveDay
	}
	var cands []candidate
	for addr, m := range a {
		days := m.Counted(today)
		i := sort.Search(len(days), func(i int) bool { return days[i].Day > today-AtRiskWindow })
		if i < len(days) {
			cands = append(cands, candidate{addr, days[i:]})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	counts := make([]int, len(cands))
	for i, c := range cands {
		counts[i] = len(c.days)
	}
	slices.SortFunc(counts, func(x, y int) int { return y - x })
	boundary := counts[(len(counts)+3)/4-1] // the ceil(n/4)-th most active
	var out []AtRiskMember
	for _, c := range cands {
		if len(c.days) < boundary {
			continue
		}
		last := c.days[len(c.days)-1].Day
		r := AtRiskMember{Address: c.address, LastActive: last, ActiveDays90d: len(c.days), SilentDays: int(today - last)}
		limit := AtRiskSilence
		if twice, ok := twiceMedianGap(c.days); ok {
			limit = min(limit, twice)
			g := float64(twice) / 2
			r.UsualGap = &g
		}
		if r.SilentDays >= limit {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(x, y AtRiskMember) int {
		return cmp.Or(y.SilentDays-x.SilentDays, cmp.Compare(x.Address, y.Address))
	})
	return out
}

// twiceMedianGap returns twice the median of the gaps in days between consecutive days (a whole
// number even when the median is a half); ok is false with fewer than two days.
func twiceMedianGap(days []ActiveDay) (int, bool) {
	if len(days) < 2 {
		return 0, false
	}
	gaps := make([]int, len(days)-1)
	for i := range gaps {
		gaps[i] = int(days[i+1].Day - days[i].Day)
	}
	slices.Sort(gaps)
	n := len(gaps)
	if n%2 == 1 {
		return 2 * gaps[n/2], true
	}
	return gaps[n/2-1] + gaps[n/2], true
}
