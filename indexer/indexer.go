// Package indexer keeps PostgreSQL equal to the chain: every token, governor and timelock event of
// every community, and the state derived from them (balances, voting power, supply, proposals,
// tallies), across reorgs.
//
// It follows the shape of chainlink's log poller. The indexer depends on a narrow Client (a few
// JSON-RPC calls) and a Store declared here (package postgres implements it). Each Step reads the
// head, checks that the newest indexed block is still canonical (else walks back to the common
// ancestor through the remembered block hashes and has the store delete everything above it, in
// one transaction), then fetches the next range of blocks with one eth_getLogs over all addresses
// and topics (block by block, each by its hash, where blocks are dense: Config.BlockByBlock) and
// hands the decoded events to the store, which writes them, their derived state and
// the new cursor in one transaction. A kill at any moment therefore loses and doubles nothing: the
// cursor moves with the data. Blocks deeper than the finality depth are final; a reorg deeper than
// that stops the indexer with ErrDeepReorg rather than rewrite final history.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/governance"
)

// ErrDeepReorg is returned (wrapped) when the chain replaced blocks deeper than the finality
// depth. The indexer stops: an operator must look (a wrong --finality-depth, or a node that
// switched chains), since final history is never rewritten silently.
var ErrDeepReorg = errors.New("reorg deeper than the finality depth")

// Client is what the indexer needs from a node. chain.Client, *ethclient.Client and the simulated
// backend's client satisfy it.
type Client interface {
	// HeaderByNumber returns the canonical header at number; nil means the head.
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
	CallContract(ctx context.Context, call ethereum.CallMsg, blockNumber *big.Int) ([]byte, error)
}

// Target is one community's contracts and how far they are indexed.
type Target struct {
	CommunityID               string
	Token, Governor, Timelock common.Address
	DeploymentBlock           uint64
	// Progress is the block the community is indexed through; nil before its first batch.
	Progress *BlockRef
}

// OpenProposal is a proposal whose state may still change.
type OpenProposal struct {
	CommunityID string
	ProposalID  *big.Int
}

// Store keeps what the indexer writes. Every method is one database transaction.
type Store interface {
	// IndexCursor returns the cursor, nil before the first batch.
	IndexCursor(ctx context.Context) (*BlockRef, error)
	// IndexTargets returns every community with its progress.
	IndexTargets(ctx context.Context) ([]Target, error)
	// RecentBlocks returns the remembered blocks, newest first.
	RecentBlocks(ctx context.Context) ([]BlockRef, error)
	// OpenProposals returns the proposals of the given communities not in a final state.
	OpenProposals(ctx context.Context, communities []string) ([]OpenProposal, error)
	// ApplyBatch writes b: events, derived state, progress, cursor and blocks, all or nothing.
	// Events already stored are skipped, so applying a batch twice changes nothing.
	ApplyBatch(ctx context.Context, b *Batch) error
	// Rewind deletes every event above ancestor and everything derived from them, recomputes the
	// derived state they touched, and moves the cursor, progress and remembered blocks back to
	// ancestor: all in one transaction.
	Rewind(ctx context.Context, ancestor BlockRef) error
	// DeferIndexes, RestoreIndexes and IndexesDeferred put off, during a long backfill, the
	// indexes it spends most of its writes on, and build them once at its end (migration 0035).
	// Reads that need them are refused meanwhile; the rows are the same. DeferIndexes drops them
	// when the events expected ahead make it worth it and reports whether they are deferred;
	// RestoreIndexes builds every deferred index and reports how many; IndexesDeferred reports
	// whether any is deferred (by this process or an earlier one).
	DeferIndexes(ctx context.Context, expected int64) (bool, error)
	RestoreIndexes(ctx context.Context) (int, error)
	IndexesDeferred(ctx context.Context) (bool, error)
}

// Config tunes an Indexer. Zero values take the defaults.
type Config struct {
	// FinalityDepth is how many blocks below the head can still be replaced by a reorg; default 64.
	FinalityDepth uint64
	// FinalizedTag takes finality from the node instead: blocks above its finalized block can
	// still be replaced, those at or below it cannot (chain.Finality). FinalityDepth is ignored.
	FinalizedTag bool
	// PollInterval is how often the head is polled when caught up; default 2s.
	PollInterval time.Duration
	// MaxRange bounds the blocks of one eth_getLogs; default 10,000. The indexer starts at
	// InitialRange (default 1 block: nothing is known yet of how many logs a block holds, and a
	// first range of many blocks can be the whole history of a dense chain in one response);
	// when the node refuses a range it follows the limit or range the node's message names, else
	// halves it (after one retry at the same size when the message names no reason at all), and
	// grows back after successes, never past a limit the node named nor past what the logs per
	// block seen so far say would exceed TargetLogs.
	MaxRange, InitialRange uint64
	// TargetLogs is the number of logs per eth_getLogs (and so per batch and cursor commit) the
	// range size aims at, bounding the memory a range holds; default 10,000 (providers cap an
	// answer at about that), LocalTargetLogs for a chain read in the process.
	TargetLogs int
	// MaxRangeBytes bounds the JSON of the logs read from one answer (with 2*TargetLogs logs): a
	// client that can stop reading an answer (chain.HTTPLogs) stops there, between blocks, and the
	// range ends at the last block read whole; default 32 MiB.
	MaxRangeBytes int64
	// BlockByBlock: while the range size is at most this many blocks (blocks dense with the
	// communities' logs), logs are asked block by block, each by its block's hash (EIP-234),
	// instead of by range. go-ethereum's log index finds each matching log of a ranged search by
	// walking its block's logs from the first, so a range of blocks of thousands of logs costs
	// the node the square of that per block; a block asked by hash is read once. Default 0:
	// never (a chain read in the process); serve sets DefaultBlockByBlock for a node.
	BlockByBlock uint64
	// Prefetch is the most ranges fetched ahead while a batch is written; the
	// indexer keeps fewer in flight while the node answers before they are needed, and one after
	// a refusal; default 3.
	Prefetch int
	// ProgressEvery is how often a backfill logs its progress; default 5s.
	ProgressEvery time.Duration
	// StateWindow: proposals' state() is read only for batches ending within this many blocks
	// of the head (older state may be pruned from the node); default 64.
	StateWindow uint64
	// DeferIndexesAbove: a backfill whose blocks ahead promise at least this many events (by
	// the density of the batch before) puts off the store's per-account indexes until its batch
	// that reaches the head, or a rewind, when the store agrees (Store.DeferIndexes); default
	// DefaultDeferIndexesAbove, negative never.
	DeferIndexesAbove int64
	Logger            *slog.Logger
	Metrics           *Metrics
}

// DefaultBlockByBlock is Config.BlockByBlock for a node: ranges of 4 blocks or fewer mean
// thousands of the communities' logs a block (TargetLogs 10,000), where a ranged search costs
// go-ethereum more than twice the CPU of the same blocks asked by hash (the external-node
// benchmark's ceilings), and a request per block is at most four times as many.
const DefaultBlockByBlock = 4

// LocalTargetLogs is TargetLogs for a client that reads the chain in this process (the dev chain
// serve runs): no provider caps its answers, and a batch writes each account it touches once, so
// fewer, larger batches write fewer account rows for the same events. In BenchmarkBackfill (4,000
// holders) 40,000 ran at 1.10-1.25x the backfill rate of 20,000 side by side in one run, and 1.33x
// in two runs of each in turns; the peak heap grew by about a tenth.
const LocalTargetLogs = 40_000

func (c *Config) defaults() {
	if c.FinalityDepth == 0 {
		c.FinalityDepth = 64
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 2 * time.Second
	}
	if c.MaxRange == 0 {
		c.MaxRange = 10_000
	}
	if c.InitialRange == 0 {
		c.InitialRange = 1
	}
	if c.TargetLogs <= 0 {
		c.TargetLogs = 10_000
	}
	if c.MaxRangeBytes <= 0 {
		c.MaxRangeBytes = 32 << 20
	}
	if c.Prefetch <= 0 {
		c.Prefetch = 3
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 5 * time.Second
	}
	if c.StateWindow == 0 {
		c.StateWindow = 64
	}
	if c.DeferIndexesAbove == 0 {
		c.DeferIndexesAbove = DefaultDeferIndexesAbove
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Indexer indexes every community of one database from one chain. Run it in one process per
// database at a time: its caller leads (cmd/guildhall runs it while it holds the database's
// indexer lock, with that lock's context).
type Indexer struct {
	client Client
	store  Store
	cfg    Config
	log    *slog.Logger
	m      *Metrics
	ranger *ranger

	progress progress
	pipe     pipeline
	depth    uint64 // blocks below the head not final yet, as of the step's head
	deferral deferral
	byHash   atomic.Bool // logs are read block by block (Config.BlockByBlock), as last logged
}

func targetsKey(targets []Target) string {
	var b strings.Builder
	for _, t := range targets {
		b.WriteString(t.CommunityID)
		b.WriteByte(',')
	}
	return b.String()
}

// New returns an indexer reading from client and writing to store.
func New(client Client, store Store, cfg Config) *Indexer {
	cfg.defaults()
	m := cfg.Metrics
	if m == nil {
		m = NewMetrics(nil)
	}
	return &Indexer{
		client: client, store: store, cfg: cfg, m: m,
		log:    cfg.Logger.With("component", "indexer"),
		ranger: newRanger(cfg.InitialRange, cfg.MaxRange),
		pipe:   pipeline{depth: 1, max: cfg.Prefetch},
	}
}

// Run indexes until ctx ends (returning nil) or a deep reorg (returning ErrDeepReorg wrapped).
// Other errors (node or database unreachable) are logged and retried with a backoff. A leader
// runs it with its lock's context, so it stops when the lock is lost.
func (ix *Indexer) Run(ctx context.Context) error {
	defer ix.dropAhead() // a prefetched range is only good for this leader's view of the cursor
	ix.log.Info("indexer started", "finality", chain.Finality{Depth: ix.cfg.FinalityDepth, Tag: ix.cfg.FinalizedTag}, "poll_interval", ix.cfg.PollInterval)
	heads, stopHeads := ix.subscribeHeads(ctx)
	defer stopHeads()
	backoff := time.Second
	for {
		idle, err := ix.Step(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrDeepReorg):
			ix.m.stopped.Set(1)
			ix.log.Error("indexer stopped", "err", err)
			return err
		case err != nil:
			ix.m.errors.Inc()
			ix.log.Warn("index step failed; retrying", "err", err, "in", backoff)
			if !sleep(ctx, backoff) {
				return nil
			}
			backoff = min(2*backoff, 30*time.Second)
			continue
		}
		backoff = time.Second
		if idle {
			select {
			case <-ctx.Done():
				return nil
			case <-heads:
			case <-time.After(ix.cfg.PollInterval):
			}
		}
	}
}

// headSubscriber is implemented by clients that push new heads (websocket, in-process).
type headSubscriber interface {
	SubscribeNewHead(ctx context.Context, ch chan<- *types.Header) (ethereum.Subscription, error)
}

// subscribeHeads returns a channel that receives a value on each new head when the client can
// push them; otherwise a channel that never does (polling alone then drives the indexer).
func (ix *Indexer) subscribeHeads(ctx context.Context) (<-chan struct{}, func()) {
	wake := make(chan struct{}, 1)
	hs, ok := ix.client.(headSubscriber)
	if !ok {
		return wake, func() {}
	}
	ch := make(chan *types.Header, 16)
	sub, err := hs.SubscribeNewHead(ctx, ch)
	if err != nil {
		return wake, func() {}
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				select {
				case wake <- struct{}{}:
				default:
				}
			case <-sub.Err():
				return
			case <-done:
				return
			}
		}
	}()
	return wake, func() { sub.Unsubscribe(); close(done) }
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// Step does one unit of work: initialize the cursor, handle a reorg, catch up one community
// behind the cursor, or index the next range. idle is true when the index is at the head.
func (ix *Indexer) Step(ctx context.Context) (idle bool, err error) {
	head, err := ix.client.HeaderByNumber(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("read head: %w", err)
	}
	ix.m.head.Set(float64(head.Number.Uint64()))
	if ix.depth, err = (chain.Finality{Depth: ix.cfg.FinalityDepth, Tag: ix.cfg.FinalizedTag}).DepthAt(ctx, ix.client, head.Number.Uint64()); err != nil {
		return false, err
	}
	cursor, err := ix.store.IndexCursor(ctx)
	if err != nil {
		return false, err
	}
	targets, err := ix.store.IndexTargets(ctx)
	if err != nil {
		return false, err
	}
	if cursor == nil {
		return false, ix.initCursor(ctx, head, targets)
	}
	ix.m.cursor.Set(float64(cursor.Number))
	ix.m.lag.Set(float64(head.Number.Uint64()) - float64(cursor.Number))

	// Is the cursor block still canonical?
	if head.Number.Uint64() < cursor.Number {
		return false, ix.reorg(ctx, head, *cursor)
	}
	canon := head
	if head.Number.Uint64() != cursor.Number {
		if canon, err = ix.header(ctx, cursor.Number); err != nil {
			return false, err
		}
	}
	if canon.Hash() != cursor.Hash {
		return false, ix.reorg(ctx, head, *cursor)
	}

	var live, behind []Target
	for _, t := range targets {
		switch {
		case t.DeploymentBlock > cursor.Number, t.Progress != nil && t.Progress.Number >= cursor.Number:
			live = append(live, t)
		default:
			behind = append(behind, t)
		}
	}
	if len(behind) > 0 {
		return false, ix.catchUp(ctx, head.Number.Uint64(), *cursor, behind)
	}
	if head.Number.Uint64() == cursor.Number {
		if err := ix.restoreAtHead(ctx, cursor.Number); err != nil {
			return false, err
		}
		ix.progress.done(ix, head.Number.Uint64(), cursor.Number)
		return true, nil
	}
	return false, ix.advance(ctx, head, *cursor, live)
}

// initCursor places the cursor before the first community's deployment, or at the head when
// there is none.
func (ix *Indexer) initCursor(ctx context.Context, head *types.Header, targets []Target) error {
	start := head.Number.Uint64()
	for _, t := range targets {
		if t.DeploymentBlock > 0 && t.DeploymentBlock-1 < start {
			start = t.DeploymentBlock - 1
		}
	}
	h, err := ix.header(ctx, start)
	if err != nil {
		return err
	}
	ref := refOf(h)
	ix.log.Info("indexing starts", "block", start)
	return ix.store.ApplyBatch(ctx, &Batch{From: start, To: start, End: ref, Advance: true, Blocks: []BlockRef{ref}})
}

// reorg finds the newest remembered block that is still canonical and rewinds the store to it.
func (ix *Indexer) reorg(ctx context.Context, head *types.Header, cursor BlockRef) error {
	ix.dropAhead()
	blocks, err := ix.store.RecentBlocks(ctx)
	if err != nil {
		return err
	}
	headNum := head.Number.Uint64()
	oldest := cursor.Number // the oldest remembered block compared with the chain
	for _, b := range blocks {
		if cursor.Number-b.Number > ix.depth {
			break
		}
		oldest = b.Number
		if b.Number > headNum {
			continue
		}
		h, err := ix.header(ctx, b.Number)
		if err != nil {
			return err
		}
		if h.Hash() != b.Hash {
			continue
		}
		depth := cursor.Number - b.Number
		ix.log.Warn("reorg: rewinding to the common ancestor", "ancestor", b.Number, "ancestor_hash", b.Hash,
			"old_cursor", cursor.Number, "depth", depth)
		if err := ix.rewindWith(ctx, b); err != nil {
			return fmt.Errorf("rewind to block %d: %w", b.Number, err)
		}
		ix.m.reorgs.Inc()
		ix.m.reorgDepth.Observe(float64(depth))
		return nil
	}
	ix.m.deepReorgs.Inc()
	// The index remembers the blocks that were not final when indexed (and each batch's last): after
	// a reorg that lowered the head, a block within the depth of the cursor may have been final
	// then, and a reorg past it is deeper than the finality depth allowed.
	return fmt.Errorf("%w: block %d (%s) is no longer canonical, nor is any block the index remembers down to block %d "+
		"(those not final when indexed, no further than --finality-depth %d below it); "+
		"the index is left as it was: check the node and --finality-depth, then rebuild the database if the chain really changed",
		ErrDeepReorg, cursor.Number, cursor.Hash, oldest, ix.depth)
}

// catchUp indexes the next range of the community furthest behind the cursor, up to the cursor.
// It neither moves the cursor nor remembers blocks: the range is already covered by them.
func (ix *Indexer) catchUp(ctx context.Context, headNum uint64, cursor BlockRef, behind []Target) error {
	ix.dropAhead()
	sort.Slice(behind, func(i, j int) bool { return startOf(behind[i]) < startOf(behind[j]) })
	from := startOf(behind[0])
	var group []Target
	for _, t := range behind {
		if startOf(t) == from {
			group = append(group, t)
		}
	}
	to := min(cursor.Number, from+ix.ranger.size()-1)
	headerOf := ix.headerReader(ctx, nil)
	logs, to, err := ix.fetchLogs(ctx, from, to, group, headerOf)
	if err != nil {
		return err
	}
	if logs == nil { // range refused and shrunk: try again
		return nil
	}
	// The end's header gives the batch its time (the communities' as_of and the clock their
	// proposals' states are derived at), also when it is the cursor's block.
	h, err := headerOf(to)
	if err != nil {
		return err
	}
	end := refOf(h)
	if to == cursor.Number && end.Hash != cursor.Hash {
		return fmt.Errorf("%w: block %d is no longer the cursor's %s", errChanged, to, cursor.Hash)
	}
	known, err := ix.recentByNumber(ctx)
	if err != nil {
		return err
	}
	known[end.Number] = end.Hash
	if err := checkLogHashes(logs, known); err != nil {
		return err
	}
	b := &Batch{From: from, To: to, End: end}
	for _, t := range group {
		b.Communities = append(b.Communities, t.CommunityID)
	}
	if err := ix.fill(ctx, b, logs, group, nil, headNum); err != nil {
		return err
	}
	if err := ix.store.ApplyBatch(ctx, b); err != nil {
		return err
	}
	ix.m.events.Add(float64(b.Len()))
	ix.m.blocks.Add(float64(to - from + 1))
	ix.progress.report(ix, from, to, headNum, b.Len())
	if to == cursor.Number {
		ix.log.Info("communities caught up with the cursor", "communities", b.Communities, "block", to)
	}
	return nil
}

func startOf(t Target) uint64 {
	if t.Progress != nil {
		return t.Progress.Number + 1
	}
	return t.DeploymentBlock
}

func (ix *Indexer) recentByNumber(ctx context.Context) (map[uint64]common.Hash, error) {
	blocks, err := ix.store.RecentBlocks(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[uint64]common.Hash, len(blocks))
	for _, b := range blocks {
		m[b.Number] = b.Hash
	}
	return m, nil
}

// errChanged means the chain changed while a range was read; the next step sorts it out.
var errChanged = errors.New("the chain changed while the range was read")

func checkLogHashes(logs []types.Log, known map[uint64]common.Hash) error {
	for i := range logs {
		if h, ok := known[logs[i].BlockNumber]; ok && h != logs[i].BlockHash {
			return fmt.Errorf("%w: log in block %d has hash %s, expected %s", errChanged, logs[i].BlockNumber, logs[i].BlockHash, h)
		}
	}
	return nil
}

// advance indexes the next range above the cursor for the live communities.
func (ix *Indexer) advance(ctx context.Context, head *types.Header, cursor BlockRef, live []Target) error {
	headNum := head.Number.Uint64()
	from := cursor.Number + 1
	to := min(headNum, cursor.Number+ix.ranger.size())
	var finalTop uint64 // blocks at or below are final
	if headNum > ix.depth {
		finalTop = headNum - ix.depth
	}

	// A range fetched ahead while the previous batch was written, with the headers it needs now
	// (the head can move back on a reorg: takeAhead checks).
	var headers []*types.Header
	var logs []types.Log
	var err error
	key := targetsKey(live)
	if p := ix.takeAhead(from, finalTop, key); p != nil {
		to, logs, headers = p.to, p.logs, p.headers
	} else if logs, to, headers, err = ix.fetchRange(ctx, head, from, to, finalTop, live); err != nil || headers == nil {
		return err
	}
	// Parent links: the first header must sit on the cursor when adjacent, and each on the one before.
	prev := cursor
	for _, h := range headers {
		if n := h.Number.Uint64(); n == prev.Number+1 && h.ParentHash != prev.Hash {
			if n == from {
				return ix.reorg(ctx, head, cursor)
			}
			return fmt.Errorf("%w: block %d does not sit on block %d", errChanged, n, prev.Number)
		}
		prev = refOf(h)
	}

	b, timeOf, err := ix.batchOf(from, to, headers, logs, live)
	if err != nil {
		return err
	}
	// Backfill: fetch the next ranges while this one is decoded and written.
	if len(live) > 0 {
		ix.fetchAhead(ctx, to, finalTop, headNum, live, key)
	}
	if err := ix.fill(ctx, b, logs, live, timeOf, headNum); err != nil {
		ix.dropAhead()
		return err
	}
	if err := ix.planIndexes(ctx, from, to, headNum, b.Len()); err != nil {
		ix.dropAhead()
		return err
	}
	if err := ix.store.ApplyBatch(ctx, b); err != nil {
		ix.dropAhead()
		return err
	}
	ix.m.events.Add(float64(b.Len()))
	ix.m.blocks.Add(float64(to - from + 1))
	ix.m.cursor.Set(float64(to))
	ix.m.lag.Set(float64(headNum - to))
	ix.progress.report(ix, from, to, headNum, b.Len())
	return nil
}

// fetchRange reads the range from..to for targets (none: headers only): the headers to remember
// (every block of the range that a reorg may still replace, from finalTop up, so that a reorg as
// deep as the finality depth finds its common ancestor among them; and the range's end), and the
// logs, whose answer may end the range early at its bound (to is where it ends). The headers come
// first: a block replaced between the two reads then has logs naming another hash than its header,
// which checkLogHashes refuses; read the other way round, a replacing block's logs could be
// missing with nothing to show it. head, when not nil, is the head's header, not read again.
// headers is nil when the node refused the range (the ranger shrank it: the next step retries).
func (ix *Indexer) fetchRange(ctx context.Context, head *types.Header, from, to, finalTop uint64, targets []Target) (
	logs []types.Log, through uint64, headers []*types.Header, err error) {
	headerOf := ix.headerReader(ctx, head)
	for n := max(from, finalTop); n <= to; n++ {
		h, err := headerOf(n)
		if err != nil {
			return nil, 0, nil, err
		}
		headers = append(headers, h)
	}
	through = to
	if len(targets) > 0 {
		if logs, through, err = ix.fetchLogs(ctx, from, to, targets, headerOf); err != nil || logs == nil {
			return nil, 0, nil, err
		}
		for len(headers) > 0 && headers[len(headers)-1].Number.Uint64() > through {
			headers = headers[:len(headers)-1]
		}
	}
	if len(headers) == 0 || headers[len(headers)-1].Number.Uint64() != through {
		h, err := headerOf(through)
		if err != nil {
			return nil, 0, nil, err
		}
		headers = append(headers, h)
	}
	return logs, through, headers, nil
}

// headerReader reads headers for one step, each block's once (block by block, the logs' reads
// take the headers the range remembers, and the end's): head, when not nil, is not read at all.
func (ix *Indexer) headerReader(ctx context.Context, head *types.Header) func(n uint64) (*types.Header, error) {
	read := map[uint64]*types.Header{}
	if head != nil {
		read[head.Number.Uint64()] = head
	}
	return func(n uint64) (*types.Header, error) {
		if h := read[n]; h != nil {
			return h, nil
		}
		h, err := ix.header(ctx, n)
		if err != nil {
			return nil, err
		}
		read[n] = h
		return h, nil
	}
}

// batchOf is the batch of range from..to with its remembered headers: blocks, communities and
// what to prune, after checking that every log names the block hash of its header; and the
// headers' times by number.
func (ix *Indexer) batchOf(from, to uint64, headers []*types.Header, logs []types.Log, live []Target) (*Batch, map[uint64]uint64, error) {
	known := make(map[uint64]common.Hash, len(headers))
	blocks := make([]BlockRef, 0, len(headers))
	for _, h := range headers {
		known[h.Number.Uint64()] = h.Hash()
		blocks = append(blocks, refOf(h))
	}
	if err := checkLogHashes(logs, known); err != nil {
		return nil, nil, err
	}
	end := blocks[len(blocks)-1]
	b := &Batch{From: from, To: to, End: end, Advance: true, Blocks: blocks}
	if keep := 2*ix.depth + 1; to > keep {
		b.PruneBelow = to - keep
	}
	for _, t := range live {
		b.Communities = append(b.Communities, t.CommunityID)
	}
	timeOf := make(map[uint64]uint64, len(headers))
	for _, h := range headers {
		timeOf[h.Number.Uint64()] = h.Time
	}
	return b, timeOf, nil
}

// fill decodes logs into b, gives every event its block time and reads state() of the open
// proposals when b ends near the head.
func (ix *Indexer) fill(ctx context.Context, b *Batch, logs []types.Log, targets []Target, timeOf map[uint64]uint64, headNum uint64) error {
	if err := ix.fillTimes(ctx, logs, timeOf); err != nil {
		return err
	}
	if err := newDecoder(targets).decode(logs, &b.Events); err != nil {
		return err
	}
	b.End.Time = max(b.End.Time, timeOfBlock(timeOf, b.End.Number))
	if headNum-b.To > ix.cfg.StateWindow {
		return nil
	}
	return ix.readStates(ctx, b, targets)
}

func timeOfBlock(m map[uint64]uint64, n uint64) uint64 { return m[n] }

// fillTimes sets BlockTimestamp on logs from nodes that do not send it (older than go-ethereum
// 1.16), from the headers at hand or fetched once per block.
func (ix *Indexer) fillTimes(ctx context.Context, logs []types.Log, timeOf map[uint64]uint64) error {
	for i := range logs {
		l := &logs[i]
		if l.BlockTimestamp != 0 {
			continue
		}
		t, ok := timeOf[l.BlockNumber]
		if !ok {
			h, err := ix.header(ctx, l.BlockNumber)
			if err != nil {
				return err
			}
			if timeOf == nil {
				timeOf = map[uint64]uint64{}
			}
			t = h.Time
			timeOf[l.BlockNumber] = t
		}
		l.BlockTimestamp = t
	}
	return nil
}

// readStates reads state() at b.End of every open proposal of b's communities and of those
// created in b. A node that no longer has that block's state leaves the states to a later batch.
func (ix *Indexer) readStates(ctx context.Context, b *Batch, targets []Target) error {
	governors := make(map[string]common.Address, len(targets))
	ids := make([]string, 0, len(targets))
	for _, t := range targets {
		governors[t.CommunityID] = t.Governor
		ids = append(ids, t.CommunityID)
	}
	open, err := ix.store.OpenProposals(ctx, ids)
	if err != nil {
		return err
	}
	for _, p := range b.Proposals {
		open = append(open, OpenProposal{CommunityID: p.CommunityID, ProposalID: p.ProposalID})
	}
	at := new(big.Int).SetUint64(b.End.Number)
	for _, p := range open {
		gov := governors[p.CommunityID]
		out, err := ix.client.CallContract(ctx, ethereum.CallMsg{To: &gov, Data: governorABI.PackState(p.ProposalID)}, at)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			ix.log.Debug("state() not readable; derived from events instead", "proposal", p.ProposalID, "block", b.End.Number, "err", err)
			return nil
		}
		s, err := governorABI.UnpackState(out)
		if err != nil {
			return fmt.Errorf("decode state() of proposal %s: %w", p.ProposalID, err)
		}
		b.States = append(b.States, ProposalState{CommunityID: p.CommunityID, ProposalID: p.ProposalID, State: governance.State(s).String()})
	}
	return nil
}

// fetchLogs returns the logs of the targets' contracts in from..through, through <= to: to
// unless the answer held more than a range should (2*TargetLogs logs or MaxRangeBytes) and the
// client stopped reading it at the last block read whole. When the node refuses the range as too
// large it shrinks the range size and returns nil logs and no error: the caller tries again with
// the smaller size. An empty result is a non-nil empty slice.
//
// While the range size is at most Config.BlockByBlock, the logs are read block by block, each by
// the hash of its header (from headerOf, read before its logs).
func (ix *Indexer) fetchLogs(ctx context.Context, from, to uint64, targets []Target, headerOf func(uint64) (*types.Header, error)) (logs []types.Log, through uint64, err error) {
	q := ethereum.FilterQuery{Addresses: make([]common.Address, 0, 3*len(targets)), Topics: [][]common.Hash{Topics}}
	for _, t := range targets {
		q.Addresses = append(q.Addresses, t.Token, t.Governor, t.Timelock)
	}
	size := ix.ranger.size()
	dense := size <= ix.cfg.BlockByBlock
	if ix.byHash.CompareAndSwap(!dense, dense) { // say so when it changes
		if dense {
			ix.log.Info("blocks are dense with the communities' logs: reading them block by block, by hash", "block", from, "range_blocks", size)
		} else {
			ix.log.Info("blocks are no longer dense: reading logs by range again", "block", from, "range_blocks", size)
		}
	}
	if dense {
		if logs, through, err = ix.fetchBlockLogs(ctx, from, to, q, headerOf); err != nil {
			return nil, 0, err
		}
	} else if logs, through, err = ix.fetchRangeLogs(ctx, from, to, q); err != nil || logs == nil {
		return nil, 0, err
	}
	ix.ranger.succeeded(through-from+1, len(logs), ix.cfg.TargetLogs)
	ix.m.rangeSize.Set(float64(ix.ranger.size()))
	return logs, through, nil
}

// fetchRangeLogs asks for the logs of q in from..to with one eth_getLogs. A range the node
// refused is shrunk, with nil logs and no error.
func (ix *Indexer) fetchRangeLogs(ctx context.Context, from, to uint64, q ethereum.FilterQuery) (logs []types.Log, through uint64, err error) {
	q.FromBlock, q.ToBlock = new(big.Int).SetUint64(from), new(big.Int).SetUint64(to)
	through = to
	if c, ok := ix.client.(logsUpTo); ok {
		logs, through, err = c.FilterLogsUpTo(ctx, q, 2*ix.cfg.TargetLogs, ix.cfg.MaxRangeBytes)
	} else {
		logs, err = ix.client.FilterLogs(ctx, q)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		if size, reason, ok := ix.ranger.refused(err, to-from+1); ok {
			ix.m.rangeRefusals.Inc()
			ix.m.rangeSize.Set(float64(size))
			ix.log.Info("the node refused the log range; shrinking it", "from", from, "to", to, "new_size", size,
				"reason", reason, "err", err)
			return nil, 0, nil
		}
		return nil, 0, fmt.Errorf("get logs %d..%d: %w", from, to, err)
	}
	if through < from || through > to {
		return nil, 0, fmt.Errorf("get logs %d..%d: the answer ends at block %d", from, to, through)
	}
	if logs == nil {
		logs = []types.Log{}
	}
	return logs, through, nil
}

// fetchBlockLogs asks for the logs of q in from..to block by block, each by its block's hash
// (EIP-234), up to the block where they reach 2*TargetLogs: through is the last block read.
func (ix *Indexer) fetchBlockLogs(ctx context.Context, from, to uint64, q ethereum.FilterQuery, headerOf func(uint64) (*types.Header, error)) (logs []types.Log, through uint64, err error) {
	for n := from; n <= to && len(logs) < 2*ix.cfg.TargetLogs; n++ {
		h, err := headerOf(n)
		if err != nil {
			return nil, 0, err
		}
		hash := h.Hash()
		q.BlockHash = &hash
		got, err := ix.client.FilterLogs(ctx, q)
		if err != nil {
			if ctx.Err() != nil {
				return nil, 0, ctx.Err()
			}
			// Most likely the block was replaced since its header was read: the next step
			// finds out.
			return nil, 0, fmt.Errorf("get logs of block %d (%s): %w", n, hash, err)
		}
		if len(logs) == 0 {
			logs = got // most often the range's one block: kept, not copied
		} else {
			logs = append(logs, got...)
		}
		through = n
	}
	if logs == nil { // no logs (or a node's null): nil would mean a refused range, as in fetchRangeLogs
		logs = []types.Log{}
	}
	return logs, through, nil
}

// logsUpTo is a client that can stop reading an eth_getLogs answer at a bound, between blocks
// (chain.HTTPLogs): the logs are those of q.FromBlock..through.
type logsUpTo interface {
	FilterLogsUpTo(ctx context.Context, q ethereum.FilterQuery, maxLogs int, maxBytes int64) (logs []types.Log, through uint64, err error)
}

func (ix *Indexer) header(ctx context.Context, n uint64) (*types.Header, error) {
	h, err := ix.client.HeaderByNumber(ctx, new(big.Int).SetUint64(n))
	if err != nil {
		return nil, fmt.Errorf("read header %d: %w", n, err)
	}
	return h, nil
}

func refOf(h *types.Header) BlockRef {
	return BlockRef{Number: h.Number.Uint64(), Hash: h.Hash(), ParentHash: h.ParentHash, Time: h.Time}
}
