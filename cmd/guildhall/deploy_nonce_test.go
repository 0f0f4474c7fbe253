package main

import (
	"bytes"
	"crypto/ecdsa"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/contracts/bindings/timelock"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"
)

// bakeryClient calls a community's issuer and public endpoints of a running serve.
type bakeryClient struct {
	base, key string
	http      *http.Client
}

func (c *bakeryClient) do(t *testing.T, method, path, idem string, body any) (int, []byte) {
	t.Helper()
	var rd bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd.Reset(b)
	}
	req, err := http.NewRequest(method, c.base+path, &rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.Bytes()
}

// want calls the endpoint and fails the test unless it answers code; it returns the JSON body.
func (c *bakeryClient) want(t *testing.T, method, path, idem string, body any, code int) map[string]any {
	t.Helper()
	got, resp := c.do(t, method, path, idem, body)
	if got != code {
		t.Fatalf("%s %s = %d %s, want %d", method, path, got, resp, code)
	}
	var out map[string]any
	_ = json.Unmarshal(resp, &out)
	return out
}

// castBallot signs the ballot typed data the API serves for voter with key and relays it.
func (c *bakeryClient) castBallot(t *testing.T, pid string, key *ecdsa.PrivateKey) (int, []byte) {
	t.Helper()
	voter := crypto.PubkeyToAddress(key.PublicKey).Hex()
	code, body := c.do(t, http.MethodGet, fmt.Sprintf("/proposals/%s/ballot-typed-data?voter=%s&support=for", pid, voter), "", nil)
	if code != http.StatusOK {
		return code, body
	}
	var td apitypes.TypedData
	if err := json.Unmarshal(body, &td); err != nil {
		t.Fatalf("ballot typed data %s: %v", body, err)
	}
	digest, err := governance.Digest(td)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := crypto.Sign(digest[:], key)
	if err != nil {
		t.Fatal(err)
	}
	sig[64] += 27
	return c.do(t, http.MethodPost, "/proposals/"+pid+"/ballots", "", map[string]string{"voter": voter, "support": "for", "signature": hexutil.Encode(sig)})
}

// unconfirmed counts a community's rewards not confirmed yet, and all of them.
func unconfirmed(t *testing.T, db *postgres.DB, community string) (open, all int) {
	t.Helper()
	store := postgres.NewRewardsStore(db)
	for _, st := range []string{rewards.StatusPending, rewards.StatusSubmitted, rewards.StatusFailed} {
		rs, err := store.Rewards(t.Context(), community, rewards.RewardFilter{Status: st, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		open += len(rs)
	}
	rs, err := store.Rewards(t.Context(), community, rewards.RewardFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return open, len(rs)
}

func waitConfirmed(t *testing.T, db *postgres.DB, community string, total int, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(250 * time.Millisecond) {
		open, all := unconfirmed(t, db, community)
		if open == 0 && all == total {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d rewards recorded, %d not confirmed", all, total, open)
		}
	}
}

// TestCommunityCreateWhileServing creates three communities from the CLI while `serve` mints
// 2,000 rewards and relays ballots from the same operator key: every creation succeeds with its
// three contracts wired to each other, no contract the operator deployed is left outside a
// community, the operator's nonces are one contiguous sequence recorded in the sender's table,
// and every reward is confirmed once.
func TestCommunityCreateWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test of the real binary")
	}
	b := serveBakery(t)
	pid, voters := b.openVote(t, 12)

	// The load: 2,000 rewards in 100 requests from 4 clients, the ballots, and three
	// `community create` at once.
	bodies, want := rewardLoad(2000, 20, 150)
	for _, v := range voters {
		want[crypto.PubkeyToAddress(v.PublicKey)] = big.NewInt(10)
	}
	var wg sync.WaitGroup
	loaded := newIssuerClient(t, b.api.key).sendLoad(bodies, 4, func(int, int) string { return b.api.base })
	wg.Go(func() {
		for k, key := range voters {
			if code, resp := b.api.castBallot(t, pid, key); code != http.StatusAccepted {
				t.Errorf("ballot of voter %d = %d %s", k, code, resp)
			}
		}
	})
	ids := []string{"alpha-cafe", "beta-books", "gamma-gym"}
	for k, id := range ids {
		wg.Go(func() {
			time.Sleep(time.Duration(k) * 700 * time.Millisecond)
			if out, err := b.cli("community", "create", "--id", id, "--name", "Shop "+id, "--symbol", fmt.Sprintf("SHOP%d", k)); err != nil {
				t.Errorf("community create %s while serve mints: %v\n%s", id, err, out)
			}
		})
	}
	wg.Wait()
	<-loaded
	cluster := &e2eCluster{t: t, dbURL: b.dbURL, rpcURL: "http://" + b.rpcAddr}
	cluster.checkMintedOnce("bakery", 2000+len(voters), want)

	eth, err := ethclient.Dial("http://" + b.rpcAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer eth.Close()
	recorded := wantCommunitiesWired(t, b.db, eth, append(ids, "bakery"))
	wantNoOrphanContracts(t, eth, recorded)
	wantContiguousNonces(t, b.dbURL, eth)
	b.waitTally(t, pid, fmt.Sprintf("counts the %d relayed ballots", len(voters)), func(tally map[string]any) bool {
		return tally["voters"] == float64(len(voters)) && tally["consistent"] == true
	})
}

// bakery is a running `serve` (dev chain, no demo) with the community "bakery" and its issuer.
type bakery struct {
	bin, rpcAddr, dbURL string
	common              []string // the common flags every command gets
	api                 *bakeryClient
	db                  *postgres.DB
}

func serveBakery(t *testing.T) *bakery {
	t.Helper()
	b := &bakery{bin: buildBinary(t), dbURL: pgtest.URL(t), rpcAddr: freeAddr(t)}
	httpAddr := freeAddr(t)
	b.common = []string{"--data-dir", t.TempDir(), "--database-url", b.dbURL, "--log-level", "warn"}
	// Created before serve runs: the command runs the dev chain and follows its transactions itself.
	b.cliOK(t, "community", "create", "--id", "bakery", "--name", "Corner Bakery", "--symbol", "BAKE", "--voting-delay", "1s", "--voting-period", "10m")
	s := startServe(t, b.bin, append(b.common, "--http-addr", httpAddr, "--dev-rpc-addr", b.rpcAddr, "--block-interval", "1s", "--demo=false")...)
	s.waitHealthy(t, "http://"+httpAddr)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve's log (tail):\n%s", tail(s.stderr.String(), 6000))
		}
	})
	var iss struct{ Key string }
	if err := json.Unmarshal(b.cliOK(t, "issuer", "create", "--community", "bakery", "--name", "till", "--budget", "1000000000", "--json"), &iss); err != nil {
		t.Fatal(err)
	}
	b.api = &bakeryClient{base: "http://" + httpAddr + "/v1/communities/bakery", key: iss.Key, http: &http.Client{Timeout: 30 * time.Second}}
	b.api.want(t, http.MethodPut, "/rules/purchase", "", map[string]string{"amount": "1000000000000000000000"}, http.StatusOK)
	db, err := postgres.Open(t.Context(), b.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	b.db = db
	return b
}

func (b *bakery) cli(args ...string) ([]byte, error) {
	return exec.Command(b.bin, append(args, b.common...)...).CombinedOutput()
}

func (b *bakery) cliOK(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := b.cli(args...)
	if err != nil {
		t.Fatalf("guildhall %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// openVote rewards n new voters and opens a proposal they can vote on; it returns the proposal's
// id once voting is open, and the voters' keys.
func (b *bakery) openVote(t *testing.T, n int) (string, []*ecdsa.PrivateKey) {
	t.Helper()
	voters := make([]*ecdsa.PrivateKey, n)
	var items []map[string]string
	for k := range voters {
		voters[k], _ = crypto.GenerateKey()
		items = append(items, map[string]string{"wallet": crypto.PubkeyToAddress(voters[k].PublicKey).Hex(), "activity": "purchase", "amount": "10", "reference": fmt.Sprintf("voter %d", k)})
	}
	b.api.want(t, http.MethodPost, "/rewards:batch", "voters", map[string]any{"items": items}, http.StatusAccepted)
	waitConfirmed(t, b.db, "bakery", n, time.Minute)
	opened := b.api.want(t, http.MethodPost, "/proposals", "", map[string]any{"description": "Grant 1 BAKE to the oven fund",
		"actions": []map[string]string{{"kind": "mint", "to": common.Address{0xf0}.Hex(), "amount": "1000000000000000000"}}}, http.StatusAccepted)
	pid, _ := opened["id"].(string)
	b.waitTally(t, pid, "is active", func(tally map[string]any) bool { return tally["state"] == "active" })
	return pid, voters
}

// waitTally waits up to a minute for the proposal's tally to satisfy ok.
func (b *bakery) waitTally(t *testing.T, pid, what string, ok func(map[string]any) bool) {
	t.Helper()
	var tally map[string]any
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		tally = nil
		if getJSON(t, b.api.base+"/proposals/"+pid+"/tally", &tally) == http.StatusOK && ok(tally) {
			return
		}
	}
	t.Fatalf("the tally of proposal %s never %s: %v", pid, what, tally)
}

// wantCommunitiesWired checks each community is recorded and its token, timelock and governor
// name each other as Deploy wires them; it returns every recorded contract address.
func wantCommunitiesWired(t *testing.T, db *postgres.DB, eth *ethclient.Client, ids []string) map[common.Address]string {
	t.Helper()
	tok, gov, tl := guildtoken.NewGuildToken(), guildgovernor.NewGuildGovernor(), timelock.NewTimelockController()
	recorded := map[common.Address]string{}
	for _, id := range ids {
		com, err := postgres.NewCommunityStore(db).Community(t.Context(), id)
		if err != nil {
			t.Errorf("community %s: %v", id, err)
			continue
		}
		token, governor, lock := common.HexToAddress(com.TokenAddress), common.HexToAddress(com.GovernorAddress), common.HexToAddress(com.TimelockAddress)
		recorded[token], recorded[governor], recorded[lock] = id, id, id
		govToken, err1 := bind.Call(gov.Instance(eth, governor), nil, gov.PackToken(), gov.UnpackToken)
		govLock, err2 := bind.Call(gov.Instance(eth, governor), nil, gov.PackTimelock(), gov.UnpackTimelock)
		proposer, err3 := bind.Call(tl.Instance(eth, lock), nil, tl.PackHasRole(crypto.Keccak256Hash([]byte("PROPOSER_ROLE")), governor), tl.UnpackHasRole)
		admin, err4 := bind.Call(tok.Instance(eth, token), nil, tok.PackHasRole([32]byte{}, lock), tok.UnpackHasRole)
		if govToken != token || govLock != lock || !proposer || !admin {
			t.Errorf("community %s is not wired: governor's token %s (want %s), timelock %s (want %s), governor proposes %v, timelock administers the token %v (%v %v %v %v)",
				id, govToken, token, govLock, lock, proposer, admin, err1, err2, err3, err4)
		}
	}
	return recorded
}

// wantNoOrphanContracts checks that every contract the operator key created belongs to a
// recorded community: a contract at CreateAddress(operator, n) exists only if the transaction
// of nonce n deployed it.
func wantNoOrphanContracts(t *testing.T, eth *ethclient.Client, recorded map[common.Address]string) {
	t.Helper()
	operator := chain.DevAccounts()[0].Address
	used, err := eth.NonceAt(t.Context(), operator, nil)
	if err != nil {
		t.Fatal(err)
	}
	for n := range used {
		addr := crypto.CreateAddress(operator, n)
		code, err := eth.CodeAt(t.Context(), addr, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(code) > 0 && recorded[addr] == "" {
			t.Errorf("the contract the operator deployed with nonce %d (%s) belongs to no community", n, addr)
		}
	}
}

// wantContiguousNonces checks every transaction of the operator on chain went through the
// sender's table: one intent per nonce, from 0 to the chain's nonce, all final and succeeded.
func wantContiguousNonces(t *testing.T, dbURL string, eth *ethclient.Client) {
	t.Helper()
	operator := chain.DevAccounts()[0].Address
	used, err := eth.NonceAt(t.Context(), operator, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var nonces []uint64
	var failed []string
	rows, err := db.QueryContext(t.Context(), `SELECT nonce, key, coalesce(succeeded, false) FROM chain_txs WHERE from_address = $1 ORDER BY nonce`, operator.Hex())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			n   uint64
			key string
			ok  bool
		)
		if err := rows.Scan(&n, &key, &ok); err != nil {
			t.Fatal(err)
		}
		nonces = append(nonces, n)
		if !ok {
			failed = append(failed, key)
		}
	}
	contiguous := uint64(len(nonces)) == used
	for k, n := range nonces {
		contiguous = contiguous && n == uint64(k)
	}
	if !contiguous {
		t.Errorf("the sender recorded %d intents with nonces %v..., the chain says the operator sent %d: some transactions bypassed the nonce table",
			len(nonces), nonces[:min(len(nonces), 5)], used)
	}
	if len(failed) > 0 {
		t.Errorf("intents not succeeded: %v", failed)
	}
}
