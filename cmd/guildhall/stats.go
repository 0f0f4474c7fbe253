package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/postgres"
)

const statsUsage = "Usage: guildhall stats verify --community ID [flags]\n\n" +
	"  verify  recompute a community's chain-side health figures (holders, concentration, delegates,\n" +
	"          governance participation) from raw eth_getLogs and contract reads at the block the\n" +
	"          indexed figures name, compare them with what the index serves, and exit 1 if any differs\n\n" +
	"Run `guildhall stats verify --help` for flags.\n"

func runStats(ctx context.Context, args []string, e *env) error {
	if done, err := subcommand(args, e, "stats", statsUsage, "verify"); done {
		return err
	}
	var (
		c                   commonFlags
		community, operator string
		logRange            uint64
	)
	fs := newFlagSet(e, "stats verify", "stats verify --community ID [flags]")
	c.register(fs, true)
	fs.StringVar(&community, "community", "", "the community to verify (required)")
	fs.StringVar(&operator, "operator", "", "the operator's address, left out of every figure (default: the operator key's: dev account 0 on the dev chain, else GUILDHALL_OPERATOR_KEY or --operator-keystore)")
	fs.Uint64Var(&logRange, "log-range", 2000, "blocks per eth_getLogs request (halved while the node refuses one)")
	if err := c.parse(fs, args[1:], e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if community == "" {
		return usageError(fs, "--community is required")
	}
	if logRange == 0 {
		return usageError(fs, "--log-range must be at least 1")
	}
	if operator != "" && (!common.IsHexAddress(operator) || !strings.HasPrefix(strings.ToLower(operator), "0x")) {
		return usageError(fs, "--operator must be a 0x-prefixed 20-byte hex address, not %q", operator)
	}
	log := c.logger(e)
	db, com, err := openCommunity(ctx, &c, log, community)
	if err != nil {
		return err
	}
	defer db.Close()
	cc, err := c.openChain(ctx, e, log, devChainOptions{httpAddr: "127.0.0.1:0"}, operator == "" && c.rpcURL != "")
	if err != nil {
		return err
	}
	defer cc.Close()
	if err := bindChain(ctx, db, cc); err != nil {
		return err
	}
	if operator == "" {
		operator = crypto.PubkeyToAddress(cc.operator.PublicKey).Hex()
	}
	v := &verifier{store: postgres.NewHealthStore(db), client: cc.client, com: com, logRange: logRange, out: e.stdout,
		scope:    health.Scope{Community: community, Operator: common.HexToAddress(operator).Hex()},
		progress: &progress{w: e.stderr, every: 2 * time.Second}}
	return v.run(ctx)
}

// verifier recomputes one community's chain-side figures and compares them with the index's.
type verifier struct {
	store    *postgres.HealthStore
	client   chain.Client
	com      *guildhall.Community
	scope    health.Scope
	logRange uint64
	out      io.Writer
	progress *progress
}

// progress writes progress lines on long work, at most one per interval unless forced.
type progress struct {
	w     io.Writer
	every time.Duration
	last  time.Time
}

func (p *progress) say(force bool, format string, args ...any) {
	if !force && time.Since(p.last) < p.every {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "stats verify: "+format+"\n", args...)
}

func (v *verifier) run(ctx context.Context) error {
	indexed, asOf, err := v.readIndexed(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(v.out, "community %q at block %d (%s, %s UTC)\n", v.com.ID, asOf.Number, asOf.Hash,
		time.Unix(int64(asOf.Time), 0).UTC().Format(time.DateTime))
	if err := v.checkCanonical(ctx, asOf); err != nil {
		return err
	}
	excluded, err := v.excluded(ctx)
	if err != nil {
		return err
	}
	onChain, err := v.recompute(ctx, asOf, excluded)
	if err != nil {
		return err
	}
	// The reads ran by block number: the block must still be the one the index names.
	if err := v.checkCanonical(ctx, asOf); err != nil {
		return err
	}
	figures, differs := compareFigures(v.out, indexed.flatten(), onChain.flatten())
	fmt.Fprintf(v.out, "%d figures compared at block %d: %d ok, %d differ\n", figures, asOf.Number, figures-len(differs), len(differs))
	if len(differs) > 0 {
		named := strings.Join(differs[:min(len(differs), 10)], "; ")
		if len(differs) > 10 {
			named += fmt.Sprintf("; and %d more (listed above)", len(differs)-10)
		}
		return fmt.Errorf("%d of %d figures differ between the index and the chain at block %d: %s",
			len(differs), figures, asOf.Number, named)
	}
	return nil
}

// checkCanonical checks that the chain's block at asOf's height is the one the index names.
func (v *verifier) checkCanonical(ctx context.Context, asOf guildhall.AsOf) error {
	h, err := v.client.HeaderByNumber(ctx, new(big.Int).SetUint64(asOf.Number))
	if err != nil {
		return fmt.Errorf("read block %d: %w", asOf.Number, err)
	}
	if !strings.EqualFold(h.Hash().Hex(), asOf.Hash) {
		return guildhall.Errorf(guildhall.ECONFLICT, "the chain's block %d is %s, not %s as the index says: a reorg the indexer has not caught up with yet, or another chain; try again",
			asOf.Number, h.Hash().Hex(), asOf.Hash)
	}
	return nil
}

// excluded returns the accounts left out of every figure: the zero address, the community's
// contracts, the operator and the staff.
func (v *verifier) excluded(ctx context.Context) (map[common.Address]bool, error) {
	out := map[common.Address]bool{{}: true, common.HexToAddress(v.scope.Operator): true,
		common.HexToAddress(v.com.TokenAddress): true, common.HexToAddress(v.com.GovernorAddress): true,
		common.HexToAddress(v.com.TimelockAddress): true}
	staff, err := v.store.Staff(ctx, v.com.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range staff {
		out[common.HexToAddress(s.Address)] = true
	}
	return out, nil
}

// verifyFigures are the chain-side figures, as the index serves them or as recomputed.
type verifyFigures struct {
	Holders         int
	Balance, Power  health.Concentration
	MinForQuorum    *int
	Delegates       []health.DelegateRecord
	DelegatesActive int
	DormantShare    *float64
	Proposals       []health.ProposalStats // newest first
}

// readIndexed reads the figures the index serves, all at one as_of: reads that straddle a new
// indexed block are read again.
func (v *verifier) readIndexed(ctx context.Context) (*verifyFigures, guildhall.AsOf, error) {
	for attempt := 0; attempt < 5; attempt++ {
		f, metas, err := v.readIndexedOnce(ctx)
		if err != nil {
			return nil, guildhall.AsOf{}, err
		}
		same := true
		for _, m := range metas {
			same = same && m.AsOf == metas[0].AsOf
		}
		if same {
			return f, metas[0].AsOf, nil
		}
		v.progress.say(true, "the index moved to a new block while being read; reading it again")
	}
	return nil, guildhall.AsOf{}, guildhall.Errorf(guildhall.EUNAVAILABLE,
		"the index kept moving while its figures were read; try again (or stop the indexer for the check)")
}

func (v *verifier) readIndexedOnce(ctx context.Context) (*verifyFigures, []health.Meta, error) {
	ov, err := v.store.Overview(ctx, v.scope)
	if err != nil {
		return nil, nil, err
	}
	bal, err := v.store.Concentration(ctx, v.scope, "balance")
	if err != nil {
		return nil, nil, err
	}
	pow, err := v.store.Concentration(ctx, v.scope, "voting_power")
	if err != nil {
		return nil, nil, err
	}
	gov, err := v.store.Governance(ctx, v.scope, math.MaxInt32)
	if err != nil {
		return nil, nil, err
	}
	f := &verifyFigures{Holders: ov.Holders, Balance: bal.Concentration, Power: pow.Concentration, MinForQuorum: pow.MinForQuorum,
		DelegatesActive: ov.DelegatesActive, DormantShare: ov.DormantVotingPowerShare, Proposals: gov.Proposals}
	metas := []health.Meta{ov.Meta, bal.Meta, pow.Meta, gov.Meta}
	for offset := 0; ; {
		page, err := v.store.Delegates(ctx, v.scope, "voting_power", 1000, offset)
		if err != nil {
			return nil, nil, err
		}
		f.Delegates = append(f.Delegates, page.Items...)
		metas = append(metas, page.Meta)
		if offset = page.Next; offset == 0 {
			return f, metas, nil
		}
	}
}

// figure is one compared value: a name such as concentration.balance.gini and its value as text.
type figure struct{ name, value string }

// flatten lists f's figures in a fixed order: holders, concentration, delegates by address,
// proposals newest first.
func (f *verifyFigures) flatten() []figure {
	out := []figure{{"holders", strconv.Itoa(f.Holders)}}
	for _, c := range []struct {
		of string
		c  health.Concentration
	}{{"balance", f.Balance}, {"voting_power", f.Power}} {
		p := "concentration." + c.of + "."
		out = append(out, figure{p + "gini", ratioText(c.c.Gini)}, figure{p + "nakamoto", intText(c.c.Nakamoto)},
			figure{p + "top10_share", ratioText(c.c.Top10Share)}, figure{p + "hhi", ratioText(c.c.HHI)},
			figure{p + "accounts", strconv.Itoa(c.c.Accounts)})
	}
	out = append(out, figure{"concentration.voting_power.min_for_quorum", intText(f.MinForQuorum)},
		figure{"delegates.count", strconv.Itoa(len(f.Delegates))}, figure{"delegates_active", strconv.Itoa(f.DelegatesActive)},
		figure{"dormant_voting_power_share", ratioText(f.DormantShare)})
	ds := slices.Clone(f.Delegates)
	slices.SortFunc(ds, func(a, b health.DelegateRecord) int { return strings.Compare(a.Address, b.Address) })
	for _, d := range ds {
		p := "delegates[" + common.HexToAddress(d.Address).Hex() + "]."
		out = append(out, figure{p + "voting_power", d.VotingPower.String()}, figure{p + "delegators", strconv.Itoa(d.Delegators)},
			figure{p + "votes_cast", strconv.Itoa(d.VotesCast)}, figure{p + "eligible_proposals", strconv.Itoa(d.EligibleProposals)},
			figure{p + "participation", ratioText(d.Participation)}, figure{p + "status", statusText(d.Status)})
	}
	out = append(out, figure{"governance.proposals.count", strconv.Itoa(len(f.Proposals))})
	for _, s := range f.Proposals {
		p := "governance.proposals[" + s.ID + "]."
		out = append(out, figure{p + "eligible", intText(s.Eligible)}, figure{p + "voters", intText(s.Voters)},
			figure{p + "participation", ratioText(s.Participation)}, figure{p + "turnout", ratioText(s.Turnout)})
	}
	return out
}

func ratioText(r *float64) string {
	if r == nil {
		return "null"
	}
	return strconv.FormatFloat(*r, 'g', -1, 64)
}

func intText(n *int) string {
	if n == nil {
		return "null"
	}
	return strconv.Itoa(*n)
}

func statusText(s health.DelegateStatus) string {
	if s == "" {
		return "null"
	}
	return string(s)
}

// compareFigures prints one line per figure (ok, or differs with both values), the chain's order
// first and then any only the index has, and returns how many it compared and the differences.
func compareFigures(w io.Writer, indexed, onChain []figure) (n int, differs []string) {
	idx := map[string]string{}
	for _, f := range indexed {
		idx[f.name] = f.value
	}
	seen := map[string]bool{}
	compare := func(name, iv, cv string) {
		n++
		seen[name] = true
		if iv == cv {
			fmt.Fprintf(w, "ok       %s = %s\n", name, cv)
			return
		}
		fmt.Fprintf(w, "differs  %s: indexed %s, chain %s\n", name, iv, cv)
		differs = append(differs, fmt.Sprintf("%s (indexed %s, chain %s)", name, iv, cv))
	}
	for _, f := range onChain {
		iv, ok := idx[f.name]
		if !ok {
			iv = "absent"
		}
		compare(f.name, iv, f.value)
	}
	for _, f := range indexed {
		if !seen[f.name] {
			compare(f.name, f.value, "absent")
		}
	}
	return n, differs
}
