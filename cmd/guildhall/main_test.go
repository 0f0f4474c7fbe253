package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/internal/testlog"
	"github.com/guildhall/guildhall/localpg"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// runCmd runs the program in-process, as main would, with the given environment.
func runCmd(t *testing.T, environ map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code = run(ctx, args, func(k string) string { return environ[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"community", "--help"},
		{"community", "create", "--help"}, {"community", "update", "--help"}, {"community", "list", "--help"}, {"devchain", "--help"},
		{"issuer", "--help"}, {"issuer", "create", "--help"}, {"rewards", "--help"}, {"rewards", "export", "--help"}, {"serve", "-h"}, {"doctor", "--help"}, {"version", "--help"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, nil, args...)
			if code != 0 || !strings.Contains(stdout, "Usage: guildhall") {
				t.Fatalf("exit %d, stdout %q; want 0 and the usage", code, stdout)
			}
			if n := strings.Count(stdout, "Usage: guildhall"); n != 1 {
				t.Errorf("the usage is printed %d times:\n%s", n, stdout)
			}
			if stderr != "" {
				t.Errorf("--help wrote to stderr: %q", stderr)
			}
			for _, line := range strings.Split(stdout, "\n") {
				if strings.Count(line, "(default") > 1 {
					t.Errorf("a flag shows two defaults: %q", strings.TrimSpace(line))
				}
			}
		})
	}
	t.Run("devchain lists only its own flags", func(t *testing.T) {
		_, stdout, _ := runCmd(t, nil, "devchain", "--help")
		for _, absent := range []string{"--database-url  [", "--pg-port  [", "--rpc-url  ["} {
			if strings.Contains(stdout, absent) {
				t.Errorf("devchain --help lists %s, which it never uses:\n%s", strings.TrimSuffix(absent, "  ["), stdout)
			}
		}
		_, ignored, _ := strings.Cut(stdout, "not used here: ")
		for _, name := range []string{"--database-url", "--pg-port", "--rpc-url"} {
			if !strings.Contains(ignored, name) {
				t.Errorf("devchain --help does not say it accepts and ignores %s:\n%s", name, stdout)
			}
		}
		for _, present := range []string{"--data-dir", "--dev-rpc-addr", "--block-interval", "--log-level"} {
			if !strings.Contains(stdout, present) {
				t.Errorf("devchain --help does not list %s:\n%s", present, stdout)
			}
		}
	})
	t.Run("a bad flag prints one complaint and the usage to stderr", func(t *testing.T) {
		code, stdout, stderr := runCmd(t, nil, "serve", "--no-such-flag")
		if code != 2 || stdout != "" || strings.Count(stderr, "Usage: guildhall") != 1 || !strings.Contains(stderr, "no-such-flag") {
			t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing on stdout, the complaint and the usage once on stderr", code, stdout, stderr)
		}
	})
}

// A script passes the same common flags to every command; none may refuse one it does not use.
func TestEveryCommandAcceptsTheCommonFlags(t *testing.T) {
	common := []string{"--data-dir", t.TempDir(), "--database-url", "postgres://guildhall@127.0.0.1:1/guildhall",
		"--pg-port", "54999", "--rpc-url", "http://127.0.0.1:1", "--operator-keystore", "/nonexistent/key.json",
		"--operator-passphrase-file", "/nonexistent/pass", "--log-format", "json", "--log-level", "debug"}
	for _, cmd := range [][]string{
		{"serve"}, {"migrate"}, {"community", "create"}, {"community", "update"}, {"community", "list"}, {"devchain"},
		{"issuer", "create"}, {"issuer", "list"}, {"issuer", "revoke"}, {"rewards", "export"}, {"version"}, {"doctor"},
	} {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			args := append(append(append([]string(nil), cmd...), common...), "--help")
			code, stdout, stderr := runCmd(t, nil, args...)
			if code != 0 || !strings.Contains(stdout, "Usage: guildhall") {
				t.Fatalf("exit %d, stderr %q; want 0: every common flag accepted, then the usage", code, stderr)
			}
		})
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for name, args := range map[string][]string{
		"no command":             {},
		"unknown command":        {"frobnicate"},
		"unknown flag":           {"serve", "--no-such-flag"},
		"bad log format":         {"serve", "--log-format", "yaml"},
		"create without its id":  {"community", "create", "--name", "X", "--symbol", "XX"},
		"unknown migrate action": {"migrate", "sideways"},
		"unknown community verb": {"community", "delete"},
		"unknown issuer verb":    {"issuer", "delete"},
		"unknown rewards verb":   {"rewards", "import"},
		"issuer alone":           {"issuer"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCmd(t, nil, args...)
			if code != 2 || stderr == "" {
				t.Fatalf("exit %d, stderr %q; want 2 and a message", code, stderr)
			}
			if strings.HasSuffix(name, " verb") && !strings.Contains(stderr, fmt.Sprintf("unknown subcommand %q", args[1])) {
				t.Errorf("stderr %q does not name the unknown subcommand %q", stderr, args[1])
			}
		})
	}
}

// Each refusal is one line on stderr naming the problem and the fix, exit status 1, and nothing
// recorded.
func TestRefusalsAreOneLineAndWriteNothing(t *testing.T) {
	dbURL := pgtest.URL(t)
	otherChainDB := pgtest.URL(t)
	db, err := postgres.Open(context.Background(), otherChainDB)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MigrateUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := postgres.NewCommunityStore(db).BindChain(context.Background(), guildhall.ChainIdentity{ChainID: 5, GenesisHash: "0x" + strings.Repeat("ab", 32)}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	closed := closedPort(t)
	key := map[string]string{"GUILDHALL_OPERATOR_KEY": "0x" + strings.Repeat("11", 32)}
	create := func(extra ...string) []string {
		return append([]string{"community", "create", "--id", "corner-bakery", "--name", "Corner Bakery", "--symbol", "BAKE",
			"--data-dir", t.TempDir()}, extra...)
	}

	tests := map[string]struct {
		env  map[string]string
		args []string
		want []string // all must appear in the one line
	}{
		"invalid slug": {nil, []string{"community", "create", "--id", "Corner_Bakery", "--name", "Corner Bakery", "--symbol", "BAKE", "--database-url", dbURL},
			[]string{"id:", "lowercase"}},
		"invalid symbol": {nil, []string{"community", "create", "--id", "corner-bakery", "--name", "Corner Bakery", "--symbol", "bake!", "--database-url", dbURL},
			[]string{"symbol:", "uppercase"}},
		"quorum over 100": {nil, create("--quorum-percent", "150", "--database-url", dbURL), []string{"quorum_percent"}},
		"unreachable database": {nil, create("--database-url", "postgres://postgres@127.0.0.1:"+closed+"/guildhall?sslmode=disable"),
			[]string{"cannot reach PostgreSQL", "--database-url"}},
		"unreachable chain": {key, create("--database-url", dbURL, "--rpc-url", "http://127.0.0.1:"+closed),
			[]string{"cannot reach the chain", "--rpc-url"}},
		"missing operator key": {nil, create("--database-url", dbURL, "--rpc-url", "http://127.0.0.1:"+closed),
			[]string{"no operator key", "GUILDHALL_OPERATOR_KEY"}},
		"database of another chain": {nil, create("--database-url", otherChainDB),
			[]string{"belongs to chain 5", "not chain 1337"}},
		"name not UTF-8": {nil, []string{"community", "create", "--id", "cafe", "--name", "Caf\xe9", "--symbol", "CAFE",
			"--data-dir", t.TempDir(), "--database-url", dbURL}, []string{"name:", "valid UTF-8"}},
		"name with a line break": {nil, []string{"community", "create", "--id", "cafe", "--name", "Caf\nBar", "--symbol", "CAFE",
			"--data-dir", t.TempDir(), "--database-url", dbURL}, []string{"name:", "control characters"}},
		"name too long for the token": {nil, []string{"community", "create", "--id", "cafe", "--name", strings.Repeat("Café ", 7), "--symbol", "CAFE",
			"--data-dir", t.TempDir(), "--database-url", dbURL}, []string{"name:", "1-31 bytes"}},
	}

	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tt.env, tt.args...)
			if code != 1 {
				t.Fatalf("exit %d (stdout %q, stderr %q), want 1", code, stdout, stderr)
			}
			// Input refused before anything starts: no database, no chain, no log line.
			if strings.HasPrefix(name, "name ") && strings.TrimSpace(stderr) != lastLine(stderr) {
				t.Errorf("stderr holds more than the one line (something started before the name was checked): %q", stderr)
			}
			if !utf8.ValidString(stderr) || strings.Contains(stderr, "pq:") {
				t.Errorf("stderr echoes the bad input or a raw database error: %q", stderr)
			}
			last := lastLine(stderr)
			for _, w := range tt.want {
				if !strings.Contains(last, w) {
					t.Errorf("error line %q does not mention %q", last, w)
				}
			}
			if strings.Contains(stderr, strings.Repeat("11", 32)) {
				t.Error("the operator key appears in the output")
			}
		})
	}
	for _, u := range []string{dbURL, otherChainDB} {
		code, stdout, stderr := runCmd(t, nil, "community", "list", "--database-url", u, "--json")
		if code != 0 || strings.TrimSpace(stdout) != "" {
			t.Errorf("after refusals community list = exit %d %q %q; want no community", code, stdout, stderr)
		}
	}
}

// TestNewDevChainRefusedByOldDatabase: a database used with one data dir's dev chain refuses the
// dev chain of a new data dir (its communities' contracts do not exist there), with one line
// naming both chains; the first data dir's chain, restarted, is still accepted.
func TestNewDevChainRefusedByOldDatabase(t *testing.T) {
	dbURL := pgtest.URL(t)
	first, fresh := t.TempDir(), t.TempDir()
	create := func(id, dataDir string) (int, string, string) {
		return runCmd(t, nil, "community", "create", "--id", id, "--name", "Corner Bakery", "--symbol", "BAKE",
			"--data-dir", dataDir, "--database-url", dbURL, "--log-level", "warn")
	}
	if code, stdout, stderr := create("bakery", first); code != 0 {
		t.Fatalf("community create on the first dev chain = exit %d\n%s\n%s", code, stdout, stderr)
	}

	code, stdout, stderr := create("florist", fresh)
	if code != 1 {
		t.Fatalf("community create on a new dev chain with the old database = exit %d (stdout %q, stderr %q), want 1", code, stdout, stderr)
	}
	if strings.TrimSpace(stderr) != lastLine(stderr) {
		t.Errorf("stderr holds more than the one line: %q", stderr)
	}
	for _, want := range []string{"belongs to chain 1337 (genesis", "not chain 1337 (genesis", "--data-dir"} {
		if !strings.Contains(lastLine(stderr), want) {
			t.Errorf("error line %q does not mention %q", lastLine(stderr), want)
		}
	}

	// The same data dir again: its chain reopens with the same genesis and is accepted.
	if code, stdout, stderr := create("florist", first); code != 0 {
		t.Fatalf("community create after restarting the first dev chain = exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCmd(t, nil, "community", "list", "--database-url", dbURL, "--json")
	if code != 0 || strings.Count(stdout, "\n") != 2 || !strings.Contains(stdout, `"bakery"`) || !strings.Contains(stdout, `"florist"`) {
		t.Errorf("community list = exit %d %q %q; want bakery and florist", code, stdout, stderr)
	}
}

// TestLocalPostgresNote: with the local cluster, serve's banner says it keeps running and gives a
// command that really stops it; with --database-url it says nothing.
func TestLocalPostgresNote(t *testing.T) {
	if note := (&commonFlags{dataDir: t.TempDir(), databaseURL: "postgres://db/x"}).localPostgresNote(t.Context()); note != "" {
		t.Errorf("with --database-url the note is %q, want none", note)
	}

	base := filepath.Join(t.TempDir(), "data dir") // a space, to check the quoting
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 { // the server runs as postgres, which must reach the directory
		for d := base; d != "/"; d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
			if d == os.TempDir() {
				break
			}
		}
	}
	port, err := strconv.Atoi(closedPort(t))
	if err != nil {
		t.Fatal(err)
	}
	cluster := &localpg.Cluster{Dir: filepath.Join(base, "postgres"), Port: port, Settings: map[string]string{"fsync": "off"}}
	t.Cleanup(func() { _ = cluster.Stop(context.Background()) })
	if _, err := cluster.Start(t.Context()); err != nil {
		t.Fatal(err)
	}

	note := (&commonFlags{dataDir: base, pgPort: port}).localPostgresNote(t.Context())
	for _, want := range []string{"keeps running after Ctrl-C", cluster.Dir, strconv.Itoa(port), "pg_ctl"} {
		if !strings.Contains(note, want) {
			t.Errorf("the note %q does not mention %q", note, want)
		}
	}
	_, command, ok := strings.Cut(note, "to stop it:")
	if !ok {
		t.Fatalf("the note gives no command: %q", note)
	}
	if out, err := exec.Command("sh", "-c", strings.TrimSpace(command)).CombinedOutput(); err != nil {
		t.Fatalf("the printed command %q failed: %v\n%s", command, err, out)
	}
	if _, err := os.Stat(filepath.Join(cluster.Dir, "postmaster.pid")); err == nil {
		t.Errorf("PostgreSQL still runs after %q", command)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	return port
}

// binDir holds the guildhall binary the end-to-end tests build (about 80 MB); TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		if err := os.RemoveAll(binDir); err != nil {
			fmt.Fprintln(os.Stderr, "remove the test binary:", err)
		}
	}
	os.Exit(code)
}

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "guildhall-bin")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "guildhall")
	if out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// buildBinary builds the guildhall binary once per test binary run, for every test that runs it.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

type served struct {
	cmd    *exec.Cmd
	stdout *testlog.Buffer
	stderr *testlog.Buffer
	api    string
}

func startServe(t *testing.T, bin string, args ...string) *served {
	t.Helper()
	s := &served{stdout: &testlog.Buffer{}, stderr: &testlog.Buffer{}}
	s.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.cmd.Process.Kill(); _, _ = s.cmd.Process.Wait() })
	return s
}

func (s *served) waitHealthy(t *testing.T, api string) {
	t.Helper()
	s.api = api
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(api + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("serve did not become healthy\nstdout:\n%s\nstderr:\n%s", s.stdout, s.stderr)
}

func (s *served) stop(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGINT\nstderr:\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop within 30s of SIGINT\nstderr:\n%s", s.stderr)
	}
}

// scrape returns the body of a GET of url (a /metrics page), failing the test when it is not 200.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", url, resp.StatusCode, body)
	}
	return string(body)
}

func getJSON(t *testing.T, url string, out any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The current snapshot, not the newest figures computed: the tests compare what they read
	// with what they have just done and with what a page shows after.
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("decode %s: %v\n%s", url, err, body)
		}
	}
	return resp.StatusCode
}

type communityList struct {
	Items []struct {
		ID    string `json:"id"`
		Token struct {
			Address string `json:"address"`
			Symbol  string `json:"symbol"`
		} `json:"token"`
		Governor string `json:"governor"`
	} `json:"items"`
}

// The operator's path with --demo=false: serve on a fresh data dir starts an empty chain (the demo
// and its history are TestDemoHistory's); a community created by another command while serve runs
// answers over the printed RPC URL; a restart keeps it all.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test of the real binary; runs without -short")
	}
	in := newInstallation(t, "--block-interval", "1s", "--demo=false")
	bin, dataDir, dbURL, api, rpcAddr, args := in.bin, in.dataDir, in.dbURL, in.api, in.rpcAddr, in.serve

	s := startServe(t, bin, args...)
	s.waitHealthy(t, api)
	var list communityList
	if code := getJSON(t, api+"/v1/communities", &list); code != 200 || len(list.Items) != 0 {
		t.Fatalf("GET /v1/communities = %d %+v, want no community with --demo=false", code, list)
	}
	// The operator watches the indexer and the minter on /metrics.
	body := scrape(t, api+"/metrics")
	for _, m := range []string{"guildhall_indexer_", "guildhall_minter_batches_in_flight", "guildhall_minter_batch_failures_total",
		"guildhall_operator_balance_wei", "guildhall_operator_spend_last_day_wei", "guildhall_relay_gas_budget 2e+07", "guildhall_build_info{"} {
		if !strings.Contains(body, m) {
			t.Errorf("/metrics has no %s", m)
		}
	}
	// The members' dashboard is served by the same binary.
	if resp, err := http.Get(api + "/"); err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET / (the dashboard) = %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	for _, want := range []string{"http://" + rpcAddr, "chain id 1337", "PUBLIC", "Ctrl-C", "Dashboard  http://localhost:" + api[strings.LastIndex(api, ":")+1:] + "/"} {
		if !strings.Contains(s.stdout.String(), want) {
			t.Errorf("the banner does not show %q:\n%s", want, s.stdout)
		}
	}
	// Ready once the indexer has caught up with the head.
	ready := false
	for deadline := time.Now().Add(60 * time.Second); !ready && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		ready = getJSON(t, api+"/readyz", nil) == 200
	}
	if !ready {
		t.Errorf("/readyz never answered 200\nstderr:\n%s", s.stderr)
	}

	// While serve runs, another command creates a community on the same chain.
	create := exec.Command(bin, "community", "create", "--id", "corner-bakery", "--name", "Corner Bakery", "--symbol", "BAKE",
		"--data-dir", dataDir, "--database-url", dbURL)
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("community create while serving: %v\n%s", err, out)
	}
	if code := getJSON(t, api+"/v1/communities", &list); code != 200 || len(list.Items) != 1 || list.Items[0].ID != "corner-bakery" {
		t.Fatalf("GET /v1/communities = %d %+v, want the new community", code, list)
	}
	// Every metric the sample alert rules use is on a real process's /metrics, the relay's gas of
	// the day already for a community that has relayed nothing.
	metrics := scrape(t, api+"/metrics")
	checkAlertMetrics(t, func(name string) bool {
		return regexp.MustCompile(`(?m)^` + name + `[{ ]`).MatchString(metrics)
	})
	if !strings.Contains(metrics, `guildhall_relay_gas_used{community="corner-bakery"} 0`) {
		t.Errorf("/metrics has no relayed gas for the new community:\n%s", metrics)
	}
	bakery := list.Items[0]

	// An ordinary client reads the token over the printed RPC URL.
	client, err := ethclient.Dial("http://" + rpcAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	token := guildtoken.NewGuildToken()
	instance := token.Instance(client, common.HexToAddress(bakery.Token.Address))
	name, err := bind.Call(instance, nil, token.PackName(), token.UnpackName)
	if err != nil || name != "Corner Bakery" {
		t.Fatalf("name() = %q, %v; want Corner Bakery", name, err)
	}
	symbol, err := bind.Call(instance, nil, token.PackSymbol(), token.UnpackSymbol)
	if err != nil || symbol != "BAKE" {
		t.Fatalf("symbol() = %q, %v; want BAKE", symbol, err)
	}
	blockBefore, err := client.BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.stop(t)

	// A second start keeps the chain and the community and deploys nothing new.
	s2 := startServe(t, bin, args...)
	s2.waitHealthy(t, api)
	var again communityList
	getJSON(t, api+"/v1/communities", &again)
	if len(again.Items) != 1 || again.Items[0].Token.Address != bakery.Token.Address {
		t.Fatalf("after restart communities = %+v, want the same corner-bakery alone", again)
	}
	client2, err := ethclient.Dial("http://" + rpcAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer client2.Close()
	blockAfter, err := client2.BlockNumber(context.Background())
	if err != nil || blockAfter < blockBefore {
		t.Fatalf("after restart head = %d, %v; want at least %d (the chain kept)", blockAfter, err, blockBefore)
	}
	name, err = bind.Call(token.Instance(client2, common.HexToAddress(bakery.Token.Address)), nil, token.PackName(), token.UnpackName)
	if err != nil || name != "Corner Bakery" {
		t.Fatalf("after restart name() = %q, %v", name, err)
	}
	s2.stop(t)
}
