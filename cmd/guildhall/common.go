package main

import (
	"context"
	"crypto/ecdsa"
	"flag"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/localpg"
	"github.com/guildhall/guildhall/postgres"
)

// commonFlags are the settings every command shares.
type commonFlags struct {
	dataDir                string
	databaseURL            string
	pgPort                 int
	rpcURL                 string
	logFormat              string
	logLevel               string
	operatorKeystore       string
	operatorPassphraseFile string
}

// register adds the shared flags; withChain adds the chain and operator-key flags too.
func (c *commonFlags) register(fs *flag.FlagSet, withChain bool) {
	fs.StringVar(&c.dataDir, "data-dir", "./.guildhall", "directory for the local PostgreSQL cluster and the dev chain")
	fs.StringVar(&c.databaseURL, "database-url", "", "PostgreSQL URL (default: the local cluster under --data-dir, started if needed)")
	fs.IntVar(&c.pgPort, "pg-port", localpg.DefaultPort, "port of the local PostgreSQL cluster (when --database-url is not set)")
	c.registerLogs(fs)
	if !withChain {
		return
	}
	fs.StringVar(&c.rpcURL, "rpc-url", "", "JSON-RPC URL of an external EVM chain (default: the embedded dev chain)")
	fs.StringVar(&c.operatorKeystore, "operator-keystore", "", "keystore file of the operator key on an external chain (or set GUILDHALL_OPERATOR_KEY)")
	fs.StringVar(&c.operatorPassphraseFile, "operator-passphrase-file", "", "file holding the operator keystore's passphrase")
}

// registerChainOnly adds the flags of a command that runs the dev chain and nothing else: the data
// directory (for its chain) and logging, no database.
func (c *commonFlags) registerChainOnly(fs *flag.FlagSet) {
	fs.StringVar(&c.dataDir, "data-dir", "./.guildhall", "directory whose chain/ holds the dev chain's state")
	c.registerLogs(fs)
}

func (c *commonFlags) registerLogs(fs *flag.FlagSet) {
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
}

// parse parses args into fs (--help and flag errors as parseFlags answers them) and checks the
// common flags.
func (c *commonFlags) parse(fs *flag.FlagSet, args []string, e *env) error {
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return c.validate(fs)
}

func (c *commonFlags) validate(fs *flag.FlagSet) error {
	if c.logFormat != "text" && c.logFormat != "json" {
		return usageError(fs, "--log-format must be text or json, not %q", c.logFormat)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		return usageError(fs, "--log-level must be debug, info, warn or error, not %q", c.logLevel)
	}
	if c.dataDir == "" {
		return usageError(fs, "--data-dir must not be empty")
	}
	abs, err := filepath.Abs(c.dataDir)
	if err != nil {
		return usageError(fs, "--data-dir: %v", err)
	}
	c.dataDir = abs
	return nil
}

func (c *commonFlags) logger(e *env) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.logLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// openDatabase starts the local cluster when no --database-url is given, connects and migrates
// up. The returned URL is for display (it never carries a password).
func (c *commonFlags) openDatabase(ctx context.Context, log *slog.Logger, migrate bool) (*postgres.DB, string, error) {
	dbURL := c.databaseURL
	if dbURL == "" {
		cluster := &localpg.Cluster{Dir: filepath.Join(c.dataDir, "postgres"), Port: c.pgPort, Logger: log.With("component", "postgres")}
		var err error
		if dbURL, err = cluster.Start(ctx); err != nil {
			return nil, "", err
		}
	}
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return nil, "", err
	}
	if migrate {
		if err := db.MigrateUp(ctx); err != nil {
			db.Close()
			return nil, "", err
		}
	}
	return db, guildhall.RedactURL(dbURL), nil
}

// chainConn is a connection to the chain a command works on.
type chainConn struct {
	client   *ethclient.Client
	rpcURL   string
	dev      *chain.DevChain // the embedded chain when this process runs it, else nil
	devMode  bool            // the chain is the embedded dev chain (run here or by `serve`)
	operator *ecdsa.PrivateKey
	identity guildhall.ChainIdentity
}

func (cc *chainConn) Close() {
	cc.client.Close()
	if cc.dev != nil {
		_ = cc.dev.Close()
	}
}

// devChainOptions say how to run the embedded chain when this process has to run it.
type devChainOptions struct {
	httpAddr      string
	blockInterval time.Duration
}

// openChain connects to --rpc-url, or to the embedded dev chain: the one `serve` runs for this data
// dir if there is one, else one started here. needOperator asks for the operator key (always a
// dev account on the dev chain).
func (c *commonFlags) openChain(ctx context.Context, e *env, log *slog.Logger, dev devChainOptions, needOperator bool) (*chainConn, error) {
	cc := &chainConn{}
	switch {
	case c.rpcURL != "":
		if needOperator {
			key, err := chain.LoadOperatorKey(e.getenv, c.operatorKeystore, c.operatorPassphraseFile)
			if err != nil {
				return nil, err
			}
			cc.operator = key
		}
		client, err := chain.Connect(ctx, c.rpcURL)
		if err != nil {
			return nil, err
		}
		cc.client, cc.rpcURL = client, c.rpcURL
	default:
		cc.devMode = true
		cc.operator = chain.DevAccounts()[0].Key
		if rpcURL, ok := chain.DevChainInUse(ctx, c.dataDir); ok {
			client, err := chain.Connect(ctx, rpcURL)
			if err != nil {
				return nil, err
			}
			cc.client, cc.rpcURL = client, rpcURL
			log.Debug("using the dev chain that serve runs", "rpc", guildhall.RedactURL(rpcURL))
			break
		}
		d, err := chain.StartDevChain(ctx, chain.DevChainConfig{
			DataDir: c.dataDir, HTTPAddr: dev.httpAddr, BlockInterval: dev.blockInterval, Logger: log.With("component", "devchain"),
		})
		if err != nil {
			return nil, err
		}
		cc.dev, cc.client, cc.rpcURL = d, d.Client(), d.RPCURL()
	}
	id, err := chain.Identity(ctx, cc.client)
	if err != nil {
		cc.Close()
		return nil, err
	}
	cc.identity = id
	return cc, nil
}

// bindChain makes sure the database belongs to the connected chain (recording it on first use).
func bindChain(ctx context.Context, db *postgres.DB, cc *chainConn) error {
	return db.BindChain(ctx, cc.identity)
}
