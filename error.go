// Package guildhall holds the domain types shared by every part of Guildhall: communities and the
// one error type whose code decides what a caller sees. It imports neither Gin, sqlx nor
// go-ethereum's client; the packages around it implement or call what it declares.
package guildhall

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Each maps to exactly one HTTP status (api) and one exit status (cmd/guildhall).
const (
	EINVALID       = "invalid"       // malformed or out-of-range input: 400
	EUNAUTHORIZED  = "unauthorized"  // missing or invalid credentials: 401
	EFORBIDDEN     = "forbidden"     // wrong role or community: 403
	ENOTFOUND      = "not_found"     // unknown resource: 404
	ECONFLICT      = "conflict"      // already exists, or a key reused with another body: 409
	EUNPROCESSABLE = "unprocessable" // well-formed but refused by the rules: 422
	ERATELIMITED   = "rate_limited"  // too many requests in a window; RetryAfter says when: 429
	EUNAVAILABLE   = "unavailable"   // a dependency (database, chain) is not ready: 503
	EINTERNAL      = "internal"      // a bug: 500
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an error a user is meant to read. Message is safe to show; wrapped internals are not.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// RetryAfter is, for ERATELIMITED, how long until the caller may try again (0: unknown).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	s := e.Message
	for _, f := range e.Fields {
		s += fmt.Sprintf("; %s: %s", f.Field, f.Message)
	}
	return s
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other non-nil
// error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of the first *Error in err's chain, or a generic
// message for internal errors so internals never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}

// ErrorFields returns the field errors of the first *Error in err's chain.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
