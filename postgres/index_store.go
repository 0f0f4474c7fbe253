package postgres

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/indexer"
)

// indexerLockKey is the advisory lock held by the one indexer of a database.
const indexerLockKey = 0x6775696c6469 // "guildi"

const indexZeroAddress = "0x0000000000000000000000000000000000000000"

// LockIndexer takes the indexer's advisory lock, waiting while another process holds it, until
// unlock is called; held ends if the lock is lost with its connection (see holdAdvisoryLock).
func (db *DB) LockIndexer(ctx context.Context) (held context.Context, unlock func(), err error) {
	return db.holdAdvisoryLock(ctx, indexerLockKey, "lock indexer")
}

// IndexCursor returns the indexer's cursor, nil before its first batch.
func (w *IndexWriter) IndexCursor(ctx context.Context) (*indexer.BlockRef, error) {
	var row struct {
		Number int64  `db:"block_number"`
		Hash   string `db:"block_hash"`
	}
	err := w.db.db.GetContext(ctx, &row, `SELECT block_number, block_hash FROM index_cursor`)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, w.db.queryError("read index cursor", err)
	}
	return &indexer.BlockRef{Number: uint64(row.Number), Hash: common.HexToHash(row.Hash)}, nil
}

// IndexTargets returns every community's contracts with how far they are indexed.
func (w *IndexWriter) IndexTargets(ctx context.Context) ([]indexer.Target, error) {
	var rows []struct {
		ID         string         `db:"id"`
		Token      string         `db:"token_address"`
		Governor   string         `db:"governor_address"`
		Timelock   string         `db:"timelock_address"`
		Deployment int64          `db:"deployment_block"`
		Progress   sql.NullInt64  `db:"progress_block"`
		Hash       sql.NullString `db:"progress_hash"`
	}
	err := w.db.db.SelectContext(ctx, &rows, `
		SELECT c.id, c.token_address, c.governor_address, c.timelock_address, c.deployment_block,
		       p.block_number AS progress_block, p.block_hash AS progress_hash
		FROM communities c LEFT JOIN index_progress p ON p.community_id = c.id
		ORDER BY c.id`)
	if err != nil {
		return nil, w.db.queryError("read index targets", err)
	}
	out := make([]indexer.Target, 0, len(rows))
	for _, r := range rows {
		t := indexer.Target{
			CommunityID: r.ID, Token: common.HexToAddress(r.Token), Governor: common.HexToAddress(r.Governor),
			Timelock: common.HexToAddress(r.Timelock), DeploymentBlock: uint64(r.Deployment),
		}
		if r.Progress.Valid {
			t.Progress = &indexer.BlockRef{Number: uint64(r.Progress.Int64), Hash: common.HexToHash(r.Hash.String)}
		}
		out = append(out, t)
	}
	return out, nil
}

// RecentBlocks returns the remembered blocks, newest first.
func (w *IndexWriter) RecentBlocks(ctx context.Context) ([]indexer.BlockRef, error) {
	var rows []struct {
		Number int64  `db:"block_number"`
		Hash   string `db:"block_hash"`
		Parent string `db:"parent_hash"`
		Time   int64  `db:"block_time"`
	}
	if err := w.db.db.SelectContext(ctx, &rows,
		`SELECT block_number, block_hash, parent_hash, block_time FROM index_blocks ORDER BY block_number DESC`); err != nil {
		return nil, w.db.queryError("read recent blocks", err)
	}
	out := make([]indexer.BlockRef, len(rows))
	for i, r := range rows {
		out[i] = indexer.BlockRef{Number: uint64(r.Number), Hash: common.HexToHash(r.Hash),
			ParentHash: common.HexToHash(r.Parent), Time: uint64(r.Time)}
	}
	return out, nil
}

// OpenProposals returns the proposals of the given communities whose state may still change, or
// whose state was derived rather than read from the governor.
func (w *IndexWriter) OpenProposals(ctx context.Context, communities []string) ([]indexer.OpenProposal, error) {
	var rows []struct {
		Community string `db:"community_id"`
		ID        string `db:"proposal_id"`
	}
	err := w.db.db.SelectContext(ctx, &rows, `
		SELECT community_id, proposal_id::text AS proposal_id FROM proposals
		WHERE community_id = ANY($1) AND (state_checked_block IS NULL OR state <> ALL($2))
		ORDER BY community_id, block_number, log_index`, pq.Array(communities), pq.Array(governance.FinalStateNames()))
	if err != nil {
		return nil, w.db.queryError("read open proposals", err)
	}
	out := make([]indexer.OpenProposal, len(rows))
	for i, r := range rows {
		id, _ := new(big.Int).SetString(r.ID, 10)
		out[i] = indexer.OpenProposal{CommunityID: r.Community, ProposalID: id}
	}
	return out, nil
}

// ApplyBatch writes a batch of events with their derived state, the communities' progress and,
// for a batch that advances, the cursor and remembered blocks, in one transaction. Events are
// inserted with ON CONFLICT DO NOTHING on their natural key and derived state is updated only from
// the rows actually inserted, so a batch applied twice changes nothing.
func (w *IndexWriter) ApplyBatch(ctx context.Context, b *indexer.Batch) error {
	op := fmt.Sprintf("apply index batch %d..%d", b.From, b.To)
	// The transaction is not bound to ctx, its statements are. database/sql rolls a transaction
	// back the moment its context ends, from another goroutine and whatever the connection is
	// doing: in the middle of a COPY (the token events' fast path) the server then waits for copy
	// data that never comes, the ROLLBACK for an answer that never comes, and the indexer hangs
	// for good on shutdown or when it loses its lock. Bound to ctx, a statement is cancelled on
	// the server instead (lib/pq sends a cancel request), fails, and the deferred Rollback ends
	// the transaction in order.
	conn, err := w.db.db.Connx(ctx)
	if err != nil {
		return w.db.indexTxError(ctx, op, err)
	}
	defer conn.Close()
	tx, err := conn.BeginTxx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return w.db.indexTxError(ctx, op, err)
	}
	defer tx.Rollback()
	// The commit need not wait for the WAL flush (synchronous_commit off, this transaction only).
	// A batch is replayable: the cursor moves in the same transaction as the rows, and every row
	// is idempotent on its natural key. If the server crashes before the flush, the transaction
	// is lost as a whole (never half of it, never the rows without the cursor) and the indexer
	// fetches and applies the same range again on restart, from the chain that still has it. And
	// nothing durable can have built on a lost batch: WAL is flushed in order, so any transaction
	// that read these rows and then committed durably (a reward confirmed from token_transfers)
	// flushed this commit too.
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return w.db.indexTxError(ctx, op, err)
	}
	if err := applyIndexBatch(ctx, tx, conn, b, !w.shadow); err != nil {
		return w.db.indexTxError(ctx, op, err)
	}
	if err := ctx.Err(); err != nil { // cancelled after the last statement: do not commit
		return w.db.indexTxError(ctx, op, err)
	}
	if err := tx.Commit(); err != nil {
		return w.db.indexTxError(ctx, op, err)
	}
	// Back to the pool before the compaction takes one: work that holds a connection while it
	// waits for another can wait for good on a pool that others (Warm) hold the rest of.
	_ = conn.Close()
	// The health journal the batch and the accepts since the last one appended is folded into
	// the rollups between batches. The batch stands without it: the reads add the journal, and a
	// compaction that fails leaves its rows to the next.
	if !w.shadow {
		w.db.compactHealthJournal(ctx, b.Communities)
	}
	return nil
}

// indexTxError is queryError for the indexer's transactions, except that a failure caused by the
// caller's context (a shutdown, a lost lock, a kill in a test) says so: lib/pq then often reports a
// bad connection, which queryError would present as an unreachable database. The transaction
// applies whole or not at all either way; the indexer retries from its cursor.
func (db *DB) indexTxError(ctx context.Context, op string, err error) error {
	if cause := ctx.Err(); cause != nil {
		return fmt.Errorf("%s: abandoned, the indexer is stopping: %w", op, cause)
	}
	return db.queryError(op, err)
}

// applyIndexBatch is ApplyBatch in tx, open on conn (its COPYs write to the connection); with
// health, the batch's health locks are taken first (a reindex's shadow keeps no activity days).
func applyIndexBatch(ctx context.Context, tx *sqlx.Tx, conn *sqlx.Conn, b *indexer.Batch, health bool) error {
	if b.Advance {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO index_cursor (block_number, block_hash) VALUES ($1, $2)
			ON CONFLICT (singleton) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash, updated_at = now()`,
			int64(b.End.Number), indexHash(b.End.Hash)); err != nil {
			return err
		}
		if err := insertIndexBlocks(ctx, tx, b.Blocks); err != nil {
			return err
		}
		if b.PruneBelow > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM index_blocks WHERE block_number < $1`, int64(b.PruneBelow)); err != nil {
				return err
			}
		}
	}
	if len(b.Communities) > 0 {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO index_progress (community_id, block_number, block_hash, block_time)
			SELECT unnest($1::text[]), $2, $3, $4
			ON CONFLICT (community_id) DO UPDATE SET block_number = excluded.block_number,
				block_hash = excluded.block_hash, block_time = excluded.block_time`,
			pq.Array(b.Communities), int64(b.End.Number), indexHash(b.End.Hash), int64(b.End.Time)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO token_supply (community_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
			pq.Array(b.Communities)); err != nil {
			return err
		}
	}
	txt := &indexTexts{addr: addressHex{}, hash: hashHex{}, conn: conn}
	if health {
		if err := lockHealthActors(ctx, tx, &b.Events, txt); err != nil {
			return err
		}
	}
	steps := []func(context.Context, *sqlx.Tx, *indexer.Events, *indexTexts) error{
		applyTokenEvents, insertRewardBatches, insertTimelockEvents, applySettingChanges,
	}
	for _, step := range steps {
		if err := step(ctx, tx, &b.Events, txt); err != nil {
			return err
		}
	}
	touched, err := insertIndexGovernance(ctx, tx, &b.Events)
	if err != nil {
		return err
	}
	if err := refreshIndexedProposals(ctx, tx, touched); err != nil {
		return err
	}
	return applyIndexStates(ctx, tx, b)
}

func insertIndexBlocks(ctx context.Context, tx *sqlx.Tx, blocks []indexer.BlockRef) error {
	if len(blocks) == 0 {
		return nil
	}
	nums := make([]int64, len(blocks))
	hashes := make([]string, len(blocks))
	parents := make([]string, len(blocks))
	times := make([]int64, len(blocks))
	for i, bl := range blocks {
		nums[i], hashes[i], parents[i], times[i] = int64(bl.Number), indexHash(bl.Hash), indexHash(bl.ParentHash), int64(bl.Time)
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO index_blocks (block_number, block_hash, parent_hash, block_time)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])
		ON CONFLICT (block_number) DO UPDATE SET block_hash = excluded.block_hash,
			parent_hash = excluded.parent_hash, block_time = excluded.block_time`,
		pq.Array(nums), pq.Array(hashes), pq.Array(parents), pq.Array(times))
	return err
}

// addressHex caches EIP-55 text of addresses: a checksum costs a Keccak-256, and a batch names the
// same few thousand accounts over and over.
type addressHex map[common.Address]string

func (m addressHex) hex(a common.Address) string {
	s, ok := m[a]
	if !ok {
		s = a.Hex()
		m[a] = s
	}
	return s
}

// hashHex caches the text of block and transaction hashes, repeated by every event of a block or
// transaction (and shared, as Go strings, by the arrays of all event kinds of a batch).
type hashHex map[common.Hash]string

func (m hashHex) hex(h common.Hash) string {
	s, ok := m[h]
	if !ok {
		s = indexHash(h)
		m[h] = s
	}
	return s
}

// indexTexts is a batch's text caches.
type indexTexts struct {
	addr addressHex
	hash hashHex
	auto []bool     // the batch's automaticDelegations, once read (see automatic)
	conn *sqlx.Conn // the connection the batch's transaction is open on, for its COPYs
}

// automatic returns, for each of the batch's delegate changes, whether it is the token's automatic
// self-delegation: computed once per batch, for the health locks and for the stored rows.
func (t *indexTexts) automatic(ev *indexer.Events) []bool {
	if t.auto == nil {
		t.auto = automaticDelegations(ev)
	}
	return t.auto
}

// indexMetaColumns holds the columns every event row starts with.
type indexMetaColumns struct {
	txt       *indexTexts
	community []string
	number    []int64
	hash      []string
	time      []int64
	tx        []string
	index     []int64
}

func newIndexMetaColumns(n int, txt *indexTexts) indexMetaColumns {
	return indexMetaColumns{txt: txt,
		community: make([]string, 0, n), number: make([]int64, 0, n), hash: make([]string, 0, n),
		time: make([]int64, 0, n), tx: make([]string, 0, n), index: make([]int64, 0, n),
	}
}

func (m *indexMetaColumns) add(e *indexer.EventMeta) {
	m.community = append(m.community, e.CommunityID)
	m.number = append(m.number, int64(e.BlockNumber))
	m.hash = append(m.hash, m.txt.hash.hex(e.BlockHash))
	m.time = append(m.time, int64(e.BlockTime))
	m.tx = append(m.tx, m.txt.hash.hex(e.TxHash))
	m.index = append(m.index, int64(e.LogIndex))
}

// args returns the six meta arrays as query arguments $1..$6.
func (m *indexMetaColumns) args() []any {
	return []any{pq.Array(m.community), pq.Array(m.number), pq.Array(m.hash), pq.Array(m.time), pq.Array(m.tx), pq.Array(m.index)}
}

const indexMetaUnnest = `$1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::int[]`

// insertTransfers stores Transfer events and applies the rows actually inserted to balances and
// total supply.
func insertTransfers(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) error {
	if len(ev.Transfers) == 0 {
		return nil
	}
	meta := newIndexMetaColumns(len(ev.Transfers), txt)
	from := make([]string, 0, len(ev.Transfers))
	to := make([]string, 0, len(ev.Transfers))
	value := make([]string, 0, len(ev.Transfers))
	for i := range ev.Transfers {
		t := &ev.Transfers[i]
		meta.add(&t.EventMeta)
		from = append(from, txt.addr.hex(t.From))
		to = append(to, txt.addr.hex(t.To))
		value = append(value, t.Value.String())
	}
	args := append(meta.args(), pq.Array(from), pq.Array(to), pq.Array(value), indexZeroAddress)
	_, err := tx.ExecContext(ctx, `
		WITH ins AS (
			INSERT INTO token_transfers (community_id, block_number, block_hash, block_time, tx_hash, log_index,
				from_address, to_address, value)
			SELECT * FROM unnest(`+indexMetaUnnest+`, $7::text[], $8::text[], $9::numeric[])
			ON CONFLICT DO NOTHING
			RETURNING community_id, from_address, to_address, value
		), supply AS (
			INSERT INTO token_supply (community_id, total_supply)
			SELECT community_id, sum(CASE WHEN from_address = $10 THEN value ELSE -value END)
			FROM ins WHERE (from_address = $10) <> (to_address = $10)
			GROUP BY community_id
			ON CONFLICT (community_id) DO UPDATE SET total_supply = token_supply.total_supply + excluded.total_supply
		), deltas AS (
			SELECT community_id, to_address AS address, value AS delta FROM ins WHERE to_address <> $10
			UNION ALL
			SELECT community_id, from_address, -value FROM ins WHERE from_address <> $10
		)
		INSERT INTO token_accounts (community_id, address, balance)
		SELECT community_id, address, sum(delta) FROM deltas GROUP BY community_id, address
		ON CONFLICT (community_id, address) DO UPDATE SET balance = token_accounts.balance + excluded.balance`, args...)
	return err
}

// insertDelegateVotes stores DelegateVotesChanged events; each delegate's newest inserted
// new_votes becomes its voting power. Batches come in chain order, so the newest event of a batch
// is newer than anything stored.
func insertDelegateVotes(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) error {
	if len(ev.DelegateVotes) == 0 {
		return nil
	}
	meta := newIndexMetaColumns(len(ev.DelegateVotes), txt)
	delegate := make([]string, 0, len(ev.DelegateVotes))
	prev := make([]string, 0, len(ev.DelegateVotes))
	next := make([]string, 0, len(ev.DelegateVotes))
	for i := range ev.DelegateVotes {
		d := &ev.DelegateVotes[i]
		meta.add(&d.EventMeta)
		delegate = append(delegate, txt.addr.hex(d.Delegate))
		prev = append(prev, d.PreviousVotes.String())
		next = append(next, d.NewVotes.String())
	}
	args := append(meta.args(), pq.Array(delegate), pq.Array(prev), pq.Array(next))
	_, err := tx.ExecContext(ctx, `
		WITH ins AS (
			INSERT INTO token_delegate_votes (community_id, block_number, block_hash, block_time, tx_hash, log_index,
				delegate, previous_votes, new_votes)
			SELECT * FROM unnest(`+indexMetaUnnest+`, $7::text[], $8::numeric[], $9::numeric[])
			ON CONFLICT DO NOTHING
			RETURNING community_id, delegate, new_votes, block_number, log_index
		), latest AS (
			SELECT DISTINCT ON (community_id, delegate) community_id, delegate, new_votes
			FROM ins ORDER BY community_id, delegate, block_number DESC, log_index DESC
		)
		INSERT INTO token_accounts (community_id, address, voting_power)
		SELECT community_id, delegate, new_votes FROM latest
		ON CONFLICT (community_id, address) DO UPDATE SET voting_power = excluded.voting_power`, args...)
	return err
}

// insertDelegateChanges stores DelegateChanged events; each delegator's newest inserted
// to_delegate becomes its delegate (null for the zero address).
func insertDelegateChanges(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) error {
	if len(ev.DelegateChanges) == 0 {
		return nil
	}
	meta := newIndexMetaColumns(len(ev.DelegateChanges), txt)
	delegator := make([]string, 0, len(ev.DelegateChanges))
	from := make([]string, 0, len(ev.DelegateChanges))
	to := make([]string, 0, len(ev.DelegateChanges))
	for i := range ev.DelegateChanges {
		d := &ev.DelegateChanges[i]
		meta.add(&d.EventMeta)
		delegator = append(delegator, txt.addr.hex(d.Delegator))
		from = append(from, txt.addr.hex(d.FromDelegate))
		to = append(to, txt.addr.hex(d.ToDelegate))
	}
	args := append(meta.args(), pq.Array(delegator), pq.Array(from), pq.Array(to), indexZeroAddress, pq.Array(txt.automatic(ev)))
	_, err := tx.ExecContext(ctx, `
		WITH ins AS (
			INSERT INTO token_delegate_changes (community_id, block_number, block_hash, block_time, tx_hash, log_index,
				delegator, from_delegate, to_delegate, automatic)
			SELECT * FROM unnest(`+indexMetaUnnest+`, $7::text[], $8::text[], $9::text[], $11::boolean[])
			ON CONFLICT DO NOTHING
			RETURNING community_id, delegator, to_delegate, block_number, log_index
		), latest AS (
			SELECT DISTINCT ON (community_id, delegator) community_id, delegator, NULLIF(to_delegate, $10) AS delegate
			FROM ins ORDER BY community_id, delegator, block_number DESC, log_index DESC
		)
		INSERT INTO token_accounts (community_id, address, delegate)
		SELECT community_id, delegator, delegate FROM latest
		ON CONFLICT (community_id, address) DO UPDATE SET delegate = excluded.delegate`, args...)
	return err
}

func insertRewardBatches(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) error {
	if len(ev.RewardBatches) == 0 {
		return nil
	}
	meta := newIndexMetaColumns(len(ev.RewardBatches), txt)
	ids := make([]string, 0, len(ev.RewardBatches))
	counts := make([]string, 0, len(ev.RewardBatches))
	totals := make([]string, 0, len(ev.RewardBatches))
	for i := range ev.RewardBatches {
		r := &ev.RewardBatches[i]
		meta.add(&r.EventMeta)
		ids = append(ids, indexHash(r.BatchID))
		counts = append(counts, r.Count.String())
		totals = append(totals, r.Total.String())
	}
	args := append(meta.args(), pq.Array(ids), pq.Array(counts), pq.Array(totals))
	_, err := tx.ExecContext(ctx, `
		INSERT INTO token_reward_batches (community_id, block_number, block_hash, block_time, tx_hash, log_index,
			batch_id, count, total)
		SELECT * FROM unnest(`+indexMetaUnnest+`, $7::text[], $8::numeric[], $9::numeric[])
		ON CONFLICT DO NOTHING`, args...)
	return err
}

// applySettingChanges stores governance setting events; the newest inserted change of each
// setting becomes the setting in force unless a newer one is stored already.
func applySettingChanges(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) error {
	if len(ev.SettingChanges) == 0 {
		return nil
	}
	meta := newIndexMetaColumns(len(ev.SettingChanges), txt)
	setting := make([]string, 0, len(ev.SettingChanges))
	old := make([]string, 0, len(ev.SettingChanges))
	next := make([]string, 0, len(ev.SettingChanges))
	for i := range ev.SettingChanges {
		c := &ev.SettingChanges[i]
		meta.add(&c.EventMeta)
		setting = append(setting, c.Setting)
		old = append(old, c.Old.String())
		next = append(next, c.New.String())
	}
	args := append(meta.args(), pq.Array(setting), pq.Array(old), pq.Array(next))
	_, err := tx.ExecContext(ctx, `
		WITH ins AS (
			INSERT INTO governance_setting_events (community_id, block_number, block_hash, block_time, tx_hash, log_index,
				setting, old_value, new_value)
			SELECT * FROM unnest(`+indexMetaUnnest+`, $7::text[], $8::numeric[], $9::numeric[])
			ON CONFLICT DO NOTHING
			RETURNING community_id, setting, new_value, block_number, log_index
		), latest AS (
			SELECT DISTINCT ON (community_id, setting) * FROM ins
			ORDER BY community_id, setting, block_number DESC, log_index DESC
		)
		INSERT INTO governance_settings (community_id, setting, value, block_number, log_index)
		SELECT community_id, setting, new_value, block_number, log_index FROM latest
		ON CONFLICT (community_id, setting) DO UPDATE SET value = excluded.value,
			block_number = excluded.block_number, log_index = excluded.log_index
		WHERE (excluded.block_number, excluded.log_index) > (governance_settings.block_number, governance_settings.log_index)`, args...)
	return err
}

// insertTimelockEvents stores timelock events, all in one statement.
func insertTimelockEvents(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, txt *indexTexts) error {
	n := len(ev.TimelockEvents)
	if n == 0 {
		return nil
	}
	meta := newIndexMetaColumns(n, txt)
	kind := make([]string, n)
	operation := make([]string, n)
	index, target, value, data, predecessor, delay := make([]sql.NullString, n), make([]sql.NullString, n),
		make([]sql.NullString, n), make([]sql.NullString, n), make([]sql.NullString, n), make([]sql.NullString, n)
	for i := range ev.TimelockEvents {
		e := &ev.TimelockEvents[i]
		meta.add(&e.EventMeta)
		kind[i], operation[i] = e.Kind, indexHash(e.OperationID)
		if e.Kind != indexer.TimelockCancelled {
			target[i] = sql.NullString{String: e.Target.Hex(), Valid: true}
			index[i] = bigNull(e.Index)
			value[i] = bigNull(e.Value)
			data[i] = sql.NullString{String: hex.EncodeToString(e.Data), Valid: true}
		}
		if e.Kind == indexer.TimelockScheduled {
			predecessor[i] = sql.NullString{String: indexHash(e.Predecessor), Valid: true}
			delay[i] = bigNull(e.Delay)
		}
	}
	args := append(meta.args(), pq.Array(kind), pq.Array(operation), nullStrings(index), nullStrings(target),
		nullStrings(value), nullStrings(data), nullStrings(predecessor), nullStrings(delay))
	_, err := tx.ExecContext(ctx, `
		INSERT INTO timelock_events (community_id, block_number, block_hash, block_time, tx_hash, log_index,
			kind, operation_id, call_index, target, value, data, predecessor, delay)
		SELECT c, bn, bh, bt, tx, li, kind, op, idx, target, value, decode(data, 'hex'), pred, delay
		FROM unnest(`+indexMetaUnnest+`, $7::text[], $8::text[], $9::numeric[], $10::text[], $11::numeric[], $12::text[],
			$13::text[], $14::numeric[]) AS u(c, bn, bh, bt, tx, li, kind, op, idx, target, value, data, pred, delay)
		ON CONFLICT DO NOTHING`, args...)
	return err
}

// indexProposalKey names a proposal.
type indexProposalKey struct {
	community string
	id        string
}

type indexProposalKeys map[indexProposalKey]struct{}

func (k indexProposalKeys) add(community string, id *big.Int) {
	k[indexProposalKey{community, id.String()}] = struct{}{}
}

func (k indexProposalKeys) arrays() (communities, ids []string) {
	for key := range k {
		communities = append(communities, key.community)
		ids = append(ids, key.id)
	}
	return communities, ids
}

// insertIndexGovernance stores proposals (with their actions), votes and proposal events, and returns
// the proposals they touch.
func insertIndexGovernance(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events) (indexProposalKeys, error) {
	touched := indexProposalKeys{}
	for i := range ev.Proposals {
		p := &ev.Proposals[i]
		res, err := tx.ExecContext(ctx, `
			INSERT INTO proposals (community_id, proposal_id, proposer, description, title, vote_start, vote_end,
				original_vote_end, block_number, block_hash, block_time, tx_hash, log_index, state, timelock_operation_id)
			VALUES ($1, $2::numeric, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12, $14, $13)
			ON CONFLICT DO NOTHING`,
			p.CommunityID, p.ProposalID.String(), p.Proposer.Hex(), indexText(p.Description), ProposalTitle(indexText(p.Description)),
			int64(p.VoteStart), int64(p.VoteEnd), int64(p.BlockNumber), indexHash(p.BlockHash), int64(p.BlockTime),
			indexHash(p.TxHash), int64(p.LogIndex), indexHash(p.TimelockOperationID), governance.Pending.String())
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		for j, a := range p.Actions {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO proposal_actions (community_id, proposal_id, index, target, value, calldata, signature)
				VALUES ($1, $2::numeric, $3, $4, $5::numeric, $6, $7)`,
				p.CommunityID, p.ProposalID.String(), j, a.Target.Hex(), a.Value.String(), indexBytes(a.Calldata), a.Signature); err != nil {
				return nil, err
			}
		}
		touched.add(p.CommunityID, p.ProposalID)
	}
	if err := insertVotes(ctx, tx, ev, touched); err != nil {
		return nil, err
	}
	if err := insertProposalEvents(ctx, tx, ev, touched); err != nil {
		return nil, err
	}
	return touched, nil
}

// insertVotes stores VoteCast and VoteCastWithParams events, all in one statement, and adds their
// proposals to touched.
func insertVotes(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, touched indexProposalKeys) error {
	n := len(ev.Votes)
	if n == 0 {
		return nil
	}
	meta := newIndexMetaColumns(n, &indexTexts{addr: addressHex{}, hash: hashHex{}})
	pid, voter, weight, reason := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	support := make([]int64, n)
	params := make([]sql.NullString, n) // NULL for VoteCast
	for i := range ev.Votes {
		v := &ev.Votes[i]
		meta.add(&v.EventMeta)
		pid[i], voter[i], support[i], weight[i], reason[i] = v.ProposalID.String(), meta.txt.addr.hex(v.Voter), int64(v.Support),
			v.Weight.String(), indexText(v.Reason)
		if v.Params != nil {
			params[i] = sql.NullString{String: hex.EncodeToString(v.Params), Valid: true}
		}
		touched.add(v.CommunityID, v.ProposalID)
	}
	args := append(meta.args(), pq.Array(pid), pq.Array(voter), pq.Array(support), pq.Array(weight), pq.Array(reason), nullStrings(params))
	_, err := tx.ExecContext(ctx, `
		INSERT INTO votes (community_id, block_number, block_hash, block_time, tx_hash, log_index,
			proposal_id, voter, support, weight, reason, params)
		SELECT c, bn, bh, bt, tx, li, pid, voter, support, weight, reason, decode(params, 'hex')
		FROM unnest(`+indexMetaUnnest+`, $7::numeric[], $8::text[], $9::smallint[], $10::numeric[], $11::text[], $12::text[])
			AS u(c, bn, bh, bt, tx, li, pid, voter, support, weight, reason, params)
		ON CONFLICT DO NOTHING`, args...)
	return err
}

// insertProposalEvents stores ProposalQueued, ProposalExecuted, ProposalCanceled and
// ProposalExtended events, all in one statement, and adds their proposals to touched.
func insertProposalEvents(ctx context.Context, tx *sqlx.Tx, ev *indexer.Events, touched indexProposalKeys) error {
	n := len(ev.ProposalEvents)
	if n == 0 {
		return nil
	}
	meta := newIndexMetaColumns(n, &indexTexts{addr: addressHex{}, hash: hashHex{}})
	pid, kind := make([]string, n), make([]string, n)
	eta, deadline := make([]sql.NullInt64, n), make([]sql.NullInt64, n)
	for i := range ev.ProposalEvents {
		e := &ev.ProposalEvents[i]
		meta.add(&e.EventMeta)
		pid[i], kind[i] = e.ProposalID.String(), e.Kind
		switch e.Kind {
		case indexer.ProposalQueued:
			eta[i] = sql.NullInt64{Int64: int64(e.Eta), Valid: true}
		case indexer.ProposalExtended:
			deadline[i] = sql.NullInt64{Int64: int64(e.ExtendedDeadline), Valid: true}
		}
		touched.add(e.CommunityID, e.ProposalID)
	}
	args := append(meta.args(), pq.Array(pid), pq.Array(kind), pq.GenericArray{A: eta}, pq.GenericArray{A: deadline})
	_, err := tx.ExecContext(ctx, `
		INSERT INTO proposal_events (community_id, block_number, block_hash, block_time, tx_hash, log_index,
			proposal_id, kind, eta, extended_deadline)
		SELECT * FROM unnest(`+indexMetaUnnest+`, $7::numeric[], $8::text[], $9::bigint[], $10::bigint[])
		ON CONFLICT DO NOTHING`, args...)
	return err
}

// refreshIndexedProposals recomputes the tallies and lifecycle columns of the given proposals from the
// stored votes and proposal events.
func refreshIndexedProposals(ctx context.Context, tx *sqlx.Tx, keys indexProposalKeys) error {
	if len(keys) == 0 {
		return nil
	}
	communities, ids := keys.arrays()
	_, err := tx.ExecContext(ctx, `
		WITH k AS (SELECT * FROM unnest($1::text[], $2::numeric[]) AS k(community_id, proposal_id)),
		t AS (
			SELECT k.community_id, k.proposal_id,
				coalesce(sum(v.weight) FILTER (WHERE v.support = 1), 0) AS for_votes,
				coalesce(sum(v.weight) FILTER (WHERE v.support = 0), 0) AS against_votes,
				coalesce(sum(v.weight) FILTER (WHERE v.support = 2), 0) AS abstain_votes,
				count(v.voter) FILTER (WHERE v.support = 1) AS for_voters,
				count(v.voter) FILTER (WHERE v.support = 0) AS against_voters,
				count(v.voter) FILTER (WHERE v.support = 2) AS abstain_voters
			FROM k LEFT JOIN votes v ON v.community_id = k.community_id AND v.proposal_id = k.proposal_id
			GROUP BY k.community_id, k.proposal_id
		), e AS (
			SELECT k.community_id, k.proposal_id,
				max(pe.block_number) FILTER (WHERE pe.kind = 'queued') AS queued_block,
				max(pe.eta) FILTER (WHERE pe.kind = 'queued') AS eta,
				max(pe.block_number) FILTER (WHERE pe.kind = 'executed') AS executed_block,
				max(pe.block_number) FILTER (WHERE pe.kind = 'canceled') AS canceled_block,
				max(pe.extended_deadline) FILTER (WHERE pe.kind = 'extended') AS extended
			FROM k LEFT JOIN proposal_events pe ON pe.community_id = k.community_id AND pe.proposal_id = k.proposal_id
			GROUP BY k.community_id, k.proposal_id
		)
		UPDATE proposals p SET
			for_votes = t.for_votes, against_votes = t.against_votes, abstain_votes = t.abstain_votes,
			for_voters = t.for_voters, against_voters = t.against_voters, abstain_voters = t.abstain_voters,
			queued_block = e.queued_block, eta = e.eta, executed_block = e.executed_block, canceled_block = e.canceled_block,
			vote_end = greatest(p.original_vote_end, coalesce(e.extended, 0))
		FROM t JOIN e USING (community_id, proposal_id)
		WHERE p.community_id = t.community_id AND p.proposal_id = t.proposal_id`,
		pq.Array(communities), pq.Array(ids))
	return err
}

// indexDerivedState is a proposal's state from its events and the clock at $2, for when the governor's
// state() could not be read, in the order of OpenZeppelin's Governor.state and
// GovernorTimelockControl.state: a queued proposal whose timelock operation was executed (or
// cancelled) on the timelock directly, which anyone may do, is executed (canceled) though the
// governor announced nothing. Without the quorum at hand an ended vote counts as succeeded when
// For beats Against; the next batch near the head replaces it with state(). It is an expression
// over a row of proposals, which the statement must name "proposals". The state names come from
// governance.State, the one list of them.
var indexDerivedState = fmt.Sprintf(`CASE
	WHEN executed_block IS NOT NULL THEN %[1]s
	WHEN canceled_block IS NOT NULL THEN %[2]s
	WHEN queued_block IS NOT NULL THEN CASE
		WHEN EXISTS (SELECT 1 FROM timelock_events te WHERE te.community_id = proposals.community_id
			AND te.operation_id = proposals.timelock_operation_id AND te.kind = 'executed') THEN %[1]s
		WHEN EXISTS (SELECT 1 FROM timelock_events te WHERE te.community_id = proposals.community_id
			AND te.operation_id = proposals.timelock_operation_id AND te.kind = 'cancelled') THEN %[2]s
		ELSE %[3]s END
	WHEN $2 <= vote_start THEN %[4]s
	WHEN $2 <= vote_end THEN %[5]s
	WHEN for_votes > against_votes THEN %[6]s
	ELSE %[7]s END`, pq.QuoteLiteral(governance.Executed.String()), pq.QuoteLiteral(governance.Canceled.String()),
	pq.QuoteLiteral(governance.Queued.String()), pq.QuoteLiteral(governance.Pending.String()),
	pq.QuoteLiteral(governance.Active.String()), pq.QuoteLiteral(governance.Succeeded.String()),
	pq.QuoteLiteral(governance.Defeated.String()))

// applyIndexStates sets the state of the batch's communities' proposals: state() where the indexer
// read it, else derived from events and the batch's end time.
func applyIndexStates(ctx context.Context, tx *sqlx.Tx, b *indexer.Batch) error {
	if len(b.Communities) == 0 {
		return nil
	}
	if b.End.Time != 0 {
		if _, err := tx.ExecContext(ctx, `
			UPDATE proposals SET state = `+indexDerivedState+`, state_checked_block = NULL
			WHERE community_id = ANY($1) AND NOT (state_checked_block IS NOT NULL AND state = ANY($3))`,
			pq.Array(b.Communities), int64(b.End.Time), pq.Array(governance.FinalStateNames())); err != nil {
			return err
		}
	}
	for _, s := range b.States {
		if _, err := tx.ExecContext(ctx, `
			UPDATE proposals SET state = $3, state_checked_block = $4 WHERE community_id = $1 AND proposal_id = $2::numeric`,
			s.CommunityID, s.ProposalID.String(), s.State, int64(b.End.Number)); err != nil {
			return err
		}
	}
	return nil
}

// Rewind removes every event above ancestor and everything derived from them in one
// transaction: balances and supply get the removed transfers' amounts back, voting power and
// delegates of the accounts involved are recomputed from the events that remain, as are the
// governance settings; proposals created above are deleted and the others' tallies and
// lifecycle recomputed, and the state of every proposal not read from the governor at or below
// the ancestor is derived again at the ancestor; the cursor, progress and remembered blocks move
// back to ancestor.
func (w *IndexWriter) Rewind(ctx context.Context, ancestor indexer.BlockRef) error {
	op := fmt.Sprintf("rewind the index to block %d", ancestor.Number)
	tx, err := w.db.db.BeginTxx(ctx, nil)
	if err != nil {
		return w.db.indexTxError(ctx, op, err)
	}
	defer tx.Rollback()
	if err := rewindIndex(ctx, tx, ancestor, !w.shadow); err != nil {
		return w.db.indexTxError(ctx, op, err)
	}
	if err := tx.Commit(); err != nil {
		return w.db.indexTxError(ctx, op, err)
	}
	return nil
}

// rewindIndex is Rewind in tx: the chain's token and settings events above a, then governance,
// then the cursor, the communities' progress and the remembered blocks; with health, under the
// communities' health locks taken exclusively (a reindex's shadow keeps no activity days).
func rewindIndex(ctx context.Context, tx *sqlx.Tx, a indexer.BlockRef, health bool) error {
	n := int64(a.Number)
	// The cursor's row first, as a batch that moves the cursor takes it: a reindex's swap holds it
	// while it replaces a community's rows, and must not wait for rows a rewind locked first.
	if _, err := tx.ExecContext(ctx, `SELECT FROM index_cursor FOR UPDATE`); err != nil {
		return err
	}
	if health {
		if err := lockHealthCommunities(ctx, tx, `SELECT community_id FROM index_progress`); err != nil {
			return err
		}
	}
	at, err := ancestorTime(ctx, tx, a)
	if err != nil {
		return err
	}
	for _, s := range rewindStatements {
		args := []any{n}
		if strings.Contains(s, "$2") {
			args = append(args, indexZeroAddress)
		}
		if _, err := tx.ExecContext(ctx, s, args...); err != nil {
			return err
		}
	}
	if err := rewindGovernance(ctx, tx, n, at); err != nil {
		return err
	}
	return rewindProgress(ctx, tx, a, at)
}

// ancestorTime returns the time of block a: a's own when it has one, else the remembered
// block's, else 0.
func ancestorTime(ctx context.Context, tx *sqlx.Tx, a indexer.BlockRef) (int64, error) {
	if a.Time != 0 {
		return int64(a.Time), nil
	}
	var t int64
	err := tx.GetContext(ctx, &t, `SELECT coalesce((SELECT block_time FROM index_blocks WHERE block_number = $1), 0)`, int64(a.Number))
	return t, err
}

// rewindStatements remove the token, timelock and settings events above block $1 and undo what
// was derived from them ($2 is the zero address, where a statement names it).
var rewindStatements = []string{
	// Balances and supply: undo the removed transfers.
	`WITH del AS (
		DELETE FROM token_transfers WHERE block_number > $1 RETURNING community_id, from_address, to_address, value
	), supply AS (
		UPDATE token_supply s SET total_supply = s.total_supply - d.delta
		FROM (SELECT community_id, sum(CASE WHEN from_address = $2 THEN value ELSE -value END) AS delta
		      FROM del WHERE (from_address = $2) <> (to_address = $2) GROUP BY community_id) d
		WHERE s.community_id = d.community_id
	), deltas AS (
		SELECT community_id, to_address AS address, value AS delta FROM del WHERE to_address <> $2
		UNION ALL
		SELECT community_id, from_address, -value FROM del WHERE from_address <> $2
	)
	UPDATE token_accounts a SET balance = a.balance - d.delta
	FROM (SELECT community_id, address, sum(delta) AS delta FROM deltas GROUP BY community_id, address) d
	WHERE a.community_id = d.community_id AND a.address = d.address`,
	// Voting power: the newest remaining DelegateVotesChanged, else none.
	`WITH del AS (
		DELETE FROM token_delegate_votes WHERE block_number > $1 RETURNING community_id, delegate
	)
	UPDATE token_accounts a SET voting_power = coalesce((
		SELECT d.new_votes FROM token_delegate_votes d
		WHERE d.community_id = a.community_id AND d.delegate = a.address AND d.block_number <= $1
		ORDER BY d.block_number DESC, d.log_index DESC LIMIT 1), 0)
	FROM (SELECT DISTINCT community_id, delegate FROM del) x
	WHERE a.community_id = x.community_id AND a.address = x.delegate`,
	// Delegates: the newest remaining DelegateChanged, else none.
	`WITH del AS (
		DELETE FROM token_delegate_changes WHERE block_number > $1 RETURNING community_id, delegator
	)
	UPDATE token_accounts a SET delegate = (
		SELECT NULLIF(d.to_delegate, $2) FROM token_delegate_changes d
		WHERE d.community_id = a.community_id AND d.delegator = a.address AND d.block_number <= $1
		ORDER BY d.block_number DESC, d.log_index DESC LIMIT 1)
	FROM (SELECT DISTINCT community_id, delegator FROM del) x
	WHERE a.community_id = x.community_id AND a.address = x.delegator`,
	`DELETE FROM token_reward_batches WHERE block_number > $1`,
	`DELETE FROM timelock_events WHERE block_number > $1`,
	// Settings: a setting whose change is removed takes the newest remaining one, else none
	// (the community's own settings then).
	`DELETE FROM governance_setting_events WHERE block_number > $1`,
	`DELETE FROM governance_settings WHERE block_number > $1`,
	`INSERT INTO governance_settings (community_id, setting, value, block_number, log_index)
	SELECT DISTINCT ON (e.community_id, e.setting) e.community_id, e.setting, e.new_value, e.block_number, e.log_index
	FROM governance_setting_events e
	WHERE e.block_number <= $1 AND NOT EXISTS (
		SELECT 1 FROM governance_settings s WHERE s.community_id = e.community_id AND s.setting = e.setting)
	ORDER BY e.community_id, e.setting, e.block_number DESC, e.log_index DESC`,
}

// rewindGovernance removes the votes, proposal events and proposals above block n, recomputes
// the surviving proposals they touched and derives again, at the ancestor's time, every state not
// read from the governor at or below n.
func rewindGovernance(ctx context.Context, tx *sqlx.Tx, n, ancestorTime int64) error {
	var touchedRows []struct {
		Community string `db:"community_id"`
		ID        string `db:"proposal_id"`
	}
	if err := tx.SelectContext(ctx, &touchedRows, `
		WITH dv AS (DELETE FROM votes WHERE block_number > $1 RETURNING community_id, proposal_id),
		     de AS (DELETE FROM proposal_events WHERE block_number > $1 RETURNING community_id, proposal_id)
		SELECT DISTINCT community_id, proposal_id::text AS proposal_id FROM (SELECT * FROM dv UNION ALL SELECT * FROM de) x`, n); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM proposals WHERE block_number > $1`, n); err != nil {
		return err
	}
	touched := indexProposalKeys{}
	for _, r := range touchedRows {
		id, _ := new(big.Int).SetString(r.ID, 10)
		touched.add(r.Community, id)
	}
	if err := refreshIndexedProposals(ctx, tx, touched); err != nil {
		return err
	}
	// States read at removed blocks no longer hold, and states derived since may rest on removed
	// events (a CallExecuted) or a later clock: derive them all at the ancestor until state() is
	// read again. Only a state read at or below the ancestor still holds; communities not indexed
	// past the ancestor (catching up) lose nothing and are left alone.
	_, err := tx.ExecContext(ctx, `
		UPDATE proposals SET state = `+indexDerivedState+`, state_checked_block = NULL
		WHERE (state_checked_block IS NULL OR state_checked_block > $1)
		  AND community_id IN (SELECT community_id FROM index_progress WHERE block_number > $1)`, n, ancestorTime)
	return err
}

// rewindProgress moves the cursor, the communities' progress and the remembered blocks back to a.
func rewindProgress(ctx context.Context, tx *sqlx.Tx, a indexer.BlockRef, ancestorTime int64) error {
	n := int64(a.Number)
	if _, err := tx.ExecContext(ctx, `DELETE FROM index_blocks WHERE block_number > $1`, n); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE index_cursor SET block_number = $1, block_hash = $2, updated_at = now()`,
		n, indexHash(a.Hash)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE index_progress SET block_number = $1, block_hash = $2, block_time = $3 WHERE block_number > $1`,
		n, indexHash(a.Hash), ancestorTime)
	return err
}

// indexText makes a string from the chain storable as PostgreSQL text. Anyone can put arbitrary
// bytes in a proposal description or a vote reason; a NUL or invalid UTF-8 must not stop the
// indexer (it would retry the batch forever), so both become U+FFFD. A wallet proposal whose
// description needed this cannot be queued or executed through the API (its description hash is
// that of the original bytes); from a wallet it can.
func indexText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// ProposalTitle returns a proposal's title: the first non-empty line of its description without
// Markdown heading marks, at most 200 characters.
func ProposalTitle(description string) string {
	for _, line := range strings.Split(description, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "#"))
		if line == "" {
			continue
		}
		if r := []rune(line); len(r) > 200 {
			line = string(r[:200])
		}
		return line
	}
	return ""
}

func indexHash(h common.Hash) string { return strings.ToLower(h.Hex()) }

func indexBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
