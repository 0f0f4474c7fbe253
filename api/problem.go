package api

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
)

// problemContentType is the media type of every error response (RFC 9457).
const problemContentType = "application/problem+json"

// problemTypeBase prefixes every problem "type"; the rest is a slug of the status.
const problemTypeBase = "https://guildhall.dev/problems/"

// problem is an RFC 9457 problem document. RequestID is an extension member naming the log lines
// of the request that failed.
type problem struct {
	Type      string                 `json:"type"`
	Title     string                 `json:"title"`
	Status    int                    `json:"status"`
	Detail    string                 `json:"detail"`
	Errors    []guildhall.FieldError `json:"errors,omitempty"`
	RequestID string                 `json:"request_id,omitempty"`
}

// internalDetail is all a caller learns about a 5xx that is a bug; the cause goes to the log.
const internalDetail = "an internal error occurred; report the request_id to the operator"

// statusOf is the one place an error code becomes an HTTP status. Every code not named here,
// including EINTERNAL and errors that are not a *guildhall.Error, is a 500.
func statusOf(err error) int {
	switch guildhall.ErrorCode(err) {
	case guildhall.EINVALID:
		return http.StatusBadRequest
	case guildhall.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case guildhall.EFORBIDDEN:
		return http.StatusForbidden
	case guildhall.ENOTFOUND:
		return http.StatusNotFound
	case guildhall.ECONFLICT:
		return http.StatusConflict
	case guildhall.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case guildhall.ERATELIMITED:
		return http.StatusTooManyRequests
	case guildhall.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// problemSlug names the problem type of each status the server answers with.
func problemSlug(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid-request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not-found"
	case http.StatusMethodNotAllowed:
		return "method-not-allowed"
	case http.StatusConflict:
		return "conflict"
	case http.StatusUnprocessableEntity:
		return "unprocessable"
	case http.StatusTooManyRequests:
		return "rate-limited"
	case http.StatusServiceUnavailable:
		return "unavailable"
	default:
		return "internal"
	}
}

// newProblem returns the problem for status with the given detail. The type and title depend on
// the status alone, so clients can branch on either.
func newProblem(status int, detail string) problem {
	return problem{
		Type:   problemTypeBase + problemSlug(status),
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
	}
}

// writeError answers the request with the problem err maps to and aborts the handler chain. A 500
// logs err in full and tells the caller nothing about it; other errors carry their user-facing
// message and field errors.
func (s *server) writeError(c *gin.Context, err error) {
	status := statusOf(err)
	var p problem
	if status == http.StatusInternalServerError {
		p = newProblem(status, internalDetail)
		level := s.logger.Error
		if c.Request.Context().Err() != nil {
			level = s.logger.Warn // the caller left; the error is most likely its cancellation
		}
		level("internal error", "request_id", requestIDOf(c), "method", c.Request.Method,
			"route", c.FullPath(), "err", err)
	} else {
		detail := guildhall.ErrorMessage(err)
		if detail == "" {
			detail = http.StatusText(status)
		}
		p = newProblem(status, detail)
		p.Errors = guildhall.ErrorFields(err)
		var e *guildhall.Error
		if errors.As(err, &e) && e.RetryAfter > 0 {
			c.Header("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
		}
	}
	s.writeProblem(c, p)
}

// writeProblem sends p as the response and aborts the handler chain.
func (s *server) writeProblem(c *gin.Context, p problem) {
	p.RequestID = requestIDOf(c)
	body, err := json.Marshal(p)
	if err != nil {
		// A problem is strings, ints and a slice of strings: this cannot fail.
		panic("api: encode problem: " + err.Error())
	}
	c.Abort()
	c.Data(p.Status, problemContentType, body)
}

// handleNoRoute answers a path the server does not serve.
func (s *server) handleNoRoute(c *gin.Context) {
	s.writeError(c, guildhall.Errorf(guildhall.ENOTFOUND, "no such route: %s", c.Request.URL.Path))
}

// handleNoMethod answers a served path asked with a method it does not accept. Gin has already set
// the Allow header.
func (s *server) handleNoMethod(c *gin.Context) {
	s.writeProblem(c, newProblem(http.StatusMethodNotAllowed,
		c.Request.Method+" is not allowed on "+c.Request.URL.Path+"; allowed: "+c.Writer.Header().Get("Allow")))
}
