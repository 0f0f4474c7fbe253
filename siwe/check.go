package siwe

import (
	"context"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
)

// Expectations are what the server accepts: its own domain, the origin its URIs must have, the
// chain it runs on, and how old a message without an expiration time may be.
type Expectations struct {
	Domain  string // e.g. "localhost:8080"
	ChainID uint64
	// Scheme is the scheme of the origin members sign in from ("https"); when set, a message that
	// names a scheme must name this one. When empty, a named scheme must be the URI's.
	Scheme string
	// URIHost is the host[:port] the message's URI must have (default Domain).
	URIHost string
	// Nonce, when set, is the nonce this server issued for the sign-in; the message must carry it.
	// (Whether a nonce was issued and is unused is otherwise the caller's store's question.)
	Nonce string
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

func deny(format string, args ...any) error {
	return guildhall.Errorf(guildhall.EUNAUTHORIZED, "sign-in refused: "+format, args...)
}

// Check verifies everything about m except whether its nonce was issued and is unused (the
// caller's store decides that, unless exp.Nonce names it): domain, scheme, URI, chain id, times
// against now, and the EIP-191 signature, or, for a contract wallet, ERC-1271 through cv (nil cv:
// EOAs only). text is the message as signed. Refusals are EUNAUTHORIZED *guildhall.Error values
// saying what is wrong.
func Check(ctx context.Context, m *Message, text string, sig []byte, exp Expectations, now time.Time, cv ContractVerifier) error {
	if err := checkOrigin(m, exp); err != nil {
		return err
	}
	if err := checkTimes(m, exp, now); err != nil {
		return err
	}
	return checkSignature(ctx, m, text, sig, cv)
}

// checkOrigin: the message is for this server (domain, scheme, URI), this chain and this nonce.
func checkOrigin(m *Message, exp Expectations) error {
	if !strings.EqualFold(m.Domain, exp.Domain) {
		return deny("the message is for domain %q, but this server is %q", m.Domain, exp.Domain)
	}
	uriHost := exp.URIHost
	if uriHost == "" {
		uriHost = exp.Domain
	}
	u, err := url.Parse(m.URI)
	if err != nil || !strings.EqualFold(u.Host, uriHost) {
		return deny("the URI %q is not on this server's domain %q", m.URI, uriHost)
	}
	if m.Scheme != "" {
		want := exp.Scheme
		if want == "" {
			want = u.Scheme
		}
		if !strings.EqualFold(m.Scheme, want) {
			return deny("the message is for %s://%s, but this server is served over %s", m.Scheme, m.Domain, want)
		}
	}
	if m.ChainID != exp.ChainID {
		return deny("the message is for chain %d, but this server runs on chain %d", m.ChainID, exp.ChainID)
	}
	if exp.Nonce != "" && m.Nonce != exp.Nonce {
		return deny("the message's nonce %q is not the nonce this server issued", m.Nonce)
	}
	return nil
}

// checkTimes: issued, not expired, not too old without an expiration time, and not before its time.
func checkTimes(m *Message, exp Expectations, now time.Time) error {
	if exp.MaxAge <= 0 {
		exp.MaxAge = 10 * time.Minute
	}
	if exp.ClockSkew <= 0 {
		exp.ClockSkew = time.Minute
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
	return nil
}

// checkSignature: an EIP-191 personal_sign signature by m.Address, or one its contract accepts.
func checkSignature(ctx context.Context, m *Message, text string, sig []byte, cv ContractVerifier) error {
	hash := common.BytesToHash(accounts.TextHash([]byte(text)))
	if signer, ok := recoverSigner(hash, sig); ok && signer == m.Address {
		return nil
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

// recoverSigner returns the key that made the 65-byte r||s||v signature sig of hash. v may be 0/1
// or 27/28; s must be in the lower half of the curve order (no malleable signatures), as the
// contracts and the governance relay require.
func recoverSigner(hash common.Hash, sig []byte) (common.Address, bool) {
	if len(sig) != crypto.SignatureLength {
		return common.Address{}, false
	}
	v := sig[crypto.RecoveryIDOffset]
	if v >= 27 {
		v -= 27
	}
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])
	if !crypto.ValidateSignatureValues(v, r, s, true) {
		return common.Address{}, false
	}
	pub, err := crypto.SigToPub(hash[:], append(sig[:64:64], v))
	if err != nil {
		return common.Address{}, false
	}
	return crypto.PubkeyToAddress(*pub), true
}
