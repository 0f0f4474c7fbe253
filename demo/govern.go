package demo

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/governance/govchain"
)

// Vote supports, as the governor counts them.
const (
	against uint8 = 0
	inFavor uint8 = 1
	abstain uint8 = 2
)

// governorSucceeded is the governor's state() of a proposal that passed and is not queued yet.
const governorSucceeded = 4

// liveProposal is a planned proposal once it is on chain.
type liveProposal struct {
	proposalPlan
	created  int
	id       *big.Int
	plan     *govchain.Plan
	proposer *member
	grantee  *member
	ballots  map[int][]ballot // by the day they are cast
	passed   bool
}

type ballot struct {
	m       *member
	support uint8
	reason  string
}

var reasons = map[uint8][]string{
	inFavor: {"", "", "Good use of the budget.", "The hosts have earned it.", "Yes: this brings newcomers in."},
	against: {"", "", "Too expensive for now.", "I would rather fund tools first."},
	abstain: {"", "No strong opinion."},
}

// proposeDay opens the proposal planned for day d, at midday, and plans its ballots; opened
// reports whether there was one. Every reward so far is minted first, so the proposer's votes
// and the snapshot's supply hold them.
func (s *seeder) proposeDay(ctx context.Context, d int) (opened bool, err error) {
	for _, pp := range proposals {
		if HistoryDays-pp.ago != d {
			continue
		}
		if err := s.waitMinted(ctx); err != nil {
			return false, err
		}
		if err := s.advance(ctx, d, 12*time.Hour); err != nil {
			return false, err
		}
		p := &liveProposal{proposalPlan: pp, created: d, proposer: s.pickProposer(d), grantee: s.pickHolder(d, new(big.Int)), ballots: map[int][]ballot{}}
		if p.grantee == nil {
			p.grantee = s.plan.active
		}
		plan, err := govchain.BuildPlan(govchain.ContractsOf(s.cfg.Community), p.description(), p.actions())
		if err != nil {
			return false, err
		}
		p.plan = plan
		if p.id, err = s.proposalID(ctx, plan); err != nil {
			return false, err
		}
		data := governorABI.PackPropose(plan.Targets, plan.Values, plan.Calldatas, plan.Description)
		if err := s.tx.send(ctx, p.proposer.key, s.governor, data, nil, p.proposer.label+" proposes "+pp.title); err != nil {
			return false, err
		}
		s.planBallots(p)
		s.props = append(s.props, p)
		s.sum.Proposals++
		opened = true
		if pp.outcome == stillOpen {
			s.sum.Open = p.id
			s.sum.Voter = s.plan.members[GeneratedMembers].addr.Hex()
		}
	}
	return opened, s.tx.settle(ctx)
}

func (p *liveProposal) description() string {
	what := "It changes a governor setting through the timelock."
	if p.grant {
		what = "It mints a grant of 250 GUILD to a member through the timelock."
	}
	return fmt.Sprintf("# %s\n\n%s\n\n_Demo data: this proposal is part of the history `guildhall serve` generates for the demo community._", p.title, what)
}

func (p *liveProposal) actions() []govchain.ActionSpec {
	if p.grant {
		return []govchain.ActionSpec{{Kind: "mint", To: p.grantee.addr.Hex(), Amount: tokens(250).String()}}
	}
	return []govchain.ActionSpec{{Kind: "setting", Name: "proposal_threshold", Value: tokens(10).String()}}
}

// proposalID asks the governor for the id of a plan.
func (s *seeder) proposalID(ctx context.Context, plan *govchain.Plan) (*big.Int, error) {
	descHash := crypto.Keccak256Hash([]byte(plan.Description))
	out, err := s.tx.call(ctx, s.governor, governorABI.PackHashProposal(plan.Targets, plan.Values, plan.Calldatas, descHash))
	if err != nil {
		return nil, err
	}
	return governorABI.UnpackHashProposal(out)
}

// pickProposer picks the active delegate or, every other time, a core member with tokens of their own.
func (s *seeder) pickProposer(d int) *member {
	if s.rng.IntN(2) == 0 {
		for range 20 {
			m := s.pickHolder(d, tokens(200))
			if m != nil && m.profile == core && m.delegate == nil {
				return m
			}
		}
	}
	return s.plan.active
}

// planBallots chooses who votes on p, how, and on which day: the active delegate on all but the
// proposals that miss quorum, the ghost delegate on the first three only, and a share of the
// members who held votes of their own at the snapshot.
func (s *seeder) planBallots(p *liveProposal) {
	lean := inFavor
	if p.outcome == defeated {
		lean = against
	}
	cast := func(m *member, support uint8) {
		day := p.created + 1 + s.rng.IntN(3)
		if p.outcome == stillOpen {
			day = p.created
		}
		rs := reasons[support]
		p.ballots[day] = append(p.ballots[day], ballot{m: m, support: support, reason: rs[s.rng.IntN(len(rs))]})
	}
	if p.outcome != noQuorum {
		cast(s.plan.active, lean)
	}
	if len(s.props) < 3 {
		cast(s.plan.ghost, lean)
	}
	share, most := 0.3, 40
	switch p.outcome {
	case noQuorum:
		share, most = 0.3, 2
	case stillOpen:
		share, most = 0.15, 12
	}
	n := 0
	for _, m := range s.plan.members[2:] {
		since, holds := s.since[m]
		if !holds || since > p.created || m.neverVotes || (m.delegate != nil && m.delegateDay < p.created) || n >= most || s.rng.Float64() > share {
			continue
		}
		if p.outcome == noQuorum && s.balance[m].Cmp(tokens(100)) > 0 {
			continue
		}
		support := lean
		switch r := s.rng.Float64(); {
		case r < 0.15:
			support = 1 - lean
		case r < 0.25:
			support = abstain
		}
		cast(m, support)
		n++
	}
}

// governDay casts the ballots of day d and queues and executes what is due.
func (s *seeder) governDay(ctx context.Context, d int) error {
	for _, p := range s.props {
		for _, b := range p.ballots[d] {
			data := governorABI.PackCastVote(p.id, b.support)
			if b.reason != "" {
				data = governorABI.PackCastVoteWithReason(p.id, b.support, b.reason)
			}
			if err := s.tx.send(ctx, b.m.key, s.governor, data, nil, fmt.Sprintf("%s votes on %q", b.m.label, p.title)); err != nil {
				return err
			}
			s.sum.Votes++
		}
		switch {
		case d == p.created+6 && (p.outcome == executed || p.outcome == queued):
			if err := s.queue(ctx, p); err != nil {
				return err
			}
		case d == p.created+8 && p.outcome == executed && p.passed:
			if err := s.execute(ctx, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// queue queues p when it passed; a proposal that did not is logged and left as it ended.
func (s *seeder) queue(ctx context.Context, p *liveProposal) error {
	out, err := s.tx.call(ctx, s.governor, governorABI.PackState(p.id))
	if err != nil {
		return err
	}
	if state, err := governorABI.UnpackState(out); err != nil || state != governorSucceeded {
		s.cfg.Logger.Warn("demo: a proposal planned to pass did not", "title", p.title, "state", state, "err", err)
		return nil
	}
	p.passed = true
	descHash := crypto.Keccak256Hash([]byte(p.plan.Description))
	return s.tx.send(ctx, p.proposer.key, s.governor, governorABI.PackQueue(p.plan.Targets, p.plan.Values, p.plan.Calldatas, descHash), nil, "queue "+p.title)
}

// execute executes p through the timelock; a grant mints to its member.
func (s *seeder) execute(ctx context.Context, p *liveProposal) error {
	descHash := crypto.Keccak256Hash([]byte(p.plan.Description))
	if err := s.tx.send(ctx, p.proposer.key, s.governor, governorABI.PackExecute(p.plan.Targets, p.plan.Values, p.plan.Calldatas, descHash), nil, "execute "+p.title); err != nil {
		return err
	}
	if p.grant {
		s.credit(p.grantee, tokens(250), p.created+8)
	}
	return nil
}
