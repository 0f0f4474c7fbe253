// Package siwe parses and checks Sign-In with Ethereum messages (EIP-4361). It does no I/O: the
// caller looks up nonces and, for contract wallets, asks the chain (ERC-1271) through the
// ContractVerifier it passes in.
package siwe

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
)

// Message is a parsed EIP-4361 message.
type Message struct {
	Scheme         string // optional, e.g. "https"
	Domain         string // RFC 3986 authority, e.g. "app.example.com" or "localhost:8080"
	Address        common.Address
	Statement      string
	URI            string
	Version        string
	ChainID        uint64
	Nonce          string
	IssuedAt       time.Time
	ExpirationTime *time.Time
	NotBefore      *time.Time
	RequestID      string
	Resources      []string
}

const headerSuffix = " wants you to sign in with your Ethereum account:"

var (
	noncePattern   = regexp.MustCompile(`^[a-zA-Z0-9]{8,}$`)
	addressPattern = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)
)

// ErrMalformed is wrapped by every parse error.
var ErrMalformed = errors.New("not a Sign-In with Ethereum (EIP-4361) message")

// Parse reads an EIP-4361 message. Errors wrap ErrMalformed and name the part that is wrong.
func Parse(text string) (*Message, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if len(lines) < 2 {
		return nil, bad("too short")
	}
	m := &Message{}
	header, ok := strings.CutSuffix(lines[0], headerSuffix)
	if !ok || header == "" {
		return nil, bad("the first line must be %q", "<domain>"+headerSuffix)
	}
	if scheme, rest, found := strings.Cut(header, "://"); found {
		m.Scheme, header = scheme, rest
	}
	m.Domain = header
	if !addressPattern.MatchString(lines[1]) {
		return nil, bad("the second line must be a 0x-prefixed address")
	}
	if common.HexToAddress(lines[1]).Hex() != lines[1] {
		return nil, bad("the address must be EIP-55 checksummed (mixed case), e.g. %s", common.HexToAddress(lines[1]).Hex())
	}
	m.Address = common.HexToAddress(lines[1])

	i := 2
	for i < len(lines) && lines[i] == "" {
		i++
	}
	if i < len(lines) && !strings.HasPrefix(lines[i], "URI: ") {
		m.Statement = lines[i]
		i++
		for i < len(lines) && lines[i] == "" {
			i++
		}
	}
	// Fields, in the order EIP-4361 gives them; the optional ones may be absent.
	field := func(name string, required bool) (string, bool, error) {
		if i < len(lines) {
			if v, ok := strings.CutPrefix(lines[i], name+": "); ok {
				i++
				return v, true, nil
			}
		}
		if required {
			return "", false, bad("missing %q line", name+": ")
		}
		return "", false, nil
	}
	var err error
	var v string
	if m.URI, _, err = field("URI", true); err != nil {
		return nil, err
	}
	if u, perr := url.Parse(m.URI); perr != nil || u.Scheme == "" {
		return nil, bad("URI %q is not an absolute URI", m.URI)
	}
	if m.Version, _, err = field("Version", true); err != nil {
		return nil, err
	}
	if m.Version != "1" {
		return nil, bad("Version must be 1")
	}
	if v, _, err = field("Chain ID", true); err != nil {
		return nil, err
	}
	if m.ChainID, err = strconv.ParseUint(v, 10, 64); err != nil || m.ChainID == 0 {
		return nil, bad("Chain ID %q is not a positive integer", v)
	}
	if m.Nonce, _, err = field("Nonce", true); err != nil {
		return nil, err
	}
	if !noncePattern.MatchString(m.Nonce) {
		return nil, bad("Nonce must be at least 8 letters or digits")
	}
	if v, _, err = field("Issued At", true); err != nil {
		return nil, err
	}
	if m.IssuedAt, err = parseTime(v); err != nil {
		return nil, bad("Issued At %q is not an RFC 3339 time", v)
	}
	if v, ok, _ := field("Expiration Time", false); ok {
		t, err := parseTime(v)
		if err != nil {
			return nil, bad("Expiration Time %q is not an RFC 3339 time", v)
		}
		m.ExpirationTime = &t
	}
	if v, ok, _ := field("Not Before", false); ok {
		t, err := parseTime(v)
		if err != nil {
			return nil, bad("Not Before %q is not an RFC 3339 time", v)
		}
		m.NotBefore = &t
	}
	if v, ok, _ := field("Request ID", false); ok {
		m.RequestID = v
	}
	if i < len(lines) && lines[i] == "Resources:" {
		i++
		for i < len(lines) && strings.HasPrefix(lines[i], "- ") {
			m.Resources = append(m.Resources, strings.TrimPrefix(lines[i], "- "))
			i++
		}
	}
	for ; i < len(lines); i++ {
		if lines[i] != "" {
			return nil, bad("unexpected line %q", lines[i])
		}
	}
	return m, nil
}

func parseTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

// String writes m in EIP-4361 form, as a wallet shows and signs it.
func (m *Message) String() string {
	var b strings.Builder
	if m.Scheme != "" {
		b.WriteString(m.Scheme + "://")
	}
	b.WriteString(m.Domain + headerSuffix + "\n")
	b.WriteString(m.Address.Hex() + "\n\n")
	if m.Statement != "" {
		b.WriteString(m.Statement + "\n\n")
	}
	fmt.Fprintf(&b, "URI: %s\nVersion: %s\nChain ID: %d\nNonce: %s\nIssued At: %s", m.URI, m.Version, m.ChainID, m.Nonce,
		m.IssuedAt.UTC().Format(time.RFC3339))
	if m.ExpirationTime != nil {
		b.WriteString("\nExpiration Time: " + m.ExpirationTime.UTC().Format(time.RFC3339))
	}
	if m.NotBefore != nil {
		b.WriteString("\nNot Before: " + m.NotBefore.UTC().Format(time.RFC3339))
	}
	if m.RequestID != "" {
		b.WriteString("\nRequest ID: " + m.RequestID)
	}
	if len(m.Resources) > 0 {
		b.WriteString("\nResources:")
		for _, r := range m.Resources {
			b.WriteString("\n- " + r)
		}
	}
	return b.String()
}

// Expectations are what the server accepts: its own domain, the origin its URIs must have, the
// chain it runs on, and how old a message without an expiration time may be.
type Expectations struct {
	Domain  string // e.g. "localhost:8080"
	ChainID uint64
	// MaxAge bounds now - Issued At (default 10 minutes); ClockSkew tolerates wallets whose clock
	// runs ahead (default 1 minute).
	MaxAge    time.Duration
	ClockSkew time.Duration
}

// ContractVerifier asks a contract wallet whether it accepts a signature (ERC-1271
// isValidSignature). hasCode is false for accounts without code (plain keys).
type ContractVerifier interface {
	IsValidSignature(ctx context.Context, account common.Address, hash common.Hash, sig []byte) (valid, hasCode bool, err error)
}

// Check verifies everything about m except whether its nonce was issued and is unused (the
// caller's store decides that): domain, URI, chain id, times against now, and the EIP-191
// signature, or, for a contract wallet, ERC-1271 through cv (nil cv: EOAs only). Refusals are
// EUNAUTHORIZED *guildhall.Error values saying what is wrong.
func Check(ctx context.Context, m *Message, text string, sig []byte, exp Expectations, now time.Time, cv ContractVerifier) error {
	deny := func(format string, args ...any) error {
		return guildhall.Errorf(guildhall.EUNAUTHORIZED, "sign-in refused: "+format, args...)
	}
	if exp.MaxAge <= 0 {
		exp.MaxAge = 10 * time.Minute
	}
	if exp.ClockSkew <= 0 {
		exp.ClockSkew = time.Minute
	}
	if !strings.EqualFold(m.Domain, exp.Domain) {
		return deny("the message is for domain %q, but this server is %q", m.Domain, exp.Domain)
	}
	u, err := url.Parse(m.URI)
	if err != nil || !strings.EqualFold(u.Host, exp.Domain) {
		return deny("the URI %q is not on this server's domain %q", m.URI, exp.Domain)
	}
	if m.ChainID != exp.ChainID {
		return deny("the message is for chain %d, but this server runs on chain %d", m.ChainID, exp.ChainID)
	}
	if m.IssuedAt.After(now.Add(exp.ClockSkew)) {
		return deny("the message was issued in the future (%s)", m.IssuedAt.UTC().Format(time.RFC3339))
	}
	if m.ExpirationTime != nil && !now.Before(*m.ExpirationTime) {
		return deny("the message expired at %s", m.ExpirationTime.UTC().Format(time.RFC3339))
	}
	if m.ExpirationTime == nil && now.Sub(m.IssuedAt) > exp.MaxAge {
		return deny("the message was issued at %s, more than %s ago, and has no expiration time: sign a fresh one",
			m.IssuedAt.UTC().Format(time.RFC3339), exp.MaxAge)
	}
	if m.NotBefore != nil && now.Add(exp.ClockSkew).Before(*m.NotBefore) {
		return deny("the message is not valid before %s", m.NotBefore.UTC().Format(time.RFC3339))
	}
	hash := common.BytesToHash(accounts.TextHash([]byte(text)))
	if len(sig) == 65 {
		if signer, err := governance.Recover(hash, sig); err == nil && signer == m.Address {
			return nil
		}
	}
	if cv != nil {
		valid, hasCode, err := cv.IsValidSignature(ctx, m.Address, hash, sig)
		if err != nil {
			return fmt.Errorf("check contract wallet signature: %w", err)
		}
		if hasCode {
			if valid {
				return nil
			}
			return deny("the contract wallet %s did not accept the signature (ERC-1271)", m.Address.Hex())
		}
	}
	return deny("the signature is not %s's signature of this message (EIP-191 personal_sign)", m.Address.Hex())
}
