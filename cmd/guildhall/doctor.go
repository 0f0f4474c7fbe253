package main

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/postgres"
)

// stuckBatchAge is how long a mint batch may stay unconfirmed before doctor calls it stuck: far
// longer than a healthy minter takes (seconds) and than a fee bump (20 s).
const stuckBatchAge = 10 * time.Minute

// doctor runs the operator's checks, one line each.
type doctor struct {
	db       *postgres.DB
	cc       *chainConn
	operator common.Address
	maxLag   uint64
	failed   int
	out      func(format string, args ...any)
}

func runDoctor(ctx context.Context, args []string, e *env) error {
	var (
		c        commonFlags
		operator string
		maxLag   uint64
	)
	fs := newFlagSet(e, "doctor", "doctor [flags]")
	c.register(fs, true)
	fs.StringVar(&operator, "operator", "", "the operator's address (default: the operator key's: dev account 0 on the dev chain, else GUILDHALL_OPERATOR_KEY or --operator-keystore)")
	fs.Uint64Var(&maxLag, "max-index-lag", 30, "the indexer check fails when it is more than this many blocks behind the head")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if operator != "" && (!common.IsHexAddress(operator) || !strings.HasPrefix(strings.ToLower(operator), "0x")) {
		return usageError(fs, "--operator must be a 0x-prefixed 20-byte hex address, not %q", operator)
	}
	log := c.logger(e)
	d := &doctor{maxLag: maxLag, out: func(format string, args ...any) { fmt.Fprintf(e.stdout, format+"\n", args...) }}

	db, _, err := c.openDatabase(ctx, log, false)
	if err != nil {
		d.report("database", "", err)
		return d.verdict()
	}
	defer db.Close()
	d.db = db
	if !d.check(ctx, "database", d.checkDatabase) {
		return d.verdict()
	}
	cc, err := c.openChain(ctx, e, log, devChainOptions{httpAddr: "127.0.0.1:0"}, operator == "" && c.rpcURL != "")
	if err != nil {
		d.report("chain", "", err)
		return d.verdict()
	}
	defer cc.Close()
	d.cc = cc
	d.operator = common.HexToAddress(operator)
	if operator == "" {
		d.operator = crypto.PubkeyToAddress(cc.operator.PublicKey)
	}
	if !d.check(ctx, "chain", d.checkChain) {
		return d.verdict()
	}
	d.check(ctx, "operator", d.checkOperator)
	d.check(ctx, "indexer", d.checkIndexer)
	d.check(ctx, "mint batches", d.checkBatches)
	d.checkCommunities(ctx)
	return d.verdict()
}

// check runs one check and prints its line; it reports whether it passed.
func (d *doctor) check(ctx context.Context, name string, run func(context.Context) (string, error)) bool {
	detail, err := run(ctx)
	return d.report(name, detail, err)
}

// report prints one check's line and reports whether it passed.
func (d *doctor) report(name, detail string, err error) bool {
	if err != nil {
		d.failed++
		d.out("FAIL  %-18s %s", name, oneLine(err))
		return false
	}
	d.out("ok    %-18s %s", name, detail)
	return true
}

func (d *doctor) verdict() error {
	if d.failed > 0 {
		return guildhall.Errorf(guildhall.EUNAVAILABLE, "%d check(s) failed", d.failed)
	}
	return nil
}

func (d *doctor) checkDatabase(ctx context.Context) (string, error) {
	states, dirty, err := d.db.MigrationStatus(ctx)
	if err != nil {
		return "", err
	}
	applied := 0
	for _, s := range states {
		if s.Applied {
			applied++
		}
	}
	switch {
	case dirty:
		return "", fmt.Errorf("a migration failed half-way (the database is dirty); see `guildhall migrate status`")
	case applied < len(states):
		return "", fmt.Errorf("%d of %d migrations applied; run `guildhall migrate up` (serve does it on start)", applied, len(states))
	}
	return fmt.Sprintf("reachable; all %d migrations applied", len(states)), nil
}

func (d *doctor) checkChain(ctx context.Context) (string, error) {
	have, err := postgres.NewCommunityStore(d.db).ChainIdentity(ctx)
	if err != nil {
		return "", err
	}
	id := d.cc.identity
	switch {
	case have == nil:
		return fmt.Sprintf("chain %d; the database is not bound to a chain yet (serve binds it)", id.ChainID), nil
	case have.ChainID != id.ChainID || !strings.EqualFold(have.GenesisHash, id.GenesisHash):
		return "", fmt.Errorf("the database belongs to chain %d (genesis %s), the node serves chain %d (genesis %s)",
			have.ChainID, have.GenesisHash, id.ChainID, id.GenesisHash)
	}
	return fmt.Sprintf("chain %d, genesis %s matches the database", id.ChainID, id.GenesisHash), nil
}

func (d *doctor) checkOperator(ctx context.Context) (string, error) {
	bal, err := d.cc.client.BalanceAt(ctx, d.operator, nil)
	if err != nil {
		return "", fmt.Errorf("read the operator's balance: %w", err)
	}
	if bal.Sign() == 0 {
		return "", fmt.Errorf("the operator %s holds no ETH: it cannot pay for mints or relays; fund it", d.operator.Hex())
	}
	return fmt.Sprintf("%s holds %s ETH", d.operator.Hex(), ether(bal)), nil
}

func (d *doctor) checkIndexer(ctx context.Context) (string, error) {
	head, err := d.cc.client.BlockNumber(ctx)
	if err != nil {
		return "", fmt.Errorf("read the chain head: %w", err)
	}
	cursor, err := postgres.NewIndexWriter(d.db).IndexCursor(ctx)
	switch {
	case err != nil:
		return "", err
	case cursor == nil:
		return "", fmt.Errorf("nothing indexed yet (head %d): is a serve process running?", head)
	case head > cursor.Number+d.maxLag:
		return "", fmt.Errorf("%d blocks behind the head (at %d of %d): is the leading indexer running?", head-cursor.Number, cursor.Number, head)
	}
	return fmt.Sprintf("at block %d of %d", cursor.Number, head), nil
}

func (d *doctor) checkBatches(ctx context.Context) (string, error) {
	batches, err := postgres.NewBatchStore(d.db, postgres.NewMintIndex(d.db)).UnconfirmedBatches(ctx)
	if err != nil {
		return "", err
	}
	stuck := 0
	for _, b := range batches {
		if time.Since(b.CreatedAt) > stuckBatchAge {
			stuck++
		}
	}
	if stuck > 0 {
		return "", fmt.Errorf("%d of %d unconfirmed batches are older than %s: see serve's log for why they cannot mint (guildhall_minter_batch_failures_total)",
			stuck, len(batches), stuckBatchAge)
	}
	return fmt.Sprintf("%d unconfirmed, none older than %s", len(batches), stuckBatchAge), nil
}

// checkCommunities checks each community's contracts, one line per community.
func (d *doctor) checkCommunities(ctx context.Context) {
	store := postgres.NewCommunityStore(d.db)
	for after := ""; ; {
		page, err := store.Communities(ctx, after, 100)
		if err != nil {
			d.report("communities", "", err)
			return
		}
		for _, com := range page {
			dep := chain.Deployment{Token: common.HexToAddress(com.TokenAddress), Governor: common.HexToAddress(com.GovernorAddress), Timelock: common.HexToAddress(com.TimelockAddress)}
			problems, err := chain.CheckWiring(ctx, d.cc.client, dep, d.operator)
			if err == nil && len(problems) > 0 {
				err = fmt.Errorf("%s", strings.Join(problems, "; "))
			}
			d.report("community "+com.ID, "token, governor and timelock wired; the operator may mint", err)
		}
		if len(page) < 100 {
			return
		}
		after = page[len(page)-1].ID
	}
}

// ether renders wei as ETH with up to 6 decimals.
func ether(wei *big.Int) string {
	f := new(big.Float).Quo(new(big.Float).SetInt(wei), big.NewFloat(params.Ether))
	return strings.TrimRight(strings.TrimRight(f.Text('f', 6), "0"), ".")
}
