package api

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/siwe"
)

// SIWEConfig is what Sign-In with Ethereum messages must say and how long their parts live.
type SIWEConfig struct {
	// Domain is this server's authority as wallets see it, e.g. "localhost:8080" or
	// "app.example.com"; messages for another domain, or with a URI elsewhere, are refused.
	Domain  string
	ChainID uint64
	// Verifier checks contract-wallet signatures (ERC-1271); nil accepts plain keys only.
	Verifier siwe.ContractVerifier
	// NonceTTL (default 10 minutes) and SessionTTL (default 24 hours).
	NonceTTL   time.Duration
	SessionTTL time.Duration
}

func (c SIWEConfig) nonceTTL() time.Duration {
	if c.NonceTTL > 0 {
		return c.NonceTTL
	}
	return 10 * time.Minute
}

func (c SIWEConfig) sessionTTL() time.Duration {
	if c.SessionTTL > 0 {
		return c.SessionTTL
	}
	return 24 * time.Hour
}

func (s *server) membersEnabled(c *gin.Context) bool {
	if s.gov.Members == nil || s.gov.SIWE.Domain == "" {
		s.writeError(c, guildhall.Errorf(guildhall.EUNAVAILABLE, "member sign-in is not enabled on this server"))
		return false
	}
	return true
}

// handleSIWENonce issues a single-use sign-in nonce.
func (s *server) handleSIWENonce(c *gin.Context) {
	if !s.membersEnabled(c) {
		return
	}
	nonce := strings.ReplaceAll(rand.Text(), "=", "") // 26 base32 letters and digits
	expires := s.now().Add(s.gov.SIWE.nonceTTL())
	if err := s.gov.Members.CreateSIWENonce(c.Request.Context(), nonce, expires); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{
		"nonce":      nonce,
		"expires_at": expires.UTC().Format(time.RFC3339),
		"domain":     s.gov.SIWE.Domain,
		"chain_id":   s.gov.SIWE.ChainID,
	})
}

type siweVerifyRequest struct {
	Message   string `json:"message"`
	Signature string `json:"signature"`
}

// handleSIWEVerify checks a signed EIP-4361 message and starts a session.
func (s *server) handleSIWEVerify(c *gin.Context) {
	if !s.membersEnabled(c) {
		return
	}
	var req siweVerifyRequest
	if err := decodeJSON(c, &req, maxJSONBody); err != nil {
		s.writeError(c, err)
		return
	}
	sig, err := hexutil.Decode(req.Signature)
	if err != nil {
		s.writeError(c, invalid("invalid sign-in", []guildhall.FieldError{{Field: "signature", Message: "must be 0x-prefixed hex"}}))
		return
	}
	msg, err := siwe.Parse(req.Message)
	if err != nil {
		s.writeError(c, invalid("invalid sign-in", []guildhall.FieldError{{Field: "message", Message: err.Error()}}))
		return
	}
	now := s.now()
	ctx := c.Request.Context()
	// The nonce first: a message this server did not ask for costs no call to the contract it
	// names (ERC-1271), whoever wrote that contract.
	if err := s.gov.Members.CheckSIWENonce(ctx, msg.Nonce, now); err != nil {
		s.writeError(c, err)
		return
	}
	exp := siwe.Expectations{Domain: s.gov.SIWE.Domain, ChainID: s.gov.SIWE.ChainID}
	if err := siwe.Check(ctx, msg, req.Message, sig, exp, now, s.gov.SIWE.Verifier); err != nil {
		s.writeError(c, err)
		return
	}
	// The nonce is spent only by a message that passed every other check, so a bad attempt does
	// not burn a nonce the wallet is still signing with.
	if err := s.gov.Members.UseSIWENonce(ctx, msg.Nonce, now); err != nil {
		s.writeError(c, err)
		return
	}
	expires := now.Add(s.gov.SIWE.sessionTTL())
	if msg.ExpirationTime != nil && msg.ExpirationTime.Before(expires) {
		expires = *msg.ExpirationTime
	}
	token := "gh_sess_" + rand.Text() + rand.Text()
	if err := s.gov.Members.CreateSession(ctx, token, guildhall.MemberSession{Address: msg.Address.Hex(), ChainID: msg.ChainID, ExpiresAt: expires}); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"token": token, "address": msg.Address.Hex(), "expires_at": expires.UTC().Format(time.RFC3339)})
}

// memberKey is where requireMember stores the session.
const memberKey = "guildhall.member"

// requireMember authenticates `Authorization: Bearer <session token>`.
func (s *server) requireMember(c *gin.Context) {
	if !s.membersEnabled(c) {
		return
	}
	scheme, token, found := strings.Cut(c.GetHeader("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" {
		c.Header("WWW-Authenticate", `Bearer realm="guildhall member"`)
		s.writeError(c, guildhall.Errorf(guildhall.EUNAUTHORIZED, "missing session token: sign in with POST /v1/auth/nonce and /v1/auth/verify, then send Authorization: Bearer <token>"))
		return
	}
	sess, err := s.gov.Members.Session(c.Request.Context(), token, s.now())
	if err != nil {
		c.Header("WWW-Authenticate", `Bearer realm="guildhall member", error="invalid_token"`)
		s.writeError(c, err)
		return
	}
	c.Set(memberKey, sess)
	c.Next()
}
