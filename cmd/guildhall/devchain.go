package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/chain"
)

func runDevchain(ctx context.Context, args []string, e *env) error {
	var (
		c             commonFlags
		devRPCAddr    string
		blockInterval time.Duration
	)
	fs := newFlagSet(e, "devchain", "devchain [flags]")
	c.registerChainOnly(fs)
	fs.StringVar(&devRPCAddr, "dev-rpc-addr", chain.DefaultDevRPCAddr, "address of the dev chain's JSON-RPC")
	fs.DurationVar(&blockInterval, "block-interval", chain.DefaultDevBlockInterval, "seal an empty block after this long without one")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	log := c.logger(e)
	d, err := chain.StartDevChain(ctx, chain.DevChainConfig{
		DataDir: c.dataDir, HTTPAddr: devRPCAddr, BlockInterval: blockInterval, Logger: log.With("component", "devchain"),
	})
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(e.stdout, "\nGuildhall dev chain: %s  chain id %d  genesis %s  data %s/chain\n", d.RPCURL(), chain.DevChainID, d.GenesisHash().Hex(), c.dataDir)
	fmt.Fprint(e.stdout, "\nDev accounts, 10,000 ETH each. Their keys are PUBLIC: dev chain only, never a real network.\n")
	for i, a := range d.Accounts() {
		fmt.Fprintf(e.stdout, "  #%d %s  key 0x%x\n", i, a.Address.Hex(), crypto.FromECDSA(a.Key))
	}
	fmt.Fprint(e.stdout, "\nStop with Ctrl-C.\n")
	<-ctx.Done()
	return nil
}
