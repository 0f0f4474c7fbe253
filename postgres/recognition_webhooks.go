package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/recognition"
	"github.com/guildhall/guildhall/webhook"
)

// WebhookInfo is a registered webhook as the operator lists it: never its secret.
type WebhookInfo struct {
	ID        int64     `db:"id" json:"id"`
	URL       string    `db:"url" json:"url"`
	Cursor    int64     `db:"cursor" json:"cursor"`
	Attempts  int       `db:"attempts" json:"attempts"`
	LastError *string   `db:"last_error" json:"last_error"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

var _ webhook.Store = (*RecognitionStore)(nil)

// recognitionLockKey is the advisory lock of the process that evaluates recognition and delivers
// webhooks: one at a time, so each webhook's deliveries stay in feed order.
const recognitionLockKey = 0x6775696c645f7265 // "guild_re"

// LockRecognition takes the recognition worker's advisory lock, waiting while another process
// holds it, until unlock is called; held ends if the lock is lost with its connection.
func (db *DB) LockRecognition(ctx context.Context) (held context.Context, unlock func(), err error) {
	return db.holdAdvisoryLock(ctx, recognitionLockKey, "lock recognition")
}

// AddWebhook registers rawURL (http or https) to receive community's recognition events from now on (the events
// already in the feed are not sent), signed with secret (at least 16 characters). An unknown
// community is ENOTFOUND.
func (s *RecognitionStore) AddWebhook(ctx context.Context, community, rawURL, secret string) (int64, error) {
	var bad []guildhall.FieldError
	if u, err := url.Parse(rawURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad = append(bad, guildhall.FieldError{Field: "url", Message: "must be an http:// or https:// URL"})
	}
	if len(secret) < 16 {
		bad = append(bad, guildhall.FieldError{Field: "secret", Message: "must be at least 16 characters"})
	}
	if len(bad) > 0 {
		return 0, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid webhook", Fields: bad}
	}
	if s.box == nil {
		return 0, errors.New("add webhook: the store has no key to seal its secret")
	}
	var id int64
	err := s.db.db.GetContext(ctx, &id, `INSERT INTO recognition_webhooks (community_id, url, secret, cursor)
		VALUES ($1, $2, $3, (SELECT coalesce(max(id), 0) FROM recognition_events WHERE community_id = $1)) RETURNING id`,
		community, rawURL, s.box.seal(secret))
	var pqErr *pq.Error
	switch {
	case errors.As(err, &pqErr) && pqErr.Code == "23503": // foreign_key_violation
		return 0, guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", community)
	case err != nil:
		return 0, s.db.queryError("add webhook", err)
	}
	return id, nil
}

// Webhooks lists community's webhooks by id.
func (s *RecognitionStore) Webhooks(ctx context.Context, community string) ([]WebhookInfo, error) {
	out := []WebhookInfo{}
	if err := s.db.db.SelectContext(ctx, &out, `SELECT id, url, cursor, attempts, last_error, created_at FROM recognition_webhooks
		WHERE community_id = $1 ORDER BY id`, community); err != nil {
		return nil, s.db.queryError("list webhooks", err)
	}
	return out, nil
}

// RemoveWebhook removes community's webhook id; ENOTFOUND when it has none with that id.
func (s *RecognitionStore) RemoveWebhook(ctx context.Context, community string, id int64) error {
	res, err := s.db.db.ExecContext(ctx, `DELETE FROM recognition_webhooks WHERE community_id = $1 AND id = $2`, community, id)
	if err != nil {
		return s.db.queryError("remove webhook", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return guildhall.Errorf(guildhall.ENOTFOUND, "community %q has no webhook %d", community, id)
	}
	return nil
}

// DueWebhooks returns the webhooks whose next attempt is due at now and that have an event after
// their cursor.
func (s *RecognitionStore) DueWebhooks(ctx context.Context, now time.Time) ([]webhook.Hook, error) {
	var rows []struct {
		ID        int64  `db:"id"`
		Community string `db:"community_id"`
		URL       string `db:"url"`
		Secret    string `db:"secret"`
		Cursor    int64  `db:"cursor"`
		Attempts  int    `db:"attempts"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT w.id, w.community_id, w.url, w.secret, w.cursor, w.attempts FROM recognition_webhooks w
		WHERE w.next_attempt_at <= $1 AND EXISTS (SELECT 1 FROM recognition_events e WHERE e.community_id = w.community_id AND e.id > w.cursor)
		ORDER BY w.id`, now); err != nil {
		return nil, s.db.queryError("read due webhooks", err)
	}
	if s.box == nil && len(rows) > 0 {
		return nil, errors.New("deliver webhooks: the store has no key to open their secrets")
	}
	out := make([]webhook.Hook, len(rows))
	for k, r := range rows {
		secret, err := s.box.open(r.Secret)
		if err != nil {
			return nil, fmt.Errorf("webhook %d: %w", r.ID, err)
		}
		out[k] = webhook.Hook{ID: r.ID, Community: r.Community, URL: r.URL, Secret: secret, Cursor: r.Cursor, Attempts: r.Attempts}
	}
	return out, nil
}

// EventsAfter returns up to limit events of community after the event id after.
func (s *RecognitionStore) EventsAfter(ctx context.Context, community string, after int64, limit int) ([]recognition.Event, error) {
	page, err := s.Events(ctx, community, guildhall.Page[int64]{After: &after, Limit: limit})
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}

// Acknowledge moves hook's cursor to event, never back, and clears its failures.
func (s *RecognitionStore) Acknowledge(ctx context.Context, hook, event int64) error {
	_, err := s.db.db.ExecContext(ctx, `UPDATE recognition_webhooks SET cursor = greatest(cursor, $2), attempts = 0, last_error = NULL,
		next_attempt_at = '-infinity' WHERE id = $1`, hook, event)
	if err != nil {
		return s.db.queryError("acknowledge webhook delivery", err)
	}
	return nil
}

// Retry records hook's failed attempt: its next is due at at.
func (s *RecognitionStore) Retry(ctx context.Context, hook int64, attempts int, at time.Time, lastErr string) error {
	_, err := s.db.db.ExecContext(ctx, `UPDATE recognition_webhooks SET attempts = $2, next_attempt_at = $3, last_error = left($4, 500)
		WHERE id = $1`, hook, attempts, at, lastErr)
	if err != nil {
		return s.db.queryError("record webhook failure", err)
	}
	return nil
}
