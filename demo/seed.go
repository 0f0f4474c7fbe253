package demo

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"sync"
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
	// still on that day: where recognition (seasons that end within the history,
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
	// Blocks is how many blocks the history took.
	Blocks uint64
	Took   time.Duration
	Spent  Spent
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
	// unminted is what the demo credited each member since the minter was last seen to have
	// minted everything: it may not be on chain yet.
	unminted map[*member]*big.Int
	since    map[*member]int      // the day a member first held tokens
	earned   map[*member]*big.Int // what the ledger has rewarded a referred member so far
	paid     map[*member]bool     // referred members whose referrer has been rewarded
	props    []*liveProposal
	sum      Summary
	// recording answers once the rewards of the last rewardDay are recorded (nil: none are).
	recording chan error
	// lastDay is what the rewards of the last rewardDay add to the supply.
	lastDay *big.Int
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
		supply: new(big.Int), balance: map[*member]*big.Int{}, unminted: map[*member]*big.Int{}, since: map[*member]int{},
		earned: map[*member]*big.Int{}, paid: map[*member]bool{},
	}
	first, err := cfg.Client.BlockNumber(ctx)
	if err != nil {
		return nil, err
	}
	s.tx.spent = &s.sum.Spent
	if err := s.setUp(ctx); err != nil {
		return nil, err
	}
	err = s.history(ctx, began)
	if rerr := s.recorded(); err == nil {
		err = rerr // no request is left being recorded behind Seed's back
	}
	if err != nil {
		return nil, err
	}
	if err := cfg.Clock.CatchUp(ctx); err != nil {
		return nil, err
	}
	last, err := cfg.Client.BlockNumber(ctx)
	if err != nil {
		return nil, err
	}
	s.sum.Members, s.sum.Blocks, s.sum.Took = len(s.balance), last-first, time.Since(began)
	return &s.sum, nil
}

// history plays every day of the plan, with a progress line every 30 days.
func (s *seeder) history(ctx context.Context, began time.Time) error {
	for d := range HistoryDays {
		if err := s.playDay(ctx, d); err != nil {
			return fmt.Errorf("demo history, day %d (%s): %w", d, s.plan.day(d).Format(time.DateOnly), err)
		}
		if err := s.afterDay(ctx, d); err != nil {
			return fmt.Errorf("demo history, day %d (%s): %w", d, s.plan.day(d).Format(time.DateOnly), err)
		}
		if d%30 == 29 || d == HistoryDays-1 {
			s.cfg.Logger.Info("demo: laying down history", "day", d+1, "of", HistoryDays, "date", s.plan.day(d).Format(time.DateOnly),
				"members", len(s.balance), "rewards", s.sum.Rewards, "proposals", s.sum.Proposals, "elapsed", time.Since(began).Round(time.Millisecond))
		}
	}
	return nil
}

// afterDay ends day d: on a day recognition decides from the ledger (evaluatesOn) it waits until
// the day's rewards are recorded, and on the last day until every reward is minted; then it runs
// Config.AfterDay.
func (s *seeder) afterDay(ctx context.Context, d int) error {
	var err error
	switch {
	case d == HistoryDays-1:
		err = s.waitMinted(ctx)
	case evaluatesOn(d):
		err = s.recorded()
	}
	if err != nil {
		return err
	}
	if s.cfg.AfterDay == nil {
		return nil
	}
	defer timed(&s.sum.Spent.Recognition, time.Now())
	return s.cfg.AfterDay(ctx, s.plan.day(d))
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

// playDay lays down day d: the morning's rewards and the members' transactions after them, and on
// a day a proposal is opened, the proposal at midday and the members' transactions in the
// afternoon instead (so votes cast on it that day come after its voting delay). A day is one move
// of the chain's clock (three with a proposal), so the history takes few blocks.
func (s *seeder) playDay(ctx context.Context, d int) error {
	// Yesterday's rewards may still be minted today; everything before them (the grants
	// executed included) is minted before today starts, so every reward is minted on its day or
	// the next.
	if s.lastDay != nil {
		if err := s.waitSupply(ctx, new(big.Int).Sub(s.supply, s.lastDay)); err != nil {
			return err
		}
	}
	if err := s.advance(ctx, d, 10*time.Hour+time.Duration(s.rng.IntN(3600))*time.Second); err != nil {
		return err
	}
	if err := s.rewardDay(ctx, d); err != nil {
		return err
	}
	opened, err := s.proposeDay(ctx, d)
	if err != nil {
		return err
	}
	if opened {
		if err := s.advance(ctx, d, 16*time.Hour); err != nil {
			return err
		}
	}
	s.delegateDay(ctx, d)
	if err := s.transferDay(ctx, d); err != nil {
		return err
	}
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
	defer timed(&s.sum.Spent.Clock, time.Now())
	return s.cfg.Clock.AdvanceTo(ctx, t)
}

// rewardDay records day d's rewards in the ledger, one request per issuer dated at the chain's
// clock (the two issuers' requests at once, as two tills would send them). The requests are
// recorded while the day goes on (one day's at a time: the day before's are waited for first),
// and the demo does not wait for the minter either: the running minter mints them as the ledger
// commits them, on their day or the next (playDay), and the demo waits for all of them only
// where a member acts with tokens it may not hold yet on chain (see unminted), before a
// proposal, and on the last day.
func (s *seeder) rewardDay(ctx context.Context, d int) error {
	planned := s.plan.rewardsOn(s.rng, d)
	var requests [len(issuers)][]rewards.Request
	for _, r := range planned {
		requests[r.issuer] = append(requests[r.issuer], s.request(r, d, len(requests[r.issuer])))
	}
	if err := s.recorded(); err != nil {
		return err
	}
	now := s.cfg.Clock.Now()
	recording := make(chan error, 1)
	s.recording = recording
	go func() {
		var wg sync.WaitGroup
		errs := make([]error, len(issuers))
		for k, items := range requests {
			if len(items) > 0 {
				wg.Go(func() { errs[k] = s.accept(ctx, s.issuers[k], fmt.Sprintf("demo-day-%d-issuer-%d", d, k), items, now) })
			}
		}
		wg.Wait()
		recording <- errors.Join(errs...)
	}()
	before := new(big.Int).Set(s.supply)
	for _, r := range planned {
		amount := tokens(r.activity.tokens)
		s.credit(r.m, amount, d)
		s.referralDue(r, amount, d)
	}
	s.sum.Rewards += len(planned)
	s.lastDay = new(big.Int).Sub(s.supply, before)
	return nil
}

// recorded waits until the rewards being recorded (rewardDay) are in the ledger.
func (s *seeder) recorded() error {
	if s.recording == nil {
		return nil
	}
	defer timed(&s.sum.Spent.Ledger, time.Now())
	err := <-s.recording
	s.recording = nil
	return err
}

// accept records items as one request of iss under key, at now.
func (s *seeder) accept(ctx context.Context, iss *rewards.Issuer, key string, items []rewards.Request, now time.Time) error {
	hash := sha256.Sum256([]byte(key))
	_, err := s.cfg.Rewards.Accept(ctx, rewards.AcceptInput{
		Issuer: iss, IdempotencyKey: key, RequestHash: hash[:], Items: items, Batch: true, Now: now,
		Render: func(rs []*rewards.Reward) ([]byte, error) { return fmt.Appendf(nil, `{"accepted":%d}`, len(rs)), nil },
	})
	if err != nil {
		return fmt.Errorf("accept rewards of %s: %w", iss.Name, err)
	}
	return nil
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
	s.sum.ReferralsPaid++
}

// credit adds amount, newly minted to m, to m's balance as the demo tracks it (to pick who can
// send or vote), to what may not be minted yet and to the supply once everything is minted.
func (s *seeder) credit(m *member, amount *big.Int, d int) {
	s.supply.Add(s.supply, amount)
	if _, ok := s.balance[m]; !ok {
		s.balance[m], s.since[m] = new(big.Int), d
	}
	s.balance[m].Add(s.balance[m], amount)
	if s.unminted[m] == nil {
		s.unminted[m] = new(big.Int)
	}
	s.unminted[m].Add(s.unminted[m], amount)
}

// holdOnChain waits for the minter when m may not hold amount on chain yet: when what the demo
// credited it and is not known to be minted is part of it.
func (s *seeder) holdOnChain(ctx context.Context, m *member, amount *big.Int) error {
	u := s.unminted[m]
	if u == nil || new(big.Int).Sub(s.balance[m], u).Cmp(amount) >= 0 {
		return nil
	}
	return s.waitMinted(ctx)
}

// waitMinted waits until the token's total supply is all the rewards accepted (and grants
// executed) so far: the minter has minted every reward, at the chain's clock.
func (s *seeder) waitMinted(ctx context.Context) error {
	if err := s.recorded(); err != nil {
		return err
	}
	if err := s.waitSupply(ctx, s.supply); err != nil {
		return err
	}
	clear(s.unminted)
	return nil
}

// waitSupply waits until the token's total supply is want at least (counted in Spent when it is
// not yet).
func (s *seeder) waitSupply(ctx context.Context, want *big.Int) error {
	defer timed(&s.sum.Spent.Minter, time.Now())
	deadline := time.Now().Add(time.Minute)
	for waited := false; ; waited = true {
		out, err := s.tx.call(ctx, s.token, tokenABI.PackTotalSupply())
		if err != nil {
			return err
		}
		supply, err := tokenABI.UnpackTotalSupply(out)
		if err != nil {
			return err
		}
		if supply.Cmp(want) >= 0 {
			return nil
		}
		if !waited {
			s.sum.Spent.MinterWaits++
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the minter has not minted the rewards within a minute (supply %s of %s)", supply, want)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
