package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/indexer"
)

// A reindex rebuilds one community's indexed and derived rows from the chain while the live index
// keeps serving and advancing, then swaps them in (guildhall reindex, issue 15).
//
// The rebuild runs the indexer's own code (IndexWriter, unchanged) against a shadow: a schema of
// its own, guildhall_reindex_<community>, holding an empty copy (CREATE UNLOGGED TABLE ... (LIKE
// ... INCLUDING ALL)) of every table the indexer writes and a view "communities" that shows only
// the community being rebuilt. The shadow's connections have that schema alone on their search
// path, so a table the shadow lacks is an error, never a write to a live table; the copies have
// no triggers and no foreign keys, so the rebuild touches nothing outside the shadow. The shadow
// has its own cursor, remembered blocks and reorg handling: it is a one-community index.
//
// The swap is one transaction on the live tables. It first locks the live cursor's row: the live
// indexer takes that row first in every batch that moves the cursor and in every rewind, so it
// waits (and the API keeps reading the old rows from its snapshots) until the swap commits or
// rolls back, and then goes on from the same cursor over the new rows. The swap applies only the
// difference: rows the shadow lacks are deleted, rows that differ updated, rows missing inserted,
// table by table on each table's primary key, so the triggers of 0009 keep member_activity_days
// in step as for any indexer write; then the chain side of member_activity_days is recomputed from
// the new rows (repairing any drift), and index_progress.generation is bumped (0016) so that no
// cache keyed on the as_of block hash serves a figure of the replaced rows.
//
// A killed or failed reindex changes no live row (the swap commits whole or not at all) and leaves
// the shadow behind: the next run of the same community resumes it, or starts over with fresh.
// Two runs of one community exclude each other through an advisory lock.

// reindexTables are the tables the indexer writes a community's rows to, in the order the swap
// applies them: proposals before their actions and votes (foreign keys), transfers before
// delegate changes (the order of the indexer's own writes, which the activity triggers rely on).
var reindexTables = []string{
	"token_transfers", "token_delegate_votes", "token_delegate_changes", "token_reward_batches",
	"token_accounts", "token_supply",
	"proposals", "proposal_actions", "votes", "proposal_events", "timelock_events",
	"governance_setting_events", "governance_settings",
}

// reindexBookkeeping are the shadow's own cursor, remembered blocks and progress: never swapped,
// the live ones being shared by every community (the community's live progress already names the
// block the swapped rows are true at).
var reindexBookkeeping = []string{"index_cursor", "index_blocks", "index_progress"}

// reindexLockClass is the first key of the per-community reindex lock,
// pg_try_advisory_lock(reindexLockClass, hashtext(community)).
const reindexLockClass = 0x67756972 // "guir"

// Reindex is one community's rebuild: its shadow and the lock that makes it the only one.
type Reindex struct {
	db        *DB
	community string
	live      string // the schema of the live tables
	schema    string // the shadow's
	shadow    *DB
	release   func()
	// Resumed says whether a shadow left by an earlier run was taken up.
	Resumed bool
	// Changes is what the swap did, At the block the swapped rows are true at, and Held how long
	// it held the live cursor (the live indexer waited), once it has.
	Changes []TableChange
	At      indexer.BlockRef
	Held    time.Duration
}

// ReindexSchema is the name of the shadow schema of community's reindex.
func ReindexSchema(community string) string { return "guildhall_reindex_" + community }

// StartReindex prepares community's rebuild: it takes the community's reindex lock (ECONFLICT
// while another reindex of it runs), and creates the shadow, or takes up the one an interrupted
// run left (unless fresh, which drops it first). Close it when done.
func (db *DB) StartReindex(ctx context.Context, community string, fresh bool, log *slog.Logger) (*Reindex, error) {
	const op = "start reindex"
	conn, err := db.db.Connx(ctx)
	if err != nil {
		return nil, db.connectError(err)
	}
	var locked bool
	if err := conn.GetContext(ctx, &locked, `SELECT pg_try_advisory_lock($1, hashtext($2))`, reindexLockClass, community); err != nil {
		_ = conn.Close()
		return nil, db.queryError(op, err)
	}
	if !locked {
		_ = conn.Close()
		return nil, guildhall.Errorf(guildhall.ECONFLICT, "another reindex of community %q is running", community)
	}
	r := &Reindex{db: db, community: community, schema: ReindexSchema(community), release: func() {
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, hashtext($2))`, reindexLockClass, community)
		_ = conn.Close()
	}}
	if err := r.prepare(ctx, fresh, log); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// prepare finds the live schema and makes the shadow ready, then opens its connections.
func (r *Reindex) prepare(ctx context.Context, fresh bool, log *slog.Logger) error {
	const op = "prepare reindex"
	var exists bool
	if err := r.db.db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM communities WHERE id = $1)`, r.community); err != nil {
		return r.db.queryError(op, err)
	}
	if !exists {
		return guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", r.community)
	}
	if err := r.db.db.GetContext(ctx, &r.live,
		`SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = 'index_cursor'::regclass`); err != nil {
		return r.db.queryError(op, err)
	}
	compatible, err := r.shadowCompatible(ctx)
	if err != nil {
		return r.db.queryError(op, err)
	}
	switch {
	case compatible && !fresh:
		r.Resumed = true
		log.Info("resuming the rebuild an earlier reindex left", "schema", r.schema)
	default:
		if err := r.createShadow(ctx); err != nil {
			return r.db.queryError(op, err)
		}
		log.Info("rebuilding into a new shadow schema", "schema", r.schema)
	}
	cfg := r.db.cfg
	cfg.Runtime = maps.Clone(cfg.Runtime)
	if cfg.Runtime == nil {
		cfg.Runtime = map[string]string{}
	}
	cfg.Runtime["search_path"] = pq.QuoteIdentifier(r.schema)
	if r.shadow, err = openConfig(ctx, cfg); err != nil {
		return err
	}
	r.shadow.SetPool(Pool{MaxOpen: 4, MaxIdle: 4, MaxIdleTime: DefaultPool.MaxIdleTime, MaxLifetime: DefaultPool.MaxLifetime})
	return nil
}

// shadowCompatible reports whether a shadow exists with every table's columns as the live one
// has them (a migration since it was made would not let it resume).
func (r *Reindex) shadowCompatible(ctx context.Context) (bool, error) {
	tables := append(slices.Clone(reindexBookkeeping), reindexTables...)
	var rows []struct {
		Schema string `db:"nspname"`
		Table  string `db:"relname"`
		Cols   string `db:"cols"`
	}
	err := r.db.db.SelectContext(ctx, &rows, `
		SELECT n.nspname, c.relname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) AS cols
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE n.nspname IN ($1, $2) AND c.relname = ANY($3) AND c.relkind = 'r'
		GROUP BY 1, 2`, r.live, r.schema, pq.Array(tables))
	if err != nil {
		return false, err
	}
	cols := map[string]map[string]string{r.live: {}, r.schema: {}}
	for _, row := range rows {
		cols[row.Schema][row.Table] = row.Cols
	}
	return len(cols[r.schema]) == len(tables) && maps.Equal(cols[r.live], cols[r.schema]), nil
}

// createShadow drops any shadow of the community and creates an empty one, in one transaction.
func (r *Reindex) createShadow(ctx context.Context) error {
	s := pq.QuoteIdentifier(r.schema)
	stmts := []string{`DROP SCHEMA IF EXISTS ` + s + ` CASCADE`, `CREATE SCHEMA ` + s}
	for _, t := range append(slices.Clone(reindexBookkeeping), reindexTables...) {
		stmts = append(stmts, fmt.Sprintf(`CREATE UNLOGGED TABLE %s (LIKE %s INCLUDING ALL)`, r.shadowTable(t), r.liveTable(t)))
	}
	stmts = append(stmts, fmt.Sprintf(`CREATE VIEW %s AS SELECT * FROM %s WHERE id = %s`,
		r.shadowTable("communities"), r.liveTable("communities"), pq.QuoteLiteral(r.community)))
	tx, err := r.db.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (r *Reindex) liveTable(t string) string {
	return pq.QuoteIdentifier(r.live) + "." + pq.QuoteIdentifier(t)
}

func (r *Reindex) shadowTable(t string) string {
	return pq.QuoteIdentifier(r.schema) + "." + pq.QuoteIdentifier(t)
}

// Shadow is the index writer of the shadow: the store a rebuilding indexer writes to.
func (r *Reindex) Shadow() *IndexWriter { return &IndexWriter{db: r.shadow, shadow: true} }

// LiveCursor returns the live index's cursor, nil before its first batch.
func (r *Reindex) LiveCursor(ctx context.Context) (*indexer.BlockRef, error) {
	return NewIndexWriter(r.db).IndexCursor(ctx)
}

// Drop removes the shadow (after a swap, or to abandon a rebuild).
func (r *Reindex) Drop(ctx context.Context) error {
	if _, err := r.db.db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+pq.QuoteIdentifier(r.schema)+` CASCADE`); err != nil {
		return r.db.queryError("drop the reindex schema", err)
	}
	return nil
}

// Close closes the shadow's connections and releases the reindex lock; the shadow stays.
func (r *Reindex) Close() {
	if r.shadow != nil {
		_ = r.shadow.Close()
	}
	r.release()
}

// TableChange is what a swap did to one table's rows of the community.
type TableChange struct {
	Table                      string
	Deleted, Updated, Inserted int64
}

// Swap replaces the community's live rows with the shadow's in one transaction, if ready says the
// shadow is at the live cursor. The transaction first locks the live cursor's row (the live
// indexer waits) and reads it; ready (which may still index into the shadow up to it) is called
// with it. Swap also requires that the community's live progress and the shadow's are both that
// cursor. It returns whether it swapped, and keeps what changed in Changes.
func (r *Reindex) Swap(ctx context.Context, ready func(ctx context.Context, cursor indexer.BlockRef) (bool, error)) (bool, error) {
	const op = "swap the rebuilt index in"
	plans, err := r.planSwap(ctx)
	if err != nil {
		return false, r.db.queryError(op, err)
	}
	tx, err := r.db.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, r.db.queryError(op, err)
	}
	defer tx.Rollback()
	var cur struct {
		Number int64  `db:"block_number"`
		Hash   string `db:"block_hash"`
	}
	if err := tx.GetContext(ctx, &cur, `SELECT block_number, block_hash FROM `+r.liveTable("index_cursor")+` FOR UPDATE`); err != nil {
		return false, r.db.queryError(op, err)
	}
	locked := time.Now()
	cursor := indexer.BlockRef{Number: uint64(cur.Number), Hash: common.HexToHash(cur.Hash)}
	if ok, err := ready(ctx, cursor); err != nil || !ok {
		return false, err
	}
	var atCursor bool
	if err := tx.GetContext(ctx, &atCursor, `SELECT
			EXISTS (SELECT 1 FROM `+r.liveTable("index_progress")+` WHERE community_id = $1 AND block_number = $2 AND block_hash = $3)
		AND EXISTS (SELECT 1 FROM `+r.shadowTable("index_progress")+` WHERE community_id = $1 AND block_number = $2 AND block_hash = $3)`,
		r.community, cur.Number, cur.Hash); err != nil {
		return false, r.db.queryError(op, err)
	}
	if !atCursor {
		return false, nil
	}
	// The activity days it rewrites change the community's health rollups, which it rebuilds whole:
	// no writer or compaction of them may run beside it.
	if err := lockHealthCommunities(ctx, tx, `SELECT $1::text`, r.community); err != nil {
		return false, r.db.queryError(op, err)
	}
	changes, err := r.replaceRows(ctx, tx, plans)
	if err != nil {
		return false, r.db.queryError(op, err)
	}
	if err := rebuildChainActivity(ctx, tx, r.community); err != nil {
		return false, r.db.queryError(op, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE `+r.liveTable("index_progress")+` SET generation = generation + 1 WHERE community_id = $1`,
		r.community); err != nil {
		return false, r.db.queryError(op, err)
	}
	if err := tx.Commit(); err != nil {
		return false, r.db.queryError(op, err)
	}
	r.Changes, r.At, r.Held = changes, cursor, time.Since(locked)
	return true, nil
}

// replaceRows makes the community's live rows of every rebuilt table equal the shadow's.
func (r *Reindex) replaceRows(ctx context.Context, tx *sqlx.Tx, plans []tableSwap) ([]TableChange, error) {
	changes := make([]TableChange, 0, len(plans))
	for _, p := range plans {
		c, err := p.apply(ctx, tx, r.community)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.table, err)
		}
		changes = append(changes, c)
	}
	return changes, nil
}

// tableSwap holds the statements that make one table's rows of a community ($1) equal the
// shadow's, on the table's primary key: delete the rows the shadow lacks, update those that differ
// (no update for a table that is all key), insert the shadow's rows the table lacks.
type tableSwap struct {
	table                           string
	deleteSQL, updateSQL, insertSQL string
}

// planSwap builds every rebuilt table's statements from the catalog, before the swap locks
// anything.
func (r *Reindex) planSwap(ctx context.Context) ([]tableSwap, error) {
	plans := make([]tableSwap, 0, len(reindexTables))
	for _, table := range reindexTables {
		var cols, key []string
		if err := r.db.db.SelectContext(ctx, &cols, `SELECT attname FROM pg_attribute
			WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, r.liveTable(table)); err != nil {
			return nil, err
		}
		if err := r.db.db.SelectContext(ctx, &key, `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
			WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attnum`, r.liveTable(table)); err != nil {
			return nil, err
		}
		plans = append(plans, r.planTable(table, cols, key))
	}
	return plans, nil
}

// planTable is planSwap for one table with its columns and primary key.
func (r *Reindex) planTable(table string, cols, key []string) tableSwap {
	match := make([]string, len(key))
	for i, k := range key {
		match[i] = fmt.Sprintf("l.%[1]s = s.%[1]s", pq.QuoteIdentifier(k))
	}
	on := strings.Join(match, " AND ")
	live, shadow := r.liveTable(table)+" l", r.shadowTable(table)+" s"
	var set, lRest, sRest, all, sAll []string // set, lRest, sRest: the columns outside the key
	for _, col := range cols {
		q := pq.QuoteIdentifier(col)
		all, sAll = append(all, q), append(sAll, "s."+q)
		if !slices.Contains(key, col) {
			set, lRest, sRest = append(set, q+" = s."+q), append(lRest, "l."+q), append(sRest, "s."+q)
		}
	}
	p := tableSwap{table: table,
		deleteSQL: `DELETE FROM ` + live + ` WHERE l.community_id = $1 AND NOT EXISTS (SELECT 1 FROM ` + shadow + ` WHERE ` + on + `)`,
		insertSQL: `INSERT INTO ` + r.liveTable(table) + ` (` + strings.Join(all, ", ") + `) SELECT ` + strings.Join(sAll, ", ") +
			` FROM ` + shadow + ` WHERE NOT EXISTS (SELECT 1 FROM ` + live + ` WHERE ` + on + `)`,
	}
	if len(set) > 0 {
		p.updateSQL = `UPDATE ` + live + ` SET ` + strings.Join(set, ", ") + ` FROM ` + shadow + ` WHERE ` + on +
			` AND l.community_id = $1 AND ROW(` + strings.Join(lRest, ", ") + `) IS DISTINCT FROM ROW(` + strings.Join(sRest, ", ") + `)`
	}
	return p
}

// apply runs p's statements in tx and counts the rows they change.
func (p tableSwap) apply(ctx context.Context, tx *sqlx.Tx, community string) (TableChange, error) {
	c := TableChange{Table: p.table}
	for _, st := range []struct {
		n    *int64
		sql  string
		args []any
	}{{&c.Deleted, p.deleteSQL, []any{community}}, {&c.Updated, p.updateSQL, []any{community}}, {&c.Inserted, p.insertSQL, nil}} {
		if st.sql == "" {
			continue
		}
		res, err := tx.ExecContext(ctx, st.sql, st.args...)
		if err != nil {
			return c, err
		}
		if *st.n, err = res.RowsAffected(); err != nil {
			return c, err
		}
	}
	return c, nil
}

// chainActivitySQL recomputes the chain side of a community's member_activity_days ($1) from its
// indexed events, as the triggers of 0027 mark them ($2 is the zero address): 1 for each kind of
// action an account took on a UTC day (its block's), else 0: transfers sent (not mints), explicit
// delegations (not the token's automatic self-delegation, DelegateChanged(X, 0x0 -> X) in a
// transaction holding a Transfer to X), votes and proposals. Rows the events no longer support
// lose their chain kinds; the reward counts (the ledger's) are left as they are.
const chainActivitySQL = `
	WITH fresh AS (
		SELECT account, day, max(t) AS t, max(d) AS d, max(v) AS v, max(p) AS p FROM (
			SELECT from_address AS account, health_day(block_time) AS day, 1 AS t, 0 AS d, 0 AS v, 0 AS p
			FROM token_transfers WHERE community_id = $1 AND from_address <> $2
			UNION ALL
			SELECT delegator, health_day(block_time), 0, 1, 0, 0 FROM token_delegate_changes dc
			WHERE dc.community_id = $1 AND NOT (dc.from_delegate = $2 AND dc.to_delegate = dc.delegator
				AND EXISTS (SELECT 1 FROM token_transfers t WHERE t.block_number = dc.block_number AND t.tx_hash = dc.tx_hash
				            AND t.community_id = dc.community_id AND t.to_address = dc.delegator))
			UNION ALL
			SELECT voter, health_day(block_time), 0, 0, 1, 0 FROM votes WHERE community_id = $1
			UNION ALL
			SELECT proposer, health_day(block_time), 0, 0, 0, 1 FROM proposals WHERE community_id = $1
		) x GROUP BY 1, 2
	), zeroed AS (
		UPDATE member_activity_days m SET transfer_count = 0, delegation_count = 0, vote_count = 0, proposal_count = 0
		WHERE m.community_id = $1 AND (m.transfer_count, m.delegation_count, m.vote_count, m.proposal_count) <> (0, 0, 0, 0)
		  AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.account = m.account AND f.day = m.day)
	)
	INSERT INTO member_activity_days AS m (community_id, account, day, transfer_count, delegation_count, vote_count, proposal_count)
	SELECT $1, account, day, t, d, v, p FROM fresh
	ON CONFLICT (community_id, account, day) DO UPDATE SET transfer_count = excluded.transfer_count,
		delegation_count = excluded.delegation_count, vote_count = excluded.vote_count, proposal_count = excluded.proposal_count
	WHERE (m.transfer_count, m.delegation_count, m.vote_count, m.proposal_count)
		IS DISTINCT FROM (excluded.transfer_count, excluded.delegation_count, excluded.vote_count, excluded.proposal_count)`

// rebuildChainActivity recomputes the chain side of community's member_activity_days from the
// swapped-in events, drops the rows left with nothing and moves the members' last active days
// (0013) to what remains.
func rebuildChainActivity(ctx context.Context, tx *sqlx.Tx, community string) error {
	if _, err := tx.ExecContext(ctx, chainActivitySQL, community, indexZeroAddress); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM member_activity_days WHERE community_id = $1 AND reward_count = 0
		AND transfer_count = 0 AND delegation_count = 0 AND vote_count = 0 AND proposal_count = 0`, community); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE member_first_rewards r SET last_day = d.last_day
		FROM (SELECT account, max(day) AS last_day FROM member_activity_days WHERE community_id = $1 GROUP BY 1) d
		WHERE r.community_id = $1 AND r.account = d.account AND r.last_day <> d.last_day`, community)
	if err != nil {
		return err
	}
	return rebuildHealthRollups(ctx, tx, community)
}

// rebuildHealthRollups recomputes community's rollups (migration 0019) from its member activity
// days, which rebuildChainActivity wrote without the triggers that keep them, in place of the
// rollup rows and the journal, and drops its proposal snapshots: the swap's update of
// index_progress computes them again at commit. The caller holds the community's health lock
// exclusively (lockHealthCommunities).
func rebuildHealthRollups(ctx context.Context, tx *sqlx.Tx, community string) error {
	_, err := tx.ExecContext(ctx, `
		WITH gone AS (DELETE FROM health_periods WHERE community_id = $1),
		     gone_too AS (DELETE FROM health_retention WHERE community_id = $1),
		     journal AS (DELETE FROM health_journal WHERE community_id = $1),
		     snapshots AS (DELETE FROM proposal_snapshots WHERE community_id = $1)
		SELECT 1`, community)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `SELECT health_rollup_apply(ARRAY(SELECT ROW(c.*)::health_rollup_row FROM health_contributions(
		(SELECT array_agg(ROW(community_id, account, '-infinity', 'infinity', false, NULL)::health_span)
		 FROM member_first_rewards WHERE community_id = $1), 'infinity', true, NULL) c))`, community)
	return err
}
