// Package webhook delivers a community's recognition feed to the URLs its operator registered:
// each event is POSTed as JSON with an HMAC-SHA256 signature and a timestamp, in feed order (so in
// order per member), retried with backoff until the receiver answers 2xx, at least once. Where a
// webhook stands is kept by its Store, so a restart resumes where the last one stopped; a receiver
// de-duplicates by the event's id.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/guildhall/guildhall/recognition"
)

// The headers of a delivery. The signature is "sha256=" and the hex HMAC-SHA256, keyed by the
// webhook's secret, of the timestamp header's value, a '.', and the body: a receiver recomputes it
// and refuses a delivery whose timestamp is too old (a replay).
const (
	HeaderEventID   = "Guildhall-Event-Id"
	HeaderTimestamp = "Guildhall-Timestamp"
	HeaderSignature = "Guildhall-Signature"
)

// Hook is a registered webhook and where it stands: Cursor is the last event it acknowledged,
// Attempts how many times the next one has failed.
type Hook struct {
	ID        int64
	Community string
	URL       string
	Secret    string
	Cursor    int64
	Attempts  int
}

// Store keeps the webhooks and reads the feed.
type Store interface {
	// DueWebhooks returns the webhooks whose next attempt is due at now.
	DueWebhooks(ctx context.Context, now time.Time) ([]Hook, error)
	// EventsAfter returns up to limit events of community after the event id after, in id order.
	EventsAfter(ctx context.Context, community string, after int64, limit int) ([]recognition.Event, error)
	// Acknowledge moves the webhook's cursor to event (never back) and clears its failures.
	Acknowledge(ctx context.Context, hook, event int64) error
	// Retry records a failed attempt: the next is due at at.
	Retry(ctx context.Context, hook int64, attempts int, at time.Time, lastErr string) error
}

// Config tunes a Deliverer; zero fields take the defaults.
type Config struct {
	Client     *http.Client     // default: a client with a 10 s timeout
	Backoff    time.Duration    // the wait after the first failure, doubled after each (default 2 s)
	MaxBackoff time.Duration    // the longest wait (default 10 min)
	Batch      int              // events per webhook per round (default 100)
	Now        func() time.Time // default time.Now
	Logger     *slog.Logger
}

// Deliverer sends due deliveries, one round at a time.
type Deliverer struct {
	store Store
	cfg   Config
}

// New returns a deliverer over store.
func New(store Store, cfg Config) *Deliverer {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 2 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 10 * time.Minute
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Deliverer{store: store, cfg: cfg}
}

// Round delivers, for every due webhook, its next events in order until one fails (it is
// retried after a backoff, and nothing after it is sent before) or none is left.
func (d *Deliverer) Round(ctx context.Context) error {
	hooks, err := d.store.DueWebhooks(ctx, d.cfg.Now())
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if err := d.deliverHook(ctx, h); err != nil {
			return err
		}
	}
	return nil
}

// deliverHook sends h's next events; only a store error is returned.
func (d *Deliverer) deliverHook(ctx context.Context, h Hook) error {
	events, err := d.store.EventsAfter(ctx, h.Community, h.Cursor, d.cfg.Batch)
	if err != nil {
		return err
	}
	for _, e := range events {
		if err := d.post(ctx, h, e); err != nil {
			h.Attempts++
			wait := min(d.cfg.MaxBackoff, d.cfg.Backoff<<min(h.Attempts-1, 20))
			d.cfg.Logger.Warn("webhook delivery failed; retrying", "webhook", h.ID, "community", h.Community, "event", e.ID,
				"attempts", h.Attempts, "retry_in", wait, "err", err)
			return d.store.Retry(ctx, h.ID, h.Attempts, d.cfg.Now().Add(wait), err.Error())
		}
		if err := d.store.Acknowledge(ctx, h.ID, e.ID); err != nil {
			return err
		}
		h.Attempts = 0
	}
	return nil
}

// post sends one event; an error is a transport failure or an answer other than 2xx.
func (d *Deliverer) post(ctx context.Context, h Hook, e recognition.Event) error {
	payload := e.JSON()
	payload.Community = h.Community
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	ts := d.cfg.Now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "guildhall-webhook")
	req.Header.Set(HeaderEventID, strconv.FormatInt(e.ID, 10))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(h.Secret, ts, body))
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}

// Sign returns the signature header's value of a delivery of body at timestamp (Unix seconds).
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature is body's at timestamp under secret, in constant time.
func Verify(secret string, timestamp int64, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}
