// Package rewards is the domain of rewarding member activity: issuers with budgets and API keys,
// reward rules with per-member caps, the reward ledger and its mint batches. It is pure Go: it
// declares the store it needs (Store) and the rules every store applies, and imports neither Gin,
// sqlx nor go-ethereum's client.
//
// The flow: an issuer's request is validated here, then the store prices it with the current rule
// (Price), checks the member's cap and the issuer's budget and records it, all in one database
// transaction; the minter later claims pending rewards into batches whose on-chain id (BatchID)
// follows from the ledger, so a resent batch is refused by the token rather than minted twice.
package rewards

import (
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
)

// Limits of what an issuer may send.
const (
	MaxBatchItems     = 1000
	MaxReferenceLen   = 200
	MaxIdempotencyLen = 200
)

// MaxAmount bounds any one reward and rule amount: a billion tokens in base units. It keeps sums
// of many rewards far from uint256 and catches a unit mistake (base units given as tokens).
var MaxAmount = new(big.Int).Mul(big.NewInt(1_000_000_000), new(big.Int).Exp(big.NewInt(10), big.NewInt(guildhall.Decimals), nil))

// Reward statuses, as the API shows them.
const (
	StatusPending   = "pending"   // accepted, not yet in a mint batch
	StatusSubmitted = "submitted" // in a batch whose transaction is on its way
	StatusConfirmed = "confirmed" // the batch is final and its indexed events match
	StatusFailed    = "failed"
)

// CapPeriod is the window of a per-member cap: calendar periods in UTC, weeks from Monday.
type CapPeriod string

const (
	CapDay   CapPeriod = "day"
	CapWeek  CapPeriod = "week"
	CapMonth CapPeriod = "month"
)

// Start returns the start of the period that holds t (UTC).
func (p CapPeriod) Start(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch p {
	case CapWeek:
		offset := (int(day.Weekday()) + 6) % 7 // Monday = 0
		return day.AddDate(0, 0, -offset)
	case CapMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	default:
		return day
	}
}

func (p CapPeriod) valid() bool { return p == CapDay || p == CapWeek || p == CapMonth }

// Issuer is a business allowed to issue rewards in one community, up to its budget.
type Issuer struct {
	ID          int64
	CommunityID string
	Name        string
	KeyPrefix   string // the key's first characters, shown to tell keys apart
	Budget      *big.Int
	Spent       *big.Int
	Revoked     bool
	CreatedAt   time.Time
	// Scopes are the powers of the issuer's key, in canonical order; CreateIssuer stores
	// guildhall.AllScopes when it is empty.
	Scopes []guildhall.Scope
}

// Has reports whether the issuer's key holds scope.
func (i *Issuer) Has(scope guildhall.Scope) bool { return slices.Contains(i.Scopes, scope) }

// Remaining is what the issuer may still spend.
func (i *Issuer) Remaining() *big.Int {
	r := new(big.Int).Sub(i.Budget, i.Spent)
	if r.Sign() < 0 {
		return new(big.Int)
	}
	return r
}

// Rule kinds: an activity rule prices an issuer's rewards for its activity; a referral rule pays
// a referrer (see Referral) and is never issued directly.
const (
	KindActivity = "activity"
	KindReferral = "referral"
)

// Rule says what one activity earns in a community. Amount is what a reward is when the issuer
// names none, and the most it may be when it does. A cap limits what one member earns for the
// activity per period; an active window limits when the rule applies.
//
// A referral rule (Kind KindReferral) rewards a referrer with Amount, once per referred member
// whose accepted earnings reach QualifyAfterEarned; IssuerID, the issuer that wrote it, pays.
type Rule struct {
	ID           int64
	CommunityID  string
	Activity     string
	Amount       *big.Int
	CapPerMember *big.Int  // nil: no cap
	CapPeriod    CapPeriod // "" when there is no cap
	ActiveFrom   *time.Time
	ActiveUntil  *time.Time
	UpdatedAt    time.Time

	Kind               string   // KindActivity ("" reads as it) or KindReferral
	QualifyAfterEarned *big.Int // a referral rule's threshold
	IssuerID           int64    // the issuer that wrote the rule; a referral rule's payer
}

var activityPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// ValidateActivity checks an activity name: 1-64 lowercase letters, digits, '_', '.', '-'.
func ValidateActivity(field, activity string) *guildhall.FieldError {
	if !activityPattern.MatchString(activity) {
		return &guildhall.FieldError{Field: field, Message: "must be 1-64 lowercase letters, digits, '_', '.' or '-', starting with a letter or digit (e.g. purchase)"}
	}
	return nil
}

// ValidateRule checks a rule as an operator or issuer writes it.
func ValidateRule(r *Rule) error {
	var fields []guildhall.FieldError
	if fe := ValidateActivity("activity", r.Activity); fe != nil {
		fields = append(fields, *fe)
	}
	if r.Amount == nil || r.Amount.Sign() <= 0 || r.Amount.Cmp(MaxAmount) > 0 {
		fields = append(fields, guildhall.FieldError{Field: "amount", Message: "must be a positive amount of base units, at most 10^27 (a billion tokens)"})
	}
	switch {
	case r.CapPerMember == nil && r.CapPeriod != "":
		fields = append(fields, guildhall.FieldError{Field: "cap_per_member", Message: "is required with cap_period"})
	case r.CapPerMember != nil && !r.CapPeriod.valid():
		fields = append(fields, guildhall.FieldError{Field: "cap_period", Message: `must be "day", "week" or "month" when cap_per_member is set`})
	case r.CapPerMember != nil && (r.CapPerMember.Sign() <= 0 || r.CapPerMember.BitLen() > 255):
		fields = append(fields, guildhall.FieldError{Field: "cap_per_member", Message: "must be a positive amount of base units"})
	}
	if r.ActiveFrom != nil && r.ActiveUntil != nil && !r.ActiveFrom.Before(*r.ActiveUntil) {
		fields = append(fields, guildhall.FieldError{Field: "active_until", Message: "must be after active_from"})
	}
	fields = append(fields, validateKind(r)...)
	if len(fields) > 0 {
		return &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid rule", Fields: fields}
	}
	return nil
}

// Request is one reward an issuer asks for.
type Request struct {
	Wallet    string // as sent; Normalize makes it EIP-55
	Activity  string
	Reference string   // the issuer's own reference (an order number), optional
	Amount    *big.Int // nil: the rule's amount
	// Referrer is the wallet that referred Wallet, on its first reward only; "" for none. As sent;
	// Normalize makes it EIP-55.
	Referrer string
}

// Normalize validates r and returns it with an EIP-55 wallet. field prefixes field names
// ("items[3]." in a batch, "" for one reward).
func (r Request) Normalize(field string) (Request, []guildhall.FieldError) {
	var fields []guildhall.FieldError
	w := strings.TrimSpace(r.Wallet)
	if !common.IsHexAddress(w) || !strings.HasPrefix(strings.ToLower(w), "0x") {
		fields = append(fields, guildhall.FieldError{Field: field + "wallet", Message: "must be a 0x-prefixed 20-byte hex address"})
	} else if a := common.HexToAddress(w); a == (common.Address{}) {
		fields = append(fields, guildhall.FieldError{Field: field + "wallet", Message: "must not be the zero address"})
	} else {
		r.Wallet = a.Hex()
	}
	if fe := ValidateActivity(field+"activity", r.Activity); fe != nil {
		fields = append(fields, *fe)
	}
	if len(r.Reference) > MaxReferenceLen {
		fields = append(fields, guildhall.FieldError{Field: field + "reference", Message: "must be at most 200 characters"})
	} else if !utf8.ValidString(r.Reference) || strings.ContainsRune(r.Reference, 0) {
		// PostgreSQL text holds neither: storing it would fail after the checks, as a 5xx.
		fields = append(fields, guildhall.FieldError{Field: field + "reference", Message: "must be UTF-8 text without NUL characters"})
	}
	if r.Amount != nil && (r.Amount.Sign() <= 0 || r.Amount.Cmp(MaxAmount) > 0) {
		fields = append(fields, guildhall.FieldError{Field: field + "amount", Message: "must be a positive amount of base units, at most 10^27 (a billion tokens)"})
	}
	if r.Referrer != "" {
		var fe *guildhall.FieldError
		r.Referrer, fe = normalizeReferrer(field, r.Referrer)
		if fe != nil {
			fields = append(fields, *fe)
		}
	}
	return r, fields
}

// Price returns what req earns under rule at now, or an EUNPROCESSABLE *guildhall.Error when the
// rule refuses it: no rule (rule nil), outside its active window, or more than its amount.
func Price(rule *Rule, req Request, now time.Time, field string) (*big.Int, error) {
	refuse := func(msg string, args ...any) error {
		e := guildhall.Errorf(guildhall.EUNPROCESSABLE, msg, args...)
		e.Fields = []guildhall.FieldError{{Field: field + "activity", Message: e.Message}}
		return e
	}
	if rule == nil {
		return nil, refuse("no reward rule for activity %q in this community; create it with PUT .../rules/%s", req.Activity, req.Activity)
	}
	if rule.Kind == KindReferral {
		return nil, refuse("%q is a referral rule: it rewards referrers when the members they referred qualify, never directly", rule.Activity)
	}
	if rule.ActiveFrom != nil && now.Before(*rule.ActiveFrom) {
		return nil, refuse("the rule for %q applies from %s", rule.Activity, rule.ActiveFrom.UTC().Format(time.RFC3339))
	}
	if rule.ActiveUntil != nil && !now.Before(*rule.ActiveUntil) {
		return nil, refuse("the rule for %q ended at %s", rule.Activity, rule.ActiveUntil.UTC().Format(time.RFC3339))
	}
	if req.Amount == nil {
		return new(big.Int).Set(rule.Amount), nil
	}
	if req.Amount.Cmp(rule.Amount) > 0 {
		e := guildhall.Errorf(guildhall.EUNPROCESSABLE, "amount %s is more than the rule for %q allows (%s)", req.Amount, rule.Activity, rule.Amount)
		e.Fields = []guildhall.FieldError{{Field: field + "amount", Message: e.Message}}
		return nil, e
	}
	return new(big.Int).Set(req.Amount), nil
}

// Reward is one accepted reward in the ledger.
type Reward struct {
	ID          int64
	CommunityID string
	IssuerID    int64
	RuleID      int64
	Activity    string
	Wallet      string
	Reference   string
	Amount      *big.Int
	Status      string
	BatchID     int64  // 0 until batched
	TxHash      string // the batch's mined transaction, "" until known
	BlockNumber uint64
	CreatedAt   time.Time
}
