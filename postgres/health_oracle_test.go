package postgres_test

import (
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/guildhall/guildhall/health"
)

// healthOracle is the brute-force recomputation of the health figures from the raw rows
// (rewards, token_transfers, token_delegate_changes, token_delegate_votes, proposals, votes,
// proposal_events), with package health's functions, independently of member_activity_days.
type healthOracle struct {
	now      uint64
	today    health.Day
	excluded map[string]bool
	activity health.Activity
	rewards  []health.Reward
	issuers  map[string]string
	balances map[string]*big.Int // now
	power    map[string]*big.Int // now
	delegate map[string]string
	ps       []health.Proposal
	voted    map[string]bool
	xfers    []oracleTransfer
	dvcs     []struct {
		Who, Votes string
		Time       uint64
	}
}

type oracleTransfer struct {
	From, To string
	Time     uint64
	Value    string
}

// oracle reads the raw rows of community c; operator is excluded too.
func (f *healthFixture) oracle(operator string) *healthOracle {
	f.t.Helper()
	o := &healthOracle{excluded: map[string]bool{"0x0000000000000000000000000000000000000000": true, operator: true},
		activity: health.Activity{}, issuers: map[string]string{}, balances: map[string]*big.Int{}, power: map[string]*big.Int{},
		delegate: map[string]string{}, voted: map[string]bool{}}
	var ex []string
	f.sel(&ex, `SELECT unnest(ARRAY[token_address, governor_address, timelock_address]) FROM communities WHERE id = 'guild'
		UNION ALL SELECT address FROM community_staff WHERE community_id = 'guild'`)
	for _, a := range ex {
		o.excluded[a] = true
	}
	if err := f.raw.Get(&o.now, `SELECT block_time FROM index_progress WHERE community_id = 'guild'`); err != nil {
		f.t.Fatal(err)
	}
	o.today = health.DayOf(time.Unix(int64(o.now), 0))
	o.loadRewards(f)
	o.loadChain(f)
	o.loadProposals(f)
	return o
}

func (f *healthFixture) sel(dest any, q string) {
	f.t.Helper()
	if err := f.raw.Select(dest, q); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (o *healthOracle) add(account string, at uint64, k health.Kind) {
	if !o.excluded[account] {
		o.activity.Add(account, health.DayOf(time.Unix(int64(at), 0)), k)
	}
}

func (o *healthOracle) loadRewards(f *healthFixture) {
	var rs []struct {
		Wallet, Activity, Issuer, Name, Amount string
		At                                     time.Time
	}
	f.sel(&rs, `SELECT wallet, activity, issuer_id::text AS issuer, i.name, amount::text AS amount, r.created_at AS at
		FROM rewards r JOIN issuers i ON i.id = r.issuer_id WHERE r.community_id = 'guild' AND status <> 'failed'`)
	for _, r := range rs {
		o.issuers[r.Issuer] = r.Name
		if o.excluded[r.Wallet] {
			continue
		}
		o.add(r.Wallet, uint64(r.At.Unix()), health.KindReward)
		o.rewards = append(o.rewards, health.Reward{Member: r.Wallet, Activity: r.Activity, IssuerID: r.Issuer,
			Day: health.DayOf(r.At), Amount: parseInt(r.Amount)})
	}
}

func parseInt(s string) *big.Int {
	v, _ := new(big.Int).SetString(s, 10)
	return v
}

const zeroAddr = "0x0000000000000000000000000000000000000000"

func (o *healthOracle) loadChain(f *healthFixture) {
	f.sel(&o.xfers, `SELECT from_address AS from, to_address AS to, block_time AS time, value::text AS value
		FROM token_transfers WHERE community_id = 'guild' ORDER BY block_number, log_index`)
	mintedTo := map[[2]string]bool{}
	var txs []struct{ Tx, To string }
	f.sel(&txs, `SELECT tx_hash AS tx, to_address AS to FROM token_transfers WHERE community_id = 'guild'`)
	for _, t := range txs {
		mintedTo[[2]string{t.Tx, t.To}] = true
	}
	for _, t := range o.xfers {
		if t.From != zeroAddr {
			o.add(t.From, t.Time, health.KindChain)
		}
	}
	o.balances = o.balancesAt(^uint64(0) >> 1)
	var dcs []struct {
		Tx, Who, From, To string
		Time              uint64
	}
	f.sel(&dcs, `SELECT tx_hash AS tx, delegator AS who, from_delegate AS from, to_delegate AS to, block_time AS time
		FROM token_delegate_changes WHERE community_id = 'guild' ORDER BY block_number, log_index`)
	for _, d := range dcs {
		if !(d.From == zeroAddr && d.To == d.Who && mintedTo[[2]string{d.Tx, d.Who}]) {
			o.add(d.Who, d.Time, health.KindChain)
		}
		o.delegate[d.Who] = d.To
		if d.To == zeroAddr {
			delete(o.delegate, d.Who)
		}
	}
	for a, d := range o.delegate {
		if o.excluded[a] || o.excluded[d] {
			delete(o.delegate, a)
		}
	}
	f.sel(&o.dvcs, `SELECT delegate AS who, new_votes::text AS votes, block_time AS time
		FROM token_delegate_votes WHERE community_id = 'guild' ORDER BY block_number, log_index`)
	for a, v := range o.powerAt(^uint64(0) >> 1) {
		o.power[a] = v
	}
}

// balancesAt replays the transfers up to time t: non-excluded accounts' balances.
func (o *healthOracle) balancesAt(t uint64) map[string]*big.Int {
	out := map[string]*big.Int{}
	move := func(a string, v *big.Int) {
		if o.excluded[a] {
			return
		}
		if out[a] == nil {
			out[a] = new(big.Int)
		}
		out[a].Add(out[a], v)
	}
	for _, x := range o.xfers {
		if x.Time <= t {
			v := parseInt(x.Value)
			move(x.To, v)
			move(x.From, new(big.Int).Neg(v))
		}
	}
	return out
}

func (o *healthOracle) holdersAt(t uint64) int {
	n := 0
	for _, v := range o.balancesAt(t) {
		if v.Sign() > 0 {
			n++
		}
	}
	return n
}

// supplyAt is the total supply at time t (all accounts).
func (o *healthOracle) supplyAt(t uint64) *big.Int {
	s := new(big.Int)
	for _, x := range o.xfers {
		if x.Time <= t && (x.From == zeroAddr) != (x.To == zeroAddr) {
			if x.From == zeroAddr {
				s.Add(s, parseInt(x.Value))
			} else {
				s.Sub(s, parseInt(x.Value))
			}
		}
	}
	return s
}

// powerAt is each non-excluded delegate's voting power at time t, from the DelegateVotesChanged.
func (o *healthOracle) powerAt(t uint64) map[string]*big.Int {
	out := map[string]*big.Int{}
	for _, d := range o.dvcs {
		if d.Time <= t && !o.excluded[d.Who] {
			out[d.Who] = parseInt(d.Votes)
		}
	}
	return out
}

func (o *healthOracle) loadProposals(f *healthFixture) {
	var ps []struct {
		ID, State, Proposer, Op string
		Snapshot, Block, Log    int64
		Created                 uint64
		Executed                *int64
	}
	f.sel(&ps, `SELECT proposal_id::text AS id, state, proposer, coalesce(timelock_operation_id, '') AS op, vote_start AS snapshot,
		block_number AS block, log_index AS log, block_time AS created,
		(SELECT min(block_time) FROM proposal_events e WHERE e.community_id = p.community_id AND e.proposal_id = p.proposal_id
			AND kind = 'executed') AS executed
		FROM proposals p WHERE community_id = 'guild'`)
	var vs []struct {
		ID, Voter, Weight string
	}
	f.sel(&vs, `SELECT proposal_id::text AS id, voter, weight::text AS weight FROM votes WHERE community_id = 'guild'`)
	var times []struct {
		Who  string
		Time uint64
	}
	f.sel(&times, `SELECT voter AS who, block_time AS time FROM votes WHERE community_id = 'guild'
		UNION ALL SELECT proposer, block_time FROM proposals WHERE community_id = 'guild'`)
	for _, x := range times {
		o.add(x.Who, x.Time, health.KindChain)
	}
	for _, v := range vs {
		if !o.excluded[v.Voter] {
			o.voted[v.Voter] = true
		}
	}
	for _, p := range ps {
		first, member := o.activity[p.Proposer].FirstReward()
		hp := health.Proposal{ID: p.ID, State: p.State, CreatedBlock: uint64(p.Block), CreatedLog: uint(p.Log),
			CreatedAt: time.Unix(int64(p.Created), 0).UTC(), Snapshot: uint64(p.Snapshot),
			TotalSupply: o.supplyAt(uint64(p.Snapshot)), Power: o.powerAt(uint64(p.Snapshot)), Votes: map[string]*big.Int{},
			MemberProposed: member && first <= o.today && !o.excluded[p.Proposer]}
		if p.Executed != nil {
			hp.ExecutedAt = time.Unix(*p.Executed, 0).UTC()
		}
		for _, v := range vs {
			if v.ID == p.ID && !o.excluded[v.Voter] {
				hp.Votes[v.Voter] = parseInt(v.Weight)
			}
		}
		o.ps = append(o.ps, hp)
	}
}

// records returns the delegates' records, ordered by address.
func (o *healthOracle) records() []health.DelegateRecord {
	rs := health.DelegateRecords(health.Delegates(o.power, o.delegate), o.ps, o.now)
	slices.SortFunc(rs, func(x, y health.DelegateRecord) int { return strings.Compare(x.Address, y.Address) })
	return rs
}

func (o *healthOracle) values(m map[string]*big.Int) []*big.Int {
	var out []*big.Int
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
