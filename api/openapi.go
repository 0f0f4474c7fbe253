package api

import _ "embed"

// openAPIDocument is the OpenAPI 3.1 description of every route in routes.go, served as is at
// /openapi.json. It is read-only.
//
//go:embed openapi.json
var openAPIDocument []byte
