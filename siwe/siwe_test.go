package siwe

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
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
	good := "example.com wants you to sign in with your Ethereum account:\n0x71C7656EC7ab88b098defB751B7401B5f6d8976F\n\n\nURI: https://example.com\nVersion: 1\nChain ID: 1\nNonce: 12345678\nIssued At: 2026-01-01T00:00:00Z"
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

// The gaps the public vectors do not all reach: every line break is one LF, blank lines are exactly
// where EIP-4361 puts them, and the scheme, request id and resources follow RFC 3986.
func TestParseFollowsTheABNF(t *testing.T) {
	good := "https://example.com wants you to sign in with your Ethereum account:\n0x71C7656EC7ab88b098defB751B7401B5f6d8976F\n\n" +
		"Sign in to Guildhall.\n\nURI: https://example.com/login\nVersion: 1\nChain ID: 1\nNonce: 12345678\nIssued At: 2026-01-01T00:00:00.000Z\n" +
		"Request ID: req-1:a@b%20c\nResources:\n- https://example.com/a?b=c#d\n- urn:isbn:0451450523\n- http://[::1]:8080/x"
	m, err := Parse(good)
	if err != nil {
		t.Fatalf("a message with every part: %v", err)
	}
	if m.Scheme != "https" || m.Domain != "example.com" || m.RequestID != "req-1:a@b%20c" || len(m.Resources) != 3 || m.String() != good {
		t.Fatalf("parsed %+v, String %q", m, m.String())
	}
	noStatement := strings.Replace(good, "Sign in to Guildhall.\n", "", 1)
	if m, err := Parse(noStatement); err != nil || m.Statement != "" || m.String() != noStatement {
		t.Fatalf("no statement: %v", err)
	}
	for name, text := range map[string]string{
		"CRLF line breaks":                strings.ReplaceAll(good, "\n", "\r\n"),
		"one CR":                          strings.Replace(good, "Version: 1\n", "Version: 1\r\n", 1),
		"no statement, one blank line":    strings.Replace(good, "\nSign in to Guildhall.\n", "", 1),
		"no statement, three blank":       strings.Replace(good, "Sign in to Guildhall.\n", "\n", 1),
		"blank line before statement":     strings.Replace(good, "\n\nSign in", "\n\n\nSign in", 1),
		"no blank line after statement":   strings.Replace(good, "Guildhall.\n\n", "Guildhall.\n", 1),
		"two blank lines after statement": strings.Replace(good, "Guildhall.\n\n", "Guildhall.\n\n\n", 1),
		"blank line between fields":       strings.Replace(good, "Version: 1\n", "Version: 1\n\n", 1),
		"trailing line break":             good + "\n",
		"trailing blank lines":            good + "\n\n",
		"scheme with a space":             strings.Replace(good, "https://", "ht tps://", 1),
		"scheme starting with a digit":    strings.Replace(good, "https://", "1https://", 1),
		"empty scheme":                    strings.Replace(good, "https://", "://", 1),
		"empty domain":                    strings.Replace(good, "https://example.com", "https://", 1),
		"domain with a path":              strings.Replace(good, "https://example.com wants", "https://example.com/x wants", 1),
		"domain with an underscore":       strings.Replace(good, "https://example.com wants", "https://ex_ample.com wants", 1),
		"domain with a bad port":          strings.Replace(good, "https://example.com wants", "https://example.com:80a wants", 1),
		"statement not ASCII":             strings.Replace(good, "Guildhall.", "Guildhäll.", 1),
		"statement with a quote":          strings.Replace(good, "Guildhall.", `"Guildhall"`, 1),
		"URI without a scheme":            strings.Replace(good, "URI: https://example.com/login", "URI: //example.com/login", 1),
		"URI with a space":                strings.Replace(good, "URI: https://example.com/login", "URI: https://example.com/log in", 1),
		"URI with a bad escape":           strings.Replace(good, "URI: https://example.com/login", "URI: https://example.com/%zz", 1),
		"chain id with a sign":            strings.Replace(good, "Chain ID: 1", "Chain ID: +1", 1),
		"chain id past 64 bits":           strings.Replace(good, "Chain ID: 1", "Chain ID: 18446744073709551616", 1),
		"time with a comma":               strings.Replace(good, "00:00:00.000Z", "00:00:00,000Z", 1),
		"time without a zone":             strings.Replace(good, "00:00:00.000Z", "00:00:00", 1),
		"request id with a space":         strings.Replace(good, "req-1:a@b%20c", "req 1", 1),
		"request id with a slash":         strings.Replace(good, "req-1:a@b%20c", "req/1", 1),
		"resource with a space":           strings.Replace(good, "- urn:isbn:0451450523", "- urn:isbn 0451450523", 1),
		"resource not a URI":              strings.Replace(good, "- urn:isbn:0451450523", "- isbn", 1),
		"resource without its dash":       strings.Replace(good, "- urn:isbn:0451450523", "urn:isbn:0451450523", 1),
		"resource host with a bracket":    strings.Replace(good, "[::1]", "[::1", 1),
	} {
		if _, err := Parse(text); err == nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Parse = %v, want ErrMalformed", name, err)
		}
	}
}

// A message without a statement is written with the address followed by two blank lines, and a
// time set in Go keeps its fraction of a second.
func TestStringWritesEIP4361(t *testing.T) {
	issued := time.Date(2026, 1, 1, 0, 0, 0, 500_000_000, time.UTC)
	m := &Message{Domain: "example.com", Address: common.HexToAddress("0x71C7656EC7ab88b098defB751B7401B5f6d8976F"),
		URI: "https://example.com", Version: "1", ChainID: 1, Nonce: "12345678", IssuedAt: issued}
	want := "example.com wants you to sign in with your Ethereum account:\n0x71C7656EC7ab88b098defB751B7401B5f6d8976F\n\n\n" +
		"URI: https://example.com\nVersion: 1\nChain ID: 1\nNonce: 12345678\nIssued At: 2026-01-01T00:00:00.5Z"
	if got := m.String(); got != want {
		t.Fatalf("String:\n%q\nwant\n%q", got, want)
	}
	parsed, err := Parse(want)
	if err != nil || !parsed.IssuedAt.Equal(issued) {
		t.Fatalf("Parse: %v %v", parsed, err)
	}
	// A parsed time that is changed is written anew, not as the old spelling.
	parsed.IssuedAt = issued.Add(time.Second)
	if got := parsed.String(); !strings.HasSuffix(got, "Issued At: 2026-01-01T00:00:01.5Z") {
		t.Fatalf("String after changing Issued At: %q", got)
	}
}

// The scheme a message names must be the one the server is reached over.
func TestCheckRefusesAnotherScheme(t *testing.T) {
	key, _ := crypto.GenerateKey()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	m := &Message{Scheme: "https", Domain: "guildhall.test", Address: crypto.PubkeyToAddress(key.PublicKey),
		URI: "https://guildhall.test/", Version: "1", ChainID: 1337, Nonce: "abcdef123456", IssuedAt: now}
	check := func(m *Message, exp Expectations) error {
		text := m.String()
		sig, _ := crypto.Sign(accounts.TextHash([]byte(text)), key)
		return Check(context.Background(), m, text, sig, exp, now, nil)
	}
	exp := Expectations{Domain: "guildhall.test", ChainID: 1337}
	if err := check(m, exp); err != nil {
		t.Fatalf("https message, https URI: %v", err)
	}
	exp.Scheme = "https"
	if err := check(m, exp); err != nil {
		t.Fatalf("https message, https server: %v", err)
	}
	for name, tt := range map[string]struct {
		scheme, uri, server string
	}{
		"http message, https URI":  {"http", "https://guildhall.test/", ""},
		"https message, http URI":  {"https", "http://guildhall.test/", ""},
		"http message, https site": {"http", "http://guildhall.test/", "https"},
	} {
		bad := *m
		bad.Scheme, bad.URI = tt.scheme, tt.uri
		err := check(&bad, Expectations{Domain: "guildhall.test", ChainID: 1337, Scheme: tt.server})
		if guildhall.ErrorCode(err) != guildhall.EUNAUTHORIZED || !strings.Contains(err.Error(), "but this server is served over") {
			t.Errorf("%s: Check = %v, want 401 naming the scheme", name, err)
		}
	}
}

// Signatures are recovered as the governance relay recovers them: v as 0/1 or 27/28, low s only.
func TestRecoverSigner(t *testing.T) {
	key, _ := crypto.GenerateKey()
	hash := common.BytesToHash(accounts.TextHash([]byte("hello")))
	sig, _ := crypto.Sign(hash[:], key)
	want := crypto.PubkeyToAddress(key.PublicKey)
	for v, ok := range map[byte]bool{sig[64]: true, sig[64] + 27: true, sig[64] + 2: false, sig[64] + 29: false} {
		s := append(append([]byte(nil), sig[:64]...), v)
		if got, valid := recoverSigner(hash, s); valid != ok || (ok && got != want) {
			t.Errorf("v=%d: %s %v, want valid=%v", v, got.Hex(), valid, ok)
		}
	}
	high := append([]byte(nil), sig...)
	n := crypto.S256().Params().N
	copy(high[32:64], common.LeftPadBytes(new(big.Int).Sub(n, new(big.Int).SetBytes(sig[32:64])).Bytes(), 32))
	high[64] ^= 1
	if _, valid := recoverSigner(hash, high); valid {
		t.Error("a high-s (malleable) signature was accepted")
	}
	if _, valid := recoverSigner(hash, sig[:64]); valid {
		t.Error("a 64-byte signature was accepted")
	}
}
