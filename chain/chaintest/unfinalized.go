package chaintest

import (
	"testing"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
)

// UnfinalizedNode starts a go-ethereum node that no consensus client drives, with JSON-RPC over
// HTTP on a free local port, and returns its URL; it stops when t ends. Its chain stays at the
// genesis and it names no finalized block (eth_getBlockByNumber "finalized" answers "finalized
// block not found"), as a node of a chain without a finality gadget, or one not yet finalizing,
// does.
func UnfinalizedNode(t testing.TB) (rpcURL string) {
	t.Helper()
	stack, err := node.New(&node.Config{
		HTTPHost: "127.0.0.1", HTTPPort: 0, HTTPModules: []string{"eth", "net", "web3"},
		P2P: p2p.Config{MaxPeers: 0, NoDial: true, NoDiscovery: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stack.Close() })
	conf := ethconfig.Defaults
	conf.Genesis = core.DeveloperGenesisBlock(30_000_000, nil)
	conf.NetworkId = conf.Genesis.Config.ChainID.Uint64()
	conf.SyncMode = ethconfig.FullSync
	if _, err := eth.New(stack, &conf); err != nil {
		t.Fatal(err)
	}
	if err := stack.Start(); err != nil {
		t.Fatal(err)
	}
	return stack.HTTPEndpoint()
}
