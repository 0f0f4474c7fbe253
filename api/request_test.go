package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
)

// A body the decoder refuses is a 400 whose message never carries Go's own error text, and which
// names the field when there is one.
func TestDecodeJSONNamesTheField(t *testing.T) {
	t.Parallel()
	type item struct {
		Amount *string `json:"amount"`
	}
	type body struct {
		Wallet string          `json:"wallet"`
		Amount *string         `json:"amount"`
		Items  []item          `json:"items"`
		Nonce  json.RawMessage `json:"nonce"`
	}
	tests := map[string]struct {
		body, field, message string
	}{
		"number for a string":  {`{"amount":5}`, "amount", "must be a string"},
		"object for a string":  {`{"wallet":{}}`, "wallet", "must be a string"},
		"string for a list":    {`{"items":"x"}`, "items", "must be a list"},
		"number in a list":     {`{"items":[{"amount":5}]}`, "items.amount", "must be a string"},
		"unknown field":        {`{"amonut":"1"}`, "amonut", "is not a field of this request"},
		"syntax error":         {`{"wallet":}`, "", "not valid JSON at byte"},
		"cut short":            {`{"wallet":`, "", "ends before"},
		"empty":                {``, "", "empty"},
		"two values":           {`{} {}`, "", "more than one JSON value"},
		"a list for an object": {`[]`, "", "must be an object"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			var v body
			err := decodeJSON(c, &v, maxJSONBody)
			if guildhall.ErrorCode(err) != guildhall.EINVALID {
				t.Fatalf("decode %s: %v, want EINVALID", tt.body, err)
			}
			msg := guildhall.ErrorMessage(err)
			if strings.Contains(msg, "json:") || strings.Contains(msg, "Go value") {
				t.Errorf("message %q carries Go's error text", msg)
			}
			fields := guildhall.ErrorFields(err)
			if tt.field == "" {
				if len(fields) != 0 || !strings.Contains(msg, tt.message) {
					t.Errorf("got %q %+v, want a message with %q and no field", msg, fields, tt.message)
				}
				return
			}
			if len(fields) != 1 || fields[0].Field != tt.field || !strings.HasPrefix(fields[0].Message, tt.message) {
				t.Errorf("fields %+v, want %s: %s…", fields, tt.field, tt.message)
			}
		})
	}
}

func TestDecodeJSONBoundsTheBody(t *testing.T) {
	t.Parallel()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"wallet":"`+strings.Repeat("a", 2000)+`"}`))
	var v struct {
		Wallet string `json:"wallet"`
	}
	if err := decodeJSON(c, &v, 1000); guildhall.ErrorCode(err) != guildhall.EINVALID || !strings.Contains(guildhall.ErrorMessage(err), "larger than 1000 bytes") {
		t.Fatalf("a body over the limit: %v", err)
	}
}

// A delegation's nonce and expiry that are not numbers name their fields (they used to answer with
// encoding/json's "invalid number literal" text).
func TestDelegationRequestNamesBadNumbers(t *testing.T) {
	t.Parallel()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"delegator":"0x00000000000000000000000000000000000000a1",
		"delegatee":"0x00000000000000000000000000000000000000a2","nonce":"abc","expiry":true,"signature":"0x"}`))
	var req delegationRequest
	if err := decodeJSON(c, &req, maxJSONBody); err != nil {
		t.Fatal(err)
	}
	_, err := req.delegation()
	var got []string
	for _, f := range guildhall.ErrorFields(err) {
		got = append(got, f.Field)
	}
	if strings.Join(got, ",") != "nonce,expiry,signature" {
		t.Fatalf("fields %v (%v), want nonce, expiry and signature", got, err)
	}
}
