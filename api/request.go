package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/rewards"
)

// Request parsing. Every value a request carries (path, query, header or body) is read here, once,
// into a typed value (an address, a proposal id, a list position, an amount, a state); handlers
// and stores see only typed values. A malformed value is an EINVALID *guildhall.Error naming each
// bad field, which writeError renders as API.md's problem with "errors": [{field, message}].

// Page sizes of every list (API.md: default 50, max 500).
const (
	defaultLimit = 50
	maxLimit     = 500
)

// maxCursorKey bounds the key a cursor may carry; ids are far shorter.
const maxCursorKey = 256

// Body limits: governance and sign-in bodies are small; a full rewards batch of 1000 items fits
// maxRewardsBody many times over.
const (
	maxJSONBody    = 1 << 20
	maxRewardsBody = 4 << 20
)

// badCursor is the message of a cursor this server did not issue.
const badCursor = "is not a cursor this server issued; pass next_cursor from the previous page unchanged"

// fieldErrors collects the bad fields of one request, so a caller learns of all of them at once.
type fieldErrors []guildhall.FieldError

func (f *fieldErrors) add(field, message string) {
	*f = append(*f, guildhall.FieldError{Field: field, Message: message})
}

// addErr adds fe unless it is nil.
func (f *fieldErrors) addErr(fe *guildhall.FieldError) {
	if fe != nil {
		*f = append(*f, *fe)
	}
}

// err is the EINVALID error with message msg naming every collected field; nil when none.
func (f fieldErrors) err(msg string) error {
	if len(f) == 0 {
		return nil
	}
	return invalid(msg, f)
}

func invalid(msg string, fields []guildhall.FieldError) error {
	return &guildhall.Error{Code: guildhall.EINVALID, Message: msg, Fields: fields}
}

// parsed reads one value of the request with parse; when that fails it answers the request with
// the error and ok is false.
func parsed[V any](s *server, c *gin.Context, parse func(*gin.Context) (V, error)) (v V, ok bool) {
	v, err := parse(c)
	if err != nil {
		s.writeError(c, err)
	}
	return v, err == nil
}

// parsePage reads ?limit= and ?cursor=: where a list continues, as position reads the cursor's
// key, and how long the page is. An empty or absent parameter takes its default.
func parsePage[P any](c *gin.Context, position func(key string) (P, bool)) (guildhall.Page[P], error) {
	p := guildhall.Page[P]{Limit: defaultLimit}
	var fields fieldErrors
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxLimit {
			fields.add("limit", "must be a whole number from 1 to "+strconv.Itoa(maxLimit))
		} else {
			p.Limit = n
		}
	}
	if raw := c.Query("cursor"); raw != "" {
		key, ok := decodeCursor(raw)
		var after P
		if ok {
			after, ok = position(key)
		}
		if !ok {
			fields.add("cursor", badCursor)
		} else {
			p.After = &after
		}
	}
	return p, fields.err("invalid list parameters")
}

// keyPosition is the position of lists whose cursor is the key of their last item as is.
func keyPosition(key string) (string, bool) { return key, true }

// idPosition is the position of lists ordered by a positive numeric id, written as the list
// writes it (no sign, no leading zeros: one position, one cursor).
func idPosition(key string) (int64, bool) {
	id, err := strconv.ParseInt(key, 10, 64)
	return id, err == nil && id > 0 && strconv.FormatInt(id, 10) == key
}

// offsetPosition is the position of lists that continue at an offset, written as the list
// writes it.
func offsetPosition(key string) (int, bool) {
	n, err := strconv.Atoi(key)
	return n, err == nil && n >= 0 && strconv.Itoa(n) == key
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

// nextCursor renders a list's continuation: null on the last page.
func nextCursor(key string) *string {
	if key == "" {
		return nil
	}
	c := encodeCursor(key)
	return &c
}

// parseUint256 reads a decimal uint256 without a sign.
func parseUint256(raw string) (*big.Int, bool) {
	v, ok := new(big.Int).SetString(raw, 10)
	if !ok || v.Sign() < 0 || v.BitLen() > 256 || strings.HasPrefix(raw, "+") {
		return nil, false
	}
	return v, true
}

// parseAmount reads a decimal string of base units: digits with an optional '-' (which the rules
// refuse as not positive, naming the field), no '+'. v is nil when ok is false.
func parseAmount(raw string) (v *big.Int, ok bool) {
	v, ok = new(big.Int).SetString(raw, 10)
	if !ok || strings.HasPrefix(raw, "+") {
		return nil, false
	}
	return v, true
}

// parseProposalID reads the :pid path parameter: a decimal uint256.
func parseProposalID(c *gin.Context) (*big.Int, error) {
	v, ok := parseUint256(c.Param("pid"))
	if !ok {
		return nil, invalid("invalid proposal id", []guildhall.FieldError{{Field: "pid", Message: "must be a decimal uint256, as proposals list it"}})
	}
	return v, nil
}

// parseAddress reads a 0x-prefixed address in any case, naming field when it is not one.
func parseAddress(field, raw string) (common.Address, *guildhall.FieldError) {
	if (strings.HasPrefix(raw, "0x") || strings.HasPrefix(raw, "0X")) && common.IsHexAddress(raw) {
		return common.HexToAddress(raw), nil
	}
	return common.Address{}, &guildhall.FieldError{Field: field, Message: "must be a 0x-prefixed 20-byte address"}
}

// parsePathAddress reads the :address path parameter.
func parsePathAddress(c *gin.Context) (common.Address, error) {
	a, fe := parseAddress("address", c.Param("address"))
	if fe != nil {
		return a, invalid("invalid address", []guildhall.FieldError{*fe})
	}
	return a, nil
}

// parseHolderPosition reads a holders cursor's key, whose address is EIP-55 as the list has it.
func parseHolderPosition(key string) (guildhall.HolderPosition, bool) {
	p, ok := guildhall.ParseHolderPosition(key)
	return p, ok && common.HexToAddress(p.Address).Hex() == p.Address
}

// parseStateFilter reads ?state=: nil when absent, else one of the governance state names.
func parseStateFilter(c *gin.Context) (*governance.State, error) {
	raw := c.Query("state")
	if raw == "" {
		return nil, nil
	}
	names := governance.StateNames()
	state, ok := governance.ParseState(raw)
	if !slices.Contains(names, raw) || !ok {
		return nil, invalid("invalid list parameters", []guildhall.FieldError{{Field: "state", Message: "must be one of " + strings.Join(names, ", ")}})
	}
	return &state, nil
}

// parseSupport reads a vote's support as a name or its number.
func parseSupport(raw string) (governance.Support, *guildhall.FieldError) {
	support, ok := governance.ParseSupport(raw)
	if !ok {
		return support, &guildhall.FieldError{Field: "support", Message: `must be "for", "against" or "abstain" (or 1, 0, 2)`}
	}
	return support, nil
}

// parseSignature reads a wallet's 65-byte signature in 0x-prefixed hex.
func parseSignature(raw string) ([]byte, *guildhall.FieldError) {
	sig, err := hexutil.Decode(raw)
	if err != nil || len(sig) != 65 {
		return nil, &guildhall.FieldError{Field: "signature", Message: "must be the wallet's 65-byte signature as 0x-prefixed hex"}
	}
	return sig, nil
}

// checkReason refuses a vote reason the index could not store as text (NUL, invalid UTF-8) or that
// would make a relayed vote needlessly expensive.
func checkReason(reason string) *guildhall.FieldError {
	if strings.ContainsRune(reason, 0) || !utf8.ValidString(reason) || len(reason) > 2000 {
		return &guildhall.FieldError{Field: "reason", Message: "must be valid text without NUL characters, at most 2000 bytes"}
	}
	return nil
}

// parseTime reads an optional RFC 3339 time of a body field.
func parseTime(fields *fieldErrors, field string, raw *string) *time.Time {
	if raw == nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339, *raw)
	if err != nil {
		fields.add(field, "must be an RFC 3339 time, e.g. 2025-01-31T09:00:00Z")
		return nil
	}
	return &t
}

// idempotencyKey reads the Idempotency-Key header: required to write, 1-200 visible ASCII characters.
func idempotencyKey(c *gin.Context, dryRun bool) (string, error) {
	key := c.GetHeader("Idempotency-Key")
	if key == "" && dryRun {
		return "", nil
	}
	bad := func(msg string) error {
		return &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid Idempotency-Key header", Fields: []guildhall.FieldError{{Field: "Idempotency-Key", Message: msg}}}
	}
	if key == "" {
		return "", bad("is required: send a unique key (e.g. a UUID) per reward request, and the same key when you retry it")
	}
	if len(key) > rewards.MaxIdempotencyLen {
		return "", bad("must be at most 200 characters")
	}
	for _, r := range key {
		if r < 0x21 || r > 0x7e {
			return "", bad("must be visible ASCII characters")
		}
	}
	return key, nil
}

// parseDryRun reads ?dry_run=.
func parseDryRun(c *gin.Context) (bool, error) {
	switch c.Query("dry_run") {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, invalid("invalid dry_run", []guildhall.FieldError{{Field: "dry_run", Message: "must be true or false"}})
}

// decodeJSON reads the request body, at most limit bytes, as exactly one JSON value into v. An
// unknown field, a value of the wrong type, trailing data, malformed JSON and a body over the
// limit are EINVALID, naming the field where there is one; Go's own error text never reaches the
// caller.
func decodeJSON(c *gin.Context, v any, limit int64) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return guildhall.Errorf(guildhall.EINVALID, "request body is larger than %d bytes", limit)
		}
		return guildhall.Errorf(guildhall.EINVALID, "cannot read the request body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return guildhall.Errorf(guildhall.EINVALID, "malformed JSON body: more than one JSON value")
	}
	if key := strayKey(body, reflect.TypeOf(v)); key != "" {
		return invalid("malformed JSON body", []guildhall.FieldError{{Field: key,
			Message: "is not a field of this request, or comes twice: field names are exact, each at most once"}})
	}
	return nil
}

// jsonError describes a decoding error of encoding/json in API terms.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return invalid("malformed JSON body", []guildhall.FieldError{{Field: typeErr.Field, Message: "must be " + jsonKind(typeErr.Type)}})
	case errors.As(err, &typeErr):
		return guildhall.Errorf(guildhall.EINVALID, "malformed JSON body: must be %s", jsonKind(typeErr.Type))
	case errors.As(err, &syntaxErr):
		return guildhall.Errorf(guildhall.EINVALID, "malformed JSON body: not valid JSON at byte %d", syntaxErr.Offset)
	case errors.Is(err, io.EOF):
		return guildhall.Errorf(guildhall.EINVALID, "malformed JSON body: the body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return guildhall.Errorf(guildhall.EINVALID, "malformed JSON body: it ends before its JSON value does")
	}
	// DisallowUnknownFields reports an unknown field only as text: `json: unknown field "name"`.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if field, uerr := strconv.Unquote(name); uerr == nil {
			return invalid("malformed JSON body", []guildhall.FieldError{{Field: field, Message: "is not a field of this request"}})
		}
	}
	return guildhall.Errorf(guildhall.EINVALID, "malformed JSON body")
}

// jsonKind names the JSON a Go type takes, as a user reads it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string (amounts are decimal strings of base units)"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Bool:
		return "true or false"
	default:
		return "a number"
	}
}

// strayKey returns the first key of body, a JSON value encoding/json decoded into a t, that is
// not exactly the JSON name of a field of the struct its place holds (encoding/json also takes
// another case of a name), or that its object already had (encoding/json keeps the last); ""
// if none. Values of json.RawMessage fields are not looked into: their handlers read them.
func strayKey(body []byte, t reflect.Type) string {
	stray, _ := walkKeys(json.NewDecoder(bytes.NewReader(body)), t)
	return stray
}

// walkKeys reads one JSON value from dec as the type t takes it.
func walkKeys(dec *json.Decoder, t reflect.Type) (string, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	// A raw value, anything, or a type that decodes itself (a rule condition) checks its own keys.
	if t == reflect.TypeFor[json.RawMessage]() || t.Kind() == reflect.Interface ||
		reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		var skip json.RawMessage
		return "", dec.Decode(&skip)
	}
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return "", err
			}
			key := k.(string)
			field, ok := jsonField(t, key)
			if t.Kind() == reflect.Map { // any key, once
				field, ok = t.Elem(), true
			}
			if !ok || seen[key] {
				return key, nil
			}
			seen[key] = true
			if stray, err := walkKeys(dec, field); stray != "" || err != nil {
				return stray, err
			}
		}
	case json.Delim('['):
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return "[", nil
		}
		for dec.More() {
			if stray, err := walkKeys(dec, t.Elem()); stray != "" || err != nil {
				return stray, err
			}
		}
	default:
		return "", nil
	}
	_, err = dec.Token() // the closing delimiter
	return "", err
}

// jsonField returns the type of t's field whose JSON name is exactly name.
func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct {
		return nil, false
	}
	for _, f := range reflect.VisibleFields(t) {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || !f.IsExported() || tag == "-" {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return f.Type, true
		}
	}
	return nil, false
}
