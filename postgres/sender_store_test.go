package postgres_test

import (
	"bytes"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// The sender lists its open intents on every tick: the listing leaves out their payloads (the
// calldata and the signed attempts, ~19 KB each for a full mintBatch), which one intent read by
// id carries whole.
func TestOpenTxsListsIntentsWithoutPayloads(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := postgres.NewSenderStore(pgtest.NewDB(t))
	from, to := common.HexToAddress("0x00000000000000000000000000000000000000f1"), common.HexToAddress("0x00000000000000000000000000000000000000f2")
	data, raw := bytes.Repeat([]byte{0xab}, 19_000), bytes.Repeat([]byte{0xcd}, 19_200)
	rec, err := store.RecordTx(ctx, &chain.TxRecord{Key: "k", ChainID: 1337, From: from, To: &to, Data: data, Value: new(big.Int), GasLimit: 21_000}, 0,
		func(nonce uint64) (chain.TxAttempt, error) {
			return chain.TxAttempt{Hash: common.HexToHash("0x01"), Raw: raw, MaxFee: big.NewInt(2), Tip: big.NewInt(1), CreatedAt: time.Now()}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	open, err := store.OpenTxs(ctx, 1337, from)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].ID != rec.ID || open[0].Key != "k" || len(open[0].Attempts) != 1 || open[0].Attempts[0].Hash != common.HexToHash("0x01") {
		t.Fatalf("open intents %+v, want the one recorded with its attempt", open)
	}
	if open[0].Data != nil || open[0].Attempts[0].Raw != nil {
		t.Errorf("listed with %d bytes of calldata and %d of signed attempt, want neither", len(open[0].Data), len(open[0].Attempts[0].Raw))
	}
	whole, err := store.TxByID(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(whole.Data, data) || !bytes.Equal(whole.Attempts[0].Raw, raw) {
		t.Errorf("read by id: %d bytes of calldata and %d of signed attempt, want %d and %d", len(whole.Data), len(whole.Attempts[0].Raw), len(data), len(raw))
	}
}
