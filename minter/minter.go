// Package minter mints accepted rewards: it claims pending rewards of the ledger into batches
// (bounded by count, by gas and by a short wait), sends each as one GuildToken.mintBatch through
// the operator's chain.Sender with a batch id derived from the ledger, and confirms a batch's
// rewards once the batch is final and the indexed events match it.
//
// Exactly once, across crashes: a batch row is committed before anything is sent; its transaction
// is recorded by the sender under a key named after the batch before it is broadcast; a resend
// after a crash reuses that record, and should a second transaction for the same batch ever be
// mined, the token refuses it (BatchAlreadyMinted) because the batch id is the same.
//
// Failures are per batch: a batch that cannot be minted (its mintBatch would revert because the
// operator lost MINTER_ROLE, its community's token is not a GuildToken, its transaction reverted,
// a store error) is logged, counted and tried again after an exponential backoff while every
// other batch goes on, and its community claims no new batch until it moves again. Its rewards
// stay where they are (pending, or submitted in the batch): they are never dropped, marked failed
// or minted twice. The in-flight slots are shared round-robin between communities, so a busy one
// does not starve the others.
package minter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/rewards"
)

// Store is what the minter needs of the ledger.
type Store interface {
	Communities(ctx context.Context, after string, limit int) ([]*guildhall.Community, error)
	// Batch returns one batch by row id; nil when there is none.
	Batch(ctx context.Context, batchID int64) (*rewards.Batch, error)
	// ClaimBatches claims up to n batches of up to size unbatched rewards of a community in one
	// write: every full batch, and a last one of fewer when its oldest reward waited maxWait. It
	// returns the batches and their rewards (each naming its batch); none when there is nothing
	// to claim yet.
	ClaimBatches(ctx context.Context, communityID string, size, n int, maxWait time.Duration) ([]*rewards.Batch, []*rewards.Reward, error)
	// ShrinkBatch returns the rewards of an open batch after its first keep to the unbatched pool.
	ShrinkBatch(ctx context.Context, batchID int64, keep int) (*rewards.Batch, error)
	UnconfirmedBatches(ctx context.Context) ([]*rewards.Batch, error)
	BatchRewards(ctx context.Context, batchID int64) ([]*rewards.Reward, error)
	// MarkBatchesSent links batches (row id to the sender's transaction id) in one write.
	MarkBatchesSent(ctx context.Context, sent map[int64]int64) error
	// SetBatchTxHashes records, in one write, the hash and block of batch ids[k]'s mined
	// transaction (txHashes[k], blocks[k]) for the API, before the batches are confirmed.
	SetBatchTxHashes(ctx context.Context, ids []int64, txHashes []string, blocks []uint64) error
	// ConfirmBatchesFromIndex confirms, in one write, each batch bs[k] whose indexed
	// RewardBatchMinted event is final and the indexed mints of whose transaction match mints[k];
	// it returns the confirmed batches' transaction hashes by row id.
	ConfirmBatchesFromIndex(ctx context.Context, bs []*rewards.Batch, mints [][]rewards.Mint, finalityDepth uint64) (map[int64]string, error)
}

// Sender is the part of chain.Sender the minter uses.
type Sender interface {
	Send(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gasLimit uint64) (*chain.TxRecord, error)
	Tx(ctx context.Context, key string) (*chain.TxRecord, error)
	TxStatuses(ctx context.Context, ids []int64) (map[int64]chain.TxStatus, error)
	EstimateGas(ctx context.Context, to common.Address, data []byte, value *big.Int) (uint64, error)
	From() common.Address // the operator: the account that sends
	// SendCalls records many intents in one write and broadcasts them (see chain.Sender).
	SendCalls(ctx context.Context, calls []chain.Call) ([]*chain.TxRecord, error)
}

// Caller runs eth_call: the minter asks a community's token whether it is a GuildToken and
// whether a batch was minted (batchMinted). chain.Client satisfies it.
type Caller interface {
	CallContract(ctx context.Context, call ethereum.CallMsg, blockNumber *big.Int) ([]byte, error)
}

// Config tunes a Minter.
type Config struct {
	// MaxBatch bounds the rewards of one batch (and so its calldata); default DefaultMaxBatch. A
	// batch whose mintBatch would not fit one transaction's gas (MaxTxGas) is cut to fit before it
	// is sent, so batches of returning holders are about twice as large as batches of new ones.
	MaxBatch int
	// MaxWait is how long a reward waits for its batch to fill; default 250ms.
	MaxWait time.Duration
	// MaxInFlight bounds the batches on their way to a block: claimed, and sent but not mined yet
	// (what the node's pool holds of this minter); default 64. Batches whose transactions are
	// mined and wait for finality are followed besides, up to followFactor times as many in all:
	// bounding those by the same count would hold claims back for the blocks to finality.
	MaxInFlight int
	// FinalityDepth is the indexer's finality depth: a batch is confirmed when its event is this
	// many blocks below the indexed head.
	FinalityDepth uint64
	// Finality, when set, gives that depth as of now instead (with the node's finalized block,
	// chain.Finality's Tag, the head's distance above it).
	Finality func(ctx context.Context) (uint64, error)
	// PollInterval is how often the ledger is polled; default 100ms.
	PollInterval time.Duration
	// RetryBackoff is how long a batch that failed waits before it is tried again; it doubles
	// with each failure in a row, up to MaxRetryBackoff. Defaults 1s and 5m. A batch whose
	// mintBatch would revert costs nothing while it waits (no transaction is sent), so it is
	// tried again for as long as it takes: governance may grant MINTER_ROLE back.
	RetryBackoff, MaxRetryBackoff time.Duration
	// MaxReverts bounds the transactions of one batch this minter lets be mined and revert (each
	// costs gas though its gas estimate passed): after that many the batch is parked, logged at
	// error level and counted, and not sent again until the minter restarts. Default 3.
	MaxReverts int
	// Metrics receives the minter's metrics; nil: metrics that are not registered anywhere.
	Metrics *Metrics
	Logger  *slog.Logger
}

const (
	// DefaultMaxBatch is the default bound of rewards in one batch: about what fits 2^24 gas when
	// every recipient already holds tokens (~47k gas each); batches of new holders (~101k) are cut
	// to about half of it.
	DefaultMaxBatch = 300
	// GasPerNewHolder bounds the gas mintBatch spends per recipient that holds nothing yet
	// (balance, self-delegation, two checkpoints, three events), measured on GuildToken.
	GasPerNewHolder = 101_000
	// checkpointSlack is the gas one recipient may need beyond the estimate: estimates run at the
	// latest block's timestamp, where a delegate checkpointed in that block is updated in place,
	// while the transaction runs in a later block and pushes a new checkpoint slot (~20,000 for
	// the slot, ~2,900 for the length). Unused gas is not charged.
	checkpointSlack = 25_000
	// txSlack covers the per-transaction part the estimate may miss the same way (the total
	// supply checkpoint) and the estimator's rounding.
	txSlack = 100_000
)

// followFactor bounds the batches a minter follows (on their way, or mined and waiting for
// finality) to this many times MaxInFlight: their rewards are held in memory.
const followFactor = 4

// communityPage is how many communities one read of the store lists; a step reads them all.
const communityPage = 500

// gasLimit is the gas to send a mintBatch of mints recipients with, given the node's estimate.
func gasLimit(estimate uint64, mints int) uint64 {
	return estimate + uint64(mints)*checkpointSlack + txSlack
}

// Minter mints the ledger's rewards. It keeps the batches it has in flight in memory, reading
// the ledger's unconfirmed batches only when it starts and after an error, and follows their
// transactions with one read per step.
type Minter struct {
	store  Store
	sender Sender
	calls  Caller
	cfg    Config
	log    *slog.Logger
	token  *guildtoken.GuildToken

	flights   map[int64]*flight // nil: load from the ledger on the next step
	claimSize map[string]int    // per community: how many rewards fit a transaction lately
	// retries holds the failures of batches; unlike flights it outlives a reload from the
	// ledger, so a failing batch keeps its backoff and its count of reverted transactions.
	retries map[int64]*retryState
	tokens  map[common.Address]bool      // tokens seen answering batchMinted: GuildTokens
	gas     map[common.Address]*gasCache // per token: its holders and cached gas (see gasCache)
	turn    int                          // where the next step's round-robin of communities starts
	ready   []*flight                    // the step's batches whose transactions are final: to confirm
	mined   []minedTx                    // the step's batches whose transactions were mined: to record
	metrics *Metrics
}

// retryState is what the minter remembers of a batch's failures.
type retryState struct {
	community string
	failures  int // in a row, since the batch last moved on
	at        time.Time
	reverted  map[int64]bool // the batch's sender intents that were mined and reverted
	parked    bool
}

// minedTx is a batch's transaction seen mined and succeeded, its hash not recorded on the batch yet.
type minedTx struct {
	batch int64
	hash  string
	block uint64
}

// flight is a batch the minter follows until it is confirmed.
type flight struct {
	b       *rewards.Batch
	rewards []*rewards.Reward
	mints   []rewards.Mint
	attempt int   // the newest attempt's number (txKey)
	txID    int64 // the newest attempt's sender intent; 0 when none is recorded
	hashSet bool  // the mined transaction's hash is recorded on the batch
	mined   bool  // by the status read last, the newest transaction is in a block
	stale   bool  // an error may have left it unlike the ledger: read it again before use
	// fresh: claimed by this minter this step, under a batch id no intent was recorded for (the
	// row id is new), so the sender is not asked for its intents before the first send.
	fresh bool
}

// New returns a minter that claims from store, sends through sender and asks the tokens through
// calls. Each is required: New panics when one is nil.
func New(store Store, sender Sender, calls Caller, cfg Config) *Minter {
	if store == nil || sender == nil || calls == nil {
		panic("minter.New: store, sender and calls are required")
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 250 * time.Millisecond
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 64
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 100 * time.Millisecond
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = time.Second
	}
	if cfg.MaxRetryBackoff <= 0 {
		cfg.MaxRetryBackoff = 5 * time.Minute
	}
	cfg.MaxRetryBackoff = max(cfg.MaxRetryBackoff, cfg.RetryBackoff)
	if cfg.MaxReverts <= 0 {
		cfg.MaxReverts = 3
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	metrics := cfg.Metrics
	if metrics == nil {
		metrics = NewMetrics(nil)
	}
	return &Minter{store: store, sender: sender, calls: calls, cfg: cfg, log: log.With("component", "minter"), token: guildtoken.NewGuildToken(),
		claimSize: map[string]int{}, retries: map[int64]*retryState{}, tokens: map[common.Address]bool{},
		gas: map[common.Address]*gasCache{}, metrics: metrics}
}

// Run mints until ctx ends. Errors (database or chain unreachable) are logged and retried.
func (m *Minter) Run(ctx context.Context) error {
	// Start from the ledger, not from what a previous Run had in flight: between two runs (the
	// minter lock lost and taken again) another process may have led.
	m.flights = nil
	delay := m.cfg.PollInterval
	for {
		busy, err := m.Step(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			m.log.Warn("minting failed; will retry", "err", err)
			delay = min(delay*2, 5*time.Second)
		default:
			delay = m.cfg.PollInterval
		}
		if busy && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
	}
}

// Step moves every batch in flight one step on (send it, confirm it) and claims and sends new
// batches while fewer than MaxInFlight are on their way to a block (see Config.MaxInFlight), so
// several transactions are on their way at once (the sender gives them consecutive nonces).
// busy reports that it did something.
//
// A batch that fails is set aside (see fail) and the step goes on with the others. An error of
// the step itself (the ledger or the sender's store unreachable) ends it, and the next step
// starts again from what the ledger and the sender recorded.
func (m *Minter) Step(ctx context.Context) (busy bool, err error) {
	defer func() {
		if err != nil {
			m.flights = nil
		}
		m.gauges()
	}()
	m.ready, m.mined = nil, nil // what a step that ended early left is read again from the ledger
	if m.flights == nil {
		if err := m.load(ctx); err != nil {
			return false, err
		}
	}
	ids := make([]int64, 0, len(m.flights))
	for _, f := range m.flights {
		if f.txID != 0 {
			ids = append(ids, f.txID)
		}
	}
	statuses, err := m.sender.TxStatuses(ctx, ids)
	if err != nil {
		return false, err
	}
	now := time.Now()
	for _, id := range slices.Sorted(maps.Keys(m.flights)) {
		f := m.flights[id]
		if m.waiting(id, now) {
			continue
		}
		progressed, err := m.advance(ctx, f, statuses[f.txID])
		if err != nil {
			if ctx.Err() != nil {
				return busy, ctx.Err()
			}
			if nf := m.flights[id]; nf != nil {
				f = nf // advance may have replaced a stale flight with one read again: mark that one
			}
			m.fail(f, err)
			continue
		}
		m.moved(id)
		busy = busy || progressed
	}
	m.recordMined(ctx)
	if m.confirmReady(ctx) {
		busy = true
	}
	if ctx.Err() != nil {
		return busy, ctx.Err()
	}
	var communities []*guildhall.Community
	for after := ""; ; {
		page, err := m.store.Communities(ctx, after, communityPage)
		if err != nil {
			return busy, err
		}
		communities = append(communities, page...)
		if len(page) < communityPage {
			break
		}
		after = page[len(page)-1].ID
	}
	claimed, err := m.claim(ctx, communities)
	return busy || claimed, err
}

// sendRound is how many batches claimed in a step are recorded and broadcast together.
const sendRound = 8

// outbox holds the calls of batches claimed and priced in a step, not recorded yet.
type outbox struct {
	flights []*flight
	calls   []chain.Call
}

// flush records and broadcasts the outbox's calls in one round (see chain.Sender.SendCalls) and
// links each batch to its transaction, all in one write. A round that fails sets its batches
// aside, and blocks their communities for the step, as a batch that fails alone.
func (m *Minter) flush(ctx context.Context, out *outbox, blocked map[string]bool) {
	if len(out.calls) == 0 {
		return
	}
	flights, calls := out.flights, out.calls
	out.flights, out.calls = nil, nil
	recs, err := m.sender.SendCalls(ctx, calls)
	if err == nil {
		for k, f := range flights {
			m.sentAs(f, recs[k])
		}
		err = m.link(ctx, flights)
	}
	if err != nil {
		for _, f := range flights {
			m.fail(f, err)
			blocked[f.b.CommunityID] = true
		}
	}
}

// claim claims and sends new batches while slots are free, a share of the free slots per
// community per round (one batch each while many communities wait, up to a round of sendRound
// for one alone), starting each step's rounds one community further on, so that the slots a busy
// community's confirmed batches free are shared with every community that has rewards waiting.
// A community with a batch that failed and has not moved on since claims nothing: it would only
// fail again and take more slots.
func (m *Minter) claim(ctx context.Context, communities []*guildhall.Community) (busy bool, err error) {
	if len(communities) == 0 {
		return false, nil
	}
	blocked := map[string]bool{}
	for _, r := range m.retries {
		if r.failures > 0 || r.parked {
			blocked[r.community] = true
		}
	}
	var out outbox
	m.turn = (m.turn + 1) % len(communities)
	round := append(slices.Clone(communities[m.turn:]), communities[:m.turn]...)
	for len(round) > 0 && m.free() > 0 {
		var next []*guildhall.Community
		for _, c := range round {
			free := m.free()
			if free <= 0 {
				break
			}
			if blocked[c.ID] {
				continue
			}
			claimed, err := m.claimFor(ctx, c.ID, min(free/len(round), sendRound-len(out.calls)), &out, blocked)
			if err != nil {
				return busy, err
			}
			if claimed {
				busy = true
				next = append(next, c)
			}
		}
		round = next
	}
	m.flush(ctx, &out, blocked)
	return busy, nil
}

// free is how many batches the minter may claim now: MaxInFlight less those on their way to a
// block, and no more than followFactor times MaxInFlight followed in all.
func (m *Minter) free() int {
	onTheirWay := 0
	for _, f := range m.flights {
		if !f.mined {
			onTheirWay++
		}
	}
	return min(m.cfg.MaxInFlight-onTheirWay, followFactor*m.cfg.MaxInFlight-len(m.flights))
}

// claimFor claims up to n batches (at least one) of a community in one write, prices them and
// puts them in the outbox, flushing it when it holds a round. Until the community's batch size
// is learned (see learnSize), it claims one batch: the first may be cut to fit a transaction.
// A batch that fails to price is set aside and blocks its community; the other batches of the
// claim are followed and sent by the next steps.
func (m *Minter) claimFor(ctx context.Context, communityID string, n int, out *outbox, blocked map[string]bool) (bool, error) {
	size, learned := m.claimSize[communityID]
	if !learned {
		size, n = m.cfg.MaxBatch, 1
	}
	bs, rs, err := m.store.ClaimBatches(ctx, communityID, size, max(n, 1), m.cfg.MaxWait)
	if err != nil || len(bs) == 0 {
		return false, err
	}
	byBatch := map[int64][]*rewards.Reward{}
	for _, r := range rs {
		byBatch[r.BatchID] = append(byBatch[r.BatchID], r)
	}
	fs := make([]*flight, len(bs))
	for k, b := range bs {
		fs[k] = m.trackClaimed(b, byBatch[b.ID])
	}
	for _, f := range fs {
		if blocked[communityID] {
			break
		}
		call, err := m.claimed(ctx, f)
		if err != nil {
			if ctx.Err() != nil {
				return true, ctx.Err()
			}
			m.fail(f, err)
			blocked[communityID] = true
			continue
		}
		if call != nil { // nil: minted already; the next step's advance confirms it
			out.flights, out.calls = append(out.flights, f), append(out.calls, *call)
		}
		if len(out.calls) == sendRound {
			m.flush(ctx, out, blocked)
		}
	}
	return true, nil
}

// claimed checks that a batch just claimed holds what its row says and prices its first
// transaction (see prepare).
func (m *Minter) claimed(ctx context.Context, f *flight) (*chain.Call, error) {
	if err := adds(f.b, f.rewards); err != nil {
		return nil, err
	}
	return m.prepare(ctx, f, txKey(f.b, 0))
}

// adds checks that rs are batch b's rewards by its row: a batch that does not add up is not sent.
func adds(b *rewards.Batch, rs []*rewards.Reward) error {
	total := new(big.Int)
	for _, r := range rs {
		total.Add(total, r.Amount)
	}
	if len(rs) != b.Count || total.Cmp(b.Total) != 0 {
		return fmt.Errorf("batch %d holds %d rewards of %s, its row says %d of %s", b.ID, len(rs), total, b.Count, b.Total)
	}
	return nil
}

// errReverted is a batch's mined transaction that reverted without minting it.
var errReverted = errors.New("mintBatch transaction reverted without minting the batch")

// errNotGuildToken is a community token that does not answer GuildToken's batchMinted.
var errNotGuildToken = errors.New("the community's token is not a GuildToken")

// fail sets a batch that failed aside: it is tried again after a backoff that doubles with each
// failure in a row, and its community claims nothing new meanwhile. The batch and its rewards
// stay as they are in the ledger; nothing is dropped.
func (m *Minter) fail(f *flight, err error) {
	f.fresh = false // what a failed send left behind is read again, never assumed
	m.unpriced(f)
	r := m.retry(f.b)
	r.failures++
	wait := m.cfg.MaxRetryBackoff
	if r.failures <= 30 {
		wait = min(m.cfg.RetryBackoff<<(r.failures-1), m.cfg.MaxRetryBackoff)
	}
	r.at = time.Now().Add(wait)
	reason := reasonError
	switch {
	case errors.Is(err, chain.ErrWouldRevert):
		reason = reasonWouldRevert
	case errors.Is(err, errNotGuildToken):
		reason = reasonNotGuildToken
	case errors.Is(err, errReverted):
		reason = reasonReverted
	default:
		// A store or node error may have come after a write it did not see the end of (a shrink,
		// a recorded transaction): read the batch again before the next try.
		f.stale = true
	}
	m.metrics.failures.WithLabelValues(reason).Inc()
	m.log.Warn("minting a batch failed; the other batches go on, this one is tried again later",
		"batch", f.b.ID, "community", f.b.CommunityID, "rewards", f.b.Count, "reason", reason,
		"failures_in_a_row", r.failures, "retry_in", wait.String(), "err", err)
}

// retry returns the failure record of batch b, creating it.
func (m *Minter) retry(b *rewards.Batch) *retryState {
	r := m.retries[b.ID]
	if r == nil {
		r = &retryState{community: b.CommunityID, reverted: map[int64]bool{}}
		m.retries[b.ID] = r
	}
	return r
}

// moved records that a batch was moved on without an error: its failures in a row are over (and
// its community claims again). Its reverted transactions stay counted.
func (m *Minter) moved(id int64) {
	if r := m.retries[id]; r != nil {
		r.failures, r.at = 0, time.Time{}
		if len(r.reverted) == 0 && !r.parked {
			delete(m.retries, id)
		}
	}
}

// waiting reports whether batch id is set aside at now: backing off or parked.
func (m *Minter) waiting(id int64, now time.Time) bool {
	r := m.retries[id]
	return r != nil && (r.parked || now.Before(r.at))
}

// gauges updates the in-flight gauges.
func (m *Minter) gauges() {
	now := time.Now()
	var backingOff, parked int
	for _, r := range m.retries {
		switch {
		case r.parked:
			parked++
		case now.Before(r.at):
			backingOff++
		}
	}
	m.metrics.inFlight.Set(float64(len(m.flights)))
	m.metrics.backingOff.Set(float64(backingOff))
	m.metrics.parked.Set(float64(parked))
}

// load reads the ledger's unconfirmed batches and the newest transaction of each.
func (m *Minter) load(ctx context.Context) error {
	open, err := m.store.UnconfirmedBatches(ctx)
	if err != nil {
		return err
	}
	m.flights = map[int64]*flight{}
	for _, b := range open {
		if _, err := m.track(ctx, b); err != nil {
			m.flights = nil
			return fmt.Errorf("batch %d: %w", b.ID, err)
		}
	}
	for id := range m.retries {
		if m.flights[id] == nil {
			delete(m.retries, id) // confirmed meanwhile (by another minter)
		}
	}
	return nil
}

// track starts following batch b: its rewards as the ledger holds them and the newest
// transaction the sender recorded for it.
func (m *Minter) track(ctx context.Context, b *rewards.Batch) (*flight, error) {
	f, err := m.readFlight(ctx, b)
	if err != nil {
		return nil, err
	}
	for n := 0; ; n++ {
		rec, err := m.sender.Tx(ctx, txKey(b, n))
		if err != nil {
			return nil, err
		}
		if rec == nil {
			break
		}
		f.attempt, f.txID = n, rec.ID
	}
	m.flights[b.ID] = f
	return f, nil
}

// trackClaimed starts following batch b that this minter just claimed with its rewards rs, as
// the claim read them, and no transaction (its row id is new, so no intent names it).
func (m *Minter) trackClaimed(b *rewards.Batch, rs []*rewards.Reward) *flight {
	f := &flight{b: b, rewards: rs, mints: rewards.Coalesce(rs), fresh: true}
	m.flights[b.ID] = f
	return f
}

// readFlight reads batch b's rewards as the ledger holds them into a flight, not followed yet.
func (m *Minter) readFlight(ctx context.Context, b *rewards.Batch) (*flight, error) {
	rs, err := m.store.BatchRewards(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	return &flight{b: b, rewards: rs, mints: rewards.Coalesce(rs)}, nil
}

// refresh reads a stale flight again from the ledger and the sender; nil when the batch is no
// longer unconfirmed.
func (m *Minter) refresh(ctx context.Context, f *flight) (*flight, error) {
	b, err := m.store.Batch(ctx, f.b.ID)
	if err != nil {
		return nil, err
	}
	if b == nil || b.State == rewards.BatchConfirmed {
		delete(m.flights, f.b.ID)
		delete(m.retries, f.b.ID)
		return nil, nil
	}
	nf, err := m.track(ctx, b)
	if err != nil {
		return nil, err
	}
	nf.hashSet = f.hashSet
	return nf, nil
}

// txKey names the sender intent of a batch's attempt n (0 first; more only after a revert).
func txKey(b *rewards.Batch, n int) string {
	if n == 0 {
		return fmt.Sprintf("reward-batch/%s/%d", b.CommunityID, b.ID)
	}
	return fmt.Sprintf("reward-batch/%s/%d/retry-%d", b.CommunityID, b.ID, n)
}

// advance moves one batch on, given its newest transaction's status (zero when it has none):
// send it when it has no transaction, confirm it when its transaction is final, send it again
// when that transaction reverted without minting the batch.
func (m *Minter) advance(ctx context.Context, f *flight, st chain.TxStatus) (bool, error) {
	if f.stale {
		nf, err := m.refresh(ctx, f)
		if err != nil || nf == nil {
			return nf == nil && err == nil, err
		}
		if f = nf; st.ID != f.txID {
			st = chain.TxStatus{} // read for another intent: look again next step
		}
	}
	b := f.b
	f.mined = f.txID != 0 && (st.State == chain.TxMined || st.State == chain.TxFinal)
	if f.txID == 0 {
		return m.sendAttempt(ctx, f)
	}
	if b.State == rewards.BatchOpen || b.TxID != f.txID {
		// Recorded by the sender, but the crash came before the batch was linked to it.
		if err := m.link(ctx, []*flight{f}); err != nil {
			return false, err
		}
	}
	switch st.State {
	case chain.TxMined, chain.TxFinal:
	default:
		return false, nil // pending (or a status not read yet)
	}
	if st.Succeeded && !f.hashSet {
		m.mined = append(m.mined, minedTx{batch: b.ID, hash: st.MinedHash.Hex(), block: st.BlockNumber})
		f.hashSet = true
		m.minedOK(f)
	}
	if st.State != chain.TxFinal {
		return false, nil
	}
	if !st.Succeeded && !m.minted(ctx, b) {
		// Resent (as the next attempt, after a backoff) at most MaxReverts times in this
		// process: each revert costs gas, and one whose estimate passed is not something
		// sending again is likely to fix.
		r := m.retry(b)
		if !r.reverted[f.txID] {
			r.reverted[f.txID] = true
			m.metrics.reverted.Inc()
			m.reverted(f)
		}
		if len(r.reverted) >= m.cfg.MaxReverts {
			if !r.parked {
				r.parked = true
				m.log.Error("mint transactions of a batch reverted too often; the batch is parked (its rewards stay unminted) until the minter restarts",
					"batch", b.ID, "community", b.CommunityID, "rewards", b.Count, "reverted", len(r.reverted), "tx", st.MinedHash)
			}
			return false, nil
		}
		f.attempt++
		f.txID, f.mined = 0, false
		return false, fmt.Errorf("%w: %s (%d of at most %d)", errReverted, st.MinedHash, len(r.reverted), m.cfg.MaxReverts)
	}
	m.ready = append(m.ready, f)
	return false, nil
}

// recordMined records the hashes of the step's mined transactions on their batches, in one
// write, for the API. It is not needed to mint or confirm them, so a failure is only logged.
func (m *Minter) recordMined(ctx context.Context) {
	if len(m.mined) == 0 {
		return
	}
	ids, hashes, blocks := make([]int64, len(m.mined)), make([]string, len(m.mined)), make([]uint64, len(m.mined))
	for k, t := range m.mined {
		ids[k], hashes[k], blocks[k] = t.batch, t.hash, t.block
	}
	m.mined = m.mined[:0]
	if err := m.store.SetBatchTxHashes(ctx, ids, hashes, blocks); err != nil {
		m.log.Warn("recording mined transactions on their batches failed", "batches", len(ids), "err", err)
	}
}

// confirmReady confirms the step's batches whose transactions are final (or that the token says
// are minted) once the indexer holds their events, all in one write, and stops following them.
// It reports whether it confirmed any. A failed write sets each of them aside (see fail).
func (m *Minter) confirmReady(ctx context.Context) bool {
	fs := m.ready
	m.ready = nil
	if len(fs) == 0 {
		return false
	}
	hashes, err := m.confirmAll(ctx, fs)
	if err != nil {
		if ctx.Err() == nil {
			for _, f := range fs {
				m.fail(f, err)
			}
		}
		return false
	}
	for _, f := range fs {
		txHash, ok := hashes[f.b.ID]
		if !ok {
			continue // not indexed, or not final yet
		}
		m.log.Debug("batch confirmed", "batch", f.b.ID, "rewards", f.b.Count, "tx", txHash)
		f.b.State = rewards.BatchConfirmed
		delete(m.flights, f.b.ID)
		delete(m.retries, f.b.ID)
		m.metrics.confirmed.Inc()
		m.metrics.rewardsConfirmed.Add(float64(f.b.Count))
	}
	return len(hashes) > 0
}

// confirmAll asks the finality depth once and confirms the batches of fs the index says are
// minted and final (see Store.ConfirmBatchesFromIndex).
func (m *Minter) confirmAll(ctx context.Context, fs []*flight) (map[int64]string, error) {
	depth := m.cfg.FinalityDepth
	if m.cfg.Finality != nil {
		var err error
		if depth, err = m.cfg.Finality(ctx); err != nil {
			return nil, err
		}
	}
	bs, mints := make([]*rewards.Batch, len(fs)), make([][]rewards.Mint, len(fs))
	for k, f := range fs {
		bs[k], mints[k] = f.b, f.mints
	}
	return m.store.ConfirmBatchesFromIndex(ctx, bs, mints, depth)
}

// sendAttempt sends the batch's mintBatch as its attempt f.attempt and links the batch to it.
func (m *Minter) sendAttempt(ctx context.Context, f *flight) (bool, error) {
	rec, err := m.send(ctx, f, txKey(f.b, f.attempt))
	if err != nil {
		return false, err
	}
	if rec == nil {
		// Already minted on chain: the indexed event confirms it.
		m.ready = append(m.ready, f)
		return false, nil
	}
	m.sentAs(f, rec)
	return true, m.link(ctx, []*flight{f})
}

// sentAs follows batch f as sent by the transaction rec that was recorded and broadcast for it.
func (m *Minter) sentAs(f *flight, rec *chain.TxRecord) {
	f.txID, f.fresh = rec.ID, false
	m.moved(f.b.ID)
	m.metrics.sent.Inc()
}

// link records in the ledger, in one write, that each batch of fs is sent as its newest
// transaction (f.txID).
func (m *Minter) link(ctx context.Context, fs []*flight) error {
	sent := make(map[int64]int64, len(fs))
	for _, f := range fs {
		sent[f.b.ID] = f.txID
	}
	if err := m.store.MarkBatchesSent(ctx, sent); err != nil {
		return err
	}
	for _, f := range fs {
		f.b.State, f.b.TxID = rewards.BatchSent, f.txID
	}
	return nil
}

// send sends the batch's mintBatch under key (see prepare). A batch the token says is already
// minted is not sent again (nil, nil): the indexed event will confirm it.
func (m *Minter) send(ctx context.Context, f *flight, key string) (*chain.TxRecord, error) {
	if !f.fresh {
		if rec, err := m.sender.Tx(ctx, key); err != nil || rec != nil {
			return rec, err // recorded before a crash (or by an earlier step): never signed twice
		}
	}
	call, err := m.prepare(ctx, f, key)
	if err != nil || call == nil {
		return nil, err
	}
	return m.sender.Send(ctx, call.Key, call.To, call.Data, nil, call.GasLimit)
}

// prepare returns the batch's mintBatch as the call to send under key, priced (see estimate);
// nil when the token says the batch is already minted. Before its first transaction, a batch too
// large for one transaction's gas is cut (its last rewards go back to the pool).
func (m *Minter) prepare(ctx context.Context, f *flight, key string) (*chain.Call, error) {
	if err := m.checkToken(ctx, f.b.Token); err != nil {
		return nil, err
	}
	for {
		if len(f.mints) == 0 {
			return nil, errors.New("batch has no rewards")
		}
		data := m.pack(f)
		canCut := f.b.State == rewards.BatchOpen && f.attempt == 0 && len(f.mints) > 1
		est, err := m.estimate(ctx, f, data)
		if errors.Is(err, chain.ErrWouldRevert) {
			rd, reverted := chain.RevertData(err)
			if reverted && isBatchAlreadyMinted(rd) {
				m.log.Info("batch already minted on chain; waiting for its indexed event", "batch", f.b.ID)
				return nil, nil
			}
			if !reverted && canCut && !chain.IsRevert(err) {
				// Out of gas at the node's cap (2^24 since Osaka), not a revert: halve it.
				if err := m.shrink(ctx, f, uint64(chain.MaxTxGas)*2); err != nil {
					return nil, err
				}
				continue
			}
			return nil, fmt.Errorf("mintBatch of token %s would revert%s: %w", f.b.Token, m.revertReason(rd), err)
		}
		if err != nil {
			return nil, err
		}
		limit := gasLimit(est, len(f.mints))
		if limit <= chain.MaxTxGas || !canCut {
			m.learnSize(f, est)
			// Sent before any batch priced after it (consecutive nonces, in order): their price
			// counts on its recipients holding. A send that fails unmarks them (fail).
			m.priced(f)
			return &chain.Call{Key: key, To: f.b.Token, Data: data, GasLimit: min(limit, chain.MaxTxGas)}, nil
		}
		if err := m.shrink(ctx, f, est); err != nil {
			return nil, err
		}
	}
}

// pack returns the batch's mintBatch calldata.
func (m *Minter) pack(f *flight) []byte {
	to := make([]common.Address, len(f.mints))
	amounts := make([]*big.Int, len(f.mints))
	for k, mt := range f.mints {
		to[k], amounts[k] = mt.Wallet, mt.Amount
	}
	return m.token.PackMintBatch(f.b.BatchID, to, amounts)
}

// fit is how many recipients fit one transaction when the estimate for n of them was est.
func fit(est uint64, n int) int {
	per := est/uint64(n) + checkpointSlack
	return max(1, int((chain.MaxTxGas-txSlack)/per))
}

// shrink cuts an open batch to the recipients that fit one transaction by its estimate.
func (m *Minter) shrink(ctx context.Context, f *flight, est uint64) error {
	want := min(fit(est, len(f.mints)), len(f.mints)-1)
	// Keep the rewards, in order, of the first want wallets.
	seen := map[string]bool{}
	keep := 0
	for _, r := range f.rewards {
		if !seen[r.Wallet] {
			if len(seen) == want {
				break
			}
			seen[r.Wallet] = true
		}
		keep++
	}
	b, err := m.store.ShrinkBatch(ctx, f.b.ID, keep)
	if err != nil {
		return err
	}
	// What is minted is what the ledger now holds for the batch, read back, not a cut of the
	// list read before: the two must agree, and a batch that does not add up is not sent.
	rs, err := m.store.BatchRewards(ctx, b.ID)
	if err != nil {
		return err
	}
	if err := adds(b, rs); err != nil {
		return fmt.Errorf("after cutting it to %d rewards: %w", keep, err)
	}
	if len(rs) != keep {
		return fmt.Errorf("batch %d after cutting it to %d rewards holds %d", b.ID, keep, len(rs))
	}
	m.log.Debug("batch cut to fit one transaction", "batch", f.b.ID, "rewards", keep, "was", len(f.rewards))
	f.b, f.rewards = b, rs
	f.mints = rewards.Coalesce(rs)
	m.claimSize[b.CommunityID] = keep
	return nil
}

// learnSize sets how many rewards the community's next batch claims from what fit this one.
func (m *Minter) learnSize(f *flight, est uint64) {
	n := fit(est, len(f.mints)) * len(f.rewards) / len(f.mints)
	m.claimSize[f.b.CommunityID] = min(max(n, 1), m.cfg.MaxBatch)
}

// minted asks the token whether the batch id was minted; on error it answers true, so nothing is
// resent on a guess.
func (m *Minter) minted(ctx context.Context, b *rewards.Batch) bool {
	out, err := m.calls.CallContract(ctx, ethereum.CallMsg{To: &b.Token, Data: m.token.PackBatchMinted(b.BatchID)}, nil)
	if err != nil {
		return true
	}
	minted, err := m.token.UnpackBatchMinted(out)
	return err != nil || minted
}

// checkToken makes sure token is a GuildToken before the first batch is sent to it: it must
// answer batchMinted with a boolean. An account without code (or another contract) would take a
// mintBatch without reverting and mint nothing, so the batch would never confirm.
func (m *Minter) checkToken(ctx context.Context, token common.Address) error {
	if m.tokens[token] {
		return nil
	}
	var out []byte
	var revert error
	err := chain.Retry(ctx, func() error {
		var err error
		out, err = m.calls.CallContract(ctx, ethereum.CallMsg{To: &token, Data: m.token.PackBatchMinted(common.Hash{})}, nil)
		if chain.IsRevert(err) {
			revert, err = err, nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("check token %s: %w", token, err)
	}
	if revert != nil {
		return fmt.Errorf("%w: %s reverts batchMinted: %v", errNotGuildToken, token, revert)
	}
	if _, err := m.token.UnpackBatchMinted(out); err != nil {
		return fmt.Errorf("%w: %s answers batchMinted with %d bytes", errNotGuildToken, token, len(out))
	}
	m.tokens[token] = true
	return nil
}

// revertReason names the token's custom error in revert data (such as
// AccessControlUnauthorizedAccount: the operator lacks MINTER_ROLE), for the log.
func (m *Minter) revertReason(data []byte) string {
	if len(data) < 4 {
		return ""
	}
	for name, e := range m.token.GetABI().Errors {
		if bytes.Equal(e.ID[:4], data[:4]) {
			if name == "AccessControlUnauthorizedAccount" {
				return " (" + name + ": the operator lacks MINTER_ROLE)"
			}
			return " (" + name + ")"
		}
	}
	return ""
}

var batchAlreadyMintedSelector = func() []byte {
	id := guildtoken.NewGuildToken().GetABI().Errors["BatchAlreadyMinted"].ID
	return id[:4]
}()

func isBatchAlreadyMinted(revert []byte) bool {
	return len(revert) >= 4 && bytes.Equal(revert[:4], batchAlreadyMintedSelector)
}
