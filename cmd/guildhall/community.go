package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"text/tabwriter"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/postgres"
)

func runCommunity(ctx context.Context, args []string, e *env) error {
	return dispatch(ctx, args, e, "community", "Usage: guildhall community <create|update|list|staff> [flags]\n\n"+
		"  create  deploy a community's token, timelock and governor and record it\n"+
		"  update  change what a community's operator sets: --min-reward\n"+
		"  list    list the recorded communities\n"+
		"  staff   add, remove or list a community's staff (left out of every health figure)\n\nRun `guildhall community <subcommand> --help` for flags.\n",
		verb{"create", runCommunityCreate},
		verb{"update", runCommunityUpdate},
		verb{"list", runCommunityList},
		verb{"staff", runCommunityStaff})
}

func runCommunityCreate(ctx context.Context, args []string, e *env) error {
	var (
		c                 commonFlags
		id, name, symbol  string
		threshold         string
		minReward         string
		baseUnits, asJSON bool
		quorum            uint
		settings          = guildhall.DefaultGovernanceSettings()
	)
	fs := newFlagSet(e, "community create", "community create --id SLUG --name NAME --symbol SYMBOL [flags]")
	c.register(fs, true)
	fs.StringVar(&id, "id", "", "the community's id, a slug: lowercase letters, digits and hyphens (required)")
	fs.StringVar(&name, "name", "", "the community's and its token's name (required)")
	fs.StringVar(&symbol, "symbol", "", "the token's symbol, 2-11 uppercase letters or digits (required)")
	fs.DurationVar(&settings.VotingDelay, "voting-delay", settings.VotingDelay, "time from a proposal to the start of its vote (the clock is timestamps)")
	fs.DurationVar(&settings.VotingPeriod, "voting-period", settings.VotingPeriod, "how long a vote stays open")
	fs.DurationVar(&settings.TimelockDelay, "timelock-delay", settings.TimelockDelay, "time between queueing a passed proposal and executing it")
	fs.DurationVar(&settings.LateQuorumExtension, "late-quorum-extension", settings.LateQuorumExtension, "how long a vote stays open after quorum is reached late")
	fs.UintVar(&quorum, "quorum-percent", uint(settings.QuorumPercent), "share of the supply (For + Abstain) a proposal needs, in percent")
	fs.StringVar(&threshold, "proposal-threshold", "0", "voting power needed to propose, in tokens (base units with --base-units)")
	fs.StringVar(&minReward, "min-reward", "0", minRewardUsage)
	fs.BoolVar(&baseUnits, "base-units", false, "amounts are base units (10^-18 token), not tokens")
	fs.BoolVar(&asJSON, "json", false, "print the community as JSON")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if id == "" || name == "" || symbol == "" {
		return usageError(fs, "--id, --name and --symbol are required")
	}
	if quorum > 100 {
		quorum = 101 // refused below with the other fields
	}
	settings.QuorumPercent = uint8(quorum)
	th, err := guildhall.ParseAmount("proposal_threshold", threshold, baseUnits)
	if err != nil {
		return err
	}
	settings.ProposalThreshold = th
	minAmount, err := guildhall.ParseAmount("min_reward", minReward, baseUnits)
	if err != nil {
		return err
	}
	// Check everything a user typed before touching the database or the chain.
	if err := guildhall.ValidateNewCommunity(id, name, symbol, settings); err != nil {
		return err
	}

	log := c.logger(e)
	db, _, err := c.openDatabase(ctx, log, true)
	if err != nil {
		return err
	}
	defer db.Close()
	cc, err := c.openChain(ctx, e, log, devChainOptions{httpAddr: "127.0.0.1:0"}, true)
	if err != nil {
		return err
	}
	defer cc.Close()
	if err := bindChain(ctx, db, cc); err != nil {
		return err
	}
	com, err := createCommunity(ctx, log, db, cc, id, name, symbol, settings)
	if err != nil {
		return err
	}
	if minAmount.Sign() > 0 {
		if com, err = postgres.NewCommunityStore(db).SetMinReward(ctx, com.ID, minAmount); err != nil {
			return err
		}
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(communityJSON(com))
	}
	fmt.Fprintf(e.stdout, "created community %q (%s, %s) on chain %d at block %d\n  token     %s\n  governor  %s\n  timelock  %s\n",
		com.ID, com.Name, com.Symbol, com.ChainID, com.DeploymentBlock, com.TokenAddress, com.GovernorAddress, com.TimelockAddress)
	return nil
}

// createCommunity deploys a community's contracts from the operator key and records it. The id is
// checked first so a taken id costs no deployment.
//
// The deployment goes through the operator's persistent sender, so its nonces come from the same
// table as every mint and relay of a running serve. A deployment recorded by an earlier run that
// did not finish (a crash, Ctrl-C) resumes: the same id and settings find its transactions.
func createCommunity(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn,
	id, name, symbol string, settings guildhall.GovernanceSettings) (*guildhall.Community, error) {
	if err := guildhall.ValidateNewCommunity(id, name, symbol, settings); err != nil {
		return nil, err
	}
	communities := postgres.NewCommunityStore(db)
	if _, err := communities.Community(ctx, id); err == nil {
		return nil, guildhall.Errorf(guildhall.ECONFLICT, "community %q already exists; choose another --id", id)
	} else if guildhall.ErrorCode(err) != guildhall.ENOTFOUND {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	sender, stop, err := followOperatorTxs(ctx, log, db, cc)
	if err != nil {
		return nil, err
	}
	defer stop()
	deployer := chain.Deployer{Client: cc.client, Key: cc.operator, Sender: sender, Logger: log.With("component", "deployer")}
	dep, err := deployer.Deploy(ctx, chain.CommunitySpec{ID: id, Name: name, Symbol: symbol, Settings: settings, Operator: deployer.Address()})
	if err != nil {
		return nil, fmt.Errorf("deploy community %q: %w", id, err)
	}
	com := &guildhall.Community{
		ID: id, Name: name, Symbol: symbol, ChainID: cc.identity.ChainID,
		TokenAddress: dep.Token.Hex(), GovernorAddress: dep.Governor.Hex(), TimelockAddress: dep.Timelock.Hex(),
		DeploymentBlock: dep.Block, DeploymentTx: dep.TxHash.Hex(), Settings: settings,
	}
	if err := communities.CreateCommunity(ctx, com); err != nil {
		return nil, err
	}
	log.Info("community created", "id", id, "token", com.TokenAddress, "governor", com.GovernorAddress, "timelock", com.TimelockAddress)
	return com, nil
}

// minRewardUsage is the help of --min-reward.
const minRewardUsage = "the smallest reward the community mints, in tokens (base units with --base-units); smaller ones are refused (0: any)"

// runCommunityUpdate changes a recorded community's operator settings: its minimum reward.
func runCommunityUpdate(ctx context.Context, args []string, e *env) error {
	var (
		c             commonFlags
		id, minReward string
		baseUnits     bool
		asJSON        bool
	)
	fs := newFlagSet(e, "community update", "community update --id SLUG --min-reward AMOUNT [flags]")
	c.register(fs, false)
	fs.StringVar(&id, "id", "", "the community to update (required)")
	fs.StringVar(&minReward, "min-reward", "", minRewardUsage+" (required)")
	fs.BoolVar(&baseUnits, "base-units", false, "amounts are base units (10^-18 token), not tokens")
	fs.BoolVar(&asJSON, "json", false, "print the community as JSON")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if id == "" || minReward == "" {
		return usageError(fs, "--id and --min-reward are required")
	}
	amount, err := guildhall.ParseAmount("min_reward", minReward, baseUnits)
	if err != nil {
		return err
	}
	db, _, err := c.openDatabase(ctx, c.logger(e), true)
	if err != nil {
		return err
	}
	defer db.Close()
	com, err := postgres.NewCommunityStore(db).SetMinReward(ctx, id, amount)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(communityJSON(com))
	}
	fmt.Fprintf(e.stdout, "community %q: rewards below %s base units are refused from now on\n", com.ID, bigString(com.MinReward))
	return nil
}

// bigString is v in decimal, "0" for nil.
func bigString(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

// followOperatorTxs returns the operator's sender for a command that sends a few transactions and
// waits for them. Its Run follows them while this process holds the minter's lock: when no serve
// leads (one that does follows them itself), or once it stops leading. stop ends that.
func followOperatorTxs(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn) (sender *chain.Sender, stop func(), err error) {
	sender, err = newOperatorSender(ctx, log, db, cc, chain.Finality{Depth: defaultFinalityDepth(cc)})
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = lead(ctx, log, jobMinter, db.LockMinter, sender.Run)
	}()
	return sender, func() { cancel(); <-done }, nil
}

// defaultFinalityDepth is how many blocks make a transaction final unless --finality says
// otherwise: 2 on the dev chain, 64 elsewhere.
func defaultFinalityDepth(cc *chainConn) uint64 {
	if cc.devMode {
		return 2
	}
	return 64
}

func runCommunityList(ctx context.Context, args []string, e *env) error {
	var (
		c      commonFlags
		asJSON bool
	)
	fs := newFlagSet(e, "community list", "community list [flags]")
	c.register(fs, false)
	fs.BoolVar(&asJSON, "json", false, "print JSON lines, one community each")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	log := c.logger(e)
	db, _, err := c.openDatabase(ctx, log, true)
	if err != nil {
		return err
	}
	defer db.Close()
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if !asJSON {
		fmt.Fprintln(tw, "ID\tNAME\tSYMBOL\tCHAIN\tTOKEN\tGOVERNOR\tTIMELOCK\tBLOCK")
	}
	after := ""
	for {
		page, err := postgres.NewCommunityStore(db).Communities(ctx, after, 500)
		if err != nil {
			return err
		}
		for _, com := range page {
			if asJSON {
				if err := json.NewEncoder(e.stdout).Encode(communityJSON(com)); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%d\n", com.ID, com.Name, com.Symbol, com.ChainID,
				com.TokenAddress, com.GovernorAddress, com.TimelockAddress, com.DeploymentBlock)
		}
		if len(page) < 500 {
			break
		}
		after = page[len(page)-1].ID
	}
	return tw.Flush()
}

func communityJSON(c *guildhall.Community) map[string]any {
	return map[string]any{
		"id": c.ID, "name": c.Name, "symbol": c.Symbol, "chain_id": c.ChainID,
		"token": c.TokenAddress, "governor": c.GovernorAddress, "timelock": c.TimelockAddress,
		"deployment_block": c.DeploymentBlock, "deployment_tx": c.DeploymentTx, "min_reward": bigString(c.MinReward),
	}
}
