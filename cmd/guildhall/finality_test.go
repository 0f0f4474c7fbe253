package main

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// serve --finality takes tag or a depth of at least one block; anything else is a usage error.
func TestServeRefusesABadFinality(t *testing.T) {
	for _, v := range []string{"soon", "0", "-3"} {
		code, _, stderr := runCmd(t, nil, "serve", "--finality", v)
		if code != 2 || !strings.Contains(stderr, "--finality") || !strings.Contains(stderr, "tag or a number of blocks") {
			t.Errorf("serve --finality %s: exit %d, stderr %q; want 2 saying what it takes", v, code, lastLine(stderr))
		}
	}
}

// serve --finality tag against a node that names no finalized block stops at start and says what
// to do, instead of accepting rewards it could never confirm.
func TestServeFinalityTagRefusesANodeWithoutFinality(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(buildBinary(t), "serve", "--data-dir", t.TempDir(), "--database-url", pgtest.URL(t),
		"--rpc-url", chaintest.UnfinalizedNode(t), "--http-addr", freeAddr(t), "--finality", "tag")
	cmd.Env = append(os.Environ(), "GUILDHALL_OPERATOR_KEY="+hex.EncodeToString(crypto.FromECDSA(key)))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--finality tag") || !strings.Contains(string(out), "finalized block") ||
		!strings.Contains(string(out), "use --finality N") {
		t.Fatalf("serve --finality tag on a node without a finalized block: %v\n%s", err, out)
	}
}

// serve --finality tag on the embedded dev chain, whose beacon finalizes every 32nd block: a
// reward is minted and confirmed once the node's finalized block has passed its mint, and not
// before.
func TestServeFinalityTagConfirmsAtTheFinalizedBlock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	bin := buildBinary(t)
	dataDir, dbURL, api := t.TempDir(), pgtest.URL(t), "http://"+freeAddr(t)
	s := startServe(t, bin, "--data-dir", dataDir, "--database-url", dbURL, "--http-addr", strings.TrimPrefix(api, "http://"),
		"--dev-rpc-addr", freeAddr(t), "--block-interval", "100ms", "--demo=false", "--finality", "tag")
	s.waitHealthy(t, api)
	if out, err := exec.Command(bin, "community", "create", "--id", "bakery", "--name", "Corner Bakery", "--symbol", "BAKE",
		"--data-dir", dataDir, "--database-url", dbURL).CombinedOutput(); err != nil {
		t.Fatalf("community create: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "issuer", "create", "--data-dir", dataDir, "--database-url", dbURL, "--community", "bakery",
		"--name", "till", "--budget", "1000000", "--json").Output()
	if err != nil {
		t.Fatalf("issuer create: %v", err)
	}
	var iss struct{ Key string }
	if err := json.Unmarshal(out, &iss); err != nil {
		t.Fatal(err)
	}
	ic := newIssuerClient(t, iss.Key)
	base := func(int) string { return api + "/v1/communities/bakery" }
	ic.retryUntil(http.MethodPut, base, "/rules/purchase", "", `{"amount":"5"}`, 200)
	ic.retryUntil(http.MethodPost, base, "/rewards", "tag-1",
		`{"wallet":"0x00000000000000000000000000000000000000a1","activity":"purchase","reference":"r1"}`, 202)

	rpcURL, _, err := chain.ReadDevEndpoint(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	eth, err := chain.Connect(t.Context(), rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer eth.Close()
	var list struct {
		Items []struct {
			Status      string  `json:"status"`
			BlockNumber *uint64 `json:"block_number"`
		} `json:"items"`
	}
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		code, body := ic.do(http.MethodGet, base(0)+"/rewards", "", "")
		if code != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Items) != 1 {
			t.Fatalf("GET rewards = %d %s", code, body)
		}
		// Read after the status: the finalized block only grows, so a reward confirmed before
		// its block was final shows here as a block above it.
		finalized, err := chain.Finalized(t.Context(), eth)
		if err != nil {
			t.Fatal(err)
		}
		if r := list.Items[0]; r.Status == "confirmed" {
			if r.BlockNumber == nil || *r.BlockNumber > finalized {
				t.Fatalf("reward confirmed in block %v, above the node's finalized block %d", r.BlockNumber, finalized)
			}
			t.Logf("minted in block %d, confirmed with the node's finalized block at %d", *r.BlockNumber, finalized)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reward is %q after 90 s (finalized block %d)\n%s", list.Items[0].Status, finalized, s.stderr)
		}
	}
}
