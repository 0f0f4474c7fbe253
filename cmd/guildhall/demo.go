package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/demo"
	"github.com/guildhall/guildhall/health"
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
	rec := demoRecognition(db, cc, com)
	sum, err := demo.Seed(ctx, demo.Config{
		Community: com, Rewards: postgres.NewRewardsStore(db), Client: cc.client, Clock: cc.dev,
		Faucet:   accounts[9].Key,
		DevKeys:  []*ecdsa.PrivateKey{accounts[1].Key, accounts[2].Key, accounts[3].Key},
		Logger:   log,
		AfterDay: rec.AfterDay,
	})
	if err != nil && ctx.Err() != nil {
		// Stopped (Ctrl-C) while laying it down: serve shuts down as usual.
		log.Warn("demo: stopped while laying down the history; it stays partial (a fresh --data-dir lays down a whole one)")
		return nil
	}
	if err != nil {
		return err
	}
	log.Info("demo: history laid down", "took", sum.Took.Round(100*time.Millisecond), "blocks", sum.Blocks, "spent", sum.Spent, "members", sum.Members, "rewards", sum.Rewards,
		"transfers", sum.Transfers, "delegations", sum.Delegations, "proposals", sum.Proposals, "votes", sum.Votes,
		"referred", sum.Referred, "referrals_paid", sum.ReferralsPaid,
		"recognition_decisions", rec.Decisions, "recognition_events", rec.Events)
	if sum.Open != nil {
		log.Info("demo: a proposal is open for votes; vote on it with dev account #1 (its key is printed below)", "proposal", sum.Open.String(), "account", sum.Voter)
	}
	return waitIndexed(ctx, log, db, cc)
}

// demoRecognition is the demo's recognition history: its rules, decided by the recognition engine
// as the history's weeks pass, each time once the indexer has caught up with the chain.
func demoRecognition(db *postgres.DB, cc *chainConn, com *guildhall.Community) *demo.Recognition {
	return &demo.Recognition{
		Store: postgres.NewRecognitionStore(db),
		Scope: health.Scope{Community: com.ID, Operator: crypto.PubkeyToAddress(cc.operator.PublicKey).Hex()},
		Indexed: func(ctx context.Context) error {
			head, err := indexedHead(ctx, db, cc, time.Minute, 20*time.Millisecond)
			if err == nil && head == 0 {
				err = fmt.Errorf("demo: the indexer has not reached the chain's head within a minute")
			}
			return err
		},
	}
}

// waitIndexed waits (up to two minutes) until the indexer has reached the chain's head, so the
// first reads after the banner show the whole history.
func waitIndexed(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn) error {
	began := time.Now()
	head, err := indexedHead(ctx, db, cc, 2*time.Minute, 200*time.Millisecond)
	switch {
	case err != nil:
		return err
	case head == 0:
		log.Warn("demo: the indexer is still catching up with the history; figures fill in as it goes")
	default:
		log.Info("demo: history indexed", "block", head, "took", time.Since(began).Round(100*time.Millisecond))
	}
	return nil
}

// indexedHead waits (up to limit, polling every poll) until the indexer has reached the chain's
// head as it is now, and returns that head; 0 when the limit passed first.
func indexedHead(ctx context.Context, db *postgres.DB, cc *chainConn, limit, poll time.Duration) (uint64, error) {
	head, err := cc.client.BlockNumber(ctx)
	if err != nil {
		return 0, err
	}
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); {
		cursor, err := postgres.NewIndexWriter(db).IndexCursor(ctx)
		if err != nil {
			return 0, err
		}
		if cursor != nil && cursor.Number >= head {
			return head, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(poll):
		}
	}
	return 0, nil
}
