package chain_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/contracts/bindings/timelock"
)

// TestDeployWiresRoles reads every role of a deployed community from the chain: governance (the
// governor through the timelock) administers the token and mints grants, the operator mints
// rewards, the governor alone proposes and cancels, anyone executes a ready proposal, and the
// deploying key keeps nothing. Checked for a deployer that is also the operator (as Guildhall
// deploys) and for one that is not.
func TestDeployWiresRoles(t *testing.T) {
	sim := chaintest.New(t, 3)
	deployer, operator, stranger := sim.Address(0), sim.Address(1), sim.Address(2)
	separate := chain.Deployer{Client: sim.Client, Key: sim.Accounts[0], Mine: func() { sim.Backend.Commit() }}
	dep, err := separate.Deploy(context.Background(), chain.CommunitySpec{
		Name: "Corner Bakery", Symbol: "BAKE", Settings: guildhall.DefaultGovernanceSettings(), Operator: operator,
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("operator is not the deployer", func(t *testing.T) {
		checkRoles(t, sim, dep, deployer, operator, stranger)
	})
	t.Run("operator deploys (chaintest.Deploy)", func(t *testing.T) {
		same := sim.Deploy(t, guildhall.DefaultGovernanceSettings())
		checkRoles(t, sim, same, common.Address{}, deployer, stranger)
	})
}

// checkRoles checks dep's roles. deployer is the key that deployed, when it is not the operator
// (else the zero address).
func checkRoles(t *testing.T, sim *chaintest.Sim, dep *chain.Deployment, deployer, operator, stranger common.Address) {
	t.Helper()
	token, tl, gov := guildtoken.NewGuildToken(), timelock.NewTimelockController(), guildgovernor.NewGuildGovernor()
	tokenC := token.Instance(sim.Client, dep.Token)
	timelockC := tl.Instance(sim.Client, dep.Timelock)
	governorC := gov.Instance(sim.Client, dep.Governor)
	role := func(c *bind.BoundContract, packed []byte, unpack func([]byte) ([32]byte, error)) [32]byte {
		t.Helper()
		r, err := bind.Call(c, nil, packed, unpack)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tokenAdmin := role(tokenC, token.PackDEFAULTADMINROLE(), token.UnpackDEFAULTADMINROLE)
	minter := role(tokenC, token.PackMINTERROLE(), token.UnpackMINTERROLE)
	timelockAdmin := role(timelockC, tl.PackDEFAULTADMINROLE(), tl.UnpackDEFAULTADMINROLE)
	proposer := role(timelockC, tl.PackPROPOSERROLE(), tl.UnpackPROPOSERROLE)
	canceller := role(timelockC, tl.PackCANCELLERROLE(), tl.UnpackCANCELLERROLE)
	executor := role(timelockC, tl.PackEXECUTORROLE(), tl.UnpackEXECUTORROLE)

	type holding struct {
		contract string
		role     string
		account  string
		want     bool
	}
	names := map[common.Address]string{
		dep.Token: "token", dep.Timelock: "timelock", dep.Governor: "governor",
		operator: "operator", stranger: "stranger", {}: "anyone (address 0)",
	}
	accounts := map[string]common.Address{}
	for a, n := range names {
		accounts[n] = a
	}
	if deployer != (common.Address{}) {
		names[deployer], accounts["deployer"] = "deployer", deployer
	}
	var checks []holding
	add := func(contract, role string, want bool, holders ...string) {
		for _, h := range holders {
			checks = append(checks, holding{contract, role, h, want})
		}
	}
	everyoneBut := func(except ...string) []string {
		var out []string
	next:
		for n := range accounts {
			for _, e := range except {
				if n == e {
					continue next
				}
			}
			out = append(out, n)
		}
		return out
	}
	add("token", "DEFAULT_ADMIN_ROLE", true, "timelock")
	add("token", "DEFAULT_ADMIN_ROLE", false, everyoneBut("timelock")...)
	add("token", "MINTER_ROLE", true, "timelock", "operator")
	add("token", "MINTER_ROLE", false, everyoneBut("timelock", "operator")...)
	add("timelock", "DEFAULT_ADMIN_ROLE", true, "timelock")
	add("timelock", "DEFAULT_ADMIN_ROLE", false, everyoneBut("timelock")...)
	add("timelock", "PROPOSER_ROLE", true, "governor")
	add("timelock", "PROPOSER_ROLE", false, everyoneBut("governor")...)
	add("timelock", "CANCELLER_ROLE", true, "governor")
	add("timelock", "CANCELLER_ROLE", false, everyoneBut("governor")...)
	add("timelock", "EXECUTOR_ROLE", true, "anyone (address 0)") // open: anyone executes a ready proposal
	add("timelock", "EXECUTOR_ROLE", false, everyoneBut("anyone (address 0)")...)

	roles := map[string][32]byte{
		"token DEFAULT_ADMIN_ROLE": tokenAdmin, "token MINTER_ROLE": minter,
		"timelock DEFAULT_ADMIN_ROLE": timelockAdmin, "timelock PROPOSER_ROLE": proposer,
		"timelock CANCELLER_ROLE": canceller, "timelock EXECUTOR_ROLE": executor,
	}
	for _, c := range checks {
		r := roles[c.contract+" "+c.role]
		var has bool
		var err error
		if c.contract == "token" {
			has, err = bind.Call(tokenC, nil, token.PackHasRole(r, accounts[c.account]), token.UnpackHasRole)
		} else {
			has, err = bind.Call(timelockC, nil, tl.PackHasRole(r, accounts[c.account]), tl.UnpackHasRole)
		}
		if err != nil {
			t.Fatal(err)
		}
		if has != c.want {
			t.Errorf("%s.hasRole(%s, %s) = %v, want %v", c.contract, c.role, c.account, has, c.want)
		}
	}

	// Only governance changes who mints: MINTER_ROLE is administered by the admin role.
	if admin := role(tokenC, token.PackGetRoleAdmin(minter), token.UnpackGetRoleAdmin); admin != tokenAdmin {
		t.Errorf("token.getRoleAdmin(MINTER_ROLE) = %x, want DEFAULT_ADMIN_ROLE", admin)
	}
	if got, err := bind.Call(governorC, nil, gov.PackName(), gov.UnpackName); err != nil || got != "Corner Bakery Governor" {
		t.Errorf("governor.name() = %q, %v; want Corner Bakery Governor", got, err)
	}
	// The governor executes through this timelock and counts votes of this token.
	if got, err := bind.Call(governorC, nil, gov.PackTimelock(), gov.UnpackTimelock); err != nil || got != dep.Timelock {
		t.Errorf("governor.timelock() = %s, %v; want %s", got, err, dep.Timelock)
	}
	if got, err := bind.Call(governorC, nil, gov.PackToken(), gov.UnpackToken); err != nil || got != dep.Token {
		t.Errorf("governor.token() = %s, %v; want %s", got, err, dep.Token)
	}
}

// TestDeployRefusesAnUnfundedOperator: a key that cannot pay for the three contracts is refused
// before anything is sent, with one line naming the address, the chain and the fix.
func TestDeployRefusesAnUnfundedOperator(t *testing.T) {
	sim := chaintest.New(t, 1)
	ctx := context.Background()

	for name, funds := range map[string]*big.Int{
		"no ETH":         new(big.Int),
		"too little ETH": big.NewInt(params.GWei * 1000), // a millionth of an ETH
	} {
		t.Run(name, func(t *testing.T) {
			key, err := crypto.GenerateKey()
			if err != nil {
				t.Fatal(err)
			}
			addr := crypto.PubkeyToAddress(key.PublicKey)
			if funds.Sign() > 0 {
				fund(t, sim, addr, funds)
			}
			d := chain.Deployer{Client: sim.Client, Key: key, Mine: func() { sim.Backend.Commit() }}
			dep, err := d.Deploy(ctx, chain.CommunitySpec{
				Name: "Corner Bakery", Symbol: "BAKE", Settings: guildhall.DefaultGovernanceSettings(), Operator: addr,
			})
			if err == nil {
				t.Fatalf("Deploy() by an unfunded key succeeded: %+v", dep)
			}
			var ge *guildhall.Error
			if !errors.As(err, &ge) || ge.Code != guildhall.EUNAVAILABLE {
				t.Fatalf("Deploy() = %q (%T), want an EUNAVAILABLE *guildhall.Error", err, err)
			}
			msg := err.Error()
			for _, want := range []string{addr.Hex(), "chain 1337", "holds " + guildhall.FormatAmount(funds) + " ETH", "needs about", "send it ETH", chain.OperatorKeyEnv} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "insufficient funds for") {
				t.Errorf("error %q is not the one-line explanation", msg)
			}
			// Nothing was sent: the key's nonce is untouched.
			sim.Backend.Commit()
			if n, err := sim.Client.PendingNonceAt(ctx, addr); err != nil || n != 0 {
				t.Errorf("the key's nonce is %d (%v) after the refusal; want 0, nothing sent", n, err)
			}
		})
	}
}

// TestDeployGasBudget: the longest name a community may have deploys (the token's and governor's
// EIP-712 names fit their 31 bytes), and the governor's deployment fits the gas Deploy budgets for
// it when it checks the operator's funds.
func TestDeployGasBudget(t *testing.T) {
	sim := chaintest.New(t, 1)
	ctx := context.Background()
	d := chain.Deployer{Client: sim.Client, Key: sim.Accounts[0], Mine: func() { sim.Backend.Commit() }}
	name := strings.Repeat("🍞", 7) + "abc" // 31 bytes
	if err := guildhall.ValidateNewCommunity("bread", name, "BREADBREADX", guildhall.DefaultGovernanceSettings()); err != nil {
		t.Fatalf("the longest name is refused: %v", err)
	}
	dep, err := d.Deploy(ctx, chain.CommunitySpec{
		Name: name, Symbol: "BREADBREADX", Settings: guildhall.DefaultGovernanceSettings(), Operator: sim.Address(0),
	})
	if err != nil {
		t.Fatal(err)
	}
	token, gov := guildtoken.NewGuildToken(), guildgovernor.NewGuildGovernor()
	if got, err := bind.Call(token.Instance(sim.Client, dep.Token), nil, token.PackName(), token.UnpackName); err != nil || got != name {
		t.Errorf("token name() = %q, %v; want %q", got, err, name)
	}
	if got, err := bind.Call(gov.Instance(sim.Client, dep.Governor), nil, gov.PackName(), gov.UnpackName); err != nil || got != name {
		t.Errorf("governor name() = %q, %v; want %q (the name alone: with \" Governor\" it is too long)", got, err, name)
	}
	var gas uint64
	for n := dep.Block; n <= dep.Block+2 && gas == 0; n++ {
		block, err := sim.Client.BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range block.Transactions() {
			rcpt, err := sim.Client.TransactionReceipt(ctx, tx.Hash())
			if err != nil {
				t.Fatal(err)
			}
			if rcpt.ContractAddress == dep.Governor {
				gas = tx.Gas()
			}
		}
	}
	if gas == 0 {
		t.Fatal("the governor's deployment transaction was not found")
	}
	t.Logf("governor deployment gas limit %d, budget %d", gas, chain.GovernorDeployGas)
	if gas > chain.GovernorDeployGas {
		t.Errorf("the governor's deployment took a gas limit of %d, more than the %d Deploy budgets", gas, chain.GovernorDeployGas)
	}
}

// fund sends value wei to addr from the simulated chain's first account.
func fund(t *testing.T, sim *chaintest.Sim, addr common.Address, value *big.Int) {
	t.Helper()
	ctx := context.Background()
	from := sim.Accounts[0]
	nonce, err := sim.Client.PendingNonceAt(ctx, crypto.PubkeyToAddress(from.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	head, err := sim.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx := signTransfer(t, from, sim.ChainID, nonce, addr, value, head.BaseFee)
	if err := sim.Client.SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	sim.Backend.Commit()
	if _, err := chain.WaitSuccess(ctx, sim.Client, tx.Hash()); err != nil {
		t.Fatal(err)
	}
}

func signTransfer(t *testing.T, key *ecdsa.PrivateKey, chainID *big.Int, nonce uint64, to common.Address, value, baseFee *big.Int) *types.Transaction {
	t.Helper()
	tip := big.NewInt(params.GWei)
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(chainID), &types.DynamicFeeTx{
		ChainID: chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: new(big.Int).Add(new(big.Int).Mul(baseFee, big.NewInt(2)), tip),
		Gas: 21_000, To: &to, Value: value,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}
