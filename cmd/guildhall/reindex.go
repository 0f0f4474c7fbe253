package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
)

// runReindex rebuilds one community's indexed and derived tables from the chain while serve goes
// on serving from the old ones, then swaps them in (see postgres.Reindex and indexer.Rebuild).
func runReindex(ctx context.Context, args []string, e *env) error {
	var (
		c             commonFlags
		community     string
		finalityDepth uint64
		fresh         bool
	)
	fs := newFlagSet(e, "reindex", "reindex --community ID [flags]\n\n"+
		"Rebuilds a community's indexed and derived tables (token events, balances, delegations and\n"+
		"voting power, proposals, votes, governance settings, the chain side of the activity days)\n"+
		"from the chain into a schema of its own while serve keeps serving and indexing, then swaps\n"+
		"them in with one transaction at the live indexer's block. The reward ledger, issuers, rules\n"+
		"and idempotency keys are not touched (the chain cannot rebuild them). Interrupted, it changes\n"+
		"nothing; run it again to resume.")
	c.register(fs, true)
	c.markUnused(fs, []string{"operator-keystore", "operator-passphrase-file"})
	fs.StringVar(&community, "community", "", "the community to rebuild (required)")
	fs.Uint64Var(&finalityDepth, "finality-depth", 0, "blocks below the head before a block is final, as serve has it (default: 2 on the dev chain, 64 otherwise)")
	fs.BoolVar(&fresh, "fresh", false, "discard what an interrupted reindex of the community left and start again from its deployment block")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if community == "" {
		return usageError(fs, "--community is required")
	}
	log := c.logger(e)
	db, _, err := openCommunity(ctx, &c, log, community)
	if err != nil {
		return err
	}
	defer db.Close()
	cc, err := c.openChain(ctx, e, log, devChainOptions{httpAddr: "127.0.0.1:0"}, false)
	if err != nil {
		return err
	}
	defer cc.Close()
	if err := bindChain(ctx, db, cc); err != nil {
		return err
	}
	if finalityDepth == 0 {
		finalityDepth = defaultFinalityDepth(cc)
	}
	r, err := db.StartReindex(ctx, community, fresh, log)
	if err != nil {
		return err
	}
	defer r.Close()
	cfg := indexerConfig(cc, chain.Finality{Depth: finalityDepth}, 0, nil)
	cfg.Logger = log.With("community", community)
	start := time.Now()
	if err := indexer.Rebuild(ctx, indexerClient(cc), r.Shadow(), r, cfg); err != nil {
		if ctx.Err() != nil {
			return guildhall.Errorf(guildhall.EUNAVAILABLE, "reindex of community %q interrupted: the live index is unchanged; run it again to resume", community)
		}
		return fmt.Errorf("reindex of community %q: %w (the live index is unchanged; run it again to resume, or with --fresh to start over)", community, err)
	}
	if err := r.Drop(context.WithoutCancel(ctx)); err != nil {
		log.Warn("the rebuilt index is swapped in, but its shadow schema could not be dropped", "schema", postgres.ReindexSchema(community), "err", err)
	}
	fmt.Fprintf(e.stdout, "rebuilt community %q from the chain and swapped it in at block %d (%s) in %s (the live indexer waited %s): %s\n",
		community, r.At.Number, r.At.Hash.Hex(), time.Since(start).Round(time.Millisecond), r.Held.Round(time.Millisecond), changesSummary(r.Changes))
	return nil
}

// changesSummary says what a swap changed, table by table ("no row changed" when nothing did).
func changesSummary(changes []postgres.TableChange) string {
	var parts []string
	for _, c := range changes {
		if c.Deleted+c.Updated+c.Inserted > 0 {
			parts = append(parts, fmt.Sprintf("%s %d deleted, %d updated, %d inserted", c.Table, c.Deleted, c.Updated, c.Inserted))
		}
	}
	if len(parts) == 0 {
		return "no row changed"
	}
	return strings.Join(parts, "; ")
}
