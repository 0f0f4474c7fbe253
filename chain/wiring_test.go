package chain_test

import (
	"strings"
	"testing"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
)

// guildhall doctor asks CheckWiring: a community as Deploy wired it passes; an operator that may
// not mint, or an address without a contract, is named.
func TestCheckWiring(t *testing.T) {
	sim := chaintest.New(t, 2)
	dep := sim.Deploy(t, guildhall.DefaultGovernanceSettings())
	operator, stranger := sim.Address(0), sim.Address(1)

	problems, err := chain.CheckWiring(t.Context(), sim.Client, *dep, operator)
	if err != nil || len(problems) != 0 {
		t.Fatalf("a fresh deployment: problems %q, err %v; want none", problems, err)
	}
	problems, err = chain.CheckWiring(t.Context(), sim.Client, *dep, stranger)
	if err != nil || len(problems) != 1 || !strings.Contains(problems[0], "lacks MINTER_ROLE") {
		t.Errorf("another operator: problems %q, err %v; want the missing MINTER_ROLE", problems, err)
	}
	swapped := *dep
	swapped.Governor = stranger
	problems, err = chain.CheckWiring(t.Context(), sim.Client, swapped, operator)
	if err != nil || len(problems) != 1 || !strings.Contains(problems[0], "no contract at the governor's address") {
		t.Errorf("a governor address without code: problems %q, err %v", problems, err)
	}
}
