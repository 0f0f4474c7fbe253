package health_test

import (
	"os"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/health"
)

// The README's Community health section prints every definition as DefinitionsMarkdown renders
// it (what GET /v1/stats/definitions serves), so the two cannot drift.
func TestDefinitionsInREADME(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	const begin, end = "<!-- definitions:begin -->\n", "<!-- definitions:end -->"
	_, rest, ok := strings.Cut(readme, begin)
	section, _, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		t.Fatalf("README.md has no %q ... %q block", begin, end)
	}
	if want := health.DefinitionsMarkdown(); section != want {
		t.Errorf("README.md definitions differ from health.DefinitionsMarkdown(); replace the block with:\n%s", want)
	}
	if !strings.Contains(readme, "\n## Community health\n") {
		t.Error(`README.md has no "## Community health" section`)
	}
}
