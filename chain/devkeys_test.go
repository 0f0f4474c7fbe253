package chain_test

import (
	"crypto/ecdsa"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
)

func TestPublicDevKeysAreRefusedOffDevChains(t *testing.T) {
	hardhat0, err := crypto.HexToECDSA("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
	if err != nil {
		t.Fatal(err)
	}
	// The address Hardhat and Anvil print for their first account: the list holds the real keys.
	if got := crypto.PubkeyToAddress(hardhat0.PublicKey).Hex(); got != "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" {
		t.Fatalf("first public dev key is %s, not Hardhat's first account", got)
	}
	own, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	public := map[string]*ecdsa.PrivateKey{"hardhat's first account": hardhat0, "guildhall's first dev account": chain.DevAccounts()[0].Key}
	for name, tc := range map[string]struct {
		chainID uint64
		refused bool
	}{
		"mainnet": {1, true}, "a testnet": {11155111, true}, "an L2": {8453, true},
		"the embedded dev chain": {1337, false}, "hardhat or anvil": {31337, false},
	} {
		t.Run(name, func(t *testing.T) {
			for keyName, key := range public {
				err := chain.CheckOperatorKey(key, tc.chainID)
				if tc.refused && guildhall.ErrorCode(err) != guildhall.EINVALID {
					t.Errorf("%s accepted as operator on chain %d (err %v): anyone could sign for it", keyName, tc.chainID, err)
				}
				if !tc.refused && err != nil {
					t.Errorf("%s refused on dev chain %d: %v", keyName, tc.chainID, err)
				}
			}
			if err := chain.CheckOperatorKey(own, tc.chainID); err != nil {
				t.Errorf("a key of one's own refused on chain %d: %v", tc.chainID, err)
			}
		})
	}
}
