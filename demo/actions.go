package demo

import (
	"context"
	"math/big"
)

// delegateDay sends the delegations planned for day d. A failed send is left out of the history
// (logged), not fatal: the rest of the demo does not depend on it.
func (s *seeder) delegateDay(ctx context.Context, d int) {
	for _, m := range s.plan.members {
		if m.delegate == nil || m.delegateDay != d {
			continue
		}
		if err := s.tx.send(ctx, m.key, s.token, tokenABI.PackDelegate(m.delegate.addr), nil, m.label+" delegates to "+m.delegate.label); err != nil {
			s.cfg.Logger.Warn("demo: delegation left out", "err", err)
			m.delegate = nil
			continue
		}
		s.sum.Delegations++
	}
}

// transferDay sends, on most days, a few tokens from one holder to another member: a thank-you
// between members, which is chain activity of the sender. It waits for the minter first when
// the sender's tokens may not all be minted yet.
func (s *seeder) transferDay(ctx context.Context, d int) error {
	if s.rng.Float64() > 0.6 {
		return nil
	}
	from, to := s.pickHolder(d, tokens(40)), s.pickHolder(d, new(big.Int))
	if from == nil || to == nil || from == to {
		return nil
	}
	amount := tokens(int64(5 + s.rng.IntN(11)))
	if err := s.holdOnChain(ctx, from, amount); err != nil {
		return err
	}
	if err := s.tx.send(ctx, from.key, s.token, tokenABI.PackTransfer(to.addr, amount), nil, from.label+" thanks "+to.label); err != nil {
		s.cfg.Logger.Warn("demo: transfer left out", "err", err)
		return nil
	}
	s.balance[from].Sub(s.balance[from], amount)
	s.balance[to].Add(s.balance[to], amount)
	s.sum.Transfers++
	return nil
}

// pickHolder picks a random member still active on day d holding more than least, or nil.
func (s *seeder) pickHolder(d int, least *big.Int) *member {
	for range 20 {
		m := s.plan.members[s.rng.IntN(len(s.plan.members))]
		if b, ok := s.balance[m]; ok && m.active(d) && b.Cmp(least) > 0 && !m.neverVotes {
			return m
		}
	}
	return nil
}
