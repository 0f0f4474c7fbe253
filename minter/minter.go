// Package minter mints accepted rewards: it claims pending rewards of the ledger into batches
// (bounded by count, by gas and by a short wait), sends each as one GuildToken.mintBatch through
// the operator's chain.Sender with a batch id derived from the ledger, and confirms a batch's
// rewards once the batch is final and the indexed events match it.
//
// Exactly once, across crashes: a batch row is committed before anything is sent; its transaction
// is recorded by the sender under a key named after the batch before it is broadcast; a resend
// after a crash reuses that record, and should a second transaction for the same batch ever be
// mined, the token refuses it (BatchAlreadyMinted) because the batch id is the same.
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
	// ClaimBatch claims up to max unbatched rewards of a community into a new batch when there are
	// max of them or the oldest waited maxWait; nil when there is nothing to claim yet.
	ClaimBatch(ctx context.Context, communityID string, max int, maxWait time.Duration) (*rewards.Batch, error)
	// ShrinkBatch returns the rewards of an open batch after its first keep to the unbatched pool.
	ShrinkBatch(ctx context.Context, batchID int64, keep int) (*rewards.Batch, error)
	UnconfirmedBatches(ctx context.Context) ([]*rewards.Batch, error)
	BatchRewards(ctx context.Context, batchID int64) ([]*rewards.Reward, error)
	MarkBatchSent(ctx context.Context, batchID, txID int64) error
	SetBatchTxHash(ctx context.Context, batchID int64, txHash string, block uint64) error
	// ConfirmBatchFromIndex confirms a batch when its indexed RewardBatchMinted event is final and
	// the indexed mints of its transaction match mints.
	ConfirmBatchFromIndex(ctx context.Context, b *rewards.Batch, mints []rewards.Mint, finalityDepth uint64) (bool, string, error)
}

// Sender is the part of chain.Sender the minter uses.
type Sender interface {
	Send(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gasLimit uint64) (*chain.TxRecord, error)
	Tx(ctx context.Context, key string) (*chain.TxRecord, error)
	TxStatuses(ctx context.Context, ids []int64) (map[int64]chain.TxStatus, error)
	EstimateGas(ctx context.Context, to common.Address, data []byte, value *big.Int) (uint64, error)
}

// Config tunes a Minter.
type Config struct {
	// MaxBatch bounds the rewards of one batch (and so its calldata); default DefaultMaxBatch. A
	// batch whose mintBatch would not fit one transaction's gas (MaxTxGas) is cut to fit before it
	// is sent, so batches of returning holders are about twice as large as batches of new ones.
	MaxBatch int
	// MaxWait is how long a reward waits for its batch to fill; default 250ms.
	MaxWait time.Duration
	// MaxInFlight bounds the batches sent and not yet confirmed; default 64.
	MaxInFlight int
	// FinalityDepth is the indexer's finality depth: a batch is confirmed when its event is this
	// many blocks below the indexed head.
	FinalityDepth uint64
	// PollInterval is how often the ledger is polled; default 100ms.
	PollInterval time.Duration
	Logger       *slog.Logger
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
	cfg    Config
	log    *slog.Logger
	token  *guildtoken.GuildToken

	flights   map[int64]*flight // nil: load from the ledger on the next step
	claimSize map[string]int    // per community: how many rewards fit a transaction lately
}

// flight is a batch the minter follows until it is confirmed.
type flight struct {
	b       *rewards.Batch
	rewards []*rewards.Reward
	mints   []rewards.Mint
	attempt int   // the newest attempt's number (txKey)
	txID    int64 // the newest attempt's sender intent; 0 when none is recorded
	hashSet bool  // the mined transaction's hash is recorded on the batch
}

// New returns a minter.
func New(store Store, sender Sender, cfg Config) *Minter {
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
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Minter{store: store, sender: sender, cfg: cfg, log: log.With("component", "minter"), token: guildtoken.NewGuildToken(),
		claimSize: map[string]int{}}
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
// batches while fewer than MaxInFlight are unconfirmed, so several transactions are on their way
// at once (the sender gives them consecutive nonces). busy reports that it did something. After
// an error the next step starts again from what the ledger and the sender recorded.
func (m *Minter) Step(ctx context.Context) (busy bool, err error) {
	defer func() {
		if err != nil {
			m.flights = nil
		}
	}()
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
	for _, id := range slices.Sorted(maps.Keys(m.flights)) {
		f := m.flights[id]
		progressed, err := m.advance(ctx, f, statuses[f.txID])
		if err != nil {
			return busy, fmt.Errorf("batch %d: %w", id, err)
		}
		busy = busy || progressed
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
	for _, c := range communities {
		for len(m.flights) < m.cfg.MaxInFlight {
			size := m.cfg.MaxBatch
			if n, ok := m.claimSize[c.ID]; ok {
				size = n
			}
			b, err := m.store.ClaimBatch(ctx, c.ID, size, m.cfg.MaxWait)
			if err != nil {
				return busy, err
			}
			if b == nil {
				break
			}
			busy = true
			f, err := m.track(ctx, b)
			if err != nil {
				return busy, fmt.Errorf("batch %d: %w", b.ID, err)
			}
			if _, err := m.advance(ctx, f, chain.TxStatus{}); err != nil {
				return busy, fmt.Errorf("batch %d: %w", b.ID, err)
			}
		}
	}
	return busy, nil
}

// load reads the ledger's unconfirmed batches and the newest transaction of each.
func (m *Minter) load(ctx context.Context) error {
	open, err := m.store.UnconfirmedBatches(ctx)
	if err != nil {
		return err
	}
	m.flights = map[int64]*flight{}
	for _, b := range open {
		f, err := m.track(ctx, b)
		if err != nil {
			m.flights = nil
			return fmt.Errorf("batch %d: %w", b.ID, err)
		}
		for n := 0; ; n++ {
			rec, err := m.sender.Tx(ctx, txKey(b, n))
			if err != nil {
				m.flights = nil
				return err
			}
			if rec == nil {
				break
			}
			f.attempt, f.txID = n, rec.ID
		}
	}
	return nil
}

// track starts following batch b.
func (m *Minter) track(ctx context.Context, b *rewards.Batch) (*flight, error) {
	rs, err := m.store.BatchRewards(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	f := &flight{b: b, rewards: rs, mints: rewards.Coalesce(rs)}
	m.flights[b.ID] = f
	return f, nil
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
	b := f.b
	if f.txID == 0 {
		return m.sendAttempt(ctx, f)
	}
	if b.State == rewards.BatchOpen || b.TxID != f.txID {
		// Recorded by the sender, but the crash came before the batch was linked to it.
		if err := m.store.MarkBatchSent(ctx, b.ID, f.txID); err != nil {
			return false, err
		}
		b.State, b.TxID = rewards.BatchSent, f.txID
	}
	switch st.State {
	case chain.TxMined, chain.TxFinal:
	default:
		return false, nil // pending (or a status not read yet)
	}
	if st.Succeeded && !f.hashSet {
		_ = m.store.SetBatchTxHash(ctx, b.ID, st.MinedHash.Hex(), st.BlockNumber)
		f.hashSet = true
	}
	if st.State != chain.TxFinal {
		return false, nil
	}
	if !st.Succeeded && !m.minted(ctx, b) {
		m.log.Warn("mint transaction reverted without minting the batch; sending it again", "batch", b.ID, "tx", st.MinedHash)
		f.attempt++
		f.txID = 0
		return m.sendAttempt(ctx, f)
	}
	return m.confirm(ctx, f)
}

// confirm confirms a batch whose transaction is final (or that the token says is minted) once
// the indexer holds its events, and stops following it.
func (m *Minter) confirm(ctx context.Context, f *flight) (bool, error) {
	ok, txHash, err := m.store.ConfirmBatchFromIndex(ctx, f.b, f.mints, m.cfg.FinalityDepth)
	if err != nil || !ok {
		return false, err
	}
	m.log.Debug("batch confirmed", "batch", f.b.ID, "rewards", f.b.Count, "tx", txHash)
	f.b.State = rewards.BatchConfirmed
	delete(m.flights, f.b.ID)
	return true, nil
}

// sendAttempt sends the batch's mintBatch as its attempt f.attempt and links the batch to it.
func (m *Minter) sendAttempt(ctx context.Context, f *flight) (bool, error) {
	rec, err := m.send(ctx, f, txKey(f.b, f.attempt))
	if err != nil {
		return false, err
	}
	if rec == nil {
		// Already minted on chain: the indexed event confirms it.
		return m.confirm(ctx, f)
	}
	f.txID = rec.ID
	if err := m.store.MarkBatchSent(ctx, f.b.ID, rec.ID); err != nil {
		return false, err
	}
	f.b.State, f.b.TxID = rewards.BatchSent, rec.ID
	return true, nil
}

// send sends the batch's mintBatch under key. A batch the token says is already minted is not
// sent again (nil, nil): the indexed event will confirm it. Before its first transaction, a
// batch too large for one transaction's gas is cut (its last rewards go back to the pool).
func (m *Minter) send(ctx context.Context, f *flight, key string) (*chain.TxRecord, error) {
	if rec, err := m.sender.Tx(ctx, key); err != nil || rec != nil {
		return rec, err // recorded before a crash (or by an earlier step): never signed twice
	}
	for {
		if len(f.mints) == 0 {
			return nil, errors.New("batch has no rewards")
		}
		data := m.pack(f)
		canCut := f.b.State == rewards.BatchOpen && f.attempt == 0 && len(f.mints) > 1
		est, err := m.sender.EstimateGas(ctx, f.b.Token, data, nil)
		if errors.Is(err, chain.ErrWouldRevert) {
			rd, reverted := chain.RevertData(err)
			if reverted && isBatchAlreadyMinted(rd) {
				m.log.Info("batch already minted on chain; waiting for its indexed event", "batch", f.b.ID)
				return nil, nil
			}
			if !reverted && canCut {
				// No revert reason: out of gas at the node's cap (2^24 since Osaka). Halve it.
				if err := m.shrink(ctx, f, uint64(chain.MaxTxGas)*2); err != nil {
					return nil, err
				}
				continue
			}
			return nil, fmt.Errorf("mintBatch would revert (does the operator hold MINTER_ROLE?): %w", err)
		}
		if err != nil {
			return nil, err
		}
		limit := gasLimit(est, len(f.mints))
		if limit <= chain.MaxTxGas || !canCut {
			m.learnSize(f, est)
			return m.sender.Send(ctx, key, f.b.Token, data, nil, min(limit, chain.MaxTxGas))
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
	m.log.Debug("batch cut to fit one transaction", "batch", f.b.ID, "rewards", keep, "was", len(f.rewards))
	f.b, f.rewards = b, f.rewards[:keep]
	f.mints = rewards.Coalesce(f.rewards)
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
	c, ok := m.sender.(interface{ Client() chain.Client })
	if !ok {
		return true
	}
	out, err := c.Client().CallContract(ctx, ethereum.CallMsg{To: &b.Token, Data: m.token.PackBatchMinted(b.BatchID)}, nil)
	if err != nil {
		return true
	}
	minted, err := m.token.UnpackBatchMinted(out)
	return err != nil || minted
}

var batchAlreadyMintedSelector = func() []byte {
	id := guildtoken.NewGuildToken().GetABI().Errors["BatchAlreadyMinted"].ID
	return id[:4]
}()

func isBatchAlreadyMinted(revert []byte) bool {
	return len(revert) >= 4 && bytes.Equal(revert[:4], batchAlreadyMintedSelector)
}
