package chain

import (
	"context"
	"errors"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
)

// The local client reads a mined transaction's receipt from the chain's database: the same
// receipt the node's JSON-RPC gives, every derived field and log included, and "not found" for a
// transaction the chain has not mined.
func TestDevChainLocalClientReceipts(t *testing.T) {
	ctx := context.Background()
	l := newLocalChain(t)
	client, local := l.client, l.local
	mint := l.mint(t, common.HexToHash("0xbeef"))
	want := waitMined(t, client, mint.Hash(), 3*time.Second)
	got, err := local.TransactionReceipt(ctx, mint.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Logs) != 10 { // three per recipient and the batch's own
		t.Errorf("%d logs in the local receipt, want 10", len(got.Logs))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("local receipt\n%+v\nwant the node's\n%+v", got, want)
	}
	if _, err := local.TransactionReceipt(ctx, common.HexToHash("0x1234")); !errors.Is(err, ethereum.NotFound) {
		t.Errorf("receipt of a transaction never sent: %v, want not found", err)
	}

	// Several transactions of one block, each asked for in turn (the block's receipts are read
	// together once): every one is the node's, with its own index, gas and log positions.
	shared := false
	for round := 0; round < 3 && !shared; round++ {
		nonce, err := client.PendingNonceAt(ctx, l.op.Address)
		if err != nil {
			t.Fatal(err)
		}
		var sent []*types.Transaction
		for i := range 3 { // sent at once: the pool's pending nonce lags each
			sent = append(sent, l.mintWithNonce(t, common.BigToHash(big.NewInt(int64(0x100*(round+1)+i))), nonce+uint64(i)))
		}
		blocks := map[uint64]int{}
		for _, tx := range sent {
			want := waitMined(t, client, tx.Hash(), 3*time.Second)
			got, err := local.TransactionReceipt(ctx, tx.Hash())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("local receipt of transaction %d of block %d\n%+v\nwant the node's\n%+v", want.TransactionIndex, want.BlockNumber, got, want)
			}
			if blocks[want.BlockNumber.Uint64()]++; blocks[want.BlockNumber.Uint64()] > 1 {
				shared = true
			}
		}
	}
	if !shared {
		t.Fatal("no two mints landed in one block in three tries: the test proves nothing")
	}
}

// The local client reads a range's logs from the chain's database: the logs the node's eth_getLogs
// gives for the same query, and, under a bound, the logs of whole blocks only, the first always
// read (as HTTPLogs' FilterLogsUpTo cuts an answer).
func TestDevChainLocalClientLogs(t *testing.T) {
	ctx := context.Background()
	l := newLocalChain(t)
	client, local, dep := l.client, l.local, l.dep
	var blocks []uint64
	for i := range 3 {
		mint := l.mint(t, common.BigToHash(big.NewInt(int64(i+1))))
		blocks = append(blocks, waitMined(t, client, mint.Hash(), 3*time.Second).BlockNumber.Uint64())
	}
	if blocks[0] == blocks[1] || blocks[1] == blocks[2] {
		t.Fatalf("mints in blocks %v, want one per block", blocks)
	}
	q := ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(dep.Block), ToBlock: new(big.Int).SetUint64(blocks[2]),
		Addresses: []common.Address{dep.Token, dep.Governor}}
	want, err := client.FilterLogs(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	got, err := local.FilterLogs(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 30 {
		t.Errorf("%d logs in the range, want the deployment's and 10 per mint", len(got))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("local logs differ from the node's: %d vs %d logs", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("log %d:\n%+v\nwant\n%+v", i, got[i], want[i])
			}
		}
	}
	topics := ethereum.FilterQuery{FromBlock: q.FromBlock, ToBlock: q.ToBlock, Addresses: []common.Address{dep.Token},
		Topics: [][]common.Hash{{want[len(want)-1].Topics[0]}}}
	wantTopic, err := client.FilterLogs(ctx, topics)
	if err != nil {
		t.Fatal(err)
	}
	if gotTopic, err := local.FilterLogs(ctx, topics); err != nil || !reflect.DeepEqual(gotTopic, wantTopic) || len(gotTopic) < 3 {
		t.Errorf("logs of one topic: %d logs (err %v), want the node's %d", len(gotTopic), err, len(wantTopic))
	}

	upTo := local.(interface {
		FilterLogsUpTo(context.Context, ethereum.FilterQuery, int, int64) ([]types.Log, uint64, error)
	})
	mints := ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(blocks[0]), ToBlock: new(big.Int).SetUint64(blocks[2]),
		Addresses: []common.Address{dep.Token}}
	for _, c := range []struct {
		name     string
		maxLogs  int
		maxBytes int64
		through  uint64
	}{
		{"no bound", 0, 0, blocks[2]},
		{"15 logs: the first block's 10", 15, 0, blocks[0]},
		{"5 logs: the first block whole", 5, 0, blocks[0]},
		{"20 logs: two blocks", 20, 0, blocks[1]},
		{"bytes of 1.5 blocks", 0, 15 * 420, blocks[0]},
	} {
		logs, through, err := upTo.FilterLogsUpTo(ctx, mints, c.maxLogs, c.maxBytes)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if through != c.through {
			t.Errorf("%s: through block %d, want %d", c.name, through, c.through)
		}
		var whole []types.Log
		for _, l := range want {
			if l.Address == dep.Token && l.BlockNumber >= blocks[0] && l.BlockNumber <= through {
				whole = append(whole, l)
			}
		}
		if !reflect.DeepEqual(logs, whole) {
			t.Errorf("%s: %d logs, want the %d of blocks %d..%d", c.name, len(logs), len(whole), blocks[0], through)
		}
	}
	beyond := ethereum.FilterQuery{FromBlock: q.FromBlock, ToBlock: new(big.Int).SetUint64(blocks[2] + 1000)}
	if _, _, err := upTo.FilterLogsUpTo(ctx, beyond, 0, 0); err == nil {
		t.Error("a range beyond the head was answered")
	}
}

// localChain is a dev chain with a community deployed, its node client and its local client.
type localChain struct {
	client *ethclient.Client
	local  Client
	op     DevAccount
	dep    *Deployment
}

func newLocalChain(t *testing.T) *localChain {
	t.Helper()
	dev := startDevChain(t, DevChainConfig{HTTPAddr: "127.0.0.1:0", BlockInterval: time.Second})
	l := &localChain{client: dev.Client(), local: dev.LocalClient(), op: dev.Accounts()[0]}
	dep, err := (&Deployer{Client: l.client, Key: l.op.Key}).Deploy(context.Background(), CommunitySpec{Name: "Local", Symbol: "LCL",
		Settings: guildhall.DefaultGovernanceSettings(), Operator: l.op.Address})
	if err != nil {
		t.Fatal(err)
	}
	l.dep = dep
	return l
}

// mint sends a mintBatch of 1, 2 and 3 to three recipients under batch id.
func (l *localChain) mint(t *testing.T, id common.Hash) *types.Transaction {
	t.Helper()
	return sendTx(t, l.client, l.op.Key, &l.dep.Token, nil, mintBatchOf(id), 2_000_000)
}

// mintWithNonce is mint with the nonce given (see sendTxWithNonce).
func (l *localChain) mintWithNonce(t *testing.T, id common.Hash, nonce uint64) *types.Transaction {
	t.Helper()
	return sendTxWithNonce(t, l.client, l.op.Key, nonce, &l.dep.Token, nil, mintBatchOf(id), 2_000_000)
}

// mintBatchOf is the calldata of a mintBatch of 1, 2 and 3 to three recipients under batch id.
func mintBatchOf(id common.Hash) []byte {
	to := []common.Address{common.HexToAddress("0x01"), common.HexToAddress("0x02"), common.HexToAddress("0x03")}
	amounts := []*big.Int{big.NewInt(1), big.NewInt(2), big.NewInt(3)}
	return guildtoken.NewGuildToken().PackMintBatch(id, to, amounts)
}
