package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/event"
	"github.com/ethereum/go-ethereum/log"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/guildhall/guildhall"
)

// DevChainConfig configures the embedded dev chain. The zero value is usable: an in-memory chain
// on 127.0.0.1:8545 with a block every two seconds and no logging.
type DevChainConfig struct {
	// DataDir is Guildhall's data directory; the chain lives in DataDir/chain so a restart keeps
	// it, with the random salt that gives it a genesis hash of its own (DataDir/chain/genesis-salt,
	// written when the chain is created). Empty keeps the chain in memory, with a new genesis
	// every start: gone on Close, and no endpoint file is written.
	DataDir string
	// HTTPAddr is where JSON-RPC (eth, net, web3) listens; default 127.0.0.1:8545, and an empty
	// host means 127.0.0.1 (name 0.0.0.0 to listen on every interface). Port 0 picks a free
	// port; RPCURL reports it.
	HTTPAddr string
	// BlockInterval is how long the chain may go without a block before an empty one is sealed,
	// so block timestamps (the governor's clock) keep up with wall time; default 2s. Timestamps
	// are whole seconds, so intervals under a second act as one second.
	BlockInterval time.Duration
	// StartAt, when set and in the past, starts a new chain's clock there instead of at the wall
	// clock: its blocks are sealed at the chain's clock, moved on by AdvanceTo, until CatchUp (see
	// devclock.go). A chain that already has blocks ignores it and runs on the wall clock.
	StartAt time.Time
	// Logger receives the chain's own lines and go-ethereum's warnings and errors (marked
	// source=geth); nil discards them. Name it for its component, e.g. With("component", "devchain").
	Logger *slog.Logger
}

// Defaults of DevChainConfig.
const (
	DefaultDevRPCAddr       = "127.0.0.1:8545"
	DefaultDevBlockInterval = 2 * time.Second
)

// DevChainID is the chain id of the embedded dev chain (as geth --dev, Hardhat's and Anvil's
// conventional local id differ: 31337).
const DevChainID = 1337

// DevChain is the embedded dev chain: an in-process go-ethereum node driven by a simulated beacon
// client, as geth --dev is. It seals a block within a second of a transaction becoming executable
// and an empty block whenever BlockInterval passes without one. Close it to release its port and
// data directory.
type DevChain struct {
	stack  *node.Node
	eth    *eth.Ethereum
	beacon *catalyst.SimulatedBeacon
	client *ethclient.Client
	// estimator serves eth_estimateGas for the next block (see nextBlockEstimator).
	estimator *nextBlockEstimator
	// filters serves eth_getLogs, and the logs LocalClient reads in the process.
	filters *filters.FilterSystem
	rpcURL  string
	// genesis is this chain's genesis block hash, unique to the chain (see devGenesis).
	genesis common.Hash

	dataDir        string
	interval       time.Duration
	log            *slog.Logger
	restoreGethLog func()

	// clock is the chain's clock while it is behind the wall clock, zero on the wall clock;
	// clockReqs carries moves of it to the sealing loop.
	clockMu   sync.Mutex
	clock     time.Time
	clockReqs chan clockReq

	txSub     event.Subscription
	quit      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// StartDevChain starts the embedded dev chain and returns once its JSON-RPC endpoint answers.
// ctx bounds the start only; the chain runs until Close. A busy HTTPAddr is an EUNAVAILABLE
// *guildhall.Error naming the address and --dev-rpc-addr; a chain directory already open in
// another process is an EUNAVAILABLE *guildhall.Error too (reach that chain through
// DevChainInUse instead). With a DataDir, the endpoint is recorded there (see ReadDevEndpoint)
// until Close.
//
// go-ethereum logs through one process-wide logger. When cfg.Logger is set, StartDevChain points
// it at cfg.Logger (warnings and errors, less the one go-ethereum logs per failed RPC call) and
// Close puts the previous one back; run one dev chain per process to keep their logs apart.
func StartDevChain(ctx context.Context, cfg DevChainConfig) (*DevChain, error) {
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = DefaultDevRPCAddr
	}
	if cfg.BlockInterval <= 0 {
		cfg.BlockInterval = DefaultDevBlockInterval
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	host, port, err := splitRPCAddr(cfg.HTTPAddr)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start dev chain: %w", err)
	}
	// Check the port before opening the chain database: go-ethereum binds it only after, and
	// cannot release a half-started chain cleanly.
	if err := checkPortFree(cfg.HTTPAddr, port); err != nil {
		return nil, err
	}

	d := &DevChain{
		interval:       cfg.BlockInterval,
		log:            logger,
		restoreGethLog: func() {},
		quit:           make(chan struct{}),
		clockReqs:      make(chan clockReq),
	}
	if cfg.Logger != nil {
		d.restoreGethLog = routeGethLog(cfg.Logger.Handler())
	}
	chainDir := "" // in memory
	if cfg.DataDir != "" {
		d.dataDir = cfg.DataDir
		chainDir = filepath.Join(cfg.DataDir, "chain")
	}

	stack, err := newDevNode(host, port, chainDir, logger)
	if err != nil {
		d.restoreGethLog()
		return nil, err
	}
	d.stack = stack

	// The node holds the chain directory's lock from here, so no other process creates a salt.
	genesis, err := d.chooseGenesis(stack)
	if err != nil {
		_ = stack.Close()
		d.restoreGethLog()
		return nil, err
	}
	d.genesis = genesis.ToBlock().Hash()

	if err := d.start(ctx, cfg, chainDir, genesis); err != nil {
		if d.client != nil {
			d.client.Close()
		}
		_ = stack.Close() // the start error says more
		if d.estimator != nil {
			d.estimator.Close()
		}
		d.restoreGethLog()
		return nil, err
	}
	if d.dataDir != "" {
		if err := WriteDevEndpoint(d.dataDir, d.rpcURL); err != nil {
			d.Close()
			return nil, err
		}
	}
	where := chainDir
	if where == "" {
		where = "memory"
	}
	logger.Info("dev chain started", "rpc_url", d.rpcURL, "chain_id", DevChainID, "genesis", d.genesis,
		"block", d.eth.BlockChain().CurrentBlock().Number.Uint64(), "state", where)
	return d, nil
}

// checkPortFree makes sure addr can be listened on (port 0: any free port can).
func checkPortFree(addr string, port int) error {
	if port == 0 {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return listenError(addr, err)
	}
	return ln.Close()
}

// newDevNode creates the dev chain's node: JSON-RPC over HTTP at host:port (eth, net, web3), no
// P2P, its data under chainDir ("": in memory). A chain directory open in another process is an
// EUNAVAILABLE *guildhall.Error.
func newDevNode(host string, port int, chainDir string, logger *slog.Logger) (*node.Node, error) {
	stack, err := node.New(&node.Config{
		Name:             "devchain",
		DataDir:          chainDir,
		HTTPHost:         host,
		HTTPPort:         port,
		HTTPModules:      []string{"eth", "net", "web3"},
		HTTPCors:         []string{"*"}, // browser wallets and dapps on any local origin
		HTTPVirtualHosts: virtualHosts(host),
		HTTPTimeouts:     rpc.DefaultHTTPTimeouts,
		// Dev chains answer big eth_getLogs and batch calls; keep go-ethereum's defaults.
		BatchRequestLimit:    node.DefaultConfig.BatchRequestLimit,
		BatchResponseMaxSize: node.DefaultConfig.BatchResponseMaxSize,
		HTTPBodyLimit:        node.DefaultConfig.HTTPBodyLimit,
		P2P: p2p.Config{
			MaxPeers:    0,
			ListenAddr:  "",
			NoDial:      true,
			NoDiscovery: true,
			DiscoveryV4: false,
			DiscoveryV5: false,
		},
		// The node's own warnings are about P2P, which the dev chain turns off on purpose.
		Logger: log.NewLogger(minLevelHandler{min: slog.LevelError, Handler: logger.Handler()}),
	})
	if err != nil {
		if errors.Is(err, node.ErrDatadirUsed) {
			return nil, guildhall.Errorf(guildhall.EUNAVAILABLE,
				"the dev chain in %s is open in another process (a running `guildhall serve`?); stop it or reach it over its JSON-RPC", chainDir)
		}
		return nil, fmt.Errorf("create dev chain node: %w", err)
	}
	return stack, nil
}

// chooseGenesis returns the genesis of the chain to open: a new one with a random salt for an
// in-memory chain or a data directory without a chain, else the one the data directory's chain
// was created with (its recorded salt; no salt for a chain created before salts existed). A new
// chain's salt is recorded before the chain is created, so a restart reopens the chain; a crash
// in between leaves a salt without a chain, which the next start replaces.
func (d *DevChain) chooseGenesis(stack *node.Node) (*core.Genesis, error) {
	if d.dataDir == "" {
		return devGenesis(newDevSalt()), nil
	}
	if _, err := os.Stat(stack.ResolvePath("chaindata")); err == nil {
		salt, ok, err := readDevSalt(d.dataDir)
		if err != nil {
			return nil, err
		}
		if ok {
			return devGenesis(salt), nil
		}
		d.log.Info("the dev chain predates per-chain genesis salts; keeping its genesis", "dir", filepath.Dir(devSaltPath(d.dataDir)))
		return devGenesis(nil), nil
	}
	// No chain (new, or its chaindata was deleted): a new chain gets a new salt even when an old
	// one is left, so a database bound to the old chain refuses it.
	salt := newDevSalt()
	if err := writeDevSalt(d.dataDir, salt); err != nil {
		return nil, err
	}
	return devGenesis(salt), nil
}

// start registers the eth service on d.stack, starts the node and the sealing loop.
func (d *DevChain) start(ctx context.Context, cfg DevChainConfig, chainDir string, genesis *core.Genesis) error {
	ethConf := ethconfig.Defaults
	ethConf.Genesis = genesis
	ethConf.NetworkId = DevChainID
	ethConf.SyncMode = ethconfig.FullSync
	// Archive mode on the hash scheme writes every block's state to disk as it is sealed: a
	// crash loses no state, and eth_call answers at any past block (the indexer's as_of checks).
	ethConf.StateScheme = rawdb.HashScheme
	ethConf.NoPruning = true
	ethConf.SnapshotCache = 0
	ethConf.DatabaseCache = 64
	ethConf.TrieCleanCache = 64
	ethConf.TrieDirtyCache = 0
	// No speculative prefetch: go-ethereum executes each block's transactions a second time beside
	// the import to warm its caches from disk, but every block here was just built by this node's
	// own miner, which executed them on the same state (the caches are warm). On two cores the
	// second execution took 6% of the process's CPU while rewards were being minted.
	ethConf.NoPrefetch = true
	// Index every transaction, however old the chain gets. Logs are searched block by block, as
	// in the simulated backend: a dev chain is short, and go-ethereum's log index costs a
	// noticeable pause at every restart (seconds under the race detector).
	ethConf.TransactionHistory = 0
	ethConf.LogNoHistory = true
	ethConf.Miner.GasCeil = devGasLimit
	ethConf.Miner.GasPrice = common.Big1 // accept any tip, as geth --dev does
	ethConf.TxPool.Journal = ""

	backend, err := eth.New(d.stack, &ethConf)
	if err != nil {
		var mismatch *core.GenesisMismatchError
		if errors.As(err, &mismatch) {
			return guildhall.Errorf(guildhall.EUNAVAILABLE,
				"the chain in %s is not the dev chain this data directory records (genesis %s, want %s); move that directory away to start a new dev chain",
				chainDir, mismatch.Stored.Hex(), mismatch.New.Hex())
		}
		return fmt.Errorf("start dev chain service: %w", err)
	}
	d.eth = backend
	if backend.BlockChain().CurrentBlock().Number.Sign() == 0 && !cfg.StartAt.IsZero() && cfg.StartAt.Before(time.Now()) {
		d.clock = cfg.StartAt.Truncate(time.Second)
	}
	d.filters = filters.NewFilterSystem(backend.APIBackend, filters.Config{
		LogCacheSize:  ethConf.FilterLogCacheSize,
		LogQueryLimit: ethConf.LogQueryLimit,
		RangeLimit:    ethConf.RangeLimit,
	})
	// Registered after the eth service's own API, the estimator replaces its eth_estimateGas.
	estimator, err := newNextBlockEstimator(backend, d.Now)
	if err != nil {
		return fmt.Errorf("start dev chain gas estimator: %w", err)
	}
	d.estimator = estimator
	d.stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(d.filters)}, {Namespace: "eth", Service: estimator}})

	if err := d.stack.Start(); err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return listenError(cfg.HTTPAddr, err)
		}
		return fmt.Errorf("start dev chain node: %w", err)
	}
	// Period 0: the beacon never seals on its own; sealLoop is its only caller, so sealing is
	// never concurrent (SimulatedBeacon.Commit is not safe for that).
	beacon, err := catalyst.NewSimulatedBeacon(0, common.Address{}, backend)
	if err != nil {
		return fmt.Errorf("start dev chain beacon: %w", err)
	}
	d.beacon = beacon
	d.client = ethclient.NewClient(d.stack.Attach())
	d.rpcURL = d.stack.HTTPEndpoint()
	if err := d.waitTxIndex(ctx); err != nil {
		return err
	}

	// The pool's event feed blocks its sender until every subscriber receives, and sealing waits
	// on the pool, so events are drained by their own goroutine into a one-slot signal.
	txEvents := make(chan core.NewTxsEvent, 16)
	txArrived := make(chan struct{}, 1)
	d.txSub = backend.TxPool().SubscribeTransactions(txEvents, true)
	d.wg.Add(2)
	go d.forwardTxEvents(txEvents, txArrived)
	go d.sealLoop(txArrived)
	return nil
}

// waitTxIndex makes the chain answer receipt queries before StartDevChain returns. Until the
// transaction indexer has run once, go-ethereum answers a query for an unknown transaction with
// "transaction indexing is in progress" instead of null, which clients take for a failure; and it
// runs only once the chain has a block past genesis.
func (d *DevChain) waitTxIndex(ctx context.Context) error {
	chain := d.eth.BlockChain()
	if chain.CurrentBlock().Number.Sign() == 0 {
		if err := d.seal(); err != nil {
			return err
		}
		d.persist()
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for !chain.TxIndexDone() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the dev chain's transaction index: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// persist makes the blocks sealed so far survive a crash of the process. go-ethereum writes to
// its database without waiting for the write-ahead log and leaves up to a 32 KB log block in
// memory, which on a dev chain is the last several blocks (all of them on a young chain): a
// killed `guildhall serve` would come back with blocks, and the mints in them, gone.
func (d *DevChain) persist() {
	if d.dataDir == "" {
		return
	}
	if err := d.eth.ChainDb().SyncKeyValue(); err != nil {
		d.log.Warn("dev chain could not flush its database; a crash may lose recent blocks", "err", err)
	}
}

// forwardTxEvents turns every batch of newly executable transactions into one pending signal.
func (d *DevChain) forwardTxEvents(events <-chan core.NewTxsEvent, arrived chan<- struct{}) {
	defer d.wg.Done()
	for {
		select {
		case <-d.quit:
			return
		case <-d.txSub.Err():
			return
		case <-events:
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
	}
}

// sealLoop seals every block of the chain. A block is due as soon as a transaction is executable,
// or once the interval has passed since the last block. Timestamps are whole seconds and must
// rise, so a due block waits for the wall clock to pass its parent's timestamp (at most a second:
// a head ahead of a clock set back gets parent+1 instead). Timestamps therefore equal wall time,
// and a burst of transactions shares a block rather than running the clock ahead.
// A chain behind the wall clock (started at StartAt) seals at its own clock instead, a second
// past its head at least: see devclock.go.
func (d *DevChain) sealLoop(txArrived <-chan struct{}) {
	defer d.wg.Done()
	var (
		chain    = d.eth.BlockChain()
		pool     = d.eth.TxPool()
		lastSeal = time.Now()
		stuck    bool
		timer    = time.NewTimer(time.Hour)
	)
	defer timer.Stop()
	executable := func() bool {
		n, _ := pool.Stats()
		return n > 0
	}
	pending := executable()
	for {
		now := time.Now()
		due := lastSeal.Add(d.interval)
		if pending {
			due = now
		}
		earliest := time.Unix(int64(chain.CurrentBlock().Time)+1, 0)
		if limit := now.Add(time.Second); earliest.After(limit) {
			earliest = limit
		}
		if due.Before(earliest) {
			due = earliest
		}
		timer.Reset(time.Until(due))

		select {
		case <-d.quit:
			return
		case <-txArrived:
			pending = true
		case req := <-d.clockReqs:
			d.applyClock(req)
			d.persist()
			lastSeal = time.Now()
		case <-timer.C:
			before := chain.CurrentBlock().Number.Uint64()
			if err := d.seal(); err != nil {
				d.log.Warn("dev chain could not seal a block", "err", err)
			}
			lastSeal = time.Now()
			pending = executable()
			head := chain.CurrentBlock()
			sealed := head.Number.Uint64() > before
			if sealed {
				d.persist()
			}
			switch {
			case !sealed && !stuck:
				stuck = true
				d.log.Warn("dev chain failed to seal a block; retrying every second", "head", before)
			case sealed && stuck:
				stuck = false
				d.log.Info("dev chain sealing again", "head", head.Number.Uint64())
			}
		}
	}
}

// Client returns an in-process client of the chain (subscriptions work on it). It is closed by
// Close; do not close it yourself.
func (d *DevChain) Client() *ethclient.Client { return d.client }

// RPCURL returns the JSON-RPC endpoint with its real port, e.g. http://127.0.0.1:8545.
func (d *DevChain) RPCURL() string { return d.rpcURL }

// GenesisHash returns the hash of the chain's genesis block. Every dev chain has its own: a new
// data directory (or an in-memory chain) gets a new one, a restart on the same data directory
// keeps it.
func (d *DevChain) GenesisHash() common.Hash { return d.genesis }

// Accounts returns the funded dev accounts; see DevAccounts.
func (d *DevChain) Accounts() []DevAccount { return DevAccounts() }

// Close stops sealing, stops the node (flushing the chain to DataDir) and removes the endpoint
// file. It is safe to call more than once; later calls return the first call's error.
func (d *DevChain) Close() error {
	d.closeOnce.Do(func() {
		close(d.quit)
		d.wg.Wait()
		d.txSub.Unsubscribe()
		var errs []error
		if d.dataDir != "" {
			if err := removeDevEndpoint(d.dataDir); err != nil {
				errs = append(errs, err)
			}
		}
		if err := d.beacon.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stop dev chain beacon: %w", err))
		}
		d.client.Close()
		if err := d.stack.Close(); err != nil {
			errs = append(errs, fmt.Errorf("stop dev chain node: %w", err))
		}
		d.estimator.Close()
		d.restoreGethLog()
		d.log.Info("dev chain stopped")
		d.closeErr = errors.Join(errs...)
	})
	return d.closeErr
}

// splitRPCAddr parses a host:port listen address.
func splitRPCAddr(addr string) (string, int, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err == nil {
		port, perr := strconv.Atoi(portText)
		if perr == nil && port >= 0 && port <= 65535 {
			if host == "" {
				host = "127.0.0.1"
			}
			return host, port, nil
		}
	}
	return "", 0, guildhall.Errorf(guildhall.EINVALID, "invalid --dev-rpc-addr %q: want host:port, e.g. %s", addr, DefaultDevRPCAddr)
}

// listenError explains a failure to listen on the dev chain's JSON-RPC address.
func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return guildhall.Errorf(guildhall.EUNAVAILABLE,
			"cannot serve the dev chain's JSON-RPC on %s: the address is in use; stop the other process or choose another with --dev-rpc-addr", addr)
	}
	var sysErr *os.SyscallError
	if errors.As(err, &sysErr) {
		return guildhall.Errorf(guildhall.EUNAVAILABLE,
			"cannot serve the dev chain's JSON-RPC on %s: %s; choose another address with --dev-rpc-addr", addr, sysErr.Err)
	}
	return guildhall.Errorf(guildhall.EUNAVAILABLE,
		"cannot serve the dev chain's JSON-RPC on %s: %s; choose another address with --dev-rpc-addr", addr, oneLine(err.Error()))
}

// virtualHosts lists the Host headers the JSON-RPC server accepts. IP addresses are always
// accepted by go-ethereum; names guard against DNS rebinding, except on a wildcard bind.
func virtualHosts(host string) []string {
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return []string{"*"}
	}
	hosts := []string{"localhost"}
	if net.ParseIP(host) == nil && host != "localhost" {
		hosts = append(hosts, host)
	}
	return hosts
}

// minLevelHandler drops records below min.
type minLevelHandler struct {
	min slog.Level
	slog.Handler
}

func (h minLevelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.min && h.Handler.Enabled(ctx, level)
}

func (h minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevelHandler{h.min, h.Handler.WithAttrs(attrs)}
}

func (h minLevelHandler) WithGroup(name string) slog.Handler {
	return minLevelHandler{h.min, h.Handler.WithGroup(name)}
}

// quietGethHandler drops go-ethereum records below warning, and the warnings that say nothing to
// a dev chain's user: one per failed RPC call (the caller gets the error), and a fresh
// database's missing head.
type quietGethHandler struct{ slog.Handler }

func (h quietGethHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= slog.LevelWarn && h.Handler.Enabled(ctx, level)
}

func (h quietGethHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelError && (strings.HasPrefix(r.Message, "Served ") || r.Message == "Head block is not reachable") {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h quietGethHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietGethHandler{h.Handler.WithAttrs(attrs)}
}

func (h quietGethHandler) WithGroup(name string) slog.Handler {
	return quietGethHandler{h.Handler.WithGroup(name)}
}

// gethLogger wraps go-ethereum's logger so log.SetDefault leaves the process's slog default
// alone (it replaces it when given go-ethereum's own logger type).
type gethLogger struct{ log.Logger }

// routeGethLog points go-ethereum's process-wide logger at h (through quietGethHandler) and returns a
// function that puts the previous logger back, unless another has replaced ours meanwhile.
func routeGethLog(h slog.Handler) (restore func()) {
	prev := log.Root()
	if _, ok := prev.(gethLogger); !ok {
		prev = gethLogger{prev}
	}
	ours := gethLogger{log.NewLogger(quietGethHandler{h.WithAttrs([]slog.Attr{slog.String("source", "geth")})})}
	log.SetDefault(ours)
	return func() {
		if cur, ok := log.Root().(gethLogger); ok && cur == ours {
			log.SetDefault(prev)
		}
	}
}
