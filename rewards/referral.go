package rewards

import (
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
)

// Referrals: a new member's first reward may name the wallet that referred them (Request.Referrer).
// When the member's accepted (not failed) earnings, every activity counted, reach the current
// referral rule's QualifyAfterEarned, the referral qualifies and the referrer is rewarded once
// with the rule's Amount, paid by the rule's issuer: a normal pending reward of the rule's
// activity, under the referrer's cap and the issuer's budget, recorded in the transaction that
// accepted the qualifying reward. A referral that qualifies when the cap or the budget does not
// allow the reward (or the paying issuer is revoked) stays qualified and unpaid, for good.

// Why a qualified referral was not paid.
const (
	UnpaidMemberCap     = "member_cap"
	UnpaidBudget        = "budget"
	UnpaidIssuerRevoked = "issuer_revoked"
)

// ReferralReference is the reference of the reward that pays the referral of referred: it
// names the referral, and so is the same whoever pays it.
func ReferralReference(referred string) string { return "referral:" + referred }

// validateKind checks what a rule's kind requires: a referral rule needs its threshold and its
// paying issuer; any other rule has neither threshold nor another kind.
func validateKind(r *Rule) []guildhall.FieldError {
	switch r.Kind {
	case "", KindActivity:
		if r.QualifyAfterEarned != nil {
			return []guildhall.FieldError{{Field: "qualify_after_earned", Message: `is only for rules of kind "referral"`}}
		}
	case KindReferral:
		if r.QualifyAfterEarned == nil || r.QualifyAfterEarned.Sign() <= 0 || r.QualifyAfterEarned.Cmp(MaxAmount) > 0 {
			return []guildhall.FieldError{{Field: "qualify_after_earned", Message: "is required for a referral rule: the base units a referred member must earn (accepted, not failed) for the referrer to be rewarded, at most 10^27"}}
		}
		if r.IssuerID == 0 {
			return []guildhall.FieldError{{Field: "kind", Message: "a referral rule needs the issuer that pays it"}}
		}
	default:
		return []guildhall.FieldError{{Field: "kind", Message: `must be "activity" or "referral"`}}
	}
	return nil
}

// normalizeReferrer checks the form of a referrer as sent and returns it EIP-55 (what it may be
// is ReferredItems' to say, as a 422).
func normalizeReferrer(field, referrer string) (string, *guildhall.FieldError) {
	w := strings.TrimSpace(referrer)
	if !common.IsHexAddress(w) || !strings.HasPrefix(strings.ToLower(w), "0x") {
		return referrer, &guildhall.FieldError{Field: field + "referrer", Message: "must be a 0x-prefixed 20-byte hex address"}
	}
	return common.HexToAddress(w).Hex(), nil
}

// referrerRefusal says why item it may not name its referrer on its own grounds: the zero
// address, or the rewarded wallet itself; "" when it may.
func referrerRefusal(it Request) string {
	switch it.Referrer {
	case (common.Address{}).Hex():
		return "must not be the zero address, an excluded account"
	case it.Wallet:
		return "must not be the rewarded wallet itself: a member cannot refer themselves"
	}
	return ""
}

// ReferralOrder is the order that pays the referral of referred under rule (a referral rule) at
// now: one pending reward of rule.Amount to referrer, paid by rule.IssuerID, counted against the
// referrer's cap of the rule's activity. CheckLimits checks it like any order.
func ReferralOrder(rule *Rule, referrer, referred string, now time.Time) *Order {
	amount := new(big.Int).Set(rule.Amount)
	o := &Order{Total: new(big.Int).Set(amount), Rewards: []*Reward{{
		CommunityID: rule.CommunityID, IssuerID: rule.IssuerID, RuleID: rule.ID, Activity: rule.Activity,
		Wallet: referrer, Reference: ReferralReference(referred), Amount: amount, Status: StatusPending,
	}}}
	if rule.CapPerMember != nil {
		o.Caps = []CapUse{{Activity: rule.Activity, Wallet: referrer, Rule: rule, Start: rule.CapPeriod.Start(now),
			Amount: new(big.Int).Set(amount), field: "referrer."}}
	}
	return o
}

// Qualifies reports whether a referred member who has earned earned (accepted, not failed) meets
// rule's threshold at now: rule is a current referral rule in its active window.
func (r *Rule) Qualifies(earned *big.Int, now time.Time) bool {
	if r == nil || r.Kind != KindReferral || r.QualifyAfterEarned == nil {
		return false
	}
	if (r.ActiveFrom != nil && now.Before(*r.ActiveFrom)) || (r.ActiveUntil != nil && !now.Before(*r.ActiveUntil)) {
		return false
	}
	return earned.Cmp(r.QualifyAfterEarned) >= 0
}

// Unpaid returns why a referral order (ReferralOrder) cannot be paid given what its referrer
// already earned in the cap period (used, as for CheckLimits) and its paying issuer as it is:
// UnpaidMemberCap, UnpaidIssuerRevoked, UnpaidBudget (in CheckLimits' order), or "" when it can.
func (o *Order) Unpaid(used []*big.Int, issuer *Issuer) string {
	err := o.CheckLimits(used, issuer)
	switch {
	case err == nil:
		return ""
	case len(o.Caps) > 0 && new(big.Int).Add(used[0], o.Caps[0].Amount).Cmp(o.Caps[0].Rule.CapPerMember) > 0:
		return UnpaidMemberCap
	case issuer.Revoked:
		return UnpaidIssuerRevoked
	}
	return UnpaidBudget
}

// ItemField is the prefix of the field names of item k of in in errors: "items[k]." in a batch,
// "" for a single reward.
func ItemField(in AcceptInput, k int) string { return itemField(in, k) }

// ReferredItems returns, by wallet, the first item of in that names a referrer, or an
// EUNPROCESSABLE error naming the referrer of each item that names the zero address or its own
// wallet, or another referrer than an earlier item for the same wallet: a member has one referrer.
func ReferredItems(in AcceptInput) (map[string]int, error) {
	first := map[string]int{}
	var fields []guildhall.FieldError
	for k, it := range in.Items {
		if it.Referrer == "" {
			continue
		}
		if msg := referrerRefusal(it); msg != "" {
			fields = append(fields, guildhall.FieldError{Field: itemField(in, k) + "referrer", Message: msg})
			continue
		}
		j, ok := first[it.Wallet]
		if !ok {
			first[it.Wallet] = k
		} else if in.Items[j].Referrer != it.Referrer {
			fields = append(fields, guildhall.FieldError{Field: itemField(in, k) + "referrer",
				Message: "names another referrer than " + itemField(in, j) + "referrer for the same wallet: a member has one referrer"})
		}
	}
	if len(fields) > 0 {
		return nil, &guildhall.Error{Code: guildhall.EUNPROCESSABLE, Message: "referral refused: nothing was recorded", Fields: fields}
	}
	return first, nil
}
