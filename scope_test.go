package guildhall_test

import (
	"reflect"
	"testing"

	"github.com/guildhall/guildhall"
)

// An operator's --scopes list is read in any order and spacing, repeats folded, and anything
// that is not a scope (or no scope at all) refused naming the flag.
func TestParseScopes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []guildhall.Scope
	}{
		{"rewards,rules,proposals", guildhall.AllScopes},
		{"proposals, rewards", []guildhall.Scope{guildhall.ScopeRewards, guildhall.ScopeProposals}},
		{"rules,rules", []guildhall.Scope{guildhall.ScopeRules}},
		{"rewards", []guildhall.Scope{guildhall.ScopeRewards}},
	} {
		got, err := guildhall.ParseScopes("scopes", tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseScopes(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if err == nil && guildhall.JoinScopes(got) != guildhall.JoinScopes(tc.want) {
			t.Errorf("JoinScopes(%v) = %q", got, guildhall.JoinScopes(got))
		}
	}
	for _, in := range []string{"", "admin", "rewards,", "rewards,Rules"} {
		_, err := guildhall.ParseScopes("scopes", in)
		if guildhall.ErrorCode(err) != guildhall.EINVALID || len(guildhall.ErrorFields(err)) != 1 || guildhall.ErrorFields(err)[0].Field != "scopes" {
			t.Errorf("ParseScopes(%q) = %v; want an invalid error naming scopes", in, err)
		}
	}
}
