package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/api"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// cliDB is a migrated database bound to the dev chain with the given communities, open for the
// test's own checks; its URL is passed to the commands through their environment twin.
func cliDB(t *testing.T, communities ...string) (db *postgres.DB, environ map[string]string) {
	t.Helper()
	db, url := pgtest.NewDBURL(t)
	ctx := context.Background()
	if err := postgres.NewCommunityStore(db).BindChain(ctx, guildhall.ChainIdentity{ChainID: 1337, GenesisHash: "0x" + strings.Repeat("ab", 32)}); err != nil {
		t.Fatal(err)
	}
	for n, id := range communities {
		addr := func(kind int) string { return fmt.Sprintf("0x%038x%02x", n+1, kind) }
		if err := postgres.NewCommunityStore(db).CreateCommunity(ctx, &guildhall.Community{
			ID: id, Name: "Community " + id, Symbol: "GLD", ChainID: 1337,
			TokenAddress: addr(1), GovernorAddress: addr(2), TimelockAddress: addr(3),
			DeploymentBlock: 42, DeploymentTx: "0x" + strings.Repeat("0f", 32), Settings: guildhall.DefaultGovernanceSettings(),
		}); err != nil {
			t.Fatal(err)
		}
	}
	return db, map[string]string{"GUILDHALL_DATABASE_URL": url, "GUILDHALL_DATA_DIR": t.TempDir()}
}

// issuerOut is what `issuer create|rotate|list --json` print for one issuer.
type issuerOut struct {
	ID        string   `json:"id"`
	Community string   `json:"community"`
	Name      string   `json:"name"`
	KeyPrefix string   `json:"key_prefix"`
	Key       string   `json:"key"`
	Budget    string   `json:"budget"`
	Spent     string   `json:"spent"`
	Remaining string   `json:"remaining"`
	Revoked   bool     `json:"revoked"`
	Scopes    []string `json:"scopes"`
}

// mustRun runs a command that must succeed and returns its stdout.
func mustRun(t *testing.T, environ map[string]string, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCmd(t, environ, args...)
	if code != 0 {
		t.Fatalf("guildhall %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// listIssuers runs `issuer list --json` and returns the issuers by id.
func listIssuers(t *testing.T, environ map[string]string, args ...string) map[string]issuerOut {
	t.Helper()
	out := map[string]issuerOut{}
	for _, line := range strings.Split(strings.TrimSpace(mustRun(t, environ, append([]string{"issuer", "list", "--json"}, args...)...)), "\n") {
		if line == "" {
			continue
		}
		var i issuerOut
		if err := json.Unmarshal([]byte(line), &i); err != nil {
			t.Fatalf("issuer list line %q: %v", line, err)
		}
		out[i.ID] = i
	}
	return out
}

// The issuer commands against a real database, with the API's own authentication as the judge
// of a key: create prints a key that works and `list` shows it; rotate prints a new key and the
// old one gets 401 at once; revoke makes the key 401 for good.
func TestIssuerCommands(t *testing.T) {
	db, environ := cliDB(t, "bakery", "florist")
	handler := api.NewServer(api.Config{Communities: postgres.NewCommunityStore(db), Rewards: postgres.NewRewardsStore(db)})
	status := func(cid, key string) int {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/v1/communities/"+cid+"/issuer", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code
	}

	var till issuerOut
	if err := json.Unmarshal([]byte(mustRun(t, environ, "issuer", "create", "--community", "bakery", "--name", "till", "--budget", "250", "--json")), &till); err != nil {
		t.Fatal(err)
	}
	if till.ID == "" || !strings.HasPrefix(till.Key, "ghi_") || till.Budget != "250000000000000000000" || till.Revoked {
		t.Fatalf("issuer create --json = %+v", till)
	}
	// Without --json the key is printed once, with how to use it.
	human := mustRun(t, environ, "issuer", "create", "--community", "florist", "--name", "stall", "--budget", "5", "--base-units")
	if !strings.Contains(human, "API key: ghi_") || !strings.Contains(human, "Authorization: Bearer") {
		t.Errorf("issuer create prints %q, want the key and how to use it", human)
	}
	if got := status("bakery", till.Key); got != http.StatusOK {
		t.Fatalf("the new key: GET .../issuer = %d, want 200", got)
	}
	if got := status("florist", till.Key); got != http.StatusForbidden {
		t.Errorf("the key in another community: %d, want 403", got)
	}

	// list shows it, with its budget and key prefix, and only the community's with --community.
	all := listIssuers(t, environ)
	if len(all) != 2 {
		t.Fatalf("issuer list = %+v, want both issuers", all)
	}
	got := all[till.ID]
	if got.Name != "till" || got.Community != "bakery" || got.Budget != till.Budget || got.Spent != "0" || got.Remaining != till.Budget ||
		got.KeyPrefix != till.Key[4:16] || got.Key != "" || got.Revoked {
		t.Errorf("issuer list shows %+v, want till of bakery with its budget, the key's prefix and no key", got)
	}
	if only := listIssuers(t, environ, "--community", "bakery"); len(only) != 1 || only[till.ID].Name != "till" {
		t.Errorf("issuer list --community bakery = %+v, want till alone", only)
	}
	table := mustRun(t, environ, "issuer", "list")
	if !strings.Contains(table, "ghi_"+till.Key[4:16]+"…") || !strings.Contains(table, "till") || !strings.Contains(table, "active") ||
		strings.Contains(table, till.Key) {
		t.Errorf("issuer list table:\n%s\nwant till, active, its key prefix and not its key", table)
	}

	// rotate: a new key; the old one is refused at once.
	var rotated issuerOut
	if err := json.Unmarshal([]byte(mustRun(t, environ, "issuer", "rotate", "--id", till.ID, "--json")), &rotated); err != nil {
		t.Fatal(err)
	}
	if rotated.ID != till.ID || rotated.Key == "" || rotated.Key == till.Key {
		t.Fatalf("issuer rotate = %+v, want a new key for issuer %s", rotated, till.ID)
	}
	if got := status("bakery", till.Key); got != http.StatusUnauthorized {
		t.Errorf("the old key after rotate: %d, want 401", got)
	}
	if got := status("bakery", rotated.Key); got != http.StatusOK {
		t.Errorf("the new key after rotate: %d, want 200", got)
	}
	if got := listIssuers(t, environ)[till.ID]; got.KeyPrefix != rotated.Key[4:16] || got.Budget != till.Budget {
		t.Errorf("issuer list after rotate = %+v, want the new key's prefix and the same budget", got)
	}

	// revoke: the key is refused for good, list says so, and it cannot be rotated back to life.
	if out := mustRun(t, environ, "issuer", "revoke", "--id", till.ID); !strings.Contains(out, "revoked issuer "+till.ID) {
		t.Errorf("issuer revoke prints %q", out)
	}
	if got := status("bakery", rotated.Key); got != http.StatusUnauthorized {
		t.Errorf("the key after revoke: %d, want 401", got)
	}
	if got := listIssuers(t, environ)[till.ID]; !got.Revoked {
		t.Errorf("issuer list after revoke = %+v, want revoked", got)
	}
	if table := mustRun(t, environ, "issuer", "list", "--community", "bakery"); !strings.Contains(table, "revoked") {
		t.Errorf("issuer list table after revoke:\n%s", table)
	}
	mustRun(t, environ, "issuer", "revoke", "--id", till.ID) // again: a no-op
	if got := status("bakery", rotated.Key); got != http.StatusUnauthorized {
		t.Errorf("the key after a second revoke: %d, want 401", got)
	}

	refusals := map[string]struct {
		args []string
		code int
		want string
	}{
		"rotate a revoked issuer": {[]string{"issuer", "rotate", "--id", till.ID}, 1, "revoked"},
		"revoke an unknown id":    {[]string{"issuer", "revoke", "--id", "999"}, 1, "not found"},
		"rotate an unknown id":    {[]string{"issuer", "rotate", "--id", "999"}, 1, "not found"},
		"create in an unknown community": {[]string{"issuer", "create", "--community", "nowhere", "--name", "x", "--budget", "1"}, 1,
			"not found"},
		"create a second active till": {[]string{"issuer", "create", "--community", "florist", "--name", "stall", "--budget", "1"}, 1,
			"already has an issuer"},
		"negative budget":     {[]string{"issuer", "create", "--community", "bakery", "--name", "x", "--budget", "-1"}, 1, "budget"},
		"revoke without --id": {[]string{"issuer", "revoke"}, 2, "--id"},
		"unknown verb":        {[]string{"issuer", "delete"}, 2, "delete"},
	}
	for name, tt := range refusals {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCmd(t, environ, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
			if tt.code == 1 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr %q is not one line", stderr)
			}
		})
	}
	if n := len(listIssuers(t, environ)); n != 2 {
		t.Errorf("%d issuers after the refusals, want 2", n)
	}
	iss, err := postgres.NewRewardsStore(db).Issuers(context.Background(), "bakery")
	if err != nil || len(iss) != 1 || iss[0].Budget.Cmp(new(big.Int).Mul(big.NewInt(250), big.NewInt(1e18))) != 0 {
		t.Errorf("bakery's issuers = %+v, %v", iss, err)
	}
}

// `issuer create --scopes` gives a key only the powers named (default: all three), `issuer list`
// shows them, and the API holds the key to them: a rewards-only key issues rewards and is refused
// (403, naming the scope) when it replaces a rule. A list that is not scopes changes nothing.
func TestIssuerCreateScopes(t *testing.T) {
	db, environ := cliDB(t, "bakery")
	handler := api.NewServer(api.Config{Communities: postgres.NewCommunityStore(db), Rewards: postgres.NewRewardsStore(db)})
	putRule := func(key string) (int, string) {
		t.Helper()
		req := httptest.NewRequest(http.MethodPut, "/v1/communities/bakery/rules/visit", strings.NewReader(`{"amount":"5"}`))
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	create := func(args ...string) issuerOut {
		t.Helper()
		var out issuerOut
		if err := json.Unmarshal([]byte(mustRun(t, environ, append([]string{"issuer", "create", "--community", "bakery", "--budget", "10", "--json"}, args...)...)), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	full := create("--name", "owner")
	till := create("--name", "till", "--scopes", "rewards")
	board := create("--name", "board", "--scopes", " proposals,rewards,proposals")
	for _, tt := range []struct {
		got  issuerOut
		want string
	}{{full, "rewards,rules,proposals"}, {till, "rewards"}, {board, "rewards,proposals"}} {
		if got := strings.Join(tt.got.Scopes, ","); got != tt.want {
			t.Errorf("issuer create %s: scopes %s, want %s", tt.got.Name, got, tt.want)
		}
		if got := strings.Join(listIssuers(t, environ)[tt.got.ID].Scopes, ","); got != tt.want {
			t.Errorf("issuer list --json %s: scopes %s, want %s", tt.got.Name, got, tt.want)
		}
	}
	if table := mustRun(t, environ, "issuer", "list"); !strings.Contains(table, "SCOPES") || !strings.Contains(table, "rewards,proposals") {
		t.Errorf("issuer list table:\n%s\nwant a SCOPES column", table)
	}
	if code, body := putRule(till.Key); code != http.StatusForbidden || !strings.Contains(body, `\"rules\"`) {
		t.Errorf("rewards-only key PUT rule = %d %s, want 403 naming the rules scope", code, body)
	}
	if code, body := putRule(full.Key); code != http.StatusOK {
		t.Errorf("full key PUT rule = %d %s, want 200", code, body)
	}
	for _, bad := range []string{"admin", "", "rewards,"} {
		code, _, stderr := runCmd(t, environ, "issuer", "create", "--community", "bakery", "--name", "x", "--budget", "1", "--scopes", bad)
		if code != 1 || !strings.Contains(stderr, "scopes") {
			t.Errorf("--scopes %q: exit %d, stderr %q; want 1 naming scopes", bad, code, stderr)
		}
	}
	if n := len(listIssuers(t, environ)); n != 3 {
		t.Errorf("%d issuers after the refusals, want 3", n)
	}
}
