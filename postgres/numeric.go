package postgres

import (
	"database/sql"
	"math/big"
	"strings"
)

// The one translation between Go's *big.Int and PostgreSQL's numeric columns, which the stores
// bind and scan as decimal text (numeric holds any uint256 exactly; no float ever touches an amount).

// bigText renders v for a numeric column; nil is 0.
func bigText(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

// bigNull renders v for a nullable numeric column; nil is NULL.
func bigNull(v *big.Int) sql.NullString {
	if v == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: v.String(), Valid: true}
}

// parseBig reads a numeric column scanned as text; a whole-number numeric may carry a ".0".
func parseBig(s string) *big.Int {
	v, ok := new(big.Int).SetString(strings.TrimSuffix(s, ".0"), 10)
	if !ok {
		return new(big.Int)
	}
	return v
}

// parseBigNull reads a nullable numeric column; NULL is nil.
func parseBigNull(s sql.NullString) *big.Int {
	if !s.Valid {
		return nil
	}
	return parseBig(s.String)
}
