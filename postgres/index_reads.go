package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/indexer"
)

// IndexReader is the index's read model: balances, holders, transfers, proposals, votes and
// tallies. Each read runs in one REPEATABLE READ, read-only transaction that first reads the
// community's progress (the view's AsOf), so every number in a view is true at that block even
// while the indexer writes or rewinds. Its arguments are parsed already (at the API's edge); it
// validates no strings.
type IndexReader struct {
	db        *DB
	delegated delegatedCache
}

// NewIndexReader returns the read model over db.
func NewIndexReader(db *DB) *IndexReader {
	return &IndexReader{db: db}
}

// readIndex runs fn in a read-only REPEATABLE READ transaction after reading community's as_of.
// An unknown community is ENOTFOUND; one the indexer has not reached yet EUNAVAILABLE.
func (db *DB) readIndex(ctx context.Context, op, community string, fn func(tx *sqlx.Tx, asOf guildhall.AsOf) error) error {
	tx, err := db.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return db.queryError(op, err)
	}
	defer tx.Rollback()
	var row struct {
		Number sql.NullInt64  `db:"block_number"`
		Hash   sql.NullString `db:"block_hash"`
		Time   sql.NullInt64  `db:"block_time"`
	}
	err = tx.GetContext(ctx, &row, `
		SELECT p.block_number, p.block_hash, p.block_time
		FROM communities c LEFT JOIN index_progress p ON p.community_id = c.id WHERE c.id = $1`, community)
	if errors.Is(err, sql.ErrNoRows) {
		return guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", community)
	}
	if err != nil {
		return db.queryError(op, err)
	}
	if !row.Number.Valid {
		return guildhall.Errorf(guildhall.EUNAVAILABLE, "community %q is not indexed yet; try again in a few seconds", community)
	}
	asOf := guildhall.AsOf{Number: uint64(row.Number.Int64), Hash: row.Hash.String, Time: uint64(row.Time.Int64)}
	if err := fn(tx, asOf); err != nil {
		var ge *guildhall.Error
		if errors.As(err, &ge) {
			return err
		}
		return db.queryError(op, err)
	}
	return nil
}

// CommunityIndex returns a community's total supply, holder count and the governance settings in
// force, from their newest indexed change events.
func (r *IndexReader) CommunityIndex(ctx context.Context, community string) (*indexer.CommunityView, error) {
	var v indexer.CommunityView
	err := r.db.readIndex(ctx, "read community index", community, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		var row struct {
			Supply  string `db:"supply"`
			Holders int64  `db:"holders"`
		}
		err := tx.GetContext(ctx, &row, `
			SELECT coalesce((SELECT total_supply FROM token_supply WHERE community_id = $1), 0)::text AS supply,
			       (SELECT count(*) FROM token_accounts WHERE community_id = $1 AND balance > 0) AS holders`, community)
		if err != nil {
			return err
		}
		v = indexer.CommunityView{TotalSupply: parseBig(row.Supply), Holders: row.Holders, AsOf: asOf}
		var settings []struct {
			Setting string `db:"setting"`
			Value   string `db:"value"`
		}
		if err := tx.SelectContext(ctx, &settings, `SELECT setting, value::text AS value FROM governance_settings WHERE community_id = $1`,
			community); err != nil {
			return err
		}
		if len(settings) > 0 {
			v.Settings = make(map[string]*big.Int, len(settings))
			for _, st := range settings {
				v.Settings[st.Setting] = parseBig(st.Value)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Account returns one account of a community; an account the chain never saw has zeros.
// rewards_received sums the mints to it made by reward batches (mintBatch).
func (r *IndexReader) Account(ctx context.Context, community string, address common.Address) (*indexer.AccountView, error) {
	addr := address.Hex()
	var v indexer.AccountView
	err := r.db.readIndex(ctx, "read account", community, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		var row struct {
			Balance  string         `db:"balance"`
			Power    string         `db:"voting_power"`
			Delegate sql.NullString `db:"delegate"`
			Rewards  string         `db:"rewards"`
		}
		err := tx.GetContext(ctx, &row, `
			SELECT coalesce(a.balance, 0)::text AS balance, coalesce(a.voting_power, 0)::text AS voting_power, a.delegate,
			       (SELECT coalesce(sum(t.value), 0)::text FROM token_transfers t
			        WHERE t.community_id = $1 AND t.to_address = $2 AND t.from_address = $3
			          AND EXISTS (SELECT 1 FROM token_reward_batches r WHERE r.community_id = t.community_id AND r.tx_hash = t.tx_hash)) AS rewards
			FROM (SELECT 1) one LEFT JOIN token_accounts a ON a.community_id = $1 AND a.address = $2`,
			community, addr, indexZeroAddress)
		if err != nil {
			return err
		}
		v = indexer.AccountView{Address: addr, Balance: parseBig(row.Balance), VotingPower: parseBig(row.Power),
			Delegate: row.Delegate.String, RewardsReceived: parseBig(row.Rewards), AsOf: asOf}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Transfers returns the transfers from or to address, newest first.
func (r *IndexReader) Transfers(ctx context.Context, community string, address common.Address, page guildhall.Page[guildhall.ChainPosition]) (*indexer.List[indexer.TransferView], error) {
	block, index := before(page.After)
	var out indexer.List[indexer.TransferView]
	err := r.db.readIndex(ctx, "list transfers", community, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		var rows []transferRow
		q := `SELECT block_number, block_time, tx_hash, log_index, from_address, to_address, value::text AS value
			FROM token_transfers WHERE community_id = $1 AND %s = $2 AND (block_number, log_index) < ($3, $4)
			ORDER BY block_number DESC, log_index DESC LIMIT $5`
		err := tx.SelectContext(ctx, &rows, `SELECT * FROM (
			(`+fmt.Sprintf(q, "from_address")+`) UNION (`+fmt.Sprintf(q, "to_address")+`)) x
			ORDER BY block_number DESC, log_index DESC LIMIT $5`,
			community, address.Hex(), block, index, page.Limit+1)
		if err != nil {
			return err
		}
		out.AsOf = asOf
		out.Items, out.Next = pageOf(rows, page.Limit, func(r transferRow) (indexer.TransferView, string) {
			return indexer.TransferView{BlockNumber: uint64(r.Number), BlockTime: uint64(r.Time),
				TxHash: r.Tx, LogIndex: uint(r.Index), From: r.From, To: r.To, Value: parseBig(r.Value)}, chainKey(r.Number, r.Index)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Holders returns the accounts with a positive balance, largest first.
func (r *IndexReader) Holders(ctx context.Context, community string, page guildhall.Page[guildhall.HolderPosition]) (*indexer.List[indexer.HolderView], error) {
	var out indexer.List[indexer.HolderView]
	err := r.db.readIndex(ctx, "list holders", community, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		var rows []holderRow
		var err error
		// The table is aliased and every column qualified: an unqualified ORDER BY balance would
		// sort by the balance::text output column, putting 9 above 10.
		const cols = `SELECT a.address, a.balance::text AS balance, a.voting_power::text AS voting_power FROM token_accounts a`
		if page.After == nil {
			err = tx.SelectContext(ctx, &rows, cols+` WHERE a.community_id = $1 AND a.balance > 0
				ORDER BY a.balance DESC, a.address LIMIT $2`, community, page.Limit+1)
		} else {
			err = tx.SelectContext(ctx, &rows, cols+` WHERE a.community_id = $1 AND a.balance > 0
				AND (a.balance < $3::numeric OR (a.balance = $3::numeric AND a.address > $4))
				ORDER BY a.balance DESC, a.address LIMIT $2`, community, page.Limit+1, bigText(page.After.Balance), page.After.Address)
		}
		if err != nil {
			return err
		}
		out.AsOf = asOf
		out.Items, out.Next = pageOf(rows, page.Limit, func(r holderRow) (indexer.HolderView, string) {
			v := indexer.HolderView{Address: r.Address, Balance: parseBig(r.Balance), VotingPower: parseBig(r.Power)}
			return v, guildhall.HolderPosition{Balance: v.Balance, Address: v.Address}.String()
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// indexProposalRow is a proposals row as the reads scan it.
type indexProposalRow struct {
	ID            string         `db:"proposal_id"`
	Proposer      string         `db:"proposer"`
	Title         string         `db:"title"`
	Description   string         `db:"description"`
	State         string         `db:"state"`
	Checked       sql.NullInt64  `db:"state_checked_block"`
	VoteStart     int64          `db:"vote_start"`
	VoteEnd       int64          `db:"vote_end"`
	Block         int64          `db:"block_number"`
	Index         int64          `db:"log_index"`
	Tx            string         `db:"tx_hash"`
	Eta           sql.NullInt64  `db:"eta"`
	For           string         `db:"for_votes"`
	Against       string         `db:"against_votes"`
	Abstain       string         `db:"abstain_votes"`
	ForVoters     int64          `db:"for_voters"`
	AgainstVoters int64          `db:"against_voters"`
	AbstainVoters int64          `db:"abstain_voters"`
	IssuerID      sql.NullInt64  `db:"issuer_id"`
	IssuerName    sql.NullString `db:"issuer_name"`
}

// indexProposalColumns reads proposals (p) with the issuer that opened each through the API, if
// one did (its plan names it).
const indexProposalColumns = `SELECT p.proposal_id::text AS proposal_id, p.proposer, p.title, p.description, p.state, p.state_checked_block,
	p.vote_start, p.vote_end, p.block_number, p.log_index, p.tx_hash, p.eta, p.for_votes::text AS for_votes,
	p.against_votes::text AS against_votes, p.abstain_votes::text AS abstain_votes, p.for_voters, p.against_voters, p.abstain_voters,
	i.id AS issuer_id, i.name AS issuer_name
	FROM proposals p LEFT JOIN governance_plans g ON g.community_id = p.community_id AND g.proposal_id = p.proposal_id
	LEFT JOIN issuers i ON i.id = g.issuer_id`

func (r *indexProposalRow) view(asOf guildhall.AsOf) indexer.ProposalView {
	return indexer.ProposalView{
		ID: parseBig(r.ID), Proposer: r.Proposer, Title: r.Title, Description: r.Description, State: r.State,
		StateFromNode: r.Checked.Valid, VoteStart: uint64(r.VoteStart), VoteEnd: uint64(r.VoteEnd),
		CreatedBlock: uint64(r.Block), CreatedTx: r.Tx, Eta: uint64(r.Eta.Int64),
		Tally: indexer.TallyView{For: parseBig(r.For), Against: parseBig(r.Against), Abstain: parseBig(r.Abstain),
			ForVoters: r.ForVoters, AgainstVoters: r.AgainstVoters, AbstainVoters: r.AbstainVoters},
		OpenedBy: openedBy(r.IssuerID, r.IssuerName),
		AsOf:     asOf,
	}
}

// openedBy is the issuer a proposal's plan names, or nil.
func openedBy(id sql.NullInt64, name sql.NullString) *indexer.IssuerRef {
	if !id.Valid {
		return nil
	}
	return &indexer.IssuerRef{ID: id.Int64, Name: name.String}
}

// Proposals returns a community's proposals, newest first, only those in state when it is not nil.
func (r *IndexReader) Proposals(ctx context.Context, community string, state *governance.State, page guildhall.Page[guildhall.ChainPosition]) (*indexer.List[indexer.ProposalView], error) {
	block, index := before(page.After)
	stateName := ""
	if state != nil {
		stateName = state.String()
	}
	var out indexer.List[indexer.ProposalView]
	err := r.db.readIndex(ctx, "list proposals", community, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		var rows []indexProposalRow
		err := tx.SelectContext(ctx, &rows, indexProposalColumns+`
			WHERE p.community_id = $1 AND ($2 = '' OR p.state = $2) AND (p.block_number, p.log_index) < ($3, $4)
			ORDER BY p.block_number DESC, p.log_index DESC LIMIT $5`, community, stateName, block, index, page.Limit+1)
		if err != nil {
			return err
		}
		out.AsOf = asOf
		out.Items, out.Next = pageOf(rows, page.Limit, func(r indexProposalRow) (indexer.ProposalView, string) {
			return r.view(asOf), chainKey(r.Block, r.Index)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Proposal returns one proposal with its actions and tally; ENOTFOUND if the community has no
// proposal with that id (as of the index).
func (r *IndexReader) Proposal(ctx context.Context, community string, id *big.Int) (*indexer.ProposalView, error) {
	pid := id.String()
	var v indexer.ProposalView
	err := r.db.readIndex(ctx, "read proposal", community, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		var row indexProposalRow
		err := tx.GetContext(ctx, &row, indexProposalColumns+` WHERE p.community_id = $1 AND p.proposal_id = $2::numeric`, community, pid)
		if errors.Is(err, sql.ErrNoRows) {
			return guildhall.Errorf(guildhall.ENOTFOUND, "proposal %s not found in community %q", pid, community)
		}
		if err != nil {
			return err
		}
		v = row.view(asOf)
		var actions []struct {
			Target    string `db:"target"`
			Value     string `db:"value"`
			Calldata  []byte `db:"calldata"`
			Signature string `db:"signature"`
		}
		if err := tx.SelectContext(ctx, &actions, `SELECT target, value::text AS value, calldata, signature FROM proposal_actions
			WHERE community_id = $1 AND proposal_id = $2::numeric ORDER BY index`, community, pid); err != nil {
			return err
		}
		v.Actions = make([]indexer.ActionView, 0, len(actions))
		for _, a := range actions {
			v.Actions = append(v.Actions, indexer.ActionView{Target: a.Target, Value: parseBig(a.Value), Calldata: a.Calldata, Signature: a.Signature})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Votes returns a proposal's votes, newest first; ENOTFOUND for an unknown proposal.
func (r *IndexReader) Votes(ctx context.Context, community string, id *big.Int, page guildhall.Page[guildhall.ChainPosition]) (*indexer.List[indexer.VoteView], error) {
	pid := id.String()
	block, index := before(page.After)
	var out indexer.List[indexer.VoteView]
	err := r.db.readIndex(ctx, "list votes", community, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM proposals WHERE community_id = $1 AND proposal_id = $2::numeric)`,
			community, pid); err != nil {
			return err
		}
		if !exists {
			return guildhall.Errorf(guildhall.ENOTFOUND, "proposal %s not found in community %q", pid, community)
		}
		var rows []voteRow
		if err := tx.SelectContext(ctx, &rows, `
			SELECT voter, support, weight::text AS weight, reason, params, block_number, tx_hash, log_index FROM votes
			WHERE community_id = $1 AND proposal_id = $2::numeric AND (block_number, log_index) < ($3, $4)
			ORDER BY block_number DESC, log_index DESC LIMIT $5`, community, pid, block, index, page.Limit+1); err != nil {
			return err
		}
		out.AsOf = asOf
		out.Items, out.Next = pageOf(rows, page.Limit, func(r voteRow) (indexer.VoteView, string) {
			return indexer.VoteView{Voter: r.Voter, Support: uint8(r.Support), Weight: parseBig(r.Weight),
				Reason: r.Reason, Params: r.Params, BlockNumber: uint64(r.Block), TxHash: r.Tx, LogIndex: uint(r.Index)}, chainKey(r.Block, r.Index)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DuplicateEvents counts events stored more than once under different keys (the same
// transaction and log index twice): zero unless something is wrong.
func (r *IndexReader) DuplicateEvents(ctx context.Context) (int64, error) {
	var n int64
	err := r.db.db.GetContext(ctx, &n, `SELECT
		(SELECT count(*) - count(DISTINCT (tx_hash, log_index)) FROM token_transfers) +
		(SELECT count(*) - count(DISTINCT (tx_hash, log_index)) FROM token_delegate_votes) +
		(SELECT count(*) - count(DISTINCT (tx_hash, log_index)) FROM token_delegate_changes) +
		(SELECT count(*) - count(DISTINCT (tx_hash, log_index)) FROM token_reward_batches) +
		(SELECT count(*) - count(DISTINCT (tx_hash, log_index)) FROM votes) +
		(SELECT count(*) - count(DISTINCT (tx_hash, log_index)) FROM proposal_events) +
		(SELECT count(*) - count(DISTINCT (tx_hash, log_index)) FROM timelock_events) +
		(SELECT count(*) - count(DISTINCT (tx_hash, log_index)) FROM governance_setting_events) +
		(SELECT count(*) - count(DISTINCT (tx_hash, log_index)) FROM proposals)`)
	if err != nil {
		return 0, r.db.queryError("count duplicate events", err)
	}
	return n, nil
}

// EventCounts returns the number of stored events per table.
func (r *IndexReader) EventCounts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, table := range []string{"token_transfers", "token_delegate_votes", "token_delegate_changes", "token_reward_batches",
		"proposals", "votes", "proposal_events", "timelock_events", "governance_setting_events"} {
		var n int64
		if err := r.db.db.GetContext(ctx, &n, `SELECT count(*) FROM `+table); err != nil {
			return nil, r.db.queryError("count events", err)
		}
		out[table] = n
	}
	return out, nil
}

// IndexedEvent names one stored event: its table and natural key, and its transaction.
type IndexedEvent struct {
	Table     string `db:"tbl"`
	BlockHash string `db:"block_hash"`
	LogIndex  uint   `db:"log_index"`
	TxHash    string `db:"tx_hash"`
}

// IndexedEvents returns every event stored for community, in every event table: for tests that
// compare the index with the node's eth_getLogs.
func (r *IndexReader) IndexedEvents(ctx context.Context, community string) ([]IndexedEvent, error) {
	var out []IndexedEvent
	var q []string
	for _, table := range []string{"token_transfers", "token_delegate_votes", "token_delegate_changes", "token_reward_batches",
		"proposals", "votes", "proposal_events", "timelock_events", "governance_setting_events"} {
		q = append(q, `SELECT '`+table+`' AS tbl, block_hash, log_index, tx_hash FROM `+table+` WHERE community_id = $1`)
	}
	if err := r.db.db.SelectContext(ctx, &out, strings.Join(q, " UNION ALL ")+` ORDER BY 2, 3`, community); err != nil {
		return nil, r.db.queryError("list indexed events", err)
	}
	return out, nil
}

// transferRow, holderRow and voteRow are rows of the lists as the reads scan them.
type transferRow struct {
	Number int64  `db:"block_number"`
	Time   int64  `db:"block_time"`
	Tx     string `db:"tx_hash"`
	Index  int64  `db:"log_index"`
	From   string `db:"from_address"`
	To     string `db:"to_address"`
	Value  string `db:"value"`
}

type holderRow struct {
	Address string `db:"address"`
	Balance string `db:"balance"`
	Power   string `db:"voting_power"`
}

type voteRow struct {
	Voter   string `db:"voter"`
	Support int16  `db:"support"`
	Weight  string `db:"weight"`
	Reason  string `db:"reason"`
	Params  []byte `db:"params"`
	Block   int64  `db:"block_number"`
	Tx      string `db:"tx_hash"`
	Index   int64  `db:"log_index"`
}

// pageOf turns the rows of a query asked for limit+1 rows into a page's items and, when the
// extra row came, the key of the page's last item (else "").
func pageOf[R, T any](rows []R, limit int, view func(R) (T, string)) (items []T, next string) {
	for i, r := range rows {
		if i == limit {
			break
		}
		var item T
		item, next = view(r)
		items = append(items, item)
	}
	if len(rows) <= limit {
		next = ""
	}
	return items, next
}

// before returns where a list ordered by (block_number, log_index) descending continues: below
// after, or from the top when after is nil.
func before(after *guildhall.ChainPosition) (block, index int64) {
	if after == nil {
		return 1<<63 - 1, 0
	}
	return int64(after.Block), int64(after.LogIndex)
}

// chainKey is the list key of the row at (block, index).
func chainKey(block, index int64) string {
	return guildhall.ChainPosition{Block: uint64(block), LogIndex: uint(index)}.String()
}
