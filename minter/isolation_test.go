package minter_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/minter"
	"github.com/guildhall/guildhall/rewards"
)

// sick adds community "apothecary", which the operator key cannot mint for: its token does not
// give the operator MINTER_ROLE (as after governance revoked it), or its token address is not a
// GuildToken at all (an account without code). It accepts n rewards over wallets wallets for it
// and returns the address its community names as token.
func (h *harness) sick(t *testing.T, kind string, n, wallets int) common.Address {
	t.Helper()
	ctx := t.Context()
	settings := guildhall.DefaultGovernanceSettings()
	d := chain.Deployer{Client: h.sim.Client, Key: h.sim.Accounts[0], Mine: func() { h.sim.Backend.Commit() }}
	dep, err := d.Deploy(ctx, chain.CommunitySpec{Name: "Apothecary", Symbol: "APO", Settings: settings, Operator: h.sim.Address(1)})
	if err != nil {
		t.Fatal(err)
	}
	token := dep.Token
	if kind == "not a GuildToken" {
		token = h.sim.Address(1)
	}
	id, err := chain.Identity(ctx, h.sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.db.CreateCommunity(ctx, &guildhall.Community{
		ID: "apothecary", Name: "Apothecary", Symbol: "APO", ChainID: id.ChainID,
		TokenAddress: token.Hex(), GovernorAddress: dep.Governor.Hex(), TimelockAddress: dep.Timelock.Hex(),
		DeploymentBlock: dep.Block, DeploymentTx: dep.TxHash.Hex(), Settings: settings,
	}); err != nil {
		t.Fatal(err)
	}
	if err := h.db.PutRule(ctx, &rewards.Rule{CommunityID: "apothecary", Activity: "purchase", Amount: big.NewInt(1e18)}); err != nil {
		t.Fatal(err)
	}
	iss := &rewards.Issuer{CommunityID: "apothecary", Name: "till", Budget: new(big.Int).Lsh(big.NewInt(1), 200)}
	if err := h.db.CreateIssuer(ctx, iss, rewards.NewAPIKey()); err != nil {
		t.Fatal(err)
	}
	var items []rewards.Request
	for k := range n {
		items = append(items, rewards.Request{Wallet: common.BigToAddress(big.NewInt(int64(0x9000 + k%wallets))).Hex(), Activity: "purchase", Amount: big.NewInt(7)})
	}
	hash := sha256.Sum256([]byte("apothecary"))
	if _, err := h.db.Accept(ctx, rewards.AcceptInput{Issuer: iss, IdempotencyKey: "apothecary", RequestHash: hash[:], Items: items, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return token
}

// One community that cannot mint (its mintBatch reverts, or its token is not a GuildToken) does
// not stop the others: the healthy community's rewards are all confirmed, each once, while the
// sick one's stay unminted (pending or submitted, never failed or minted), its one claimed batch
// is tried again with a backoff, and it takes no more in-flight slots than that batch.
func TestMinterIsolatesACommunityThatCannotMint(t *testing.T) {
	t.Parallel()
	for kind, reason := range map[string]string{"operator lacks MINTER_ROLE": "would_revert", "not a GuildToken": "not_guildtoken"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			const sickRewards = 120
			token := h.sick(t, kind, sickRewards, 40) // accepted first: its batch has the lowest id
			h.reward(t, 400, 100)
			reg := prometheus.NewRegistry()
			cfg := testConfig()
			cfg.MaxInFlight = 2 // a sick community holding both slots would starve the bakery
			cfg.Metrics = minter.NewMetrics(reg)
			p := h.startWith(t, h.sim.Client, h.db, cfg)
			p = h.run(t, p, 300, nil)
			for range 10 { // and some more: the sick batch is tried again, never minted
				p.step(t, h, false)
			}
			h.check(t)

			counts := map[string]int{}
			rs, err := h.db.Rewards(t.Context(), "apothecary", rewards.RewardFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				counts[r.Status]++
			}
			if counts[rewards.StatusPending]+counts[rewards.StatusSubmitted] != sickRewards {
				t.Errorf("the sick community's rewards: %v, want all %d pending or submitted", counts, sickRewards)
			}
			batches, err := h.db.UnconfirmedBatches(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			sickBatches := 0
			for _, b := range batches {
				if b.CommunityID == "apothecary" {
					sickBatches++
					if rec, err := h.db.TxByKey(t.Context(), fmt.Sprintf("reward-batch/apothecary/%d", b.ID)); err != nil || rec != nil {
						t.Errorf("a transaction was recorded for the sick batch %d: %v %v", b.ID, rec, err)
					}
				}
			}
			if sickBatches != 1 {
				t.Errorf("the sick community holds %d batches, want the one it claimed before it failed", sickBatches)
			}
			if kind == "operator lacks MINTER_ROLE" {
				gt := guildtoken.NewGuildToken()
				supply, err := gt.UnpackTotalSupply(h.sim.Call(t, token, gt.PackTotalSupply()))
				if err != nil || supply.Sign() != 0 {
					t.Errorf("the sick token's supply is %v (%v), want nothing minted", supply, err)
				}
			}
			if got := counter(t, reg, "guildhall_minter_batch_failures_total", reason); got < 2 {
				t.Errorf("batch failures (%s) counted %v, want the sick batch failed and tried again", reason, got)
			}
		})
	}
}

// counter reads a counter of reg with label reason ("": the counter without labels).
func counter(t *testing.T, reg *prometheus.Registry, name, reason string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if reason == "" && len(m.GetLabel()) == 0 {
				return m.GetCounter().GetValue()
			}
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == reason {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no %s{reason=%q}", name, reason)
	return 0
}

// slotStore is a ledger where community "busy" always has a batch to claim and "quiet" has one;
// every batch holds one reward.
type slotStore struct {
	minter.Store
	next    int64
	claimed map[string]int
}

func (s *slotStore) Communities(_ context.Context, after string, _ int) ([]*guildhall.Community, error) {
	if after != "" {
		return nil, nil
	}
	return []*guildhall.Community{{ID: "busy"}, {ID: "quiet"}}, nil
}

func (s *slotStore) ClaimBatches(_ context.Context, c string, _, n int, _ time.Duration) ([]*rewards.Batch, []*rewards.Reward, error) {
	var bs []*rewards.Batch
	var rs []*rewards.Reward
	for range n {
		if c == "quiet" && s.claimed[c] > 0 {
			break
		}
		s.claimed[c]++
		s.next++
		bs = append(bs, &rewards.Batch{ID: s.next, CommunityID: c, BatchID: rewards.BatchID(c, s.next), Count: 1, Total: big.NewInt(1), State: rewards.BatchOpen})
		rs = append(rs, &rewards.Reward{ID: s.next, BatchID: s.next, Wallet: common.BigToAddress(big.NewInt(s.next)).Hex(), Amount: big.NewInt(1)})
	}
	return bs, rs, nil
}

func (s *slotStore) UnconfirmedBatches(context.Context) ([]*rewards.Batch, error) { return nil, nil }
func (s *slotStore) MarkBatchesSent(context.Context, map[int64]int64) error       { return nil }

// slotSender records every intent and mines none.
type slotSender struct {
	minter.Sender
	next int64
}

func (s *slotSender) From() common.Address                                { return common.Address{} }
func (s *slotSender) Tx(context.Context, string) (*chain.TxRecord, error) { return nil, nil }
func (s *slotSender) TxStatuses(context.Context, []int64) (map[int64]chain.TxStatus, error) {
	return map[int64]chain.TxStatus{}, nil
}
func (s *slotSender) EstimateGas(context.Context, common.Address, []byte, *big.Int) (uint64, error) {
	return 100_000, nil
}
func (s *slotSender) Send(_ context.Context, key string, _ common.Address, _ []byte, _ *big.Int, _ uint64) (*chain.TxRecord, error) {
	s.next++
	return &chain.TxRecord{ID: s.next, Key: key}, nil
}
func (s *slotSender) SendCalls(ctx context.Context, calls []chain.Call) ([]*chain.TxRecord, error) {
	out := make([]*chain.TxRecord, len(calls))
	for k, c := range calls {
		out[k], _ = s.Send(ctx, c.Key, c.To, c.Data, nil, c.GasLimit)
	}
	return out, nil
}

// guildToken answers every call as a GuildToken answers batchMinted for a batch not minted yet.
type guildToken struct{}

func (guildToken) CallContract(context.Context, ethereum.CallMsg, *big.Int) ([]byte, error) {
	return make([]byte, 32), nil
}

// The in-flight slots are shared between communities: one that always has a full batch waiting
// does not take them all while another community has rewards waiting.
func TestMinterSharesInFlightSlotsBetweenCommunities(t *testing.T) {
	t.Parallel()
	store := &slotStore{claimed: map[string]int{}}
	m := minter.New(store, &slotSender{}, guildToken{}, minter.Config{MaxInFlight: 4})
	if _, err := m.Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	if store.claimed["quiet"] != 1 || store.claimed["busy"] != 3 {
		t.Fatalf("claimed %v with 4 slots, want quiet's batch and 3 of busy's", store.claimed)
	}
}
