// Command bindgen writes contracts/bindings/bindings.go from the compiled artifacts.
// Run it from the repository root (make contracts does): go run ./contracts/internal/bindgen
package main

import (
	"fmt"
	"os"

	"github.com/guildhall/guildhall/contracts"
)

func main() {
	code, err := contracts.GenerateBindings("contracts/artifacts")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bindgen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("contracts/bindings/bindings.go", code, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "bindgen:", err)
		os.Exit(1)
	}
	fmt.Println("wrote contracts/bindings/bindings.go")
}
