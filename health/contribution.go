package health

import (
	"math/big"
	"slices"
	"strings"
)

// DefaultWindow is the contribution window in days (days=), today included.
const DefaultWindow = 90

// Window returns the first and last day of the n days ending today, today included.
func Window(today Day, n int) (Day, Day) { return today - Day(n) + 1, today }

// Reward is one accepted reward to a non-excluded member, as the contribution figures need it (its
// free-text reference has no place here).
type Reward struct {
	Member   string
	Activity string // the activity it rewards
	IssuerID string
	Day      Day // the ledger's acceptance day
	Amount   *big.Int
}

// RewardTotals is one row of by_activity or by_issuer; the API writes Amount as a decimal string
// and adds the activity or issuer names.
type RewardTotals struct {
	Key     string   `json:"-"` // the activity, or the issuer id
	Rewards int      `json:"rewards"`
	Amount  *big.Int `json:"-"`
	Members int      `json:"members"` // distinct members rewarded
}

// RewardsBy totals the rewards accepted in [from, to] by key (Reward.Activity for by_activity,
// Reward.IssuerID for by_issuer), ordered by key.
func RewardsBy(rs []Reward, from, to Day, key func(Reward) string) []RewardTotals {
	totals := map[string]*RewardTotals{}
	seen := map[[2]string]bool{}
	for _, r := range rs {
		if r.Day < from || r.Day > to {
			continue
		}
		k := key(r)
		t := totals[k]
		if t == nil {
			t = &RewardTotals{Key: k, Amount: new(big.Int)}
			totals[k] = t
		}
		t.Rewards++
		if r.Amount != nil {
			t.Amount.Add(t.Amount, r.Amount)
		}
		if !seen[[2]string{k, r.Member}] {
			seen[[2]string{k, r.Member}] = true
			t.Members++
		}
	}
	out := make([]RewardTotals, 0, len(totals))
	for _, t := range totals {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(x, y RewardTotals) int { return strings.Compare(x.Key, y.Key) })
	return out
}

// PowerFollowsContribution returns the Spearman rank correlation, over every member at today,
// between the tokens each earned in the window (earned, by member) and its voting power now
// (power, by member); an absent member is 0 in either. Nil with fewer than two members or no
// variance.
func PowerFollowsContribution(a Activity, today Day, earned, power map[string]*big.Int) *float64 {
	var x, y []*big.Int
	for addr, m := range a {
		if len(m.Counted(today)) == 0 {
			continue
		}
		x = append(x, earned[addr])
		y = append(y, power[addr])
	}
	return Spearman(x, y)
}

// EarnersNeverVotedShare returns, over the members active in [from, to], the share that have
// never voted (voted reports a vote of any weight, ever); nil when no member was active.
func EarnersNeverVotedShare(a Activity, from, to Day, voted func(account string) bool) *float64 {
	active, never := 0, 0
	for addr, m := range a {
		if kindsIn(m.Counted(to), from, to) == 0 {
			continue
		}
		active++
		if !voted(addr) {
			never++
		}
	}
	return Ratio(never, active)
}
