package rewards

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/guildhall/guildhall"
)

// An Order is an issuer's request priced under the current rules: the rewards it asks for, their
// total (what it takes from the issuer's budget) and what it adds to each member's cap counter.
type Order struct {
	Rewards []*Reward // pending, one per item in request order, without ID and CreatedAt yet
	Total   *big.Int
	Caps    []CapUse // one per (activity, wallet) under a capped rule, by activity then wallet
}

// CapUse is what an order adds to one member's counter of one capped rule in one period.
type CapUse struct {
	Activity string
	Wallet   string
	Rule     *Rule
	Start    time.Time // the start of the rule's cap period that holds the order's time
	Amount   *big.Int
	item     int    // the first item of the order it comes from, which a cap error names
	field    string // that item's field prefix
}

// PriceOrder prices in's items with rules (the community's current rules by activity) at in.Now
// and checks that no member's part of the order alone passes a cap. Errors are EUNPROCESSABLE
// *guildhall.Error values naming the item's field (see Price), the first item's in request order.
func PriceOrder(in AcceptInput, rules map[string]*Rule) (*Order, error) {
	o := &Order{Rewards: make([]*Reward, len(in.Items)), Total: new(big.Int)}
	type capKey struct{ activity, wallet string }
	caps := map[capKey]int{} // index into o.Caps
	for k, it := range in.Items {
		rule := rules[it.Activity]
		amount, err := Price(rule, it, in.Now, itemField(in, k))
		if err != nil {
			return nil, err
		}
		o.Rewards[k] = &Reward{
			CommunityID: in.Issuer.CommunityID, IssuerID: in.Issuer.ID, RuleID: rule.ID, Activity: it.Activity,
			Wallet: it.Wallet, Reference: it.Reference, Amount: amount, Status: StatusPending,
		}
		o.Total.Add(o.Total, amount)
		if rule.CapPerMember == nil {
			continue
		}
		c, ok := caps[capKey{it.Activity, it.Wallet}]
		if !ok {
			c = len(o.Caps)
			caps[capKey{it.Activity, it.Wallet}] = c
			o.Caps = append(o.Caps, CapUse{Activity: it.Activity, Wallet: it.Wallet, Rule: rule,
				Start: rule.CapPeriod.Start(in.Now), Amount: new(big.Int), item: k, field: itemField(in, k)})
		}
		if o.Caps[c].Amount.Add(o.Caps[c].Amount, amount).Cmp(rule.CapPerMember) > 0 {
			return nil, capError(rule, it.Wallet, itemField(in, k), nil)
		}
	}
	slices.SortFunc(o.Caps, func(a, b CapUse) int {
		return strings.Compare(a.Activity+"\x00"+a.Wallet, b.Activity+"\x00"+b.Wallet)
	})
	return o, nil
}

// CheckLimits checks the order against what its members and its issuer had before it: used[i] is
// what the member of o.Caps[i] earned in its period for the activity, and issuer is the issuer as
// it is (budget, spent, revoked). It refuses, in this order, the first item (in request order)
// whose member would pass a cap (EUNPROCESSABLE), a revoked issuer (EUNAUTHORIZED) and an order
// larger than what is left of the budget (EUNPROCESSABLE). Reaching a cap or the budget exactly
// is allowed.
func (o *Order) CheckLimits(used []*big.Int, issuer *Issuer) error {
	over := -1
	for i, c := range o.Caps {
		earned := new(big.Int).Add(used[i], c.Amount)
		if earned.Cmp(c.Rule.CapPerMember) > 0 && (over < 0 || c.item < o.Caps[over].item) {
			over = i
		}
	}
	if over >= 0 {
		c := o.Caps[over]
		return capError(c.Rule, c.Wallet, c.field, used[over])
	}
	if issuer.Revoked {
		return guildhall.Errorf(guildhall.EUNAUTHORIZED, "invalid or revoked issuer API key")
	}
	if new(big.Int).Add(issuer.Spent, o.Total).Cmp(issuer.Budget) > 0 {
		return guildhall.Errorf(guildhall.EUNPROCESSABLE,
			"budget exceeded: this request needs %s base units and issuer %q has %s left of %s", o.Total, issuer.Name, issuer.Remaining(), issuer.Budget)
	}
	return nil
}

// itemField is the prefix of the field names of item k in errors: "items[k]." in a batch, ""
// for a single reward.
func itemField(in AcceptInput, k int) string {
	if in.Batch || len(in.Items) > 1 {
		return fmt.Sprintf("items[%d].", k)
	}
	return ""
}

func capError(rule *Rule, wallet, field string, used *big.Int) error {
	msg := fmt.Sprintf("member cap exceeded: %s may earn at most %s base units per %s for %q", wallet, rule.CapPerMember, rule.CapPeriod, rule.Activity)
	if used != nil {
		msg += fmt.Sprintf(" and has %s this %s", used, rule.CapPeriod)
	}
	return &guildhall.Error{Code: guildhall.EUNPROCESSABLE, Message: msg, Fields: []guildhall.FieldError{{Field: field + "wallet", Message: "member cap exceeded"}}}
}

// CheckRecipients refuses a reward to one of the community's own contracts (contracts maps an
// EIP-55 address to what it is: "token", "governor", "timelock"): tokens minted to them are
// stranded, and gas is spent for nothing. The error is EUNPROCESSABLE and names every such item.
func CheckRecipients(items []Request, batch bool, contracts map[string]string) error {
	var fields []guildhall.FieldError
	for k, it := range items {
		if what, ok := contracts[it.Wallet]; ok {
			fields = append(fields, guildhall.FieldError{Field: itemField(AcceptInput{Items: items, Batch: batch}, k) + "wallet",
				Message: "is this community's " + what + " contract, not a member: tokens minted to it would be stranded"})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &guildhall.Error{Code: guildhall.EUNPROCESSABLE, Message: "rewards to the community's own contracts are refused: nothing was recorded", Fields: fields}
}

// CheckMinimum refuses an order with a reward below the community's minimum reward min (base
// units; nil or 0: any amount): a reward of a few base units costs the operator as much gas as a
// large one. The error is EUNPROCESSABLE and names the amount of every such item of in.
func (o *Order) CheckMinimum(in AcceptInput, min *big.Int) error {
	if min == nil || min.Sign() <= 0 {
		return nil
	}
	var fields []guildhall.FieldError
	for k, r := range o.Rewards {
		if r.Amount.Cmp(min) < 0 {
			fields = append(fields, guildhall.FieldError{Field: itemField(in, k) + "amount",
				Message: fmt.Sprintf("%s base units is below this community's minimum reward of %s", r.Amount, min)})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &guildhall.Error{Code: guildhall.EUNPROCESSABLE,
		Message: fmt.Sprintf("rewards below this community's minimum of %s base units are refused: nothing was recorded", min), Fields: fields}
}
