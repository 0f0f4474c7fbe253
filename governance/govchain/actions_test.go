package govchain_test

import (
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
