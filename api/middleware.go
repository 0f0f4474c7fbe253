package api

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// requestIDHeader carries the request id in both directions.
const requestIDHeader = "X-Request-Id"

// requestIDKey is where requestID stores the id in the Gin context.
const requestIDKey = "guildhall.request_id"

// unmatchedRoute is the route label of requests that matched no route, so unknown paths cannot
// grow the metrics without bound.
const unmatchedRoute = "unmatched"

// requestID gives every request an id, echoed in the X-Request-Id response header, every log line
// and every problem. A well-formed incoming X-Request-Id (from a proxy) is kept; anything else is
// replaced by a fresh random one.
func (s *server) requestID(c *gin.Context) {
	id := c.GetHeader(requestIDHeader)
	if !validRequestID(id) {
		id = rand.Text()
	}
	c.Set(requestIDKey, id)
	c.Header(requestIDHeader, id)
	c.Next()
}

// validRequestID reports whether id is 1-128 characters of letters, digits, '-', '_' or '.', so a
// client cannot forge log lines through it.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// requestIDOf returns the id requestID gave c's request, or "" outside that middleware.
func requestIDOf(c *gin.Context) string {
	return c.GetString(requestIDKey)
}

// observe logs one line per request and records it in the request metrics, labelled by the route
// template (e.g. /v1/communities/:cid) rather than the path.
func (s *server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	elapsed := time.Since(start)

	route := c.FullPath()
	if route == "" {
		route = unmatchedRoute
	}
	status := c.Writer.Status()
	s.metrics.observe(c.Request.Method, route, strconv.Itoa(status), elapsed)

	attrs := []any{
		"method", c.Request.Method,
		"route", route,
		"status", status,
		"duration", elapsed,
		"request_id", requestIDOf(c),
	}
	if route == unmatchedRoute {
		attrs = append(attrs, "path", c.Request.URL.Path)
	}
	level := slog.LevelInfo
	if quietRoutes[route] {
		level = slog.LevelDebug
	}
	s.logger.Log(c.Request.Context(), level, "request", attrs...)
}

// quietRoutes are polled every few seconds by load balancers and Prometheus; their requests are
// logged at debug level so they do not bury the rest.
var quietRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// recoverPanic turns a panic in a later handler into a logged 500 problem, so one bad request
// neither kills the process nor leaves the client without an answer. http.ErrAbortHandler is
// passed on: it is net/http's way to abort a response on purpose.
func (s *server) recoverPanic(c *gin.Context) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			panic(v)
		}
		s.logger.Error("panic", "request_id", requestIDOf(c), "method", c.Request.Method,
			"route", c.FullPath(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		if c.Writer.Written() {
			// The status line is out; all that is left is to stop.
			c.Abort()
			return
		}
		s.writeProblem(c, newProblem(http.StatusInternalServerError, internalDetail))
	}()
	c.Next()
}
