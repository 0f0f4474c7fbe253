package main

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// An operator asks a binary which build it is: the commit it was built from and the Go version.
func TestVersionNamesTheCommitAndGo(t *testing.T) {
	bin := buildBinary(t)
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout, the binary carries no commit: %v", err)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("guildhall version: %v\n%s", err, out)
	}
	for _, want := range []string{"guildhall ", "commit     " + strings.TrimSpace(string(head)), "go         " + runtime.Version()} {
		if !strings.Contains(string(out), want) {
			t.Errorf("guildhall version lacks %q:\n%s", want, out)
		}
	}
}
