package health

// Overview holds the member figures of GET …/stats/overview. Today is the UTC day of the as_of
// block; days after today are not counted.
type Overview struct {
	Members          int      `json:"members"`           // first reward on or before today
	Active7d         int      `json:"active_7d"`         // active in today-6..today
	Active28d        int      `json:"active_28d"`        // active in today-27..today
	NewMembers28d    int      `json:"new_members_28d"`   // first reward in today-27..today
	Participation28d *float64 `json:"participation_28d"` // active_28d / members
	RetentionM1      *float64 `json:"retention_m1"`      // of first reward in today-55..today-28, share active in today-27..today
}

// ComputeOverview returns the member figures of the overview at today.
func ComputeOverview(a Activity, today Day) Overview {
	var o Overview
	var cohort, retained int
	for _, m := range a {
		days := m.Counted(today)
		if len(days) == 0 {
			continue
		}
		first := days[0].Day
		active28 := kindsIn(days, today-27, today) != 0
		o.Members++
		if kindsIn(days, today-6, today) != 0 {
			o.Active7d++
		}
		if active28 {
			o.Active28d++
		}
		if first >= today-27 {
			o.NewMembers28d++
		}
		if first >= today-55 && first <= today-28 {
			cohort++
			if active28 {
				retained++
			}
		}
	}
	o.Participation28d = Ratio(o.Active28d, o.Members)
	o.RetentionM1 = Ratio(retained, cohort)
	return o
}

// SeriesItem is the member part of one period of GET …/stats/activity; the API adds rewards,
// rewards_amount and holders_end from the ledger and the chain.
type SeriesItem struct {
	PeriodStart   Day `json:"period_start"`
	NewMembers    int `json:"new_members"`    // first reward in the period
	ActiveMembers int `json:"active_members"` // active in the period
	ActiveReward  int `json:"active_reward"`  // a reward in the period
	ActiveChain   int `json:"active_chain"`   // an action on chain in the period
	ActiveBoth    int `json:"active_both"`    // both kinds in the period (not necessarily the same day)
}

// Series returns one item per period of iv holding a day of [from, to], oldest first, periods
// without activity with zeros. Days after today are not counted.
func Series(a Activity, iv Interval, from, to, today Day) []SeriesItem {
	starts := Periods(iv, from, to)
	items := make([]SeriesItem, len(starts))
	for i, s := range starts {
		items[i].PeriodStart = s
	}
	for _, m := range a {
		days := m.Counted(today)
		if len(days) == 0 {
			continue
		}
		if i := indexOf(iv, starts, days[0].Day); i >= 0 {
			items[i].NewMembers++
		}
		for _, p := range byPeriod(iv, days) {
			i := indexOf(iv, starts, p.start)
			if i < 0 {
				continue
			}
			it := &items[i]
			it.ActiveMembers++
			if p.kinds&KindReward != 0 {
				it.ActiveReward++
			}
			if p.kinds&KindChain != 0 {
				it.ActiveChain++
			}
			if p.kinds == KindReward|KindChain {
				it.ActiveBoth++
			}
		}
	}
	return items
}

// Cohort is one retention cohort of GET …/stats/retention.
type Cohort struct {
	CohortStart Day   `json:"cohort_start"`
	Size        int   `json:"size"`     // members whose first reward fell in the period
	Retained    []int `json:"retained"` // [k]: how many were active (on the basis) in period cohort+k; [0] = size
}

// MaxCohorts bounds periods= of the retention cohorts (the answer grows with its square): parse it
// with ParseCount("periods", s, DefaultPeriods, MaxCohorts).
const MaxCohorts = 120

// Retention returns the last n cohorts of iv up to and including today's period, oldest first;
// each cohort's retained runs from its own period to today's (the newest has one entry).
// retained[0] is the size whatever the basis, as defined. n is held to 1..MaxCohorts (none below).
func Retention(a Activity, iv Interval, n int, today Day, b Basis) []Cohort {
	if n < 1 {
		return nil
	}
	n = min(n, MaxCohorts)
	starts := Periods(iv, DefaultFrom(iv, today, n), today)
	cohorts := make([]Cohort, len(starts))
	for i, s := range starts {
		cohorts[i] = Cohort{CohortStart: s, Retained: make([]int, len(starts)-i)}
	}
	for _, m := range a {
		days := m.Counted(today)
		if len(days) == 0 {
			continue
		}
		c := indexOf(iv, starts, days[0].Day)
		if c < 0 {
			continue
		}
		cohorts[c].Size++
		cohorts[c].Retained[0]++
		for _, p := range byPeriod(iv, days) {
			if k := indexOf(iv, starts, p.start) - c; k > 0 && p.kinds&b.kinds() != 0 {
				cohorts[c].Retained[k]++
			}
		}
	}
	return cohorts
}
