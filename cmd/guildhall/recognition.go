package main

import (
	"context"
	"crypto/ecdsa"
	"log/slog"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/webhook"
)

// recognitionInterval is how often serve evaluates every community's recognition rules: levels,
// roles and badges follow the index and the ledger within this long.
const recognitionInterval = 2 * time.Second

// startRecognition evaluates every community's recognition (postgres.RecognitionStore.Evaluate)
// and delivers the webhooks' due events every interval until ctx ends or stop is called; stop
// returns once the loop has ended.
// Only one serve process runs the loop at a time (the recognition lock); the others wait to take over.
func startRecognition(ctx context.Context, log *slog.Logger, db *postgres.DB, operatorKey *ecdsa.PrivateKey, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	log = log.With("component", "recognition")
	operator := crypto.PubkeyToAddress(operatorKey.PublicKey).Hex()
	store, err := postgres.NewRecognitionStore(db).WithSecretKey(postgres.SecretKey(crypto.FromECDSA(operatorKey)))
	if err != nil {
		panic(err) // SecretKey is always 32 bytes
	}
	communities := postgres.NewCommunityStore(db)
	deliverer := webhook.New(store, webhook.Config{Logger: log})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// One process evaluates and delivers at a time, so each webhook's deliveries stay in order.
		_ = lead(ctx, log, "recognition", db.LockRecognition, func(held context.Context) error {
			t := time.NewTicker(interval)
			defer t.Stop()
			for {
				evaluateAll(held, log, store, communities, operator)
				if err := deliverer.Round(held); err != nil && held.Err() == nil {
					log.Warn("deliver webhooks", "err", err)
				}
				select {
				case <-held.Done():
					return nil
				case <-t.C:
				}
			}
		})
	}()
	return func() { cancel(); wg.Wait() }
}

// evaluateAll evaluates each community once; a community not indexed yet waits for the next round.
func evaluateAll(ctx context.Context, log *slog.Logger, store *postgres.RecognitionStore, communities *postgres.CommunityStore, operator string) {
	after := ""
	for ctx.Err() == nil {
		page, err := communities.Communities(ctx, after, 100)
		if err != nil {
			log.Warn("list communities", "err", err)
			return
		}
		for _, c := range page {
			ev, err := store.Evaluate(ctx, health.Scope{Community: c.ID, Operator: operator})
			switch {
			case guildhall.ErrorCode(err) == guildhall.EUNAVAILABLE || ctx.Err() != nil:
			case err != nil:
				log.Warn("evaluate recognition", "community", c.ID, "err", err)
			case ev.Events > 0 || ev.Withdrawn > 0:
				log.Info("recognition changed", "community", c.ID, "block", ev.AsOf.Number, "events", ev.Events, "withdrawn", ev.Withdrawn)
			}
		}
		if len(page) < 100 {
			return
		}
		after = page[len(page)-1].ID
	}
}
