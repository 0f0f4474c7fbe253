package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
)

// IndexedTally reads a proposal's indexed tally, state, timepoints and the voting power
// delegated at its snapshot, all in one REPEATABLE READ transaction so they agree with each other
// and with the block the community is indexed through (as_of). It reads the indexer's tables
// (migration 0002). An unknown proposal is ENOTFOUND; a community the indexer has not reached
// yet is EUNAVAILABLE. A non-nil cache keeps the delegated supply per (community, snapshot, as_of
// block hash), which identifies it exactly, so a hot proposal computes it once per block.
func (db *DB) IndexedTally(ctx context.Context, communityID string, pid *big.Int, cache governance.SupplyCache) (*governance.IndexedTally, error) {
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
	}
	err = tx.GetContext(ctx, &row, `SELECT p.for_votes::text AS for, p.against_votes::text AS against, p.abstain_votes::text AS abstain,
			p.for_voters AS forvoters, p.against_voters AS againstvoters, p.abstain_voters AS abstainvoters,
			p.state, p.vote_start AS votestart, p.vote_end AS voteend, p.eta,
			ip.block_number AS as_of_number, ip.block_hash AS as_of_hash, ip.block_time AS as_of_time
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
	cacheKey := fmt.Sprintf("delegated/%s/%d/%s", communityID, t.Snapshot, t.AsOf.Hash)
	if cache != nil && t.AsOf.Time > t.Snapshot {
		if v, ok := cache.Get(cacheKey); ok {
			t.DelegatedSupply = v
			return t, nil
		}
	}
	if t.AsOf.Time > t.Snapshot {
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
		if cache != nil {
			cache.Put(cacheKey, t.DelegatedSupply)
		}
	}
	return t, nil
}
