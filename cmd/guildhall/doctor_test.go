package main

import (
	"strings"
	"testing"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// guildhall doctor prints one line per check and exits 1 when any fails, naming what to do:
// an unmigrated database stops it at the first line; on a migrated one with a community it
// checks the chain, the operator, the indexer and the community's wiring.
func TestDoctor(t *testing.T) {
	dbURL, dataDir := pgtest.URL(t), t.TempDir()
	common := []string{"--database-url", dbURL, "--data-dir", dataDir}

	code, stdout, _ := runCmd(t, nil, append([]string{"doctor"}, common...)...)
	if code != 1 || !strings.HasPrefix(stdout, "FAIL  database") || !strings.Contains(stdout, "guildhall migrate up") {
		t.Fatalf("doctor on an unmigrated database: exit %d\n%s\nwant 1 and the database line naming migrate up", code, stdout)
	}

	if code, _, stderr := runCmd(t, nil, append([]string{"community", "create", "--id", "bakery", "--name", "Corner Bakery", "--symbol", "BAKE"}, common...)...); code != 0 {
		t.Fatalf("community create: exit %d %s", code, stderr)
	}
	code, stdout, stderr := runCmd(t, nil, append([]string{"doctor"}, common...)...)
	lines := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if f := strings.Fields(line); len(f) > 2 {
			lines[f[1]+" "+f[2]] = f[0]
		}
	}
	want := map[string]string{
		"database reachable;": "ok", "chain chain": "ok", "operator " + chain.DevAccounts()[0].Address.Hex(): "ok",
		"indexer nothing": "FAIL", "community bakery": "ok",
	}
	for k, v := range want {
		if lines[k] != v {
			t.Errorf("doctor line %q: %q, want %q\n%s", k, lines[k], v, stdout)
		}
	}
	if code != 1 || !strings.Contains(stderr, "1 check(s) failed") {
		t.Errorf("doctor with the indexer not running: exit %d, stderr %q; want 1 and the count", code, stderr)
	}

	// Another operator than the one the community was deployed for may not mint.
	_, stdout, _ = runCmd(t, nil, append([]string{"doctor", "--operator", chain.DevAccounts()[1].Address.Hex()}, common...)...)
	if !strings.Contains(stdout, "FAIL  community bakery") || !strings.Contains(stdout, "lacks MINTER_ROLE") {
		t.Errorf("doctor with an operator that may not mint:\n%s", stdout)
	}
}
