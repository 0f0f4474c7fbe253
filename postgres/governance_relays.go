package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
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
// wallet), and its gas added to the community's day under that day's row lock, so concurrent
// requests cannot exceed the limit or the budget together.
func (st *GovernanceStore) ReserveRelay(ctx context.Context, r *govchain.RelayRecord, limit governance.RelayLimit, budget governance.RelayBudget, now time.Time) error {
	if r.Gas > math.MaxInt64 {
		return fmt.Errorf("reserve relay: gas %d out of range", r.Gas)
	}
	tx, err := st.db.db.BeginTxx(ctx, nil)
	if err != nil {
		return st.db.queryError("reserve relay", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, relayLockKey(r.CommunityID, r.Wallet)); err != nil {
		return st.db.queryError("reserve relay", err)
	}
	if err := st.checkWalletLimit(ctx, tx, r, limit, now); err != nil {
		return err
	}
	if r.Kind == "ballot" {
		if err := st.pendingBallotWithNonce(ctx, tx, r); err != nil {
			return err
		}
	}
	if err := st.insertRelay(ctx, tx, r, now); err != nil {
		return err
	}
	// The day's row is locked last and held only to commit: every relay of the community takes
	// it, so nothing slow may come after.
	if err := st.reserveGas(ctx, tx, r, budget, now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return st.db.queryError("reserve relay", err)
	}
	return nil
}

// checkWalletLimit refuses a relay past the wallet's limit (governance.RelayLimit.Check).
func (st *GovernanceStore) checkWalletLimit(ctx context.Context, tx *sqlx.Tx, r *govchain.RelayRecord, limit governance.RelayLimit, now time.Time) error {
	if limit.Max <= 0 {
		return nil
	}
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
	return limit.Check(r.Wallet, window.Used, window.Oldest.Time, now)
}

// insertRelay records r, with what sending it takes, and sets r.ID; a ballot or delegation
// reserved before is a *govchain.RelayTaken carrying that reservation.
func (st *GovernanceStore) insertRelay(ctx context.Context, tx *sqlx.Tx, r *govchain.RelayRecord, now time.Time) error {
	err := tx.GetContext(ctx, &r.ID, `INSERT INTO governance_relays (community_id, kind, wallet, proposal_id, nonce, created_at, gas_reserved, send_key, send_to, calldata)
		VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6, $7, $8, $9, $10) RETURNING id`,
		r.CommunityID, r.Kind, r.Wallet.Hex(), proposalText(r), bigText(r.Nonce), now, int64(r.Gas), r.Key, r.To.Hex(), r.Calldata)
	if e := pq.As(err, pqerror.UniqueViolation); e != nil {
		return st.relayTaken(ctx, r)
	}
	if err != nil {
		return st.db.queryError("reserve relay", err)
	}
	return nil
}

// proposalText is r's proposal id for a numeric parameter, NULL for a delegation.
func proposalText(r *govchain.RelayRecord) sql.NullString {
	if r.ProposalID == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: r.ProposalID.String(), Valid: true}
}

// relayRow is a governance_relays row as the resumer and a retry read it.
type relayRow struct {
	ID          int64          `db:"id"`
	CommunityID string         `db:"community_id"`
	Kind        string         `db:"kind"`
	Wallet      string         `db:"wallet"`
	ProposalID  sql.NullString `db:"proposal_id"`
	Nonce       string         `db:"nonce"`
	TxHash      sql.NullString `db:"tx_hash"`
	Gas         int64          `db:"gas_reserved"`
	Key         sql.NullString `db:"send_key"`
	To          sql.NullString `db:"send_to"`
	Calldata    []byte         `db:"calldata"`
}

const relayColumns = `r.id, r.community_id, r.kind, r.wallet, r.proposal_id::text AS proposal_id, r.nonce::text AS nonce, r.tx_hash,
	r.gas_reserved, r.send_key, r.send_to, r.calldata`

func (row *relayRow) record() govchain.RelayRecord {
	rec := govchain.RelayRecord{ID: row.ID, CommunityID: row.CommunityID, Kind: row.Kind, Wallet: common.HexToAddress(row.Wallet),
		Gas: uint64(row.Gas), Key: row.Key.String, To: common.HexToAddress(row.To.String), Calldata: row.Calldata}
	rec.Nonce, _ = new(big.Int).SetString(row.Nonce, 10)
	if row.ProposalID.Valid {
		rec.ProposalID, _ = new(big.Int).SetString(row.ProposalID.String, 10)
	}
	if row.TxHash.Valid {
		rec.TxHash = common.HexToHash(row.TxHash.String)
	}
	return rec
}

// relayTaken reads the reservation that holds r's ballot or delegation and returns it in a
// *govchain.RelayTaken saying so (EUNPROCESSABLE).
func (st *GovernanceStore) relayTaken(ctx context.Context, r *govchain.RelayRecord) error {
	var prior relayRow
	err := st.db.db.GetContext(ctx, &prior, `SELECT `+relayColumns+` FROM governance_relays r
		WHERE community_id = $1 AND wallet = $2 AND kind = $3
		AND (proposal_id = $4::numeric OR (kind = 'delegation' AND nonce = $5::numeric)) ORDER BY id DESC LIMIT 1`,
		r.CommunityID, r.Wallet.Hex(), r.Kind, proposalText(r), bigText(r.Nonce))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st.db.queryError("reserve relay", err)
	}
	what := "a ballot from " + r.Wallet.Hex() + " on this proposal"
	if r.Kind == "delegation" {
		what = "a delegation from " + r.Wallet.Hex() + " with nonce " + bigText(r.Nonce)
	}
	taken := &govchain.RelayTaken{Prior: prior.record(), Err: guildhall.Errorf(guildhall.EUNPROCESSABLE, "%s is being relayed right now", what)}
	if prior.TxHash.Valid {
		taken.Err = guildhall.Errorf(guildhall.EUNPROCESSABLE, "%s was already relayed in transaction %s", what, prior.TxHash.String)
	}
	return taken
}

// StrandedRelays returns up to limit reservations made before `before` that name no transaction,
// oldest first, each with the transaction the sender recorded under its key (the mined attempt,
// else the newest), if any (see govchain.RelayStore).
func (st *GovernanceStore) StrandedRelays(ctx context.Context, before time.Time, limit int) ([]govchain.StrandedRelay, error) {
	var rows []struct {
		relayRow
		Sent sql.NullString `db:"sent"`
	}
	err := st.db.db.SelectContext(ctx, &rows, `SELECT `+relayColumns+`,
			(SELECT coalesce(c.mined_hash, (SELECT a.hash FROM chain_tx_attempts a WHERE a.tx_id = c.id ORDER BY a.created_at DESC, a.hash DESC LIMIT 1))
			 FROM chain_txs c WHERE c.key = r.send_key) AS sent
		FROM governance_relays r WHERE r.tx_hash IS NULL AND r.created_at < $1 ORDER BY r.created_at, r.id LIMIT $2`, before, limit)
	if err != nil {
		return nil, st.db.queryError("list stranded relays", err)
	}
	out := make([]govchain.StrandedRelay, len(rows))
	for i, row := range rows {
		out[i] = govchain.StrandedRelay{RelayRecord: row.record()}
		if row.Sent.Valid {
			out[i].Sent = common.HexToHash(row.Sent.String)
		}
	}
	return out, nil
}

// reserveGas adds r.Gas to its community's gas of now's UTC day, under the day row's lock, unless
// that passes the budget (governance.RelayBudget.Check).
func (st *GovernanceStore) reserveGas(ctx context.Context, tx *sqlx.Tx, r *govchain.RelayRecord, budget governance.RelayBudget, now time.Time) error {
	day := utcDate(now)
	var used int64
	err := tx.GetContext(ctx, &used, `INSERT INTO relay_gas_days (community_id, day, gas) VALUES ($1, $2::date, 0)
		ON CONFLICT (community_id, day) DO UPDATE SET gas = relay_gas_days.gas RETURNING gas`, r.CommunityID, day)
	if err != nil {
		return st.db.queryError("reserve relay gas", err)
	}
	if err := budget.Check(r.CommunityID, uint64(used), r.Gas, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE relay_gas_days SET gas = gas + $3 WHERE community_id = $1 AND day = $2::date`,
		r.CommunityID, day, int64(r.Gas)); err != nil {
		return st.db.queryError("reserve relay gas", err)
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

// CancelRelay forgets a reservation whose transaction was not sent and gives its gas back to
// its day; a reservation the sender recorded a transaction for stays.
func (st *GovernanceStore) CancelRelay(ctx context.Context, id int64) error {
	return st.db.inTx(ctx, "cancel relay", true, func(tx *sqlx.Tx) error {
		return adjustRelayGas(ctx, tx, `DELETE FROM governance_relays r WHERE id = $1 AND tx_hash IS NULL
			AND NOT EXISTS (SELECT 1 FROM chain_txs c WHERE c.key = r.send_key)
			RETURNING community_id, created_at, gas_reserved, 0 AS gas_now`, id)
	})
}

// adjustRelayGas runs change, which returns the relay row it changed (community_id, created_at,
// gas_reserved, and gas_now: what the relay counts for now), and moves the relay's day by
// gas_now - gas_reserved. A change that matched no row changes nothing.
func adjustRelayGas(ctx context.Context, tx *sqlx.Tx, change string, args ...any) error {
	var row struct {
		CommunityID string    `db:"community_id"`
		CreatedAt   time.Time `db:"created_at"`
		Reserved    int64     `db:"gas_reserved"`
		Now         int64     `db:"gas_now"`
	}
	err := tx.GetContext(ctx, &row, change, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE relay_gas_days SET gas = greatest(gas + $3 - $4, 0) WHERE community_id = $1 AND day = $2::date`,
		row.CommunityID, utcDate(row.CreatedAt), row.Now, row.Reserved)
	return err
}

// SettleRelay counts the gas a relay's transaction used toward its day in place of what it
// reserved; settling a relay again changes nothing.
func (st *GovernanceStore) SettleRelay(ctx context.Context, id int64, gasUsed uint64) error {
	if gasUsed > math.MaxInt64 {
		return fmt.Errorf("settle relay %d: gas %d out of range", id, gasUsed)
	}
	return st.db.inTx(ctx, "settle relay", true, func(tx *sqlx.Tx) error {
		return adjustRelayGas(ctx, tx, `UPDATE governance_relays SET gas_used = $2 WHERE id = $1 AND gas_used IS NULL
			RETURNING community_id, created_at, gas_reserved, gas_used AS gas_now`, id, int64(gasUsed))
	})
}

// relayKeys matches the sender keys of relayed ballots and delegations (govchain's).
const relayKeys = `(key LIKE 'gov:ballot:%' OR key LIKE 'gov:delegation:%')`

// RelaysInFlight counts the relayed transactions of the operator's sender not mined yet.
func (st *GovernanceStore) RelaysInFlight(ctx context.Context) (int, error) {
	var n int
	if err := st.db.db.GetContext(ctx, &n, `SELECT count(*) FROM chain_txs WHERE state = 'pending' AND `+relayKeys); err != nil {
		return 0, st.db.queryError("count relays in flight", err)
	}
	return n, nil
}

// UnsettledRelays returns up to limit relays whose transaction is final and whose gas is not
// settled yet, oldest first: the relay's recorded transaction is one attempt of a sender intent,
// and the intent's mined hash is the attempt that was mined.
func (st *GovernanceStore) UnsettledRelays(ctx context.Context, limit int) ([]govchain.UnsettledRelay, error) {
	var rows []struct {
		ID       int64  `db:"id"`
		Mined    string `db:"mined_hash"`
		Reserved int64  `db:"gas_reserved"`
	}
	err := st.db.db.SelectContext(ctx, &rows, `SELECT r.id, c.mined_hash, r.gas_reserved FROM governance_relays r
		JOIN chain_tx_attempts a ON a.hash = r.tx_hash JOIN chain_txs c ON c.id = a.tx_id
		WHERE r.gas_used IS NULL AND r.tx_hash IS NOT NULL AND c.state = 'final' AND c.mined_hash IS NOT NULL
		ORDER BY r.id LIMIT $1`, limit)
	if err != nil {
		return nil, st.db.queryError("list unsettled relays", err)
	}
	out := make([]govchain.UnsettledRelay, len(rows))
	for i, r := range rows {
		out[i] = govchain.UnsettledRelay{ID: r.ID, Mined: common.HexToHash(r.Mined), Reserved: uint64(r.Reserved)}
	}
	return out, nil
}

// RelayGasOn returns every community's relayed gas (spent, or reserved while not settled) of the
// UTC day that holds day: 0 for a community that relayed nothing that day, so a gauge (and an
// alert on it) has a series for each community from the start.
func (st *GovernanceStore) RelayGasOn(ctx context.Context, day time.Time) (map[string]uint64, error) {
	var rows []struct {
		CommunityID string `db:"community_id"`
		Gas         int64  `db:"gas"`
	}
	if err := st.db.db.SelectContext(ctx, &rows, `SELECT c.id AS community_id, COALESCE(g.gas, 0) AS gas
		FROM communities c LEFT JOIN relay_gas_days g ON g.community_id = c.id AND g.day = $1::date`, utcDate(day)); err != nil {
		return nil, st.db.queryError("read relayed gas", err)
	}
	out := make(map[string]uint64, len(rows))
	for _, r := range rows {
		out[r.CommunityID] = uint64(r.Gas)
	}
	return out, nil
}

// utcDate is the date of t's UTC day as PostgreSQL reads a date, whatever the session's time zone.
func utcDate(t time.Time) string { return governance.UTCDay(t).Format(time.DateOnly) }

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
