package health

// Referral is what the ledger records of one referred member: its referrer (named with its first
// reward) and the day its referral qualified, if it has.
type Referral struct {
	Referrer  string
	Qualified *Day // nil: not qualified
}

// Referrals holds the figures of GET …/stats/referrals (see Definitions, referrals.*).
type Referrals struct {
	Referred         int      `json:"referred"`           // members at today with a referrer
	Qualified        int      `json:"qualified"`          // of them, qualified on or before today
	NewMembers28d    int      `json:"new_members_28d"`    // first reward in today-27..today
	ReferredNew28d   int      `json:"referred_new_28d"`   // of them, referred
	ReferredShare28d *float64 `json:"referred_share_28d"` // referred_new_28d / new_members_28d
	RetentionM1      struct {
		Referred       *float64 `json:"referred"`        // retention_m1 of the referred members
		Organic        *float64 `json:"organic"`         // retention_m1 of the members without a referrer
		ReferredCohort int      `json:"referred_cohort"` // referred members with a first reward in today-55..today-28
		OrganicCohort  int      `json:"organic_cohort"`  // the others of that window
	} `json:"retention_m1"`
}

// ReferralsReport is GET …/stats/referrals.
type ReferralsReport struct {
	Meta
	Referrals
}

// ComputeReferrals returns the referral figures at today from the members' activity and the
// referrals by referred member; excluded accounts (as referred members or referrers) never count,
// and a, like every Activity, holds no excluded account.
func ComputeReferrals(a Activity, referrals map[string]Referral, excluded map[string]bool, today Day) Referrals {
	var o Referrals
	var retained [2]int // referred, organic
	for account, m := range a {
		days := m.Counted(today)
		if len(days) == 0 {
			continue
		}
		r, referred := referrals[account]
		referred = referred && !excluded[r.Referrer]
		first := days[0].Day
		if referred {
			o.Referred++
			if r.Qualified != nil && *r.Qualified <= today {
				o.Qualified++
			}
		}
		if first >= today-27 {
			o.NewMembers28d++
			if referred {
				o.ReferredNew28d++
			}
		}
		if first >= today-55 && first <= today-28 {
			active := kindsIn(days, today-27, today) != 0
			if referred {
				o.RetentionM1.ReferredCohort++
				retained[0] += b2i(active)
			} else {
				o.RetentionM1.OrganicCohort++
				retained[1] += b2i(active)
			}
		}
	}
	o.ReferredShare28d = Ratio(o.ReferredNew28d, o.NewMembers28d)
	o.RetentionM1.Referred = Ratio(retained[0], o.RetentionM1.ReferredCohort)
	o.RetentionM1.Organic = Ratio(retained[1], o.RetentionM1.OrganicCohort)
	return o
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
