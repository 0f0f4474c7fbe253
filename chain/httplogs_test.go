package chain_test

import (
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
)

// HTTPLogs answers eth_getLogs from a real node exactly as go-ethereum's client does.
func TestHTTPLogsMatchesGoEthereumClient(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dev, err := chain.StartDevChain(ctx, chain.DevChainConfig{HTTPAddr: "127.0.0.1:0", BlockInterval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	key := chain.DevAccounts()[0].Key
	if _, err := (&chain.Deployer{Client: dev.Client(), Key: key}).Deploy(ctx, chain.CommunitySpec{
		Name: "Logs", Symbol: "LOGS", Settings: guildhall.DefaultGovernanceSettings(), Operator: crypto.PubkeyToAddress(key.PublicKey),
	}); err != nil {
		t.Fatal(err)
	}
	rpc, err := ethclient.Dial(dev.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	defer rpc.Close()
	fast, err := chain.HTTPLogs(rpc, dev.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	head, err := rpc.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// both asks HTTPLogs and go-ethereum's client.
	both := func(q ethereum.FilterQuery) (got, want []types.Log) {
		t.Helper()
		want, err := rpc.FilterLogs(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err = fast.FilterLogs(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return got, want
	}
	q := ethereum.FilterQuery{FromBlock: big.NewInt(0), ToBlock: new(big.Int).SetUint64(head)}
	got, want := both(q)
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("HTTPLogs returned %d logs, go-ethereum's client %d (or they differ)", len(got), len(want))
	}
	// By block hash: each block's logs, as go-ethereum's client reads them and as the range had them.
	byBlock := map[common.Hash][]types.Log{}
	for _, l := range want {
		byBlock[l.BlockHash] = append(byBlock[l.BlockHash], l)
	}
	for hash, inRange := range byBlock {
		got, want := both(ethereum.FilterQuery{BlockHash: &hash})
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(got, inRange) {
			t.Fatalf("block %s: HTTPLogs returned %d logs by hash, go-ethereum's client %d, the range %d (or they differ)", hash, len(got), len(want), len(inRange))
		}
	}
	if _, err := fast.FilterLogs(ctx, ethereum.FilterQuery{BlockHash: &common.Hash{1}}); err == nil {
		t.Fatal("no error for an unknown block hash")
	}
	// A range past the head is the node's error, as through go-ethereum's client.
	q.ToBlock = new(big.Int).SetUint64(head + 1000)
	if _, err := fast.FilterLogs(ctx, q); err == nil {
		t.Fatal("no error for a range past the head")
	}
	if _, err := chain.HTTPLogs(rpc, "ws://127.0.0.1:1"); err == nil {
		t.Fatal("HTTPLogs took a websocket URL")
	}
}
