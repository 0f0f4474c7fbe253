package indexer_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/indexer"
)

// blockHash returns the hash of canonical block n.
func (h *harness) blockHash(t *testing.T, n uint64) common.Hash {
	t.Helper()
	hdr, err := h.sim.Client.HeaderByNumber(t.Context(), new(big.Int).SetUint64(n))
	if err != nil {
		t.Fatal(err)
	}
	return hdr.Hash()
}

func (h *harness) headNumber(t *testing.T) uint64 {
	t.Helper()
	n, err := h.sim.Client.BlockNumber(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// nonce returns account i's nonce at the head.
func (h *harness) nonce(t *testing.T, i int) uint64 {
	t.Helper()
	n, err := h.sim.Client.NonceAt(t.Context(), h.sim.Address(i), nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// forkAt makes the block named by hash the head, and waits until the transaction pool has taken
// the new head: it re-injects the dropped branch's transactions, which the next block includes
// unless something replaces them first.
func (h *harness) forkAt(t *testing.T, hash common.Hash) {
	t.Helper()
	if err := h.sim.Backend.Fork(hash); err != nil {
		t.Fatalf("fork: %v", err)
	}
	// Fork first syncs the pool with the chain; with transactions re-injected it then refuses
	// ("pending block dirty"), else it sets the same head again.
	_ = h.sim.Backend.Fork(hash)
}

// sendWith signs and sends calldata from key with the given nonce and a priority fee of tip gwei,
// without mining it. A tip well above the default replaces a pending transaction of the same
// nonce.
func (h *harness) sendWith(t *testing.T, key *ecdsa.PrivateKey, to common.Address, calldata []byte, nonce uint64, tip int64) *types.Transaction {
	t.Helper()
	opts := bind.NewKeyedTransactor(key, h.sim.ChainID)
	opts.GasLimit = 1_000_000
	opts.Nonce = new(big.Int).SetUint64(nonce)
	opts.GasTipCap = big.NewInt(tip * 1e9)
	opts.GasFeeCap = big.NewInt(tip*1e9 + 100e9)
	c := bind.NewBoundContract(to, abi.ABI{}, h.sim.Client, h.sim.Client, h.sim.Client)
	tx, err := c.RawTransact(opts, calldata)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	return tx
}

// replace mines, in the next block, a transaction from key with the given nonce that replaces
// whatever the pool holds for that nonce: the transaction the reorg dropped can never come back.
func (h *harness) replace(t *testing.T, key *ecdsa.PrivateKey, to common.Address, calldata []byte, nonce uint64) *types.Receipt {
	t.Helper()
	tx := h.sendWith(t, key, to, calldata, nonce, 50)
	h.commit()
	rcpt, err := chain.WaitSuccess(t.Context(), h.sim.Client, tx.Hash())
	if err != nil {
		t.Fatal(err)
	}
	return rcpt
}

// wantDropped asserts that tx is not on the chain and no event of it is indexed.
func (h *harness) wantDropped(t *testing.T, tx common.Hash) {
	t.Helper()
	if _, err := h.sim.Client.TransactionReceipt(t.Context(), tx); !errors.Is(err, ethereum.NotFound) {
		t.Fatalf("transaction %s should have been dropped by the reorg: %v", tx, err)
	}
	events, err := h.reads.IndexedEvents(t.Context(), h.community)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.TxHash == strings.ToLower(tx.Hex()) {
			t.Errorf("an event of the dropped transaction %s is still indexed: %+v", tx, e)
		}
	}
}

func metricValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		m := f.GetMetric()[0]
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue()
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue()
		case dto.MetricType_HISTOGRAM:
			return float64(m.GetHistogram().GetSampleCount())
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// A reorg within the finality depth finds its common ancestor among the remembered blocks
// however the blocks above it were indexed: every block a reorg can replace, and the newest
// final one, is remembered, not only each batch's first and last.
func TestReorgAsDeepAsFinalityAfterLongBatches(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		batches []int // blocks mined and indexed in one batch each
		depth   uint64
	}{
		"a batch of 8 and one of 4, reorg of 7":   {[]int{8, 4}, 7},
		"a batch of 8 and one of 4, reorg of 8":   {[]int{8, 4}, finality},
		"one batch across finalTop, reorg of 8":   {[]int{12}, finality},
		"one batch across finalTop, reorg of 7":   {[]int{12}, 7},
		"one batch of exactly finality, reorg 8":  {[]int{finality}, finality},
		"batches of 1, reorg of exactly finality": {[]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, finality},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			h := newHarness(t, 4, indexer.Config{FinalityDepth: finality, Metrics: indexer.NewMetrics(reg)})
			h.mint(t, 1, []int{1}, []int64{100})
			h.sync(t)
			for _, n := range tt.batches {
				for range n {
					h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(2), tokens(1)))
				}
				h.sync(t)
			}
			cursor := h.headNumber(t)
			ancestor := cursor - tt.depth
			h.forkAt(t, h.blockHash(t, ancestor))
			// The new branch: another transfer first (replacing the first dropped one), then
			// blocks enough to be longer.
			h.replace(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(3), tokens(2)), h.nonce(t, 1))
			for range tt.depth {
				h.commit()
			}
			for i := 0; ; i++ {
				idle, err := h.ix.Step(t.Context())
				if err != nil {
					t.Fatalf("a reorg of %d blocks with finality %d: %v", tt.depth, finality, err)
				}
				if idle {
					break
				}
				if i > 100 {
					t.Fatal("no progress")
				}
			}
			h.checkEqualsChain(t)
			if n := metricValue(t, reg, "guildhall_indexer_reorgs_total"); n != 1 {
				t.Errorf("reorgs_total = %v, want 1", n)
			}
			if n := metricValue(t, reg, "guildhall_indexer_deep_reorgs_total"); n != 0 {
				t.Errorf("deep_reorgs_total = %v, want 0", n)
			}
		})
	}
}

// A reorg that really drops a transfer, a delegation and a vote (their senders' nonces are taken
// by other transactions on the new branch, so they can never be mined again) leaves no trace of
// them, and the index equals the chain.
func TestReorgDropsTransfersDelegationsAndVotes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality})
	pid := seedActivity(t, h)
	h.sync(t)
	ancestor := h.head(t)
	n1, n4, n5 := h.nonce(t, 1), h.nonce(t, 4), h.nonce(t, 5)
	dropped := []common.Hash{
		h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(6), tokens(1))).TxHash,
		h.sim.MustTransact(t, h.sim.Accounts[4], h.dep.Token, token.PackDelegate(h.sim.Address(1))).TxHash,
		h.sim.MustTransact(t, h.sim.Accounts[5], h.dep.Governor, governor.PackCastVote(pid, 1)).TxHash,
	}
	h.sync(t)
	h.checkEqualsChain(t)

	h.forkAt(t, ancestor)
	// Conflicting transactions with the same nonces go first.
	h.sendWith(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(7), tokens(2)), n1, 50)
	h.sendWith(t, h.sim.Accounts[4], h.dep.Token, token.PackDelegate(h.sim.Address(4)), n4, 50)
	h.sendWith(t, h.sim.Accounts[5], h.dep.Governor, governor.PackCastVoteWithReason(pid, 0, "changed my mind"), n5, 50)
	h.commit()
	for range 3 {
		h.commit()
	}
	h.sync(t)
	h.checkEqualsChain(t)
	for _, tx := range dropped {
		h.wantDropped(t, tx)
	}
	votes, err := h.reads.Votes(t.Context(), h.community, pid, guildhall.Page[guildhall.ChainPosition]{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range votes.Items {
		if v.Voter == h.sim.Address(5).Hex() && (v.Support != 0 || v.Reason != "changed my mind") {
			t.Errorf("account 5's vote = %+v, want the new branch's", v)
		}
	}
}

// A reorg that reorders a transfer and a delegation (the new branch mines the delegation first)
// changes the voting power checkpoints; the index follows.
func TestReorgReordersTransfersAndDelegations(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality})
	seedActivity(t, h)
	h.sync(t)
	ancestor := h.head(t)
	// Account 2 (delegated to 3) sends 10 to account 4, then account 4 delegates to itself; the
	// delegation pays the higher tip, so a block holding both mines it first.
	transfer := h.sendWith(t, h.sim.Accounts[2], h.dep.Token, token.PackTransfer(h.sim.Address(4), tokens(10)), h.nonce(t, 2), 1)
	h.commit()
	delegation := h.sendWith(t, h.sim.Accounts[4], h.dep.Token, token.PackDelegate(h.sim.Address(4)), h.nonce(t, 4), 5)
	h.commit()
	h.sync(t)
	h.checkEqualsChain(t)

	h.forkAt(t, ancestor) // both re-injected, mined in the next block
	h.commit()
	h.commit()
	h.commit()
	rt, err1 := chain.WaitSuccess(t.Context(), h.sim.Client, transfer.Hash())
	rd, err2 := chain.WaitSuccess(t.Context(), h.sim.Client, delegation.Hash())
	if err1 != nil || err2 != nil {
		t.Fatalf("re-mined: %v %v", err1, err2)
	}
	if rt.BlockNumber.Cmp(rd.BlockNumber) != 0 || rd.TransactionIndex > rt.TransactionIndex {
		t.Fatalf("the new branch did not reorder them: transfer %d/%d, delegation %d/%d",
			rt.BlockNumber, rt.TransactionIndex, rd.BlockNumber, rd.TransactionIndex)
	}
	h.sync(t)
	h.checkEqualsChain(t)
}

// noStateNode is a node that cannot answer state() (pruned state): proposal states are derived
// from the indexed events alone.
type noStateNode struct{ indexer.Client }

func (noStateNode) CallContract(context.Context, ethereum.CallMsg, *big.Int) ([]byte, error) {
	return nil, errors.New("missing trie node (state is not available)")
}

// plan is a proposal's actions and description.
type plan struct {
	id          *big.Int
	targets     []common.Address
	values      []*big.Int
	calldatas   [][]byte
	description string
}

func (p *plan) descriptionHash() [32]byte { return crypto.Keccak256Hash([]byte(p.description)) }

// propose opens a proposal minting amount to account to, from account from's wallet.
func (h *harness) propose(t *testing.T, from, to int, amount int64, description string) *plan {
	t.Helper()
	p := &plan{targets: []common.Address{h.dep.Token}, values: []*big.Int{new(big.Int)},
		calldatas: [][]byte{token.PackMint(h.sim.Address(to), tokens(amount))}, description: description}
	rcpt := h.sim.MustTransact(t, h.sim.Accounts[from], h.dep.Governor, governor.PackPropose(p.targets, p.values, p.calldatas, description))
	for _, l := range rcpt.Logs {
		if ev, err := governor.UnpackProposalCreatedEvent(l); err == nil {
			p.id = ev.ProposalId
		}
	}
	return p
}

func (h *harness) wantState(t *testing.T, p *plan, want string) *indexer.ProposalView {
	t.Helper()
	v, err := h.reads.Proposal(t.Context(), h.community, p.id)
	if err != nil {
		t.Fatal(err)
	}
	if v.State != want {
		t.Fatalf("proposal %q: state %s, want %s", p.description, v.State, want)
	}
	return v
}

// A proposal's lifecycle events inside reorged ranges (a cancel, a queue with its CallScheduled,
// an execution on the timelock directly with its CallExecuted) are undone with the state derived
// from them; and an execution that only the timelock announces executes the indexed proposal.
// Both with the governor's state() at hand and with states derived from events alone.
func TestGovernanceLifecycleInReorgedRanges(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"state read", "state derived"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, 8, indexer.Config{FinalityDepth: finality})
			if mode == "state derived" {
				h.withClient(noStateNode{h.sim.Client})
			}
			h.mint(t, 1, []int{1, 2}, []int64{100, 50})
			h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackDelegate(h.sim.Address(1)))
			h.sim.Advance(t, time.Second)
			grant := h.propose(t, 1, 6, 5, "Grant 5 to six")
			other := h.propose(t, 1, 7, 5, "Grant 5 to seven")

			// A cancel (by the proposer, while pending), reorged away.
			ancestor := h.head(t)
			nonce := h.nonce(t, 1)
			h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, governor.PackCancel(other.targets, other.values, other.calldatas, other.descriptionHash()))
			h.sync(t)
			h.wantState(t, other, "canceled")
			h.checkEqualsChain(t)
			h.forkAt(t, ancestor)
			h.replace(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(7), tokens(1)), nonce)
			h.sync(t)
			if v, _ := h.reads.Proposal(t.Context(), h.community, other.id); v == nil || v.State == "canceled" {
				t.Fatalf("a reorged-away cancel still counts: %+v", v)
			}
			h.checkEqualsChain(t)

			h.sim.Advance(t, testSettings.VotingDelay+time.Second)
			h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, governor.PackCastVote(grant.id, 1))
			h.sim.Advance(t, testSettings.VotingPeriod+time.Second)
			h.sync(t)
			h.wantState(t, grant, "succeeded")

			// A queue (ProposalQueued and CallScheduled), reorged away.
			ancestor = h.head(t)
			nonce = h.nonce(t, 2)
			rcpt := h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Governor, governor.PackQueue(grant.targets, grant.values, grant.calldatas, grant.descriptionHash()))
			for _, l := range rcpt.Logs {
				if ev, err := timelockC.UnpackCallScheduledEvent(l); err == nil {
					actions := []indexer.Action{{Target: grant.targets[0], Value: grant.values[0], Calldata: grant.calldatas[0]}}
					if id := indexer.TimelockOperationID(h.dep.Governor, actions, grant.description); id != ev.Id {
						t.Fatalf("timelock operation id %s, the timelock scheduled %x", id, ev.Id)
					}
				}
			}
			h.sync(t)
			h.wantState(t, grant, "queued")
			h.checkEqualsChain(t)
			h.forkAt(t, ancestor)
			h.replace(t, h.sim.Accounts[2], h.dep.Token, token.PackTransfer(h.sim.Address(7), tokens(1)), nonce)
			h.sync(t)
			h.wantState(t, grant, "succeeded")
			h.checkEqualsChain(t)

			// Queued again; executed on the timelock directly: CallExecuted, no ProposalExecuted.
			h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Governor, governor.PackQueue(grant.targets, grant.values, grant.calldatas, grant.descriptionHash()))
			h.sim.Advance(t, testSettings.TimelockDelay+time.Second)
			h.sync(t)
			ancestor = h.head(t)
			ancestorNumber := h.headNumber(t)
			nonce = h.nonce(t, 3)
			var salt [32]byte
			copy(salt[:], h.dep.Governor[:])
			dh := grant.descriptionHash()
			for i := range salt {
				salt[i] ^= dh[i]
			}
			rcpt = h.sim.MustTransact(t, h.sim.Accounts[3], h.dep.Timelock, timelockC.PackExecuteBatch(grant.targets, grant.values, grant.calldatas, [32]byte{}, salt))
			for _, l := range rcpt.Logs {
				if _, err := governor.UnpackProposalExecutedEvent(l); err == nil {
					t.Fatal("the governor announced an execution it did not make")
				}
			}
			h.sync(t)
			h.wantState(t, grant, "executed")
			h.checkEqualsChain(t)

			h.forkAt(t, ancestor)
			h.replace(t, h.sim.Accounts[3], h.dep.Token, token.PackDelegate(h.sim.Address(3)), nonce)
			// The step that rewinds must leave the proposal queued at the ancestor, not executed.
			if _, err := h.ix.Step(t.Context()); err != nil {
				t.Fatal(err)
			}
			if v := h.wantState(t, grant, "queued"); v.AsOf.Number != ancestorNumber {
				t.Fatalf("the first step after the reorg did not rewind to %d: as_of %d", ancestorNumber, v.AsOf.Number)
			}
			h.sync(t)
			h.wantState(t, grant, "queued")
			h.checkEqualsChain(t)

			// Executed through the governor: ProposalExecuted and CallExecuted.
			h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Governor, governor.PackExecute(grant.targets, grant.values, grant.calldatas, grant.descriptionHash()))
			h.sync(t)
			h.wantState(t, grant, "executed")
			h.checkEqualsChain(t)
		})
	}
}
