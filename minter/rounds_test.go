package minter_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall/rewards"
)

// roundStore is the ledger, counting how many batches each of the minter's writes of batches
// took: claimed, linked to their transactions, confirmed.
type roundStore struct {
	*stores
	mu                      sync.Mutex
	claims, links, confirms []int
	mined                   []int // batches whose mined transaction each write recorded
	shown                   int   // of them, batches whose rewards then showed it, not confirmed yet
}

func (s *roundStore) add(to *[]int, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*to = append(*to, n)
}

func (s *roundStore) ClaimBatches(ctx context.Context, cid string, size, n int, wait time.Duration) ([]*rewards.Batch, []*rewards.Reward, error) {
	bs, rs, err := s.stores.ClaimBatches(ctx, cid, size, n, wait)
	if len(bs) > 0 {
		s.add(&s.claims, len(bs))
	}
	return bs, rs, err
}

func (s *roundStore) MarkBatchesSent(ctx context.Context, sent map[int64]int64) error {
	s.add(&s.links, len(sent))
	return s.stores.MarkBatchesSent(ctx, sent)
}

func (s *roundStore) SetBatchTxHashes(ctx context.Context, ids []int64, hs []string, blocks []uint64) error {
	if err := s.stores.SetBatchTxHashes(ctx, ids, hs, blocks); err != nil {
		return err
	}
	s.add(&s.mined, len(ids))
	for k, id := range ids {
		rs, err := s.BatchRewards(ctx, id)
		if err != nil {
			return err
		}
		if len(rs) > 0 && rs[0].TxHash == hs[k] && rs[0].BlockNumber == blocks[k] && rs[0].Status == rewards.StatusSubmitted {
			s.mu.Lock()
			s.shown++
			s.mu.Unlock()
		}
	}
	return nil
}

func (s *roundStore) ConfirmBatchesFromIndex(ctx context.Context, bs []*rewards.Batch, ms [][]rewards.Mint, d uint64) (map[int64]string, error) {
	hashes, err := s.stores.ConfirmBatchesFromIndex(ctx, bs, ms, d)
	if len(hashes) > 0 {
		s.add(&s.confirms, len(hashes))
	}
	return hashes, err
}

// The minter writes a step's batches together: once it knows how many rewards fit a batch, it
// claims the batches of a round in one write, links them to their transactions in one write,
// records their mined transaction (shown with their rewards before they are confirmed) in one
// write, and confirms the batches final at the same block in one write, not one write per batch
// each. Every reward is still minted exactly once.
func TestMinterWritesARoundOfBatchesTogether(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.reward(t, 400, 80) // 8 batches of 50 (testConfig), in flight at once
	store := &roundStore{stores: h.db}
	p := h.startWith(t, h.sim.Client, store, testConfig())
	// Stepped as the harness does, each step of the minter given time enough on a loaded machine
	// (a step that ran out of time would leave its round to be sent batch by batch).
	for i := 0; h.unconfirmed(t) > 0; i++ {
		if i > 200 {
			t.Fatalf("%d rewards still unconfirmed after 200 steps", h.unconfirmed(t))
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		if _, err := p.minter.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if err := p.sender.Tick(ctx, false); err != nil {
			t.Fatal(err)
		}
		h.sim.Backend.Commit()
		for range 20 {
			if idle, err := p.ix.Step(ctx); err != nil {
				t.Fatal(err)
			} else if idle {
				break
			}
		}
		cancel()
	}
	h.check(t)
	h.checkConfirmed(t)
	store.mu.Lock()
	defer store.mu.Unlock()
	// The first claim takes one batch, to learn what fits a transaction; the second the other 7.
	if want := []int{1, 7}; !slices.Equal(store.claims, want) {
		t.Errorf("batches claimed per write %v, want %v", store.claims, want)
	}
	if want := []int{8}; !slices.Equal(store.links, want) {
		t.Errorf("batches linked to their transactions per write %v, want %v (one round)", store.links, want)
	}
	if want := []int{8}; !slices.Equal(store.confirms, want) {
		t.Errorf("batches confirmed per write %v, want %v (mined in one block)", store.confirms, want)
	}
	if want := []int{8}; !slices.Equal(store.mined, want) || store.shown != 8 {
		t.Errorf("mined transactions recorded per write %v, want %v; %d batches' rewards showed theirs before confirmation, want 8",
			store.mined, want, store.shown)
	}
}
