// Package contracts holds Guildhall's Solidity sources (src/), their compiled artifacts
// (artifacts/) and the abigen v2 Go bindings generated from them (bindings/). The artifacts and
// bindings are committed so `go build` needs no Node; `make contracts` rebuilds both and a test
// fails when the committed files differ from a fresh build.
package contracts

import (
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
)

// Contract is one compiled contract and the Go package its bindings live in.
type Contract struct {
	Name    string // contract name, and the artifacts' base name
	Package string // bindings package, under contracts/bindings/
}

// All are the contracts that get artifacts and bindings. Each has its own bindings package because
// abigen names some output types after the method alone (Eip712DomainOutput), which the token and
// the governor share.
var All = []Contract{
	{"GuildToken", "guildtoken"},
	{"GuildGovernor", "guildgovernor"},
	{"TimelockController", "timelock"},
	{"ContractWallet", "contractwallet"}, // a test fixture (testdata/): an ERC-1271 smart-contract wallet
}

// BindingsPath is where c's bindings are written, relative to the contracts directory.
func (c Contract) BindingsPath() string {
	return filepath.Join("bindings", c.Package, c.Package+".go")
}

// GenerateBindings returns c's gofmt-ed abigen v2 bindings, read from <Name>.abi and <Name>.bin
// in artifactsDir.
func GenerateBindings(artifactsDir string, c Contract) ([]byte, error) {
	abi, err := os.ReadFile(filepath.Join(artifactsDir, c.Name+".abi"))
	if err != nil {
		return nil, fmt.Errorf("read abi: %w", err)
	}
	bin, err := os.ReadFile(filepath.Join(artifactsDir, c.Name+".bin"))
	if err != nil {
		return nil, fmt.Errorf("read bytecode: %w", err)
	}
	code, err := abigen.BindV2([]string{c.Name}, []string{string(abi)}, []string{strings.TrimSpace(string(bin))},
		c.Package, map[string]string{}, map[string]string{})
	if err != nil {
		return nil, fmt.Errorf("generate %s bindings: %w", c.Name, err)
	}
	return format.Source([]byte(code))
}
