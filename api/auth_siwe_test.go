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

func TestSignInWithEthereum(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 3, 40)
	member := h.sim.Accounts[1]
	newNonce := func() string {
		return h.want(t, h.do(t, http.MethodPost, "/v1/auth/nonce", "", nil), http.StatusOK)["nonce"].(string)
	}
	message := func(nonce, domain string, issued time.Time, expires *time.Time) string {
		m := &siwe.Message{Domain: domain, Address: h.sim.Address(1), Statement: "Sign in to Guildhall.",
			URI: "https://" + domain + "/", Version: "1", ChainID: h.sim.ChainID.Uint64(), Nonce: nonce,
			IssuedAt: issued, ExpirationTime: expires}
		return m.String()
	}
	sign := func(text string) string {
		sig, _ := crypto.Sign(accounts.TextHash([]byte(text)), member)
		sig[64] += 27
		return hexutil.Encode(sig)
	}
	verify := func(text, sig string) (int, map[string]any) {
		rec := h.do(t, http.MethodPost, "/v1/auth/verify", "", map[string]string{"message": text, "signature": sig})
		return rec.Code, h.want(t, rec, rec.Code)
	}

	nonce := newNonce()
	later := time.Now().Add(time.Hour)
	good := message(nonce, "guildhall.test", time.Now().Add(-time.Second), &later)
	code, session := verify(good, sign(good))
	if code != http.StatusOK || session["address"] != h.sim.Address(1).Hex() {
		t.Fatalf("sign in: %d %v", code, session)
	}
	h.sync(t)
	me := h.want(t, h.do(t, http.MethodGet, "/v1/me", session["token"].(string), nil), http.StatusOK)
	communities := me["communities"].([]any)
	if me["address"] != h.sim.Address(1).Hex() || len(communities) != 1 ||
		communities[0].(map[string]any)["balance"] != tokens(40).String() || communities[0].(map[string]any)["rewards_received"] != tokens(40).String() {
		t.Fatalf("/v1/me: %v", me)
	}
	if rec := h.do(t, http.MethodGet, "/v1/me", "gh_sess_forged", nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", rec.Code)
	}

	past := time.Now().Add(-time.Minute)
	other, _ := crypto.GenerateKey()
	refusals := map[string]func() (string, string){
		"wrong domain": func() (string, string) {
			m := message(newNonce(), "evil.example", time.Now(), &later)
			return m, sign(m)
		},
		"reused nonce": func() (string, string) { return good, sign(good) },
		"expired message": func() (string, string) {
			m := message(newNonce(), "guildhall.test", time.Now().Add(-2*time.Minute), &past)
			return m, sign(m)
		},
		"bad signature": func() (string, string) {
			m := message(newNonce(), "guildhall.test", time.Now(), &later)
			sig, _ := crypto.Sign(accounts.TextHash([]byte(m)), other)
			return m, hexutil.Encode(sig)
		},
	}
	wantDetail := map[string]string{
		"wrong domain": "is for domain", "reused nonce": "used already", "expired message": "expired at", "bad signature": "signature",
	}
	for name, mk := range refusals {
		t.Run(name, func(t *testing.T) {
			text, sig := mk()
			code, p := verify(text, sig)
			if code != http.StatusUnauthorized || !strings.Contains(p["detail"].(string), wantDetail[name]) {
				t.Fatalf("%d %v, want 401 saying %q", code, p, wantDetail[name])
			}
		})
	}
}
