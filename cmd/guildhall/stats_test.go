package main

import (
	"context"
	"database/sql"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	_ "github.com/lib/pq"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// verifyWorld is a community on the embedded dev chain (run in this process, reached by the
// commands through the data dir) with an indexed history.
type verifyWorld struct {
	t       *testing.T
	ctx     context.Context
	db      *postgres.DB
	raw     *sql.DB
	environ map[string]string
	dev     *chain.DevChain
	token   common.Address
	gov     common.Address
}

func newVerifyWorld(t *testing.T) *verifyWorld {
	t.Helper()
	ctx := context.Background()
	dataDir := t.TempDir()
	db, dbURL := pgtest.NewDBURL(t)
	raw, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	dev, err := chain.StartDevChain(ctx, chain.DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0", BlockInterval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dev.Close() })
	w := &verifyWorld{t: t, ctx: ctx, db: db, raw: raw, dev: dev,
		environ: map[string]string{"GUILDHALL_DATABASE_URL": dbURL, "GUILDHALL_DATA_DIR": dataDir}}
	mustRun(t, w.environ, "community", "create", "--id", "bakery", "--name", "Corner Bakery", "--symbol", "BAKE",
		"--voting-delay", "1s", "--voting-period", "1h", "--quorum-percent", "20")
	com, err := postgres.NewCommunityStore(db).Community(ctx, "bakery")
	if err != nil {
		t.Fatal(err)
	}
	w.token, w.gov = common.HexToAddress(com.TokenAddress), common.HexToAddress(com.GovernorAddress)
	return w
}

// send makes account k (a dev account; 0 is the operator) call to with data and waits for a
// successful receipt.
func (w *verifyWorld) send(k int, to common.Address, data []byte) *types.Receipt {
	w.t.Helper()
	opts := bind.NewKeyedTransactor(chain.DevAccounts()[k].Key, big.NewInt(chain.DevChainID))
	opts.GasLimit = 2_000_000 // estimates run at the head; a vote right after the snapshot can need more
	tx, err := bind.Transact(bind.NewBoundContract(to, verifyToken.GetABI(), w.dev.Client(), w.dev.Client(), w.dev.Client()), opts, data)
	if err != nil {
		w.t.Fatalf("send from dev account %d: %v", k, err)
	}
	ctx, cancel := context.WithTimeout(w.ctx, time.Minute)
	defer cancel()
	rcpt, err := bind.WaitMined(ctx, w.dev.Client(), tx.Hash())
	if err != nil || rcpt.Status != types.ReceiptStatusSuccessful {
		w.t.Fatalf("transaction from dev account %d: %v, %+v", k, err, rcpt)
	}
	return rcpt
}

func (w *verifyWorld) addr(k int) common.Address { return chain.DevAccounts()[k].Address }

// index runs the indexer until the index has reached the chain's head, then stops it.
func (w *verifyWorld) index() {
	w.t.Helper()
	head, err := w.dev.Client().BlockNumber(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = indexer.New(w.dev.Client(), postgres.NewIndexWriter(w.db), indexer.Config{FinalityDepth: 8, PollInterval: 100 * time.Millisecond}).Run(ctx)
	}()
	defer func() { cancel(); <-done }()
	store := postgres.NewHealthStore(w.db)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ov, err := store.Overview(w.ctx, health.Scope{Community: "bakery"}); err == nil && ov.AsOf.Number >= head {
			return
		}
	}
	w.t.Fatalf("the indexer did not reach block %d within a minute", head)
}

func (w *verifyWorld) exec(q string, args ...any) {
	w.t.Helper()
	if _, err := w.raw.ExecContext(w.ctx, q, args...); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
}

func tokensOf(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// `stats verify` on a real community: rewards minted, a transfer, an explicit delegation, a
// staff member with tokens, a proposal and three votes (one of weight 0), indexed; every figure
// agrees with the chain (exit 0). Then a balance and a vote altered directly in the database:
// exit 1 naming the figures that differ, with both values.
func TestStatsVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the dev chain and the indexer; runs without -short")
	}
	w := newVerifyWorld(t)
	var to []common.Address
	var amounts []*big.Int
	for k, n := range map[int]int64{1: 100, 2: 50, 3: 30, 4: 20, 5: 500} {
		to, amounts = append(to, w.addr(k)), append(amounts, tokensOf(n))
	}
	w.send(0, w.token, verifyToken.PackMintBatch(common.Hash{1}, to, amounts))
	w.send(1, w.token, verifyToken.PackTransfer(w.addr(2), tokensOf(10)))
	w.send(3, w.token, verifyToken.PackDelegate(w.addr(1)))
	mustRun(t, w.environ, "community", "staff", "add", "--community", "bakery", "--address", w.addr(5).Hex())
	rcpt := w.send(1, w.gov, verifyGovernor.PackPropose([]common.Address{w.token}, []*big.Int{new(big.Int)},
		[][]byte{verifyToken.PackTransfer(w.addr(4), new(big.Int))}, "Bake on Sundays"))
	var pid *big.Int
	for _, l := range rcpt.Logs {
		if ev, err := verifyGovernor.UnpackProposalCreatedEvent(l); err == nil {
			pid = ev.ProposalId
		}
	}
	if pid == nil {
		t.Fatal("no ProposalCreated in the propose receipt")
	}
	// Votes open once the clock has passed the snapshot.
	w.waitClockPast(pid)
	w.send(1, w.gov, verifyGovernor.PackCastVote(pid, 1))
	w.send(2, w.gov, verifyGovernor.PackCastVote(pid, 0))
	w.send(3, w.gov, verifyGovernor.PackCastVote(pid, 2)) // delegated away: weight 0
	w.send(5, w.gov, verifyGovernor.PackCastVote(pid, 1)) // staff: left out
	w.index()

	out := mustRun(t, w.environ, "stats", "verify", "--community", "bakery")
	p := "governance.proposals[" + pid.String() + "]."
	for _, want := range []string{
		"ok       holders = 4\n", "ok       concentration.balance.accounts = 4\n",
		"ok       concentration.voting_power.accounts = 3\n", "ok       " + p + "eligible = 3\n", "ok       " + p + "voters = 2\n",
		"ok       delegates[" + w.addr(1).Hex() + "].delegators = 2\n", "ok       delegates[" + w.addr(4).Hex() + "].status = ghost\n",
		" 0 differ\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stats verify does not print %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, w.addr(5).Hex()) {
		t.Errorf("the staff member appears among the figures:\n%s", out)
	}

	w.exec(`UPDATE token_accounts SET balance = balance + 5e18 WHERE community_id = 'bakery' AND address = $1`, w.addr(4).Hex())
	w.expectDiffers("concentration.balance.gini: indexed ", "concentration.balance.hhi")
	w.exec(`UPDATE token_accounts SET balance = balance - 5e18 WHERE community_id = 'bakery' AND address = $1`, w.addr(4).Hex())
	mustRun(t, w.environ, "stats", "verify", "--community", "bakery")

	w.exec(`DELETE FROM votes WHERE community_id = 'bakery' AND voter = $1`, w.addr(2).Hex())
	w.expectDiffers(p+"voters: indexed 1, chain 2", "delegates["+w.addr(2).Hex()+"].votes_cast: indexed 0, chain 1")
}

// waitClockPast waits for a block whose timestamp is past pid's snapshot.
func (w *verifyWorld) waitClockPast(pid *big.Int) {
	w.t.Helper()
	gov := verifyGovernor.Instance(w.dev.Client(), w.gov)
	snapshot, err := bind.Call(gov, nil, verifyGovernor.PackProposalSnapshot(pid), verifyGovernor.UnpackProposalSnapshot)
	if err != nil {
		w.t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if h, err := w.dev.Client().HeaderByNumber(w.ctx, nil); err == nil && h.Time > snapshot.Uint64() {
			return
		}
	}
	w.t.Fatal("the chain's clock did not pass the snapshot")
}

// expectDiffers runs stats verify and wants exit 1 with each of wants on stdout and named in the
// error line.
func (w *verifyWorld) expectDiffers(wants ...string) {
	w.t.Helper()
	code, stdout, stderr := runCmd(w.t, w.environ, "stats", "verify", "--community", "bakery")
	if code != 1 {
		w.t.Fatalf("stats verify after altering the index: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	last := lastLine(stderr)
	w.t.Logf("%s", last)
	for _, want := range wants {
		if !strings.Contains(stdout, "differs  "+want) {
			w.t.Errorf("stdout does not say %q differs:\n%s", want, stdout)
		}
		name, _, _ := strings.Cut(want, ":")
		if !strings.Contains(last, name) {
			w.t.Errorf("the error line does not name %s: %q", name, last)
		}
	}
}

func TestStatsVerifyRefusals(t *testing.T) {
	_, environ := cliDB(t, "bakery")
	if code, _, stderr := runCmd(t, environ, "stats", "verify", "--community", "nowhere"); code != 1 || !strings.Contains(lastLine(stderr), "not found") {
		t.Errorf("unknown community: exit %d, %q; want 1 and not found", code, stderr)
	}
	for name, args := range map[string][]string{
		"no community":   {"stats", "verify"},
		"bad operator":   {"stats", "verify", "--community", "bakery", "--operator", "0x12"},
		"unknown verb":   {"stats", "explain"},
		"no subcommand":  {"stats"},
		"zero log range": {"stats", "verify", "--community", "bakery", "--log-range", "0"},
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, stderr := runCmd(t, environ, args...); code != 2 || stderr == "" {
				t.Errorf("exit %d, stderr %q; want 2 and the usage", code, stderr)
			}
		})
	}
}
