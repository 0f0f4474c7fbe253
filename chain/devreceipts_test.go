package chain

import (
	"context"
	"errors"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
)

// The local client reads a mined transaction's receipt from the chain's database: the same
// receipt the node's JSON-RPC gives, every derived field and log included, and "not found" for a
// transaction the chain has not mined.
func TestDevChainLocalClientReceipts(t *testing.T) {
	ctx := context.Background()
	dev := startDevChain(t, DevChainConfig{HTTPAddr: "127.0.0.1:0", BlockInterval: time.Second})
	client, local := dev.Client(), dev.LocalClient()
	op := dev.Accounts()[0]
	dep, err := (&Deployer{Client: client, Key: op.Key}).Deploy(ctx, CommunitySpec{Name: "Local", Symbol: "LCL",
		Settings: guildhall.DefaultGovernanceSettings(), Operator: op.Address})
	if err != nil {
		t.Fatal(err)
	}
	to := []common.Address{common.HexToAddress("0x01"), common.HexToAddress("0x02"), common.HexToAddress("0x03")}
	amounts := []*big.Int{big.NewInt(1), big.NewInt(2), big.NewInt(3)}
	mint := sendTx(t, client, op.Key, &dep.Token, nil, guildtoken.NewGuildToken().PackMintBatch(common.HexToHash("0xbeef"), to, amounts), 2_000_000)
	want := waitMined(t, client, mint.Hash(), 3*time.Second)
	got, err := local.TransactionReceipt(ctx, mint.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Logs) != 10 { // three per recipient and the batch's own
		t.Errorf("%d logs in the local receipt, want 10", len(got.Logs))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("local receipt\n%+v\nwant the node's\n%+v", got, want)
	}
	if _, err := local.TransactionReceipt(ctx, common.HexToHash("0x1234")); !errors.Is(err, ethereum.NotFound) {
		t.Errorf("receipt of a transaction never sent: %v, want not found", err)
	}
}
