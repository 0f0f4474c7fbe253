package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/chain"
)

type txRow struct {
	ID          int64          `db:"id"`
	ChainID     int64          `db:"chain_id"`
	Key         string         `db:"key"`
	From        string         `db:"from_address"`
	To          sql.NullString `db:"to_address"` // NULL: a contract creation
	Nonce       int64          `db:"nonce"`
	Data        []byte         `db:"data"`
	Value       string         `db:"value"`
	GasLimit    int64          `db:"gas_limit"`
	State       string         `db:"state"`
	MinedHash   sql.NullString `db:"mined_hash"`
	BlockNumber sql.NullInt64  `db:"block_number"`
	BlockHash   sql.NullString `db:"block_hash"`
	Succeeded   sql.NullBool   `db:"succeeded"`
}

// txColumns are an intent's columns; txColumnsLight the same without its calldata.
const (
	txColumns      = txColumnsHead + `data` + txColumnsTail
	txColumnsLight = txColumnsHead + `NULL::bytea AS data` + txColumnsTail
	txColumnsHead  = `id, chain_id, key, from_address, to_address, nonce, `
	txColumnsTail  = `, value::text AS value, gas_limit, state, mined_hash, block_number, block_hash, succeeded`
)

type attemptRow struct {
	TxID      int64     `db:"tx_id"`
	Hash      string    `db:"hash"`
	Raw       []byte    `db:"raw"`
	MaxFee    string    `db:"max_fee"`
	Tip       string    `db:"tip"`
	CreatedAt time.Time `db:"created_at"`
}

func (r txRow) record(attempts []attemptRow) *chain.TxRecord {
	var to *common.Address
	if r.To.Valid {
		a := common.HexToAddress(r.To.String)
		to = &a
	}
	rec := &chain.TxRecord{
		ID: r.ID, Key: r.Key, ChainID: uint64(r.ChainID), From: common.HexToAddress(r.From), To: to,
		Nonce: uint64(r.Nonce), Data: r.Data, Value: parseBig(r.Value), GasLimit: uint64(r.GasLimit), State: r.State,
		MinedHash: common.HexToHash(r.MinedHash.String), BlockNumber: uint64(r.BlockNumber.Int64),
		BlockHash: common.HexToHash(r.BlockHash.String), Succeeded: r.Succeeded.Bool,
	}
	for _, a := range attempts {
		rec.Attempts = append(rec.Attempts, chain.TxAttempt{Hash: common.HexToHash(a.Hash), Raw: a.Raw, MaxFee: parseBig(a.MaxFee), Tip: parseBig(a.Tip), CreatedAt: a.CreatedAt})
	}
	return rec
}

// loadTxs returns the records of rows with their attempts.
func loadTxs(ctx context.Context, q sqlx.QueryerContext, rows []txRow) ([]*chain.TxRecord, error) {
	return loadAttempts(ctx, q, rows, true)
}

// loadAttempts returns the records of rows with their attempts, each with its signed bytes when
// raw is set.
func loadAttempts(ctx context.Context, q sqlx.QueryerContext, rows []txRow, raw bool) ([]*chain.TxRecord, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	for k, r := range rows {
		ids[k] = r.ID
	}
	var attempts []attemptRow
	rawColumn := "raw"
	if !raw {
		rawColumn = "NULL::bytea AS raw"
	}
	if err := sqlx.SelectContext(ctx, q, &attempts, `SELECT tx_id, hash, `+rawColumn+`, max_fee::text AS max_fee, tip::text AS tip, created_at
		FROM chain_tx_attempts WHERE tx_id = ANY($1) ORDER BY created_at, hash`, pq.Array(ids)); err != nil {
		return nil, err
	}
	byTx := map[int64][]attemptRow{}
	for _, a := range attempts {
		byTx[a.TxID] = append(byTx[a.TxID], a)
	}
	out := make([]*chain.TxRecord, len(rows))
	for k, r := range rows {
		out[k] = r.record(byTx[r.ID])
	}
	return out, nil
}

func oneTx(ctx context.Context, q sqlx.QueryerContext, where string, arg any) (*chain.TxRecord, error) {
	var rows []txRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+txColumns+` FROM chain_txs WHERE `+where, arg); err != nil {
		return nil, err
	}
	recs, err := loadTxs(ctx, q, rows)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return recs[0], nil
}

// TxByKey returns the intent recorded under key, or nil.
func (s *SenderStore) TxByKey(ctx context.Context, key string) (*chain.TxRecord, error) {
	rec, err := oneTx(ctx, s.db.db, `key = $1`, key)
	if err != nil {
		return nil, s.db.queryError("find transaction", err)
	}
	return rec, nil
}

// TxByID returns one intent, or nil.
func (s *SenderStore) TxByID(ctx context.Context, id int64) (*chain.TxRecord, error) {
	rec, err := oneTx(ctx, s.db.db, `id = $1`, id)
	if err != nil {
		return nil, s.db.queryError("find transaction", err)
	}
	return rec, nil
}

// nextNonces locks the nonce row of (chainID, from) and returns the first of n consecutive nonces
// to use, at least minNonce, advancing the row past them.
func nextNonces(ctx context.Context, tx *sqlx.Tx, chainID uint64, from common.Address, minNonce uint64, n int) (uint64, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO chain_nonces (chain_id, address, next_nonce) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		int64(chainID), from.Hex(), int64(minNonce)); err != nil {
		return 0, err
	}
	var next int64
	if err := tx.QueryRowxContext(ctx, `SELECT next_nonce FROM chain_nonces WHERE chain_id = $1 AND address = $2 FOR UPDATE`,
		int64(chainID), from.Hex()).Scan(&next); err != nil {
		return 0, err
	}
	nonce := max(uint64(next), minNonce)
	if _, err := tx.ExecContext(ctx, `UPDATE chain_nonces SET next_nonce = $3 WHERE chain_id = $1 AND address = $2`,
		int64(chainID), from.Hex(), int64(nonce)+int64(n)); err != nil {
		return 0, err
	}
	return nonce, nil
}

func insertAttempt(ctx context.Context, tx *sqlx.Tx, txID int64, a chain.TxAttempt) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO chain_tx_attempts (hash, tx_id, raw, max_fee, tip, created_at) VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6)`,
		hexLower(a.Hash), txID, a.Raw, a.MaxFee.String(), a.Tip.String(), a.CreatedAt)
	return err
}

func hexLower(h common.Hash) string { return h.Hex() } // Hash.Hex is lower case

// RecordTx stores a new intent with the next nonce and its first attempt; see chain.TxStore.
func (s *SenderStore) RecordTx(ctx context.Context, rec *chain.TxRecord, minNonce uint64, sign func(uint64) (chain.TxAttempt, error)) (*chain.TxRecord, error) {
	out, err := s.RecordTxs(ctx, rec.ChainID, rec.From, []string{rec.Key}, minNonce, func(nonce uint64) ([]*chain.TxRecord, error) {
		a, err := sign(nonce)
		if err != nil {
			return nil, err
		}
		r := *rec
		r.Attempts = []chain.TxAttempt{a}
		return []*chain.TxRecord{&r}, nil
	})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// RecordTxs stores intents under keys at consecutive nonces with their first attempts, in one
// transaction; see chain.TxStore.
func (s *SenderStore) RecordTxs(ctx context.Context, chainID uint64, from common.Address, keys []string, minNonce uint64,
	build func(first uint64) ([]*chain.TxRecord, error)) ([]*chain.TxRecord, error) {
	var out []*chain.TxRecord
	err := s.db.inTx(ctx, "record transaction", true, func(tx *sqlx.Tx) error {
		// The nonce row lock serializes recorders, so a second recorder of the keys sees the first.
		first, err := nextNonces(ctx, tx, chainID, from, minNonce, len(keys))
		if err != nil {
			return err
		}
		if out, err = txsByKeys(ctx, tx, keys); err != nil || out != nil {
			return errRollback{err}
		}
		recs, err := build(first)
		if err != nil {
			return err
		}
		if len(recs) != len(keys) {
			return fmt.Errorf("%d intents built for %d keys", len(recs), len(keys))
		}
		for k, rec := range recs {
			rec.Key, rec.ChainID, rec.From, rec.Nonce, rec.State = keys[k], chainID, from, first+uint64(k), chain.TxPending
			if err := insertTx(ctx, tx, rec); err != nil {
				return err
			}
		}
		out = recs
		return nil
	})
	var rb errRollback
	if errors.As(err, &rb) {
		if rb.err != nil {
			return nil, s.db.queryError("record transaction", rb.err)
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// txsByKeys returns the intents recorded under keys, in the order of keys; nil when none is,
// and an error when only some are (intents recorded together are recorded under all their keys).
func txsByKeys(ctx context.Context, q sqlx.QueryerContext, keys []string) ([]*chain.TxRecord, error) {
	var rows []txRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+txColumns+` FROM chain_txs WHERE key = ANY($1)`, pq.Array(keys)); err != nil {
		return nil, err
	}
	recs, err := loadTxs(ctx, q, rows)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	byKey := map[string]*chain.TxRecord{}
	for _, r := range recs {
		byKey[r.Key] = r
	}
	out := make([]*chain.TxRecord, len(keys))
	for k, key := range keys {
		if out[k] = byKey[key]; out[k] == nil {
			return nil, fmt.Errorf("intent %s is not recorded while %s is: these intents are recorded together", key, recs[0].Key)
		}
	}
	return out, nil
}

// insertTx inserts rec (its Key, ChainID, From, Nonce set) with its one attempt, setting rec.ID.
func insertTx(ctx context.Context, tx *sqlx.Tx, rec *chain.TxRecord) error {
	var to any // NULL: a contract creation
	if rec.To != nil {
		to = rec.To.Hex()
	}
	if err := tx.QueryRowxContext(ctx, `INSERT INTO chain_txs (chain_id, key, from_address, to_address, nonce, data, value, gas_limit)
		VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8) RETURNING id`,
		int64(rec.ChainID), rec.Key, rec.From.Hex(), to, int64(rec.Nonce), rec.Data, bigText(rec.Value), int64(rec.GasLimit)).Scan(&rec.ID); err != nil {
		return err
	}
	return insertAttempt(ctx, tx, rec.ID, rec.Attempts[0])
}

// errRollback ends a transaction without committing, carrying err (nil: not a failure).
type errRollback struct{ err error }

func (e errRollback) Error() string {
	if e.err == nil {
		return "rollback"
	}
	return e.err.Error()
}

// AddAttempt records a replacement attempt.
func (s *SenderStore) AddAttempt(ctx context.Context, txID int64, a chain.TxAttempt) error {
	return s.db.inTx(ctx, "record attempt", true, func(tx *sqlx.Tx) error {
		if err := insertAttempt(ctx, tx, txID, a); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE chain_txs SET updated_at = now() WHERE id = $1`, txID)
		return err
	})
}

// Renonce moves a pending intent to a new nonce with a new first attempt.
func (s *SenderStore) Renonce(ctx context.Context, txID int64, minNonce uint64, sign func(uint64) (chain.TxAttempt, error)) error {
	return s.db.inTx(ctx, "renonce transaction", true, func(tx *sqlx.Tx) error {
		rec, err := oneTx(ctx, tx, `id = $1`, txID)
		if err != nil {
			return err
		}
		nonce, err := nextNonces(ctx, tx, rec.ChainID, rec.From, minNonce, 1)
		if err != nil {
			return err
		}
		a, err := sign(nonce)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE chain_txs SET nonce = $2, updated_at = now() WHERE id = $1 AND state = 'pending'`, txID, int64(nonce)); err != nil {
			return err
		}
		return insertAttempt(ctx, tx, txID, a)
	})
}

// SetTxState records an intent's state.
func (s *SenderStore) SetTxState(ctx context.Context, txID int64, state string, mined common.Hash, block uint64, blockHash common.Hash, ok bool) error {
	var minedHash, bh any
	var bn any
	var succ any
	if state != chain.TxPending {
		minedHash, bh, bn, succ = mined.Hex(), blockHash.Hex(), int64(block), ok
	}
	_, err := s.db.db.ExecContext(ctx, `UPDATE chain_txs SET state = $2, mined_hash = $3, block_number = $4, block_hash = $5, succeeded = $6, updated_at = now() WHERE id = $1`,
		txID, state, minedHash, bn, bh, succ)
	if err != nil {
		return s.db.queryError("set transaction state", err)
	}
	return nil
}

// OpenTxs returns the intents not final yet, by nonce, without their calldata and signed
// attempts; see chain.TxStore.
func (s *SenderStore) OpenTxs(ctx context.Context, chainID uint64, from common.Address) ([]*chain.TxRecord, error) {
	var rows []txRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT `+txColumnsLight+` FROM chain_txs WHERE state <> 'final' AND chain_id = $1 AND from_address = $2 ORDER BY nonce`,
		int64(chainID), from.Hex()); err != nil {
		return nil, s.db.queryError("list open transactions", err)
	}
	recs, err := loadAttempts(ctx, s.db.db, rows, false)
	if err != nil {
		return nil, s.db.queryError("list open transactions", err)
	}
	return recs, nil
}

// TxStatuses returns where each intent of ids is, without payloads; see chain.TxStore.
func (s *SenderStore) TxStatuses(ctx context.Context, ids []int64) (map[int64]chain.TxStatus, error) {
	var rows []struct {
		ID          int64          `db:"id"`
		State       string         `db:"state"`
		MinedHash   sql.NullString `db:"mined_hash"`
		BlockNumber sql.NullInt64  `db:"block_number"`
		Succeeded   sql.NullBool   `db:"succeeded"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT id, state, mined_hash, block_number, succeeded FROM chain_txs WHERE id = ANY($1)`,
		pq.Array(ids)); err != nil {
		return nil, s.db.queryError("read transaction states", err)
	}
	out := make(map[int64]chain.TxStatus, len(rows))
	for _, r := range rows {
		out[r.ID] = chain.TxStatus{ID: r.ID, State: r.State, MinedHash: common.HexToHash(r.MinedHash.String),
			BlockNumber: uint64(r.BlockNumber.Int64), Succeeded: r.Succeeded.Bool}
	}
	return out, nil
}
