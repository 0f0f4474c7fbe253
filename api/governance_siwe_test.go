package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/siwe"
)

// Sign-in refusals a wallet can cause, through the API: each a 401 saying what is wrong. The
// server's clock (GovernanceConfig.Now) is moved to expire nonces and sessions.
func TestSignInWithEthereumRefusals(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 3, 40)
	now := func() time.Time { return time.Now().Add(time.Duration(h.skew.Load())) }
	newNonce := func() string {
		t.Helper()
		return h.want(t, h.do(t, http.MethodPost, "/v1/auth/nonce", "", nil), http.StatusOK)["nonce"].(string)
	}
	message := func(nonce string, change func(*siwe.Message)) *siwe.Message {
		later := now().Add(time.Hour)
		m := &siwe.Message{Domain: "guildhall.test", Address: h.sim.Address(1), Statement: "Sign in to Guildhall.",
			URI: "https://guildhall.test/", Version: "1", ChainID: h.sim.ChainID.Uint64(), Nonce: nonce,
			IssuedAt: now().Add(-time.Second), ExpirationTime: &later}
		if change != nil {
			change(m)
		}
		return m
	}
	verify := func(m *siwe.Message) (int, map[string]any) {
		t.Helper()
		text := m.String()
		sig, _ := crypto.Sign(accounts.TextHash([]byte(text)), h.sim.Accounts[1])
		sig[64] += 27
		rec := h.do(t, http.MethodPost, "/v1/auth/verify", "", map[string]string{"message": text, "signature": hexutil.Encode(sig)})
		return rec.Code, h.want(t, rec, rec.Code)
	}
	wantDenied := func(code int, p map[string]any, reason string) {
		t.Helper()
		if code != http.StatusUnauthorized || !strings.Contains(p["detail"].(string), reason) {
			t.Fatalf("%d %v, want 401 saying %q", code, p, reason)
		}
	}

	t.Run("URI on another host", func(t *testing.T) {
		nonce := newNonce()
		code, p := verify(message(nonce, func(m *siwe.Message) { m.URI = "https://evil.example/login" }))
		wantDenied(code, p, `the URI "https://evil.example/login" is not on this server's domain "guildhall.test"`)
		// The refusal did not spend the nonce: the wallet can sign a correct message with it.
		if code, p := verify(message(nonce, nil)); code != http.StatusOK {
			t.Fatalf("the nonce after a refused message: %d %v, want 200", code, p)
		}
	})
	t.Run("wrong chain id", func(t *testing.T) {
		code, p := verify(message(newNonce(), func(m *siwe.Message) { m.ChainID = h.sim.ChainID.Uint64() + 1 }))
		wantDenied(code, p, "but this server runs on chain "+h.sim.ChainID.String())
	})
	t.Run("nonce expired on the server", func(t *testing.T) {
		nonce := newNonce() // good for 10 minutes
		h.skew.Store(int64(11 * time.Minute))
		defer h.skew.Store(0)
		code, p := verify(message(nonce, nil))
		wantDenied(code, p, "the nonce expired at")
	})
	t.Run("session past its expiry", func(t *testing.T) {
		soon := now().Add(2 * time.Minute)
		code, session := verify(message(newNonce(), func(m *siwe.Message) { m.ExpirationTime = &soon }))
		if code != http.StatusOK || session["expires_at"] != soon.UTC().Format(time.RFC3339) {
			t.Fatalf("sign in: %d %v, want a session ending with the message at %s", code, session, soon.UTC().Format(time.RFC3339))
		}
		token := session["token"].(string)
		h.want(t, h.do(t, http.MethodGet, "/v1/me", token, nil), http.StatusOK)
		h.skew.Store(int64(3 * time.Minute))
		defer h.skew.Store(0)
		rec := h.do(t, http.MethodGet, "/v1/me", token, nil)
		p := h.want(t, rec, http.StatusUnauthorized)
		if !strings.Contains(p["detail"].(string), "the session expired at") || !strings.Contains(rec.Header().Get("WWW-Authenticate"), "invalid_token") {
			t.Fatalf("/v1/me after expiry: %v, WWW-Authenticate %q", p, rec.Header().Get("WWW-Authenticate"))
		}
	})
}
