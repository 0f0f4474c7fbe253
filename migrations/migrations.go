// Package migrations holds Guildhall's database schema as numbered SQL files, embedded into the
// binary. Each change is a pair NNNN_name.up.sql / NNNN_name.down.sql; package postgres runs them
// in order with golang-migrate and records the applied version in schema_migrations.
//
// A migration's statements run as one implicit transaction (PostgreSQL's simple query protocol),
// so a failing migration leaves no half-built schema behind. Never edit a migration that has been
// committed: add a new one.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
