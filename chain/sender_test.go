package chain_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// The sender's tests run it on the simulated chain over its real store (PostgreSQL), driving
// Tick and the blocks by hand.

const confirmations = 2

// ctlClient is the simulated chain's client with switches: lose broadcasts before the node sees
// them, suggest a tip too low for the node to mine (the pool keeps such a transaction: it is
// stuck, not dropped), or answer the head without a base fee (a chain without EIP-1559).
type ctlClient struct {
	chain.Client
	dropSends, cheapTip, noBaseFee atomic.Bool
	sent                           atomic.Int64 // broadcasts that reached the node
	receipts                       atomic.Int64 // receipts asked for
	receiptsRead                   atomic.Int64 // receipts the node answered with
}

func (c *ctlClient) TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	c.receipts.Add(1)
	r, err := c.Client.TransactionReceipt(ctx, h)
	if err == nil {
		c.receiptsRead.Add(1)
	}
	return r, err
}

var errLost = errors.New("injected: connection reset before the node saw the transaction")

func (c *ctlClient) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if c.dropSends.Load() {
		return errLost
	}
	c.sent.Add(1)
	return c.Client.SendTransaction(ctx, tx)
}

func (c *ctlClient) SuggestGasTipCap(ctx context.Context) (*big.Int, error) {
	if c.cheapTip.Load() {
		return big.NewInt(1), nil // below the miner's minimum tip (0.001 gwei): never mined
	}
	return c.Client.SuggestGasTipCap(ctx)
}

func (c *ctlClient) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	h, err := c.Client.HeaderByNumber(ctx, n)
	if err != nil || !c.noBaseFee.Load() || n != nil {
		// Only the head, which the fees are read from, loses its base fee: a header by number
		// keeps its hash, which the sender compares with its receipt's block.
		return h, err
	}
	cp := types.CopyHeader(h)
	cp.BaseFee = nil
	return cp, nil
}

type senderEnv struct {
	sim    *chaintest.Sim
	db     *postgres.SenderStore
	client *ctlClient
	to     common.Address // where the test intents go (an account without code)
}

func newSenderEnv(t *testing.T) *senderEnv {
	t.Helper()
	sim := chaintest.New(t, 2)
	e := &senderEnv{sim: sim, db: postgres.NewSenderStore(pgtest.NewDB(t)), client: &ctlClient{Client: sim.Client}, to: common.HexToAddress("0x00000000000000000000000000000000000a11ce")}
	// The node's transaction index reports "in progress" until it has seen a block.
	sim.Backend.Commit()
	if _, err := e.lookup(t, common.Hash{1}); !errors.Is(err, ethereum.NotFound) {
		t.Fatalf("the simulated node's transaction index is not ready: %v", err)
	}
	return e
}

// sender returns a new Sender for the operator key (Accounts[0]) over the env's store: calling it
// again is a restart.
func (e *senderEnv) sender(t *testing.T, stuckAfter time.Duration) *chain.Sender {
	t.Helper()
	s, err := chain.NewSender(t.Context(), chain.SenderConfig{Client: e.client, Key: e.sim.Accounts[0], Store: e.db,
		Confirmations: confirmations, StuckAfter: stuckAfter})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tick runs one Tick. Right after a block the node may answer a lookup with "transaction indexing
// is in progress" (it indexes new blocks in the background); the sender then waits for the next
// tick, as the test does here.
func (e *senderEnv) tick(t *testing.T, s *chain.Sender, rebroadcast bool) {
	t.Helper()
	for try := 0; ; try++ {
		err := s.Tick(t.Context(), rebroadcast)
		if err == nil {
			return
		}
		if !indexing(err) || try == 50 {
			t.Fatalf("tick: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func indexing(err error) bool { return chain.IndexingInProgress(err) }

// lookup is TransactionByHash, waiting out the node's indexing.
func (e *senderEnv) lookup(t *testing.T, h common.Hash) (pending bool, err error) {
	t.Helper()
	for range 50 {
		if _, pending, err = e.sim.Client.TransactionByHash(t.Context(), h); !indexing(err) {
			return pending, err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return pending, err
}

// commit seals n blocks, ticking s after each.
func (e *senderEnv) commit(t *testing.T, s *chain.Sender, n int) {
	t.Helper()
	for range n {
		e.sim.Backend.Commit()
		e.tick(t, s, false)
	}
}

func (e *senderEnv) record(t *testing.T, key string) *chain.TxRecord {
	t.Helper()
	rec, err := e.db.TxByKey(t.Context(), key)
	if err != nil || rec == nil {
		t.Fatalf("record %s: %v, %v", key, rec, err)
	}
	return rec
}

// landed returns the operator's transactions in the canonical chain whose calldata is data.
func (e *senderEnv) landed(t *testing.T, data []byte) []*types.Transaction {
	t.Helper()
	head, err := e.sim.Client.BlockNumber(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	signer := types.LatestSignerForChainID(e.sim.ChainID)
	var out []*types.Transaction
	for n := uint64(1); n <= head; n++ {
		b, err := e.sim.Client.BlockByNumber(t.Context(), new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range b.Transactions() {
			from, err := types.Sender(signer, tx)
			if err != nil {
				t.Fatal(err)
			}
			if from == e.sim.Address(0) && bytes.Equal(tx.Data(), data) {
				out = append(out, tx)
			}
		}
	}
	return out
}

// sendLettered sends n calls in one SendCalls, keyed name/a, name/b, ... with calldata "name a",
// "name b", ...
func (e *senderEnv) sendLettered(t *testing.T, s *chain.Sender, name string, n int) []*chain.TxRecord {
	t.Helper()
	calls := make([]chain.Call, n)
	for k := range calls {
		letter := string(rune('a' + k))
		calls[k] = chain.Call{Key: name + "/" + letter, To: e.to, Data: []byte(name + " " + letter), GasLimit: 100_000}
	}
	recs, err := s.SendCalls(t.Context(), calls)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// assertLetteredFinalOnce checks each intent sendLettered sent as name with assertFinalOnce, by
// its first attempt.
func (e *senderEnv) assertLetteredFinalOnce(t *testing.T, name string, recs []*chain.TxRecord) {
	t.Helper()
	for k, rec := range recs {
		e.assertFinalOnce(t, rec.Key, []byte(name+" "+string(rune('a'+k))), rec.Attempts[0].Hash)
	}
}

// assertFinalOnce checks that the intent is final on the canonical chain, by the attempt named
// want, and that its calldata landed exactly once.
func (e *senderEnv) assertFinalOnce(t *testing.T, key string, data []byte, want common.Hash) *chain.TxRecord {
	t.Helper()
	rec := e.record(t, key)
	if rec.State != chain.TxFinal || !rec.Succeeded {
		head, _ := e.sim.Client.BlockNumber(t.Context())
		t.Fatalf("intent %s is %s (succeeded %v, block %d, head %d), want final and succeeded", key, rec.State, rec.Succeeded, rec.BlockNumber, head)
	}
	if rec.MinedHash != want {
		t.Errorf("mined attempt %s, want %s", rec.MinedHash, want)
	}
	h, err := e.sim.Client.HeaderByNumber(t.Context(), new(big.Int).SetUint64(rec.BlockNumber))
	if err != nil {
		t.Fatal(err)
	}
	if h.Hash() != rec.BlockHash {
		t.Errorf("recorded block %d %s is not the canonical one (%s)", rec.BlockNumber, rec.BlockHash, h.Hash())
	}
	txs := e.landed(t, data)
	if len(txs) != 1 {
		t.Fatalf("the intent landed %d times, want once", len(txs))
	}
	if txs[0].Hash() != want || txs[0].Nonce() != rec.Nonce {
		t.Errorf("landed %s at nonce %d, want %s at nonce %d", txs[0].Hash(), txs[0].Nonce(), want, rec.Nonce)
	}
	return rec
}

func notMined(t *testing.T, c chain.Client, h common.Hash) {
	t.Helper()
	var err error
	for range 50 {
		if _, err = c.TransactionReceipt(t.Context(), h); !indexing(err) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !errors.Is(err, ethereum.NotFound) {
		t.Errorf("receipt of %s: %v, want not found", h, err)
	}
}

// bumped reports whether v is at least 12.5% above old.
func bumped(v, old *big.Int) bool {
	return new(big.Int).Mul(v, big.NewInt(8)).Cmp(new(big.Int).Mul(old, big.NewInt(9))) >= 0
}

// A transaction the node keeps but never mines (its tip is below the miner's minimum) is replaced
// after StuckAfter at the same nonce with fees at least 12.5% higher; the replacement is mined and
// the original never is.
func TestSenderReplacesStuckTransaction(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	e.client.cheapTip.Store(true)
	const stuckAfter = 500 * time.Millisecond
	s := e.sender(t, stuckAfter)
	data := []byte("stuck intent")
	rec, err := s.Send(t.Context(), "stuck", e.to, data, nil, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	first := rec.Attempts[0]
	e.commit(t, s, 3)
	if pending, err := e.lookup(t, first.Hash); err != nil || !pending {
		t.Fatalf("the underpriced attempt should wait in the pool: pending %v, %v", pending, err)
	}
	notMined(t, e.sim.Client, first.Hash)
	if got := e.record(t, "stuck"); got.State != chain.TxPending || len(got.Attempts) != 1 {
		t.Fatalf("before StuckAfter: %s with %d attempts, want pending with 1", got.State, len(got.Attempts))
	}

	e.client.cheapTip.Store(false)
	time.Sleep(stuckAfter + 100*time.Millisecond)
	e.tick(t, s, false)
	rec = e.record(t, "stuck")
	if len(rec.Attempts) != 2 {
		t.Fatalf("after StuckAfter: %d attempts, want a replacement", len(rec.Attempts))
	}
	repl := rec.Attempts[1]
	if !bumped(repl.Tip, first.Tip) || !bumped(repl.MaxFee, first.MaxFee) {
		t.Errorf("replacement tip %s max fee %s, want at least 12.5%% above %s and %s", repl.Tip, repl.MaxFee, first.Tip, first.MaxFee)
	}
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(repl.Raw); err != nil {
		t.Fatal(err)
	}
	if tx.Nonce() != rec.Nonce || !bytes.Equal(tx.Data(), data) {
		t.Errorf("replacement at nonce %d with other calldata, want nonce %d and the same call", tx.Nonce(), rec.Nonce)
	}
	e.commit(t, s, 1+confirmations)
	e.assertFinalOnce(t, "stuck", data, repl.Hash)
	notMined(t, e.sim.Client, first.Hash)
}

// An intent's receipt is read once, when it is mined: at the confirmation depth its block is
// checked (still the canonical one at its height) and the intent is final without the receipt
// (thousands of logs for a full mintBatch) read again.
func TestSenderReadsAMinedReceiptOnce(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	s := e.sender(t, time.Minute)
	recs := e.sendLettered(t, s, "once", 2)
	before := e.client.receiptsRead.Load()
	e.commit(t, s, 1)
	// The node indexes a block's transactions after the block: under load a receipt may not be
	// found at the first tick, so tick again (no new block) until both are mined.
	for try := 0; ; try++ {
		mined := 0
		for _, rec := range recs {
			if e.record(t, rec.Key).State == chain.TxMined {
				mined++
			}
		}
		if mined == len(recs) {
			break
		}
		if try == 50 {
			t.Fatalf("after one block %d of %d intents mined, want all", mined, len(recs))
		}
		time.Sleep(20 * time.Millisecond)
		e.tick(t, s, false)
	}
	e.commit(t, s, confirmations+2)
	e.assertLetteredFinalOnce(t, "once", recs)
	if n := e.client.receiptsRead.Load() - before; n != int64(len(recs)) {
		t.Errorf("%d receipts read from send to final for %d intents, want one each", n, len(recs))
	}
}

// A mined transaction whose block is reorged away is found missing once the confirmation depth is
// reached and sent again (the same signed attempt, so the same nonce): it lands once, on the new
// chain, and the record names the canonical block.
func TestSenderResendsTransactionReorgedAway(t *testing.T) {
	t.Parallel()
	for name, nodeKeepsIt := range map[string]bool{"dropped by the node": false, "re-mined by the node": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newSenderEnv(t)
			s := e.sender(t, time.Minute)
			parent, err := e.sim.Client.HeaderByNumber(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			data := []byte("reorged intent")
			rec, err := s.Send(t.Context(), "reorged", e.to, data, nil, 100_000)
			if err != nil {
				t.Fatal(err)
			}
			e.commit(t, s, 1)
			mined := e.record(t, "reorged")
			if mined.State != chain.TxMined || mined.BlockNumber != parent.Number.Uint64()+1 {
				t.Fatalf("after one block: %s in block %d, want mined in %d", mined.State, mined.BlockNumber, parent.Number.Uint64()+1)
			}

			// Reorg: the chain goes back to the parent and grows another way.
			if err := e.sim.Backend.Fork(parent.Hash()); err != nil {
				t.Fatal(err)
			}
			if !nodeKeepsIt {
				e.sim.Backend.Rollback() // the node forgets the transaction the reorg put back into its pool
				if _, err := e.lookup(t, rec.Attempts[0].Hash); !errors.Is(err, ethereum.NotFound) {
					t.Fatalf("after the reorg the node still has the transaction: %v", err)
				}
			}
			sent := e.client.sent.Load()
			e.commit(t, s, 1+confirmations+1)
			e.commit(t, s, confirmations+1)
			if !nodeKeepsIt && e.client.sent.Load() == sent {
				t.Error("the sender never broadcast the reorged transaction again")
			}
			got := e.assertFinalOnce(t, "reorged", data, rec.Attempts[0].Hash)
			if got.BlockHash == mined.BlockHash {
				t.Errorf("still recorded in the reorged block %s", mined.BlockHash)
			}
			if len(got.Attempts) != 1 || got.Nonce != rec.Nonce {
				t.Errorf("%d attempts at nonce %d, want the one signed attempt at nonce %d", len(got.Attempts), got.Nonce, rec.Nonce)
			}
		})
	}
}

// A transaction from the same key sent outside the sender takes an intent's nonce (it replaces
// the intent's attempt in the pool with higher fees and is mined). Once that nonce is final, the
// intent gets a new nonce and is mined there: it is not lost, and it lands once.
func TestSenderRenoncesWhenAForeignTransactionTakesTheNonce(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	s := e.sender(t, time.Minute)
	data := []byte("intent whose nonce is taken")
	rec, err := s.Send(t.Context(), "renonce", e.to, data, nil, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	a := rec.Attempts[0]
	foreign, err := types.SignNewTx(e.sim.Accounts[0], types.LatestSignerForChainID(e.sim.ChainID), &types.DynamicFeeTx{
		ChainID: e.sim.ChainID, Nonce: rec.Nonce, GasTipCap: new(big.Int).Mul(a.Tip, big.NewInt(3)),
		GasFeeCap: new(big.Int).Mul(a.MaxFee, big.NewInt(3)), Gas: 100_000, To: &e.to, Data: []byte("foreign"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Client.SendTransaction(t.Context(), foreign); err != nil {
		t.Fatal(err)
	}
	e.commit(t, s, 1)
	if r, err := e.sim.Client.TransactionReceipt(t.Context(), foreign.Hash()); err != nil || r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("the foreign transaction was not mined: %v", err)
	}
	notMined(t, e.sim.Client, a.Hash)
	e.commit(t, s, confirmations+1) // the taken nonce becomes final: the intent is re-nonced
	e.commit(t, s, confirmations+1)
	got := e.record(t, "renonce")
	if got.Nonce == rec.Nonce {
		t.Fatalf("the intent kept nonce %d, which the foreign transaction took", rec.Nonce)
	}
	if len(got.Attempts) != 2 {
		t.Fatalf("%d attempts, want the first and one at the new nonce", len(got.Attempts))
	}
	e.assertFinalOnce(t, "renonce", data, got.Attempts[1].Hash)
	if n := len(e.landed(t, []byte("foreign"))); n != 1 {
		t.Errorf("the foreign transaction landed %d times", n)
	}
}

// A sender that stopped after recording an intent and before the node saw it (the broadcast was
// lost): a new Sender over the same store does not sign the intent again (Send with the same key
// returns the record), rebroadcasts the recorded attempt on its first tick, and that very
// transaction is mined.
func TestSenderResumesAnIntentAfterRestart(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	e.client.dropSends.Store(true)
	data := []byte("intent across a restart")
	rec, err := e.sender(t, time.Minute).Send(t.Context(), "restart", e.to, data, nil, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.lookup(t, rec.Attempts[0].Hash); !errors.Is(err, ethereum.NotFound) {
		t.Fatalf("the lost broadcast reached the node: %v", err)
	}
	e.client.dropSends.Store(false)

	s := e.sender(t, time.Minute) // the restart
	again, err := s.Send(t.Context(), "restart", e.to, []byte("other calldata"), nil, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != rec.ID || len(again.Attempts) != 1 || again.Attempts[0].Hash != rec.Attempts[0].Hash {
		t.Fatalf("Send after the restart recorded something new: %+v", again)
	}
	e.tick(t, s, true) // Run's first tick
	e.commit(t, s, 1+confirmations)
	got := e.assertFinalOnce(t, "restart", data, rec.Attempts[0].Hash)
	if len(got.Attempts) != 1 {
		t.Errorf("%d attempts, want the one recorded before the restart", len(got.Attempts))
	}
	if n := len(e.landed(t, []byte("other calldata"))); n != 0 {
		t.Errorf("the second Send's calldata landed %d times", n)
	}
}

// On a chain whose headers carry no base fee the sender signs legacy transactions at the node's
// suggested gas price (instead of failing on the missing base fee), and replaces a stuck one with a
// price at least 12.5% higher.
func TestSenderUsesLegacyGasPriceWithoutBaseFee(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	e.client.noBaseFee.Store(true)
	e.client.dropSends.Store(true)
	const stuckAfter = 300 * time.Millisecond
	s := e.sender(t, stuckAfter)
	data := []byte("legacy intent")
	rec, err := s.Send(t.Context(), "legacy", e.to, data, nil, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	price, err := e.sim.Client.SuggestGasPrice(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	first := new(types.Transaction)
	if err := first.UnmarshalBinary(rec.Attempts[0].Raw); err != nil {
		t.Fatal(err)
	}
	if first.Type() != types.LegacyTxType || first.GasPrice().Cmp(price) != 0 {
		t.Fatalf("first attempt: type %d at %s, want a legacy transaction at the suggested %s", first.Type(), first.GasPrice(), price)
	}
	e.client.dropSends.Store(false)
	time.Sleep(stuckAfter + 100*time.Millisecond)
	e.tick(t, s, false)
	rec = e.record(t, "legacy")
	if len(rec.Attempts) != 2 {
		t.Fatalf("%d attempts, want a replacement", len(rec.Attempts))
	}
	repl := new(types.Transaction)
	if err := repl.UnmarshalBinary(rec.Attempts[1].Raw); err != nil {
		t.Fatal(err)
	}
	if repl.Type() != types.LegacyTxType || !bumped(repl.GasPrice(), first.GasPrice()) {
		t.Errorf("replacement: type %d at %s, want legacy at least 12.5%% above %s", repl.Type(), repl.GasPrice(), first.GasPrice())
	}
	e.commit(t, s, 1+confirmations)
	e.assertFinalOnce(t, "legacy", data, repl.Hash())
}

// SendCalls records many intents in one write at consecutive nonces, each with its own gas limit,
// and broadcasts them; each lands once. Called again with the same keys (a retry after an error
// it did not see the end of) it returns what was recorded and records and sends nothing new.
func TestSenderSendsManyCallsInOneRound(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	s := e.sender(t, time.Minute)
	calls := []chain.Call{
		{Key: "round/a", To: e.to, Data: []byte("call a"), GasLimit: 100_000},
		{Key: "round/b", To: e.to, Data: []byte("call b"), GasLimit: 120_000},
		{Key: "round/c", To: e.to, Data: []byte("call c"), GasLimit: 140_000},
	}
	recs, err := s.SendCalls(t.Context(), calls)
	if err != nil {
		t.Fatal(err)
	}
	for k, rec := range recs {
		if rec.Key != calls[k].Key || rec.Nonce != recs[0].Nonce+uint64(k) || rec.GasLimit != calls[k].GasLimit || *rec.To != e.to {
			t.Errorf("record %d: key %s nonce %d gas %d to %s; want %s at nonce %d with %d gas", k, rec.Key, rec.Nonce, rec.GasLimit, rec.To,
				calls[k].Key, recs[0].Nonce+uint64(k), calls[k].GasLimit)
		}
	}
	again, err := s.SendCalls(t.Context(), []chain.Call{
		{Key: "round/a", To: e.to, Data: []byte("other a")}, {Key: "round/b", To: e.to, Data: []byte("other b")}, {Key: "round/c", To: e.to, Data: []byte("other c")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range again {
		if again[k].ID != recs[k].ID || again[k].Attempts[0].Hash != recs[k].Attempts[0].Hash {
			t.Errorf("the second SendCalls recorded %s anew", again[k].Key)
		}
	}
	e.commit(t, s, 1+confirmations)
	for k, c := range calls {
		e.assertFinalOnce(t, c.Key, c.Data, recs[k].Attempts[0].Hash)
		if n := len(e.landed(t, []byte("other "+string(rune('a'+k))))); n != 0 {
			t.Errorf("the second SendCalls' calldata %d landed %d times", k, n)
		}
	}
}

// A tick asks for no receipt of an intent the chain has not used the nonce of yet (one read of
// the key's nonce tells that for all of them), and asks for the receipts once they are mined.
func TestSenderAsksNoReceiptBeforeTheNonceIsUsed(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	s := e.sender(t, time.Minute)
	recs := e.sendLettered(t, s, "nonce", 3)
	before := e.client.receipts.Load()
	for range 3 {
		e.tick(t, s, false)
	}
	if n := e.client.receipts.Load() - before; n != 0 {
		t.Errorf("3 ticks over 3 pending intents asked for %d receipts, want none", n)
	}
	e.commit(t, s, 1+confirmations)
	e.assertLetteredFinalOnce(t, "nonce", recs)
}
