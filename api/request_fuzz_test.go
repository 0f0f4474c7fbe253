package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
)

// FuzzCursor: a cursor the server takes is one it could have issued (it re-encodes to itself and
// its key to the position a list renders), every key a list renders comes back from its cursor,
// and parsePage refuses anything else as a 400 naming the cursor.
func FuzzCursor(f *testing.F) {
	f.Fuzz(func(t *testing.T, cursor, key string) {
		if k, ok := decodeCursor(cursor); ok {
			if encodeCursor(k) != cursor {
				t.Fatalf("decodeCursor(%q) = %q, which encodes as %q", cursor, k, encodeCursor(k))
			}
			checkPositions(t, k)
		}
		checkPositions(t, key)
		if key != "" && len(key) <= maxCursorKey && utf8.ValidString(key) {
			if got, ok := decodeCursor(encodeCursor(key)); !ok || got != key {
				t.Fatalf("the cursor of %q decodes as %q, %v", key, got, ok)
			}
		}

		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/?cursor="+url.QueryEscape(cursor), nil)
		p, err := parsePage(c, idPosition)
		switch {
		case err != nil:
			if fields := guildhall.ErrorFields(err); len(fields) != 1 || fields[0].Field != "cursor" {
				t.Fatalf("parsePage(cursor %q): %v, want a 400 naming the cursor", cursor, err)
			}
		case cursor == "":
			if p.After != nil {
				t.Fatalf("no cursor starts after %d", *p.After)
			}
		case encodeCursor(strconv.FormatInt(*p.After, 10)) != cursor:
			t.Fatalf("parsePage(cursor %q) continues after %d, whose cursor is another", cursor, *p.After)
		}
	})
}

// checkPositions fails t when a list's position parser takes key but the list would render that
// position as another key: two cursors for one place, one of them never issued.
func checkPositions(t *testing.T, key string) {
	t.Helper()
	check := func(name string, ok bool, rendered func() string) {
		if ok && rendered() != key {
			t.Fatalf("%s takes %q but the list renders that position as %q", name, key, rendered())
		}
	}
	id, ok := idPosition(key)
	check("idPosition", ok, func() string { return strconv.FormatInt(id, 10) })
	offset, ok := offsetPosition(key)
	check("offsetPosition", ok, func() string { return strconv.Itoa(offset) })
	holder, ok := parseHolderPosition(key)
	check("parseHolderPosition", ok, holder.String)
	event, ok := guildhall.ParseChainPosition(key)
	check("ParseChainPosition", ok, event.String)
}

// requestBodies are the JSON bodies of every route that reads one, each made new per decode.
var requestBodies = map[string]func() any{
	"POST rewards":       func() any { return new(rewardRequestJSON) },
	"POST rewards:batch": func() any { return new(rewardBatchJSON) },
	"PUT rules":          func() any { return new(ruleRequestJSON) },
	"POST proposals":     func() any { return new(openProposalRequest) },
	"POST ballots":       func() any { return new(ballotRequest) },
	"POST delegations":   func() any { return new(delegationRequest) },
	"POST auth/verify":   func() any { return new(siweVerifyRequest) },
}

// FuzzDecodeJSON: every request decoder takes only one JSON value whose every key is exactly the
// name of a field of its request (never another case of it, never twice in one object), and
// refuses anything else as EINVALID without Go's own error text.
func FuzzDecodeJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		for name, newBody := range requestBodies {
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			v := newBody()
			err := decodeJSON(c, v, maxJSONBody)
			if err != nil {
				msg := guildhall.ErrorMessage(err)
				if guildhall.ErrorCode(err) != guildhall.EINVALID || strings.Contains(msg, "json:") || strings.Contains(msg, "Go ") {
					t.Fatalf("%s: %q refused with %v, want EINVALID in the API's words", name, body, err)
				}
				continue
			}
			if !json.Valid(body) {
				t.Fatalf("%s: took %q, which is not one JSON value", name, body)
			}
			var top map[string]json.RawMessage
			if json.Unmarshal(body, &top) != nil {
				continue // null: nothing set
			}
			for key := range top {
				if !hasJSONField(reflect.TypeOf(v).Elem(), key) {
					t.Fatalf("%s: took %q with key %q, which is not exactly a field of the request", name, body, key)
				}
			}
		}
	})
}

// hasJSONField reports whether struct t has a field whose JSON name is exactly name.
func hasJSONField(t reflect.Type, name string) bool {
	for _, f := range reflect.VisibleFields(t) {
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); !f.Anonymous && tag == name {
			return true
		}
	}
	return false
}
