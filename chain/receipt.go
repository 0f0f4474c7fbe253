package chain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// ErrReverted is returned (wrapped) for a mined transaction whose execution failed.
var ErrReverted = errors.New("transaction reverted")

// ReceiptReader is the part of a Client that reads receipts.
type ReceiptReader interface {
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
}

// WaitReceipt polls for the receipt of hash until it exists or ctx ends. It polls quickly at first
// (a dev chain seals within milliseconds) and backs off to once a second.
func WaitReceipt(ctx context.Context, c ReceiptReader, hash common.Hash) (*types.Receipt, error) {
	return waitReceipt(ctx, c, hash, nil)
}

// waitReceipt is WaitReceipt that calls missing (when not nil) after each wait in which the
// receipt did not appear: the simulated backend's Commit, for chains that seal only when asked.
func waitReceipt(ctx context.Context, c ReceiptReader, hash common.Hash, missing func()) (*types.Receipt, error) {
	delay := 20 * time.Millisecond
	for {
		rcpt, err := c.TransactionReceipt(ctx, hash)
		if err == nil {
			return rcpt, nil
		}
		if !errors.Is(err, ethereum.NotFound) && !IndexingInProgress(err) {
			return nil, fmt.Errorf("read receipt %s: %w", hash, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for receipt %s: %w", hash, ctx.Err())
		case <-time.After(delay):
		}
		if missing != nil {
			missing()
		}
		delay = min(delay*2, time.Second)
	}
}

// IndexingInProgress reports whether err is go-ethereum's answer while it is still indexing
// transactions (after a start or a reorg): not "no such transaction", only "not yet".
func IndexingInProgress(err error) bool {
	return err != nil && strings.Contains(err.Error(), "transaction indexing is in progress")
}

// WaitSuccess is WaitReceipt that also fails with ErrReverted when the transaction failed.
func WaitSuccess(ctx context.Context, c ReceiptReader, hash common.Hash) (*types.Receipt, error) {
	return succeeded(WaitReceipt(ctx, c, hash))
}

// succeeded turns a mined receipt of a failed transaction into ErrReverted.
func succeeded(rcpt *types.Receipt, err error) (*types.Receipt, error) {
	if err != nil {
		return nil, err
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		return rcpt, fmt.Errorf("transaction %s in block %d: %w", rcpt.TxHash, rcpt.BlockNumber, ErrReverted)
	}
	return rcpt, nil
}
