package web

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The dashboard's scripts must parse; a syntax error would leave members a blank page.
func TestScriptsParse(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("GUILDHALL_REQUIRE_NODE") != "" {
			t.Fatal("node is not installed but GUILDHALL_REQUIRE_NODE is set")
		}
		t.Skip("node is not installed, so the dashboard's JavaScript cannot be checked here (CI has Node and runs this check)")
	}
	scripts, err := globScripts()
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts embedded (%v)", err)
	}
	for _, s := range scripts {
		if out, err := exec.Command(node, "--check", filepath.Join("static", s)).CombinedOutput(); err != nil {
			t.Errorf("node --check %s: %v\n%s", s, err, out)
		}
	}
}

// globScripts lists the dashboard's scripts: its modules (.mjs) and any classic script (.js).
func globScripts() ([]string, error) {
	mods, err := fs.Glob(FS, "*.mjs")
	if err != nil {
		return nil, err
	}
	classic, err := fs.Glob(FS, "*.js")
	return append(mods, classic...), err
}
