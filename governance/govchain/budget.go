package govchain

import (
	"context"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall"
)

// DefaultMaxInFlight is how many relayed transactions may be sent and not mined yet: about 6
// million gas, which a block carries beside a full reward batch, so a flood of relays never
// pushes a mint's nonce past the next block.
const DefaultMaxInFlight = 64

// checkInFlight refuses (ERATELIMITED, try again in a few seconds) a relay while DefaultMaxInFlight
// (or MaxInFlight) relayed transactions wait to be mined.
func (s *Service) checkInFlight(ctx context.Context) error {
	limit := s.MaxInFlight
	if limit <= 0 {
		limit = DefaultMaxInFlight
	}
	n, err := s.Relays.RelaysInFlight(ctx)
	if err != nil {
		return err
	}
	if n < limit {
		return nil
	}
	return &guildhall.Error{Code: guildhall.ERATELIMITED, RetryAfter: 5 * time.Second,
		Message: fmt.Sprintf("the relay has %d transactions waiting to be mined (at most %d): try again in a few seconds, or vote or delegate from the wallet directly", n, limit)}
}

// checkDelegatorBalance refuses (EUNPROCESSABLE) to relay a delegation for a delegator that holds
// less than MinDelegatorBalance of the token at the head: a wallet with nothing to delegate costs
// nothing to make and would only spend the operator's gas.
func (s *Service) checkDelegatorBalance(ctx context.Context, token, delegator common.Address, head *types.Header) error {
	min := s.MinDelegatorBalance
	if min == nil {
		min = big.NewInt(1)
	}
	if min.Sign() <= 0 {
		return nil
	}
	bal, err := s.Reader.Balance(ctx, token, delegator, head.Number)
	if err != nil {
		return err
	}
	if bal.Cmp(min) >= 0 {
		return nil
	}
	return guildhall.Errorf(guildhall.EUNPROCESSABLE,
		"%s holds %s base units of the token at block %d; the relay delegates only for holders of at least %s: delegate from the wallet directly (it pays its own gas); nothing was sent",
		delegator.Hex(), bal, head.Number, min)
}

// ReceiptReader reads a mined transaction's receipt (chain.Client has it).
type ReceiptReader interface {
	TransactionReceipt(ctx context.Context, hash common.Hash) (*types.Receipt, error)
}

// Settler counts each relayed transaction's real gas, from its receipt once it is final, toward
// its community's day in place of the gas limit reserved for it, and finishes the relays a dead
// process left reserved (Stranded). Both are idempotent, so any number of processes may run it.
type Settler struct {
	Relays   RelayStore
	Receipts ReceiptReader
	// Stranded, when set, finishes on each pass the relays whose process died between reserving
	// and recording their transaction (Service.ResumeStranded: each is sent once, under its key).
	Stranded interface {
		ResumeStranded(ctx context.Context) (int, error)
	}
	Logger *slog.Logger
	Every  time.Duration // default 5s
}

// Run settles what is final every Every until ctx ends.
func (st *Settler) Run(ctx context.Context) {
	every := st.Every
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		st.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pass finishes stranded relays and settles final ones, logging what fails (the next pass tries
// again).
func (st *Settler) pass(ctx context.Context) {
	log := st.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if st.Stranded != nil {
		n, err := st.Stranded.ResumeStranded(ctx)
		if n > 0 {
			log.Info("finished relays whose process stopped between reserving and recording their transaction", "relays", n)
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("finishing stranded relays failed; will retry", "err", err)
		}
	}
	if _, err := st.Settle(ctx); err != nil && ctx.Err() == nil {
		log.Warn("settling relayed gas failed; will retry", "err", err)
	}
}

// Settle settles the final relays not settled yet, a few hundred at a time, and returns how many.
func (st *Settler) Settle(ctx context.Context) (int, error) {
	done := 0
	for {
		open, err := st.Relays.UnsettledRelays(ctx, 200)
		if err != nil || len(open) == 0 {
			return done, err
		}
		for _, r := range open {
			rcpt, err := st.Receipts.TransactionReceipt(ctx, r.Mined)
			if err != nil {
				return done, fmt.Errorf("receipt of relay %d (%s): %w", r.ID, r.Mined.Hex(), err)
			}
			if err := st.Relays.SettleRelay(ctx, r.ID, rcpt.GasUsed); err != nil {
				return done, err
			}
			done++
		}
		if len(open) < 200 {
			return done, nil
		}
	}
}
