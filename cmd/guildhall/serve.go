package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/api"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/demo"
	"github.com/guildhall/guildhall/localpg"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/web"
)

// The demo community `serve` creates on the dev chain's first start.
const (
	demoID     = "demo"
	demoName   = "Guildhall Demo"
	demoSymbol = "GUILD"
)

func runServe(ctx context.Context, args []string, e *env) error {
	o, err := parseServeFlags(args, e)
	if err != nil {
		return err
	}
	c := &o.c
	log := c.logger(e)

	db, dbURL, err := c.openDatabase(ctx, log, true)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetPool(o.pool)
	cc, err := c.openChain(ctx, e, log, devChainOptions{httpAddr: o.devRPCAddr, blockInterval: o.blockInterval, startAt: demoChainStart(o)}, true)
	if err != nil {
		return err
	}
	defer cc.Close()
	if err := bindChain(ctx, db, cc); err != nil {
		return err
	}
	if err := checkFinality(ctx, cc, &o.finality); err != nil {
		return err
	}
	newDemo, err := ensureDemoCommunity(ctx, log, db, cc, o.demo) // nil unless deployed now
	if err != nil {
		return err
	}

	// Rewards: the operator's sender, the minter, and the indexer that confirms their mints.
	registry := prometheus.NewRegistry()
	registerBuildInfo(registry)
	leaders := newLeadership(registry)
	bgCtx, stopBackground := context.WithCancel(ctx)
	sender, waitBackground, err := startMinting(bgCtx, log, db, cc, o.finality, registry, leaders, o.role.runsJobs() && !skipsJob(e.getenv, jobMinter))
	if err != nil {
		stopBackground()
		return err
	}
	defer waitBackground()
	defer stopBackground()

	if o.siweDomain == "" {
		o.siweDomain = defaultSIWEDomain(o.httpAddr)
	}
	readDB, closeReadDB, err := openReadDatabase(ctx, db, o)
	if err != nil {
		return err
	}
	defer closeReadDB()
	index := postgres.NewIndexReader(readDB)
	minBalance, err := o.relay.minDelegatorBalance()
	if err != nil {
		return err
	}
	govConfig, govService := governanceConfig(cc, db, index, sender, o.siweDomain, o.relay, minBalance)
	govService.Relays = holdRelay(govService.Relays, e.getenv(envHoldRelay), log, o.httpAddr)
	startRelaySettler(bgCtx, log, db, cc, govService, o.relay.gasBudget, registry)

	// Listen before printing, so a taken port is reported instead of a banner.
	ln, err := net.Listen("tcp", o.httpAddr)
	if err != nil {
		return guildhall.Errorf(guildhall.EUNAVAILABLE, "cannot listen on %s: %v; free the port or pass --http-addr", o.httpAddr, errors.Unwrap(err))
	}
	if o.role.runsJobs() && !skipsJob(e.getenv, jobIndexer) {
		stopIndexer := startIndexer(bgCtx, log, db, cc, indexerConfig(cc, o.finality, o.pollInterval, registry), leaders)
		defer stopIndexer()
	}
	if o.role.runsJobs() {
		stopRecognition := startRecognition(bgCtx, log, db, cc.operator, recognitionInterval)
		defer stopRecognition()
	}
	// Once the index has caught up (at once after a restart, after a backfill at the first start),
	// the pool's connections are opened and warmed ahead of the requests; ready after that.
	caughtUp := indexCaughtUp(db, cc, o.maxIndexLag)
	warmed, stopWarm := startWarm(bgCtx, log, db, min(o.pool.MaxIdle, o.pool.MaxOpen), caughtUp)
	defer stopWarm()
	if err := seedDemo(bgCtx, log, db, cc, newDemo, o.role.runsJobs()); err != nil || ctx.Err() != nil {
		return err // nil when stopped while the demo history was laid down: nothing else to start
	}
	cfg := apiConfig(o, log, db, readDB, cc, index, govConfig, registry, readiness(caughtUp, warmed))
	cfg.Warnings = watchOperatorBalance(bgCtx, log, cc, registry)
	cfg.Leads = leaders.jobs
	handler := holdAnswer(api.NewServer(cfg), e.getenv(envHoldAnswer), log)
	if o.metricsAddr != "" {
		_, stop, err := serveMetrics(log, o.metricsAddr, registry)
		if err != nil {
			return err
		}
		defer stop()
	}
	srv := newHTTPServer(handler)
	if err := printBanner(ctx, e.stdout, "http://"+ln.Addr().String(), "http://"+o.siweDomain+"/", dbURL, c.localPostgresNote(ctx), db, cc); err != nil {
		return err
	}
	log.Info("serving", "role", o.role, "http", "http://"+ln.Addr().String(), "rpc", guildhall.RedactURL(cc.rpcURL), "chain_id", cc.identity.ChainID)

	return serveUntilDone(ctx, log, srv, ln)
}

// apiConfig wires the API to its stores, the chain and the server's limits. Public reads of the
// index and of community health come from readDB (a replica with --read-database-url, else db);
// the ledger, issuers and everything that writes use db. ready is /readyz's check (readiness).
func apiConfig(o *serveOptions, log *slog.Logger, db, readDB *postgres.DB, cc *chainConn, index *postgres.IndexReader,
	gov api.GovernanceConfig, registry *prometheus.Registry, ready func(context.Context) error) api.Config {
	return api.Config{
		Logger:      log,
		Communities: postgres.NewCommunityStore(db),
		Rewards:     postgres.NewRewardsStore(db),
		Governance:  gov,
		Index:       index,
		Health: api.HealthConfig{Store: postgres.NewHealthStore(readDB), Operator: crypto.PubkeyToAddress(cc.operator.PublicKey).Hex(),
			Wait: o.statsWait},
		Recognition:      postgres.NewRecognitionStore(db),
		Ready:            ready,
		Registry:         registry,
		Dashboard:        web.FS,
		Limits:           o.limits.api(),
		MetricsElsewhere: o.metricsAddr != "",
		ProbesOnly:       !o.role.servesAPI(),
	}
}

// openReadDatabase opens --read-database-url, the replica public reads come from; without it the
// primary serves them too. Nothing is migrated there: a replica follows the primary's schema.
func openReadDatabase(ctx context.Context, primary *postgres.DB, o *serveOptions) (*postgres.DB, func(), error) {
	if o.readDBURL == "" {
		return primary, func() {}, nil
	}
	replica, err := postgres.Open(ctx, o.readDBURL)
	if err != nil {
		return nil, nil, fmt.Errorf("--read-database-url: %w", err)
	}
	replica.SetPool(o.pool)
	return replica, func() { _ = replica.Close() }, nil
}

// serveUntilDone serves HTTP on ln until ctx ends, then shuts the server down gracefully.
func serveUntilDone(ctx context.Context, log *slog.Logger, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}

// serveOptions are serve's flags.
type serveOptions struct {
	c             commonFlags
	httpAddr      string
	devRPCAddr    string
	blockInterval time.Duration
	demo          bool
	finality      chain.Finality
	maxIndexLag   uint64
	pollInterval  time.Duration
	siweDomain    string
	relay         relayFlags
	limits        limitFlags
	metricsAddr   string
	pool          postgres.Pool
	role          role
	readDBURL     string
	statsWait     time.Duration
}

// parseServeFlags parses serve's arguments.
func parseServeFlags(args []string, e *env) (*serveOptions, error) {
	o := &serveOptions{role: roleAll}
	fs := newFlagSet(e, "serve", "serve [flags]")
	o.c.register(fs, true)
	fs.StringVar(&o.httpAddr, "http-addr", "127.0.0.1:8080", "address the HTTP API listens on")
	fs.StringVar(&o.devRPCAddr, "dev-rpc-addr", chain.DefaultDevRPCAddr, "address of the embedded dev chain's JSON-RPC (without --rpc-url)")
	fs.DurationVar(&o.blockInterval, "block-interval", chain.DefaultDevBlockInterval, "the dev chain seals an empty block after this long without one")
	fs.BoolVar(&o.demo, "demo", true, "on the dev chain, create a demo community when there is none")
	fs.StringVar(&o.siweDomain, "siwe-domain", "", "the domain Sign-In with Ethereum messages must name, as wallets see the API (default: localhost:PORT of --http-addr)")
	o.relay.register(fs)
	fs.Uint64Var(&o.maxIndexLag, "max-index-lag", 30, "/readyz answers 503 while the indexer is more than this many blocks behind the head, while a backfill's indexes are deferred, and until the database connections are warmed")
	fs.Var((*finalityFlag)(&o.finality), "finality", "which blocks are final: N, a depth in blocks below the head (default: 2 on the dev chain, 64 otherwise), "+
		"or tag, the node's finalized block (eth_getBlockByNumber \"finalized\", for chains with a finality gadget)")
	fs.Var((*finalityFlag)(&o.finality), "finality-depth", "the same as --finality N")
	fs.DurationVar(&o.pollInterval, "poll-interval", 0, "how often the indexer polls the chain head when caught up (default: 500ms on the dev chain, 2s otherwise)")
	o.limits.register(fs)
	registerPoolFlags(fs, &o.pool)
	fs.StringVar(&o.readDBURL, "read-database-url", "", "PostgreSQL URL of a streaming replica for public reads of the index and community health; each read names the block the replica holds (default: the primary)")
	fs.DurationVar(&o.statsWait, "stats-wait", api.DefaultStatsWait, "how long a community health read waits for the figures of a new block or reward before answering with "+
		"the newest ones computed (each names its as_of and ledger_through); 0 always waits. A request with Cache-Control: no-cache always waits")
	fs.Var(&o.role, "role", "what this process does: all (the API and the indexer, minter and sender), api (HTTP only) or worker (the jobs; HTTP only for /healthz, /readyz, /metrics)")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve /metrics on this address only, not on --http-addr (default: on --http-addr)")
	if err := o.c.parse(fs, args, e); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if err := o.limits.validate(fs); err != nil {
		return nil, err
	}
	if err := validatePool(fs, o.pool); err != nil {
		return nil, err
	}
	if o.statsWait < 0 {
		return nil, usageError(fs, "--stats-wait must not be negative, not %s", o.statsWait)
	}
	if _, err := o.relay.minDelegatorBalance(); err != nil {
		return nil, usageError(fs, "--delegation-min-balance must be a number of tokens, e.g. 1 or 0.5")
	}
	return o, nil
}

// finalityFlag is --finality: "tag" or a depth of at least 1 block.
type finalityFlag chain.Finality

// String is "" until set: the default depth depends on the chain (checkFinality).
func (f *finalityFlag) String() string {
	if *f == (finalityFlag{}) {
		return ""
	}
	return chain.Finality(*f).String()
}

func (f *finalityFlag) Set(s string) error {
	if s == "tag" {
		*f = finalityFlag{Tag: true}
		return nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return errors.New("must be tag or a number of blocks, at least 1")
	}
	*f = finalityFlag{Depth: n}
	return nil
}

// checkFinality fills in the default depth (defaultFinalityDepth) when f names none, and with
// --finality tag checks that the node names a finalized block, so a chain without one is refused
// at start rather than leaving every mint unconfirmed.
func checkFinality(ctx context.Context, cc *chainConn, f *chain.Finality) error {
	if !f.Tag {
		if f.Depth == 0 {
			f.Depth = defaultFinalityDepth(cc)
		}
		return nil
	}
	_, err := chain.Finalized(ctx, cc.client)
	if errors.Is(err, chain.ErrNoFinalizedBlock) {
		return guildhall.Errorf(guildhall.EUNAVAILABLE, "--finality tag: %v; this chain has no finality gadget or has not finalized a block yet: use --finality N (a depth in blocks) instead", err)
	}
	if err != nil {
		return fmt.Errorf("--finality tag: %w", err)
	}
	return nil
}

// readiness reports whether caughtUp (indexCaughtUp) does and the pool's connections have been
// warmed (startWarm closes warmed), so that reads are current and the first requests find their
// connections open.
func readiness(caughtUp func(context.Context) error, warmed <-chan struct{}) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := caughtUp(ctx); err != nil {
			return err
		}
		select {
		case <-warmed:
			return nil
		default:
			return guildhall.Errorf(guildhall.EUNAVAILABLE, "the index has caught up; the database connections are being opened and warmed")
		}
	}
}

// indexCaughtUp reports whether the database and the chain answer, the indexer is within maxLag
// blocks of the head (a backfill, a stalled or a stopped indexer is not) and no index is deferred
// (a backfill's per-account indexes, built when it reaches the head: reads that need them are
// refused until then).
func indexCaughtUp(db *postgres.DB, cc *chainConn, maxLag uint64) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := db.Ping(ctx); err != nil {
			return fmt.Errorf("%w: %v", guildhall.Errorf(guildhall.EUNAVAILABLE, "database not reachable"), err)
		}
		head, err := cc.client.BlockNumber(ctx)
		if err != nil {
			return fmt.Errorf("%w: %v", guildhall.Errorf(guildhall.EUNAVAILABLE, "chain not reachable"), err)
		}
		cursor, err := postgres.NewIndexWriter(db).IndexCursor(ctx)
		if err != nil {
			return err
		}
		switch {
		case cursor == nil:
			return guildhall.Errorf(guildhall.EUNAVAILABLE, "indexer has not indexed a block yet (head %d)", head)
		case head > cursor.Number+maxLag:
			return guildhall.Errorf(guildhall.EUNAVAILABLE, "indexer is %d blocks behind the head (at %d of %d; ready within %d)",
				head-cursor.Number, cursor.Number, head, maxLag)
		}
		deferred, err := postgres.NewIndexWriter(db).IndexesDeferred(ctx)
		if err != nil {
			return err
		}
		if deferred {
			return guildhall.Errorf(guildhall.EUNAVAILABLE, "the backfill has deferred its per-account indexes until it reaches the head (at %d of %d)",
				cursor.Number, head)
		}
		return nil
	}
}

// ensureDemoCommunity deploys and records the demo community the first time the dev chain serves
// with the demo on: when the database holds no community yet. It returns the community it created
// (nil when it created none), whose history seedDemo lays down.
func ensureDemoCommunity(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn, on bool) (*guildhall.Community, error) {
	if !cc.devMode || !on {
		return nil, nil
	}
	existing, err := postgres.NewCommunityStore(db).Communities(ctx, "", 1)
	if err != nil || len(existing) > 0 {
		return nil, err
	}
	log.Info("deploying the demo community", "id", demoID)
	return createCommunity(ctx, log, db, cc, demoID, demoName, demoSymbol, demo.Settings())
}

// printBanner prints where everything is. pgNote, when not empty, says the local PostgreSQL
// outlives this process and how to stop it (see localPostgresNote).
func printBanner(ctx context.Context, w io.Writer, apiURL, dashboardURL, dbURL, pgNote string, db *postgres.DB, cc *chainConn) error {
	mode := "external chain"
	if cc.devMode {
		mode = "dev mode"
	}
	fmt.Fprintf(w, "\nGuildhall is running (%s)\n\n", mode)
	fmt.Fprintf(w, "  API        %s   (try: curl %s/v1/communities)\n", apiURL, apiURL)
	fmt.Fprintf(w, "  OpenAPI    %s/openapi.json\n", apiURL)
	// The dashboard's address names the Sign-In with Ethereum domain, so wallets see the site
	// that asks them to sign in as the one the message names.
	fmt.Fprintf(w, "  Dashboard  %s   (members: connect a wallet, sign in, vote)\n", dashboardURL)
	fmt.Fprintf(w, "  Chain RPC  %s   chain id %d\n", guildhall.RedactURL(cc.rpcURL), cc.identity.ChainID)
	fmt.Fprintf(w, "  Database   %s\n", dbURL)
	communities, err := postgres.NewCommunityStore(db).Communities(ctx, "", 20)
	if err != nil {
		return err
	}
	for _, c := range communities {
		fmt.Fprintf(w, "\n  Community %q: %s (%s)\n", c.ID, c.Name, c.Symbol)
		fmt.Fprintf(w, "    token     %s\n    governor  %s\n    timelock  %s\n", c.TokenAddress, c.GovernorAddress, c.TimelockAddress)
		if c.ID == demoID && cc.devMode {
			fmt.Fprint(w, "    DEMO DATA: generated members, rewards and proposals (serve --demo=false on a fresh --data-dir starts empty)\n")
		}
	}
	if cc.devMode {
		fmt.Fprint(w, "\n  Dev accounts, 10,000 ETH each. Their keys are PUBLIC: use them on this dev chain only,\n"+
			"  never on a real network. Import one into MetaMask to act as a member.\n")
		for i, a := range chain.DevAccounts() {
			role := ""
			if i == 0 {
				role = "  (operator)"
			}
			fmt.Fprintf(w, "    #%d %s  key 0x%x%s\n", i, a.Address.Hex(), crypto.FromECDSA(a.Key), role)
		}
	}
	fmt.Fprint(w, "\n  Stop with Ctrl-C. Running it again keeps the same chain and database.\n")
	if pgNote != "" {
		fmt.Fprint(w, pgNote)
	}
	fmt.Fprint(w, "\n")
	return nil
}

// localPostgresNote tells, when the database is the local cluster under --data-dir, that the
// cluster keeps running after Ctrl-C (so the next start reuses it at once) and gives the command
// that stops it; "" with --database-url.
func (c *commonFlags) localPostgresNote(ctx context.Context) string {
	if c.databaseURL != "" {
		return ""
	}
	dir := filepath.Join(c.dataDir, "postgres")
	return fmt.Sprintf("  The local PostgreSQL (%s, port %d) keeps running after Ctrl-C, so the next start\n"+
		"  reuses it; to stop it:  %s\n", dir, c.pgPort, pgStopCommand(ctx, dir))
}

// pgStopCommand is the shell command that stops the local cluster in dir, as localpg stops it:
// pg_ctl from the installed PostgreSQL, run as the cluster's owner when this process is root
// (PostgreSQL refuses to run as root, so localpg runs it as that account).
func pgStopCommand(ctx context.Context, dir string) string {
	pgCtl := "pg_ctl"
	if binDir, err := localpg.FindBinDir(ctx); err == nil {
		pgCtl = filepath.Join(binDir, "pg_ctl")
	}
	cmd := shellQuote(pgCtl) + " stop -D " + shellQuote(dir)
	if os.Geteuid() == 0 {
		owner := "postgres"
		if fi, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
				if u, err := user.LookupId(strconv.FormatUint(uint64(st.Uid), 10)); err == nil {
					owner = u.Username
				}
			}
		}
		cmd = "runuser -u " + shellQuote(owner) + " -- " + cmd
	}
	return cmd
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain path characters.
func shellQuote(s string) string {
	plain := s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+=:,@%", r))
	})
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// newHTTPServer bounds what one client can hold: headers of at most 64 KiB read within 10 s, a
// whole request within 30 s, an answer written within 60 s (the slowest route, a tally checked
// against the node, answers well within that), idle keep-alive connections closed after 2 min.
func newHTTPServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// serveMetrics serves the registry's /metrics on addr, apart from the API, until stop is called;
// url is where.
func serveMetrics(log *slog.Logger, addr string, reg *prometheus.Registry) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, guildhall.Errorf(guildhall.EUNAVAILABLE, "cannot listen on %s: %v; free the port or pass another --metrics-addr", addr, errors.Unwrap(err))
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", api.MetricsHandler(reg))
	srv := newHTTPServer(mux)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serve metrics", "err", err)
		}
	}()
	url = "http://" + ln.Addr().String() + "/metrics"
	log.Info("serving metrics", "http", url)
	return url, func() { _ = srv.Close() }, nil
}
