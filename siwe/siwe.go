// Package siwe parses and checks Sign-In with Ethereum messages (EIP-4361). It does no I/O: the
// caller looks up nonces and, for contract wallets, asks the chain (ERC-1271) through the
// ContractVerifier it passes in.
package siwe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
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

	// The times as the parsed message spelled them: RFC 3339 has several spellings of one
	// instant ("…24Z", "…24.000Z") and the signature covers the spelling, so String writes a
	// parsed time back as it was, as long as the field still holds that instant.
	issuedAtText, expirationText, notBeforeText string
}

const headerSuffix = " wants you to sign in with your Ethereum account:"

// ErrMalformed is wrapped by every parse error.
var ErrMalformed = errors.New("not a Sign-In with Ethereum (EIP-4361) message")

var errNotDateTime = errors.New("not an RFC 3339 date-time")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// Parse reads an EIP-4361 message exactly as its ABNF gives it: lines end in LF alone, a blank
// line follows the address, the statement (if any) is one line followed by a blank line, the
// fields come in their order, and nothing follows the last one. Errors wrap ErrMalformed and name
// the part that is wrong.
func Parse(text string) (*Message, error) {
	if strings.ContainsRune(text, '\r') {
		return nil, malformed("lines must end in LF (\\n) alone, and the message has a carriage return (CRLF)")
	}
	p := &parser{lines: strings.Split(text, "\n")}
	m := &Message{}
	for _, step := range []func(*Message) error{p.preamble, p.required, p.optional} {
		if err := step(m); err != nil {
			return nil, err
		}
	}
	if p.i < len(p.lines) {
		return nil, malformed("unexpected line %d %q (after the last field, or a field out of EIP-4361's order)", p.i+1, p.lines[p.i])
	}
	return m, nil
}

// parser walks the lines of a message; i is the next line to read.
type parser struct {
	lines []string
	i     int
}

// preamble reads "[scheme://]domain wants you…", the address, and the statement with its blank lines.
func (p *parser) preamble(m *Message) error {
	if len(p.lines) < 5 {
		return malformed("too short")
	}
	header, ok := strings.CutSuffix(p.lines[0], headerSuffix)
	if !ok {
		return malformed("the first line must be %q", "[scheme://]<domain>"+headerSuffix)
	}
	if scheme, rest, found := strings.Cut(header, "://"); found {
		if !schemePattern.MatchString(scheme) {
			return malformed("%q is not an RFC 3986 scheme", scheme)
		}
		m.Scheme, header = scheme, rest
	}
	if !validAuthority(header, true) {
		return malformed("the domain %q is not an RFC 3986 authority ([userinfo@]host[:port], host a DNS name or IP address)", header)
	}
	m.Domain = header
	address := p.lines[1]
	if !addressPattern.MatchString(address) {
		return malformed("the second line must be a 0x-prefixed address")
	}
	if common.HexToAddress(address).Hex() != address {
		return malformed("the address must be EIP-55 checksummed (mixed case), e.g. %s", common.HexToAddress(address).Hex())
	}
	m.Address = common.HexToAddress(address)
	if p.lines[2] != "" {
		return malformed("the address must be followed by a blank line")
	}
	if p.lines[3] == "" { // no statement: the address is followed by two blank lines
		p.i = 4
		return nil
	}
	if !validStatement(p.lines[3]) {
		return malformed("the statement %q may hold only printable ASCII letters, digits, spaces and RFC 3986 reserved or unreserved characters", p.lines[3])
	}
	if p.lines[4] != "" && strings.HasPrefix(p.lines[3], "URI: ") {
		return malformed("a message without a statement has two blank lines between the address and the URI")
	}
	if p.lines[4] != "" {
		return malformed("the statement must be one line followed by a blank line")
	}
	m.Statement, p.i = p.lines[3], 5
	return nil
}

// field reads the line "<name>: <value>" if it is the next one.
func (p *parser) field(name string) (string, bool) {
	if p.i < len(p.lines) {
		if v, ok := strings.CutPrefix(p.lines[p.i], name+": "); ok {
			p.i++
			return v, true
		}
	}
	return "", false
}

func (p *parser) mustField(name string) (string, error) {
	if v, ok := p.field(name); ok {
		return v, nil
	}
	if p.i < len(p.lines) {
		return "", malformed("line %d must be %q, not %q", p.i+1, name+": …", p.lines[p.i])
	}
	return "", malformed("missing %q line", name+": ")
}

// required reads URI, Version, Chain ID, Nonce and Issued At, in that order.
func (p *parser) required(m *Message) error {
	var err error
	var v string
	if m.URI, err = p.mustField("URI"); err != nil {
		return err
	}
	if !validURI(m.URI) {
		return malformed("URI %q is not an RFC 3986 URI", m.URI)
	}
	if m.Version, err = p.mustField("Version"); err != nil {
		return err
	}
	if m.Version != "1" {
		return malformed("Version must be 1")
	}
	if v, err = p.mustField("Chain ID"); err != nil {
		return err
	}
	if !chainIDPattern.MatchString(v) {
		return malformed("Chain ID %q is not a number", v)
	}
	if m.ChainID, err = strconv.ParseUint(v, 10, 64); err != nil || m.ChainID == 0 {
		return malformed("Chain ID %q is not a positive 64-bit integer", v)
	}
	if m.Nonce, err = p.mustField("Nonce"); err != nil {
		return err
	}
	if !noncePattern.MatchString(m.Nonce) {
		return malformed("Nonce must be at least 8 letters or digits")
	}
	if m.issuedAtText, err = p.mustField("Issued At"); err != nil {
		return err
	}
	if m.IssuedAt, err = parseTime(m.issuedAtText); err != nil {
		return malformed("Issued At %q is not an RFC 3339 date-time", m.issuedAtText)
	}
	return nil
}

// optional reads Expiration Time, Not Before, Request ID and Resources, each if present, in that order.
func (p *parser) optional(m *Message) error {
	var err error
	if m.ExpirationTime, m.expirationText, err = p.timeField("Expiration Time"); err != nil {
		return err
	}
	if m.NotBefore, m.notBeforeText, err = p.timeField("Not Before"); err != nil {
		return err
	}
	if v, ok := p.field("Request ID"); ok {
		if !validRequestID(v) {
			return malformed("Request ID %q may hold only RFC 3986 path characters (pchar)", v)
		}
		m.RequestID = v
	}
	if p.i == len(p.lines) || p.lines[p.i] != "Resources:" {
		return nil
	}
	for p.i++; p.i < len(p.lines); p.i++ {
		r, ok := strings.CutPrefix(p.lines[p.i], "- ")
		if !ok {
			break
		}
		if !validURI(r) {
			return malformed("resource %q is not an RFC 3986 URI", r)
		}
		m.Resources = append(m.Resources, r)
	}
	return nil
}

func (p *parser) timeField(name string) (*time.Time, string, error) {
	v, ok := p.field(name)
	if !ok {
		return nil, "", nil
	}
	t, err := parseTime(v)
	if err != nil {
		return nil, "", malformed("%s %q is not an RFC 3339 date-time", name, v)
	}
	return &t, v, nil
}

// String writes m in EIP-4361 form, as a wallet shows and signs it.
func (m *Message) String() string {
	var b strings.Builder
	if m.Scheme != "" {
		b.WriteString(m.Scheme + "://")
	}
	b.WriteString(m.Domain + headerSuffix + "\n" + m.Address.Hex() + "\n\n")
	if m.Statement != "" {
		b.WriteString(m.Statement + "\n")
	}
	fmt.Fprintf(&b, "\nURI: %s\nVersion: %s\nChain ID: %d\nNonce: %s\nIssued At: %s", m.URI, m.Version, m.ChainID, m.Nonce,
		timeText(m.IssuedAt, m.issuedAtText))
	if m.ExpirationTime != nil {
		b.WriteString("\nExpiration Time: " + timeText(*m.ExpirationTime, m.expirationText))
	}
	if m.NotBefore != nil {
		b.WriteString("\nNot Before: " + timeText(*m.NotBefore, m.notBeforeText))
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

// timeText is t as the parsed message spelled it (text), or in RFC 3339 UTC when t was set otherwise.
func timeText(t time.Time, text string) string {
	if text != "" {
		if parsed, err := parseTime(text); err == nil && parsed.Equal(t) {
			return text
		}
	}
	return t.UTC().Format(time.RFC3339Nano)
}
