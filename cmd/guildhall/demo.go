package main

import (
	"context"
	"crypto/ecdsa"
	"log/slog"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/demo"
	"github.com/guildhall/guildhall/postgres"
)

// demoChainStart is where serve starts a new dev chain's clock: months in the past with the demo
// on, so the demo community's history can be laid down with real block times; zero (the wall
// clock) with --demo=false. A chain that already exists ignores it.
func demoChainStart(o *serveOptions) time.Time {
	if !o.demo {
		return time.Time{}
	}
	return demo.Start(time.Now())
}

// seedDemo lays down the history of the demo community serve has just deployed (com; nil when
// serve deployed none), when the dev chain started in the past for it (a fresh data directory),
// and waits until the indexer has caught up with it. It needs this process's minter and indexer
// (runsJobs); on a chain already on the wall clock the demo community stays empty. The dev chain
// runs on the wall clock when seedDemo returns.
func seedDemo(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn, com *guildhall.Community, runsJobs bool) error {
	if com != nil && !runsJobs {
		log.Info("demo: this process runs no minter or indexer (--role api), so the demo community starts empty; its history needs --role all on a fresh --data-dir")
		com = nil
	}
	if cc.dev == nil || !cc.dev.Behind() {
		if com != nil {
			log.Info("demo: the dev chain already runs on the wall clock, so the demo community starts empty; its history needs a fresh --data-dir")
		}
		return nil
	}
	// Whatever happens, the chain goes back to the wall clock before serve goes on or stops.
	defer func() { _ = cc.dev.CatchUp(context.WithoutCancel(ctx)) }()
	if com == nil {
		return nil
	}
	log.Info("demo: laying down the demo community's history (first start only)", "days", demo.HistoryDays)
	accounts := chain.DevAccounts()
	sum, err := demo.Seed(ctx, demo.Config{
		Community: com, Rewards: postgres.NewRewardsStore(db), Client: cc.client, Clock: cc.dev,
		Faucet:  accounts[9].Key,
		DevKeys: []*ecdsa.PrivateKey{accounts[1].Key, accounts[2].Key, accounts[3].Key},
		Logger:  log,
	})
	if err != nil && ctx.Err() != nil {
		// Stopped (Ctrl-C) while laying it down: serve shuts down as usual.
		log.Warn("demo: stopped while laying down the history; it stays partial (a fresh --data-dir lays down a whole one)")
		return nil
	}
	if err != nil {
		return err
	}
	log.Info("demo: history laid down", "took", sum.Took.Round(100*time.Millisecond), "members", sum.Members, "rewards", sum.Rewards,
		"transfers", sum.Transfers, "delegations", sum.Delegations, "proposals", sum.Proposals, "votes", sum.Votes)
	if sum.Open != nil {
		log.Info("demo: a proposal is open for votes; vote on it with dev account #1 (its key is printed below)", "proposal", sum.Open.String(), "account", sum.Voter)
	}
	return waitIndexed(ctx, log, db, cc)
}

// waitIndexed waits (up to two minutes) until the indexer has reached the chain's head, so the
// first reads after the banner show the whole history.
func waitIndexed(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn) error {
	began := time.Now()
	head, err := cc.client.BlockNumber(ctx)
	if err != nil {
		return err
	}
	for time.Since(began) < 2*time.Minute {
		cursor, err := postgres.NewIndexWriter(db).IndexCursor(ctx)
		if err != nil {
			return err
		}
		if cursor != nil && cursor.Number >= head {
			log.Info("demo: history indexed", "block", cursor.Number, "took", time.Since(began).Round(100*time.Millisecond))
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	log.Warn("demo: the indexer is still catching up with the history; figures fill in as it goes", "head", head)
	return nil
}
