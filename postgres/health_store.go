package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
)

// HealthStore reads a community's health figures (issue 11) from member_activity_days (migration
// 0009, kept by triggers in the transaction of every fact), the reward ledger and the indexed
// chain tables, and keeps each community's staff list. Every read runs in one REPEATABLE READ
// snapshot that first reads the community's as_of (readIndex), so all of its figures are true at
// that block and at its ledger_through. Heavy aggregation runs in SQL; per-request data that is
// small (holders' values, delegate counts over ten proposals) goes through package health's
// functions, the same ones the tests use as the brute-force oracle.
type HealthStore struct {
	db      *DB
	records blockCache[[]health.DelegateRecord]
	holders blockCache[[]int]
	// holdersNow keeps the holders at as_of.
	holdersNow blockCache[int]
	// governance keeps the last Governance read's chain figures.
	governance blockCache[[]governanceRow]
	// Figures computed in Go from the block's records, by blockKey: sorting every account per
	// request cost more than reading them.
	concentration   blockCache[health.ConcentrationReport]
	sortedDelegates blockCache[[]health.DelegateRecord]
	overviewChain   blockCache[health.OverviewReport]
	// The member figures, by ledgerKey.
	overview     blockCache[overviewMembers]
	series       blockCache[[]rollupRow]
	retention    blockCache[[]retentionRow]
	lifecycle    blockCache[[]rollupRow]
	contribution blockCache[contributionMembers]
	atRisk       blockCache[[]atRiskRow]
}

// NewHealthStore returns the health store of db.
func NewHealthStore(db *DB) *HealthStore { return &HealthStore{db: db} }

// healthTx is one read's snapshot: its transaction, community, excluded accounts and meta.
type healthTx struct {
	ctx       context.Context
	store     *HealthStore
	tx        *sqlx.Tx
	community string
	excluded  []string // EIP-55
	meta      health.Meta
	ledger    int64 // the community's ledger version (the sum of its reward_ledger_versions rows; 0 before any)
	// generation is the community's index generation (0016), bumped when a reindex swaps in
	// rebuilt rows under the same as_of block.
	generation int64
}

// query runs a SELECT into dest (a slice) with the snapshot's args.
func (h *healthTx) query(dest any, q string, args ...any) error {
	return h.tx.SelectContext(h.ctx, dest, q, args...)
}

// get runs a one-row SELECT into dest.
func (h *healthTx) get(dest any, q string, args ...any) error {
	return h.tx.GetContext(h.ctx, dest, q, args...)
}

// base returns the arguments every member query starts with: $1 community, $2 excluded accounts,
// $3 today (an ISO date).
func (h *healthTx) base(more ...any) []any {
	return append([]any{h.community, pq.Array(h.excluded), h.meta.Today.String()}, more...)
}

// read runs fn in a snapshot of scope's community after reading its as_of, excluded accounts and
// ledger_through.
func (s *HealthStore) read(ctx context.Context, op string, scope health.Scope, fn func(h *healthTx) error) (health.Meta, error) {
	s.db.compactLongHealthJournal(ctx, scope.Community)
	var meta health.Meta
	err := s.db.readIndex(ctx, op, scope.Community, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		h, err := openHealthTx(ctx, s, tx, scope, asOf)
		if err != nil {
			return err
		}
		meta = h.meta
		return fn(h)
	})
	return meta, err
}

// openHealthTx reads, in tx (a snapshot at asOf), scope's excluded accounts and ledger_through.
func openHealthTx(ctx context.Context, s *HealthStore, tx *sqlx.Tx, scope health.Scope, asOf guildhall.AsOf) (*healthTx, error) {
	h := &healthTx{ctx: ctx, store: s, tx: tx, community: scope.Community,
		meta: health.Meta{AsOf: asOf, Today: health.DayOf(time.Unix(int64(asOf.Time), 0))}}
	// The reads aggregate tens of thousands of activity days in memory (hash aggregates and
	// sorts that spill at the default work_mem) and are short: JIT compiling costs more than it saves.
	if _, err := tx.ExecContext(ctx, `SET LOCAL work_mem = '32MB'; SET LOCAL jit = off`); err != nil {
		return nil, err
	}
	if err := h.loadExcluded(scope.Operator); err != nil {
		return nil, err
	}
	var ledger struct {
		Through    sql.NullTime
		Version    int64
		Generation int64
		Deferred   bool
	}
	// The newest reward the figures include: up to the end of today, not failed, not to an
	// excluded account (rewards_community_created, read backwards); the ledger version; and
	// whether a backfill deferred the indexes the per-member lookups need (0035).
	if err := h.get(&ledger, `SELECT (SELECT max(created_at) FROM rewards WHERE community_id = $1 AND status <> 'failed'
			AND wallet <> ALL($2) AND created_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC') AS through,
			coalesce((SELECT sum(version) FROM reward_ledger_versions WHERE community_id = $1), 0) AS version,
			(SELECT generation FROM index_progress WHERE community_id = $1) AS generation,
			EXISTS (SELECT 1 FROM index_deferred) AS deferred`, h.base()...); err != nil {
		return nil, err
	}
	if ledger.Deferred {
		return nil, errIndexesDeferred(asOf)
	}
	if ledger.Through.Valid {
		t := ledger.Through.Time.UTC()
		h.meta.LedgerThrough = &t
	}
	h.ledger, h.generation = ledger.Version, ledger.Generation
	return h, nil
}

// loadExcluded reads the accounts left out of every figure: the zero address, the community's
// contracts, its staff and the operator.
func (h *healthTx) loadExcluded(operator string) error {
	var rows []string
	if err := h.query(&rows, `
		SELECT unnest(ARRAY[token_address, governor_address, timelock_address]) FROM communities WHERE id = $1
		UNION SELECT address FROM community_staff WHERE community_id = $1`, h.community); err != nil {
		return err
	}
	h.excluded = []string{indexZeroAddress}
	for _, a := range append(rows, operator) {
		if common.IsHexAddress(a) {
			h.excluded = append(h.excluded, common.HexToAddress(a).Hex())
		}
	}
	return nil
}

// AddStaff puts address on community's staff list (again: nothing changes). Staff are left out
// of every figure, retroactively. An unknown community is ENOTFOUND.
func (s *HealthStore) AddStaff(ctx context.Context, community string, address common.Address) error {
	_, err := s.db.db.ExecContext(ctx, `INSERT INTO community_staff (community_id, address) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, community, address.Hex())
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23503" { // foreign_key_violation
		return guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", community)
	}
	if err != nil {
		return s.db.queryError("add staff", err)
	}
	return nil
}

// RemoveStaff takes address off community's staff list; it is ENOTFOUND when it is not on it.
func (s *HealthStore) RemoveStaff(ctx context.Context, community string, address common.Address) error {
	res, err := s.db.db.ExecContext(ctx, `DELETE FROM community_staff WHERE community_id = $1 AND address = $2`, community, address.Hex())
	if err != nil {
		return s.db.queryError("remove staff", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return guildhall.Errorf(guildhall.ENOTFOUND, "%s is not on the staff of community %q", address.Hex(), community)
	}
	return nil
}

// Staff lists community's staff, by address.
func (s *HealthStore) Staff(ctx context.Context, community string) ([]health.StaffMember, error) {
	out := []health.StaffMember{}
	if err := s.db.db.SelectContext(ctx, &out, `SELECT address, added_at FROM community_staff WHERE community_id = $1 ORDER BY address`,
		community); err != nil {
		return nil, s.db.queryError("list staff", err)
	}
	return out, nil
}
