package rewards_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// fieldsOf returns the field names of a *guildhall.Error, or fails.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var e *guildhall.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *guildhall.Error", err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestCapPeriodStartsAtUTCCalendarBoundaries(t *testing.T) {
	tests := map[string]struct {
		period rewards.CapPeriod
		now    time.Time
		want   string
	}{
		"day: midday":                                   {rewards.CapDay, at("2025-03-12T13:45:00Z"), "2025-03-12T00:00:00Z"},
		"day: the first instant":                        {rewards.CapDay, at("2025-03-12T00:00:00Z"), "2025-03-12T00:00:00Z"},
		"day: the last second":                          {rewards.CapDay, at("2025-03-12T23:59:59Z"), "2025-03-12T00:00:00Z"},
		"day: counted in UTC, not local":                {rewards.CapDay, at("2025-03-12T23:30:00-05:00"), "2025-03-13T00:00:00Z"},
		"week: starts on Monday":                        {rewards.CapWeek, at("2025-03-10T08:00:00Z"), "2025-03-10T00:00:00Z"},
		"week: Sunday belongs to the Monday before":     {rewards.CapWeek, at("2025-03-16T23:59:59Z"), "2025-03-10T00:00:00Z"},
		"week: across a month end":                      {rewards.CapWeek, at("2025-03-02T12:00:00Z"), "2025-02-24T00:00:00Z"},
		"week: across a year end":                       {rewards.CapWeek, at("2026-01-01T12:00:00Z"), "2025-12-29T00:00:00Z"},
		"month: the first day":                          {rewards.CapMonth, at("2025-02-01T00:00:00Z"), "2025-02-01T00:00:00Z"},
		"month: the leap day":                           {rewards.CapMonth, at("2024-02-29T23:59:59Z"), "2024-02-01T00:00:00Z"},
		"month: a local time already next month in UTC": {rewards.CapMonth, at("2025-01-31T22:00:00-03:00"), "2025-02-01T00:00:00Z"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := tc.period.Start(tc.now)
			if !got.Equal(at(tc.want)) || got.Location() != time.UTC {
				t.Errorf("%s.Start(%s) = %s, want %s", tc.period, tc.now.Format(time.RFC3339), got.Format(time.RFC3339), tc.want)
			}
		})
	}
}

func TestPrice(t *testing.T) {
	now := at("2025-06-01T12:00:00Z")
	rule := &rewards.Rule{Activity: "purchase", Amount: tokens(10)}
	tests := map[string]struct {
		rule      *rewards.Rule
		amount    *big.Int
		want      *big.Int
		wantField string // "" when priced
		wantText  string
	}{
		"no amount earns the rule's amount":    {rule: rule, want: tokens(10)},
		"a smaller amount is honoured":         {rule: rule, amount: tokens(3), want: tokens(3)},
		"exactly the rule's amount is allowed": {rule: rule, amount: tokens(10), want: tokens(10)},
		"more than the rule allows is refused": {rule: rule, amount: tokens(11), wantField: "amount", wantText: "more than the rule"},
		"an unknown activity names the fix":    {rule: nil, wantField: "activity", wantText: "PUT .../rules/purchase"},
		"before the rule's window is refused":  {rule: &rewards.Rule{Activity: "purchase", Amount: tokens(10), ActiveFrom: ptr(now.Add(time.Hour))}, wantField: "activity", wantText: "applies from"},
		"at the window's end it has ended":     {rule: &rewards.Rule{Activity: "purchase", Amount: tokens(10), ActiveUntil: ptr(now)}, wantField: "activity", wantText: "ended at"},
		"inside the window earns the amount":   {rule: &rewards.Rule{Activity: "purchase", Amount: tokens(10), ActiveFrom: ptr(now.Add(-time.Hour)), ActiveUntil: ptr(now.Add(time.Hour))}, want: tokens(10)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := rewards.Price(tc.rule, rewards.Request{Activity: "purchase", Amount: tc.amount}, now, "items[2].")
			if tc.wantField == "" {
				if err != nil || got.Cmp(tc.want) != 0 {
					t.Fatalf("Price = %v, %v; want %s", got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Price = %s, want a refusal", got)
			}
			if code := guildhall.ErrorCode(err); code != guildhall.EUNPROCESSABLE {
				t.Errorf("code = %s, want %s", code, guildhall.EUNPROCESSABLE)
			}
			if f := fieldsOf(t, err); len(f) != 1 || f[0] != "items[2]."+tc.wantField {
				t.Errorf("fields = %v, want items[2].%s", f, tc.wantField)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("message %q does not say %q", err, tc.wantText)
			}
		})
	}
	t.Run("the result is a copy: changing it leaves the rule alone", func(t *testing.T) {
		got, _ := rewards.Price(rule, rewards.Request{Activity: "purchase"}, now, "")
		got.SetInt64(1)
		if rule.Amount.Cmp(tokens(10)) != 0 {
			t.Errorf("rule amount changed to %s", rule.Amount)
		}
	})
}

func TestRequestNormalize(t *testing.T) {
	const wallet = "0x52908400098527886E0F7030069857D2E4169EE7" // EIP-55 test vector
	tests := map[string]struct {
		req        rewards.Request
		wantFields []string
		wantWallet string
	}{
		"lower-case wallet comes back EIP-55":     {req: rewards.Request{Wallet: strings.ToLower(wallet), Activity: "purchase"}, wantWallet: wallet},
		"surrounding spaces are ignored":          {req: rewards.Request{Wallet: " " + wallet + " ", Activity: "purchase"}, wantWallet: wallet},
		"wallet without 0x is refused":            {req: rewards.Request{Wallet: wallet[2:], Activity: "purchase"}, wantFields: []string{"items[0].wallet"}},
		"short wallet is refused":                 {req: rewards.Request{Wallet: wallet[:40], Activity: "purchase"}, wantFields: []string{"items[0].wallet"}},
		"zero address is refused":                 {req: rewards.Request{Wallet: common.Address{}.Hex(), Activity: "purchase"}, wantFields: []string{"items[0].wallet"}},
		"upper-case activity is refused":          {req: rewards.Request{Wallet: wallet, Activity: "Purchase"}, wantFields: []string{"items[0].activity"}},
		"empty activity is refused":               {req: rewards.Request{Wallet: wallet, Activity: ""}, wantFields: []string{"items[0].activity"}},
		"65-character activity is refused":        {req: rewards.Request{Wallet: wallet, Activity: strings.Repeat("a", 65)}, wantFields: []string{"items[0].activity"}},
		"64-character activity is fine":           {req: rewards.Request{Wallet: wallet, Activity: strings.Repeat("a", 64)}, wantWallet: wallet},
		"201-character reference is refused":      {req: rewards.Request{Wallet: wallet, Activity: "purchase", Reference: strings.Repeat("r", 201)}, wantFields: []string{"items[0].reference"}},
		"reference with a NUL byte is refused":    {req: rewards.Request{Wallet: wallet, Activity: "purchase", Reference: "order\x001"}, wantFields: []string{"items[0].reference"}},
		"reference with invalid UTF-8 is refused": {req: rewards.Request{Wallet: wallet, Activity: "purchase", Reference: "order\xff"}, wantFields: []string{"items[0].reference"}},
		"zero amount is refused":                  {req: rewards.Request{Wallet: wallet, Activity: "purchase", Amount: new(big.Int)}, wantFields: []string{"items[0].amount"}},
		"more than a billion tokens is refused":   {req: rewards.Request{Wallet: wallet, Activity: "purchase", Amount: new(big.Int).Add(rewards.MaxAmount, big.NewInt(1))}, wantFields: []string{"items[0].amount"}},
		"a billion tokens exactly is fine":        {req: rewards.Request{Wallet: wallet, Activity: "purchase", Amount: rewards.MaxAmount}, wantWallet: wallet},
		"every problem is reported at once":       {req: rewards.Request{Wallet: "nope", Activity: "", Amount: big.NewInt(-1)}, wantFields: []string{"items[0].wallet", "items[0].activity", "items[0].amount"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, fields := tc.req.Normalize("items[0].")
			var names []string
			for _, f := range fields {
				names = append(names, f.Field)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if strings.Join(names, ",") != strings.Join(tc.wantFields, ",") {
				t.Errorf("fields = %v, want %v", names, tc.wantFields)
			}
			if tc.wantWallet != "" && got.Wallet != tc.wantWallet {
				t.Errorf("wallet = %q, want %q", got.Wallet, tc.wantWallet)
			}
		})
	}
}

func TestValidateRule(t *testing.T) {
	tests := map[string]struct {
		rule       rewards.Rule
		wantFields []string
	}{
		"amount only":                         {rule: rewards.Rule{Activity: "visit", Amount: tokens(1)}},
		"with a weekly cap":                   {rule: rewards.Rule{Activity: "visit", Amount: tokens(1), CapPerMember: tokens(5), CapPeriod: rewards.CapWeek}},
		"zero amount":                         {rule: rewards.Rule{Activity: "visit", Amount: new(big.Int)}, wantFields: []string{"amount"}},
		"no amount":                           {rule: rewards.Rule{Activity: "visit"}, wantFields: []string{"amount"}},
		"cap without a period":                {rule: rewards.Rule{Activity: "visit", Amount: tokens(1), CapPerMember: tokens(5)}, wantFields: []string{"cap_period"}},
		"period without a cap":                {rule: rewards.Rule{Activity: "visit", Amount: tokens(1), CapPeriod: rewards.CapDay}, wantFields: []string{"cap_per_member"}},
		"a period that is not day/week/month": {rule: rewards.Rule{Activity: "visit", Amount: tokens(1), CapPerMember: tokens(5), CapPeriod: "year"}, wantFields: []string{"cap_period"}},
		"negative cap":                        {rule: rewards.Rule{Activity: "visit", Amount: tokens(1), CapPerMember: big.NewInt(-1), CapPeriod: rewards.CapDay}, wantFields: []string{"cap_per_member"}},
		"window ending before it starts":      {rule: rewards.Rule{Activity: "visit", Amount: tokens(1), ActiveFrom: ptr(at("2025-02-01T00:00:00Z")), ActiveUntil: ptr(at("2025-01-01T00:00:00Z"))}, wantFields: []string{"active_until"}},
		"bad activity and amount together":    {rule: rewards.Rule{Activity: "Bad Name", Amount: new(big.Int)}, wantFields: []string{"activity", "amount"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := rewards.ValidateRule(&tc.rule)
			if len(tc.wantFields) == 0 {
				if err != nil {
					t.Fatalf("ValidateRule = %v, want ok", err)
				}
				return
			}
			if code := guildhall.ErrorCode(err); code != guildhall.EINVALID {
				t.Errorf("code = %q, want %q", code, guildhall.EINVALID)
			}
			if got := fieldsOf(t, err); strings.Join(got, ",") != strings.Join(tc.wantFields, ",") {
				t.Errorf("fields = %v, want %v", got, tc.wantFields)
			}
		})
	}
}

func TestBatchIDIsDerivedFromTheLedgerAlone(t *testing.T) {
	first := rewards.BatchID("bakery", 7)
	tests := map[string]struct {
		other    common.Hash
		wantSame bool
	}{
		"the same batch row again (a resend after a crash)": {rewards.BatchID("bakery", 7), true},
		"the next batch row":                {rewards.BatchID("bakery", 8), false},
		"the same row in another community": {rewards.BatchID("bakery2", 7), false},
		// The separator keeps ("ab", id) and ("a", id') from meeting: no community id is a prefix trick.
		"a community id that runs into the row id": {rewards.BatchID("bakery\x00", 7), false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if (tc.other == first) != tc.wantSame {
				t.Errorf("BatchID equal = %v, want %v", tc.other == first, tc.wantSame)
			}
		})
	}
	if first == (common.Hash{}) {
		t.Error("BatchID is zero")
	}
}

func TestCoalesceSumsPerWalletInFirstSeenOrder(t *testing.T) {
	a, b := "0x00000000000000000000000000000000000000aa", "0x00000000000000000000000000000000000000bb"
	rs := []*rewards.Reward{
		{Wallet: b, Amount: big.NewInt(1)},
		{Wallet: a, Amount: big.NewInt(2)},
		{Wallet: strings.ToUpper(b[:2]) + b[2:], Amount: big.NewInt(4)}, // the same wallet, spelled otherwise
	}
	got := rewards.Coalesce(rs)
	if len(got) != 2 || got[0].Wallet != common.HexToAddress(b) || got[0].Amount.Int64() != 5 ||
		got[1].Wallet != common.HexToAddress(a) || got[1].Amount.Int64() != 2 {
		t.Errorf("Coalesce = %+v, want [bb:5 aa:2]", got)
	}
	if rs[0].Amount.Int64() != 1 {
		t.Errorf("Coalesce changed a ledger amount to %s", rs[0].Amount)
	}
}

func TestAPIKeys(t *testing.T) {
	key := rewards.NewAPIKey()
	other := rewards.NewAPIKey()
	t.Run("a new key is shown once in a recognizable form", func(t *testing.T) {
		if !strings.HasPrefix(key.Secret, "ghi_") || len(key.Secret) != 4+64 {
			t.Errorf("secret %q: want ghi_ and 64 hex characters", key.Secret)
		}
		if key.Secret == other.Secret {
			t.Error("two new keys are the same")
		}
		if strings.Contains(string(key.Hash), key.Secret) {
			t.Error("the stored hash contains the secret")
		}
	})
	t.Run("the stored prefix finds the presented key", func(t *testing.T) {
		p, ok := rewards.KeyPrefix(key.Secret)
		if !ok || p != key.Prefix || len(p) != 12 {
			t.Errorf("KeyPrefix = %q, %v; want %q", p, ok, key.Prefix)
		}
	})
	tests := map[string]struct {
		presented string
		wantMatch bool
	}{
		"the key itself":                {key.Secret, true},
		"another issuer's key":          {other.Secret, false},
		"the key with one char changed": {key.Secret[:len(key.Secret)-1] + flip(key.Secret[len(key.Secret)-1]), false},
		"the key without its scheme":    {strings.TrimPrefix(key.Secret, "ghi_"), false},
		"empty":                         {"", false},
	}
	for name, tc := range tests {
		t.Run("verify: "+name, func(t *testing.T) {
			if got := rewards.KeyMatches(tc.presented, key.Hash); got != tc.wantMatch {
				t.Errorf("KeyMatches = %v, want %v", got, tc.wantMatch)
			}
		})
	}
	malformed := map[string]string{
		"no scheme":      strings.TrimPrefix(key.Secret, "ghi_"),
		"too short":      key.Secret[:len(key.Secret)-1],
		"too long":       key.Secret + "0",
		"another scheme": "sk_" + strings.TrimPrefix(key.Secret, "ghi_"),
	}
	for name, secret := range malformed {
		t.Run("prefix of a malformed key: "+name, func(t *testing.T) {
			if _, ok := rewards.KeyPrefix(secret); ok {
				t.Errorf("KeyPrefix(%q) ok, want refused before any lookup", secret)
			}
		})
	}
	t.Run("hashing is stable", func(t *testing.T) {
		if string(rewards.HashKey(key.Secret)) != string(key.Hash) {
			t.Error("HashKey differs from the hash stored at creation")
		}
	})
}

func flip(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

func TestIssuerRemainingNeverNegative(t *testing.T) {
	tests := map[string]struct{ budget, spent, want int64 }{
		"unspent":                          {100, 0, 100},
		"partly spent":                     {100, 40, 60},
		"spent exactly":                    {100, 100, 0},
		"overspent (budget lowered later)": {100, 130, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			i := &rewards.Issuer{Budget: big.NewInt(tc.budget), Spent: big.NewInt(tc.spent)}
			if got := i.Remaining(); got.Int64() != tc.want {
				t.Errorf("Remaining = %s, want %d", got, tc.want)
			}
		})
	}
}
