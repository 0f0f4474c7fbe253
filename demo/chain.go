package demo

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// Client is what the demo needs of the chain: calls, gas estimates, sending and receipts
// (ethclient.Client has all of them).
type Client interface {
	ethereum.ContractCaller
	ethereum.GasEstimator
	ethereum.TransactionSender
	ethereum.TransactionReader
	ChainID(ctx context.Context) (*big.Int, error)
	BlockNumber(ctx context.Context) (uint64, error)
	PendingNonceAt(ctx context.Context, account common.Address) (uint64, error)
}

// Fees of the demo's transactions: the dev chain takes any tip, and its base fee stays far below
// the cap.
var (
	demoTip    = big.NewInt(1_000_000_000)
	demoFeeCap = big.NewInt(50_000_000_000)
)

// txs sends the demo accounts' transactions, each account's nonces counted here (nobody else
// sends from them), and waits for them to be mined.
type txs struct {
	client  Client
	chainID *big.Int
	nonces  map[common.Address]uint64
	sent    []sentTx
	spent   *Spent
}

type sentTx struct {
	hash common.Hash
	what string
}

// send signs and sends from key a call of to with data (and value wei), estimating its gas
// against the latest block: a call that would revert is an error naming what, and sends nothing.
// The gas limit leaves room for what other transactions of the same block change first (a
// delegate's checkpoint written anew costs more than one updated).
func (t *txs) send(ctx context.Context, key *ecdsa.PrivateKey, to common.Address, data []byte, value *big.Int, what string) error {
	defer timed(&t.spent.Sending, time.Now())
	from := crypto.PubkeyToAddress(key.PublicKey)
	if value == nil {
		value = new(big.Int)
	}
	gas, err := t.client.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &to, Data: data, Value: value})
	if err != nil {
		return fmt.Errorf("demo: %s: %w", what, err)
	}
	nonce, ok := t.nonces[from]
	if !ok {
		if nonce, err = t.client.PendingNonceAt(ctx, from); err != nil {
			return fmt.Errorf("demo: nonce of %s: %w", from, err)
		}
	}
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(t.chainID), &types.DynamicFeeTx{
		ChainID: t.chainID, Nonce: nonce, GasTipCap: demoTip, GasFeeCap: demoFeeCap,
		Gas: gas + gas/2 + 50_000, To: &to, Value: value, Data: data,
	})
	if err != nil {
		return err
	}
	if err := t.client.SendTransaction(ctx, tx); err != nil {
		return fmt.Errorf("demo: send %s: %w", what, err)
	}
	t.nonces[from] = nonce + 1
	t.sent = append(t.sent, sentTx{tx.Hash(), what})
	return nil
}

// settle waits until every transaction sent is mined, and fails naming any that reverted.
func (t *txs) settle(ctx context.Context) error {
	defer timed(&t.spent.Mining, time.Now())
	defer func() { t.sent = t.sent[:0] }()
	for _, s := range t.sent {
		for {
			rcpt, err := t.client.TransactionReceipt(ctx, s.hash)
			if err == nil {
				if rcpt.Status != types.ReceiptStatusSuccessful {
					return fmt.Errorf("demo: %s reverted (transaction %s)", s.what, s.hash)
				}
				break
			}
			if !errors.Is(err, ethereum.NotFound) {
				return fmt.Errorf("demo: receipt of %s: %w", s.what, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	return nil
}

// call runs a read-only call of to at the latest block.
func (t *txs) call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	return t.client.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
}
