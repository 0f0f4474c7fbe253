package api

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/guildhall/guildhall"
)

// Limits bound what one client can ask of the server. The zero value of a field means its default
// (DefaultLimits); a negative rate turns that limit off.
type Limits struct {
	// PerIP is the rate of unauthenticated writes (sign-in nonces and verifications, relayed
	// ballots and delegations) one client address may make, with bursts of IPBurst. The address
	// is the connection's peer unless TrustedProxies name the peer: then the nearest address in
	// X-Forwarded-For that is not a trusted proxy.
	PerIP   rate.Limit
	IPBurst int
	// PerIssuer is the rate of requests one issuer key may make, with bursts of IssuerBurst.
	PerIssuer   rate.Limit
	IssuerBurst int
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is
	// believed. None by default: behind a proxy, every client then shares the proxy's limit.
	TrustedProxies []string
	// RequestTimeout is the deadline of every request's work (database, chain).
	RequestTimeout time.Duration
	// RelaysChecking is how many relay requests (ballots, delegations) are checked at once; the
	// others wait their turn, up to RelayWait, then get a 429. A flood of relay requests would
	// otherwise take every database connection and the node's time, and a reward batch sent
	// meanwhile would queue behind them for both.
	RelaysChecking int
	RelayWait      time.Duration
}

// DefaultLimits are what a zero Limits field means: 2 unauthenticated writes a second per client
// (bursts of 30: a member signing in and voting on several proposals at once is not refused), 2,000
// requests a second per issuer key (bursts of 4,000), 30 s per request.
var DefaultLimits = Limits{PerIP: 2, IPBurst: 30, PerIssuer: 2000, IssuerBurst: 4000, RequestTimeout: 30 * time.Second,
	RelaysChecking: 8, RelayWait: 10 * time.Second}

func (l Limits) withDefaults() Limits {
	if l.PerIP == 0 {
		l.PerIP, l.IPBurst = DefaultLimits.PerIP, DefaultLimits.IPBurst
	}
	if l.PerIssuer == 0 {
		l.PerIssuer, l.IssuerBurst = DefaultLimits.PerIssuer, DefaultLimits.IssuerBurst
	}
	if l.RelaysChecking <= 0 {
		l.RelaysChecking = DefaultLimits.RelaysChecking
	}
	if l.RelayWait <= 0 {
		l.RelayWait = DefaultLimits.RelayWait
	}
	if l.RequestTimeout == 0 {
		l.RequestTimeout = DefaultLimits.RequestTimeout
	}
	return l
}

// keyedLimiter is one token bucket per key (client address, issuer id). Buckets idle long enough
// to be full again are dropped, so a stream of new addresses cannot grow it without end.
type keyedLimiter struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newKeyedLimiter(limit rate.Limit, burst int) *keyedLimiter {
	if limit < 0 {
		return nil
	}
	return &keyedLimiter{limit: limit, burst: max(burst, 1), buckets: map[string]*bucket{}}
}

// reserve takes a token for key, or says how long until one is free.
func (k *keyedLimiter) reserve(key string, now time.Time) (ok bool, wait time.Duration) {
	if k == nil {
		return true, 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sweep(now)
	b := k.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(k.limit, k.burst)}
		k.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops, at most once per refill time, the buckets that would be full again by now.
func (k *keyedLimiter) sweep(now time.Time) {
	refill := time.Duration(float64(k.burst) / float64(k.limit) * float64(time.Second))
	if now.Sub(k.swept) < refill {
		return
	}
	k.swept = now
	for key, b := range k.buckets {
		if now.Sub(b.seen) >= refill {
			delete(k.buckets, key)
		}
	}
}

// limitByIP refuses an unauthenticated write past its client address's rate with a 429.
func (s *server) limitByIP(c *gin.Context) {
	s.limit(c, s.ipLimiter, c.ClientIP(), "too many requests from this address")
}

// relayTurn lets a relay request through once fewer than Limits.RelaysChecking are being
// checked, and refuses it with a 429 when no turn came within Limits.RelayWait.
func (s *server) relayTurn(c *gin.Context) {
	wait := time.NewTimer(s.limits.RelayWait)
	defer wait.Stop()
	select {
	case s.relaySlots <- struct{}{}:
		defer func() { <-s.relaySlots }()
		c.Next()
	case <-wait.C:
		s.writeError(c, &guildhall.Error{Code: guildhall.ERATELIMITED, RetryAfter: 5 * time.Second,
			Message: "the relay is busy with other requests: try again in a few seconds, or vote or delegate from the wallet directly"})
	case <-c.Request.Context().Done():
		s.writeError(c, guildhall.Errorf(guildhall.EUNAVAILABLE, "the request ended while waiting for the relay"))
	}
}

// limitByIssuer refuses an issuer's request past its key's rate with a 429; it runs after
// requireIssuer.
func (s *server) limitByIssuer(c *gin.Context) {
	s.limit(c, s.issuerLimiter, strconv.FormatInt(issuerOf(c).ID, 10), "too many requests with this API key")
}

func (s *server) limit(c *gin.Context, k *keyedLimiter, key, message string) {
	if ok, wait := k.reserve(key, time.Now()); !ok {
		s.writeError(c, &guildhall.Error{Code: guildhall.ERATELIMITED, Message: message + ": retry later", RetryAfter: wait})
		return
	}
	c.Next()
}

// withDeadline bounds the work of every request.
func (s *server) withDeadline(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.limits.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}
