package postgres

import (
	"context"
	"database/sql"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
)

// standingRow is one account in one community, as the indexer has it (migration 0002).
type standingRow struct {
	CommunityID     string         `db:"community_id"`
	Balance         string         `db:"balance"`
	VotingPower     string         `db:"voting_power"`
	Delegate        sql.NullString `db:"delegate"`
	RewardsReceived string         `db:"rewards_received"`
	VotesCast       int            `db:"votes_cast"`
	AsOfNumber      int64          `db:"as_of_number"`
	AsOfHash        string         `db:"as_of_hash"`
}

// MemberStandings returns address's standing in every community, ordered by community id:
// balance, voting power and delegate (zero and none when the account never appeared), the
// tokens minted to it by reward batches, and the votes it cast; with each community's as_of.
func (st *SessionStore) MemberStandings(ctx context.Context, address common.Address) ([]guildhall.MemberStanding, error) {
	db := st.db
	tx, err := db.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, db.queryError("read member", err)
	}
	defer tx.Rollback()
	var rows []standingRow
	err = tx.SelectContext(ctx, &rows, `SELECT c.id AS community_id,
			coalesce(a.balance, 0)::text AS balance,
			coalesce(a.voting_power, 0)::text AS voting_power,
			a.delegate,
			coalesce((SELECT sum(t.value) FROM token_transfers t
				WHERE t.community_id = c.id AND t.to_address = $1
				  AND t.from_address = '0x0000000000000000000000000000000000000000'
				  AND EXISTS (SELECT 1 FROM token_reward_batches b WHERE b.community_id = c.id AND b.tx_hash = t.tx_hash)), 0)::text AS rewards_received,
			(SELECT count(*) FROM votes v WHERE v.community_id = c.id AND v.voter = $1) AS votes_cast,
			coalesce(ip.block_number, 0) AS as_of_number,
			coalesce(ip.block_hash, '') AS as_of_hash
		FROM communities c
		LEFT JOIN token_accounts a ON a.community_id = c.id AND a.address = $1
		LEFT JOIN index_progress ip ON ip.community_id = c.id
		ORDER BY c.id`, address.Hex())
	if err != nil {
		return nil, db.queryError("read member", err)
	}
	out := make([]guildhall.MemberStanding, len(rows))
	for i, r := range rows {
		out[i] = guildhall.MemberStanding{CommunityID: r.CommunityID, Balance: parseBig(r.Balance), VotingPower: parseBig(r.VotingPower),
			Delegate: r.Delegate.String, RewardsReceived: parseBig(r.RewardsReceived), VotesCast: r.VotesCast,
			AsOf: guildhall.AsOf{Number: uint64(r.AsOfNumber), Hash: r.AsOfHash}}
	}
	return out, nil
}
