package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

// issuerKey is where requireIssuer stores the authenticated issuer in the Gin context.
const issuerKey = "guildhall.issuer"

// requireIssuer authenticates the issuer API key of `Authorization: Bearer <key>` and lets the
// request through only to the issuer's own community (the :cid of the route): 401 without a key or
// with an unknown or revoked one, 403 for another community.
func (s *server) requireIssuer(c *gin.Context) {
	if s.rewards == nil {
		s.writeError(c, guildhall.Errorf(guildhall.EUNAVAILABLE, "rewards are not enabled on this server"))
		return
	}
	scheme, secret, found := strings.Cut(c.GetHeader("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		c.Header("WWW-Authenticate", `Bearer realm="guildhall issuer"`)
		s.writeError(c, guildhall.Errorf(guildhall.EUNAUTHORIZED, "missing issuer API key: send Authorization: Bearer <key>"))
		return
	}
	secret = strings.TrimSpace(secret)
	prefix, ok := rewards.KeyPrefix(secret)
	if !ok {
		c.Header("WWW-Authenticate", `Bearer realm="guildhall issuer", error="invalid_token"`)
		s.writeError(c, guildhall.Errorf(guildhall.EUNAUTHORIZED, "invalid or revoked issuer API key"))
		return
	}
	iss, err := s.rewards.IssuerByKey(c.Request.Context(), prefix, func(hash []byte) bool { return rewards.KeyMatches(secret, hash) })
	if err != nil {
		if guildhall.ErrorCode(err) == guildhall.EUNAUTHORIZED {
			c.Header("WWW-Authenticate", `Bearer realm="guildhall issuer", error="invalid_token"`)
		}
		s.writeError(c, err)
		return
	}
	if iss.CommunityID != c.Param("cid") {
		s.writeError(c, guildhall.Errorf(guildhall.EFORBIDDEN, "this API key belongs to another community"))
		return
	}
	c.Set(issuerKey, iss)
	c.Next()
}

// issuerOf returns the issuer requireIssuer authenticated.
func issuerOf(c *gin.Context) *rewards.Issuer {
	iss, _ := c.Get(issuerKey)
	return iss.(*rewards.Issuer)
}

// requireScope lets a request through only when the issuer requireIssuer authenticated holds
// scope, and answers 403 naming the missing scope otherwise, before anything is read or written.
// Every issuer route that changes what a scope guards takes it after requireIssuer:
//
//	issuer.PUT("/rules/:activity", s.requireScope(guildhall.ScopeRules), s.handlePutRule)
func (s *server) requireScope(scope guildhall.Scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !issuerOf(c).Has(scope) {
			s.writeError(c, guildhall.Errorf(guildhall.EFORBIDDEN,
				"this API key lacks the scope %q that %s %s needs; the operator grants scopes with `guildhall issuer create --scopes`",
				scope, c.Request.Method, c.FullPath()))
			return
		}
		c.Next()
	}
}

// seesAllRewards reports whether the request's issuer reads every issuer's rewards (a key with
// the rules scope) rather than only its own.
func seesAllRewards(c *gin.Context) bool { return issuerOf(c).Has(guildhall.ScopeRules) }
