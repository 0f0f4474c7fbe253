package postgres_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/webhook"
)

// receiver is a webhook receiver that refuses its first failures deliveries with a 500, checks
// every signature, and keeps the ids it accepted, de-duplicated as a receiver should.
type receiver struct {
	t        *testing.T
	secret   string
	failures int
	mu       sync.Mutex
	requests int
	ids      []int64
	seen     map[int64]bool
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	ts, err := strconv.ParseInt(req.Header.Get(webhook.HeaderTimestamp), 10, 64)
	if err != nil || !webhook.Verify(r.secret, ts, body, req.Header.Get(webhook.HeaderSignature)) {
		r.t.Errorf("delivery with a bad signature or timestamp: %q %q", req.Header.Get(webhook.HeaderTimestamp), req.Header.Get(webhook.HeaderSignature))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev struct {
		ID        int64  `json:"id"`
		Kind      string `json:"kind"`
		Community string `json:"community"`
	}
	if err := json.Unmarshal(body, &ev); err != nil || ev.Community != "guild" || strconv.FormatInt(ev.ID, 10) != req.Header.Get(webhook.HeaderEventID) {
		r.t.Errorf("delivery body %s (header id %s): %v", body, req.Header.Get(webhook.HeaderEventID), err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if r.requests <= r.failures {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	if !r.seen[ev.ID] {
		r.seen[ev.ID] = true
		r.ids = append(r.ids, ev.ID)
	}
}

// TestWebhookDeliveryRetriesAcrossRestart: a receiver that fails its first two deliveries gets
// every event once it answers, in feed order, signed; a new deliverer (a restart) resumes where
// the store says the webhook stands; events from before the webhook was added are not sent.
func TestWebhookDeliveryRetriesAcrossRestart(t *testing.T) {
	t.Parallel()
	f := newRecognitionFixture(t)
	f.reward(account(9), day(0, 8), 5, false, 0)
	f.at(day(0, 9))
	f.evaluate() // one event before the webhook: never sent
	before := f.lastEvent()
	rcv := &receiver{t: t, secret: "0123456789abcdef-secret", failures: 2, seen: map[int64]bool{}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	if _, err := f.rec.AddWebhook(t.Context(), "guild", srv.URL, "short"); guildhall.ErrorCode(err) != guildhall.EINVALID {
		t.Errorf("a short secret: %v, want EINVALID", err)
	}
	if _, err := f.rec.AddWebhook(t.Context(), "guild", srv.URL, rcv.secret); err == nil {
		t.Error("a store without a sealing key stored a webhook secret")
	}
	sealing, err := f.rec.WithSecretKey(postgres.SecretKey([]byte("the operator key")))
	if err != nil {
		t.Fatal(err)
	}
	f.rec = sealing
	if _, err := f.rec.AddWebhook(t.Context(), "guild", srv.URL, rcv.secret); err != nil {
		t.Fatal(err)
	}
	// The database holds the secret sealed, never as given.
	var stored string
	if err := f.raw.Get(&stored, `SELECT secret FROM recognition_webhooks WHERE community_id = 'guild'`); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, rcv.secret) || !strings.HasPrefix(stored, "sealed.v1:") {
		t.Errorf("stored webhook secret %q: want it sealed", stored)
	}
	f.reward(account(1), day(1, 9), 10, false, 0)
	f.reward(account(2), day(1, 9), 10, false, 0)
	f.at(day(1, 12))
	f.evaluate()
	other, _ := f.rec.WithSecretKey(postgres.SecretKey([]byte("another key")))
	if _, err := other.DueWebhooks(t.Context(), day(9, 0)); err == nil {
		t.Error("a secret sealed under one key opened under another")
	}

	now := day(1, 12)
	clock := func() time.Time { return now }
	deliverer := func() *webhook.Deliverer {
		return webhook.New(f.rec, webhook.Config{Backoff: time.Minute, Now: clock})
	}
	round := func(d *webhook.Deliverer) {
		t.Helper()
		if err := d.Round(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	d := deliverer()
	round(d) // fails: retry in a minute
	round(d) // not due yet: nothing is sent
	if rcv.requests != 1 {
		t.Fatalf("requests after a failure and an early round = %d, want 1", rcv.requests)
	}
	now = now.Add(time.Minute)
	round(deliverer()) // a restart; fails again: retry in two minutes
	now = now.Add(time.Minute)
	round(deliverer())
	if rcv.requests != 2 {
		t.Fatalf("requests before the doubled backoff = %d, want 2", rcv.requests)
	}
	now = now.Add(time.Minute)
	round(deliverer())
	want := []int64{before + 1, before + 2}
	if len(rcv.ids) != 2 || rcv.ids[0] != want[0] || rcv.ids[1] != want[1] {
		t.Errorf("delivered %v, want %v in order", rcv.ids, want)
	}
	hooks, err := f.rec.Webhooks(t.Context(), "guild")
	if err != nil || len(hooks) != 1 || hooks[0].Cursor != before+2 || hooks[0].Attempts != 0 {
		t.Errorf("webhooks = %+v, %v; want its cursor at %d and no failures", hooks, err, before+2)
	}
	if err := f.rec.RemoveWebhook(t.Context(), "guild", hooks[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.rec.RemoveWebhook(t.Context(), "guild", hooks[0].ID); guildhall.ErrorCode(err) != guildhall.ENOTFOUND {
		t.Errorf("removing it again: %v, want ENOTFOUND", err)
	}
}
