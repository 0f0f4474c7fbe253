package minter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/minter"
	"github.com/guildhall/guildhall/rewards"
)

// pagedStore holds n communities and lists them a page at a time, as postgres does; it records
// which communities the minter claimed batches for. Other methods are not used by this test.
type pagedStore struct {
	minter.Store
	n       int
	claimed map[string]bool
}

func (s *pagedStore) Communities(_ context.Context, after string, limit int) ([]*guildhall.Community, error) {
	var out []*guildhall.Community
	for k := 0; k < s.n && len(out) < limit; k++ {
		if id := fmt.Sprintf("c%05d", k); id > after {
			out = append(out, &guildhall.Community{ID: id})
		}
	}
	return out, nil
}

func (s *pagedStore) ClaimBatches(_ context.Context, communityID string, _, _ int, _ time.Duration) ([]*rewards.Batch, []*rewards.Reward, error) {
	s.claimed[communityID] = true
	return nil, nil, nil
}

func (s *pagedStore) UnconfirmedBatches(context.Context) ([]*rewards.Batch, error) { return nil, nil }

type idleSender struct{ minter.Sender }

func (idleSender) TxStatuses(context.Context, []int64) (map[int64]chain.TxStatus, error) {
	return map[int64]chain.TxStatus{}, nil
}

// Every community's rewards are minted, however many communities there are: a step claims for
// each one, not only for the first page of them.
func TestMinterClaimsForEveryCommunity(t *testing.T) {
	t.Parallel()
	store := &pagedStore{n: 1234, claimed: map[string]bool{}}
	m := minter.New(store, idleSender{}, guildToken{}, minter.Config{})
	if _, err := m.Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(store.claimed) != store.n {
		t.Fatalf("claimed batches for %d of %d communities", len(store.claimed), store.n)
	}
}

// A minter cannot be built without a way to ask the tokens: without it, it could neither check
// that a token is a GuildToken nor that a reverted batch was not minted after all.
func TestMinterRequiresItsChainCaller(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("minter.New accepted a nil Caller")
		}
	}()
	minter.New(&pagedStore{}, idleSender{}, nil, minter.Config{})
}
