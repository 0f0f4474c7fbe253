package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
)

var (
	_ govchain.RelayStore = (*GovernanceStore)(nil)
	_ govchain.PlanStore  = (*GovernanceStore)(nil)
)

// GovernanceStore records the relays the API sends for wallets (gasless ballots and
// delegations) and the plans of the proposals it opens.
type GovernanceStore struct {
	db *DB
}

// NewGovernanceStore returns the governance store over db.
func NewGovernanceStore(db *DB) *GovernanceStore {
	return &GovernanceStore{db: db}
}

// ReserveRelay records a relay before it is sent (see govchain.RelayStore). The wallet's relays
// are counted and the new one inserted under a transaction-scoped advisory lock on (community,
// wallet), so concurrent requests cannot exceed the limit together.
func (st *GovernanceStore) ReserveRelay(ctx context.Context, r *govchain.RelayRecord, limit governance.RelayLimit, now time.Time) error {
	tx, err := st.db.db.BeginTxx(ctx, nil)
	if err != nil {
		return st.db.queryError("reserve relay", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, relayLockKey(r.CommunityID, r.Wallet)); err != nil {
		return st.db.queryError("reserve relay", err)
	}
	if limit.Max > 0 {
		var window struct {
			Used   int          `db:"used"`
			Oldest sql.NullTime `db:"oldest"`
		}
		err := tx.GetContext(ctx, &window, `SELECT count(*) AS used, min(created_at) AS oldest FROM governance_relays
			WHERE community_id = $1 AND wallet = $2 AND created_at > $3`,
			r.CommunityID, r.Wallet.Hex(), now.Add(-limit.Window))
		if err != nil {
			return st.db.queryError("reserve relay", err)
		}
		if err := limit.Check(r.Wallet, window.Used, window.Oldest.Time, now); err != nil {
			return err
		}
	}
	if r.Kind == "ballot" {
		if err := st.pendingBallotWithNonce(ctx, tx, r); err != nil {
			return err
		}
	}
	var pid sql.NullString
	if r.ProposalID != nil {
		pid = sql.NullString{String: r.ProposalID.String(), Valid: true}
	}
	err = tx.GetContext(ctx, &r.ID, `INSERT INTO governance_relays (community_id, kind, wallet, proposal_id, nonce, created_at)
		VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6) RETURNING id`,
		r.CommunityID, r.Kind, r.Wallet.Hex(), pid, bigText(r.Nonce), now)
	if e := pq.As(err, pqerror.UniqueViolation); e != nil {
		var prior sql.NullString
		_ = st.db.db.GetContext(ctx, &prior, `SELECT tx_hash FROM governance_relays WHERE community_id = $1 AND wallet = $2 AND kind = $3
			AND (proposal_id = $4::numeric OR (kind = 'delegation' AND nonce = $5::numeric)) ORDER BY id DESC LIMIT 1`,
			r.CommunityID, r.Wallet.Hex(), r.Kind, pid, bigText(r.Nonce))
		what := "a ballot from " + r.Wallet.Hex() + " on this proposal"
		if r.Kind == "delegation" {
			what = "a delegation from " + r.Wallet.Hex() + " with nonce " + bigText(r.Nonce)
		}
		if prior.Valid {
			return guildhall.Errorf(guildhall.EUNPROCESSABLE, "%s was already relayed in transaction %s", what, prior.String)
		}
		return guildhall.Errorf(guildhall.EUNPROCESSABLE, "%s is being relayed right now", what)
	}
	if err != nil {
		return st.db.queryError("reserve relay", err)
	}
	if err := tx.Commit(); err != nil {
		return st.db.queryError("reserve relay", err)
	}
	return nil
}

// pendingBallotWithNonce refuses (ECONFLICT) a ballot signed with the same governor nonce as
// another ballot of the wallet, on another proposal, whose transaction is not mined yet: the
// governor counts one nonce per voter across proposals, so the later of the two would revert. Once
// the first is mined the wallet signs again, under the next nonce. Called under the wallet's lock.
func (st *GovernanceStore) pendingBallotWithNonce(ctx context.Context, tx *sqlx.Tx, r *govchain.RelayRecord) error {
	var others []struct {
		ProposalID string         `db:"proposal_id"`
		TxHash     sql.NullString `db:"tx_hash"`
	}
	if err := tx.SelectContext(ctx, &others, `SELECT proposal_id::text AS proposal_id, tx_hash FROM governance_relays
		WHERE community_id = $1 AND wallet = $2 AND kind = 'ballot' AND nonce = $3::numeric AND proposal_id <> $4::numeric`,
		r.CommunityID, r.Wallet.Hex(), bigText(r.Nonce), bigText(r.ProposalID)); err != nil {
		return st.db.queryError("reserve relay", err)
	}
	for _, o := range others {
		pid, _ := new(big.Int).SetString(o.ProposalID, 10)
		key := govchain.BallotRelayKey(r.CommunityID, pid, r.Wallet)
		var pending bool
		if err := tx.GetContext(ctx, &pending, `SELECT EXISTS (SELECT 1 FROM chain_txs
			WHERE (key = $1 OR key LIKE $1 || ':retry-%') AND state = 'pending')`, key); err != nil {
			return st.db.queryError("reserve relay", err)
		}
		if pending || !o.TxHash.Valid {
			return guildhall.Errorf(guildhall.ECONFLICT,
				"%s's ballot on proposal %s, signed with the same governor nonce %s, is not mined yet: wait for it, then sign this ballot again (the nonce will have moved on)",
				r.Wallet.Hex(), o.ProposalID, bigText(r.Nonce))
		}
	}
	return nil
}

// FinishRelay records the transaction of a reserved relay.
func (st *GovernanceStore) FinishRelay(ctx context.Context, id int64, txHash common.Hash) error {
	if _, err := st.db.db.ExecContext(ctx, `UPDATE governance_relays SET tx_hash = $2 WHERE id = $1`, id, strings.ToLower(txHash.Hex())); err != nil {
		return st.db.queryError("finish relay", err)
	}
	return nil
}

// CancelRelay forgets a reservation whose transaction was not sent.
func (st *GovernanceStore) CancelRelay(ctx context.Context, id int64) error {
	if _, err := st.db.db.ExecContext(ctx, `DELETE FROM governance_relays WHERE id = $1 AND tx_hash IS NULL`, id); err != nil {
		return st.db.queryError("cancel relay", err)
	}
	return nil
}

func relayLockKey(communityID string, wallet common.Address) int64 {
	h := fnv.New64a()
	h.Write([]byte("relay:" + communityID + ":"))
	h.Write(wallet[:])
	return int64(h.Sum64())
}

// SavePlan records the plan of a proposal the API opened, with the issuer that opened it; saving
// the same proposal again does nothing.
func (st *GovernanceStore) SavePlan(ctx context.Context, communityID string, pid *big.Int, p *govchain.Plan, txHash common.Hash) error {
	targets := make([]string, len(p.Targets))
	amounts := make([]string, len(p.Values))
	for i := range p.Targets {
		targets[i] = p.Targets[i].Hex()
		amounts[i] = bigText(p.Values[i])
	}
	_, err := st.db.db.ExecContext(ctx, `INSERT INTO governance_plans (community_id, proposal_id, description, targets, amounts, calldatas, tx_hash, issuer_id)
		VALUES ($1, $2::numeric, $3, $4, $5::numeric[], $6, $7, nullif($8, 0)) ON CONFLICT DO NOTHING`,
		communityID, pid.String(), p.Description, pq.Array(targets), pq.Array(amounts), pq.ByteaArray(p.Calldatas), strings.ToLower(txHash.Hex()), p.OpenedBy)
	if err != nil {
		return st.db.queryError("save proposal plan", err)
	}
	return nil
}

// Plan returns a proposal's plan: the one the API saved, else the indexed ProposalCreated's
// actions and description (tables of migration 0002); ENOTFOUND when neither has it.
func (st *GovernanceStore) Plan(ctx context.Context, communityID string, pid *big.Int) (*govchain.Plan, error) {
	var row struct {
		Description string         `db:"description"`
		Targets     pq.StringArray `db:"targets"`
		Amounts     pq.StringArray `db:"amounts"`
		Calldatas   pq.ByteaArray  `db:"calldatas"`
	}
	err := st.db.db.GetContext(ctx, &row, `SELECT description, targets, amounts::text[] AS amounts, calldatas FROM governance_plans
		WHERE community_id = $1 AND proposal_id = $2::numeric`, communityID, pid.String())
	if errors.Is(err, sql.ErrNoRows) {
		err = st.db.db.GetContext(ctx, &row, `SELECT p.description,
				coalesce(array_agg(a.target ORDER BY a.index) FILTER (WHERE a.index IS NOT NULL), '{}') AS targets,
				coalesce(array_agg(a.value::text ORDER BY a.index) FILTER (WHERE a.index IS NOT NULL), '{}') AS amounts,
				coalesce(array_agg(a.calldata ORDER BY a.index) FILTER (WHERE a.index IS NOT NULL), '{}') AS calldatas
			FROM proposals p LEFT JOIN proposal_actions a ON a.community_id = p.community_id AND a.proposal_id = p.proposal_id
			WHERE p.community_id = $1 AND p.proposal_id = $2::numeric
			GROUP BY p.description`, communityID, pid.String())
		if errors.Is(err, sql.ErrNoRows) {
			return nil, guildhall.Errorf(guildhall.ENOTFOUND, "proposal %s is not known", pid)
		}
	}
	if err != nil {
		return nil, st.db.queryError("read proposal plan", err)
	}
	p := &govchain.Plan{Description: row.Description}
	for i := range row.Targets {
		v, ok := new(big.Int).SetString(row.Amounts[i], 10)
		if !ok {
			return nil, fmt.Errorf("read proposal plan: bad value %q", row.Amounts[i])
		}
		p.Targets = append(p.Targets, common.HexToAddress(row.Targets[i]))
		p.Values = append(p.Values, v)
		p.Calldatas = append(p.Calldatas, row.Calldatas[i])
	}
	return p, nil
}
