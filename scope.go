package guildhall

import (
	"slices"
	"strconv"
	"strings"
)

// Scope is one power an issuer API key holds. A key without a scope is refused (403) on every
// route that needs it; reads of the issuer's own data need none.
type Scope string

// The scopes of issuer keys.
const (
	// ScopeRewards issues rewards (POST …/rewards, …/rewards:batch).
	ScopeRewards Scope = "rewards"
	// ScopeRules sets what every issuer of the community prices by and whom the figures leave
	// out: reward rules, the staff list. It also lets the key read every issuer's rewards, not
	// only its own.
	ScopeRules Scope = "rules"
	// ScopeProposals opens, queues and executes proposals through the API (sent by the operator).
	ScopeProposals Scope = "proposals"
)

// AllScopes are the scopes a key gets unless told otherwise, in their canonical order.
var AllScopes = []Scope{ScopeRewards, ScopeRules, ScopeProposals}

// ParseScopes reads a comma-separated list of scope names (spaces around names allowed). It
// returns the scopes in canonical order without repeats, or an EINVALID error naming field when a
// name is unknown or the list is empty.
func ParseScopes(field, list string) ([]Scope, error) {
	var out []Scope
	for name := range strings.SplitSeq(list, ",") {
		s := Scope(strings.TrimSpace(name))
		if !slices.Contains(AllScopes, s) {
			what := "an empty name"
			if s != "" {
				what = strconv.Quote(string(s))
			}
			return nil, &Error{Code: EINVALID, Message: "invalid scopes", Fields: []FieldError{{Field: field,
				Message: "must be a comma-separated list of rewards, rules and proposals (at least one); " + what + " is not one"}}}
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return CanonicalScopes(out), nil
}

// CanonicalScopes returns scopes in the order of AllScopes, without repeats or unknown names.
func CanonicalScopes(scopes []Scope) []Scope {
	out := make([]Scope, 0, len(AllScopes))
	for _, s := range AllScopes {
		if slices.Contains(scopes, s) {
			out = append(out, s)
		}
	}
	return out
}

// ScopeNames returns the names of scopes, in their order.
func ScopeNames(scopes []Scope) []string {
	names := make([]string, len(scopes))
	for i, s := range scopes {
		names[i] = string(s)
	}
	return names
}

// JoinScopes writes scopes as ParseScopes reads them.
func JoinScopes(scopes []Scope) string { return strings.Join(ScopeNames(scopes), ",") }
