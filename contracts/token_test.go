package contracts_test

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
)

var token = guildtoken.NewGuildToken()

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// community is a deployed community on a simulated chain: Accounts[0] is the operator (a minter),
// the others are members.
type community struct {
	sim *chaintest.Sim
	dep *chain.Deployment
}

func newCommunity(t *testing.T, members int, settings guildhall.GovernanceSettings) *community {
	t.Helper()
	sim := chaintest.New(t, members+1)
	return &community{sim: sim, dep: sim.Deploy(t, settings)}
}

func (c *community) balance(t *testing.T, a common.Address) *big.Int {
	t.Helper()
	v, err := token.UnpackBalanceOf(c.sim.Call(t, c.dep.Token, token.PackBalanceOf(a)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (c *community) votes(t *testing.T, a common.Address) *big.Int {
	t.Helper()
	v, err := token.UnpackGetVotes(c.sim.Call(t, c.dep.Token, token.PackGetVotes(a)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (c *community) delegates(t *testing.T, a common.Address) common.Address {
	t.Helper()
	v, err := token.UnpackDelegates(c.sim.Call(t, c.dep.Token, token.PackDelegates(a)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (c *community) totalSupply(t *testing.T) *big.Int {
	t.Helper()
	v, err := token.UnpackTotalSupply(c.sim.Call(t, c.dep.Token, token.PackTotalSupply()))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (c *community) mintBatch(t *testing.T, batchID common.Hash, to []common.Address, amounts []*big.Int) *types.Receipt {
	t.Helper()
	return c.sim.MustTransact(t, c.sim.Accounts[0], c.dep.Token, token.PackMintBatch(batchID, to, amounts))
}

// tokenError sends calldata from key, expects it to be refused, and returns the decoded custom error.
func (c *community) tokenError(t *testing.T, key *ecdsa.PrivateKey, calldata []byte) any {
	t.Helper()
	_, err := c.sim.Transact(t, key, c.dep.Token, calldata)
	if err == nil {
		t.Fatal("transaction succeeded, want a revert")
	}
	data, ok := chain.RevertData(err)
	if !ok {
		t.Fatalf("revert without data: %v", err)
	}
	decoded, err := token.UnpackError(data)
	if err != nil {
		t.Fatalf("decode revert %x: %v", data, err)
	}
	return decoded
}

func TestMintBatchMintsEveryRecipientAndEmitsTheSum(t *testing.T) {
	c := newCommunity(t, 3, guildhall.DefaultGovernanceSettings())
	to := []common.Address{c.sim.Address(1), c.sim.Address(2), c.sim.Address(3), c.sim.Address(1)}
	amounts := []*big.Int{tokens(10), tokens(20), big.NewInt(7), tokens(5)}
	batchID := crypto.Keccak256Hash([]byte("batch-1"))

	rcpt := c.mintBatch(t, batchID, to, amounts)

	want := map[common.Address]*big.Int{
		c.sim.Address(1): tokens(15), c.sim.Address(2): tokens(20), c.sim.Address(3): big.NewInt(7),
	}
	for a, w := range want {
		if got := c.balance(t, a); got.Cmp(w) != 0 {
			t.Errorf("balanceOf(%s) = %s, want %s", a, got, w)
		}
	}
	total := new(big.Int).Add(tokens(35), big.NewInt(7))
	if got := c.totalSupply(t); got.Cmp(total) != 0 {
		t.Errorf("totalSupply = %s, want %s", got, total)
	}
	var events, transfers int
	for _, l := range rcpt.Logs {
		if ev, err := token.UnpackRewardBatchMintedEvent(l); err == nil {
			events++
			if ev.BatchId != batchID || ev.Count.Int64() != 4 || ev.Total.Cmp(total) != 0 {
				t.Errorf("RewardBatchMinted = %x/%s/%s, want %x/4/%s", ev.BatchId, ev.Count, ev.Total, batchID, total)
			}
		}
		if _, err := token.UnpackTransferEvent(l); err == nil {
			transfers++
		}
	}
	if events != 1 || transfers != 4 {
		t.Errorf("got %d RewardBatchMinted and %d Transfer events, want 1 and 4", events, transfers)
	}
	minted, err := token.UnpackBatchMinted(c.sim.Call(t, c.dep.Token, token.PackBatchMinted(batchID)))
	if err != nil || !minted {
		t.Errorf("batchMinted(%x) = %v, %v; want true", batchID, minted, err)
	}
}

func TestMintBatchRefusals(t *testing.T) {
	c := newCommunity(t, 2, guildhall.DefaultGovernanceSettings())
	member := c.sim.Address(1)
	used := crypto.Keccak256Hash([]byte("used"))
	c.mintBatch(t, used, []common.Address{member}, []*big.Int{tokens(1)})

	t.Run("reused batch id is refused with BatchAlreadyMinted", func(t *testing.T) {
		got := c.tokenError(t, c.sim.Accounts[0], token.PackMintBatch(used, []common.Address{member}, []*big.Int{tokens(1)}))
		e, ok := got.(*guildtoken.GuildTokenBatchAlreadyMinted)
		if !ok || e.BatchId != used {
			t.Fatalf("error = %#v, want BatchAlreadyMinted(%x)", got, used)
		}
	})
	t.Run("mismatched lengths are refused with BatchLengthMismatch", func(t *testing.T) {
		got := c.tokenError(t, c.sim.Accounts[0], token.PackMintBatch(common.Hash{1}, []common.Address{member, member}, []*big.Int{tokens(1)}))
		e, ok := got.(*guildtoken.GuildTokenBatchLengthMismatch)
		if !ok || e.Recipients.Int64() != 2 || e.Amounts.Int64() != 1 {
			t.Fatalf("error = %#v, want BatchLengthMismatch(2, 1)", got)
		}
	})
	t.Run("an empty batch is refused with EmptyBatch", func(t *testing.T) {
		got := c.tokenError(t, c.sim.Accounts[0], token.PackMintBatch(common.Hash{2}, nil, nil))
		if _, ok := got.(*guildtoken.GuildTokenEmptyBatch); !ok {
			t.Fatalf("error = %#v, want EmptyBatch", got)
		}
	})
	t.Run("a non-minter is refused with AccessControlUnauthorizedAccount", func(t *testing.T) {
		role, _ := token.UnpackMINTERROLE(c.sim.Call(t, c.dep.Token, token.PackMINTERROLE()))
		for name, calldata := range map[string][]byte{
			"mintBatch": token.PackMintBatch(common.Hash{3}, []common.Address{member}, []*big.Int{tokens(1)}),
			"mint":      token.PackMint(member, tokens(1)),
		} {
			got := c.tokenError(t, c.sim.Accounts[1], calldata)
			e, ok := got.(*guildtoken.GuildTokenAccessControlUnauthorizedAccount)
			if !ok || e.Account != member || e.NeededRole != role {
				t.Errorf("%s: error = %#v, want AccessControlUnauthorizedAccount(%s, MINTER_ROLE)", name, got, member)
			}
		}
	})
	if got := c.balance(t, member); got.Cmp(tokens(1)) != 0 {
		t.Errorf("after refusals balanceOf(member) = %s, want only the first mint %s", got, tokens(1))
	}
}

func TestFirstReceiptDelegatesToSelf(t *testing.T) {
	c := newCommunity(t, 3, guildhall.DefaultGovernanceSettings())
	a, b := c.sim.Address(1), c.sim.Address(2)
	c.mintBatch(t, common.Hash{1}, []common.Address{a}, []*big.Int{tokens(40)})

	if got := c.delegates(t, a); got != a {
		t.Errorf("delegates(new holder) = %s, want itself", got)
	}
	if got := c.votes(t, a); got.Cmp(tokens(40)) != 0 {
		t.Errorf("getVotes(new holder) = %s, want its balance %s", got, tokens(40))
	}

	// A transfer to a new holder moves voting power with it and delegates the receiver to itself.
	c.sim.MustTransact(t, c.sim.Accounts[1], c.dep.Token, token.PackTransfer(b, tokens(15)))
	if got := c.votes(t, a); got.Cmp(tokens(25)) != 0 {
		t.Errorf("getVotes(sender) = %s, want %s", got, tokens(25))
	}
	if got := c.votes(t, b); got.Cmp(tokens(15)) != 0 || c.delegates(t, b) != b {
		t.Errorf("receiver: getVotes = %s delegate = %s, want %s and itself", got, c.delegates(t, b), tokens(15))
	}
}

func TestExplicitDelegationIsKept(t *testing.T) {
	c := newCommunity(t, 3, guildhall.DefaultGovernanceSettings())
	a, b, x := c.sim.Address(1), c.sim.Address(2), c.sim.Address(3)

	t.Run("delegated before the first receipt", func(t *testing.T) {
		c.sim.MustTransact(t, c.sim.Accounts[1], c.dep.Token, token.PackDelegate(b))
		c.mintBatch(t, common.Hash{1}, []common.Address{a}, []*big.Int{tokens(30)})
		if got := c.delegates(t, a); got != b {
			t.Fatalf("delegates = %s, want the chosen delegate %s", got, b)
		}
		if got := c.votes(t, b); got.Cmp(tokens(30)) != 0 {
			t.Errorf("getVotes(delegate) = %s, want %s", got, tokens(30))
		}
		if got := c.votes(t, a); got.Sign() != 0 {
			t.Errorf("getVotes(delegator) = %s, want 0", got)
		}
	})
	t.Run("delegated after self-delegation, then receiving more", func(t *testing.T) {
		c.mintBatch(t, common.Hash{2}, []common.Address{x}, []*big.Int{tokens(5)})
		c.sim.MustTransact(t, c.sim.Accounts[3], c.dep.Token, token.PackDelegate(b))
		c.mintBatch(t, common.Hash{3}, []common.Address{x}, []*big.Int{tokens(5)})
		if got := c.delegates(t, x); got != b {
			t.Fatalf("delegates = %s, want %s", got, b)
		}
		if got := c.votes(t, b); got.Cmp(tokens(40)) != 0 {
			t.Errorf("getVotes(delegate) = %s, want 30+10 = %s", got, tokens(40))
		}
	})
}

func TestPermitSetsAllowanceFromASignature(t *testing.T) {
	c := newCommunity(t, 2, guildhall.DefaultGovernanceSettings())
	owner, spender := c.sim.Accounts[1], c.sim.Accounts[2]
	ownerAddr, spenderAddr := c.sim.Address(1), c.sim.Address(2)
	c.mintBatch(t, common.Hash{1}, []common.Address{ownerAddr}, []*big.Int{tokens(10)})

	deadline := big.NewInt(int64(c.sim.HeadTime(t)) + 3600)
	value := tokens(4)
	typed := apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": {{Name: "name", Type: "string"}, {Name: "version", Type: "string"}, {Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"}},
			"Permit":       {{Name: "owner", Type: "address"}, {Name: "spender", Type: "address"}, {Name: "value", Type: "uint256"}, {Name: "nonce", Type: "uint256"}, {Name: "deadline", Type: "uint256"}},
		},
		PrimaryType: "Permit",
		Domain: apitypes.TypedDataDomain{
			Name: "Corner Bakery", Version: "1", ChainId: (*math.HexOrDecimal256)(c.sim.ChainID), VerifyingContract: c.dep.Token.Hex(),
		},
		Message: apitypes.TypedDataMessage{
			"owner": ownerAddr.Hex(), "spender": spenderAddr.Hex(), "value": value.String(), "nonce": "0", "deadline": deadline.String(),
		},
	}
	digest, _, err := apitypes.TypedDataAndHash(typed)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := crypto.Sign(digest, owner)
	if err != nil {
		t.Fatal(err)
	}
	var r, s [32]byte
	copy(r[:], sig[:32])
	copy(s[:], sig[32:64])
	c.sim.MustTransact(t, spender, c.dep.Token, token.PackPermit(ownerAddr, spenderAddr, value, deadline, sig[64]+27, r, s))

	allowance, err := token.UnpackAllowance(c.sim.Call(t, c.dep.Token, token.PackAllowance(ownerAddr, spenderAddr)))
	if err != nil || allowance.Cmp(value) != 0 {
		t.Fatalf("allowance = %s, %v; want %s", allowance, err, value)
	}
	nonce, _ := token.UnpackNonces(c.sim.Call(t, c.dep.Token, token.PackNonces(ownerAddr)))
	if nonce.Int64() != 1 {
		t.Errorf("nonces(owner) = %s after one permit, want 1", nonce)
	}
	// The same signature cannot be used twice.
	if _, err := c.sim.Transact(t, spender, c.dep.Token, token.PackPermit(ownerAddr, spenderAddr, value, deadline, sig[64]+27, r, s)); err == nil {
		t.Error("a replayed permit was accepted")
	}
}

func TestTokenUsesTheTimestampClock(t *testing.T) {
	c := newCommunity(t, 1, guildhall.DefaultGovernanceSettings())
	mode, err := token.UnpackCLOCKMODE(c.sim.Call(t, c.dep.Token, token.PackCLOCKMODE()))
	if err != nil || mode != "mode=timestamp" {
		t.Errorf("CLOCK_MODE() = %q, %v; want mode=timestamp", mode, err)
	}
	clock, err := token.UnpackClock(c.sim.Call(t, c.dep.Token, token.PackClock()))
	head := c.sim.HeadTime(t)
	if err != nil || clock.Uint64() < head || clock.Uint64() > head+uint64(time.Minute/time.Second) {
		t.Errorf("clock() = %s, %v; want about the head timestamp %d", clock, err, head)
	}
	_ = context.Background
}
