package chain

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/triedb"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/internal/testlog"
)

// returns42 is the init code of a contract whose runtime code returns the word 42 on any call.
var returns42 = common.FromHex("69602a60005260206000f3600052600a6016f3")

func TestDevAccounts(t *testing.T) {
	first, second := DevAccounts(), DevAccounts()
	if len(first) != 10 {
		t.Fatalf("got %d dev accounts, want 10", len(first))
	}
	seen := map[common.Address]bool{}
	for i, a := range first {
		if a.Address != crypto.PubkeyToAddress(a.Key.PublicKey) {
			t.Errorf("account %d: address %s does not match its key", i, a.Address)
		}
		if a.Address != second[i].Address {
			t.Errorf("account %d differs between calls: %s, %s", i, a.Address, second[i].Address)
		}
		if seen[a.Address] {
			t.Errorf("account %d: %s repeated", i, a.Address)
		}
		seen[a.Address] = true
	}
	salt := newDevSalt()
	if devGenesisHash(salt) != devGenesisHash(bytes.Clone(salt)) {
		t.Error("the dev genesis hash changes between calls with one salt; a restart would not reopen the chain")
	}
	if devGenesisHash(salt) == devGenesisHash(newDevSalt()) || devGenesisHash(salt) == devGenesisHash(nil) {
		t.Error("two salts give the same genesis hash; a new dev chain would pass for an old one")
	}
	if n := len(devGenesis(salt).ExtraData); n > 32 {
		t.Errorf("genesis ExtraData is %d bytes, more than a header may hold (32)", n)
	}
}

// TestDevChain runs the chain a user runs: a wallet-like client over HTTP sends a transfer and
// deploys a contract, then the chain is stopped and started again on the same data directory.
func TestDevChain(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	dev := startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"})

	if strings.HasSuffix(dev.RPCURL(), ":0") || !strings.HasPrefix(dev.RPCURL(), "http://127.0.0.1:") {
		t.Fatalf("RPCURL() = %q, want http://127.0.0.1:<real port>", dev.RPCURL())
	}
	client, err := ethclient.Dial(dev.RPCURL())
	if err != nil {
		t.Fatalf("dial %s: %v", dev.RPCURL(), err)
	}
	t.Cleanup(client.Close)

	id, err := client.ChainID(ctx)
	if err != nil || id.Int64() != 1337 {
		t.Fatalf("ChainID() = %v, %v; want 1337", id, err)
	}
	if url, ok := DevChainInUse(ctx, dataDir); !ok || url != dev.RPCURL() {
		t.Errorf("DevChainInUse() = %q, %v; want %q, true", url, ok, dev.RPCURL())
	}

	from := dev.Accounts()[0]
	to := common.HexToAddress("0x00000000000000000000000000000000c0ffee01")
	value := big.NewInt(1234567)
	start := time.Now()
	transfer := sendTx(t, client, from.Key, &to, value, nil, 21_000)
	rcpt := waitMined(t, client, transfer.Hash(), 2*time.Second)
	t.Logf("transfer mined in block %d after %s", rcpt.BlockNumber, time.Since(start))
	if rcpt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transfer failed: status %d", rcpt.Status)
	}
	header, err := client.HeaderByNumber(ctx, rcpt.BlockNumber)
	if err != nil {
		t.Fatal(err)
	}
	if drift := time.Since(time.Unix(int64(header.Time), 0)); drift < -time.Second || drift > 2*time.Second {
		t.Errorf("block %d timestamp is %s away from wall time", rcpt.BlockNumber, drift)
	}
	if header.GasLimit != devGasLimit {
		t.Errorf("block gas limit = %d, want %d", header.GasLimit, devGasLimit)
	}

	deploy := sendTx(t, client, from.Key, nil, nil, returns42, 200_000)
	rcpt = waitMined(t, client, deploy.Hash(), 2*time.Second)
	contract := rcpt.ContractAddress
	// At the receipt's block: go-ethereum shows a receipt a moment before it moves "latest".
	if got := call(t, client, contract, rcpt.BlockNumber); got != 42 {
		t.Fatalf("contract returned %d, want 42", got)
	}

	identity, err := Identity(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	if identity.ChainID != 1337 || identity.GenesisHash != dev.GenesisHash().Hex() {
		t.Errorf("Identity() = %+v, want 1337 and %s", identity, dev.GenesisHash().Hex())
	}
	height := rcpt.BlockNumber.Uint64()
	fromBalance, err := client.BalanceAt(ctx, from.Address, new(big.Int).SetUint64(height))
	if err != nil {
		t.Fatal(err)
	}
	client.Close()
	if err := dev.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if _, ok, err := ReadDevEndpoint(dataDir); ok || err != nil {
		t.Errorf("after Close, ReadDevEndpoint() = ok %v, err %v; want the record removed", ok, err)
	}

	t.Run("restart keeps the chain", func(t *testing.T) {
		dev := startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"})
		c := dev.Client()
		n, err := c.BlockNumber(ctx)
		if err != nil || n < height {
			t.Fatalf("after restart BlockNumber() = %d, %v; want at least %d", n, err, height)
		}
		if got, err := c.BalanceAt(ctx, to, nil); err != nil || got.Cmp(value) != 0 {
			t.Errorf("after restart the recipient holds %v (%v), want %v", got, err, value)
		}
		if got, err := c.BalanceAt(ctx, from.Address, big.NewInt(int64(height))); err != nil || got.Cmp(fromBalance) != 0 {
			t.Errorf("after restart the sender held %v at block %d (%v), want %v", got, height, err, fromBalance)
		}
		if got := call(t, c, contract, nil); got != 42 {
			t.Errorf("after restart the contract returned %d, want 42", got)
		}
		again, err := Identity(ctx, c)
		if err != nil || again != identity {
			t.Errorf("after restart Identity() = %+v, %v; want %+v", again, err, identity)
		}
		// The chain keeps sealing from where it stopped.
		next := sendTx(t, c, from.Key, &to, value, nil, 21_000)
		waitMined(t, c, next.Hash(), 2*time.Second)
	})
}

func TestDevChainSealsEmptyBlocksOnInterval(t *testing.T) {
	ctx := context.Background()
	dev := startDevChain(t, DevChainConfig{HTTPAddr: "127.0.0.1:0", BlockInterval: time.Second})
	c := dev.Client()

	first, err := c.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3500 * time.Millisecond)
	last, err := c.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last < first+2 {
		t.Fatalf("block number went from %d to %d in 3.5s, want at least 2 empty blocks", first, last)
	}
	var prev uint64
	for n := first; n <= last; n++ {
		h, err := c.HeaderByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		if n > first && h.Time <= prev {
			t.Errorf("block %d timestamp %d does not exceed its parent's %d", n, h.Time, prev)
		}
		if ahead := time.Until(time.Unix(int64(h.Time), 0)); ahead > 0 {
			t.Errorf("block %d timestamp is %s ahead of wall time", n, ahead)
		}
		prev = h.Time
	}
}

// TestDevChainBurst sends many transactions at once, from several senders: all are mined quickly
// and the block clock does not run ahead of wall time.
func TestDevChainBurst(t *testing.T) {
	ctx := context.Background()
	dev := startDevChain(t, DevChainConfig{HTTPAddr: "127.0.0.1:0", BlockInterval: time.Hour})
	client, err := ethclient.Dial(dev.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)

	to := common.HexToAddress("0x00000000000000000000000000000000c0ffee02")
	var txs []*types.Transaction
	for _, a := range dev.Accounts()[:4] {
		for nonce := range uint64(10) {
			txs = append(txs, sendTxWithNonce(t, client, a.Key, nonce, &to, big.NewInt(1), nil, 21_000))
		}
	}
	blocks := map[uint64]bool{}
	last := new(big.Int)
	for _, tx := range txs {
		rcpt := waitMined(t, client, tx.Hash(), 3*time.Second)
		blocks[rcpt.BlockNumber.Uint64()] = true
		if rcpt.BlockNumber.Cmp(last) > 0 {
			last = rcpt.BlockNumber
		}
	}
	t.Logf("%d transactions mined in %d blocks", len(txs), len(blocks))
	head, err := client.HeaderByNumber(ctx, last)
	if err != nil {
		t.Fatal(err)
	}
	if ahead := time.Until(time.Unix(int64(head.Time), 0)); ahead > 0 {
		t.Errorf("block %d timestamp is %s ahead of wall time after a burst", last, ahead)
	}
	if got, err := client.BalanceAt(ctx, to, last); err != nil || got.Int64() != int64(len(txs)) {
		t.Errorf("recipient holds %v (%v), want %d", got, err, len(txs))
	}
}

func TestStartDevChainErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	lockedDir := t.TempDir()
	startDevChain(t, DevChainConfig{DataDir: lockedDir, HTTPAddr: "127.0.0.1:0"})

	tests := map[string]struct {
		cfg      DevChainConfig
		code     string
		contains []string
	}{
		"port in use": {
			cfg:      DevChainConfig{DataDir: t.TempDir(), HTTPAddr: busy.Addr().String()},
			code:     guildhall.EUNAVAILABLE,
			contains: []string{busy.Addr().String(), "in use", "--dev-rpc-addr"},
		},
		"bad address": {
			cfg:      DevChainConfig{HTTPAddr: "localhost"},
			code:     guildhall.EINVALID,
			contains: []string{`"localhost"`, "--dev-rpc-addr", "host:port"},
		},
		"data dir open in another chain": {
			cfg:      DevChainConfig{DataDir: lockedDir, HTTPAddr: "127.0.0.1:0"},
			code:     guildhall.EUNAVAILABLE,
			contains: []string{lockedDir, "another process"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dev, err := StartDevChain(context.Background(), tc.cfg)
			if err == nil {
				dev.Close()
				t.Fatal("StartDevChain() succeeded, want an error")
			}
			assertUserError(t, err, tc.code, tc.contains...)
		})
	}
}

// startDevChain starts a dev chain closed at the end of the test; its log is shown if the test fails.
func startDevChain(t *testing.T, cfg DevChainConfig) *DevChain {
	t.Helper()
	logs := &testlog.Buffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	dev, err := StartDevChain(context.Background(), cfg)
	if err != nil {
		t.Fatalf("StartDevChain() = %v", err)
	}
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
		if t.Failed() {
			t.Logf("dev chain log:\n%s", logs.String())
		}
	})
	return dev
}

// sendTx signs and sends an EIP-1559 transaction (a contract creation when to is nil) with the
// sender's next nonce; the sender must have nothing pending.
func sendTx(t *testing.T, c *ethclient.Client, key *ecdsa.PrivateKey, to *common.Address, value *big.Int, data []byte, gas uint64) *types.Transaction {
	t.Helper()
	nonce, err := c.PendingNonceAt(context.Background(), crypto.PubkeyToAddress(key.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return sendTxWithNonce(t, c, key, nonce, to, value, data, gas)
}

// sendTxWithNonce is sendTx with the nonce given: the pool's pending nonce lags a transaction
// just sent, so a sender of several at once counts them itself.
func sendTxWithNonce(t *testing.T, c *ethclient.Client, key *ecdsa.PrivateKey, nonce uint64, to *common.Address, value *big.Int, data []byte, gas uint64) *types.Transaction {
	t.Helper()
	ctx := context.Background()
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tip := big.NewInt(params.GWei)
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	if value == nil {
		value = new(big.Int)
	}
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(big.NewInt(DevChainID)), &types.DynamicFeeTx{
		ChainID: big.NewInt(DevChainID), Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap,
		Gas: gas, To: to, Value: value, Data: data,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SendTransaction(ctx, tx); err != nil {
		t.Fatalf("send transaction: %v", err)
	}
	return tx
}

// waitMined polls for a receipt and fails the test if none comes within limit.
func waitMined(t *testing.T, c *ethclient.Client, hash common.Hash, limit time.Duration) *types.Receipt {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		rcpt, err := c.TransactionReceipt(context.Background(), hash)
		if err == nil {
			return rcpt
		}
		if !errors.Is(err, ethereum.NotFound) {
			t.Fatalf("receipt %s: %v", hash, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("transaction %s not mined within %s", hash, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// call calls contract at block (nil: latest) and returns the word it answers.
func call(t *testing.T, c *ethclient.Client, contract common.Address, block *big.Int) int64 {
	t.Helper()
	out, err := c.CallContract(context.Background(), ethereum.CallMsg{To: &contract}, block)
	if err != nil {
		t.Fatalf("call %s: %v", contract, err)
	}
	return new(big.Int).SetBytes(out).Int64()
}

// assertUserError checks err is a one-line *guildhall.Error with code whose message contains each
// of contains.
func assertUserError(t *testing.T, err error, code string, contains ...string) {
	t.Helper()
	var ge *guildhall.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error %q (%T) is not a *guildhall.Error", err, err)
	}
	if ge.Code != code {
		t.Errorf("error code = %q, want %q (%s)", ge.Code, code, err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans several lines: %q", err)
	}
	for _, s := range contains {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
}

// commitGenesis writes genesis into dataDir's chain directory as a chain created by another
// program (or an older Guildhall) would have.
func commitGenesis(t *testing.T, dataDir string, genesis *core.Genesis) {
	t.Helper()
	stack, err := node.New(&node.Config{Name: "devchain", DataDir: filepath.Join(dataDir, "chain"), P2P: p2p.Config{NoDiscovery: true}})
	if err != nil {
		t.Fatal(err)
	}
	db, err := stack.OpenDatabaseWithOptions("chaindata", node.DatabaseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := genesis.Commit(db, triedb.NewDatabase(db, triedb.HashDefaults), nil); err != nil {
		t.Fatal(err)
	}
	if err := stack.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestStartDevChainForeignChain: a chain directory holding another chain (another genesis) is
// refused with a message saying what to do, not opened or overwritten.
func TestStartDevChainForeignChain(t *testing.T) {
	dataDir := t.TempDir()
	foreign := devGenesis(nil)
	foreign.ExtraData = []byte("some other chain")
	commitGenesis(t, dataDir, foreign)

	dev, err := StartDevChain(context.Background(), DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"})
	if err == nil {
		dev.Close()
		t.Fatal("StartDevChain() opened a foreign chain")
	}
	assertUserError(t, err, guildhall.EUNAVAILABLE, filepath.Join(dataDir, "chain"), "not the dev chain this data directory records", "move that directory away")
}

// TestDevChainGenesisIsPerChain: every new dev chain (new data dir, or in memory) has a genesis
// hash of its own, so a database bound to one refuses another; a restart keeps the hash.
func TestDevChainGenesisIsPerChain(t *testing.T) {
	ctx := context.Background()
	dirA, dirB := t.TempDir(), t.TempDir()
	identity := func(dev *DevChain) guildhall.ChainIdentity {
		t.Helper()
		id, err := Identity(ctx, dev.Client())
		if err != nil {
			t.Fatal(err)
		}
		if id.GenesisHash != dev.GenesisHash().Hex() {
			t.Errorf("the node reports genesis %s, GenesisHash() says %s", id.GenesisHash, dev.GenesisHash().Hex())
		}
		return id
	}

	devA := startDevChain(t, DevChainConfig{DataDir: dirA, HTTPAddr: "127.0.0.1:0"})
	idA := identity(devA)
	devB := startDevChain(t, DevChainConfig{DataDir: dirB, HTTPAddr: "127.0.0.1:0"})
	idB := identity(devB)
	inMemory := startDevChain(t, DevChainConfig{HTTPAddr: "127.0.0.1:0"})
	idMem := identity(inMemory)
	if idA.ChainID != DevChainID || idB.ChainID != DevChainID {
		t.Fatalf("chain ids %d, %d; want %d", idA.ChainID, idB.ChainID, DevChainID)
	}
	if idA == idB || idA == idMem || idB == idMem {
		t.Fatalf("two new dev chains share a genesis: %s (A), %s (B), %s (in memory)", idA.GenesisHash, idB.GenesisHash, idMem.GenesisHash)
	}
	if fi, err := os.Stat(devSaltPath(dirA)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("genesis salt file: %v, %v; want it recorded with mode 0600", fi, err)
	}

	// A record in B pointing at A's chain (B's own chain stopped, A's took its port) is not B's chain.
	if err := WriteDevEndpoint(dirB, devA.RPCURL()); err != nil {
		t.Fatal(err)
	}
	if url, ok := DevChainInUse(ctx, dirB); ok {
		t.Errorf("DevChainInUse(B) = %q, true for A's chain; want false", url)
	}
	if url, ok := DevChainInUse(ctx, dirA); !ok || url != devA.RPCURL() {
		t.Errorf("DevChainInUse(A) = %q, %v; want %q, true", url, ok, devA.RPCURL())
	}

	if err := devA.Close(); err != nil {
		t.Fatal(err)
	}
	again := startDevChain(t, DevChainConfig{DataDir: dirA, HTTPAddr: "127.0.0.1:0"})
	if got := identity(again); got != idA {
		t.Errorf("after a restart the chain is %+v, want %+v", got, idA)
	}
}

// TestDevChainBeforeSalts: a data directory whose chain was created before genesis salts (the
// shared genesis, no salt file) still opens, as the same chain.
func TestDevChainBeforeSalts(t *testing.T) {
	dataDir := t.TempDir()
	commitGenesis(t, dataDir, devGenesis(nil))
	dev := startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"})
	if dev.GenesisHash() != devGenesisHash(nil) {
		t.Errorf("GenesisHash() = %s, want the unsalted %s", dev.GenesisHash(), devGenesisHash(nil))
	}
	if _, err := os.Stat(devSaltPath(dataDir)); err == nil {
		t.Error("a salt was recorded for a chain that has none")
	}
	if _, ok := DevChainInUse(context.Background(), dataDir); !ok {
		t.Error("DevChainInUse() does not recognize the unsalted chain")
	}
}

// TestDevChainDamagedSalt: a salt file that is not a salt, or lost while the chain is kept, stops
// the start with one line naming the file and the fix, and the chain is left alone.
func TestDevChainDamagedSalt(t *testing.T) {
	dataDir := t.TempDir()
	dev := startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"})
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(devSaltPath(dataDir), []byte("not a salt\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if d, err := StartDevChain(context.Background(), DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"}); err == nil {
		d.Close()
		t.Fatal("StartDevChain() accepted a damaged salt")
	} else {
		assertUserError(t, err, guildhall.EUNAVAILABLE, devSaltPath(dataDir), "damaged", "move")
	}

	if err := writeDevSalt(dataDir, newDevSalt()); err != nil { // another chain's salt
		t.Fatal(err)
	}
	if d, err := StartDevChain(context.Background(), DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"}); err == nil {
		d.Close()
		t.Fatal("StartDevChain() opened a chain whose salt does not match it")
	} else {
		assertUserError(t, err, guildhall.EUNAVAILABLE, "not the dev chain this data directory records", "move that directory away")
	}
}

// TestDevChainSurvivesKill kills a process running the dev chain after one of its transactions is
// mined (no Close, as with kill -9 or a crash) and reopens the chain: the transaction and its
// block are still there.
func TestDevChainSurvivesKill(t *testing.T) {
	if dataDir := os.Getenv("GUILDHALL_TEST_DEVCHAIN_CHILD"); dataDir != "" {
		runDevChainChild(dataDir)
		return
	}
	dataDir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestDevChainSurvivesKill$")
	child.Env = append(os.Environ(), "GUILDHALL_TEST_DEVCHAIN_CHILD="+dataDir)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })

	var (
		block  uint64
		txHash string
	)
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if _, err := fmt.Sscanf(lines.Text(), "mined %d %s", &block, &txHash); err == nil {
			break
		}
	}
	if txHash == "" {
		t.Fatalf("the child process never reported a mined transaction (%v)", lines.Err())
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	dev := startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"})
	if n, err := dev.Client().BlockNumber(context.Background()); err != nil || n < block {
		t.Fatalf("after the kill BlockNumber() = %d, %v; want at least %d", n, err, block)
	}
	rcpt, err := dev.Client().TransactionReceipt(context.Background(), common.HexToHash(txHash))
	if err != nil || rcpt.BlockNumber.Uint64() != block {
		t.Fatalf("after the kill the receipt of %s is %v, %v; want one in block %d", txHash, rcpt, err, block)
	}
}

// runDevChainChild is the killed process of TestDevChainSurvivesKill: it mines a transfer,
// reports it on stdout and waits to be killed.
func runDevChainChild(dataDir string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "dev chain child:", err)
		os.Exit(1)
	}
	dev, err := StartDevChain(context.Background(), DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0", BlockInterval: time.Second})
	if err != nil {
		fail(err)
	}
	c, key := dev.Client(), dev.Accounts()[1].Key
	ctx := context.Background()
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		fail(err)
	}
	to := common.HexToAddress("0x00000000000000000000000000000000c0ffee03")
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(big.NewInt(DevChainID)), &types.DynamicFeeTx{
		ChainID: big.NewInt(DevChainID), Nonce: 0, GasTipCap: big.NewInt(params.GWei),
		GasFeeCap: new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), big.NewInt(params.GWei)),
		Gas:       21_000, To: &to, Value: big.NewInt(1),
	})
	if err != nil {
		fail(err)
	}
	if err := c.SendTransaction(ctx, tx); err != nil {
		fail(err)
	}
	var rcpt *types.Receipt
	for rcpt == nil {
		rcpt, _ = c.TransactionReceipt(ctx, tx.Hash())
		time.Sleep(10 * time.Millisecond)
	}
	// A block is flushed right after it is sealed, a moment after its receipts show: once the
	// next block shows, this one is on disk.
	for {
		if n, err := c.BlockNumber(ctx); err == nil && n > rcpt.BlockNumber.Uint64() {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("mined %d %s\n", rcpt.BlockNumber.Uint64(), tx.Hash().Hex())
	select {} // until killed
}

// TestDevChainDeletedKeepsNoOldSalt: a data directory whose chain was deleted but whose salt file
// was left gets a new chain with a new genesis, so a database bound to the old chain refuses it.
func TestDevChainDeletedKeepsNoOldSalt(t *testing.T) {
	dataDir := t.TempDir()
	dev := startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"})
	old := dev.GenesisHash()
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	chainDir := filepath.Dir(devSaltPath(dataDir))
	entries, err := os.ReadDir(chainDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != filepath.Base(devSaltPath(dataDir)) {
			if err := os.RemoveAll(filepath.Join(chainDir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	again := startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"})
	if again.GenesisHash() == old {
		t.Fatalf("a new chain in the same data directory reused the deleted chain's genesis %s", old)
	}
}
