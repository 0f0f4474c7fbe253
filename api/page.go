package api

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
)

// Page sizes of every list (API.md: default 50, max 500).
const (
	defaultLimit = 50
	maxLimit     = 500
)

// maxCursorKey bounds the key a cursor may carry; ids are far shorter.
const maxCursorKey = 256

// page is where a list starts and how long it is.
type page struct {
	after string // the key of the last item of the previous page; "" = from the start
	limit int
}

// parsePage reads ?limit= and ?cursor=. An empty or absent parameter takes its default; a
// malformed one is an EINVALID *guildhall.Error naming every bad field.
func parsePage(c *gin.Context) (page, error) {
	p := page{limit: defaultLimit}
	var fields []guildhall.FieldError
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxLimit {
			fields = append(fields, guildhall.FieldError{
				Field:   "limit",
				Message: "must be a whole number from 1 to " + strconv.Itoa(maxLimit),
			})
		} else {
			p.limit = n
		}
	}
	if raw := c.Query("cursor"); raw != "" {
		after, ok := decodeCursor(raw)
		if !ok {
			fields = append(fields, guildhall.FieldError{
				Field:   "cursor",
				Message: "is not a cursor this server issued; pass next_cursor from the previous page unchanged",
			})
		} else {
			p.after = after
		}
	}
	if len(fields) > 0 {
		return page{}, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid list parameters", Fields: fields}
	}
	return p, nil
}

// encodeCursor returns the opaque cursor of a page that ends with key.
func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

// decodeCursor returns the key encodeCursor put into cursor; ok is false for anything
// encodeCursor cannot have produced.
func decodeCursor(cursor string) (key string, ok bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(cursor)
	if err != nil || len(b) == 0 || len(b) > maxCursorKey || !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}
