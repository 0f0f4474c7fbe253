// Package openapitest checks what a server answers against the OpenAPI document it serves, so a
// test fails when a response (its status, headers or body) is one the document does not describe.
// The API tests and the end-to-end tests of the binary run every exchange through it.
package openapitest

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/paths"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Document is an OpenAPI 3.1 document that HTTP exchanges are checked against. It is safe for
// concurrent use.
type Document struct {
	model     *v3.Document
	options   *config.ValidationOptions
	responses validator.Validator
	schemas   schema_validation.SchemaValidator
	// problem is components.schemas.Problem: what an unknown path or method answers.
	problem *base.Schema
}

// Load reads an OpenAPI document. Responses are checked strictly: a property or a header that a
// response declares nothing of is an error, even where a schema does not forbid extra properties.
func Load(spec []byte) (*Document, error) {
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	opts := []config.Option{config.WithStrictMode()}
	v, errs := validator.NewValidator(doc, opts...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi document: %v", errs)
	}
	d := &Document{
		model:     &model.Model,
		options:   config.NewValidationOptions(opts...),
		responses: v,
		schemas:   schema_validation.NewSchemaValidator(opts...),
	}
	if model.Model.Components != nil && model.Model.Components.Schemas != nil {
		if p := model.Model.Components.Schemas.GetOrZero("Problem"); p != nil {
			d.problem = p.Schema()
		}
	}
	if d.problem == nil {
		return nil, fmt.Errorf("openapi document: no components.schemas.Problem")
	}
	return d, nil
}

// Check returns nil when the document describes res as an answer to req, and otherwise an error
// that names the request, the operation's path template, the status and each disagreement. A
// status must be listed in the operation's responses; only 500 may fall to "default". A path or
// method the document has no operation for must be answered 404 or 405 with a problem. res.Body
// is read to its end.
func (d *Document) Check(req *http.Request, res *http.Response) error {
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("%s %s: read the response body: %w", req.Method, req.URL.Path, err)
	}
	res.Body = io.NopCloser(strings.NewReader(string(body)))
	pathItem, errs, template := paths.FindPath(req, d.model, d.options)
	if pathItem == nil || len(errs) > 0 {
		return d.checkUnrouted(req, res.StatusCode, res.Header, body)
	}
	route := req.Method + " " + template
	op := pathItem.GetOperations().GetOrZero(strings.ToLower(req.Method))
	if !listed(op, res.StatusCode) {
		return fmt.Errorf("%s answered %d (%s), a status openapi.json does not list for %s: add it to the operation's responses",
			req.URL.Path, res.StatusCode, summary(body), route)
	}
	if ok, verrs := d.responses.ValidateHttpResponse(req, res); !ok {
		return fmt.Errorf("%s (%s) answered %d, which openapi.json does not describe:%s\nbody: %s",
			req.URL.Path, route, res.StatusCode, describe(verrs), summary(body))
	}
	return nil
}

// listed reports whether op lists status (or its class, e.g. 4XX); a 500 may fall to default.
func listed(op *v3.Operation, status int) bool {
	if op == nil || op.Responses == nil {
		return false
	}
	code := strconv.Itoa(status)
	if op.Responses.Codes != nil {
		for c := range op.Responses.Codes.KeysFromOldest() {
			if c == code || strings.EqualFold(c, code[:1]+"XX") {
				return true
			}
		}
	}
	return status == http.StatusInternalServerError && op.Responses.Default != nil
}

// checkUnrouted checks the answer to a request the document has no operation for: a 404 or 405
// problem (components.schemas.Problem).
func (d *Document) checkUnrouted(req *http.Request, status int, header http.Header, body []byte) error {
	what := fmt.Sprintf("%s %s has no operation in openapi.json", req.Method, req.URL.Path)
	if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
		return fmt.Errorf("%s, yet the server answered %d (%s): document the route, or answer 404/405", what, status, summary(body))
	}
	if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt != "application/problem+json" {
		return fmt.Errorf("%s; its %d has Content-Type %q, want application/problem+json", what, status, header.Get("Content-Type"))
	}
	if ok, verrs := d.schemas.ValidateSchemaBytesWithVersion(d.problem, body, 3.1); !ok {
		return fmt.Errorf("%s; its %d is not a Problem:%s\nbody: %s", what, status, describe(verrs), summary(body))
	}
	return nil
}

// describe lists validation errors one per line, with the schema failures beneath each.
func describe(verrs []*errors.ValidationError) string {
	var b strings.Builder
	for _, e := range verrs {
		fmt.Fprintf(&b, "\n  - %s", e.Message)
		if e.Reason != "" && e.Reason != e.Message {
			fmt.Fprintf(&b, ": %s", e.Reason)
		}
		for _, f := range e.SchemaValidationErrors {
			where := f.FieldPath
			if where == "" {
				where = f.KeywordLocation
			}
			fmt.Fprintf(&b, "\n      %s: %s", where, f.Reason)
		}
	}
	return b.String()
}

// summary is the start of a response body, enough to recognise it in a failure.
func summary(body []byte) string {
	const max = 300
	s := string(body)
	if len(s) > max {
		s = s[:max] + "…"
	}
	if s == "" {
		return "no body"
	}
	return s
}

// Exempt reports whether path is outside what the document checks: the members' dashboard (its
// page at / and its assets under /assets/), and the document itself, whose schema is OpenAPI's.
func Exempt(path string) bool {
	return path == "/" || strings.HasPrefix(path, "/assets/") || path == "/openapi.json"
}
