package health

import "sort"

// Kind is a set of activity kinds, as bits.
type Kind uint8

// The activity kinds.
const (
	// KindReward: a reward to the member was accepted that day (ledger time).
	KindReward Kind = 1 << iota
	// KindChain: a block with that day's timestamp holds an action the member took: a Transfer
	// they sent, an explicit delegation (not the automatic self-delegation), a vote (relayed ones
	// too) or a proposal they created.
	KindChain
)

// ActiveDay is one day on which an account was active, with the kinds of activity that day.
type ActiveDay struct {
	Day   Day
	Kinds Kind
}

// MemberActivity is one account's active days. The zero value is an account with none; Add keeps
// the days sorted, one entry per day. An account is a member from the day of its first reward
// (the earliest day with KindReward); days before that do not count.
type MemberActivity struct {
	days  []ActiveDay // ascending, unique days
	first int         // index in days of the first reward; -1 with none
}

// Add records activity of kinds k on day d (merged with what that day already has).
func (m *MemberActivity) Add(d Day, k Kind) {
	if len(m.days) == 0 {
		m.first = -1
	}
	i := sort.Search(len(m.days), func(i int) bool { return m.days[i].Day >= d })
	if i < len(m.days) && m.days[i].Day == d {
		m.days[i].Kinds |= k
	} else {
		m.days = append(m.days, ActiveDay{})
		copy(m.days[i+1:], m.days[i:])
		m.days[i] = ActiveDay{Day: d, Kinds: k}
		if m.first >= i {
			m.first++
		}
	}
	if k&KindReward != 0 && (m.first < 0 || i <= m.first) {
		m.first = i
	}
}

// IsMember reports whether the account has a reward: a member, on or after FirstReward.
func (m *MemberActivity) IsMember() bool { return m != nil && len(m.days) > 0 && m.first >= 0 }

// FirstReward returns the day of the first reward, when membership starts; ok is false for an
// account that is not a member.
func (m *MemberActivity) FirstReward() (d Day, ok bool) {
	if !m.IsMember() {
		return 0, false
	}
	return m.days[m.first].Day, true
}

// Days returns every recorded day, ascending, including days before the first reward (the caller
// must not change them).
func (m *MemberActivity) Days() []ActiveDay {
	if m == nil {
		return nil
	}
	return m.days
}

// Counted returns the days that count up to and including today: the member's days from the first
// reward on (none for an account that is not a member), days after today left out.
func (m *MemberActivity) Counted(today Day) []ActiveDay {
	if !m.IsMember() {
		return nil
	}
	days := m.days[m.first:]
	n := sort.Search(len(days), func(i int) bool { return days[i].Day > today })
	return days[:n]
}

// Activity is a community's activity model: each account's active days, by address. Addresses
// are keys as the caller spells them (spell each account one way); excluded accounts must not be
// in it. Accounts with chain activity and no reward may be in it: they are not members and count
// nowhere until their first reward, and then only from that day.
type Activity map[string]*MemberActivity

// Add records activity of kinds k by the account on day d.
func (a Activity) Add(account string, d Day, k Kind) {
	m := a[account]
	if m == nil {
		m = &MemberActivity{first: -1}
		a[account] = m
	}
	m.Add(d, k)
}

// kindsIn returns the union of the kinds of days within [lo, hi].
func kindsIn(days []ActiveDay, lo, hi Day) Kind {
	var k Kind
	i := sort.Search(len(days), func(i int) bool { return days[i].Day >= lo })
	for ; i < len(days) && days[i].Day <= hi; i++ {
		k |= days[i].Kinds
	}
	return k
}

// periodKinds is one period in which a member was active, with the kinds over the period.
type periodKinds struct {
	start Day
	kinds Kind
}

// byPeriod groups counted days (ascending) by period of iv: one entry per period with activity,
// oldest first, its kinds the union over the period.
func byPeriod(iv Interval, days []ActiveDay) []periodKinds {
	var out []periodKinds
	for _, d := range days {
		p := PeriodStart(iv, d.Day)
		if n := len(out); n > 0 && out[n-1].start == p {
			out[n-1].kinds |= d.Kinds
			continue
		}
		out = append(out, periodKinds{p, d.Kinds})
	}
	return out
}
