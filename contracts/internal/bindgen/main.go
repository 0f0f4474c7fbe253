// Command bindgen writes contracts/bindings/<package>/<package>.go for every contract from the
// compiled artifacts. Run it from the repository root (make contracts does):
//
//	go run ./contracts/internal/bindgen
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/guildhall/guildhall/contracts"
)

func main() {
	for _, c := range contracts.All {
		code, err := contracts.GenerateBindings(filepath.Join("contracts", "artifacts"), c)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bindgen:", err)
			os.Exit(1)
		}
		out := filepath.Join("contracts", c.BindingsPath())
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "bindgen:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(out, code, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bindgen:", err)
			os.Exit(1)
		}
		fmt.Println("wrote", out)
	}
}
