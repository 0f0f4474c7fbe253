package main

import (
	"bytes"
	"context"
	"database/sql"
	"math/big"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	_ "github.com/lib/pq"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
)

// sendFrom makes dev account k call to with data over client and waits for a successful receipt.
func sendFrom(t *testing.T, client *ethclient.Client, k int, to common.Address, data []byte) {
	t.Helper()
	opts := bind.NewKeyedTransactor(chain.DevAccounts()[k].Key, big.NewInt(chain.DevChainID))
	opts.GasLimit = 1_000_000
	tx, err := bind.NewBoundContract(to, guildtoken.NewGuildToken().GetABI(), client, client, client).RawTransact(opts, data)
	if err != nil {
		t.Fatalf("send from dev account %d: %v", k, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	rcpt, err := bind.WaitMined(ctx, client, tx.Hash())
	if err != nil || rcpt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transaction from dev account %d: %v %+v", k, err, rcpt)
	}
}

// accountBalance returns the balance GET /v1/communities/{cid}/accounts/{address} serves.
func accountBalance(t *testing.T, api, community string, addr common.Address) string {
	t.Helper()
	var acct struct {
		Balance string `json:"balance"`
	}
	if code := getJSON(t, api+"/v1/communities/"+community+"/accounts/"+addr.Hex(), &acct); code != 200 {
		t.Fatalf("GET account %s = %d", addr, code)
	}
	return acct.Balance
}

// `guildhall reindex` against a serving process: while serve keeps answering, the community's
// index, drifted from the chain, is rebuilt and swapped in; serve then serves the chain's figures.
func TestReindexCommandWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test of the real binary; runs without -short")
	}
	in := newInstallation(t, "--block-interval", "1s", "--demo=false")
	bin, dbURL, api, rpcAddr, shared := in.bin, in.dbURL, in.api, in.rpcAddr, in.shared
	s := startServe(t, bin, in.serve...)
	s.waitHealthy(t, api)
	if out, err := exec.Command(bin, append([]string{"community", "create", "--id", "bakery", "--name", "Corner Bakery", "--symbol", "BAKE"},
		shared...)...).CombinedOutput(); err != nil {
		t.Fatalf("community create: %v\n%s", err, out)
	}
	var list communityList
	if code := getJSON(t, api+"/v1/communities", &list); code != 200 || len(list.Items) != 1 {
		t.Fatalf("GET /v1/communities = %d %+v", code, list)
	}
	tokenAddr := common.HexToAddress(list.Items[0].Token.Address)
	client, err := ethclient.Dial("http://" + rpcAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	token := guildtoken.NewGuildToken()
	a1, a2 := chain.DevAccounts()[1].Address, chain.DevAccounts()[2].Address
	sendFrom(t, client, 0, tokenAddr, token.PackMint(a1, big.NewInt(1000)))
	sendFrom(t, client, 1, tokenAddr, token.PackTransfer(a2, big.NewInt(300)))
	sendFrom(t, client, 2, tokenAddr, token.PackDelegate(a1))
	for deadline := time.Now().Add(time.Minute); accountBalance(t, api, "bakery", a2) != "300"; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve never indexed the transfer\nstderr:\n%s", s.stderr)
		}
	}

	// The index drifts from the chain (a bug, a restore gone wrong): serve serves the drift.
	raw, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE token_accounts SET balance = 0 WHERE community_id = 'bakery' AND address = $1`, a1.Hex()); err != nil {
		t.Fatal(err)
	}
	if got := accountBalance(t, api, "bakery", a1); got != "0" {
		t.Fatalf("serve answers balance %s for the drifted account, want 0", got)
	}

	// Reads keep being answered while the reindex runs.
	ctx, stopReads := context.WithCancel(t.Context())
	var reads, failed atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if code := getJSON(t, api+"/v1/communities/bakery", nil); code != 200 {
				failed.Add(1)
			}
			reads.Add(1)
			time.Sleep(20 * time.Millisecond)
		}
	}()
	var stdout, stderr bytes.Buffer
	reindex := exec.Command(bin, append([]string{"reindex", "--community", "bakery"}, shared...)...)
	reindex.Stdout, reindex.Stderr = &stdout, &stderr
	err = reindex.Run()
	stopReads()
	wg.Wait()
	if err != nil {
		t.Fatalf("guildhall reindex: %v\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
	}
	t.Logf("stdout: %s\nstderr: %s", &stdout, &stderr)
	if !strings.Contains(stdout.String(), `rebuilt community "bakery"`) || !strings.Contains(stdout.String(), "token_accounts 0 deleted, 1 updated") {
		t.Errorf("reindex printed %q, want the swap and its one repaired account", &stdout)
	}
	if !strings.Contains(stderr.String(), "rebuilding into a new shadow schema") || !strings.Contains(stderr.String(), "swapped the rebuilt index in") {
		t.Errorf("reindex logged no progress on stderr:\n%s", &stderr)
	}
	if reads.Load() == 0 || failed.Load() > 0 {
		t.Errorf("%d reads during the reindex, %d of them failed", reads.Load(), failed.Load())
	}
	if got := accountBalance(t, api, "bakery", a1); got != "700" {
		t.Errorf("after the reindex serve answers balance %s, the chain's is 700", got)
	}

	// An unknown community: one line, exit 1, nothing changed.
	bad := exec.Command(bin, append([]string{"reindex", "--community", "nope"}, shared...)...)
	out, err := bad.CombinedOutput()
	if code := bad.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), `community "nope" not found`) {
		t.Errorf("reindex of an unknown community: exit %d (%v)\n%s", code, err, out)
	}
}

// reindex has --help (also after every common flag) naming what it rebuilds and what it cannot,
// and refuses a call without its community as a usage error.
func TestReindexUsage(t *testing.T) {
	shared := []string{"--data-dir", t.TempDir(), "--database-url", "postgres://guildhall@127.0.0.1:1/guildhall",
		"--pg-port", "54999", "--rpc-url", "http://127.0.0.1:1", "--operator-keystore", "/nonexistent/key.json",
		"--operator-passphrase-file", "/nonexistent/pass", "--log-format", "json", "--log-level", "debug"}
	code, stdout, stderr := runCmd(t, nil, append(append([]string{"reindex"}, shared...), "--help")...)
	if code != 0 || strings.Count(stdout, "Usage: guildhall reindex") != 1 || stderr != "" {
		t.Fatalf("reindex --help: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, want := range []string{"--community", "--fresh", "--finality-depth", "reward ledger, issuers, rules", "resume"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("reindex --help does not say %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := runCmd(t, nil, "reindex", "--data-dir", t.TempDir()); code != 2 || !strings.Contains(stderr, "--community is required") {
		t.Errorf("reindex without --community: exit %d, stderr %q; want 2 and the reason", code, stderr)
	}
}
