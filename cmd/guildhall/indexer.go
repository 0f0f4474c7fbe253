package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
)

// indexerConfig is the indexer's configuration for serve: the dev chain polls faster (its blocks
// come at most a second apart and never reorg), and the dev chain this process runs is read in
// larger batches (indexer.LocalTargetLogs); a node's blocks dense with the communities' logs are
// read block by block (indexer.DefaultBlockByBlock).
func indexerConfig(cc *chainConn, finality chain.Finality, pollInterval time.Duration, registry prometheus.Registerer) indexer.Config {
	if pollInterval <= 0 {
		pollInterval = 2 * time.Second
		if cc.devMode {
			pollInterval = 500 * time.Millisecond
		}
	}
	cfg := indexer.Config{
		FinalityDepth: finality.Depth,
		FinalizedTag:  finality.Tag,
		PollInterval:  pollInterval,
		Metrics:       indexer.NewMetrics(registry),
	}
	if cc.dev != nil { // read in the process (indexerClient)
		cfg.TargetLogs = indexer.LocalTargetLogs
	} else {
		cfg.BlockByBlock = indexer.DefaultBlockByBlock
	}
	return cfg
}

// startIndexer runs the indexer until ctx ends or stop is called; stop returns once it has ended. Only one
// indexer runs per database: a second serve waits for the lock. A reorg deeper than the finality
// depth stops the indexer (the API keeps serving the index as of its last block, and the
// guildhall_indexer_stopped metric says so).
func startIndexer(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn, cfg indexer.Config, leaders *leadership) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	cfg.Logger = log
	ix := indexer.New(indexerClient(cc), postgres.NewIndexWriter(db), cfg)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := lead(ctx, log.With("component", "indexer"), jobIndexer, leaders.track(jobIndexer, db.LockIndexer), ix.Run); err != nil {
			if errors.Is(err, indexer.ErrDeepReorg) {
				log.Error("the indexer stopped; reads stay at its last block until it is restarted", "err", err)
				return
			}
			log.Error("indexer failed", "err", err)
		}
	}()
	return func() { cancel(); wg.Wait() }
}

// indexerClient is the client the indexer reads the chain through. On the dev chain this process
// runs, logs are read from the chain's database (chain.DevChain.LocalClient); from a node, with
// eth_getLogs over plain HTTP and one-pass decoding, its hot path (see chain.HTTPLogs); a
// websocket or in-process URL keeps the client as it is.
func indexerClient(cc *chainConn) indexer.Client {
	if cc.dev != nil {
		return cc.dev.LocalClient()
	}
	if fast, err := chain.HTTPLogs(cc.client, cc.rpcURL); err == nil {
		return fast
	}
	return cc.client
}
