package govchain

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/chain"
)

// OperatorSender is the operator's persistent sender (chain.Sender), shared with the minter.
type OperatorSender interface {
	Send(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gasLimit uint64) (*chain.TxRecord, error)
	// SendDeferred is Send for a transaction that waits while an urgent Send (a reward batch)
	// takes its nonce.
	SendDeferred(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gasLimit uint64) (*chain.TxRecord, error)
}

// SenderRelayer relays through the operator's exactly-once sender: each key is one intent, so a
// retried request (or a crash between recording and answering) never sends a second transaction.
type SenderRelayer struct {
	Sender OperatorSender
	// AfterSend, when set, is called after each send (tests pass the simulated chain's Commit).
	AfterSend func()
}

// maxRetries bounds how many times one request key is sent again after its transaction reverted.
const maxRetries = 8

// Send implements Relayer. It returns the hash of the intent's newest attempt.
//
// A key names one intent, so a retried request finds the first transaction. But when that
// transaction was mined and reverted (an execute whose call failed when it ran), the caller has just
// checked and simulated the request again, so it is sent anew under key:retry-N.
func (r *SenderRelayer) Send(ctx context.Context, to common.Address, calldata []byte, key string) (common.Hash, error) {
	return r.send(ctx, to, calldata, key, 0, r.Sender.Send)
}

// SendRelay implements Relayer: Send for a wallet's ballot or delegation, with the gas limit
// reserved for it, sent behind any reward mint waiting to be sent (chain.Sender.SendDeferred).
func (r *SenderRelayer) SendRelay(ctx context.Context, to common.Address, calldata []byte, key string, gasLimit uint64) (common.Hash, error) {
	return r.send(ctx, to, calldata, key, gasLimit, r.Sender.SendDeferred)
}

type sendFunc func(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gasLimit uint64) (*chain.TxRecord, error)

func (r *SenderRelayer) send(ctx context.Context, to common.Address, calldata []byte, key string, gasLimit uint64, send sendFunc) (common.Hash, error) {
	var rec *chain.TxRecord
	for attempt := 0; ; attempt++ {
		k := key
		if attempt > 0 {
			k = fmt.Sprintf("%s:retry-%d", key, attempt)
		}
		var err error
		if rec, err = send(ctx, k, to, calldata, nil, gasLimit); err != nil {
			return common.Hash{}, fmt.Errorf("send %s: %w", k, err)
		}
		reverted := (rec.State == chain.TxMined || rec.State == chain.TxFinal) && !rec.Succeeded
		if !reverted {
			break
		}
		if attempt == maxRetries {
			return common.Hash{}, fmt.Errorf("send %s: reverted %d times", key, attempt+1)
		}
	}
	if r.AfterSend != nil {
		r.AfterSend()
	}
	if rec.MinedHash != (common.Hash{}) {
		return rec.MinedHash, nil
	}
	if len(rec.Attempts) == 0 {
		return common.Hash{}, fmt.Errorf("send %s: the sender recorded no attempt", key)
	}
	return rec.Attempts[len(rec.Attempts)-1].Hash, nil
}
