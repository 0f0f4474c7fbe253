package main

import (
	"context"
	"fmt"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/health"
)

var (
	verifyToken    = guildtoken.NewGuildToken()
	verifyGovernor = guildgovernor.NewGuildGovernor()
)

// chainScan is what the community's raw logs say, from its deployment block to as_of.
type chainScan struct {
	token, governor common.Address
	accounts        map[common.Address]bool // every sender, receiver and delegator
	delegatees      map[common.Address]bool // every address ever delegated to
	proposals       []*scannedProposal      // in creation order
	byID            map[string]*scannedProposal
}

type scannedProposal struct {
	id       *big.Int
	block    uint64
	logIndex uint
	snapshot uint64                      // voteStart: the voting-power timepoint
	votes    map[common.Address]*big.Int // weight by voter
}

// scanLogs reads the token's and the governor's events in [from, to] with ranged eth_getLogs of
// at most v.logRange blocks, halving the range while the node refuses one.
func (v *verifier) scanLogs(ctx context.Context, from, to uint64) (*chainScan, error) {
	s := &chainScan{token: common.HexToAddress(v.com.TokenAddress), governor: common.HexToAddress(v.com.GovernorAddress),
		accounts: map[common.Address]bool{}, delegatees: map[common.Address]bool{}, byID: map[string]*scannedProposal{}}
	topics := [][]common.Hash{nil}
	for _, name := range []string{"Transfer", "DelegateChanged"} {
		topics[0] = append(topics[0], verifyToken.GetABI().Events[name].ID)
	}
	for _, name := range []string{"ProposalCreated", "VoteCast", "VoteCastWithParams"} {
		topics[0] = append(topics[0], verifyGovernor.GetABI().Events[name].ID)
	}
	step := v.logRange
	for lo := from; lo <= to; {
		hi := min(lo+step-1, to)
		logs, err := v.client.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(lo),
			ToBlock: new(big.Int).SetUint64(hi), Addresses: []common.Address{s.token, s.governor}, Topics: topics})
		if err != nil {
			if step > 1 && ctx.Err() == nil {
				step /= 2
				continue
			}
			return nil, fmt.Errorf("eth_getLogs over blocks %d..%d: %w", lo, hi, err)
		}
		for i := range logs {
			if err := s.add(&logs[i]); err != nil {
				return nil, fmt.Errorf("decode the log %d of block %d: %w", logs[i].Index, logs[i].BlockNumber, err)
			}
		}
		v.progress.say(hi == to, "read the logs of blocks %d..%d of %d..%d (%d%%): %d accounts, %d proposals",
			from, hi, from, to, 100*(hi-from+1)/(to-from+1), len(s.accounts), len(s.proposals))
		lo = hi + 1
	}
	return s, nil
}

// add takes in one log.
func (s *chainScan) add(l *types.Log) error {
	if l.Removed || len(l.Topics) == 0 {
		return nil
	}
	contract := verifyGovernor.GetABI()
	if l.Address == s.token {
		contract = verifyToken.GetABI()
	}
	ev, err := contract.EventByID(l.Topics[0])
	if err != nil {
		return nil // an event stats verify does not read
	}
	switch ev.Name {
	case "Transfer":
		t, err := verifyToken.UnpackTransferEvent(l)
		if err != nil {
			return err
		}
		s.accounts[t.From], s.accounts[t.To] = true, true
	case "DelegateChanged":
		d, err := verifyToken.UnpackDelegateChangedEvent(l)
		if err != nil {
			return err
		}
		s.accounts[d.Delegator], s.delegatees[d.ToDelegate] = true, true
	case "ProposalCreated":
		c, err := verifyGovernor.UnpackProposalCreatedEvent(l)
		if err != nil {
			return err
		}
		p := &scannedProposal{id: c.ProposalId, block: l.BlockNumber, logIndex: l.Index, snapshot: c.VoteStart.Uint64(),
			votes: map[common.Address]*big.Int{}}
		s.proposals = append(s.proposals, p)
		s.byID[p.id.String()] = p
	case "VoteCast":
		vc, err := verifyGovernor.UnpackVoteCastEvent(l)
		if err != nil {
			return err
		}
		s.vote(vc.ProposalId, vc.Voter, vc.Weight)
	case "VoteCastWithParams":
		vc, err := verifyGovernor.UnpackVoteCastWithParamsEvent(l)
		if err != nil {
			return err
		}
		s.vote(vc.ProposalId, vc.Voter, vc.Weight)
	}
	return nil
}

func (s *chainScan) vote(pid *big.Int, voter common.Address, weight *big.Int) {
	if p := s.byID[pid.String()]; p != nil {
		p.votes[voter] = weight
	}
}

// reads runs contract calls at one block through the bindings.
type reads struct {
	ctx             context.Context
	opts            *bind.CallOpts
	token, governor *bind.BoundContract
	calls           int
}

func (r *reads) uint256(c *bind.BoundContract, data []byte, unpack func([]byte) (*big.Int, error), what string) (*big.Int, error) {
	r.calls++
	v, err := bind.Call(c, r.opts, data, unpack)
	if err != nil {
		return nil, fmt.Errorf("read %s at block %s: %w", what, r.opts.BlockNumber, err)
	}
	return v, nil
}

// accountState is one non-excluded account at as_of.
type accountState struct {
	balance, power *big.Int
	delegate       common.Address
}

// recompute returns the figures from the chain alone: the logs up to as_of and reads at as_of.
func (v *verifier) recompute(ctx context.Context, asOf guildhall.AsOf, excluded map[common.Address]bool) (*verifyFigures, error) {
	scan, err := v.scanLogs(ctx, v.com.DeploymentBlock, asOf.Number)
	if err != nil {
		return nil, err
	}
	r := &reads{ctx: ctx, opts: &bind.CallOpts{Context: ctx, BlockNumber: new(big.Int).SetUint64(asOf.Number)},
		token: verifyToken.Instance(v.client, scan.token), governor: verifyGovernor.Instance(v.client, scan.governor)}
	accounts, err := v.readAccounts(r, scan, excluded)
	if err != nil {
		return nil, err
	}
	ps, err := v.readProposals(r, scan, excluded, asOf.Time)
	if err != nil {
		return nil, err
	}
	f := &verifyFigures{}
	var balances, powers []*big.Int
	power, delegateOf := map[string]*big.Int{}, map[string]string{}
	for a, st := range accounts {
		if st.balance.Sign() > 0 {
			f.Holders++
		}
		balances, powers = append(balances, st.balance), append(powers, st.power)
		power[a.Hex()] = st.power
		if st.delegate != (common.Address{}) && !excluded[st.delegate] {
			delegateOf[a.Hex()] = st.delegate.Hex()
		}
	}
	f.Balance, f.Power = health.Concentrate(balances), health.Concentrate(powers)
	quorum, err := v.quorum(r)
	if err != nil {
		return nil, err
	}
	f.MinForQuorum = health.MinForQuorum(powers, quorum)
	f.Delegates = health.DelegateRecords(health.Delegates(power, delegateOf), ps, asOf.Time)
	f.DelegatesActive, f.DormantShare = health.DelegatesActive(f.Delegates), health.DormantVotingPowerShare(f.Delegates)
	f.Proposals = health.Governance(ps, len(ps), asOf.Time).Proposals
	v.progress.say(true, "recomputed from %d accounts and %d proposals with %d contract reads at block %d",
		len(accounts), len(ps), r.calls, asOf.Number)
	return f, nil
}

// readAccounts reads balanceOf, getVotes and delegates of every non-excluded account at as_of.
func (v *verifier) readAccounts(r *reads, scan *chainScan, excluded map[common.Address]bool) (map[common.Address]accountState, error) {
	var all []common.Address
	for a := range scan.accounts {
		all = append(all, a)
	}
	for a := range scan.delegatees {
		if !scan.accounts[a] {
			all = append(all, a)
		}
	}
	slices.SortFunc(all, func(a, b common.Address) int { return a.Cmp(b) })
	out := map[common.Address]accountState{}
	for i, a := range all {
		v.progress.say(i == len(all)-1, "reading %d of %d accounts at block %s", i+1, len(all), r.opts.BlockNumber)
		if excluded[a] {
			continue
		}
		var st accountState
		var err error
		if st.balance, err = r.uint256(r.token, verifyToken.PackBalanceOf(a), verifyToken.UnpackBalanceOf, "balanceOf"); err != nil {
			return nil, err
		}
		if st.power, err = r.uint256(r.token, verifyToken.PackGetVotes(a), verifyToken.UnpackGetVotes, "getVotes"); err != nil {
			return nil, err
		}
		r.calls++
		if st.delegate, err = bind.Call(r.token, r.opts, verifyToken.PackDelegates(a), verifyToken.UnpackDelegates); err != nil {
			return nil, fmt.Errorf("read delegates(%s) at block %s: %w", a.Hex(), r.opts.BlockNumber, err)
		}
		out[a] = st
	}
	return out, nil
}

// readProposals returns the proposals created up to as_of with their votes (excluded voters left
// out) and, for those whose snapshot has passed, the total supply and every non-excluded
// delegatee's voting power at the snapshot (getPastTotalSupply, getPastVotes at as_of).
func (v *verifier) readProposals(r *reads, scan *chainScan, excluded map[common.Address]bool, now uint64) ([]health.Proposal, error) {
	var delegatees []common.Address
	for a := range scan.delegatees {
		if !excluded[a] {
			delegatees = append(delegatees, a)
		}
	}
	out := make([]health.Proposal, 0, len(scan.proposals))
	for i, sp := range scan.proposals {
		p := health.Proposal{ID: sp.id.String(), CreatedBlock: sp.block, CreatedLog: sp.logIndex, Snapshot: sp.snapshot,
			Power: map[string]*big.Int{}, Votes: map[string]*big.Int{}}
		for voter, w := range sp.votes {
			if !excluded[voter] {
				p.Votes[voter.Hex()] = w
			}
		}
		if p.SnapshotPassed(now) {
			at := new(big.Int).SetUint64(sp.snapshot)
			var err error
			if p.TotalSupply, err = r.uint256(r.token, verifyToken.PackGetPastTotalSupply(at), verifyToken.UnpackGetPastTotalSupply, "getPastTotalSupply"); err != nil {
				return nil, err
			}
			for _, d := range delegatees {
				if p.Power[d.Hex()], err = r.uint256(r.token, verifyToken.PackGetPastVotes(d, at), verifyToken.UnpackGetPastVotes, "getPastVotes"); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, p)
		v.progress.say(i == len(scan.proposals)-1, "read %d of %d proposals", i+1, len(scan.proposals))
	}
	return out, nil
}

// quorum returns the current quorum at as_of: totalSupply × quorumNumerator / quorumDenominator.
func (v *verifier) quorum(r *reads) (*big.Int, error) {
	supply, err := r.uint256(r.token, verifyToken.PackTotalSupply(), verifyToken.UnpackTotalSupply, "totalSupply")
	if err != nil {
		return nil, err
	}
	num, err := r.uint256(r.governor, verifyGovernor.PackQuorumNumerator0(), verifyGovernor.UnpackQuorumNumerator0, "quorumNumerator")
	if err != nil {
		return nil, err
	}
	den, err := r.uint256(r.governor, verifyGovernor.PackQuorumDenominator(), verifyGovernor.UnpackQuorumDenominator, "quorumDenominator")
	if err != nil {
		return nil, err
	}
	return health.Quorum(supply, num, den), nil
}
