package postgres

import (
	"context"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
)

// values returns the positive values of column (balance or voting_power) of the non-excluded
// accounts now.
func (h *healthTx) values(column string) ([]*big.Int, error) {
	var rows []string
	if err := h.query(&rows, `SELECT `+column+`::text FROM token_accounts WHERE community_id = $1 AND `+column+` > 0
			AND address <> ALL($2)`, h.community, pq.Array(h.excluded)); err != nil {
		return nil, err
	}
	out := make([]*big.Int, len(rows))
	for i, r := range rows {
		out[i] = parseBig(r)
	}
	return out, nil
}

// concentrationValues returns the positive values of of now: the delegates' voting power (the
// accounts with voting power are the delegates with voting power, kept in the block cache), or
// the balances.
func (h *healthTx) concentrationValues(of string) ([]*big.Int, error) {
	if of != "voting_power" {
		return h.values(of)
	}
	records, err := h.delegateRecords()
	if err != nil {
		return nil, err
	}
	power := make([]*big.Int, 0, len(records))
	for _, r := range records {
		if r.VotingPower.Sign() > 0 {
			power = append(power, r.VotingPower)
		}
	}
	return power, nil
}

// delegateRecords returns every delegate's record at as_of, ordered by address, from the store's
// cache when it holds them for this block and these exclusions (the slice is shared: callers
// copy it before reordering).
func (h *healthTx) delegateRecords() ([]health.DelegateRecord, error) {
	return h.store.records.get(h.community, h.blockKey(), h.readDelegateRecords)
}

// healthRecordsSQL reads every delegate's counts for its record at as_of ($3 its time, $4 how
// many recent proposals): delegates and delegators are non-excluded; eligibility and votes are
// counted over the recent proposals, the most recently created whose snapshot has passed. A
// delegate's voting power at a snapshot is its newest checkpoint's no later than it: for one with
// no checkpoint after the earliest of those snapshots that is its voting power now, at every one
// of them; only the few with a checkpoint since (moved) are looked up per snapshot. So a read is
// one pass over the delegates and the recent checkpoints and votes, not over every checkpoint.
const healthRecordsSQL = `WITH recent AS (
		SELECT proposal_id, vote_start, block_number FROM proposals WHERE community_id = $1 AND vote_start < $3
		ORDER BY block_number DESC, log_index DESC LIMIT $4),
	moved AS (SELECT DISTINCT delegate FROM token_delegate_votes WHERE community_id = $1 AND delegate <> ALL($2)
		AND block_number >= (SELECT min(block_number) FROM recent) AND block_time > (SELECT min(vote_start) FROM recent)),
	mel AS (SELECT r.proposal_id, m.delegate FROM moved m CROSS JOIN recent r
		WHERE (SELECT v.new_votes FROM token_delegate_votes v WHERE v.community_id = $1 AND v.delegate = m.delegate
			AND v.block_time <= r.vote_start ORDER BY v.block_number DESC, v.log_index DESC LIMIT 1) > 0),
	mrec AS (SELECT mel.delegate, count(*) AS eligible, count(v.voter) AS votes FROM mel
		LEFT JOIN votes v ON v.community_id = $1 AND v.proposal_id = mel.proposal_id AND v.voter = mel.delegate GROUP BY 1),
	voted AS (SELECT v.voter, count(*) AS n FROM recent r JOIN votes v ON v.community_id = $1 AND v.proposal_id = r.proposal_id GROUP BY 1),
	pointed AS (SELECT delegate AS address, count(*) AS n FROM token_accounts WHERE community_id = $1
		AND delegate IS NOT NULL AND address <> ALL($2) AND delegate <> ALL($2) GROUP BY delegate),
	powered AS (SELECT address, voting_power FROM token_accounts WHERE community_id = $1 AND voting_power > 0
		AND address <> ALL($2)),
	d AS (SELECT coalesce(powered.address, pointed.address) AS address, coalesce(powered.voting_power, 0) AS power,
		coalesce(pointed.n, 0) AS delegators FROM powered FULL JOIN pointed ON pointed.address = powered.address)
	SELECT d.address, d.power::text AS power, d.delegators,
		CASE WHEN m.delegate IS NOT NULL THEN coalesce(mrec.eligible, 0) WHEN d.power > 0 THEN (SELECT count(*) FROM recent) ELSE 0 END AS eligible,
		CASE WHEN m.delegate IS NOT NULL THEN coalesce(mrec.votes, 0) WHEN d.power > 0 THEN coalesce(voted.n, 0) ELSE 0 END AS votes
	FROM d LEFT JOIN moved m ON m.delegate = d.address LEFT JOIN mrec ON mrec.delegate = d.address
	LEFT JOIN voted ON voted.voter = d.address`

// readDelegateRecords reads every delegate's record at as_of, ordered by address
// (healthRecordsSQL).
func (h *healthTx) readDelegateRecords() ([]health.DelegateRecord, error) {
	var rows []struct {
		Address                     string
		Power                       string
		Delegators, Eligible, Votes int
	}
	err := h.query(&rows, healthRecordsSQL, h.community, pq.Array(h.excluded), int64(h.meta.AsOf.Time), health.RecentProposals)
	if err != nil {
		return nil, err
	}
	out := make([]health.DelegateRecord, len(rows))
	for i, r := range rows {
		d := health.Delegate{Address: r.Address, VotingPower: parseBig(r.Power), Delegators: r.Delegators}
		out[i] = health.NewDelegateRecord(d, r.Eligible, r.Votes)
	}
	slices.SortFunc(out, func(x, y health.DelegateRecord) int { return strings.Compare(x.Address, y.Address) })
	return out, nil
}

// Concentration returns the concentration of "voting_power" or "balance" now.
func (s *HealthStore) Concentration(ctx context.Context, scope health.Scope, of string) (*health.ConcentrationReport, error) {
	if of == "" {
		of = "voting_power"
	}
	if of != "voting_power" && of != "balance" {
		return nil, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid of",
			Fields: []guildhall.FieldError{{Field: "of", Message: "must be one of voting_power, balance, not " + strconv.Quote(of)}}}
	}
	var out health.ConcentrationReport
	meta, err := s.read(ctx, "read concentration", scope, func(h *healthTx) error {
		// A figure of the block, kept in the block cache: sorting every account's value per
		// request cost more than the reads.
		c, err := s.concentration.get(h.community, h.blockKey("concentration", of), func() (health.ConcentrationReport, error) {
			return h.readConcentration(of)
		})
		out = c
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}

// readConcentration computes the concentration of of now (Meta left empty).
func (h *healthTx) readConcentration(of string) (health.ConcentrationReport, error) {
	var out health.ConcentrationReport
	values, err := h.concentrationValues(of)
	if err != nil {
		return out, err
	}
	out.Concentration = health.Concentrate(values)
	if of != "voting_power" {
		return out, nil
	}
	var q struct{ Supply, Numerator string }
	if err := h.get(&q, `SELECT coalesce((SELECT total_supply FROM token_supply WHERE community_id = $1), 0)::text AS supply,
			coalesce((SELECT value FROM governance_settings WHERE community_id = $1 AND setting = 'quorum_numerator'),
			         (SELECT quorum_percent FROM communities WHERE id = $1))::text AS numerator`, h.community); err != nil {
		return out, err
	}
	quorum := health.Quorum(parseBig(q.Supply), parseBig(q.Numerator), big.NewInt(100))
	out.MinForQuorum = health.MinForQuorum(values, quorum)
	return out, nil
}

// Delegates returns a page of delegates sorted by "voting_power" (largest first) or
// "participation" (highest first, null last, then by voting power), ties by address, from offset
// (0, or a previous page's Next).
func (s *HealthStore) Delegates(ctx context.Context, scope health.Scope, sortBy string, limit, offset int) (*health.DelegatesPage, error) {
	if sortBy == "" {
		sortBy = "voting_power"
	}
	if sortBy != "voting_power" && sortBy != "participation" {
		return nil, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid sort",
			Fields: []guildhall.FieldError{{Field: "sort", Message: "must be one of voting_power, participation, not " + strconv.Quote(sortBy)}}}
	}
	offset = max(offset, 0)
	out := health.DelegatesPage{Items: []health.DelegateRecord{}}
	meta, err := s.read(ctx, "list delegates", scope, func(h *healthTx) error {
		rs, err := s.sortedDelegates.get(h.community, h.blockKey("delegates", sortBy), func() ([]health.DelegateRecord, error) {
			return h.sortedDelegates(sortBy)
		})
		if err != nil {
			return err
		}
		if offset < len(rs) {
			end := min(offset+max(limit, 1), len(rs))
			out.Items = rs[offset:end]
			if end < len(rs) {
				out.Next = end
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}

// sortedDelegates returns the delegate records sorted by sortBy, for Delegates' pages.
func (h *healthTx) sortedDelegates(sortBy string) ([]health.DelegateRecord, error) {
	shared, err := h.delegateRecords()
	if err != nil {
		return nil, err
	}
	rs := slices.Clone(shared)
	slices.SortStableFunc(rs, func(x, y health.DelegateRecord) int {
		if sortBy == "participation" {
			if c := compareRatio(y.Participation, x.Participation); c != 0 {
				return c
			}
		}
		return y.VotingPower.Cmp(x.VotingPower)
	})
	return rs, nil
}

// compareRatio orders nullable ratios, null lowest.
func compareRatio(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	case *a < *b:
		return -1
	case *a > *b:
		return 1
	}
	return 0
}

// healthGovernanceSQL reads the last $3 proposals' rows for Governance ($4 as_of's time). The
// eligible accounts and the supply at a passed snapshot were computed when the index passed it
// (proposal_snapshots, migration 0019); the excluded accounts with voting power > 0 at the
// snapshot, their newest checkpoint no later than it, are taken away from eligible.
const healthGovernanceSQL = `WITH p AS (SELECT * FROM proposals WHERE community_id = $1 ORDER BY block_number DESC, log_index DESC LIMIT $3)
	SELECT p.proposal_id::text AS id, p.state, p.vote_start AS snapshot, p.block_number AS block, p.log_index AS log,
		p.block_time AS created,
		(SELECT min(t) FROM (SELECT block_time AS t FROM proposal_events e WHERE e.community_id = $1
			AND e.proposal_id = p.proposal_id AND e.kind = 'executed'
			UNION ALL SELECT block_time FROM timelock_events te WHERE te.community_id = $1
			AND te.operation_id = p.timelock_operation_id AND te.kind = 'executed') x) AS executed,
		p.proposer,
		CASE WHEN p.vote_start < $4 THEN s.eligible - (SELECT count(*) FROM unnest($2::text[]) x(a)
			WHERE (SELECT v.new_votes FROM token_delegate_votes v WHERE v.community_id = $1 AND v.delegate = x.a
				AND v.block_time <= p.vote_start ORDER BY v.block_number DESC, v.log_index DESC LIMIT 1) > 0) END AS eligible,
		(SELECT count(*) FROM votes v WHERE v.community_id = $1 AND v.proposal_id = p.proposal_id AND v.weight > 0
			AND v.voter <> ALL($2)) AS voters,
		(SELECT coalesce(sum(weight), 0) FROM votes v WHERE v.community_id = $1 AND v.proposal_id = p.proposal_id
			AND v.weight > 0 AND v.voter <> ALL($2))::text AS weight,
		coalesce(s.supply, 0)::text AS supply
	FROM p LEFT JOIN proposal_snapshots s ON s.community_id = $1 AND s.proposal_id = p.proposal_id
	ORDER BY p.block_number DESC, p.log_index DESC`

// governanceRow is one proposal's row for Governance: the chain's figures at as_of (kept in the
// store's block cache) and its State and Member, read in every snapshot (the proposal's state is
// also reconciled with the governor between blocks; membership follows the ledger).
type governanceRow struct {
	ID, State, Proposer  string
	Snapshot, Block, Log int64
	Created              int64
	Executed             *int64
	Member               bool
	Eligible             *int
	Voters               int
	Weight, Supply       string
}

// governanceRows returns the last proposals' rows, newest first.
func (h *healthTx) governanceRows(last int) ([]governanceRow, error) {
	cached, err := h.store.governance.get(h.community, h.blockKey(strconv.Itoa(last)), func() ([]governanceRow, error) {
		var rows []governanceRow
		err := h.query(&rows, healthGovernanceSQL, h.community, pq.Array(h.excluded), last, int64(h.meta.AsOf.Time))
		return rows, err
	})
	if err != nil {
		return nil, err
	}
	rows := slices.Clone(cached)
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var now []struct {
		ID, State string
		Member    bool
	}
	if err := h.query(&now, `SELECT p.proposal_id::text AS id, p.state, (p.proposer <> ALL($2) AND EXISTS (SELECT 1
			FROM member_first_rewards f WHERE f.community_id = $1 AND f.account = p.proposer AND f.first_day <= $3::date)) AS member
			FROM proposals p WHERE p.community_id = $1 AND p.proposal_id = ANY($4::numeric[])`, h.base(pq.Array(ids))...); err != nil {
		return nil, err
	}
	at := make(map[string]int, len(rows))
	for i, r := range rows {
		at[r.ID] = i
	}
	for _, n := range now {
		if i, ok := at[n.ID]; ok {
			rows[i].State, rows[i].Member = n.State, n.Member
		}
	}
	return rows, nil
}

// Governance returns the figures over the last proposals by creation, newest first.
func (s *HealthStore) Governance(ctx context.Context, scope health.Scope, last int) (*health.GovernanceReport, error) {
	var out health.GovernanceReport
	meta, err := s.read(ctx, "read governance health", scope, func(h *healthTx) error {
		rows, err := h.governanceRows(max(last, 0))
		if err != nil {
			return err
		}
		ps := make([]health.Proposal, len(rows))
		for i, r := range rows {
			ps[i] = health.Proposal{ID: r.ID, State: r.State, CreatedBlock: uint64(r.Block), CreatedLog: uint(r.Log),
				CreatedAt: time.Unix(r.Created, 0).UTC(), Snapshot: uint64(r.Snapshot), MemberProposed: r.Member}
			if r.Executed != nil {
				ps[i].ExecutedAt = time.Unix(*r.Executed, 0).UTC()
			}
		}
		// The counts come from SQL: health.Governance at a clock before every snapshot gives the
		// figures that need none (ids, states, member share, hours to execution).
		out.GovernanceStats = health.Governance(ps, len(ps), 0)
		var sum float64
		counted := 0
		for i, r := range rows {
			st := &out.Proposals[i]
			if r.Eligible == nil {
				continue
			}
			eligible, voters := *r.Eligible, r.Voters
			st.Eligible, st.Voters = &eligible, &voters
			st.Participation = health.Ratio(voters, eligible)
			st.Turnout = health.BigRatio(parseBig(r.Weight), parseBig(r.Supply))
			if st.Participation != nil {
				sum += *st.Participation
				counted++
			}
		}
		if counted > 0 {
			mean := sum / float64(counted)
			out.ParticipationMean = &mean
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}
