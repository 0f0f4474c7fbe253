package govchain

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/chain"
)

// recordingSender stands in for chain.Sender's bookkeeping of keys: each key is one intent whose
// outcome the test decides.
type recordingSender struct {
	reverted map[string]bool // keys whose transaction was mined and reverted
	sent     []string
}

func (s *recordingSender) Send(_ context.Context, key string, to common.Address, data []byte, _ *big.Int, _ uint64) (*chain.TxRecord, error) {
	s.sent = append(s.sent, key)
	h := common.BytesToHash([]byte(key))
	if s.reverted[key] {
		return &chain.TxRecord{Key: key, State: chain.TxFinal, MinedHash: h, Succeeded: false}, nil
	}
	return &chain.TxRecord{Key: key, State: chain.TxPending, Attempts: []chain.TxAttempt{{Hash: h}}}, nil
}

func (s *recordingSender) SendDeferred(ctx context.Context, key string, to common.Address, data []byte, v *big.Int, gas uint64) (*chain.TxRecord, error) {
	return s.Send(ctx, key, to, data, v, gas)
}

func TestSenderRelayerSendsAgainOnlyAfterARevert(t *testing.T) {
	tests := map[string]struct {
		reverted map[string]bool
		wantKey  string
		wantSent int
	}{
		"first send":                  {nil, "gov:execute:bakery:1", 1},
		"after one reverted execute":  {map[string]bool{"gov:execute:bakery:1": true}, "gov:execute:bakery:1:retry-1", 2},
		"after two reverted executes": {map[string]bool{"gov:execute:bakery:1": true, "gov:execute:bakery:1:retry-1": true}, "gov:execute:bakery:1:retry-2", 3},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := &recordingSender{reverted: tt.reverted}
			r := &SenderRelayer{Sender: s}
			hash, err := r.Send(context.Background(), common.Address{1}, []byte{1}, "gov:execute:bakery:1")
			if err != nil {
				t.Fatal(err)
			}
			if hash != common.BytesToHash([]byte(tt.wantKey)) || len(s.sent) != tt.wantSent {
				t.Fatalf("sent %v, returned %x; want the transaction of %s after %d sends", s.sent, hash, tt.wantKey, tt.wantSent)
			}
		})
	}
	t.Run("a key that always reverts stops", func(t *testing.T) {
		always := map[string]bool{}
		s := &recordingSender{reverted: always}
		always["gov:execute:bakery:1"] = true
		for i := 1; i <= maxRetries; i++ {
			always["gov:execute:bakery:1:retry-"+itoa(i)] = true
		}
		if _, err := (&SenderRelayer{Sender: s}).Send(context.Background(), common.Address{1}, []byte{1}, "gov:execute:bakery:1"); err == nil {
			t.Fatal("no error after every attempt reverted")
		}
	})
}
