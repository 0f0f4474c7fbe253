package chain

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
)

// A wallet on the dev chain sends a token transfer with exactly the gas eth_estimateGas answers
// over JSON-RPC, right after the block that checkpointed the sender's voting power: the transfer
// lands in a later block (a later timestamp), where it needs a new checkpoint, and must not run
// out of gas.
func TestDevChainEstimatesForTheNextBlock(t *testing.T) {
	dev := startDevChain(t, DevChainConfig{HTTPAddr: "127.0.0.1:0", BlockInterval: time.Hour})
	ctx := context.Background()
	operator, member := DevAccounts()[0], DevAccounts()[1]
	dep, err := (&Deployer{Client: dev.Client(), Key: operator.Key}).Deploy(ctx, CommunitySpec{
		Name: "Corner Bakery", Symbol: "BAKE", Settings: guildhall.DefaultGovernanceSettings(), Operator: operator.Address,
	})
	if err != nil {
		t.Fatal(err)
	}
	wallet, err := ethclient.Dial(dev.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	defer wallet.Close()
	token := guildtoken.NewGuildToken()

	// A call that reverts still answers with its revert data, as go-ethereum's own estimate does.
	tooMuch := token.PackTransfer(operator.Address, big.NewInt(1))
	_, err = wallet.EstimateGas(ctx, ethereum.CallMsg{From: DevAccounts()[2].Address, To: &dep.Token, Data: tooMuch})
	if data, ok := RevertData(err); !ok || len(data) < 4 {
		t.Fatalf("estimate of a transfer beyond the balance = %v, want a revert with its data", err)
	}

	for round := range 3 {
		// The member receives tokens: a voting-power checkpoint at this block's timestamp.
		mint := sendTx(t, wallet, operator.Key, &dep.Token, nil, token.PackMint(member.Address, big.NewInt(1e18)), 200_000)
		minted := waitMined(t, wallet, mint.Hash(), 10*time.Second)
		if minted.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("round %d: mint reverted", round)
		}
		// In the same second, the member's wallet estimates a transfer to a new holder and sends
		// it with that gas.
		data := token.PackTransfer(crypto.CreateAddress(member.Address, uint64(round)), big.NewInt(1))
		gas, err := wallet.EstimateGas(ctx, ethereum.CallMsg{From: member.Address, To: &dep.Token, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		head, err := wallet.BlockNumber(ctx)
		if err != nil || head != minted.BlockNumber.Uint64() {
			t.Fatalf("round %d: head %d (%v) moved past the mint's block %d before the estimate", round, head, err, minted.BlockNumber)
		}
		transfer := sendTx(t, wallet, member.Key, &dep.Token, nil, data, gas)
		rcpt := waitMined(t, wallet, transfer.Hash(), 10*time.Second)
		if rcpt.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("round %d: a transfer sent with the estimated %d gas reverted (used %d): the estimate priced the latest block, not the next", round, gas, rcpt.GasUsed)
		}
	}
}
