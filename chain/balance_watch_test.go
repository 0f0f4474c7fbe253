package chain_test

import (
	"crypto/ecdsa"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
)

// The operator's balance watch on a real chain: it tells what the account spent over the last
// day (every fall of its balance; a top-up undoes none) and warns once the balance is less than
// that; spending more than a day old no longer counts.
func TestBalanceWatchWarnsWhenTheBalanceCoversLessThanADay(t *testing.T) {
	sim := chaintest.New(t, 2)
	clock := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	w := &chain.BalanceWatch{Client: sim.Client, Account: sim.Address(0), Now: func() time.Time { return clock }}
	send := func(from *ecdsa.PrivateKey, to common.Address, eth int64) {
		t.Helper()
		nonce, err := sim.Client.PendingNonceAt(t.Context(), crypto.PubkeyToAddress(from.PublicKey))
		if err != nil {
			t.Fatal(err)
		}
		price, err := sim.Client.SuggestGasPrice(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		tx, err := types.SignNewTx(from, types.LatestSignerForChainID(sim.ChainID), &types.LegacyTx{Nonce: nonce, GasPrice: price, Gas: 21_000,
			To: &to, Value: new(big.Int).Mul(big.NewInt(eth), big.NewInt(params.Ether))})
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.Client.SendTransaction(t.Context(), tx); err != nil {
			t.Fatal(err)
		}
		sim.Backend.Commit()
	}
	sample := func(at time.Duration) {
		t.Helper()
		clock = time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC).Add(at)
		if err := w.Sample(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	spentEth := func() int64 {
		wei, _ := w.Spend()
		return new(big.Int).Div(wei, big.NewInt(params.Ether)).Int64() // whole ETH: gas is a fraction of one
	}

	sample(0)
	send(sim.Accounts[0], sim.Address(1), 10)
	sample(time.Hour)
	if got, warn := spentEth(), w.Warning(); got != 10 || warn != "" {
		t.Fatalf("after spending 10 of 1000 ETH: spent %d, warning %q; want 10 and none", got, warn)
	}
	send(sim.Accounts[0], sim.Address(1), 900)
	sample(2 * time.Hour)
	if got, warn := spentEth(), w.Warning(); got != 910 || !strings.Contains(warn, "less than the 910.") || !strings.Contains(warn, "in the last 2h0m0s") {
		t.Fatalf("after spending 910 ETH with about 90 left: spent %d, warning %q; want one naming 910 ETH over 2h", got, warn)
	}
	send(sim.Accounts[1], sim.Address(0), 500) // a top-up
	sample(3 * time.Hour)
	if got, warn := spentEth(), w.Warning(); got != 910 || warn == "" {
		t.Fatalf("after a top-up to about 590 ETH: spent %d, warning %q; want 910 and a warning still", got, warn)
	}
	if bal, ok := w.Balance(); !ok || new(big.Int).Div(bal, big.NewInt(params.Ether)).Int64() != 589 {
		t.Errorf("balance %v, want 589.x ETH", bal)
	}
	sample(25*time.Hour + 30*time.Minute) // the 10 ETH spent in the first hour is more than a day old
	if got := spentEth(); got != 900 {
		t.Fatalf("a day later: spent %d, want the 900 of the last day", got)
	}
	sample(28 * time.Hour) // and now all of it
	if got, warn := spentEth(), w.Warning(); got != 0 || warn != "" {
		t.Fatalf("28h later: spent %d, warning %q; want 0 and none", got, warn)
	}
}
