package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/postgres/pgtest"
)

// community create --min-reward records the minimum with the community (tokens, or base units
// with --base-units); community update --min-reward changes it; list shows it. A bad amount is
// refused before anything is deployed, an unknown community or a missing flag named.
func TestCommunityMinRewardCommands(t *testing.T) {
	dbURL := pgtest.URL(t)
	dataDir := t.TempDir()
	env := map[string]string{"GUILDHALL_DATABASE_URL": dbURL, "GUILDHALL_DATA_DIR": dataDir, "GUILDHALL_LOG_LEVEL": "warn"}
	minReward := func() string {
		t.Helper()
		var c struct {
			MinReward string `json:"min_reward"`
		}
		if err := json.Unmarshal([]byte(mustRun(t, env, "community", "list", "--json")), &c); err != nil {
			t.Fatal(err)
		}
		return c.MinReward
	}

	if code, _, stderr := runCmd(t, env, "community", "create", "--id", "bakery", "--name", "Corner Bakery", "--symbol", "BAKE",
		"--min-reward", "-1"); code != 1 || !strings.Contains(stderr, "min_reward") {
		t.Fatalf("create with --min-reward -1: exit %d %q, want 1 naming min_reward", code, stderr)
	}
	if out := mustRun(t, env, "community", "list", "--json"); strings.TrimSpace(out) != "" {
		t.Fatalf("a refused create recorded %q", out)
	}
	mustRun(t, env, "community", "create", "--id", "bakery", "--name", "Corner Bakery", "--symbol", "BAKE", "--min-reward", "0.5")
	if got := minReward(); got != "500000000000000000" {
		t.Fatalf("min_reward after create --min-reward 0.5 = %q, want 500000000000000000", got)
	}
	out := mustRun(t, env, "community", "update", "--id", "bakery", "--min-reward", "2000", "--base-units")
	if !strings.Contains(out, "below 2000 base units are refused") {
		t.Errorf("update prints %q", out)
	}
	if got := minReward(); got != "2000" {
		t.Fatalf("min_reward after update = %q, want 2000", got)
	}

	refusals := map[string]struct {
		args []string
		code int
		want string
	}{
		"unknown community": {[]string{"community", "update", "--id", "nowhere", "--min-reward", "1"}, 1, `"nowhere" not found`},
		"not an amount":     {[]string{"community", "update", "--id", "bakery", "--min-reward", "lots"}, 1, "min_reward"},
		"no amount":         {[]string{"community", "update", "--id", "bakery"}, 2, "--min-reward"},
	}
	for name, tt := range refusals {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCmd(t, env, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
	if got := minReward(); got != "2000" {
		t.Errorf("min_reward after the refusals = %q, want 2000", got)
	}
}
