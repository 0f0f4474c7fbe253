package chain

import (
	"crypto/ecdsa"
	"slices"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
)

// DevChainIDs are the chain ids of local development chains (Guildhall's embedded chain and geth
// --dev use 1337; Hardhat and Anvil use 31337), where the well-known dev keys belong.
var DevChainIDs = []uint64{1337, 31337}

// publicDevKeys are private keys printed in public documentation: the first ten accounts of the
// "test test … junk" mnemonic that Hardhat and Anvil fund by default. Anyone can sign with them, so
// funds sent to their addresses on a real network are taken within seconds.
var publicDevKeys = []string{
	"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	"7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	"47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
	"8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
	"92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
	"4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
	"dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
	"2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
}

// IsPublicDevKey reports whether key is one whose private half is public: Hardhat's and Anvil's
// default accounts or Guildhall's own dev accounts.
func IsPublicDevKey(key *ecdsa.PrivateKey) bool {
	addr := crypto.PubkeyToAddress(key.PublicKey)
	for _, hex := range publicDevKeys {
		k, err := crypto.HexToECDSA(hex)
		if err == nil && crypto.PubkeyToAddress(k.PublicKey) == addr {
			return true
		}
	}
	return slices.ContainsFunc(DevAccounts(), func(a DevAccount) bool { return a.Address == addr })
}

// CheckOperatorKey refuses, on any chain but a local development chain, an operator key whose
// private half is public: every transaction it pays for, and the roles it holds (MINTER_ROLE on
// every community's token), would belong to whoever reads the same documentation.
func CheckOperatorKey(key *ecdsa.PrivateKey, chainID uint64) error {
	if slices.Contains(DevChainIDs, chainID) || !IsPublicDevKey(key) {
		return nil
	}
	return guildhall.Errorf(guildhall.EINVALID,
		"the operator key (%s) is a well-known development key, public to everyone, and chain %d is not a dev chain (%v): use a key of your own",
		crypto.PubkeyToAddress(key.PublicKey).Hex(), chainID, DevChainIDs)
}
