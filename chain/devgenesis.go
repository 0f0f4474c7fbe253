package chain

import (
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/guildhall/guildhall"
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

// devExtraPrefix starts the genesis ExtraData of every dev chain; a chain's salt follows it.
const devExtraPrefix = "guildhall dev chain"

// devSaltLen is the length of a dev chain's genesis salt: 12 random bytes, so prefix and salt fit
// the 32 bytes a header's ExtraData may hold.
const devSaltLen = 12

// devGenesis returns the genesis of the dev chain with the given salt: the pinned rules, a 300M
// gas limit, the system contracts the forks call into, and the funded dev accounts (the same on
// every chain). The salt, in ExtraData, gives every new dev chain a genesis hash of its own, so a
// database bound to one dev chain refuses another one started afresh. A nil salt is the genesis
// every dev chain shared before chains were salted; data directories created then keep it.
func devGenesis(salt []byte) *core.Genesis {
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
		ExtraData:  append([]byte(devExtraPrefix), salt...),
		GasLimit:   devGasLimit,
		BaseFee:    big.NewInt(params.InitialBaseFee),
		Difficulty: big.NewInt(0),
		Alloc:      alloc,
	}
}

// devGenesisHash is the hash of devGenesis(salt)'s block; it tells one dev chain from another and
// from other chains that also use id 1337 (geth --dev).
func devGenesisHash(salt []byte) common.Hash {
	return devGenesis(salt).ToBlock().Hash()
}

// newDevSalt returns a fresh random genesis salt.
func newDevSalt() []byte {
	salt := make([]byte, devSaltLen)
	if _, err := rand.Read(salt); err != nil {
		panic(fmt.Sprintf("read random genesis salt: %v", err)) // crypto/rand does not fail on Linux
	}
	return salt
}

// devSaltPath is the file in which a data directory's dev chain keeps its genesis salt.
func devSaltPath(dataDir string) string {
	return filepath.Join(dataDir, "chain", "genesis-salt")
}

// readDevSalt returns the genesis salt recorded in dataDir; ok is false, with a nil error, when
// none is recorded (a new data directory, or one whose chain predates salts).
func readDevSalt(dataDir string) (salt []byte, ok bool, err error) {
	path := devSaltPath(dataDir)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, guildhall.Errorf(guildhall.EUNAVAILABLE, "cannot read the dev chain's genesis salt %s: %s", path, fileErrReason(err))
	}
	salt, err = hexutil.Decode(strings.TrimSpace(string(data)))
	if err != nil || len(salt) != devSaltLen {
		return nil, false, guildhall.Errorf(guildhall.EUNAVAILABLE,
			"%s is damaged (want 0x and %d hex digits); restore it, or move %s away to start a new dev chain",
			path, 2*devSaltLen, filepath.Dir(path))
	}
	return salt, true, nil
}

// writeDevSalt records salt in dataDir durably (written aside, synced, renamed into place), so a
// crash leaves the old file or the new one, never a part, and the chain created next always finds it.
func writeDevSalt(dataDir string, salt []byte) error {
	path := devSaltPath(dataDir)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write dev chain genesis salt: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".genesis-salt-*")
	if err != nil {
		return fmt.Errorf("write dev chain genesis salt: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.WriteString(hexutil.Encode(salt) + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("write dev chain genesis salt: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write dev chain genesis salt: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write dev chain genesis salt: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write dev chain genesis salt: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the rename durable
		d.Close()
	}
	return nil
}

// dataDirGenesis returns the genesis of the dev chain kept in dataDir: salted with the recorded
// salt, or the unsalted genesis of a chain created before salts (no salt recorded).
func dataDirGenesis(dataDir string) (*core.Genesis, error) {
	salt, _, err := readDevSalt(dataDir)
	if err != nil {
		return nil, err
	}
	return devGenesis(salt), nil
}
