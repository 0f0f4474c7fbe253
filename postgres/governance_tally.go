package postgres

import (
	"context"
	"database/sql"
	"errors"
	"math/big"
	"sync"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
)

// IndexedTally reads a proposal's indexed tally, state, timepoints and the voting power
// delegated at its snapshot, all in one REPEATABLE READ transaction so they agree with each other
// and with the block the community is indexed through (as_of). It reads the indexer's tables
// (migration 0002). An unknown proposal is ENOTFOUND; a community the indexer has not reached
// yet is EUNAVAILABLE. The delegated supply is kept per (community, snapshot) with the as_of block
// hash it was computed at, which identifies it exactly, so a hot proposal computes it once per
// block.
func (r *IndexReader) IndexedTally(ctx context.Context, communityID string, pid *big.Int) (*governance.IndexedTally, error) {
	db := r.db
	tx, err := db.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, db.queryError("read tally", err)
	}
	defer tx.Rollback()
	var row struct {
		For, Against, Abstain                   string
		ForVoters, AgainstVoters, AbstainVoters int
		State                                   string
		VoteStart, VoteEnd                      int64
		ETA                                     sql.NullInt64
		AsOfNumber                              int64  `db:"as_of_number"`
		AsOfHash                                string `db:"as_of_hash"`
		AsOfTime                                int64  `db:"as_of_time"`
		Generation                              int64  `db:"generation"`
	}
	err = tx.GetContext(ctx, &row, `SELECT p.for_votes::text AS for, p.against_votes::text AS against, p.abstain_votes::text AS abstain,
			p.for_voters AS forvoters, p.against_voters AS againstvoters, p.abstain_voters AS abstainvoters,
			p.state, p.vote_start AS votestart, p.vote_end AS voteend, p.eta,
			ip.block_number AS as_of_number, ip.block_hash AS as_of_hash, ip.block_time AS as_of_time, ip.generation
		FROM proposals p JOIN index_progress ip ON ip.community_id = p.community_id
		WHERE p.community_id = $1 AND p.proposal_id = $2::numeric`, communityID, pid.String())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guildhall.Errorf(guildhall.ENOTFOUND, "proposal %s not found in community %q (a proposal made moments ago appears once its block is indexed)", pid, communityID)
	}
	if err != nil {
		return nil, db.queryError("read tally", err)
	}
	t := &governance.IndexedTally{
		Votes:         governance.Votes{For: parseBig(row.For), Against: parseBig(row.Against), Abstain: parseBig(row.Abstain)},
		ForVoters:     row.ForVoters,
		AgainstVoters: row.AgainstVoters,
		AbstainVoters: row.AbstainVoters,
		Snapshot:      uint64(row.VoteStart),
		Deadline:      uint64(row.VoteEnd),
		AsOf:          guildhall.AsOf{Number: uint64(row.AsOfNumber), Hash: row.AsOfHash, Time: uint64(row.AsOfTime)},
	}
	if row.ETA.Valid {
		t.ETA = uint64(row.ETA.Int64)
	}
	if s, ok := governance.ParseState(row.State); ok {
		t.State = &s
	}
	if t.AsOf.Time <= t.Snapshot {
		return t, nil
	}
	key := delegatedKey{community: communityID, snapshot: t.Snapshot}
	at := indexKey(t.AsOf.Hash, row.Generation)
	if v, ok := r.delegated.get(key, at); ok {
		t.DelegatedSupply = v
		return t, nil
	}
	var delegated string
	// A delegate's votes at the snapshot are those of its newest DelegateVotesChanged in a
	// block no later than the snapshot (the token checkpoints by block timestamp).
	err = tx.GetContext(ctx, &delegated, `SELECT coalesce(sum(new_votes), 0)::text FROM (
			SELECT DISTINCT ON (delegate) new_votes FROM token_delegate_votes
			WHERE community_id = $1 AND block_time <= $2
			ORDER BY delegate, block_number DESC, log_index DESC) d`, communityID, int64(t.Snapshot))
	if err != nil {
		return nil, db.queryError("read delegated supply", err)
	}
	t.DelegatedSupply = parseBig(delegated)
	r.delegated.put(key, at, t.DelegatedSupply)
	return t, nil
}

// delegatedCache keeps the voting power delegated at a proposal's snapshot, with the as_of block
// hash and index generation it was read at (indexKey): a read at another block, or after a
// reindex, computes it again and replaces it. It holds one
// entry per (community, snapshot), so it grows with proposals, not with blocks.
type delegatedCache struct {
	mu sync.Mutex
	m  map[delegatedKey]delegatedSupply
}

type delegatedKey struct {
	community string
	snapshot  uint64
}

type delegatedSupply struct {
	asOfHash string
	supply   *big.Int
}

func (c *delegatedCache) get(k delegatedKey, asOfHash string) (*big.Int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	return e.supply, ok && e.asOfHash == asOfHash
}

func (c *delegatedCache) put(k delegatedKey, asOfHash string, supply *big.Int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[delegatedKey]delegatedSupply{}
	}
	c.m[k] = delegatedSupply{asOfHash: asOfHash, supply: supply}
}
