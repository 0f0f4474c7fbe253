package contracts

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The committed bindings must be exactly what abigen v2 generates from the committed artifacts.
func TestCommittedBindingsMatchArtifacts(t *testing.T) {
	for _, c := range All {
		want, err := GenerateBindings("artifacts", c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(c.BindingsPath())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("contracts/%s differs from the bindings generated from contracts/artifacts: run `make contracts` and commit the result", c.BindingsPath())
		}
	}
}

// requireNodeEnv, set to 1 (as .ci/run does), makes a missing Node a failure instead of a skip,
// so CI cannot pass without checking the artifacts.
const requireNodeEnv = "GUILDHALL_REQUIRE_NODE"

// The committed artifacts must be exactly what the pinned solc builds from the sources.
func TestCommittedArtifactsMatchSources(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv(requireNodeEnv) == "1" {
			t.Fatalf("node is not installed, and %s=1 requires this check: install Node (and run `make contracts-deps`)", requireNodeEnv)
		}
		t.Skipf("node is not installed, so the contracts cannot be rebuilt here (CI sets %s=1 and runs this check)", requireNodeEnv)
	}
	if _, err := os.Stat(filepath.Join("node_modules", "solc")); err != nil {
		t.Fatal("contracts/node_modules is missing: run `make contracts-deps` (npm ci in contracts/) first")
	}
	out := t.TempDir()
	cmd := exec.Command(node, "build.js", "--out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node build.js: %v\n%s", err, b)
	}
	for _, c := range All {
		name := c.Name
		for _, ext := range []string{".abi", ".bin"} {
			fresh, err := os.ReadFile(filepath.Join(out, name+ext))
			if err != nil {
				t.Fatal(err)
			}
			committed, err := os.ReadFile(filepath.Join("artifacts", name+ext))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(fresh, committed) {
				t.Errorf("contracts/artifacts/%s%s differs from a fresh build of contracts/src: run `make contracts` and commit the result", name, ext)
			}
		}
	}
}
