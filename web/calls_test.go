package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/contracts/bindings/timelock"
)

var update = flag.Bool("update", false, "rewrite static/calls.json from the contract ABIs")

// knownCall is one state-changing function of the community's contracts, as calls.json names it for
// the dashboard's decoder of proposal actions.
type knownCall struct {
	Contracts []string `json:"contracts"`
	Signature string   `json:"signature"`
	Inputs    []string `json:"inputs"`
}

// knownCalls lists, by selector, every state-changing function of the token, governor and timelock.
func knownCalls(t *testing.T) map[string]knownCall {
	t.Helper()
	out := map[string]knownCall{}
	for contract, meta := range map[string]string{"token": guildtoken.GuildTokenMetaData.ABI,
		"governor": guildgovernor.GuildGovernorMetaData.ABI, "timelock": timelock.TimelockControllerMetaData.ABI} {
		parsed, err := abi.JSON(bytes.NewReader([]byte(meta)))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range parsed.Methods {
			if m.IsConstant() {
				continue
			}
			names := make([]string, len(m.Inputs))
			for i, in := range m.Inputs {
				names[i] = in.Name
			}
			// A selector of two contracts (grantRole of the token and the timelock) names both.
			id := hexutil.Encode(m.ID)
			contracts := append(out[id].Contracts, contract)
			sort.Strings(contracts)
			out[id] = knownCall{Contracts: contracts, Signature: m.Sig, Inputs: names}
		}
	}
	return out
}

// The dashboard decodes a proposal's actions with static/calls.json: it must name exactly the
// functions the contracts have, or a member would read a wrong function (or raw bytes) for an action.
func TestKnownCallsMatchTheContracts(t *testing.T) {
	want := knownCalls(t)
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if *update {
		var buf bytes.Buffer
		buf.WriteString("{\n")
		for i, k := range keys {
			line, _ := json.Marshal(want[k])
			sep := ","
			if i == len(keys)-1 {
				sep = ""
			}
			buf.WriteString("  \"" + k + "\": " + string(line) + sep + "\n")
		}
		buf.WriteString("}\n")
		if err := os.WriteFile(filepath.Join("static", "calls.json"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(filepath.Join("static", "calls.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]knownCall
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("calls.json: %v", err)
	}
	for _, k := range keys {
		g, ok := got[k]
		if !ok || g.Signature != want[k].Signature || !slices.Equal(g.Contracts, want[k].Contracts) || len(g.Inputs) != len(want[k].Inputs) {
			t.Errorf("calls.json[%s] = %+v, want %+v (run go test ./web -run TestKnownCalls -update)", k, g, want[k])
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("calls.json has %s (%s), which no contract has", k, got[k].Signature)
		}
	}
}
