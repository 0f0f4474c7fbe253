package govchain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance/govchain"
)

// A description PostgreSQL cannot store (a NUL character, invalid UTF-8) is refused before
// anything is sent: accepted, the proposal would be opened on chain and then fail to be recorded.
func TestBuildPlanRefusesDescriptionsTheDatabaseCannotHold(t *testing.T) {
	t.Parallel()
	c := govchain.Contracts{Token: common.HexToAddress("0x1"), Governor: common.HexToAddress("0x2")}
	action := []govchain.ActionSpec{{Target: common.HexToAddress("0x4").Hex()}}
	for name, desc := range map[string]string{"NUL": "Title\x00more", "invalid UTF-8": "Title \xff"} {
		_, err := govchain.BuildPlan(c, desc, action)
		if err == nil || guildhall.ErrorCode(err) != guildhall.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	if _, err := govchain.BuildPlan(c, "Title", action); err != nil {
		t.Fatalf("a plain description: %v", err)
	}
}

func TestBuildPlan(t *testing.T) {
	t.Parallel()
	c := govchain.Contracts{Token: common.HexToAddress("0x1"), Governor: common.HexToAddress("0x2")}
	member := common.HexToAddress("0x5").Hex()
	tests := map[string]struct {
		specs       []govchain.ActionSpec
		wantTargets []common.Address
		wantValues  []int64
		wantFields  []string // the fields an EINVALID error names, in order; nil: a plan
	}{
		"a raw call goes to its target with its value": {
			specs:       []govchain.ActionSpec{{Target: common.HexToAddress("0x4").Hex(), Value: "7", Calldata: "0x01"}},
			wantTargets: []common.Address{common.HexToAddress("0x4")}, wantValues: []int64{7}},
		"a mint is a call to the token": {
			specs:       []govchain.ActionSpec{{Kind: "mint", To: member, Amount: "500"}},
			wantTargets: []common.Address{c.Token}, wantValues: []int64{0}},
		"a setting is a call the governor makes on itself": {
			specs:       []govchain.ActionSpec{{Kind: "setting", Name: "quorum_numerator", Value: "10"}},
			wantTargets: []common.Address{c.Governor}, wantValues: []int64{0}},
		"actions keep their order": {
			specs:       []govchain.ActionSpec{{Kind: "setting", Name: "voting_delay", Value: "0"}, {Kind: "mint", To: member, Amount: "1"}},
			wantTargets: []common.Address{c.Governor, c.Token}, wantValues: []int64{0, 0}},
		"no actions is refused": {
			specs: nil, wantFields: []string{"actions"}},
		"eleven actions are refused": {
			specs: make([]govchain.ActionSpec, 11), wantFields: append([]string{"actions"}, repeat("target", 11)...)},
		"every bad field of a raw call is named": {
			specs:      []govchain.ActionSpec{{Target: "0x4", Value: "-1", Calldata: "zz"}},
			wantFields: []string{"actions[0].target", "actions[0].value", "actions[0].calldata"}},
		"a mint to the zero address of nothing is refused": {
			specs:      []govchain.ActionSpec{{Kind: "mint", To: common.Address{}.Hex(), Amount: "0"}},
			wantFields: []string{"actions[0].to", "actions[0].amount"}},
		"an unknown setting is refused": {
			specs: []govchain.ActionSpec{{Kind: "setting", Name: "owner", Value: "1"}}, wantFields: []string{"actions[0].name"}},
		"a voting period of zero is refused": {
			specs: []govchain.ActionSpec{{Kind: "setting", Name: "voting_period", Value: "0"}}, wantFields: []string{"actions[0].value"}},
		"a quorum above 100% is refused": {
			specs: []govchain.ActionSpec{{Kind: "setting", Name: "quorum_numerator", Value: "101"}}, wantFields: []string{"actions[0].value"}},
		"an unknown kind names the second action": {
			specs:      []govchain.ActionSpec{{Kind: "mint", To: member, Amount: "1"}, {Kind: "burn"}},
			wantFields: []string{"actions[1].kind"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			plan, err := govchain.BuildPlan(c, "Title", tt.specs)
			if tt.wantFields != nil {
				var e *guildhall.Error
				if !errors.As(err, &e) || e.Code != guildhall.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				var got []string
				for _, f := range e.Fields {
					got = append(got, f.Field)
				}
				if strings.Join(got, " ") != strings.Join(tt.wantFields, " ") {
					t.Fatalf("fields %v, want %v", got, tt.wantFields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Targets) != len(tt.wantTargets) || len(plan.Calldatas) != len(tt.wantTargets) {
				t.Fatalf("plan of %d targets, %d calldatas; want %d", len(plan.Targets), len(plan.Calldatas), len(tt.wantTargets))
			}
			for i := range tt.wantTargets {
				if plan.Targets[i] != tt.wantTargets[i] || plan.Values[i].Int64() != tt.wantValues[i] || len(plan.Calldatas[i]) == 0 {
					t.Errorf("action %d: %s value %s calldata %x; want %s value %d", i, plan.Targets[i], plan.Values[i], plan.Calldatas[i], tt.wantTargets[i], tt.wantValues[i])
				}
			}
		})
	}
}

func repeat(field string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("actions[%d].%s", i, field)
	}
	return out
}
