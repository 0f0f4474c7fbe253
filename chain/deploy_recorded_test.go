package chain_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
)

// runSender runs s until the test ends, as serve's leader does.
func runSender(t *testing.T, s *chain.Sender) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// A deployment through the operator's sender takes three consecutive nonces of the key's one
// sequence between the key's other intents, wires the community as a direct deployment does, and
// is recorded under the community's id: run again it resumes (same contracts, nothing sent), with
// other settings it is refused, and one whose governor reverts says which contracts it left.
func TestDeployThroughSender(t *testing.T) {
	e := newSenderEnv(t)
	s := e.sender(t, time.Hour)
	runSender(t, s)
	d := chain.Deployer{Client: e.sim.Client, Key: e.sim.Accounts[0], Sender: s, Mine: func() { e.sim.Backend.Commit() }}
	spec := chain.CommunitySpec{ID: "bakery", Name: "Corner Bakery", Symbol: "BAKE", Settings: guildhall.DefaultGovernanceSettings(), Operator: e.sim.Address(0)}
	ctx := t.Context()

	before, err := s.Send(ctx, "mint-before", e.to, []byte{1}, nil, 50_000)
	if err != nil {
		t.Fatal(err)
	}
	dep, err := d.Deploy(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.Send(ctx, "mint-after", e.to, []byte{2}, nil, 50_000)
	if err != nil {
		t.Fatal(err)
	}
	op := e.sim.Address(0)
	want := []common.Address{crypto.CreateAddress(op, before.Nonce+1), crypto.CreateAddress(op, before.Nonce+2), crypto.CreateAddress(op, before.Nonce+3)}
	if dep.Token != want[0] || dep.Timelock != want[1] || dep.Governor != want[2] || after.Nonce != before.Nonce+4 {
		t.Fatalf("deployment at %s %s %s and the next intent at nonce %d; want the contracts of nonces %d..%d and then %d",
			dep.Token, dep.Timelock, dep.Governor, after.Nonce, before.Nonce+1, before.Nonce+3, before.Nonce+4)
	}
	for k, key := range chain.DeploymentKeys("bakery") {
		if rec := e.record(t, key); rec.To != nil || rec.Nonce != before.Nonce+1+uint64(k) {
			t.Errorf("intent %s: to %v, nonce %d; want a contract creation at nonce %d", key, rec.To, rec.Nonce, before.Nonce+1+uint64(k))
		}
	}
	checkRoles(t, e.sim, dep, common.Address{}, op, e.sim.Address(1))

	// Run again (as after a crash between the deployment and recording the community): the same
	// contracts, nothing sent.
	e.sim.Backend.Commit()
	nonce, _ := e.sim.Client.NonceAt(ctx, op, nil)
	again, err := d.Deploy(ctx, spec)
	if err != nil || *again != *dep {
		t.Fatalf("deploy again = %+v, %v; want %+v", again, err, dep)
	}
	other := spec
	other.Symbol = "BUNS"
	if _, err := d.Deploy(ctx, other); guildhall.ErrorCode(err) != guildhall.ECONFLICT || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("deploy the same id with other settings: %v; want a conflict", err)
	}
	e.sim.Backend.Commit()
	if n, _ := e.sim.Client.NonceAt(ctx, op, nil); n != nonce {
		t.Errorf("running the deployment again sent %d transactions", n-nonce)
	}

	// A governor whose constructor reverts (a voting period under a second): the token and the
	// timelock it leaves are named.
	broken := spec
	broken.ID = "broken"
	broken.Settings.VotingPeriod = time.Millisecond
	_, err = d.Deploy(ctx, broken)
	if err == nil || !strings.Contains(err.Error(), "creation of the governor") || !strings.Contains(err.Error(), "belong to no community") ||
		!strings.Contains(err.Error(), "deploy/broken/governor") {
		t.Errorf("deploy with a reverting governor: %v; want the governor named and the contracts it left", err)
	}
}
