package demo

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/rewards"
)

// Clock is the dev chain's own clock (chain.DevChain): behind the wall clock while the history is
// laid down, moved forward day by day, and caught up at the end.
type Clock interface {
	Behind() bool
	Now() time.Time
	AdvanceTo(ctx context.Context, t time.Time) error
	CatchUp(ctx context.Context) error
}

// Config is what Seed works with.
type Config struct {
	// Community is the demo community, deployed at the chain's clock (the history's first day).
	Community *guildhall.Community
	// Rewards is the reward ledger: the demo's issuers, rules and rewards are recorded through it,
	// each reward dated at the chain's clock; the running minter mints them.
	Rewards rewards.Store
	Client  Client
	Clock   Clock
	// Faucet pays the generated members' gas (a funded dev account that sends nothing else).
	Faucet *ecdsa.PrivateKey
	// DevKeys are dev accounts that become members, so whoever holds their printed keys can
	// vote on the open proposal.
	DevKeys []*ecdsa.PrivateKey
	Logger  *slog.Logger
	// AfterDay, when set, runs after each day of history is laid down, with the chain's clock
	// still on that day's afternoon: where recognition (seasons that end within the history,
	// levels and badges decided as the days pass) hooks into the demo.
	AfterDay func(ctx context.Context, day time.Time) error
}

// Summary is what Seed laid down.
type Summary struct {
	Members, Rewards, Transfers, Delegations, Votes, Proposals int
	// Referred is how many members joined naming a referrer, and ReferralsPaid how many of
	// their referrers the referral rule has rewarded (each once).
	Referred, ReferralsPaid int
	// Open is the proposal still open for votes, and Voter a dev account with voting power on it
	// that has not voted.
	Open  *big.Int
	Voter string
	Took  time.Duration
}

// seeder plays the plan day by day.
type seeder struct {
	cfg      Config
	plan     *plan
	rng      *rand.Rand
	tx       *txs
	token    common.Address
	governor common.Address
	issuers  [2]*rewards.Issuer
	supply   *big.Int // what the token's total supply is once every reward so far is minted
	balance  map[*member]*big.Int
	since    map[*member]int      // the day a member first held tokens
	earned   map[*member]*big.Int // what the ledger has rewarded a referred member so far
	paid     map[*member]bool     // referred members whose referrer has been rewarded
	props    []*liveProposal
	sum      Summary
}

var (
	tokenABI    = guildtoken.NewGuildToken()
	governorABI = guildgovernor.NewGuildGovernor()
)

// Seed lays down the demo's history on a chain whose clock is behind the wall clock, from the
// chain's clock (the first day, where the community was deployed) to yesterday, then catches the
// chain up with the wall clock. It logs its progress.
func Seed(ctx context.Context, cfg Config) (*Summary, error) {
	began := time.Now()
	if !cfg.Clock.Behind() {
		return nil, guildhall.Errorf(guildhall.ECONFLICT, "the demo's history needs a new dev chain that starts in the past (a fresh --data-dir)")
	}
	chainID, err := cfg.Client.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	s := &seeder{
		cfg: cfg, plan: newPlan(Start(cfg.Clock.Now().AddDate(0, 0, HistoryDays)), cfg.DevKeys),
		rng:   rand.New(rand.NewPCG(7, 2026)),
		tx:    &txs{client: cfg.Client, chainID: chainID, nonces: map[common.Address]uint64{}},
		token: common.HexToAddress(cfg.Community.TokenAddress), governor: common.HexToAddress(cfg.Community.GovernorAddress),
		supply: new(big.Int), balance: map[*member]*big.Int{}, since: map[*member]int{},
		earned: map[*member]*big.Int{}, paid: map[*member]bool{},
	}
	if err := s.setUp(ctx); err != nil {
		return nil, err
	}
	for d := range HistoryDays {
		if err := s.playDay(ctx, d); err != nil {
			return nil, fmt.Errorf("demo history, day %d (%s): %w", d, s.plan.day(d).Format(time.DateOnly), err)
		}
		if cfg.AfterDay != nil {
			if err := cfg.AfterDay(ctx, s.plan.day(d)); err != nil {
				return nil, fmt.Errorf("demo history, day %d (%s): %w", d, s.plan.day(d).Format(time.DateOnly), err)
			}
		}
		if d%30 == 29 || d == HistoryDays-1 {
			cfg.Logger.Info("demo: laying down history", "day", d+1, "of", HistoryDays, "date", s.plan.day(d).Format(time.DateOnly),
				"members", len(s.balance), "rewards", s.sum.Rewards, "proposals", s.sum.Proposals, "elapsed", time.Since(began).Round(time.Millisecond))
		}
	}
	if err := cfg.Clock.CatchUp(ctx); err != nil {
		return nil, err
	}
	s.sum.Members, s.sum.Took = len(s.balance), time.Since(began)
	return &s.sum, nil
}

// setUp records the two issuers and their rules (the first issuer also writes, and pays, the
// referral rule), and funds the generated members' gas.
func (s *seeder) setUp(ctx context.Context) error {
	cid := s.cfg.Community.ID
	for k, ip := range issuers {
		iss := &rewards.Issuer{CommunityID: cid, Name: ip.name, Budget: tokens(10_000_000)}
		// The key is not kept: `guildhall issuer rotate` gives the operator one.
		if err := s.cfg.Rewards.CreateIssuer(ctx, iss, rewards.NewAPIKey()); err != nil {
			return fmt.Errorf("demo issuer %q: %w", ip.name, err)
		}
		s.issuers[k] = iss
		for _, a := range ip.activities {
			if err := s.cfg.Rewards.PutRule(ctx, &rewards.Rule{CommunityID: cid, Activity: a.name, Amount: tokens(a.tokens), Kind: rewards.KindActivity, IssuerID: iss.ID}); err != nil {
				return fmt.Errorf("demo rule %q: %w", a.name, err)
			}
		}
	}
	referral := &rewards.Rule{CommunityID: cid, Activity: referralActivity, Amount: tokens(ReferralTokens),
		Kind: rewards.KindReferral, QualifyAfterEarned: tokens(QualifyTokens), IssuerID: s.issuers[0].ID}
	if err := s.cfg.Rewards.PutRule(ctx, referral); err != nil {
		return fmt.Errorf("demo referral rule: %w", err)
	}
	gas := new(big.Int).Div(big.NewInt(params.Ether), big.NewInt(10))
	for _, m := range s.plan.members[:GeneratedMembers] {
		if err := s.tx.send(ctx, s.cfg.Faucet, m.addr, nil, gas, "fund "+m.label); err != nil {
			return err
		}
	}
	return s.tx.settle(ctx)
}

// playDay lays down day d: the rewards of the morning (minted before noon), the proposal of
// midday, and the members' transactions of the afternoon.
func (s *seeder) playDay(ctx context.Context, d int) error {
	if err := s.advance(ctx, d, 10*time.Hour+time.Duration(s.rng.IntN(3600))*time.Second); err != nil {
		return err
	}
	if err := s.rewardDay(ctx, d); err != nil {
		return err
	}
	if err := s.proposeDay(ctx, d); err != nil {
		return err
	}
	if err := s.advance(ctx, d, 16*time.Hour); err != nil {
		return err
	}
	s.delegateDay(ctx, d)
	s.transferDay(ctx, d)
	if err := s.governDay(ctx, d); err != nil {
		return err
	}
	return s.tx.settle(ctx)
}

// advance moves the chain's clock to day d at the time of day at, when it is not past that yet.
func (s *seeder) advance(ctx context.Context, d int, at time.Duration) error {
	t := s.plan.day(d).Add(at)
	if !t.After(s.cfg.Clock.Now()) {
		return nil
	}
	return s.cfg.Clock.AdvanceTo(ctx, t)
}

// rewardDay records day d's rewards in the ledger, one request per issuer dated at the chain's
// clock, and waits until the minter has minted them.
func (s *seeder) rewardDay(ctx context.Context, d int) error {
	planned := s.plan.rewardsOn(s.rng, d)
	now := s.cfg.Clock.Now()
	for k, iss := range s.issuers {
		var items []rewards.Request
		for _, r := range planned {
			if r.issuer == k {
				items = append(items, s.request(r, d, len(items)))
			}
		}
		if len(items) == 0 {
			continue
		}
		key := fmt.Sprintf("demo-day-%d-issuer-%d", d, k)
		hash := sha256.Sum256([]byte(key))
		if _, err := s.cfg.Rewards.Accept(ctx, rewards.AcceptInput{
			Issuer: iss, IdempotencyKey: key, RequestHash: hash[:], Items: items, Batch: true, Now: now,
			Render: func(rs []*rewards.Reward) ([]byte, error) { return fmt.Appendf(nil, `{"accepted":%d}`, len(rs)), nil },
		}); err != nil {
			return fmt.Errorf("accept rewards of %s: %w", iss.Name, err)
		}
	}
	for _, r := range planned {
		amount := tokens(r.activity.tokens)
		s.credit(r.m, amount, d)
		s.supply.Add(s.supply, amount)
		s.referralDue(r, amount, d)
	}
	s.sum.Rewards += len(planned)
	return s.waitMinted(ctx)
}

// request is planned reward r as item k of day d's request: a referred member's first reward
// names its referrer.
func (s *seeder) request(r reward, d, k int) rewards.Request {
	req := rewards.Request{Wallet: r.m.addr.Hex(), Activity: r.activity.name, Reference: fmt.Sprintf("demo %d-%d", d, k)}
	if r.m.referrer != nil && d == r.m.join {
		req.Referrer = r.m.referrer.addr.Hex()
		s.sum.Referred++
	}
	return req
}

// referralDue follows what the referral rule pays once r (of amount, accepted on day d) is in
// the ledger: when r's member was referred and its earnings reach the threshold for the first
// time, its referrer is rewarded, minted with the day's rewards.
func (s *seeder) referralDue(r reward, amount *big.Int, d int) {
	if r.m.referrer == nil || s.paid[r.m] {
		return
	}
	if s.earned[r.m] == nil {
		s.earned[r.m] = new(big.Int)
	}
	if s.earned[r.m].Add(s.earned[r.m], amount).Cmp(tokens(QualifyTokens)) < 0 {
		return
	}
	s.paid[r.m] = true
	s.credit(r.m.referrer, tokens(ReferralTokens), d)
	s.supply.Add(s.supply, tokens(ReferralTokens))
	s.sum.ReferralsPaid++
}

// credit adds amount to m's balance as the demo tracks it (to pick who can send or vote).
func (s *seeder) credit(m *member, amount *big.Int, d int) {
	if _, ok := s.balance[m]; !ok {
		s.balance[m], s.since[m] = new(big.Int), d
	}
	s.balance[m].Add(s.balance[m], amount)
}

// waitMinted waits until the token's total supply is all the rewards accepted (and grants
// executed) so far: the minter has minted every reward, at the chain's clock.
func (s *seeder) waitMinted(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for {
		out, err := s.tx.call(ctx, s.token, tokenABI.PackTotalSupply())
		if err != nil {
			return err
		}
		supply, err := tokenABI.UnpackTotalSupply(out)
		if err != nil {
			return err
		}
		if supply.Cmp(s.supply) >= 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the minter has not minted the rewards within a minute (supply %s of %s)", supply, s.supply)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
