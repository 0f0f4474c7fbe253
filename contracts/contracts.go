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

// Names are the contracts that get artifacts and bindings, in binding order.
var Names = []string{"GuildToken", "GuildGovernor", "TimelockController"}

// GenerateBindings returns the gofmt-ed abigen v2 bindings (package bindings) for every contract
// in Names, read from <Name>.abi and <Name>.bin in artifactsDir.
func GenerateBindings(artifactsDir string) ([]byte, error) {
	var types, abis, bins []string
	for _, name := range Names {
		abi, err := os.ReadFile(filepath.Join(artifactsDir, name+".abi"))
		if err != nil {
			return nil, fmt.Errorf("read abi: %w", err)
		}
		bin, err := os.ReadFile(filepath.Join(artifactsDir, name+".bin"))
		if err != nil {
			return nil, fmt.Errorf("read bytecode: %w", err)
		}
		types = append(types, name)
		abis = append(abis, string(abi))
		bins = append(bins, strings.TrimSpace(string(bin)))
	}
	code, err := abigen.BindV2(types, abis, bins, "bindings", map[string]string{}, map[string]string{})
	if err != nil {
		return nil, fmt.Errorf("generate bindings: %w", err)
	}
	return format.Source([]byte(code))
}
