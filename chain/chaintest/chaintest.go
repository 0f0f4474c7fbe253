// Package chaintest runs Guildhall's contracts on go-ethereum's simulated backend for tests: a real
// in-process chain whose blocks appear when the test commits them.
package chaintest

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
)

// Sim is a simulated chain with funded accounts. Accounts[0] is the operator.
type Sim struct {
	Backend  *simulated.Backend
	Client   simulated.Client
	ChainID  *big.Int
	Accounts []*ecdsa.PrivateKey
}

// New starts a simulated chain with n funded accounts (at least one) and closes it when t ends.
func New(t testing.TB, n int) *Sim {
	t.Helper()
	alloc := types.GenesisAlloc{}
	keys := make([]*ecdsa.PrivateKey, n)
	for i := range keys {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))}
	}
	// go-ethereum's dev config also enables unreleased forks whose gas rules differ from what
	// eth_estimateGas predicts; run on released rules, as the embedded dev chain does.
	config := *params.AllDevChainProtocolChanges
	config.BogotaTime = nil
	backend := simulated.NewBackend(alloc, func(_ *node.Config, ec *ethconfig.Config) {
		ec.Genesis.Config = &config
		ec.Genesis.GasLimit = 60_000_000
		ec.Miner.GasCeil = 60_000_000
	})
	t.Cleanup(func() { _ = backend.Close() })
	client := backend.Client()
	id, err := client.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &Sim{Backend: backend, Client: client, ChainID: id, Accounts: keys}
}

// Address returns account i's address.
func (s *Sim) Address(i int) common.Address { return crypto.PubkeyToAddress(s.Accounts[i].PublicKey) }

// Deploy deploys a community with the given settings, Accounts[0] as deployer and operator.
func (s *Sim) Deploy(t testing.TB, settings guildhall.GovernanceSettings) *chain.Deployment {
	t.Helper()
	d := chain.Deployer{Client: s.Client, Key: s.Accounts[0], Mine: func() { s.Backend.Commit() }}
	dep, err := d.Deploy(context.Background(), chain.CommunitySpec{
		Name: "Corner Bakery", Symbol: "BAKE", Settings: settings, Operator: s.Address(0),
	})
	if err != nil {
		t.Fatalf("deploy community: %v", err)
	}
	return dep
}

// Transact sends calldata from key to `to`, commits a block and returns the receipt. It returns the
// error of gas estimation (which carries a revert's data) without sending anything.
func (s *Sim) Transact(t testing.TB, key *ecdsa.PrivateKey, to common.Address, calldata []byte) (*types.Receipt, error) {
	t.Helper()
	from := crypto.PubkeyToAddress(key.PublicKey)
	gas, err := s.Client.EstimateGas(context.Background(), ethereum.CallMsg{From: from, To: &to, Data: calldata})
	if err != nil {
		return nil, err
	}
	opts := bind.NewKeyedTransactor(key, s.ChainID)
	opts.GasLimit = chain.GasWithHeadroom(gas)
	contract := bind.NewBoundContract(to, abi.ABI{}, s.Client, s.Client, s.Client)
	tx, err := contract.RawTransact(opts, calldata)
	if err != nil {
		return nil, err
	}
	s.Backend.Commit()
	return chain.WaitSuccess(context.Background(), s.Client, tx.Hash())
}

// MustTransact is Transact that fails the test on any error.
func (s *Sim) MustTransact(t testing.TB, key *ecdsa.PrivateKey, to common.Address, calldata []byte) *types.Receipt {
	t.Helper()
	rcpt, err := s.Transact(t, key, to, calldata)
	if err != nil {
		t.Fatalf("transact: %v", err)
	}
	return rcpt
}

// Call runs calldata against `to` at the head and returns the output.
func (s *Sim) Call(t testing.TB, to common.Address, calldata []byte) []byte {
	t.Helper()
	contract := bind.NewBoundContract(to, abi.ABI{}, s.Client, s.Client, s.Client)
	out, err := contract.CallRaw(&bind.CallOpts{}, calldata)
	if err != nil {
		t.Fatalf("call %s: %v", to, err)
	}
	return out
}

// Advance seals one empty block d later than the head, moving the timestamp clock forward.
func (s *Sim) Advance(t testing.TB, d time.Duration) {
	t.Helper()
	// The transaction pool drops mined transactions asynchronously after a Commit, so AdjustTime
	// can briefly see a mined transaction as pending; wait for the pool to catch up.
	var err error
	for range 100 {
		if err = s.Backend.AdjustTime(d); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("advance time: %v", err)
}

// HeadTime returns the head block's timestamp.
func (s *Sim) HeadTime(t testing.TB) uint64 {
	t.Helper()
	h, err := s.Client.HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return h.Time
}
