package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// gethVersion is the geth the external-node benchmark installs when none is found.
const gethVersion = "v1.17.8"

// BenchmarkBackfillExternalNode measures a backfill against an external node, as an operator runs
// it: a geth --dev node in a process of its own holds a token history of the shape of issue 14 (per
// 4 Transfers, 3 mints to new holders in mintBatch transactions and 1 holder-to-holder transfer),
// then, in one run per chain length, it measures the node's own eth_getLogs ceiling for the
// community's contracts over the same range (fetched and decoded, nothing written, 2 requests in
// flight) and `serve --rpc-url` (the real binary) from launch to caught up: time, events/s, the
// ratio to the ceiling, serve's peak RSS (VmHWM) and the CPU serve and the node used.
//
// GUILDHALL_BENCH_EXTERNAL_TRANSFERS lists the chain lengths in Transfers (default "20000,200000");
// each length extends the same chain. GUILDHALL_GETH names a geth binary (else geth on PATH or in
// $GOPATH/bin, else `go install` of geth gethVersion); GUILDHALL_BENCH_BASELINE_BIN another
// guildhall binary (an earlier build, which also creates the community) measured after this one
// on the same history.
func BenchmarkBackfillExternalNode(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	lengths := externalLengths(b)
	node := startGeth(b, findGeth(b))
	bin := buildBinary(b)
	// The community's database is made by the baseline when there is one: an earlier build
	// refuses a schema newer than it knows, while this one migrates the copy up as serve starts
	// (within "launch to caught up", before the backfill's own time).
	base := os.Getenv("GUILDHALL_BENCH_BASELINE_BIN")
	h := newHistory(b, node, cmp.Or(base, bin))
	builds := []string{bin}
	if base != "" {
		// This build again after the baseline: the node's background work right after the
		// history was generated would otherwise favour whichever runs second.
		builds = append(builds, base, bin)
	}
	for _, n := range lengths {
		h.extendTo(n)
		for i, bin := range builds {
			r := h.measure(bin)
			label := "this build"
			if i == 1 {
				label = "baseline " + bin
			}
			fmt.Printf("\nexternal-node backfill (geth --dev), %s: %d Transfers, %d events in blocks %d..%d\n", label, n, r.events, h.deployBlock, h.head)
			fmt.Printf("  node ceiling, eth_getLogs + decode, 2 in flight: %d-block ranges %.0f events/s (node CPU %.1f s), block by block by hash %.0f events/s (%.1f s): %.0f events/s (%s)\n",
				r.ceilingRange, r.rangedRate, r.rangedNodeCPU.Seconds(), r.byHashRate, r.byHashNodeCPU.Seconds(), r.ceilingRate, r.ceilingTime.Round(time.Millisecond))
			fmt.Printf("  serve --rpc-url, launch to caught up:                          %8.0f events/s (%s), ratio %.2f\n", r.rate(), r.serveTime.Round(time.Millisecond), r.rate()/r.ceilingRate)
			backfill := float64(r.events) / r.backfillTime.Seconds()
			fmt.Printf("  of which the backfill, from the indexer's first step:           %8.0f events/s (%s), ratio %.2f\n", backfill, r.backfillTime.Round(time.Millisecond), backfill/r.ceilingRate)
			fmt.Printf("  serve peak RSS %d MB; CPU: serve %.1f s, node %.1f s (during serve), node %.1f s (during the ceiling)\n",
				r.peakRSS>>20, r.serveCPU.Seconds(), r.nodeCPU.Seconds(), r.ceilingNodeCPU.Seconds())
			// What the cores allow: serve, PostgreSQL and the node share them, so no run can
			// be shorter than all three's CPU spread over every core.
			busy := r.serveCPU + r.nodeCPU + r.pgCPU
			floor := busy.Seconds() / float64(runtime.NumCPU())
			fmt.Printf("  PostgreSQL CPU %.1f s; the three used %.1f s of CPU, %.2f of the %d cores over the run: on these cores no run of this\n"+
				"  work takes under %.1f s, ratio %.2f at most\n\n", r.pgCPU.Seconds(), busy.Seconds(), busy.Seconds()/r.serveTime.Seconds()/float64(runtime.NumCPU()),
				runtime.NumCPU(), floor, float64(r.events)/floor/r.ceilingRate)
			if i == 0 {
				b.ReportMetric(r.rate(), fmt.Sprintf("events/s_%dk", n/1000))
				b.ReportMetric(r.rate()/r.ceilingRate, fmt.Sprintf("ratio_%dk", n/1000))
				b.ReportMetric(float64(r.peakRSS>>20), fmt.Sprintf("peak_rss_MB_%dk", n/1000))
			}
		}
	}
}

// externalLengths is the chain lengths in Transfers of GUILDHALL_BENCH_EXTERNAL_TRANSFERS (default
// 20,000 and 200,000).
func externalLengths(b *testing.B) []int {
	s := os.Getenv("GUILDHALL_BENCH_EXTERNAL_TRANSFERS")
	if s == "" {
		return []int{20_000, 200_000}
	}
	var lengths []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 4 {
			b.Fatalf("GUILDHALL_BENCH_EXTERNAL_TRANSFERS: %q is not a number of transfers", f)
		}
		lengths = append(lengths, n)
	}
	return lengths
}

// findGeth returns a geth binary, installing one with `go install` if none is found; the
// benchmark is skipped, saying why, only when that fails too.
func findGeth(b *testing.B) string {
	if p := os.Getenv("GUILDHALL_GETH"); p != "" {
		return p
	}
	if p, err := exec.LookPath("geth"); err == nil {
		return p
	}
	gopath, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		b.Skipf("no geth on PATH and no go to install one: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "geth")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	b.Logf("installing geth %s (go install; a few minutes the first time)", gethVersion)
	cmd := exec.Command("go", "install", "github.com/ethereum/go-ethereum/cmd/geth@"+gethVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+filepath.Dir(p))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("no geth found (GUILDHALL_GETH, PATH, %s) and `go install github.com/ethereum/go-ethereum/cmd/geth@%s` failed: %v\n%s",
			p, gethVersion, err, tail(string(out), 2000))
	}
	return p
}

// gethNode is a geth --dev process and a client of its HTTP JSON-RPC.
type gethNode struct {
	url    string
	pid    int
	client *ethclient.Client
	log    *processLog
}

// gethConfig raises geth's HTTP timeouts (30 s by default, and no flag sets them): on a loaded
// machine geth answered a 10,000-log eth_getLogs with "request timed out" or closed the
// connection.
const gethConfig = `[Node.HTTPTimeouts]
ReadTimeout = 600000000000
ReadHeaderTimeout = 30000000000
WriteTimeout = 600000000000
IdleTimeout = 600000000000
`

// startGeth starts geth --dev (a block as soon as transactions wait, a gas limit big enough for
// thousands of transfers a block and kept there, a transaction pool deep enough for the history's
// bursts, HTTP timeouts of 10 minutes).
func startGeth(b *testing.B, bin string) *gethNode {
	addr := freeAddr(b)
	_, port, _ := strings.Cut(addr, ":")
	config := filepath.Join(b.TempDir(), "geth.toml")
	if err := os.WriteFile(config, []byte(gethConfig), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", config, "--dev", "--dev.period", "0", "--dev.gaslimit", "1000000000", "--miner.gaslimit", "1000000000",
		"--datadir", b.TempDir(),
		"--http", "--http.addr", "127.0.0.1", "--http.port", port, "--http.api", "eth,net,web3",
		"--ipcdisable", "--nodiscover", "--maxpeers", "0", "--verbosity", "2", "--rpc.txfeecap", "0",
		"--txpool.accountslots", "8192", "--txpool.globalslots", "65536", "--txpool.accountqueue", "8192", "--txpool.globalqueue", "65536")
	logs := newProcessLog()
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		b.Skipf("cannot start %s: %v", bin, err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://" + addr
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if c, err := ethclient.Dial(url); err == nil {
			if _, err := c.BlockNumber(context.Background()); err == nil {
				b.Cleanup(c.Close)
				return &gethNode{url: url, pid: cmd.Process.Pid, client: c, log: logs}
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			b.Fatalf("geth --dev did not answer on %s:\n%s", url, tail(logs.String(), 4000))
		}
	}
}

// history is a community on the node and the token history generated so far.
type history struct {
	b                *testing.B
	node             *gethNode
	bin, dbURL       string
	pgPID            int // the PostgreSQL server's postmaster
	operator         *ecdsa.PrivateKey
	token            common.Address
	contracts        []common.Address
	addrs            []common.Address
	deployBlock      uint64
	head             uint64
	opNonce          uint64
	senders          []*ecdsa.PrivateKey
	senderNonce      []uint64
	mints, transfers int
	perTx            int // mints to new holders a transaction
}

// newHistory funds the operator from geth's dev account and creates the community with the real
// binary (`community create --rpc-url`).
func newHistory(b *testing.B, node *gethNode, bin string) *history {
	ctx := context.Background()
	op := chain.DevAccounts()[0].Key
	opAddr := crypto.PubkeyToAddress(op.PublicKey)
	rc, err := rpc.Dial(node.url)
	if err != nil {
		b.Fatal(err)
	}
	defer rc.Close()
	var accounts []common.Address
	if err := rc.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		b.Fatalf("geth --dev has no dev account: %v", err)
	}
	var txHash common.Hash
	if err := rc.CallContext(ctx, &txHash, "eth_sendTransaction", map[string]any{
		"from": accounts[0], "to": opAddr, "value": "0x" + new(big.Int).Mul(big.NewInt(1e9), big.NewInt(1e18)).Text(16),
	}); err != nil {
		b.Fatalf("fund the operator: %v", err)
	}
	if _, err := chain.WaitSuccess(ctx, node.client, txHash); err != nil {
		b.Fatal(err)
	}
	h := &history{b: b, node: node, bin: bin, dbURL: pgtest.URL(b), operator: op}
	h.run("community", "create", "--data-dir", b.TempDir(), "--rpc-url", node.url, "--id", "bench", "--name", "Bench", "--symbol", "BENCH")
	db, err := sqlx.Open("postgres", h.dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var backend int
	if err := db.GetContext(ctx, &backend, `SELECT pg_backend_pid()`); err != nil {
		b.Fatal(err)
	}
	if _, h.pgPID, err = procStat(backend); err != nil {
		b.Fatalf("the PostgreSQL server is not on this machine (its CPU is measured): %v", err)
	}
	var token, governor, timelock string
	if err := db.QueryRowContext(ctx, `SELECT token_address, governor_address, timelock_address, deployment_block FROM communities WHERE id = 'bench'`).
		Scan(&token, &governor, &timelock, &h.deployBlock); err != nil {
		b.Fatal(err)
	}
	h.token = common.HexToAddress(token)
	h.contracts = []common.Address{h.token, common.HexToAddress(governor), common.HexToAddress(timelock)}
	if h.opNonce, err = node.client.PendingNonceAt(ctx, opAddr); err != nil {
		b.Fatal(err)
	}
	return h
}

// env is the environment of the binary's commands.
func (h *history) env() []string {
	return append(os.Environ(), "GUILDHALL_DATABASE_URL="+h.dbURL, "GUILDHALL_OPERATOR_KEY="+hex.EncodeToString(crypto.FromECDSA(h.operator)))
}

func (h *history) run(args ...string) {
	cmd := exec.Command(h.bin, args...)
	cmd.Env = h.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		h.b.Fatalf("guildhall %s: %v\n%s", strings.Join(args, " "), err, tail(string(out), 4000))
	}
}

// extendTo adds mints and holder-to-holder transfers until the history holds n Transfers: 3 of 4
// are mints to new holders (mintBatch, 50 a transaction: a holder's first mint also delegates,
// and a transaction's gas is capped at 2^24), 1 of 4 a transfer between holders, sent by a few
// hundred funded holders.
func (h *history) extendTo(n int) {
	start := time.Now()
	s := &txStream{b: h.b, c: h.node.client}
	if h.perTx == 0 {
		h.perTx = h.mintsPerTx()
	}
	for wantMints := n * 3 / 4; h.mints < wantMints; {
		k := min(h.perTx, wantMints-h.mints)
		s.send(h.operator, &h.opNonce, &h.token, nil, h.mintBatch(h.mints, k), 16_000_000)
		h.mints += k
	}
	h.fundSenders(s)
	for wantTransfers := n - n*3/4; h.transfers < wantTransfers; h.transfers++ {
		i := h.transfers % len(h.senders)
		to := h.addrs[(h.transfers*7919+1)%len(h.addrs)]
		s.send(h.senders[i], &h.senderNonce[i], &h.token, nil, guildtoken.NewGuildToken().PackTransfer(to, big.NewInt(1000)), 1_000_000)
	}
	s.wait()
	head, err := h.node.client.BlockNumber(context.Background())
	if err != nil {
		h.b.Fatal(err)
	}
	h.head = head
	h.b.Logf("history of %d Transfers (%d mints, %d transfers) up to block %d, generated in %s", n, h.mints, h.transfers, head, time.Since(start).Round(time.Second))
}

// mintBatch is the calldata of a mintBatch to the k holders from the first-th on.
func (h *history) mintBatch(first, k int) []byte {
	to := make([]common.Address, k)
	amounts := make([]*big.Int, k)
	for i := range to {
		to[i] = h.holder(first + i)
		amounts[i] = big.NewInt(1e18)
	}
	var id common.Hash
	copy(id[:], fmt.Sprintf("bench-%d", first))
	return guildtoken.NewGuildToken().PackMintBatch(id, to, amounts)
}

// mintsPerTx is how many mints to new holders fit a transaction's 2^24 gas, with a margin, from
// the node's estimates of a batch of 1 and of 11.
func (h *history) mintsPerTx() int {
	est := func(k int) uint64 {
		g, err := h.node.client.EstimateGas(context.Background(), ethereum.CallMsg{From: crypto.PubkeyToAddress(h.operator.PublicKey),
			To: &h.token, Data: h.mintBatch(h.mints, k)})
		if err != nil {
			h.b.Fatalf("estimate a mintBatch of %d: %v", k, err)
		}
		return g
	}
	one, eleven := est(1), est(11)
	per := max(1, (eleven-one)/10)
	n := int((14_000_000 - one) / per)
	h.b.Logf("a mintBatch costs %d gas and %d a new holder: %d a transaction", one, per, n)
	return max(1, n)
}

// holder is the address of the i-th holder: the first few hundred are keyed (they send the
// transfers), the others plain addresses.
func (h *history) holder(i int) common.Address {
	for len(h.addrs) <= i {
		j := len(h.addrs)
		if j < 400 {
			k, _ := crypto.ToECDSA(crypto.Keccak256([]byte(fmt.Sprintf("guildhall-bench-holder-%d", j))))
			h.senders = append(h.senders, k)
			h.senderNonce = append(h.senderNonce, 0)
			h.addrs = append(h.addrs, crypto.PubkeyToAddress(k.PublicKey))
			continue
		}
		h.addrs = append(h.addrs, common.BigToAddress(big.NewInt(int64(0x100000+j))))
	}
	return h.addrs[i]
}

// fundSenders gives each sending holder ether for gas, once.
func (h *history) fundSenders(s *txStream) {
	for i, k := range h.senders {
		if h.senderNonce[i] > 0 {
			continue
		}
		to := crypto.PubkeyToAddress(k.PublicKey)
		bal, err := h.node.client.BalanceAt(context.Background(), to, nil)
		if err != nil {
			h.b.Fatal(err)
		}
		if bal.Sign() == 0 {
			s.send(h.operator, &h.opNonce, &to, new(big.Int).Mul(big.NewInt(100_000), big.NewInt(1e18)), nil, 21_000)
		}
	}
	s.wait()
}

// txStream sends signed transactions with explicit nonces in JSON-RPC batches of sendBatch, keeping
// at most window of them unconfirmed, and checks their receipts in batches too.
type txStream struct {
	b       *testing.B
	c       *ethclient.Client
	chainID *big.Int
	queued  []rpc.BatchElem // signed, not sent yet
	pending []common.Hash   // sent, not confirmed yet
}

const (
	sendBatch = 500
	txWindow  = 16_384
	// receiptBatch keeps a batch of receipts under geth's 25 MB answer limit: a mintBatch's
	// receipt holds about 85 logs.
	receiptBatch = 50
)

// maxFeePerGas is far above any base fee the history reaches: geth --dev with --dev.period 0 seals
// a block only when transactions arrive, so transactions priced below the base fee (it passed 100
// gwei in full blocks of mints) wait in the pool until the next send, and the last ones for good.
var maxFeePerGas = big.NewInt(10_000e9)

func (s *txStream) send(k *ecdsa.PrivateKey, nonce *uint64, to *common.Address, value *big.Int, data []byte, gas uint64) {
	if s.chainID == nil {
		id, err := s.c.ChainID(context.Background())
		if err != nil {
			s.b.Fatal(err)
		}
		s.chainID = id
	}
	tx := types.MustSignNewTx(k, types.LatestSignerForChainID(s.chainID), &types.DynamicFeeTx{ChainID: s.chainID, Nonce: *nonce,
		GasTipCap: big.NewInt(1e9), GasFeeCap: maxFeePerGas, Gas: gas, To: to, Value: value, Data: data})
	raw, err := tx.MarshalBinary()
	if err != nil {
		s.b.Fatal(err)
	}
	*nonce++
	s.queued = append(s.queued, rpc.BatchElem{Method: "eth_sendRawTransaction", Args: []any{hexutil.Bytes(raw)}, Result: new(common.Hash)})
	s.pending = append(s.pending, tx.Hash())
	if len(s.queued) >= sendBatch {
		s.flush()
	}
	if len(s.pending) >= txWindow {
		s.waitFor(s.pending[:txWindow/2])
		s.pending = s.pending[txWindow/2:]
	}
}

// flush sends the queued transactions in one batch.
func (s *txStream) flush() {
	if len(s.queued) == 0 {
		return
	}
	if err := s.c.Client().BatchCallContext(context.Background(), s.queued); err != nil {
		s.b.Fatalf("send %d transactions: %v", len(s.queued), err)
	}
	for _, e := range s.queued {
		if e.Error != nil {
			s.b.Fatalf("send transaction: %v", e.Error)
		}
	}
	s.queued = s.queued[:0]
}

func (s *txStream) wait() {
	s.waitFor(s.pending)
	s.pending = nil
}

// waitFor waits until every transaction of hashes has a successful receipt, asking for the
// receipts still missing in batches.
func (s *txStream) waitFor(hashes []common.Hash) {
	s.flush()
	for missing := hashes; len(missing) > 0; time.Sleep(100 * time.Millisecond) {
		var still []common.Hash
		for len(missing) > 0 {
			part := missing[:min(len(missing), receiptBatch)]
			missing = missing[len(part):]
			batch := make([]rpc.BatchElem, len(part))
			for i, h := range part {
				batch[i] = rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{h}, Result: new(*types.Receipt)}
			}
			if err := s.c.Client().BatchCallContext(context.Background(), batch); err != nil {
				s.b.Fatalf("read %d receipts: %v", len(batch), err)
			}
			for i, e := range batch {
				r := *e.Result.(**types.Receipt)
				switch {
				case e.Error != nil && !chain.IndexingInProgress(e.Error):
					s.b.Fatalf("receipt of %s: %v", part[i], e.Error)
				case r == nil:
					still = append(still, part[i])
				case r.Status != types.ReceiptStatusSuccessful:
					s.b.Fatalf("transaction %s in block %d failed (gas used %d)", part[i], r.BlockNumber, r.GasUsed)
				}
			}
		}
		missing = still
	}
}

// externalRun is one measurement on one chain length.
type externalRun struct {
	events, ceilingRange              uint64
	ceilingRate                       float64 // the better of the two shapes below
	rangedRate, byHashRate            float64 // eth_getLogs by ranges of blocks, and block by block by hash
	rangedNodeCPU, byHashNodeCPU      time.Duration
	ceilingTime, serveTime            time.Duration
	backfillTime                      time.Duration // from the indexer's first step
	serveCPU, nodeCPU, ceilingNodeCPU time.Duration
	pgCPU                             time.Duration // the PostgreSQL server's, during serve
	peakRSS                           uint64
}

func (r *externalRun) rate() float64 { return float64(r.events) / r.serveTime.Seconds() }

// measure takes the node's ceiling, then runs serve on a fresh database holding only the
// community from launch until its cursor reaches the head.
func (h *history) measure(bin string) externalRun {
	var r externalRun
	before := procCPU(h.b, h.node.pid)
	r.events, r.ceilingRange, r.ceilingTime = h.ceiling()
	r.rangedNodeCPU = procCPU(h.b, h.node.pid) - before
	r.rangedRate = float64(r.events) / r.ceilingTime.Seconds()
	before = procCPU(h.b, h.node.pid)
	events, took := h.ceilingByHash()
	r.byHashNodeCPU = procCPU(h.b, h.node.pid) - before
	if events != r.events {
		h.b.Fatalf("ceiling: %d events block by block, %d by ranges", events, r.events)
	}
	r.byHashRate = float64(events) / took.Seconds()
	r.ceilingRate, r.ceilingNodeCPU = r.rangedRate, r.rangedNodeCPU
	if r.byHashRate > r.rangedRate {
		r.ceilingRate, r.ceilingTime, r.ceilingNodeCPU = r.byHashRate, took, r.byHashNodeCPU
	}
	run := h.serve(bin)
	r.serveTime, r.backfillTime = run.took, run.backfill
	r.serveCPU, r.nodeCPU, r.pgCPU, r.peakRSS = run.cpu, run.nodeCPU, run.pgCPU, run.peakRSS
	return r
}

// serve runs serve on a fresh database holding only the community from launch until its cursor
// reaches the head.
func (h *history) serve(bin string) indexerRun {
	dbURL := copyDatabase(h.b, h.dbURL)
	addr := freeAddr(h.b)
	cmd := exec.Command(bin, "serve", "--data-dir", h.b.TempDir(), "--rpc-url", h.node.url, "--http-addr", addr, "--finality-depth", "32")
	cmd.Env = append(h.env(), "GUILDHALL_DATABASE_URL="+dbURL, "GUILDHALL_LOG_LEVEL=info")
	run := h.catchUp("serve", cmd, func() (uint64, bool) { return cursorOf(addr) })
	for _, line := range strings.Split(run.out, "\n") {
		if strings.Contains(line, "backfill") || strings.Contains(line, "dense") { // its progress, its deferred indexes, how it reads
			h.b.Logf("serve: %s", line)
		}
	}
	return run
}

// indexerRun is an indexer process measured from its launch until it caught up with the head.
type indexerRun struct {
	took     time.Duration // launch to caught up
	backfill time.Duration // from the first cursor it reported to caught up
	cpu      time.Duration // of its process tree
	nodeCPU  time.Duration // the node's, meanwhile
	pgCPU    time.Duration // the PostgreSQL server's, meanwhile
	peakRSS  uint64        // VmHWM summed over its process tree
	procs    int           // processes seen in its tree
	out      string
}

// catchUp starts cmd as a process group of its own and polls cursor every 50 ms until it reports
// the history's head, sampling the group's CPU and peak RSS; then it kills the group. It fails the
// benchmark if the process exits first or has not caught up within 20 minutes.
func (h *history) catchUp(name string, cmd *exec.Cmd, cursor func() (uint64, bool)) indexerRun {
	out := newProcessLog()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var r indexerRun
	nodeBefore, pgBefore := procCPU(h.b, h.node.pid), serverCPU(h.b, h.pgPID)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		h.b.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); <-exited }()
	tree := newProcTree(cmd.Process.Pid)
	var indexing time.Time
	for i := 0; ; i++ {
		if i%10 == 0 {
			tree.sample()
		}
		c, ok := cursor()
		if ok && indexing.IsZero() {
			indexing = time.Now() // the indexer's first step: it is up
		}
		if ok && c >= h.head {
			break
		}
		select {
		case <-exited:
			h.b.Fatalf("%s exited before catching up:\n%s", name, tail(out.String(), 4000))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Since(start) > 20*time.Minute {
			h.b.Fatalf("%s did not catch up with block %d:\n%s", name, h.head, tail(out.String(), 4000))
		}
	}
	r.took, r.backfill = time.Since(start), time.Since(indexing)
	r.nodeCPU, r.pgCPU = procCPU(h.b, h.node.pid)-nodeBefore, serverCPU(h.b, h.pgPID)-pgBefore
	tree.sample()
	r.cpu, r.peakRSS, r.procs, r.out = tree.cpu(), tree.peakRSS(), len(tree.seen), out.String()
	return r
}

// ceiling fetches every log of the community's contracts over the history's range, as serve asks
// for them (same addresses and topics), in ranges of about 10,000 logs, 2 in flight, decoding
// them and writing nothing. A range the node refuses or times out on shrinks as serve's would
// (indexer.Ranges) and is asked again; one that failed for another reason (a dropped connection)
// is retried after a pause. It returns the logs, the range size and the time.
func (h *history) ceiling() (events, rangeSize uint64, took time.Duration) {
	c, err := chain.HTTPLogs(h.node.client, h.node.url)
	if err != nil {
		h.b.Fatal(err)
	}
	blocks := h.head - h.deployBlock + 1
	// 3 events a mint (Transfer, DelegateChanged, DelegateVotesChanged) and a transfer.
	rangeSize = max(1, blocks*10_000/uint64(3*(h.mints+h.transfers)))
	ranges := indexer.NewRanges(rangeSize, rangeSize)
	events, took = h.inTurns("ceiling", rangeSize, func(from uint64) (uint64, error) {
		return h.fetchAll(c, ranges, from, min(h.head, from+rangeSize-1))
	})
	return events, rangeSize, took
}

// ceilingByHash is the node's ceiling asked block by block: each block's header by number, then
// its logs by its hash (EIP-234), 2 blocks in flight. A node's ranged search can cost more per log
// than reading a block's logs whole: go-ethereum's log index finds each matching log of a block by
// walking the block's logs from its first, so a range of blocks of thousands of logs each costs it
// the square of that per block.
func (h *history) ceilingByHash() (events uint64, took time.Duration) {
	c, err := chain.HTTPLogs(h.node.client, h.node.url)
	if err != nil {
		h.b.Fatal(err)
	}
	return h.inTurns("ceiling by block hash", 1, func(n uint64) (uint64, error) {
		hdr, err := h.node.client.HeaderByNumber(context.Background(), new(big.Int).SetUint64(n))
		if err != nil {
			return 0, err
		}
		hash := hdr.Hash()
		logs, err := c.FilterLogs(context.Background(), ethereum.FilterQuery{BlockHash: &hash, Addresses: h.contracts, Topics: [][]common.Hash{indexer.Topics}})
		return uint64(len(logs)), err
	})
}

// inTurns runs fetch from the history's first block to its head in steps of step blocks, 2 in
// flight, and returns the logs they counted and the time they took.
func (h *history) inTurns(what string, step uint64, fetch func(from uint64) (uint64, error)) (events uint64, took time.Duration) {
	var next, total atomic.Uint64
	next.Store(h.deployBlock)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	start := time.Now()
	for range 2 {
		wg.Go(func() {
			for from := next.Add(step) - step; from <= h.head; from = next.Add(step) - step {
				n, err := fetch(from)
				if err != nil {
					errs <- err
					return
				}
				total.Add(n)
			}
		})
	}
	wg.Wait()
	took = time.Since(start)
	select {
	case err := <-errs:
		h.b.Fatalf("%s: %v\ngeth's log:\n%s", what, err, tail(h.node.log.String(), 4000))
	default:
	}
	return total.Load(), took
}

// fetchAll fetches the logs of blocks from..to in ranges sized by ranges, and returns how many
// there were.
func (h *history) fetchAll(c chain.Client, ranges *indexer.Ranges, from, to uint64) (uint64, error) {
	var total uint64
	for failures := 0; from <= to; {
		n := min(ranges.Size(), to-from+1)
		logs, err := c.FilterLogs(context.Background(), ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(from),
			ToBlock: new(big.Int).SetUint64(from + n - 1), Addresses: h.contracts, Topics: [][]common.Hash{indexer.Topics}})
		if err != nil {
			if size, ok := ranges.Refused(err, n); ok {
				h.b.Logf("ceiling: blocks %d..%d: %v; asking again in ranges of %d blocks", from, from+n-1, err, size)
				continue
			}
			if failures++; failures > 5 {
				return total, err
			}
			h.b.Logf("ceiling: blocks %d..%d: %v; asking again", from, from+n-1, err)
			time.Sleep(time.Duration(failures) * time.Second)
			continue
		}
		failures = 0
		ranges.Succeeded(n, len(logs), 10_000)
		total += uint64(len(logs))
		from += n
	}
	return total, nil
}

// copyDatabase returns the URL of a new test database copied from the one at src (which nobody
// may be connected to): the community as created, nothing indexed.
func copyDatabase(b *testing.B, src string) string {
	dst := pgtest.URL(b)
	admin, err := sqlx.Open("postgres", withPath(b, src, "/postgres"))
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	name := strings.TrimPrefix(mustParseURL(b, dst).Path, "/")
	if _, err := admin.ExecContext(ctx, `DROP DATABASE `+pq.QuoteIdentifier(name)+` WITH (FORCE)`); err != nil {
		b.Fatal(err)
	}
	from := strings.TrimPrefix(mustParseURL(b, src).Path, "/")
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)+` TEMPLATE `+pq.QuoteIdentifier(from)); err != nil {
		b.Fatal(err)
	}
	return dst
}

func mustParseURL(b *testing.B, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		b.Fatal(err)
	}
	return u
}

func withPath(b *testing.B, s, path string) string {
	u := mustParseURL(b, s)
	u.Path, u.RawPath = path, ""
	return u.String()
}

// cursorOf reads serve's indexer cursor from its /metrics.
func cursorOf(addr string) (uint64, bool) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "guildhall_indexer_cursor_block "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return uint64(f), err == nil
		}
	}
	return 0, false
}

// procCPU is the CPU time (user and system) process pid used so far, from /proc/PID/stat.
func procCPU(b *testing.B, pid int) time.Duration {
	cpu, _, err := procStat(pid)
	if err != nil {
		b.Fatal(err)
	}
	return cpu
}

// procStat reads the CPU time (user and system) process pid used so far and its parent's pid from
// /proc/PID/stat.
func procStat(pid int) (cpu time.Duration, ppid int, err error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, 0, err
	}
	ppid, _ = strconv.Atoi(f[1])
	return ticks(f[11], f[12]), ppid, nil
}

// statFields are the fields of /proc/PID/stat after the command name (which may hold spaces) in
// parentheses: the parent's pid is f[1]; utime, stime, cutime and cstime are f[11] to f[14].
func statFields(pid int) ([]string, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	_, rest, _ := strings.Cut(string(raw), ") ")
	f := strings.Fields(rest)
	if len(f) < 15 {
		return nil, fmt.Errorf("/proc/%d/stat: %q", pid, raw)
	}
	return f, nil
}

// ticks is the sum of clock-tick counts as a duration (USER_HZ, 100 a second).
func ticks(fields ...string) time.Duration {
	var n uint64
	for _, f := range fields {
		v, _ := strconv.ParseUint(f, 10, 64)
		n += v
	}
	return time.Duration(n) * time.Second / 100
}

// serverCPU is the CPU time (user and system) a PostgreSQL server used so far: its postmaster's,
// the backends and workers it reaped (cutime and cstime) and those running now.
func serverCPU(b *testing.B, postmaster int) time.Duration {
	f, err := statFields(postmaster)
	if err != nil {
		b.Fatal(err)
	}
	sum := ticks(f[11:15]...)
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		if cpu, ppid, err := procStat(pid); err == nil && ppid == postmaster {
			sum += cpu
		}
	}
	return sum
}

// procPeakRSS is the peak resident set size of process pid (VmHWM in /proc/PID/status).
func procPeakRSS(pid int) (uint64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// procTree is a process and its descendants as last sampled: each one's CPU time and peak RSS
// when last seen, so that a child that exits between samples still counts with its last figures.
type procTree struct {
	root int
	seen map[int]procSample
}

type procSample struct {
	cpu     time.Duration
	peakRSS uint64
}

func newProcTree(root int) *procTree { return &procTree{root: root, seen: map[int]procSample{}} }

// sample reads the CPU and peak RSS of the root and of every process descending from it now.
func (t *procTree) sample() {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if _, ppid, err := procStat(pid); err == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	for todo := []int{t.root}; len(todo) > 0; {
		pid := todo[0]
		todo = append(todo[1:], children[pid]...)
		cpu, _, err := procStat(pid)
		if err != nil {
			continue // exited: its last sample stands
		}
		if rss, err := procPeakRSS(pid); err == nil {
			t.seen[pid] = procSample{cpu: cpu, peakRSS: rss}
		}
	}
}

// cpu is the CPU time of every process of the tree seen.
func (t *procTree) cpu() time.Duration {
	var sum time.Duration
	for _, s := range t.seen {
		sum += s.cpu
	}
	return sum
}

// peakRSS is the sum of the peak RSS of every process of the tree seen.
func (t *procTree) peakRSS() uint64 {
	var sum uint64
	for _, s := range t.seen {
		sum += s.peakRSS
	}
	return sum
}

// processLog collects a process's output.
type processLog struct {
	lockedWriter
}

func newProcessLog() *processLog { return &processLog{lockedWriter{&sync.Mutex{}, new(bytes.Buffer)}} }

func (l *processLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}
