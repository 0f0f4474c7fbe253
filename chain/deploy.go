package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/contracts/bindings/timelock"
)

// CommunitySpec is what a community's contracts are deployed with.
type CommunitySpec struct {
	Name     string
	Symbol   string
	Settings guildhall.GovernanceSettings
	// Operator gets MINTER_ROLE on the token so Guildhall can mint rewards.
	Operator common.Address
}

// Deployment is where a community's contracts live.
type Deployment struct {
	Token    common.Address
	Timelock common.Address
	Governor common.Address
	Block    uint64      // block of the token's deployment, the first block worth indexing
	TxHash   common.Hash // the token's deployment transaction
}

// Deployer deploys communities from one key.
type Deployer struct {
	Client Client
	Key    *ecdsa.PrivateKey
	// Mine, when set, is called after each round of transactions is sent. Tests on the simulated
	// backend pass its Commit; real chains (and the embedded dev chain) produce blocks themselves.
	Mine   func()
	Logger *slog.Logger
}

// Deploy deploys a community's token, timelock and governor with their roles wired:
//   - the timelock is the token's admin (only governance changes roles) and a minter (governance
//     grants), the operator is a minter (rewards);
//   - the governor is the timelock's only proposer and canceller, anyone may execute a proposal
//     that is ready, and the timelock administers itself;
//   - the deploying key holds no role on anything afterwards.
//
// The contracts' addresses follow from the deployer's nonce, so the token and timelock name each
// other and the governor in their constructors and no role is granted or renounced later. Deploy
// fails if another transaction from the same key takes one of those nonces meanwhile.
func (d *Deployer) Deploy(ctx context.Context, spec CommunitySpec) (*Deployment, error) {
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	chainID, err := d.Client.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chain id: %w", err)
	}
	from := crypto.PubkeyToAddress(d.Key.PublicKey)
	nonce, err := d.Client.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("read deployer nonce: %w", err)
	}
	want := Deployment{
		Token:    crypto.CreateAddress(from, nonce),
		Timelock: crypto.CreateAddress(from, nonce+1),
		Governor: crypto.CreateAddress(from, nonce+2),
	}
	s := spec.Settings
	tokenABI := guildtoken.NewGuildToken()
	timelockABI := timelock.NewTimelockController()
	governorABI := guildgovernor.NewGuildGovernor()

	send := func(n uint64, bin string, input []byte) (*types.Transaction, error) {
		opts := bind.NewKeyedTransactor(d.Key, chainID)
		opts.Context = ctx
		opts.Nonce = new(big.Int).SetUint64(n)
		_, tx, err := bind.DeployContract(opts, common.FromHex(bin), d.Client, input)
		return tx, err
	}

	// Round 1: token and timelock depend on nothing deployed.
	tokenTx, err := send(nonce, guildtoken.GuildTokenMetaData.Bin, tokenABI.PackConstructor(
		spec.Name, spec.Symbol, want.Timelock, []common.Address{want.Timelock, spec.Operator}))
	if err != nil {
		return nil, fmt.Errorf("deploy token: %w", err)
	}
	timelockTx, err := send(nonce+1, timelock.TimelockControllerMetaData.Bin, timelockABI.PackConstructor(
		seconds(s.TimelockDelay), []common.Address{want.Governor}, []common.Address{{}}, common.Address{}))
	if err != nil {
		return nil, fmt.Errorf("deploy timelock: %w", err)
	}
	d.mine()
	tokenRcpt, err := WaitSuccess(ctx, d.Client, tokenTx.Hash())
	if err != nil {
		return nil, fmt.Errorf("deploy token: %w", err)
	}
	if _, err := WaitSuccess(ctx, d.Client, timelockTx.Hash()); err != nil {
		return nil, fmt.Errorf("deploy timelock: %w", err)
	}
	log.Info("token and timelock deployed", "token", want.Token, "timelock", want.Timelock)

	// Round 2: the governor reads the token's clock in its constructor.
	govTx, err := send(nonce+2, guildgovernor.GuildGovernorMetaData.Bin, governorABI.PackConstructor(
		spec.Name+" Governor", want.Token, want.Timelock,
		seconds(s.VotingDelay), uint32(s.VotingPeriod/time.Second), s.ProposalThreshold,
		big.NewInt(int64(s.QuorumPercent)), seconds(s.LateQuorumExtension)))
	if err != nil {
		return nil, fmt.Errorf("deploy governor: %w", err)
	}
	d.mine()
	if _, err := WaitSuccess(ctx, d.Client, govTx.Hash()); err != nil {
		return nil, fmt.Errorf("deploy governor: %w", err)
	}
	log.Info("governor deployed", "governor", want.Governor)

	for _, tx := range []*types.Transaction{tokenTx, timelockTx, govTx} {
		rcpt, err := d.Client.TransactionReceipt(ctx, tx.Hash())
		if err != nil {
			return nil, fmt.Errorf("read deployment receipt: %w", err)
		}
		if rcpt.ContractAddress != want.Token && rcpt.ContractAddress != want.Timelock && rcpt.ContractAddress != want.Governor {
			return nil, errors.New("deploy community: another transaction from the deployer's key took a nonce during deployment; run it again")
		}
	}
	want.Block = tokenRcpt.BlockNumber.Uint64()
	want.TxHash = tokenTx.Hash()
	return &want, nil
}

func (d *Deployer) mine() {
	if d.Mine != nil {
		d.Mine()
	}
}

func seconds(d time.Duration) *big.Int { return big.NewInt(int64(d / time.Second)) }

// Address is the deploying key's address.
func (d *Deployer) Address() common.Address { return crypto.PubkeyToAddress(d.Key.PublicKey) }
