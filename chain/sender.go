package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// Transaction states of the sender.
const (
	TxPending = "pending" // signed and recorded, not (yet, or no longer) in a block
	TxMined   = "mined"   // in a block, not final yet
	TxFinal   = "final"   // in a block at least the confirmation depth deep
)

// TxAttempt is one signed version of an intent: the first, or a replacement with higher fees.
type TxAttempt struct {
	Hash      common.Hash
	Raw       []byte // the signed transaction, as broadcast
	MaxFee    *big.Int
	Tip       *big.Int
	CreatedAt time.Time
}

// TxRecord is an intent to send Data to To from the operator key, exactly once: the nonce it holds
// and every attempt signed for it, oldest first.
type TxRecord struct {
	ID          int64
	Key         string // the caller's name for the intent; one record per key
	ChainID     uint64
	From        common.Address
	To          *common.Address // nil: a contract creation
	Nonce       uint64
	Data        []byte
	Value       *big.Int
	GasLimit    uint64
	State       string
	MinedHash   common.Hash // the attempt that was mined, once mined
	BlockNumber uint64
	BlockHash   common.Hash
	Succeeded   bool // the mined attempt's receipt status
	Attempts    []TxAttempt
}

// TxStore keeps the sender's intents durably. Everything is recorded before it is broadcast, so
// after a crash the sender rebroadcasts or finds mined exactly what was recorded.
type TxStore interface {
	// TxByKey returns the intent recorded under key, or nil and no error if there is none.
	TxByKey(ctx context.Context, key string) (*TxRecord, error)
	// RecordTx stores rec under rec.Key with the next nonce of (rec.ChainID, rec.From), which is at
	// least minNonce, and the first attempt sign returns for that nonce, in one transaction that
	// also advances the nonce. If rec.Key is already recorded it returns that record instead and
	// does not call sign.
	RecordTx(ctx context.Context, rec *TxRecord, minNonce uint64, sign func(nonce uint64) (TxAttempt, error)) (*TxRecord, error)
	// RecordTxs stores len(keys) intents of (chainID, from) under keys at consecutive nonces, the
	// first at least minNonce, with their first attempts, in one transaction that also advances
	// the nonce: build returns, for the first nonce, the intents (To, Data, Value, GasLimit and
	// one attempt each) in the order of keys. If the keys are already recorded it returns those
	// records, in the order of keys, and does not call build.
	RecordTxs(ctx context.Context, chainID uint64, from common.Address, keys []string, minNonce uint64,
		build func(first uint64) ([]*TxRecord, error)) ([]*TxRecord, error)
	// AddAttempt records another attempt of an intent (a fee bump).
	AddAttempt(ctx context.Context, txID int64, a TxAttempt) error
	// Renonce gives a pending intent whose nonce was taken by a transaction from elsewhere a new
	// nonce (at least minNonce) and its first attempt at that nonce.
	Renonce(ctx context.Context, txID int64, minNonce uint64, sign func(nonce uint64) (TxAttempt, error)) error
	// SetTxState records where an intent is: pending again (its block was reorged away), mined
	// (hash, block, success) or final.
	SetTxState(ctx context.Context, txID int64, state string, mined common.Hash, block uint64, blockHash common.Hash, succeeded bool) error
	// OpenTxs returns the intents of (chainID, from) that are not final, by nonce, without their
	// payloads (Data and the attempts' Raw are nil): every tick lists them, and an intent mined
	// and waiting for finality needs neither. TxByID reads one whole.
	OpenTxs(ctx context.Context, chainID uint64, from common.Address) ([]*TxRecord, error)
	// TxByID returns one intent; nil when unknown.
	TxByID(ctx context.Context, id int64) (*TxRecord, error)
	// TxStatuses returns where each of the intents ids is, without payloads; unknown ids are
	// absent from the map.
	TxStatuses(ctx context.Context, ids []int64) (map[int64]TxStatus, error)
}

// TxStatus is where an intent is, without its calldata and signed attempts: what a caller that
// follows many intents needs on every look.
type TxStatus struct {
	ID          int64
	State       string
	MinedHash   common.Hash
	BlockNumber uint64
	Succeeded   bool
}

// ErrWouldRevert is returned (wrapped, with the node's error carrying the revert data, see
// RevertData) by Send when gas estimation shows the call would revert. Nothing is recorded.
var ErrWouldRevert = errors.New("the call would revert")

// SenderConfig configures a Sender.
type SenderConfig struct {
	Client Client
	Key    *ecdsa.PrivateKey
	Store  TxStore
	Logger *slog.Logger
	// Confirmations is how many blocks must be on top of a transaction's block for it to be final
	// (0: final once mined).
	Confirmations uint64
	// FinalizedTag makes a transaction final once the node's finalized block reaches its block
	// (see Finality); Confirmations is then ignored.
	FinalizedTag bool
	// PollInterval is how often Run checks open transactions; default 500ms.
	PollInterval time.Duration
	// StuckAfter is how long an attempt may wait unmined before it is replaced with higher fees;
	// default 30s.
	StuckAfter time.Duration
	// MaxFeeCap bounds the fee per gas of any attempt; default 1000 gwei.
	MaxFeeCap *big.Int
}

// Sender sends calldata from one key, exactly once per key, surviving crashes: every intent is
// recorded with its nonce and signed bytes before it is broadcast; Run rebroadcasts what is not
// mined, replaces stuck transactions with higher fees, follows receipts to the confirmation depth
// and notices reorgs. One Sender per key per chain, in one process at a time.
type Sender struct {
	cfg     SenderConfig
	chainID *big.Int
	from    common.Address
	signer  types.Signer
	log     *slog.Logger
	mu      sync.Mutex // serializes Tick
	wake    chan struct{}
	lanes   *lanes // urgent sends before deferrable ones
}

// NewSender reads the chain id and returns a sender.
func NewSender(ctx context.Context, cfg SenderConfig) (*Sender, error) {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 500 * time.Millisecond
	}
	if cfg.StuckAfter <= 0 {
		cfg.StuckAfter = 30 * time.Second
	}
	if cfg.MaxFeeCap == nil {
		cfg.MaxFeeCap = big.NewInt(1000e9)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var id *big.Int
	err := retry(ctx, func() error {
		var err error
		id, err = cfg.Client.ChainID(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read chain id: %w", err)
	}
	return &Sender{
		cfg: cfg, chainID: id, from: crypto.PubkeyToAddress(cfg.Key.PublicKey), signer: types.LatestSignerForChainID(id),
		log: log.With("component", "sender"), wake: make(chan struct{}, 1), lanes: newLanes(),
	}, nil
}

// Client is the chain the sender sends to.
func (s *Sender) Client() Client { return s.cfg.Client }

// From is the sending address.
func (s *Sender) From() common.Address { return s.from }

// Send records the intent named key (to, data, value) and broadcasts it, returning its record.
// If key is already recorded, it returns that record and sends nothing. gasLimit 0 estimates the
// gas (with GasWithHeadroom); an estimate that reverts is ErrWouldRevert and records nothing.
// RPC errors are retried with backoff until ctx ends. A failed broadcast is not an error: Run
// broadcasts again. Send is urgent: deferrable sends (SendDeferred) wait while it takes its nonce.
func (s *Sender) Send(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gasLimit uint64) (*TxRecord, error) {
	defer s.lanes.enterUrgent()()
	return s.send(ctx, key, to, data, value, gasLimit)
}

func (s *Sender) send(ctx context.Context, key string, to common.Address, data []byte, value *big.Int, gasLimit uint64) (*TxRecord, error) {
	if rec, err := s.cfg.Store.TxByKey(ctx, key); err != nil || rec != nil {
		return rec, err
	}
	if value == nil {
		value = new(big.Int)
	}
	if gasLimit == 0 {
		est, err := s.EstimateGas(ctx, to, data, value)
		if err != nil {
			return nil, err
		}
		gasLimit = min(GasWithHeadroom(est), MaxTxGas)
	}
	fee, err := s.fees(ctx)
	if err != nil {
		return nil, err
	}
	pending, err := s.pendingNonce(ctx)
	if err != nil {
		return nil, err
	}
	rec := &TxRecord{Key: key, ChainID: s.chainID.Uint64(), From: s.from, To: &to, Data: data, Value: value, GasLimit: gasLimit, State: TxPending}
	rec, err = s.cfg.Store.RecordTx(ctx, rec, pending, func(nonce uint64) (TxAttempt, error) {
		return s.sign(nonce, &to, data, value, gasLimit, fee)
	})
	if err != nil {
		return nil, fmt.Errorf("record transaction %s: %w", key, err)
	}
	s.sent(ctx, rec)
	return rec, nil
}

// Creation is a contract creation: the init code (bytecode and constructor input) and the gas it
// may use.
type Creation struct {
	Data []byte
	Gas  uint64
}

// SendCreations records contract creations under keys at consecutive nonces of the key, with
// every other intent of the key (one nonce sequence, however many processes send), and
// broadcasts them in nonce order. build returns the creations, in the order of keys, for the
// first nonce: contract addresses follow from the nonces, so the contracts may name each other in
// their constructors. If keys are already recorded (a deployment resumed after a crash) it
// returns those records, builds nothing and broadcasts them again. Run follows them as every
// intent; a creation's record has no To. Like Send, it takes its nonces ahead of relays.
func (s *Sender) SendCreations(ctx context.Context, keys []string, build func(first uint64) ([]Creation, error)) ([]*TxRecord, error) {
	return s.sendAll(ctx, keys, func(first uint64) ([]*TxRecord, error) {
		creations, err := build(first)
		if err != nil {
			return nil, err
		}
		out := make([]*TxRecord, len(creations))
		for k, c := range creations {
			out[k] = &TxRecord{Data: c.Data, Value: new(big.Int), GasLimit: c.Gas}
		}
		return out, nil
	})
}

// Call is one intent of SendCalls: calldata to a contract with the gas it may use.
type Call struct {
	Key      string
	To       common.Address
	Data     []byte
	GasLimit uint64
}

// SendCalls records calls (no value, each with its gas limit) under their keys at consecutive
// nonces, in one write of the store, with one reading of the fees and the nonce for all, and
// broadcasts them in nonce order: what Send does for each, in one round for many. If the keys
// are already recorded it returns those records and records nothing. Like Send, it is urgent.
func (s *Sender) SendCalls(ctx context.Context, calls []Call) ([]*TxRecord, error) {
	keys := make([]string, len(calls))
	for k, c := range calls {
		keys[k] = c.Key
	}
	return s.sendAll(ctx, keys, func(uint64) ([]*TxRecord, error) {
		out := make([]*TxRecord, len(calls))
		for k, c := range calls {
			out[k] = &TxRecord{To: &c.To, Data: c.Data, Value: new(big.Int), GasLimit: c.GasLimit}
		}
		return out, nil
	})
}

// sendAll records the intents build returns for the first of consecutive nonces under keys, each
// signed at its nonce with the fees of now, and broadcasts them (see SendCreations, SendCalls).
func (s *Sender) sendAll(ctx context.Context, keys []string, build func(first uint64) ([]*TxRecord, error)) ([]*TxRecord, error) {
	defer s.lanes.enterUrgent()()
	fee, err := s.fees(ctx)
	if err != nil {
		return nil, err
	}
	pending, err := s.pendingNonce(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := s.cfg.Store.RecordTxs(ctx, s.chainID.Uint64(), s.from, keys, pending, func(first uint64) ([]*TxRecord, error) {
		out, err := build(first)
		if err != nil {
			return nil, err
		}
		for k, rec := range out {
			a, err := s.sign(first+uint64(k), rec.To, rec.Data, rec.Value, rec.GasLimit, fee)
			if err != nil {
				return nil, err
			}
			rec.Attempts = []TxAttempt{a}
		}
		return out, nil
	})
	if err != nil {
		return nil, fmt.Errorf("record transactions %s: %w", strings.Join(keys, ", "), err)
	}
	for _, rec := range recs {
		s.sent(ctx, rec)
	}
	return recs, nil
}

// pendingNonce reads the key's pending nonce from the node, the least nonce a new intent takes.
func (s *Sender) pendingNonce(ctx context.Context) (uint64, error) {
	var pending uint64
	if err := retry(ctx, func() error {
		var err error
		pending, err = s.cfg.Client.PendingNonceAt(ctx, s.from)
		return err
	}); err != nil {
		return 0, fmt.Errorf("read nonce: %w", err)
	}
	return pending, nil
}

// sent broadcasts a recorded intent's newest attempt and wakes Run to follow it.
func (s *Sender) sent(ctx context.Context, rec *TxRecord) {
	s.broadcast(ctx, rec.Attempts[len(rec.Attempts)-1])
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// MaxTxGas is the most gas one transaction may use since Osaka (EIP-7825).
const MaxTxGas = 1 << 24

// EstimateGas returns the node's gas estimate for sending data and value to `to` from the
// sender's key, at the latest block (see GasWithHeadroom for what that misses). A call that would
// revert is ErrWouldRevert (wrapped, with the revert data, see RevertData); RPC errors are retried
// with backoff until ctx ends.
func (s *Sender) EstimateGas(ctx context.Context, to common.Address, data []byte, value *big.Int) (uint64, error) {
	if value == nil {
		value = new(big.Int)
	}
	var est uint64
	err := retry(ctx, func() error {
		var err error
		est, err = s.cfg.Client.EstimateGas(ctx, ethereum.CallMsg{From: s.from, To: &to, Data: data, Value: value})
		if IsRevert(err, gasCapExceeded) {
			return permanent{fmt.Errorf("%w: %w", ErrWouldRevert, err)}
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("estimate gas: %w", err)
	}
	return est, nil
}

// Tx returns the record of an intent by key; nil if unknown.
func (s *Sender) Tx(ctx context.Context, key string) (*TxRecord, error) {
	return s.cfg.Store.TxByKey(ctx, key)
}

// TxStatuses returns where each intent of ids is (one read, however many): for callers that keep
// many intents in flight. Unknown ids are absent.
func (s *Sender) TxStatuses(ctx context.Context, ids []int64) (map[int64]TxStatus, error) {
	if len(ids) == 0 {
		return map[int64]TxStatus{}, nil
	}
	return s.cfg.Store.TxStatuses(ctx, ids)
}

// sign signs an attempt at nonce with fee: an EIP-1559 transaction, or a legacy (EIP-155) one on a
// chain without base fees.
func (s *Sender) sign(nonce uint64, to *common.Address, data []byte, value *big.Int, gas uint64, fee fee) (TxAttempt, error) {
	var inner types.TxData
	if fee.legacy {
		inner = &types.LegacyTx{Nonce: nonce, GasPrice: fee.maxFee, Gas: gas, To: to, Value: value, Data: data}
	} else {
		inner = &types.DynamicFeeTx{ChainID: s.chainID, Nonce: nonce, GasTipCap: fee.tip, GasFeeCap: fee.maxFee, Gas: gas, To: to, Value: value, Data: data}
	}
	tx, err := types.SignNewTx(s.cfg.Key, s.signer, inner)
	if err != nil {
		return TxAttempt{}, err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return TxAttempt{}, err
	}
	return TxAttempt{Hash: tx.Hash(), Raw: raw, MaxFee: fee.maxFee, Tip: fee.tip, CreatedAt: time.Now()}, nil
}

// fee is what one attempt pays per gas. A legacy attempt pays maxFee (its gas price); tip is then
// the same value, so a replacement bumps both alike.
type fee struct {
	tip, maxFee *big.Int
	legacy      bool
}

// fees returns what a new attempt pays now (see suggestedFee): an EIP-1559 tip and fee cap, or on
// a chain whose blocks carry no base fee (before London, or a chain that never enabled it) the
// node's suggested gas price for a legacy transaction.
func (s *Sender) fees(ctx context.Context) (fee, error) {
	var (
		head *types.Header
		tip  *big.Int
	)
	err := retry(ctx, func() error {
		var err error
		if head, err = s.cfg.Client.HeaderByNumber(ctx, nil); err != nil {
			return err
		}
		if head.BaseFee == nil {
			tip, err = s.cfg.Client.SuggestGasPrice(ctx)
		} else {
			tip, err = s.cfg.Client.SuggestGasTipCap(ctx)
		}
		return err
	})
	if err != nil {
		return fee{}, fmt.Errorf("read fees: %w", err)
	}
	return suggestedFee(tip, head.BaseFee, s.cfg.MaxFeeCap), nil
}

// broadcast sends a signed attempt; errors that mean the node has it or has moved past its nonce
// are expected, others are logged: Run tries again.
func (s *Sender) broadcast(ctx context.Context, a TxAttempt) {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(a.Raw); err != nil {
		s.log.Error("stored transaction does not decode", "hash", a.Hash, "err", err)
		return
	}
	err := s.cfg.Client.SendTransaction(ctx, tx)
	if err != nil && !knownTxError(err) {
		s.log.Warn("broadcast failed; will retry", "hash", a.Hash, "nonce", tx.Nonce(), "err", err)
	}
}

func knownTxError(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "already known") || strings.Contains(msg, "nonce too low") ||
		strings.Contains(msg, "replacement transaction underpriced") || strings.Contains(msg, "already imported")
}

// Run checks open transactions every PollInterval (and right after a Send) until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.PollInterval)
	defer t.Stop()
	first := true
	for {
		// The first tick that reaches the open transactions rebroadcasts them (they may never
		// have reached the node before a restart); later ones rebroadcast only what is stuck.
		reached, err := s.tickOnce(ctx, first)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("checking transactions failed; will retry", "err", err)
		}
		if reached {
			first = false
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-s.wake:
		}
	}
}

// Tick checks every open transaction once: marks mined and final ones, rebroadcasts pending ones
// when rebroadcast is set or their last attempt is stuck (with higher fees), re-nonces an intent
// whose nonce was taken by a foreign transaction, and returns a mined one to pending when its
// block left the canonical chain. Run rebroadcasts only on its first tick (a restart); after
// that a broadcast the node lost goes through the stuck-replacement path.
func (s *Sender) Tick(ctx context.Context, rebroadcast bool) error {
	_, err := s.tickOnce(ctx, rebroadcast)
	return err
}

// tickOnce is Tick; reached reports that it got as far as checking each open transaction.
func (s *Sender) tickOnce(ctx context.Context, rebroadcast bool) (reached bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	open, err := s.cfg.Store.OpenTxs(ctx, s.chainID.Uint64(), s.from)
	if err != nil {
		return false, err
	}
	if len(open) == 0 {
		return true, nil
	}
	head, err := s.cfg.Client.BlockNumber(ctx)
	if err != nil {
		return false, fmt.Errorf("read head: %w", err)
	}
	confirmations, err := Finality{Depth: s.cfg.Confirmations, Tag: s.cfg.FinalizedTag}.DepthAt(ctx, s.cfg.Client, head)
	if err != nil {
		return false, err
	}
	// One intent that cannot be checked (a flaky answer about it, a store error) does not hold
	// up the others: every one is checked, and the errors are returned together.
	t := &tick{head: head, confirmations: confirmations, usedNonce: s.usedNonce(ctx)}
	var errs []error
	for _, rec := range open {
		if err := s.check(ctx, t, rec, rebroadcast); err != nil {
			if ctx.Err() != nil {
				return false, err
			}
			errs = append(errs, fmt.Errorf("check transaction %s: %w", rec.Key, err))
		}
	}
	return true, errors.Join(errs...)
}

// tick is what one Tick learns once and uses for every open intent.
type tick struct {
	head          uint64
	confirmations uint64  // blocks on top of a transaction's that make it final, now
	finalUsed     *uint64 // the key's nonce at the final block, read when first needed
	// usedNonce is the key's nonce at the latest block: an intent at it or above is in no block
	// of the canonical chain, so none of its attempts has a receipt to ask for.
	usedNonce uint64
	blocks    map[uint64]common.Hash // canonical block hashes read this tick, by height
}

// canonical reports whether the canonical block at height number is hash, reading each height's
// header once per tick (a round of batches is often mined in one block).
func (t *tick) canonical(ctx context.Context, c Client, number uint64, hash common.Hash) (bool, error) {
	h, ok := t.blocks[number]
	if !ok {
		header, err := c.HeaderByNumber(ctx, new(big.Int).SetUint64(number))
		if err != nil {
			return false, err
		}
		if t.blocks == nil {
			t.blocks = map[uint64]common.Hash{}
		}
		h = header.Hash()
		t.blocks[number] = h
	}
	return h == hash, nil
}

// usedNonce reads the key's nonce at the latest block; on an error, the largest nonce, so that
// every intent's receipts are asked for as if it had not been read.
func (s *Sender) usedNonce(ctx context.Context) uint64 {
	n, err := s.cfg.Client.NonceAt(ctx, s.from, nil)
	if err != nil {
		return math.MaxUint64
	}
	return n
}

func (s *Sender) check(ctx context.Context, t *tick, rec *TxRecord, rebroadcast bool) error {
	head := t.head
	if rec.State == TxMined && head < rec.BlockNumber+t.confirmations {
		// Mined and not deep enough to be final: nothing to record until it is. Fetching the
		// receipt (thousands of logs for a full mintBatch) on every tick would only tell a reorg
		// sooner; its block is checked once the depth is reached (below).
		return nil
	}
	if rec.State == TxMined {
		// Deep enough. While the canonical block at its height is still the one it was mined in,
		// the receipt recorded then is still its receipt (a block's hash commits to its
		// transactions and their receipts): final, without reading the receipt (thousands of logs
		// for a full mintBatch, encoded by the node and decoded here) a second time. Otherwise a
		// reorg took that block, and the receipts below tell where, if anywhere, it is now.
		same, err := t.canonical(ctx, s.cfg.Client, rec.BlockNumber, rec.BlockHash)
		if err != nil {
			return err
		}
		if same {
			s.log.Debug("transaction "+TxFinal, "key", rec.Key, "hash", rec.MinedHash, "block", rec.BlockNumber, "success", rec.Succeeded)
			return s.cfg.Store.SetTxState(ctx, rec.ID, TxFinal, rec.MinedHash, rec.BlockNumber, rec.BlockHash, rec.Succeeded)
		}
	}
	// Which attempt, if any, is in a block? Any one may be: a replacement does not stop the
	// original from being mined. None of a pending intent is while the key's nonce has not
	// passed the intent's (one read per tick, instead of a receipt lookup per attempt of every
	// pending intent); a mined one's receipt is always asked for (has it left the chain?).
	var rcpt *types.Receipt
	mayBeMined := rec.State != TxPending || rec.Nonce < t.usedNonce
	for i := len(rec.Attempts) - 1; i >= 0 && mayBeMined; i-- {
		r, err := s.cfg.Client.TransactionReceipt(ctx, rec.Attempts[i].Hash)
		if errors.Is(err, ethereum.NotFound) {
			continue
		}
		if err != nil {
			return err
		}
		rcpt = r
		break
	}
	if rcpt == nil {
		if rec.State != TxPending {
			s.log.Warn("transaction left the chain (reorg); sending it again", "key", rec.Key, "nonce", rec.Nonce)
			if err := s.cfg.Store.SetTxState(ctx, rec.ID, TxPending, common.Hash{}, 0, common.Hash{}, false); err != nil {
				return err
			}
			rebroadcast = true
		}
		return s.pending(ctx, t, rec, rebroadcast)
	}
	block := rcpt.BlockNumber.Uint64()
	ok := rcpt.Status == types.ReceiptStatusSuccessful
	state := TxMined
	if head >= block+t.confirmations {
		state = TxFinal
	}
	if state == rec.State && rcpt.BlockHash == rec.BlockHash {
		return nil
	}
	if state == TxFinal {
		// The receipt's block must be the canonical one at that height.
		same, err := t.canonical(ctx, s.cfg.Client, block, rcpt.BlockHash)
		if err != nil {
			return err
		}
		if !same {
			return nil // a reorg under way; look again next time
		}
	}
	s.log.Debug("transaction "+state, "key", rec.Key, "hash", rcpt.TxHash, "block", block, "success", ok)
	return s.cfg.Store.SetTxState(ctx, rec.ID, state, rcpt.TxHash, block, rcpt.BlockHash, ok)
}

// pending handles an intent none of whose attempts is in a block: it reads what the decision
// needs (see pendingState.next) and carries the decision out.
func (s *Sender) pending(ctx context.Context, t *tick, rec *TxRecord, rebroadcast bool) error {
	finalNonce, err := s.finalNonce(ctx, t)
	if err != nil {
		return err
	}
	last := rec.Attempts[len(rec.Attempts)-1]
	state := pendingState{nonce: rec.Nonce, finalNonce: finalNonce, age: time.Since(last.CreatedAt),
		stuckAfter: s.cfg.StuckAfter, rebroadcast: rebroadcast}
	step := state.next()
	if step != stepWait {
		// Each step signs or broadcasts: read the intent whole (OpenTxs listed it without its
		// calldata and signed attempts).
		if rec, err = s.cfg.Store.TxByID(ctx, rec.ID); err != nil || rec == nil {
			return err
		}
		last = rec.Attempts[len(rec.Attempts)-1]
	}
	switch step {
	case stepRenonce:
		return s.renonce(ctx, rec)
	case stepReplace:
		return s.replace(ctx, rec, last)
	case stepRebroadcast:
		s.broadcast(ctx, last)
	}
	return nil
}

// finalNonce returns the key's nonce at the final block, read once per tick.
func (s *Sender) finalNonce(ctx context.Context, t *tick) (uint64, error) {
	if t.finalUsed == nil {
		var finalHead *big.Int
		if t.head >= t.confirmations {
			finalHead = new(big.Int).SetUint64(t.head - t.confirmations)
		}
		used, err := s.cfg.Client.NonceAt(ctx, s.from, finalHead)
		if err != nil {
			return 0, err
		}
		t.finalUsed = &used
	}
	return *t.finalUsed, nil
}

// renonce gives an intent whose nonce a transaction from elsewhere took a new nonce, and
// broadcasts its first attempt at it.
func (s *Sender) renonce(ctx context.Context, rec *TxRecord) error {
	// Look once more: a receipt may have appeared in between. Only a definite "not found" for
	// every attempt counts as not mined; any other error (a flaky node) waits for the next tick
	// rather than risk sending the intent twice.
	for _, a := range rec.Attempts {
		_, err := s.cfg.Client.TransactionReceipt(ctx, a.Hash)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ethereum.NotFound) {
			return fmt.Errorf("check receipt before renonce: %w", err)
		}
	}
	s.log.Warn("nonce taken by another transaction from the operator key; sending with a new nonce", "key", rec.Key, "nonce", rec.Nonce)
	pendingNonce, err := s.cfg.Client.PendingNonceAt(ctx, s.from)
	if err != nil {
		return err
	}
	f, err := s.fees(ctx)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.Renonce(ctx, rec.ID, pendingNonce, func(nonce uint64) (TxAttempt, error) {
		return s.sign(nonce, rec.To, rec.Data, rec.Value, rec.GasLimit, f)
	}); err != nil {
		return err
	}
	fresh, err := s.cfg.Store.TxByID(ctx, rec.ID)
	if err != nil || fresh == nil {
		return err
	}
	s.broadcast(ctx, fresh.Attempts[len(fresh.Attempts)-1])
	return nil
}

// replace replaces a stuck attempt at the same nonce with higher fees (see bumpFee), or
// rebroadcasts it as it is when those would pass MaxFeeCap.
func (s *Sender) replace(ctx context.Context, rec *TxRecord, last TxAttempt) error {
	now, err := s.fees(ctx)
	if err != nil {
		return err
	}
	f, ok := bumpFee(fee{tip: last.Tip, maxFee: last.MaxFee}, now, s.cfg.MaxFeeCap)
	if !ok {
		s.log.Warn("transaction stuck at the fee cap; rebroadcasting as is", "key", rec.Key, "nonce", rec.Nonce, "max_fee", last.MaxFee)
		s.broadcast(ctx, last)
		return nil
	}
	a, err := s.sign(rec.Nonce, rec.To, rec.Data, rec.Value, rec.GasLimit, f)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.AddAttempt(ctx, rec.ID, a); err != nil {
		return err
	}
	s.log.Info("replacing a stuck transaction with higher fees", "key", rec.Key, "nonce", rec.Nonce, "tip", f.tip, "max_fee", f.maxFee, "hash", a.Hash)
	s.broadcast(ctx, a)
	return nil
}

// gasCapExceeded is the message of an estimate that no gas limit up to the node's cap is enough
// for: the call would fail as sent, so Send treats it as ErrWouldRevert.
const gasCapExceeded = "gas required exceeds"

// permanent marks an error retry must not retry.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// retry runs fn until it succeeds, returns a permanent error, or ctx ends, backing off from 50ms
// to 5s between tries: RPC errors (a dropped connection, a node restarting) are usually brief.
func retry(ctx context.Context, fn func() error) error {
	delay := 50 * time.Millisecond
	for {
		err := fn()
		if err == nil {
			return nil
		}
		var p permanent
		if errors.As(err, &p) {
			return p.error
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// Retry is retry for other packages: it retries fn with backoff until it succeeds or ctx ends.
func Retry(ctx context.Context, fn func() error) error { return retry(ctx, fn) }
