package indexer_test

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/contracts/bindings/timelock"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

var (
	token     = guildtoken.NewGuildToken()
	governor  = guildgovernor.NewGuildGovernor()
	timelockC = timelock.NewTimelockController()
)

var testSettings = guildhall.GovernanceSettings{
	VotingDelay:         5 * time.Second,
	VotingPeriod:        1000 * time.Second,
	TimelockDelay:       10 * time.Second,
	LateQuorumExtension: 20 * time.Second,
	QuorumPercent:       4,
	ProposalThreshold:   new(big.Int),
}

// harness is a community on a simulated chain, a fresh database and an indexer stepped by hand.
type harness struct {
	t         *testing.T
	sim       *chaintest.Sim
	db        *postgres.DB
	dbURL     string
	reads     *postgres.IndexReader
	dep       *chain.Deployment
	community string
	client    indexer.Client
	ix        *indexer.Indexer
	cfg       indexer.Config
}

func newHarness(t *testing.T, accounts int, cfg indexer.Config) *harness {
	t.Helper()
	sim := chaintest.New(t, accounts)
	dep := sim.Deploy(t, testSettings)
	db, dbURL := pgtest.NewDBURL(t)
	id, err := chain.Identity(t.Context(), sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	if err := postgres.NewCommunityStore(db).BindChain(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, sim: sim, db: db, dbURL: dbURL, reads: postgres.NewIndexReader(db), dep: dep, community: "bakery", client: sim.Client, cfg: cfg}
	h.addCommunity(t, h.community, dep)
	h.ix = indexer.New(h.client, postgres.NewIndexWriter(db), cfg)
	return h
}

func (h *harness) addCommunity(t *testing.T, id string, dep *chain.Deployment) {
	t.Helper()
	err := postgres.NewCommunityStore(h.db).CreateCommunity(t.Context(), &guildhall.Community{
		ID: id, Name: "Corner Bakery", Symbol: "BAKE", ChainID: h.sim.ChainID.Uint64(),
		TokenAddress: dep.Token.Hex(), GovernorAddress: dep.Governor.Hex(), TimelockAddress: dep.Timelock.Hex(),
		DeploymentBlock: dep.Block, DeploymentTx: dep.TxHash.Hex(), Settings: testSettings,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// withClient rebuilds the indexer over another client (a faulty proxy).
func (h *harness) withClient(c indexer.Client) {
	h.client = c
	h.ix = indexer.New(c, postgres.NewIndexWriter(h.db), h.cfg)
}

// sync steps the indexer until it is at the head.
func (h *harness) sync(t *testing.T) {
	t.Helper()
	h.syncWatching(t, nil)
}

// syncWatching steps the indexer (h.ix, which each may replace) until it is at the head, calling
// each, when not nil, after every step with its number, whether it found the head, and the cursor.
func (h *harness) syncWatching(t *testing.T, each func(i int, idle bool, cursor *indexer.BlockRef)) {
	t.Helper()
	for i := 0; i < 10_000; i++ {
		idle, err := h.ix.Step(t.Context())
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if each != nil {
			cursor, err := postgres.NewIndexWriter(h.db).IndexCursor(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			each(i, idle, cursor)
		}
		if idle {
			return
		}
	}
	t.Fatal("the indexer did not reach the head in 10,000 steps")
}

// trySend signs and sends calldata from key without mining it, and skips a transaction the pool
// refuses (after a fork the pool re-injects the dropped branch's transactions asynchronously, so a
// nonce may be taken).
func (h *harness) trySend(t *testing.T, key *ecdsa.PrivateKey, to common.Address, calldata []byte) {
	t.Helper()
	opts := bind.NewKeyedTransactor(key, h.sim.ChainID)
	opts.GasLimit = 1_000_000
	c := bind.NewBoundContract(to, abi.ABI{}, h.sim.Client, h.sim.Client, h.sim.Client)
	if _, err := c.RawTransact(opts, calldata); err != nil {
		t.Logf("skipped a transaction: %v", err)
	}
}

func (h *harness) commit() { h.sim.Backend.Commit() }

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// mint mints amounts to the given accounts in one batch and mines it.
func (h *harness) mint(t *testing.T, batch byte, to []int, amounts []int64) {
	t.Helper()
	var addrs []common.Address
	var vals []*big.Int
	for i, a := range to {
		addrs = append(addrs, h.sim.Address(a))
		vals = append(vals, tokens(amounts[i]))
	}
	h.mustMine(t, h.sim.Accounts[0], h.dep.Token, token.PackMintBatch(common.Hash{batch, byte(len(to))}, addrs, vals))
}

// mustMine sends calldata with a generous gas limit (estimates miss the checkpoints a new block's
// timestamp adds), mines it and fails the test unless it succeeded.
func (h *harness) mustMine(t *testing.T, key *ecdsa.PrivateKey, to common.Address, calldata []byte) {
	t.Helper()
	opts := bind.NewKeyedTransactor(key, h.sim.ChainID)
	opts.GasLimit = 8_000_000
	c := bind.NewBoundContract(to, abi.ABI{}, h.sim.Client, h.sim.Client, h.sim.Client)
	tx, err := c.RawTransact(opts, calldata)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	h.commit()
	if _, err := chain.WaitSuccess(t.Context(), h.sim.Client, tx.Hash()); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) call(t *testing.T, to common.Address, data []byte, block uint64) []byte {
	t.Helper()
	out, err := h.sim.Client.CallContract(t.Context(), callMsg(to, data), new(big.Int).SetUint64(block))
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	return out
}

// checkEqualsChain asserts that the index equals the chain at the cursor: every balance, voting
// power and delegate, the total supply and holder count, every tally and no event twice.
func (h *harness) checkEqualsChain(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	cur, err := postgres.NewIndexWriter(h.db).IndexCursor(ctx)
	if err != nil || cur == nil {
		t.Fatalf("cursor: %v %v", cur, err)
	}
	hdr, err := h.sim.Client.HeaderByNumber(ctx, new(big.Int).SetUint64(cur.Number))
	if err != nil || hdr.Hash() != cur.Hash {
		t.Fatalf("cursor %d %s is not canonical (%v)", cur.Number, cur.Hash, err)
	}
	at := cur.Number
	view, err := h.reads.CommunityIndex(ctx, h.community)
	if err != nil {
		t.Fatal(err)
	}
	if view.AsOf.Number != at {
		t.Fatalf("as_of %d, cursor %d", view.AsOf.Number, at)
	}
	supply, _ := token.UnpackTotalSupply(h.call(t, h.dep.Token, token.PackTotalSupply(), at))
	if view.TotalSupply.Cmp(supply) != 0 {
		t.Errorf("total supply %s, chain %s", view.TotalSupply, supply)
	}
	sum := new(big.Int)
	holders := int64(0)
	addrs := []common.Address{}
	seen := map[common.Address]bool{}
	for i := range h.sim.Accounts {
		addrs = append(addrs, h.sim.Address(i))
		seen[h.sim.Address(i)] = true
	}
	for page := (guildhall.Page[guildhall.HolderPosition]{Limit: 500}); ; {
		list, err := h.reads.Holders(ctx, h.community, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, hv := range list.Items {
			if a := common.HexToAddress(hv.Address); !seen[a] {
				seen[a] = true
				addrs = append(addrs, a)
			}
		}
		if list.Next == "" {
			break
		}
		after, _ := guildhall.ParseHolderPosition(list.Next)
		page.After = &after
	}
	for i, addr := range addrs {
		acct, err := h.reads.Account(ctx, h.community, addr)
		if err != nil {
			t.Fatal(err)
		}
		bal, _ := token.UnpackBalanceOf(h.call(t, h.dep.Token, token.PackBalanceOf(addr), at))
		votes, _ := token.UnpackGetVotes(h.call(t, h.dep.Token, token.PackGetVotes(addr), at))
		del, _ := token.UnpackDelegates(h.call(t, h.dep.Token, token.PackDelegates(addr), at))
		if acct.Balance.Cmp(bal) != 0 {
			t.Errorf("account %d: balance %s, chain %s", i, acct.Balance, bal)
		}
		if acct.VotingPower.Cmp(votes) != 0 {
			t.Errorf("account %d: voting power %s, chain %s", i, acct.VotingPower, votes)
		}
		wantDel := ""
		if del != (common.Address{}) {
			wantDel = del.Hex()
		}
		if acct.Delegate != wantDel {
			t.Errorf("account %d: delegate %q, chain %q", i, acct.Delegate, wantDel)
		}
		sum.Add(sum, acct.Balance)
		if bal.Sign() > 0 {
			holders++
		}
	}
	if sum.Cmp(supply) != 0 {
		t.Errorf("sum of balances %s, total supply %s", sum, supply)
	}
	if view.Holders != holders {
		t.Errorf("holders %d, chain %d", view.Holders, holders)
	}
	logs := h.checkEventsEqualLogs(t, at)
	// Every proposal the chain has, whether or not the index knows it.
	var proposals []*big.Int
	for i := range logs {
		if ev, err := governor.UnpackProposalCreatedEvent(&logs[i]); err == nil && logs[i].Address == h.dep.Governor {
			proposals = append(proposals, ev.ProposalId)
		}
	}
	indexed, err := h.reads.Proposals(ctx, h.community, nil, guildhall.Page[guildhall.ChainPosition]{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(indexed.Items) != len(proposals) {
		t.Errorf("%d proposals indexed, the chain has %d", len(indexed.Items), len(proposals))
	}
	for _, id := range proposals {
		pv, err := governor.UnpackProposalVotes(h.call(t, h.dep.Governor, governor.PackProposalVotes(id), at))
		if err != nil {
			t.Fatal(err)
		}
		d, err := h.reads.Proposal(ctx, h.community, id)
		if err != nil {
			t.Errorf("proposal %s: %v", id, err)
			continue
		}
		p := d
		if d.Tally.For.Cmp(pv.ForVotes) != 0 || d.Tally.Against.Cmp(pv.AgainstVotes) != 0 || d.Tally.Abstain.Cmp(pv.AbstainVotes) != 0 {
			t.Errorf("proposal %s: tally %s/%s/%s, chain %s/%s/%s", p.ID, d.Tally.For, d.Tally.Against, d.Tally.Abstain,
				pv.ForVotes, pv.AgainstVotes, pv.AbstainVotes)
		}
		st, _ := governor.UnpackState(h.call(t, h.dep.Governor, governor.PackState(p.ID), at))
		if d.State != governance.State(st).String() {
			t.Errorf("proposal %s: state %s, chain %s", p.ID, d.State, governance.State(st).String())
		}
	}
	h.checkSettings(t, view.Settings, at)
	dups, err := h.reads.DuplicateEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if dups != 0 {
		t.Errorf("%d events stored twice", dups)
	}
}

// eventTables maps each event the indexer keeps to the table that stores it.
var eventTables = map[common.Hash]string{
	token.GetABI().Events["Transfer"].ID:                      "token_transfers",
	token.GetABI().Events["DelegateChanged"].ID:               "token_delegate_changes",
	token.GetABI().Events["DelegateVotesChanged"].ID:          "token_delegate_votes",
	token.GetABI().Events["RewardBatchMinted"].ID:             "token_reward_batches",
	governor.GetABI().Events["ProposalCreated"].ID:            "proposals",
	governor.GetABI().Events["VoteCast"].ID:                   "votes",
	governor.GetABI().Events["VoteCastWithParams"].ID:         "votes",
	governor.GetABI().Events["ProposalQueued"].ID:             "proposal_events",
	governor.GetABI().Events["ProposalExecuted"].ID:           "proposal_events",
	governor.GetABI().Events["ProposalCanceled"].ID:           "proposal_events",
	governor.GetABI().Events["ProposalExtended"].ID:           "proposal_events",
	timelockC.GetABI().Events["CallScheduled"].ID:             "timelock_events",
	timelockC.GetABI().Events["CallExecuted"].ID:              "timelock_events",
	timelockC.GetABI().Events["Cancelled"].ID:                 "timelock_events",
	governor.GetABI().Events["VotingDelaySet"].ID:             "governance_setting_events",
	governor.GetABI().Events["VotingPeriodSet"].ID:            "governance_setting_events",
	governor.GetABI().Events["ProposalThresholdSet"].ID:       "governance_setting_events",
	governor.GetABI().Events["QuorumNumeratorUpdated"].ID:     "governance_setting_events",
	governor.GetABI().Events["LateQuorumVoteExtensionSet"].ID: "governance_setting_events",
	timelockC.GetABI().Events["MinDelayChange"].ID:            "governance_setting_events",
}

// checkEventsEqualLogs asserts that the community's stored events are exactly the logs the node
// returns for its contracts from the deployment to block at: none missing, none extra, none
// twice. It returns those logs.
func (h *harness) checkEventsEqualLogs(t *testing.T, at uint64) []types.Log {
	t.Helper()
	topics := make([]common.Hash, 0, len(eventTables))
	for topic := range eventTables {
		topics = append(topics, topic)
	}
	logs, err := h.sim.Client.FilterLogs(t.Context(), ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(h.dep.Block), ToBlock: new(big.Int).SetUint64(at),
		Addresses: []common.Address{h.dep.Token, h.dep.Governor, h.dep.Timelock}, Topics: [][]common.Hash{topics},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, l := range logs {
		want[fmt.Sprintf("%s %s/%d", eventTables[l.Topics[0]], strings.ToLower(l.BlockHash.Hex()), l.Index)]++
	}
	stored, err := h.reads.IndexedEvents(t.Context(), h.community)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range stored {
		got[fmt.Sprintf("%s %s/%d", e.Table, e.BlockHash, e.LogIndex)]++
	}
	for k, n := range got {
		switch {
		case want[k] == 0:
			t.Errorf("stored event %s is not on the chain", k)
		case n > 1:
			t.Errorf("event %s stored %d times", k, n)
		}
	}
	for k := range want {
		if got[k] == 0 {
			t.Errorf("event %s on the chain is not stored", k)
		}
	}
	if len(stored) != len(logs) {
		t.Errorf("%d events stored, the chain has %d", len(stored), len(logs))
	}
	return logs
}

// checkSettings asserts that the governance settings the index serves are the governor's and
// the timelock's at block at.
func (h *harness) checkSettings(t *testing.T, settings map[string]*big.Int, at uint64) {
	t.Helper()
	read := func(to common.Address, data []byte, unpack func([]byte) (*big.Int, error)) *big.Int {
		v, err := unpack(h.call(t, to, data, at))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	want := map[string]*big.Int{
		indexer.SettingVotingDelay:         read(h.dep.Governor, governor.PackVotingDelay(), governor.UnpackVotingDelay),
		indexer.SettingVotingPeriod:        read(h.dep.Governor, governor.PackVotingPeriod(), governor.UnpackVotingPeriod),
		indexer.SettingProposalThreshold:   read(h.dep.Governor, governor.PackProposalThreshold(), governor.UnpackProposalThreshold),
		indexer.SettingQuorumNumerator:     read(h.dep.Governor, governor.PackQuorumNumerator0(), governor.UnpackQuorumNumerator0),
		indexer.SettingLateQuorumExtension: read(h.dep.Governor, governor.PackLateQuorumVoteExtension(), governor.UnpackLateQuorumVoteExtension),
		indexer.SettingTimelockDelay:       read(h.dep.Timelock, timelockC.PackGetMinDelay(), timelockC.UnpackGetMinDelay),
	}
	for name, w := range want {
		if got := settings[name]; got == nil || got.Cmp(w) != 0 {
			t.Errorf("setting %s: indexed %v, chain %s", name, got, w)
		}
	}
}

// eventCounts returns how many rows each event table holds.
func (h *harness) eventCounts(t *testing.T) string {
	t.Helper()
	c, err := h.reads.EventCounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(c)
}

func callMsg(to common.Address, data []byte) ethereum.CallMsg {
	return ethereum.CallMsg{To: &to, Data: data}
}
