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

// commonFlags are the settings every command shares. Every command accepts all of them, so a
// script can pass the same flags to each; a command ignores those it has no use for and says so
// at debug level.
type commonFlags struct {
	dataDir                string
	databaseURL            string
	pgPort                 int
	rpcURL                 string
	logFormat              string
	logLevel               string
	operatorKeystore       string
	operatorPassphraseFile string

	unused  map[string]bool // flags this command accepts but does not use
	ignored []string        // those of them the command line set
}

// The common flags a command may have no use for.
var (
	databaseFlags = []string{"database-url", "pg-port"}
	chainFlags    = []string{"rpc-url", "operator-keystore", "operator-passphrase-file"}
)

// register adds the common flags; the chain and operator-key flags are used only withChain.
func (c *commonFlags) register(fs *flag.FlagSet, withChain bool) {
	c.registerAll(fs, "directory for the local PostgreSQL cluster and the dev chain")
	if !withChain {
		c.markUnused(fs, chainFlags)
	}
}

// registerChainOnly adds the common flags for a command that runs the dev chain and nothing else:
// it uses the data directory (for its chain) and logging, no database and no external chain.
func (c *commonFlags) registerChainOnly(fs *flag.FlagSet) {
	c.registerAll(fs, "directory whose chain/ holds the dev chain's state")
	c.markUnused(fs, append(append([]string(nil), databaseFlags...), chainFlags...))
}

func (c *commonFlags) registerAll(fs *flag.FlagSet, dataDirUsage string) {
	fs.StringVar(&c.dataDir, "data-dir", "./.guildhall", dataDirUsage)
	fs.StringVar(&c.databaseURL, "database-url", "", "PostgreSQL URL (default: the local cluster under --data-dir, started if needed)")
	fs.IntVar(&c.pgPort, "pg-port", localpg.DefaultPort, "port of the local PostgreSQL cluster (when --database-url is not set)")
	c.registerLogs(fs)
	fs.StringVar(&c.rpcURL, "rpc-url", "", "JSON-RPC URL of an external EVM chain (default: the embedded dev chain)")
	fs.StringVar(&c.operatorKeystore, "operator-keystore", "", "keystore file of the operator key on an external chain (or set GUILDHALL_OPERATOR_KEY)")
	fs.StringVar(&c.operatorPassphraseFile, "operator-passphrase-file", "", "file holding the operator keystore's passphrase")
}

// markUnused says in --help that this command ignores the named flags, and remembers them.
func (c *commonFlags) markUnused(fs *flag.FlagSet, names []string) {
	if c.unused == nil {
		c.unused = map[string]bool{}
	}
	for _, name := range names {
		c.unused[name] = true
		fs.Lookup(name).Usage = unusedFlagUsage
	}
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
	fs.Visit(func(f *flag.Flag) {
		if c.unused[f.Name] {
			c.ignored = append(c.ignored, f.Name)
		}
	})
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
	var log *slog.Logger
	if c.logFormat == "json" {
		log = slog.New(slog.NewJSONHandler(e.stderr, opts))
	} else {
		log = slog.New(slog.NewTextHandler(e.stderr, opts))
	}
	for _, name := range c.ignored {
		log.Debug("flag not used by this command, ignored", "flag", "--"+name)
	}
	return log
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
	startAt       time.Time // a new chain's clock starts here (zero: the wall clock); see demoChainStart
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
			DataDir: c.dataDir, HTTPAddr: dev.httpAddr, BlockInterval: dev.blockInterval, StartAt: dev.startAt, Logger: log.With("component", "devchain"),
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
	if cc.operator != nil && !cc.devMode {
		if err := chain.CheckOperatorKey(cc.operator, id.ChainID); err != nil {
			cc.Close()
			return nil, err
		}
	}
	return cc, nil
}

// bindChain makes sure the database belongs to the connected chain (recording it on first use).
func bindChain(ctx context.Context, db *postgres.DB, cc *chainConn) error {
	return postgres.NewCommunityStore(db).BindChain(ctx, cc.identity)
}
