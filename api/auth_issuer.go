package api

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

// issuerKey is where requireIssuer stores the authenticated issuer in the Gin context, and
// keyHashKey the hash of the key it presented.
const (
	issuerKey  = "guildhall.issuer"
	keyHashKey = "guildhall.issuer-key-hash"
)

// requireIssuer authenticates the issuer API key of `Authorization: Bearer <key>` and lets the
// request through only to the issuer's own community (the :cid of the route): 401 without a key or
// with an unknown or revoked one, 403 for another community. The key is looked up in the database
// on every request.
func (s *server) requireIssuer(c *gin.Context) { s.authenticateIssuer(c, false) }

// requireAcceptingIssuer is requireIssuer for the reward accepts, which look a key up in the
// process's cache of keys first (issuerKeys): the transaction that records the rewards checks the
// key again, so a revoked or rotated key is refused there the moment it changed (and forgotten).
func (s *server) requireAcceptingIssuer(c *gin.Context) { s.authenticateIssuer(c, true) }

func (s *server) authenticateIssuer(c *gin.Context, cached bool) {
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
	iss, hash, err := s.issuerOfKey(c, secret, cached)
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
	c.Set(keyHashKey, hash)
	c.Next()
}

// issuerOfKey returns the issuer holding the key secret and the key's hash: from the cache when
// cached allows and it holds the key, else from the store (and then kept in the cache). Requests
// that miss the cache for one key at once (a new server's first requests) share one read of the
// store, bounded by issuerLookupTimeout rather than one request's deadline (each request still
// stops waiting at its own): each would otherwise take a connection of its own,
// most of them opened for it, while the first group of rewards waits for the CPU they take.
func (s *server) issuerOfKey(c *gin.Context, secret string, cached bool) (*rewards.Issuer, []byte, error) {
	prefix, ok := rewards.KeyPrefix(secret)
	if !ok {
		return nil, nil, guildhall.Errorf(guildhall.EUNAUTHORIZED, "invalid or revoked issuer API key")
	}
	hash := rewards.HashKey(secret)
	ctx := c.Request.Context()
	if !cached {
		iss, err := s.lookupIssuer(ctx, secret, prefix, hash)
		return iss, hash, err
	}
	if iss := s.issuerKeys.get(hash); iss != nil {
		return iss, hash, nil
	}
	shared := s.issuerKeys.lookups.DoChan(string(hash), func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), issuerLookupTimeout)
		defer cancel()
		return s.lookupIssuer(ctx, secret, prefix, hash)
	})
	select {
	case r := <-shared:
		if r.Err != nil {
			return nil, nil, r.Err
		}
		return r.Val.(*rewards.Issuer), hash, nil
	case <-ctx.Done(): // this request is gone or out of time; the shared read goes on for the others
		return nil, nil, guildhall.Errorf(guildhall.EUNAVAILABLE, "reading the issuer API key: %v", ctx.Err())
	}
}

// issuerLookupTimeout bounds a key read shared by several requests, which no single request's
// deadline bounds.
const issuerLookupTimeout = 10 * time.Second

// lookupIssuer reads the issuer holding the key secret from the store and keeps it in the cache
// under the key's hash.
func (s *server) lookupIssuer(ctx context.Context, secret, prefix string, hash []byte) (*rewards.Issuer, error) {
	iss, err := s.rewards.IssuerByKey(ctx, prefix, func(stored []byte) bool { return rewards.KeyMatches(secret, stored) })
	if err != nil {
		return nil, err
	}
	s.issuerKeys.put(hash, iss)
	return iss, nil
}

// issuerKeyCacheSize bounds the keys a process keeps; past it the cache starts again empty.
const issuerKeyCacheSize = 4096

// issuerKeyCache keeps the issuers that keys authenticated, by the key's hash. An entry is only a
// shortcut for the routes that check the key again in their transaction (requireAcceptingIssuer);
// a key the store refused is forgotten.
type issuerKeyCache struct {
	mu      sync.Mutex
	m       map[string]*rewards.Issuer
	lookups singleflight.Group // the reads of keys missing, by hash
}

func (k *issuerKeyCache) get(hash []byte) *rewards.Issuer {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[string(hash)]
}

func (k *issuerKeyCache) put(hash []byte, iss *rewards.Issuer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil || len(k.m) >= issuerKeyCacheSize {
		k.m = make(map[string]*rewards.Issuer)
	}
	k.m[string(hash)] = iss
}

func (k *issuerKeyCache) forget(hash []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, string(hash))
}

// issuerOf returns the issuer requireIssuer authenticated.
func issuerOf(c *gin.Context) *rewards.Issuer {
	iss, _ := c.Get(issuerKey)
	return iss.(*rewards.Issuer)
}

// keyHashOf returns the hash of the key requireIssuer authenticated.
func keyHashOf(c *gin.Context) []byte {
	hash, _ := c.Get(keyHashKey)
	return hash.([]byte)
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
