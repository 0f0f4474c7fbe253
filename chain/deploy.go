package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
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
	// ID is the community's id. With a Deployer's Sender it names the deployment's recorded
	// intents, so running the deployment again resumes it.
	ID       string
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
	// Sender, when set, is the key's persistent sender, and the deployment goes through it: its
	// three nonces come from the sender's nonce table, from which every transaction of the key
	// takes its nonce (mints, relays, other deployments, in whichever process), and its three
	// contract creations are recorded together under the spec's ID before any is broadcast. A
	// deployment interrupted before it finished resumes when run again with the same spec; one
	// whose contract reverted is reported with what it left deployed. Someone must Run the sender
	// (serve's leader, or the caller). Without a Sender, Deploy takes the node's pending nonce:
	// only for a key nothing else sends from (tests on a simulated chain).
	Sender *Sender
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
// The contracts' addresses follow from three consecutive nonces of the deployer, so the token and
// timelock name each other and the governor in their constructors and no role is granted or
// renounced later. Deploy fails if a transaction from the same key that bypasses the Sender takes
// one of those nonces meanwhile.
func (d *Deployer) Deploy(ctx context.Context, spec CommunitySpec) (*Deployment, error) {
	chainID, err := d.Client.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chain id: %w", err)
	}
	if d.Sender != nil {
		return d.deployRecorded(ctx, chainID, spec)
	}
	return d.deployDirect(ctx, chainID, spec)
}

// The contracts of a deployment, in nonce order.
var deployedContracts = [3]string{"token", "timelock", "governor"}

// deployPlan is a deployment from the first of three consecutive nonces of a key: where its
// contracts will be and the init code (bytecode and constructor input) of each, in nonce order.
type deployPlan struct {
	want Deployment
	code [3][]byte
}

func planDeployment(from common.Address, nonce uint64, spec CommunitySpec) deployPlan {
	want := Deployment{
		Token:    crypto.CreateAddress(from, nonce),
		Timelock: crypto.CreateAddress(from, nonce+1),
		Governor: crypto.CreateAddress(from, nonce+2),
	}
	s := spec.Settings
	tokenInput := guildtoken.NewGuildToken().PackConstructor(spec.Name, spec.Symbol, want.Timelock, []common.Address{want.Timelock, spec.Operator})
	timelockInput := timelock.NewTimelockController().PackConstructor(seconds(s.TimelockDelay), []common.Address{want.Governor}, []common.Address{{}}, common.Address{})
	// The governor reads the token's clock in its constructor: it comes after the token.
	governorInput := guildgovernor.NewGuildGovernor().PackConstructor(
		GovernorName(spec.Name), want.Token, want.Timelock,
		seconds(s.VotingDelay), uint32(s.VotingPeriod/time.Second), s.ProposalThreshold,
		big.NewInt(int64(s.QuorumPercent)), seconds(s.LateQuorumExtension))
	return deployPlan{want: want, code: [3][]byte{
		append(common.FromHex(guildtoken.GuildTokenMetaData.Bin), tokenInput...),
		append(common.FromHex(timelock.TimelockControllerMetaData.Bin), timelockInput...),
		append(common.FromHex(guildgovernor.GuildGovernorMetaData.Bin), governorInput...),
	}}
}

func (d *Deployer) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

// deployDirect deploys at the node's pending nonce of the key, in two rounds: token and timelock,
// then the governor (whose gas cannot be estimated before the token exists).
func (d *Deployer) deployDirect(ctx context.Context, chainID *big.Int, spec CommunitySpec) (*Deployment, error) {
	from := d.Address()
	nonce, err := d.Client.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("read deployer nonce: %w", err)
	}
	plan := planDeployment(from, nonce, spec)
	// Nothing is sent unless the key can pay for all three contracts: a key that runs dry midway
	// leaves contracts no community records.
	if _, err := d.checkFunds(ctx, chainID, from, plan.code[0], plan.code[1]); err != nil {
		return nil, err
	}
	txs := make([]*types.Transaction, 3)
	rcpts := make([]*types.Receipt, 3)
	for _, round := range [][]int{{0, 1}, {2}} {
		for _, k := range round {
			if txs[k], err = d.deployContract(ctx, chainID, from, deployedContracts[k], nonce+uint64(k), plan.code[k]); err != nil {
				return nil, err
			}
		}
		d.mine()
		for _, k := range round {
			if rcpts[k], err = d.waitSuccess(ctx, txs[k].Hash()); err != nil {
				return nil, fmt.Errorf("deploy %s: %w", deployedContracts[k], err)
			}
		}
	}
	d.logger().Info("community deployed", "token", plan.want.Token, "timelock", plan.want.Timelock, "governor", plan.want.Governor)
	hashes := []common.Hash{txs[0].Hash(), txs[1].Hash(), txs[2].Hash()}
	if err := d.checkAddresses(ctx, plan.want, hashes...); err != nil {
		return nil, fmt.Errorf("%w; run it again", err)
	}
	plan.want.Block = rcpts[0].BlockNumber.Uint64()
	plan.want.TxHash = hashes[0]
	return &plan.want, nil
}

// deployContract sends the contract creation code at nonce n.
func (d *Deployer) deployContract(ctx context.Context, chainID *big.Int, from common.Address, what string, n uint64, code []byte) (*types.Transaction, error) {
	opts := bind.NewKeyedTransactor(d.Key, chainID)
	opts.Context = ctx
	opts.Nonce = new(big.Int).SetUint64(n)
	_, tx, err := bind.DeployContract(opts, code, d.Client, nil)
	if err != nil {
		if isInsufficientFunds(err) {
			return nil, d.unfunded(ctx, chainID, from, nil)
		}
		return nil, fmt.Errorf("deploy %s: %w", what, err)
	}
	return tx, nil
}

// checkAddresses makes sure the deployment transactions created the contracts at the addresses
// want names: another transaction from the key taking one of the nonces would move them.
func (d *Deployer) checkAddresses(ctx context.Context, want Deployment, hashes ...common.Hash) error {
	for _, h := range hashes {
		rcpt, err := d.Client.TransactionReceipt(ctx, h)
		if err != nil {
			return fmt.Errorf("read deployment receipt: %w", err)
		}
		if rcpt.ContractAddress != want.Token && rcpt.ContractAddress != want.Timelock && rcpt.ContractAddress != want.Governor {
			return errors.New("deploy community: another transaction from the deployer's key took a nonce during deployment")
		}
	}
	return nil
}

// maxEIP712Name is the longest name, in bytes, OpenZeppelin's EIP712 accepts (one word, a
// ShortString); a longer one makes the constructor revert with StringTooLong.
const maxEIP712Name = 31

// GovernorName is the name a community's governor is deployed with, its EIP-712 domain name for
// ballots: the community's name and " Governor" when that fits the 31 bytes EIP-712 allows, else
// the community's name alone (guildhall.ValidateNewCommunity keeps that within 31 bytes). Clients
// read it from the governor (name(), eip712Domain()) rather than derive it.
func GovernorName(community string) string {
	if name := community + " Governor"; len(name) <= maxEIP712Name {
		return name
	}
	return community
}

// governorDeployGas is what the governor's deployment may use. It cannot be estimated before the
// token exists (its constructor reads the token's clock); TestDeployGasBudget checks it covers
// what the deployment uses.
const governorDeployGas = 6_000_000

// checkFunds refuses, before anything is sent, a deploying key whose balance does not cover the
// deployment at the current fees: the estimated gas of the given contract creations plus the
// governor's, at the fee cap the transactions will carry (what a node checks the balance against).
// It returns the estimates, one per creation.
func (d *Deployer) checkFunds(ctx context.Context, chainID *big.Int, from common.Address, creations ...[]byte) ([]uint64, error) {
	gas := uint64(governorDeployGas)
	estimates := make([]uint64, len(creations))
	for k, data := range creations {
		g, err := d.Client.EstimateGas(ctx, ethereum.CallMsg{From: from, Data: data})
		if err != nil {
			if isInsufficientFunds(err) {
				return nil, d.unfunded(ctx, chainID, from, nil)
			}
			return nil, fmt.Errorf("estimate deployment gas: %w", err)
		}
		estimates[k] = g
		gas += g
	}
	feeCap, err := d.feeCap(ctx)
	if err != nil {
		return nil, err
	}
	need := new(big.Int).Mul(new(big.Int).SetUint64(gas), feeCap)
	balance, err := d.Client.BalanceAt(ctx, from, nil)
	if err != nil {
		return nil, fmt.Errorf("read the balance of %s: %w", from.Hex(), err)
	}
	if balance.Cmp(need) < 0 {
		return nil, d.unfunded(ctx, chainID, from, need)
	}
	return estimates, nil
}

// feeCap is the most a deployment transaction may pay per gas, as the bindings set it: twice the
// head's base fee plus the suggested tip on an EIP-1559 chain, else the suggested gas price.
func (d *Deployer) feeCap(ctx context.Context) (*big.Int, error) {
	head, err := d.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read the head block: %w", err)
	}
	if head.BaseFee == nil {
		price, err := d.Client.SuggestGasPrice(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the gas price: %w", err)
		}
		return price, nil
	}
	tip, err := d.Client.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the gas tip: %w", err)
	}
	return new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2))), nil
}

// unfunded is the one-line EUNAVAILABLE error for a deploying key that cannot pay: it names the
// address, its balance, the chain, what the deployment needs when known, and the fix.
func (d *Deployer) unfunded(ctx context.Context, chainID *big.Int, from common.Address, need *big.Int) error {
	fix := fmt.Sprintf("send it ETH on that chain, or set %s (or --operator-keystore) to a funded account", OperatorKeyEnv)
	balance, err := d.Client.BalanceAt(ctx, from, nil)
	switch {
	case err != nil:
		return guildhall.Errorf(guildhall.EUNAVAILABLE,
			"the operator %s on chain %s has too little ETH to pay for deploying a community: %s", from.Hex(), chainID, fix)
	case need == nil:
		return guildhall.Errorf(guildhall.EUNAVAILABLE,
			"the operator %s on chain %s holds %s ETH, too little to pay for deploying a community: %s",
			from.Hex(), chainID, formatEther(balance, false), fix)
	default:
		return guildhall.Errorf(guildhall.EUNAVAILABLE,
			"the operator %s on chain %s holds %s ETH, but deploying a community needs about %s ETH at current fees: %s",
			from.Hex(), chainID, formatEther(balance, false), formatEther(need, true), fix)
	}
}

// isInsufficientFunds reports whether a node refused a transaction or an estimate because the
// sender cannot pay (go-ethereum: "insufficient funds for gas * price + value" or "... for
// transfer"; other nodes word it alike). Over JSON-RPC only the text survives.
func isInsufficientFunds(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "insufficient funds")
}

// formatEther writes wei as ETH with at most 6 decimals, rounded up or down.
func formatEther(wei *big.Int, up bool) string {
	const unit = 1_000_000_000_000 // 10^-6 ETH
	q, r := new(big.Int).QuoRem(wei, big.NewInt(unit), new(big.Int))
	if up && r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return guildhall.FormatAmount(q.Mul(q, big.NewInt(unit)))
}

func (d *Deployer) mine() {
	if d.Mine != nil {
		d.Mine()
	}
}

// waitSuccess waits for hash to be mined successfully. With a Mine hook it mines again while the
// transaction is missing: the simulated backend's pool promotes a key's later nonces
// asynchronously, so one Commit right after sending may seal only the first of a round.
func (d *Deployer) waitSuccess(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	return succeeded(waitReceipt(ctx, d.Client, hash, d.Mine))
}

func seconds(d time.Duration) *big.Int { return big.NewInt(int64(d / time.Second)) }

// Address is the deploying key's address.
func (d *Deployer) Address() common.Address { return crypto.PubkeyToAddress(d.Key.PublicKey) }
