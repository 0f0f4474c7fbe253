package rewards_test

import (
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

func TestPriceOrder(t *testing.T) {
	now := at("2025-03-05T12:00:00Z") // a Wednesday
	alice := common.HexToAddress("0xa1").Hex()
	bob := common.HexToAddress("0xb0").Hex()
	rules := map[string]*rewards.Rule{
		"purchase": {ID: 1, Activity: "purchase", Amount: big.NewInt(10)},
		"visit":    {ID: 2, Activity: "visit", Amount: big.NewInt(5), CapPerMember: big.NewInt(12), CapPeriod: rewards.CapWeek},
	}
	req := func(wallet, activity string, amount int64) rewards.Request {
		r := rewards.Request{Wallet: wallet, Activity: activity}
		if amount > 0 {
			r.Amount = big.NewInt(amount)
		}
		return r
	}
	tests := []struct {
		name      string
		items     []rewards.Request
		batch     bool
		total     int64
		caps      []string // activity/wallet=amount
		wantCode  string
		wantField string
	}{
		{name: "rule price times quantity", items: []rewards.Request{req(alice, "purchase", 0), req(bob, "purchase", 0), req(alice, "purchase", 0)}, total: 30},
		{name: "an amount below the rule's", items: []rewards.Request{req(alice, "purchase", 4)}, total: 4},
		{name: "capped uses summed per member and activity",
			items: []rewards.Request{req(bob, "visit", 0), req(alice, "visit", 0), req(alice, "purchase", 0), req(bob, "visit", 0)},
			total: 25, caps: []string{"visit/" + alice + "=5", "visit/" + bob + "=10"}},
		{name: "one request exactly at the cap", items: []rewards.Request{req(alice, "visit", 5), req(alice, "visit", 5), req(alice, "visit", 2)},
			total: 12, caps: []string{"visit/" + alice + "=12"}},
		{name: "one request over the cap by one base unit", items: []rewards.Request{req(alice, "visit", 5), req(alice, "visit", 5), req(alice, "visit", 3)},
			wantCode: guildhall.EUNPROCESSABLE, wantField: "items[2].wallet"},
		{name: "the cap error comes before a later item's price error", items: []rewards.Request{req(alice, "visit", 5), req(alice, "visit", 5), req(alice, "visit", 5), req(alice, "nothing", 0)},
			wantCode: guildhall.EUNPROCESSABLE, wantField: "items[2].wallet"},
		{name: "no rule for the activity", items: []rewards.Request{req(alice, "nothing", 0)},
			wantCode: guildhall.EUNPROCESSABLE, wantField: "activity"},
		{name: "more than the rule allows, in a batch of one", items: []rewards.Request{req(alice, "purchase", 11)}, batch: true,
			wantCode: guildhall.EUNPROCESSABLE, wantField: "items[0].amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := &rewards.Issuer{ID: 7, CommunityID: "bakery"}
			o, err := rewards.PriceOrder(rewards.AcceptInput{Issuer: iss, Items: tt.items, Batch: tt.batch, Now: now}, rules)
			if tt.wantCode != "" {
				if guildhall.ErrorCode(err) != tt.wantCode || !slices.Equal(fieldsOf(t, err), []string{tt.wantField}) {
					t.Fatalf("err = %v (fields %v), want %s on %s", err, fieldsOf(t, err), tt.wantCode, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Total.Int64() != tt.total || len(o.Rewards) != len(tt.items) {
				t.Fatalf("total %s over %d rewards, want %d over %d", o.Total, len(o.Rewards), tt.total, len(tt.items))
			}
			for k, r := range o.Rewards {
				if r.Wallet != tt.items[k].Wallet || r.RuleID != rules[tt.items[k].Activity].ID || r.IssuerID != 7 ||
					r.CommunityID != "bakery" || r.Status != rewards.StatusPending {
					t.Fatalf("reward %d = %+v, does not follow item %+v", k, r, tt.items[k])
				}
			}
			var caps []string
			for _, c := range o.Caps {
				if !c.Start.Equal(at("2025-03-03T00:00:00Z")) {
					t.Fatalf("cap period of %s starts %s, want Monday", c.Wallet, c.Start)
				}
				caps = append(caps, c.Activity+"/"+c.Wallet+"="+c.Amount.String())
			}
			if !slices.Equal(caps, tt.caps) {
				t.Fatalf("caps %v, want %v (by activity, then wallet)", caps, tt.caps)
			}
		})
	}
}

func TestOrderCheckLimits(t *testing.T) {
	alice := common.HexToAddress("0xa1").Hex()
	bob := common.HexToAddress("0xb0").Hex()
	rules := map[string]*rewards.Rule{
		"visit": {ID: 2, Activity: "visit", Amount: big.NewInt(5), CapPerMember: big.NewInt(12), CapPeriod: rewards.CapDay},
	}
	// bob's visit comes first in the request, alice's second; caps are ordered alice, bob.
	items := []rewards.Request{{Wallet: bob, Activity: "visit"}, {Wallet: alice, Activity: "visit"}}
	tests := []struct {
		name                     string
		usedAlice, usedBob       int64
		budget, spent            int64
		revoked                  bool
		wantCode, wantField, msg string
	}{
		{name: "under the caps and the budget", usedAlice: 0, usedBob: 6, budget: 100, spent: 50},
		{name: "exactly at the cap", usedAlice: 7, usedBob: 7, budget: 100},
		{name: "over the cap by one base unit", usedAlice: 8, budget: 100,
			wantCode: guildhall.EUNPROCESSABLE, wantField: "items[1].wallet", msg: "and has 8 this day"},
		{name: "the first item over its cap is named", usedAlice: 8, usedBob: 8, budget: 100,
			wantCode: guildhall.EUNPROCESSABLE, wantField: "items[0].wallet", msg: bob + " may earn at most 12"},
		{name: "exactly the budget left", budget: 60, spent: 50},
		{name: "budget exhausted", budget: 59, spent: 50,
			wantCode: guildhall.EUNPROCESSABLE, msg: `needs 10 base units and issuer "till" has 9 left of 59`},
		{name: "a revoked issuer", budget: 100, revoked: true, wantCode: guildhall.EUNAUTHORIZED},
		{name: "a cap before a revoked issuer", usedBob: 12, budget: 100, revoked: true,
			wantCode: guildhall.EUNPROCESSABLE, wantField: "items[0].wallet"},
		{name: "a revoked issuer before its budget", budget: 1, revoked: true, wantCode: guildhall.EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := &rewards.Issuer{ID: 7, CommunityID: "bakery", Name: "till", Budget: big.NewInt(tt.budget), Spent: big.NewInt(tt.spent), Revoked: tt.revoked}
			o, err := rewards.PriceOrder(rewards.AcceptInput{Issuer: iss, Items: items, Now: time.Now()}, rules)
			if err != nil {
				t.Fatal(err)
			}
			err = o.CheckLimits([]*big.Int{big.NewInt(tt.usedAlice), big.NewInt(tt.usedBob)}, iss)
			if guildhall.ErrorCode(err) != tt.wantCode || (err != nil) != (tt.wantCode != "") {
				t.Fatalf("err = %v, want code %q", err, tt.wantCode)
			}
			if tt.wantField != "" && !slices.Equal(fieldsOf(t, err), []string{tt.wantField}) {
				t.Fatalf("fields %v, want %s", fieldsOf(t, err), tt.wantField)
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want it to say %q", err, tt.msg)
			}
		})
	}
}
