package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// The staff commands against a real database: add (twice is harmless), list as a table and as
// JSON, remove, and the refusals: an unknown community, a malformed address, a remove of an
// address not on the list (exit 1, one line), missing flags and unknown verbs (exit 2).
func TestStaffCommands(t *testing.T) {
	_, environ := cliDB(t, "bakery", "florist")
	alice := "0x00000000000000000000000000000000000a11ce"
	bob := "0x0000000000000000000000000000000000000b0b"

	out := mustRun(t, environ, "community", "staff", "add", "--community", "bakery", "--address", alice)
	if !strings.Contains(out, "0x00000000000000000000000000000000000A11cE") || !strings.Contains(out, `"bakery"`) {
		t.Errorf("add printed %q; want the checksummed address and the community", out)
	}
	mustRun(t, environ, "community", "staff", "add", "--community", "bakery", "--address", alice)
	mustRun(t, environ, "community", "staff", "add", "--community", "bakery", "--address", bob, "--json")
	mustRun(t, environ, "community", "staff", "add", "--community", "florist", "--address", bob)

	table := mustRun(t, environ, "community", "staff", "list", "--community", "bakery")
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ADDRESS") || !strings.Contains(table, "0x00000000000000000000000000000000000A11cE") {
		t.Errorf("list = %q; want a header and two staff members", table)
	}
	staffOf := func(community string) []string {
		t.Helper()
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(mustRun(t, environ, "community", "staff", "list", "--community", community, "--json")), "\n") {
			if line == "" {
				continue
			}
			var s struct {
				Address string `json:"address"`
				AddedAt string `json:"added_at"`
			}
			if err := json.Unmarshal([]byte(line), &s); err != nil || s.AddedAt == "" {
				t.Fatalf("list --json line %q: %v", line, err)
			}
			got = append(got, strings.ToLower(s.Address))
		}
		return got
	}
	if got := staffOf("bakery"); strings.Join(got, ",") != bob+","+alice {
		t.Errorf("bakery staff = %v, want bob and alice, by address", got)
	}

	mustRun(t, environ, "community", "staff", "remove", "--community", "bakery", "--address", "0x"+strings.ToUpper(alice[2:]))
	if got := staffOf("bakery"); strings.Join(got, ",") != bob {
		t.Errorf("after remove bakery staff = %v, want bob", got)
	}
	if got := staffOf("florist"); strings.Join(got, ",") != bob {
		t.Errorf("florist staff = %v, want bob (another community's list is its own)", got)
	}

	for name, tt := range map[string]struct {
		args []string
		want string
	}{
		"unknown community":  {[]string{"add", "--community", "nowhere", "--address", alice}, "not found"},
		"unknown on list":    {[]string{"list", "--community", "nowhere"}, "not found"},
		"malformed address":  {[]string{"add", "--community", "bakery", "--address", "0x123"}, "address"},
		"address without 0x": {[]string{"add", "--community", "bakery", "--address", alice[2:]}, "0x-prefixed"},
		"not on the list":    {[]string{"remove", "--community", "bakery", "--address", alice}, "not on the staff"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCmd(t, environ, append([]string{"community", "staff"}, tt.args...)...)
			if code != 1 || !strings.Contains(lastLine(stderr), tt.want) || strings.Contains(stderr, "pq:") {
				t.Errorf("exit %d, stderr %q; want 1 and one line naming %q", code, stderr, tt.want)
			}
		})
	}
	for name, args := range map[string][]string{
		"no verb":           {},
		"unknown verb":      {"promote", "--community", "bakery"},
		"no address":        {"add", "--community", "bakery"},
		"no community":      {"list"},
		"address on a list": {"list", "--community", "bakery", "--address", alice},
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, stderr := runCmd(t, environ, append([]string{"community", "staff"}, args...)...); code != 2 || stderr == "" {
				t.Errorf("exit %d, stderr %q; want 2 and the usage", code, stderr)
			}
		})
	}
}

func TestStaffAndStatsHelp(t *testing.T) {
	for _, args := range [][]string{
		{"community", "staff", "--help"}, {"community", "staff", "add", "--help"}, {"community", "staff", "remove", "--help"},
		{"community", "staff", "list", "--help"}, {"stats", "--help"}, {"stats", "verify", "--help"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, nil, args...)
			if code != 0 || strings.Count(stdout, "Usage: guildhall") != 1 || stderr != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and the usage once on stdout", code, stdout, stderr)
			}
			if group := args[len(args)-2]; group == "staff" || group == "stats" {
				return
			}
			// A script passes the same common flags to every command.
			common := []string{"--data-dir", t.TempDir(), "--database-url", "postgres://guildhall@127.0.0.1:1/guildhall",
				"--rpc-url", "http://127.0.0.1:1", "--log-format", "json", "--log-level", "debug", "--help"}
			if code, _, stderr := runCmd(t, nil, append(slices.Clone(args[:len(args)-1]), common...)...); code != 0 {
				t.Errorf("with the common flags: exit %d, stderr %q; want 0", code, stderr)
			}
		})
	}
}
