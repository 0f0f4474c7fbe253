package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall/postgres/pgtest"
)

// ponderDir is the Ponder project the benchmark runs beside Guildhall (ponder 0.16.10 pinned by
// its package-lock.json): the bench token's Transfers and balances, as in Ponder's ERC-20 example.
const ponderDir = "../../bench/ponder"

// ponderVersion is the Ponder the figures are compared with (issue 14's).
const ponderVersion = "0.16.10"

// BenchmarkBackfillExternalVsPonder runs Guildhall's `serve --rpc-url` and Ponder side by side on
// one geth --dev node holding one token history (BenchmarkBackfillExternalNode's: per 4
// Transfers, 3 mints to new holders and 1 holder-to-holder transfer), in turns (serve, Ponder,
// serve, Ponder) for each length of GUILDHALL_BENCH_EXTERNAL_TRANSFERS. Each run starts on a
// database of its own (Ponder's on an empty PostgreSQL database, so its RPC cache is empty too)
// and is measured from launch until it has caught up with the head: serve's indexer cursor, the
// block of Ponder's /status (its _ponder_checkpoint). It prints Transfers/s, peak RSS (VmHWM
// summed over the process tree), the CPU of the indexer and of the node, and the ratios
// Guildhall/Ponder.
//
// Opt-in: it needs npm and Ponder from the npm registry. GUILDHALL_BENCH_PONDER=1 runs it (npm ci
// in bench/ponder when its node_modules is missing); unset, it skips saying so.
func BenchmarkBackfillExternalVsPonder(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	if os.Getenv("GUILDHALL_BENCH_PONDER") == "" {
		// Printed as well: go test shows a skipped benchmark's reason only with -v.
		why := "Ponder side by side not measured: set GUILDHALL_BENCH_PONDER=1 to run Ponder " + ponderVersion +
			" (bench/ponder, installed with npm ci) beside serve on the same node and history"
		fmt.Println("BenchmarkBackfillExternalVsPonder skipped: " + why)
		b.Skip(why)
	}
	dir := preparePonder(b)
	lengths := externalLengths(b)
	node := startGeth(b, findGeth(b))
	bin := buildBinary(b)
	h := newHistory(b, node, bin)
	for _, n := range lengths {
		h.extendTo(n)
		last := h.head
		h.settle(settleBlocks)
		var serves, ponders []indexerRun
		for round := range 2 {
			g := h.serve(bin)
			serves = append(serves, g)
			p := h.ponder(dir, n)
			ponders = append(ponders, p)
			fmt.Printf("\nserve vs Ponder %s (geth --dev), round %d: %d Transfers in blocks %d..%d, head %d, load average %s\n",
				ponderVersion, round+1, n, h.deployBlock, last, h.head, loadAverage())
			printIndexerRun("serve --rpc-url (finality 32)", n, g)
			printIndexerRun("ponder start", n, p)
			fmt.Printf("  ratios Guildhall/Ponder: Transfers/s %.2f, peak RSS %.3f (1/%.1f), CPU %.2f, node CPU %.2f\n",
				p.took.Seconds()/g.took.Seconds(), float64(g.peakRSS)/float64(p.peakRSS), float64(p.peakRSS)/float64(g.peakRSS),
				g.cpu.Seconds()/p.cpu.Seconds(), g.nodeCPU.Seconds()/p.nodeCPU.Seconds())
		}
		g, p := best(serves), best(ponders)
		b.ReportMetric(p.took.Seconds()/g.took.Seconds(), fmt.Sprintf("x_ponder_transfers/s_%dk", n/1000))
		b.ReportMetric(float64(p.peakRSS)/float64(g.peakRSS), fmt.Sprintf("ponder/serve_peak_rss_%dk", n/1000))
	}
}

// settleBlocks is how many blocks without token events the benchmark seals after the history, so
// that all of it is final for both indexers (serve's finality depth 32, Ponder's 30 blocks for a
// chain it does not know) and each backfills it as it would an old chain: geth --dev packs the
// history into a few hundred blocks, while issue 14's Hardhat chain held one transaction a block.
const settleBlocks = 64

// settle seals blocks blocks without token events (one 0-value transfer of the operator to
// itself each) and moves the history's head to the last.
func (h *history) settle(blocks int) {
	s := &txStream{b: h.b, c: h.node.client}
	op := crypto.PubkeyToAddress(h.operator.PublicKey)
	for range blocks {
		s.send(h.operator, &h.opNonce, &op, new(big.Int), nil, 21_000)
		s.wait()
	}
	head, err := h.node.client.BlockNumber(context.Background())
	if err != nil {
		h.b.Fatal(err)
	}
	h.head = head
}

// best is the fastest of runs.
func best(runs []indexerRun) indexerRun {
	r := runs[0]
	for _, o := range runs[1:] {
		if o.took < r.took {
			r = o
		}
	}
	return r
}

func printIndexerRun(name string, transfers int, r indexerRun) {
	fmt.Printf("  %-30s %8.0f Transfers/s (launch to caught up %s, from its first cursor %s), peak RSS %d MB (%d processes), CPU %.1f s, node CPU %.1f s, PostgreSQL CPU %.1f s\n",
		name+":", float64(transfers)/r.took.Seconds(), r.took.Round(time.Millisecond), r.backfill.Round(time.Millisecond),
		r.peakRSS>>20, r.procs, r.cpu.Seconds(), r.nodeCPU.Seconds(), r.pgCPU.Seconds())
}

// loadAverage is the machine's load average over the last minute.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(raw))[0]
}

// preparePonder returns the absolute path of the Ponder project, installing its packages with
// npm ci when they are missing; it fails the benchmark, saying why, when it cannot.
func preparePonder(b *testing.B) string {
	dir, err := filepath.Abs(ponderDir)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".bin", "ponder")); err != nil {
		if _, err := exec.LookPath("npm"); err != nil {
			b.Fatalf("GUILDHALL_BENCH_PONDER is set but npm is not installed (scripts/ensure-node.sh installs it): %v", err)
		}
		b.Logf("installing Ponder %s in %s (npm ci)", ponderVersion, dir)
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("GUILDHALL_BENCH_PONDER is set but npm ci in %s failed: %v\n%s", dir, err, tail(string(out), 4000))
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "node_modules", "ponder", "package.json"))
	if err != nil {
		b.Fatalf("GUILDHALL_BENCH_PONDER is set but Ponder is not installed in %s: %v", dir, err)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(raw, &pkg); err != nil || pkg.Version != ponderVersion {
		b.Fatalf("Ponder in %s is %q, not %s (%v): remove its node_modules and run again", dir, pkg.Version, ponderVersion, err)
	}
	return dir
}

// ponder runs `ponder start` on an empty database until its /status reports the history's head,
// then checks that it indexed every one of the history's transfers Transfers.
func (h *history) ponder(dir string, transfers int) indexerRun {
	dbURL := pgtest.URL(h.b)
	chainID, err := h.node.client.ChainID(context.Background())
	if err != nil {
		h.b.Fatal(err)
	}
	addr := freeAddr(h.b)
	_, port, _ := strings.Cut(addr, ":")
	cmd := exec.Command(filepath.Join(dir, "node_modules", ".bin", "ponder"), "--log-format", "json", "start", "--schema", "bench", "--hostname", "127.0.0.1", "--port", port)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PONDER_TELEMETRY_DISABLED=true", "PONDER_LOG_LEVEL=info",
		"PONDER_RPC_URL="+h.node.url, "PONDER_CHAIN_ID="+chainID.String(), "PONDER_TOKEN_ADDRESS="+h.token.Hex(),
		"PONDER_START_BLOCK="+strconv.FormatUint(h.deployBlock, 10))
	r := h.catchUp("ponder start", cmd, func() (uint64, bool) { return ponderBlock(addr) })
	for _, line := range strings.Split(r.out, "\n") {
		if strings.Contains(line, "ackfill") {
			h.b.Logf("ponder: %s", line)
		}
	}
	db, err := sqlx.Open("postgres", dbURL)
	if err != nil {
		h.b.Fatal(err)
	}
	defer db.Close()
	var indexed int
	if err := db.Get(&indexed, `SELECT count(*) FROM bench.transfer_event`); err != nil {
		h.b.Fatalf("count Ponder's Transfers: %v\n%s", err, tail(r.out, 4000))
	}
	if indexed != transfers {
		h.b.Fatalf("Ponder caught up with block %d holding %d Transfers, not %d:\n%s", h.head, indexed, transfers, tail(r.out, 4000))
	}
	return r
}

// ponderBlock reads the block Ponder has indexed up to from its /status ({"chain": {"block":
// {"number": N}}}, from its _ponder_checkpoint table).
func ponderBlock(addr string) (uint64, bool) {
	resp, err := http.Get("http://" + addr + "/status")
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var status map[string]struct {
		Block struct{ Number uint64 }
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&status) != nil {
		return 0, false
	}
	for _, c := range status {
		return c.Block.Number, true
	}
	return 0, false
}
