package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
)

// SessionStore keeps Sign-In with Ethereum nonces and members' sessions, and reads members'
// standings for the signed-in member.
type SessionStore struct {
	db *DB
}

// NewSessionStore returns the session store over db.
func NewSessionStore(db *DB) *SessionStore {
	return &SessionStore{db: db}
}

// CreateSIWENonce records a sign-in nonce that expires at expiresAt.
func (st *SessionStore) CreateSIWENonce(ctx context.Context, nonce string, expiresAt time.Time) error {
	if _, err := st.db.db.ExecContext(ctx, `INSERT INTO siwe_nonces (nonce, expires_at) VALUES ($1, $2)`, nonce, expiresAt); err != nil {
		return st.db.queryError("create sign-in nonce", err)
	}
	// Forget nonces long expired, a few at a time, so the table stays small without a janitor.
	_, _ = st.db.db.ExecContext(ctx, `DELETE FROM siwe_nonces WHERE nonce IN
		(SELECT nonce FROM siwe_nonces WHERE expires_at < $1 LIMIT 100)`, time.Now().Add(-24*time.Hour))
	return nil
}

// UseSIWENonce marks a nonce used, once: an EUNAUTHORIZED *guildhall.Error when it was never
// issued, is used already, or expired before now.
func (st *SessionStore) UseSIWENonce(ctx context.Context, nonce string, now time.Time) error {
	return st.nonce(ctx, "use sign-in nonce", `UPDATE siwe_nonces SET used_at = $2
		WHERE nonce = $1 AND used_at IS NULL RETURNING expires_at`, nonce, now)
}

// CheckSIWENonce answers as UseSIWENonce would, without using the nonce: a sign-in is checked
// against it before anything costly (a contract wallet's ERC-1271 call) is done for it.
func (st *SessionStore) CheckSIWENonce(ctx context.Context, nonce string, now time.Time) error {
	return st.nonce(ctx, "check sign-in nonce", `SELECT expires_at FROM siwe_nonces
		WHERE nonce = $1 AND used_at IS NULL AND $2::timestamptz IS NOT NULL`, nonce, now)
}

// nonce runs query, which returns the expiry of an unused nonce $1 ($2 is now), and says why a
// sign-in with it is refused.
func (st *SessionStore) nonce(ctx context.Context, op, query, nonce string, now time.Time) error {
	var expires time.Time
	err := st.db.db.GetContext(ctx, &expires, query, nonce, now)
	if errors.Is(err, sql.ErrNoRows) {
		return guildhall.Errorf(guildhall.EUNAUTHORIZED, "sign-in refused: the nonce was not issued by this server or was used already; request a new one from POST /v1/auth/nonce")
	}
	if err != nil {
		return st.db.queryError(op, err)
	}
	if !now.Before(expires) {
		return guildhall.Errorf(guildhall.EUNAUTHORIZED, "sign-in refused: the nonce expired at %s; request a new one", expires.UTC().Format(time.RFC3339))
	}
	return nil
}

// CreateSession stores a session for token (only its SHA-256 is kept).
func (st *SessionStore) CreateSession(ctx context.Context, token string, s guildhall.MemberSession) error {
	h := sha256.Sum256([]byte(token))
	_, err := st.db.db.ExecContext(ctx, `INSERT INTO member_sessions (token_hash, address, chain_id, expires_at) VALUES ($1, $2, $3, $4)`,
		h[:], common.HexToAddress(s.Address).Hex(), int64(s.ChainID), s.ExpiresAt)
	if err != nil {
		return st.db.queryError("create session", err)
	}
	// Forget sessions expired a day ago or more, a few at a time, as CreateSIWENonce does nonces.
	_, _ = st.db.db.ExecContext(ctx, `DELETE FROM member_sessions WHERE token_hash IN
		(SELECT token_hash FROM member_sessions WHERE expires_at < $1 LIMIT 100)`, time.Now().Add(-24*time.Hour))
	return nil
}

// Session returns the live session of token, or an EUNAUTHORIZED *guildhall.Error.
func (st *SessionStore) Session(ctx context.Context, token string, now time.Time) (*guildhall.MemberSession, error) {
	h := sha256.Sum256([]byte(token))
	var row struct {
		Address   string    `db:"address"`
		ChainID   int64     `db:"chain_id"`
		ExpiresAt time.Time `db:"expires_at"`
	}
	err := st.db.db.GetContext(ctx, &row, `SELECT address, chain_id, expires_at FROM member_sessions WHERE token_hash = $1`, h[:])
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guildhall.Errorf(guildhall.EUNAUTHORIZED, "unknown session token: sign in with POST /v1/auth/verify")
	}
	if err != nil {
		return nil, st.db.queryError("read session", err)
	}
	if !now.Before(row.ExpiresAt) {
		return nil, guildhall.Errorf(guildhall.EUNAUTHORIZED, "the session expired at %s: sign in again", row.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return &guildhall.MemberSession{Address: common.HexToAddress(row.Address).Hex(), ChainID: uint64(row.ChainID), ExpiresAt: row.ExpiresAt}, nil
}
