package siwe

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
)

func TestParseRoundTripsAndCheckRefuses(t *testing.T) {
	key, _ := crypto.GenerateKey()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	exp := now.Add(time.Hour)
	m := &Message{
		Domain: "localhost:8080", Address: crypto.PubkeyToAddress(key.PublicKey), Statement: "Sign in to Guildhall.",
		URI: "http://localhost:8080/login", Version: "1", ChainID: 1337, Nonce: "abcdef123456",
		IssuedAt: now.Add(-time.Minute), ExpirationTime: &exp, Resources: []string{"https://example.com/a"},
	}
	text := m.String()
	parsed, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	if parsed.String() != text {
		t.Fatalf("round trip:\n%s\n!=\n%s", parsed.String(), text)
	}
	sign := func(text string) []byte {
		sig, _ := crypto.Sign(accounts.TextHash([]byte(text)), key)
		sig[64] += 27
		return sig
	}
	want := Expectations{Domain: "localhost:8080", ChainID: 1337}
	if err := Check(context.Background(), parsed, text, sign(text), want, now, nil); err != nil {
		t.Fatalf("a good message: %v", err)
	}
	other, _ := crypto.GenerateKey()
	badSig, _ := crypto.Sign(accounts.TextHash([]byte(text)), other)
	tests := map[string]struct {
		exp  Expectations
		now  time.Time
		sig  []byte
		want string
	}{
		"wrong domain":  {Expectations{Domain: "evil.example", ChainID: 1337}, now, sign(text), "is for domain"},
		"wrong chain":   {Expectations{Domain: "localhost:8080", ChainID: 1}, now, sign(text), "is for chain 1337"},
		"expired":       {want, exp.Add(time.Second), sign(text), "expired at"},
		"bad signature": {want, now, badSig, "is not " + m.Address.Hex() + "'s signature"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := Check(context.Background(), parsed, text, tt.sig, tt.exp, tt.now, nil)
			if guildhall.ErrorCode(err) != guildhall.EUNAUTHORIZED || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check = %v, want 401 containing %q", err, tt.want)
			}
		})
	}
}

func TestParseRefusesMalformedMessages(t *testing.T) {
	good := "example.com wants you to sign in with your Ethereum account:\n0x71C7656EC7ab88b098defB751B7401B5f6d8976F\n\nURI: https://example.com\nVersion: 1\nChain ID: 1\nNonce: 12345678\nIssued At: 2026-01-01T00:00:00Z"
	if _, err := Parse(good); err != nil {
		t.Fatalf("no statement: %v", err)
	}
	for name, text := range map[string]string{
		"lower-case address": strings.Replace(good, "0x71C7656EC7ab88b098defB751B7401B5f6d8976F", "0x71c7656ec7ab88b098defb751b7401b5f6d8976f", 1),
		"short nonce":        strings.Replace(good, "12345678", "1234", 1),
		"no issued at":       strings.Replace(good, "\nIssued At: 2026-01-01T00:00:00Z", "", 1),
		"version 2":          strings.Replace(good, "Version: 1", "Version: 2", 1),
		"trailing junk":      good + "\nHello",
	} {
		if _, err := Parse(text); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}
