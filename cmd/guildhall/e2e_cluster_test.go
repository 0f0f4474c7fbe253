package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"
)

// e2eCluster is what the end-to-end tests of several processes share: the real binary, a dev
// chain in a process of its own, one database, and the output of every process they start.
type e2eCluster struct {
	t       testing.TB
	bin     string
	env     []string
	dbURL   string
	rpcURL  string
	dataDir string // the commands' --data-dir (nothing is kept there with --database-url and --rpc-url)
	logMu   sync.Mutex
	logs    bytes.Buffer
}

// newE2ECluster starts the dev chain and returns once its JSON-RPC answers.
func newE2ECluster(t testing.TB) *e2eCluster {
	t.Helper()
	return newE2EClusterOn(t, pgtest.URL(t))
}

// newE2EClusterOn is newE2ECluster on the database at dbURL.
func newE2EClusterOn(t testing.TB, dbURL string) *e2eCluster {
	t.Helper()
	c := &e2eCluster{t: t, bin: buildBinary(t), dbURL: dbURL, dataDir: t.TempDir()}
	c.env = append(os.Environ(), "GUILDHALL_DATABASE_URL="+c.dbURL, "GUILDHALL_LOG_LEVEL=warn",
		"GUILDHALL_OPERATOR_KEY="+hex.EncodeToString(crypto.FromECDSA(chain.DevAccounts()[0].Key)))
	t.Cleanup(func() {
		if t.Failed() {
			c.logMu.Lock()
			t.Logf("process output (tail):\n%s", tail(c.logs.String(), 8000))
			c.logMu.Unlock()
		}
	})
	chainDir := t.TempDir()
	dev := c.start("devchain", "--data-dir", chainDir, "--dev-rpc-addr", "127.0.0.1:0", "--block-interval", "1s")
	t.Cleanup(func() { _ = dev.Process.Kill(); _ = dev.Wait() })
	for deadline := time.Now().Add(60 * time.Second); ; {
		if u, ok, _ := chain.ReadDevEndpoint(chainDir); ok {
			c.rpcURL = u
			return c
		}
		if time.Now().After(deadline) {
			t.Fatal("the dev chain did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// start starts the binary with args; its output goes to the cluster's log.
func (c *e2eCluster) start(args ...string) *exec.Cmd {
	c.t.Helper()
	return c.startEnv(nil, args...)
}

// startEnv is start with env added to the cluster's environment.
func (c *e2eCluster) startEnv(env []string, args ...string) *exec.Cmd {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = append(slices.Clip(c.env), env...)
	cmd.Stdout, cmd.Stderr = &lockedWriter{&c.logMu, &c.logs}, &lockedWriter{&c.logMu, &c.logs}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	return cmd
}

// serveArgs are the arguments of a serve process on the cluster's chain listening on httpAddr.
func (c *e2eCluster) serveArgs(httpAddr string, extra ...string) []string {
	return append([]string{"serve", "--data-dir", c.dataDir, "--rpc-url", c.rpcURL, "--http-addr", httpAddr, "--finality-depth", "2"}, extra...)
}

// runOK runs a command to its end and returns its stdout, failing the test if it fails.
func (c *e2eCluster) runOK(args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("guildhall %s: %v %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// community creates a community on the chain (community create's flags in extra: its
// governance settings) and an issuer for it, and returns the issuer's key.
func (c *e2eCluster) community(id string, extra ...string) (issuerKey string) {
	c.t.Helper()
	c.runOK(append([]string{"community", "create", "--data-dir", c.dataDir, "--rpc-url", c.rpcURL, "--id", id, "--name", "Corner Bakery", "--symbol", "BAKE"}, extra...)...)
	var iss struct{ Key string }
	out := c.runOK("issuer", "create", "--data-dir", c.dataDir, "--community", id, "--name", "till", "--budget", "1000000000", "--json")
	if err := json.Unmarshal([]byte(out), &iss); err != nil {
		c.t.Fatal(err)
	}
	return iss.Key
}

// issuerClient sends an issuer's requests to the API of one process or another.
type issuerClient struct {
	t      testing.TB
	key    string
	client *http.Client
}

func newIssuerClient(t testing.TB, key string) *issuerClient {
	return &issuerClient{t: t, key: key, client: &http.Client{Timeout: 10 * time.Second}}
}

// do sends one request to url; code 0 means no answer (body says why).
func (ic *issuerClient) do(method, url, idem, body string) (code int, resp string) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+ic.key)
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	res, err := ic.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.String()
}

// retryUntil repeats a request (same idempotency key) until a server gives a final answer:
// attempt k goes to base(k), so a client can move to another process when one is down.
func (ic *issuerClient) retryUntil(method string, base func(attempt int) string, path, idem, body string, want int) {
	for attempt, deadline := 0, time.Now().Add(3*time.Minute); ; attempt++ {
		code, resp := ic.do(method, base(attempt)+path, idem, body)
		if code == want {
			return
		}
		if code != 0 && code < 500 {
			ic.t.Errorf("%s %s = %d %s", method, path, code, resp)
			return
		}
		if time.Now().After(deadline) {
			ic.t.Errorf("%s %s: no answer in time (last %d %s)", method, path, code, resp)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// rewardLoad is total rewards over wallets in batch bodies of perRequest items, and the sum each
// wallet must end with.
func rewardLoad(total, perRequest, wallets int) (bodies []string, want map[common.Address]*big.Int) {
	want = map[common.Address]*big.Int{}
	for k := 0; k < total; k += perRequest {
		var items []string
		for j := 0; j < perRequest; j++ {
			w := common.BigToAddress(big.NewInt(int64(0x7000 + rand.IntN(wallets))))
			amount := big.NewInt(int64(1 + rand.IntN(1_000_000)))
			if want[w] == nil {
				want[w] = new(big.Int)
			}
			want[w].Add(want[w], amount)
			items = append(items, fmt.Sprintf(`{"wallet":"%s","activity":"purchase","amount":"%s","reference":"r%d"}`, w.Hex(), amount, k+j))
		}
		bodies = append(bodies, `{"items":[`+strings.Join(items, ",")+`]}`)
	}
	return bodies, want
}

// sendLoad posts every body as a reward batch from clients concurrent clients, each batch
// retried under its own idempotency key until accepted; done closes when all are.
func (ic *issuerClient) sendLoad(bodies []string, clients int, base func(k, attempt int) string) (done <-chan struct{}) {
	work := make(chan int)
	finished := make(chan struct{})
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for k := range work {
				ic.retryUntil(http.MethodPost, func(attempt int) string { return base(k, attempt) }, "/rewards:batch", fmt.Sprintf("load-%d", k), bodies[k], 202)
			}
		})
	}
	go func() {
		for k := range bodies {
			work <- k
		}
		close(work)
		wg.Wait()
		close(finished)
	}()
	return finished
}

// checkMintedOnce waits until every one of total rewards of community is confirmed, then checks
// on the chain that each wallet holds exactly its sum and that no batch was minted twice.
func (c *e2eCluster) checkMintedOnce(community string, total int, want map[common.Address]*big.Int) {
	t := c.t
	t.Helper()
	db, com, eth := c.communityOnChain(community)
	store := postgres.NewRewardsStore(db)
	for deadline := time.Now().Add(3 * time.Minute); ; {
		n := 0
		for _, st := range []string{"pending", "submitted"} {
			rs, err := store.Rewards(t.Context(), community, rewards.RewardFilter{Status: st, Limit: 100000})
			if err != nil {
				t.Fatal(err)
			}
			n += len(rs)
		}
		all, _ := store.Rewards(t.Context(), community, rewards.RewardFilter{Limit: 100000})
		if n == 0 && len(all) == total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d rewards recorded, %d unconfirmed", len(all), total, n)
		}
		time.Sleep(time.Second)
	}
	token := guildtoken.NewGuildToken()
	tokenAddr := common.HexToAddress(com.TokenAddress)
	for w, amount := range want {
		out, err := eth.CallContract(context.Background(), ethereum.CallMsg{To: &tokenAddr, Data: token.PackBalanceOf(w)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := token.UnpackBalanceOf(out)
		if got.Cmp(amount) != 0 {
			t.Errorf("balance of %s = %s, want %s", w, got, amount)
		}
	}
	logsOut, err := eth.FilterLogs(context.Background(), ethereum.FilterQuery{Addresses: []common.Address{tokenAddr},
		Topics: [][]common.Hash{{token.GetABI().Events["RewardBatchMinted"].ID}}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[common.Hash]bool{}
	for _, l := range logsOut {
		if seen[l.Topics[1]] {
			t.Errorf("batch %s minted twice", l.Topics[1])
		}
		seen[l.Topics[1]] = true
	}
	t.Logf("%d rewards to %d wallets in %d batches, all confirmed", total, len(want), len(logsOut))
}

// communityOnChain opens the cluster's database and chain for a check of community's outcome
// (both closed when the test ends) and reads the community's record.
func (c *e2eCluster) communityOnChain(community string) (*postgres.DB, *guildhall.Community, *ethclient.Client) {
	t := c.t
	t.Helper()
	db, err := postgres.Open(t.Context(), c.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	com, err := postgres.NewCommunityStore(db).Community(t.Context(), community)
	if err != nil {
		t.Fatal(err)
	}
	eth, err := chain.Connect(t.Context(), c.rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eth.Close)
	return db, com, eth
}

// waitLog waits until the processes' output holds a line with want and returns that line.
func (c *e2eCluster) waitLog(want string, within time.Duration) string {
	c.t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		c.logMu.Lock()
		logs := c.logs.String()
		c.logMu.Unlock()
		if i := strings.Index(logs, want); i >= 0 {
			line, _, _ := strings.Cut(logs[strings.LastIndexByte(logs[:i], '\n')+1:], "\n")
			return line
		}
	}
	c.t.Fatalf("no process logged %q within %s", want, within)
	return ""
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
