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
	"math/big"
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
}

// Config tunes a Minter.
type Config struct {
	// MaxBatch bounds the rewards of one batch; default DefaultMaxBatch, which keeps a batch of
	// new holders under the per-transaction gas cap.
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

// GasPerNewHolder bounds the gas mintBatch spends per recipient that holds nothing yet
// (balance, self-delegation, two checkpoints, three events), measured on GuildToken;
// DefaultMaxBatch keeps a batch of only new holders, with GasWithHeadroom, under 2^24 gas.
const (
	GasPerNewHolder = 100_000
	DefaultMaxBatch = 120
)

// Minter mints the ledger's rewards.
type Minter struct {
	store  Store
	sender Sender
	cfg    Config
	log    *slog.Logger
	token  *guildtoken.GuildToken
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
	return &Minter{store: store, sender: sender, cfg: cfg, log: log.With("component", "minter"), token: guildtoken.NewGuildToken()}
}

// Run mints until ctx ends. Errors (database or chain unreachable) are logged and retried.
func (m *Minter) Run(ctx context.Context) error {
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

// Step moves every unfinished batch one step on (send it, confirm it) and claims new batches
// while fewer than MaxInFlight are unconfirmed. busy reports that it did something.
func (m *Minter) Step(ctx context.Context) (busy bool, err error) {
	open, err := m.store.UnconfirmedBatches(ctx)
	if err != nil {
		return false, err
	}
	inFlight := 0
	for _, b := range open {
		progressed, err := m.advance(ctx, b)
		if err != nil {
			return busy, fmt.Errorf("batch %d: %w", b.ID, err)
		}
		busy = busy || progressed
		if b.State != rewards.BatchConfirmed {
			inFlight++
		}
	}
	communities, err := m.store.Communities(ctx, "", 500)
	if err != nil {
		return busy, err
	}
	for _, c := range communities {
		for inFlight < m.cfg.MaxInFlight {
			b, err := m.store.ClaimBatch(ctx, c.ID, m.cfg.MaxBatch, m.cfg.MaxWait)
			if err != nil {
				return busy, err
			}
			if b == nil {
				break
			}
			busy = true
			inFlight++
			if _, err := m.advance(ctx, b); err != nil {
				return busy, fmt.Errorf("batch %d: %w", b.ID, err)
			}
		}
	}
	return busy, nil
}

// txKey names the sender intent of a batch's attempt n (0 first; more only after a revert).
func txKey(b *rewards.Batch, n int) string {
	if n == 0 {
		return fmt.Sprintf("reward-batch/%s/%d", b.CommunityID, b.ID)
	}
	return fmt.Sprintf("reward-batch/%s/%d/retry-%d", b.CommunityID, b.ID, n)
}

// advance moves one batch on: send it when it has no transaction, confirm it when its
// transaction is final, resend it when that transaction reverted without minting the batch.
func (m *Minter) advance(ctx context.Context, b *rewards.Batch) (bool, error) {
	rs, err := m.store.BatchRewards(ctx, b.ID)
	if err != nil {
		return false, err
	}
	mints := rewards.Coalesce(rs)
	// The newest attempt of the batch's transaction.
	var rec *chain.TxRecord
	n := 0
	for ; ; n++ {
		r, err := m.sender.Tx(ctx, txKey(b, n))
		if err != nil {
			return false, err
		}
		if r == nil {
			break
		}
		rec = r
	}
	if rec == nil || (rec.State == chain.TxFinal && !rec.Succeeded && !m.minted(ctx, b)) {
		if rec != nil {
			m.log.Warn("mint transaction reverted without minting the batch; sending it again", "batch", b.ID, "tx", rec.MinedHash)
		}
		next, err := m.send(ctx, b, mints, txKey(b, n))
		if err != nil {
			return false, err
		}
		if next == nil {
			return false, nil
		}
		b.State = rewards.BatchSent
		return true, m.store.MarkBatchSent(ctx, b.ID, next.ID)
	}
	if b.State == rewards.BatchOpen || b.TxID != rec.ID {
		if err := m.store.MarkBatchSent(ctx, b.ID, rec.ID); err != nil {
			return false, err
		}
		b.State = rewards.BatchSent
	}
	if rec.State == chain.TxPending {
		return false, nil
	}
	if rec.Succeeded {
		_ = m.store.SetBatchTxHash(ctx, b.ID, rec.MinedHash.Hex(), rec.BlockNumber)
	}
	ok, _, err := m.store.ConfirmBatchFromIndex(ctx, b, mints, m.cfg.FinalityDepth)
	if err != nil || !ok {
		return false, err
	}
	m.log.Debug("batch confirmed", "batch", b.ID, "rewards", b.Count, "tx", rec.MinedHash)
	b.State = rewards.BatchConfirmed
	return true, nil
}

// send sends the batch's mintBatch under key. A batch the token says is already minted is not
// sent again (nil, nil): the indexed event will confirm it.
func (m *Minter) send(ctx context.Context, b *rewards.Batch, mints []rewards.Mint, key string) (*chain.TxRecord, error) {
	if len(mints) == 0 {
		return nil, errors.New("batch has no rewards")
	}
	to := make([]common.Address, len(mints))
	amounts := make([]*big.Int, len(mints))
	for k, mt := range mints {
		to[k], amounts[k] = mt.Wallet, mt.Amount
	}
	data := m.token.PackMintBatch(b.BatchID, to, amounts)
	rec, err := m.sender.Send(ctx, key, b.Token, data, nil, 0)
	if errors.Is(err, chain.ErrWouldRevert) {
		if rd, ok := chain.RevertData(err); ok && isBatchAlreadyMinted(rd) {
			m.log.Info("batch already minted on chain; waiting for its indexed event", "batch", b.ID)
			return nil, nil
		}
		return nil, fmt.Errorf("mintBatch would revert (does the operator hold MINTER_ROLE?): %w", err)
	}
	return rec, err
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
