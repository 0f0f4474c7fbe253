package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The webhook commands against a real database: add (the secret from a file, never printed),
// list as a table and as JSON (without the secret), remove, and the refusals.
func TestWebhookCommands(t *testing.T) {
	_, environ := cliDB(t, "bakery")
	const secret = "s3cret-of-the-bakery-till"
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, environ, "webhook", "add", "--community", "bakery", "--url", "https://example.test/hook", "--secret-file", file)
	if !strings.Contains(out, "added webhook 1") || strings.Contains(out, secret) {
		t.Errorf("add printed %q; want the webhook's id and never the secret", out)
	}
	table := mustRun(t, environ, "webhook", "list", "--community", "bakery")
	if lines := strings.Split(strings.TrimSpace(table), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "ID") ||
		!strings.Contains(lines[1], "https://example.test/hook") || strings.Contains(table, secret) {
		t.Errorf("list = %q; want a header and the webhook, without its secret", table)
	}
	line := mustRun(t, environ, "webhook", "list", "--community", "bakery", "--json")
	var h map[string]any
	if err := json.Unmarshal([]byte(line), &h); err != nil || h["url"] != "https://example.test/hook" || strings.Contains(line, secret) {
		t.Errorf("list --json = %q (%v)", line, err)
	}
	for name, tt := range map[string]struct {
		args []string
		want string
	}{
		"unknown community": {[]string{"list", "--community", "nowhere"}, "not found"},
		"no secret file":    {[]string{"add", "--community", "bakery", "--url", "https://x.test", "--secret-file", file + ".missing"}, "secret"},
		"not a URL":         {[]string{"add", "--community", "bakery", "--url", "ftp://x.test", "--secret-file", file}, "url"},
		"unknown webhook":   {[]string{"remove", "--community", "bakery", "--id", "9"}, "no webhook 9"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCmd(t, environ, append([]string{"webhook"}, tt.args...)...)
			if code != 1 || !strings.Contains(lastLine(stderr), tt.want) || strings.Contains(stderr, "pq:") {
				t.Errorf("exit %d, stderr %q; want 1 and one line naming %q", code, stderr, tt.want)
			}
		})
	}
	mustRun(t, environ, "webhook", "remove", "--community", "bakery", "--id", "1")
	if out := strings.TrimSpace(mustRun(t, environ, "webhook", "list", "--community", "bakery", "--json")); out != "" {
		t.Errorf("list after remove = %q, want nothing", out)
	}
	if code, _, _ := runCmd(t, environ, "webhook", "add", "--community", "bakery"); code != 2 {
		t.Errorf("add without --url: exit %d, want 2", code)
	}
}
