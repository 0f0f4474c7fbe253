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
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestRewardsSurviveSIGKILL runs the real binary: a dev chain in its own process, and `serve`
// killed with SIGKILL at random moments while thousands of rewards arrive, and restarted each
// time. In the end every wallet holds exactly the sum of its accepted rewards, no batch was minted
// twice and every reward is confirmed.
func TestRewardsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end crash test")
	}
	bin := buildBinary(t)
	dbURL := pgtest.URL(t)
	chainDir, serveDir := t.TempDir(), t.TempDir()
	operator := chain.DevAccounts()[0]
	env := append(os.Environ(), "GUILDHALL_DATABASE_URL="+dbURL, "GUILDHALL_LOG_LEVEL=warn",
		"GUILDHALL_OPERATOR_KEY="+hex.EncodeToString(crypto.FromECDSA(operator.Key)))
	var logMu sync.Mutex
	var logs bytes.Buffer
	start := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = &lockedWriter{&logMu, &logs}, &lockedWriter{&logMu, &logs}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	t.Cleanup(func() {
		if t.Failed() {
			logMu.Lock()
			t.Logf("process output (tail):\n%s", tail(logs.String(), 8000))
			logMu.Unlock()
		}
	})

	dev := start("devchain", "--data-dir", chainDir, "--dev-rpc-addr", "127.0.0.1:0", "--block-interval", "1s")
	t.Cleanup(func() { _ = dev.Process.Kill(); _ = dev.Wait() })
	var rpcURL string
	for deadline := time.Now().Add(60 * time.Second); rpcURL == ""; {
		if u, ok, _ := chain.ReadDevEndpoint(chainDir); ok {
			rpcURL = u
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the dev chain did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}
	runOK := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("guildhall %s: %v %s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	runOK("community", "create", "--data-dir", serveDir, "--rpc-url", rpcURL, "--id", "bakery", "--name", "Corner Bakery", "--symbol", "BAKE")
	var iss struct{ Key string }
	if err := json.Unmarshal([]byte(runOK("issuer", "create", "--data-dir", serveDir, "--community", "bakery", "--name", "till", "--budget", "1000000000", "--json")), &iss); err != nil {
		t.Fatal(err)
	}

	httpAddr := freeAddr(t)
	base := "http://" + httpAddr + "/v1/communities/bakery"
	var serveMu sync.Mutex
	var serve *exec.Cmd
	startServe := func() {
		serveMu.Lock()
		defer serveMu.Unlock()
		serve = start("serve", "--data-dir", serveDir, "--rpc-url", rpcURL, "--http-addr", httpAddr, "--finality-depth", "2")
	}
	startServe()
	t.Cleanup(func() { serveMu.Lock(); _ = serve.Process.Kill(); _ = serve.Wait(); serveMu.Unlock() })

	client := &http.Client{Timeout: 10 * time.Second}
	do := func(method, path, idem, body string) (int, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+iss.Key)
		if idem != "" {
			req.Header.Set("Idempotency-Key", idem)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	// retryUntil repeats a request (same idempotency key) until the server gives a final answer.
	retryUntil := func(method, path, idem, body string, want int) {
		for deadline := time.Now().Add(3 * time.Minute); ; {
			code, resp := do(method, path, idem, body)
			if code == want {
				return
			}
			if code != 0 && code < 500 {
				t.Errorf("%s %s = %d %s", method, path, code, resp)
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%s %s: no answer in time (last %d %s)", method, path, code, resp)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	retryUntil(http.MethodPut, "/rules/purchase", "", `{"amount":"1000000000000000000000"}`, 200)

	// The load: 2,000 rewards over 150 wallets, in batches of 20 from 4 clients.
	const total, perRequest, wallets = 2000, 20, 150
	want := map[common.Address]*big.Int{}
	var bodies []string
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
	loadDone := make(chan struct{})
	work := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for k := range work {
				retryUntil(http.MethodPost, "/rewards:batch", fmt.Sprintf("load-%d", k), bodies[k], 202)
			}
		})
	}
	go func() {
		for k := range bodies {
			work <- k
		}
		close(work)
		wg.Wait()
		close(loadDone)
	}()

	// The killer: SIGKILL serve at random moments while the load runs and while the minter
	// finishes, then restart it.
	kills := 0
	killUntil := time.Now().Add(40 * time.Second)
	for time.Now().Before(killUntil) || kills < 8 {
		time.Sleep(time.Duration(300+rand.IntN(2500)) * time.Millisecond)
		serveMu.Lock()
		_ = serve.Process.Signal(syscall.SIGKILL)
		_ = serve.Wait()
		serveMu.Unlock()
		kills++
		startServe()
	}
	<-loadDone
	t.Logf("serve killed %d times", kills)

	// Wait for every reward to be confirmed.
	db, err := postgres.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(3 * time.Minute); ; {
		n := 0
		for _, st := range []string{"pending", "submitted"} {
			rs, err := postgres.NewRewardsStore(db).Rewards(t.Context(), "bakery", rewards.RewardFilter{Status: st, Limit: 100000})
			if err != nil {
				t.Fatal(err)
			}
			n += len(rs)
		}
		all, _ := postgres.NewRewardsStore(db).Rewards(t.Context(), "bakery", rewards.RewardFilter{Limit: 100000})
		if n == 0 && len(all) == total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d rewards recorded, %d unconfirmed", len(all), total, n)
		}
		time.Sleep(time.Second)
	}

	eth, err := chain.Connect(t.Context(), rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer eth.Close()
	com, err := postgres.NewCommunityStore(db).Community(t.Context(), "bakery")
	if err != nil {
		t.Fatal(err)
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
