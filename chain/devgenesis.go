package chain

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
)

// DevAccount is a funded account of the embedded dev chain.
//
// Its key is derived from a public phrase ("guildhall dev account N"), so anyone can spend from
// it on any chain: dev and test use only, never for real funds.
type DevAccount struct {
	Address common.Address
	Key     *ecdsa.PrivateKey
}

const (
	devAccountCount = 10
	// devGasLimit is the dev chain's block gas limit, from genesis (the miner's ceiling is the
	// same, so it never drifts). Blocks come at most once a second (whole-second timestamps), so
	// this is the chain's throughput: 300M fits about 18 full mintBatch transactions (2^24 gas
	// each, EIP-7825), a few thousand rewards a block.
	devGasLimit = 300_000_000
)

// devAccountBalance is what each dev account holds at genesis: 10,000 ETH.
var devAccountBalance = new(big.Int).Mul(big.NewInt(10_000), big.NewInt(params.Ether))

// DevAccounts returns the dev chain's ten funded accounts (10,000 ETH each at genesis), the same
// on every machine and every run: account N's key is keccak256("guildhall dev account N"). They
// are public, for the dev chain only.
func DevAccounts() []DevAccount {
	accounts := make([]DevAccount, devAccountCount)
	for i := range accounts {
		seed := crypto.Keccak256([]byte(fmt.Sprintf("guildhall dev account %d", i)))
		key, err := crypto.ToECDSA(seed)
		if err != nil {
			// Fixed seeds: either always valid or never; TestDevAccounts checks they are.
			panic(fmt.Sprintf("derive dev account %d: %v", i, err))
		}
		accounts[i] = DevAccount{Address: crypto.PubkeyToAddress(key.PublicKey), Key: key}
	}
	return accounts
}

// devChainConfig pins the dev chain's protocol rules, rather than following go-ethereum's
// AllDevChainProtocolChanges, so that a go-ethereum upgrade neither changes the genesis hash of
// existing dev chains nor runs them on an unreleased fork. The rules are mainnet's: every fork
// through Osaka from genesis (so a transaction's gas is capped at 2^24, EIP-7825).
func devChainConfig() *params.ChainConfig {
	zero := func() *uint64 { var t uint64; return &t }
	cancun, prague := *params.DefaultCancunBlobConfig, *params.DefaultPragueBlobConfig
	return &params.ChainConfig{
		ChainID:                 big.NewInt(DevChainID),
		HomesteadBlock:          big.NewInt(0),
		EIP150Block:             big.NewInt(0),
		EIP155Block:             big.NewInt(0),
		EIP158Block:             big.NewInt(0),
		ByzantiumBlock:          big.NewInt(0),
		ConstantinopleBlock:     big.NewInt(0),
		PetersburgBlock:         big.NewInt(0),
		IstanbulBlock:           big.NewInt(0),
		MuirGlacierBlock:        big.NewInt(0),
		BerlinBlock:             big.NewInt(0),
		LondonBlock:             big.NewInt(0),
		ArrowGlacierBlock:       big.NewInt(0),
		GrayGlacierBlock:        big.NewInt(0),
		TerminalTotalDifficulty: big.NewInt(0),
		ShanghaiTime:            zero(),
		CancunTime:              zero(),
		PragueTime:              zero(),
		OsakaTime:               zero(),
		BlobScheduleConfig: &params.BlobScheduleConfig{
			Cancun: &cancun,
			Prague: &prague,
		},
	}
}

// devGenesis returns the dev chain's genesis, identical on every call so a restart reopens the
// same chain: the pinned rules, a 300M gas limit, the system contracts the forks call into, and
// the funded dev accounts.
func devGenesis() *core.Genesis {
	alloc := types.GenesisAlloc{
		// Beacon roots (EIP-4788), history storage (EIP-2935), withdrawal and consolidation
		// requests (EIP-7002, EIP-7251): called by the protocol every block since Cancun/Prague.
		params.BeaconRootsAddress:        {Nonce: 1, Code: params.BeaconRootsCode, Balance: new(big.Int)},
		params.HistoryStorageAddress:     {Nonce: 1, Code: params.HistoryStorageCode, Balance: new(big.Int)},
		params.WithdrawalQueueAddress:    {Nonce: 1, Code: params.WithdrawalQueueCode, Balance: new(big.Int)},
		params.ConsolidationQueueAddress: {Nonce: 1, Code: params.ConsolidationQueueCode, Balance: new(big.Int)},
	}
	for _, a := range DevAccounts() {
		alloc[a.Address] = types.Account{Balance: new(big.Int).Set(devAccountBalance)}
	}
	return &core.Genesis{
		Config:     devChainConfig(),
		ExtraData:  []byte("guildhall dev chain"),
		GasLimit:   devGasLimit,
		BaseFee:    big.NewInt(params.InitialBaseFee),
		Difficulty: big.NewInt(0),
		Alloc:      alloc,
	}
}

// devGenesisHash is the hash of devGenesis's block; it tells the dev chain from other chains
// that also use id 1337 (geth --dev).
func devGenesisHash() common.Hash {
	return devGenesis().ToBlock().Hash()
}
