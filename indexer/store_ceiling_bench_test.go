package indexer_test

import (
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
)

// storeCeiling measures what PostgreSQL on this machine absorbs of the backfill's own event rows
// with nothing else to do: every row of the event tables in counts (those keyed by their position
// on the chain) read back from the backfilled database at url, then written by one COPY per
// table, as ApplyBatch writes them (lib/pq's COPY FROM STDIN, text values), into bare copies of
// those tables: their primary key only, no other index, no trigger, nothing derived, one
// transaction. It returns the rows written and how long the COPYs and the commit took; reading
// the rows back is not counted. This is the store's ceiling for the events: a backfill that also
// keeps the per-account indexes, the balances and the health and recognition figures cannot
// write faster, whatever the chain serves.
func storeCeiling(b *testing.B, url string, counts map[string]int64) (int64, time.Duration) {
	ctx := b.Context()
	raw, err := sql.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	type table struct {
		name, bare string
		cols       []string // quoted
		rows       [][]any
	}
	var tables []*table
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for t, n := range counts {
			if n > 0 && !yield(t) {
				return
			}
		}
	}) {
		var key string
		// Only the tables whose primary key is the event's position: the events themselves.
		err := raw.QueryRowContext(ctx, `SELECT string_agg(a.attname, ',' ORDER BY k.n)
			FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(att, n)
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att
			WHERE i.indrelid = $1::regclass AND i.indisprimary`, name).Scan(&key)
		if err != nil {
			b.Fatal(err)
		}
		if key != "block_number,log_index" {
			continue
		}
		t := &table{name: name, bare: "ceiling_" + name}
		if err := func() error {
			rows, err := raw.QueryContext(ctx, `SELECT attname FROM pg_attribute
				WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, name)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var c string
				if err := rows.Scan(&c); err != nil {
					return err
				}
				t.cols = append(t.cols, pq.QuoteIdentifier(c))
			}
			return rows.Err()
		}(); err != nil {
			b.Fatal(err)
		}
		// Every value as text, as the COPY sends it.
		texts := make([]string, len(t.cols))
		for i, c := range t.cols {
			texts[i] = c + "::text"
		}
		if err := func() error {
			rows, err := raw.QueryContext(ctx, `SELECT `+strings.Join(texts, ", ")+` FROM `+pq.QuoteIdentifier(name)+
				` ORDER BY block_number, log_index`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				vals := make([]sql.NullString, len(t.cols))
				ptrs := make([]any, len(vals))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				row := make([]any, len(vals))
				for i, v := range vals {
					if v.Valid {
						row[i] = v.String
					}
				}
				t.rows = append(t.rows, row)
			}
			return rows.Err()
		}(); err != nil {
			b.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, `CREATE TABLE `+t.bare+` (LIKE `+pq.QuoteIdentifier(name)+` INCLUDING DEFAULTS);
			ALTER TABLE `+t.bare+` ADD PRIMARY KEY (block_number, log_index)`); err != nil {
			b.Fatal(err)
		}
		tables = append(tables, t)
	}

	start := time.Now()
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	var written int64
	for _, t := range tables {
		stmt, err := tx.PrepareContext(ctx, `COPY `+t.bare+` (`+strings.Join(t.cols, ", ")+`) FROM STDIN`)
		if err != nil {
			b.Fatal(err)
		}
		for _, row := range t.rows {
			if _, err := stmt.ExecContext(ctx, row...); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			b.Fatal(err)
		}
		if err := stmt.Close(); err != nil {
			b.Fatal(err)
		}
		written += int64(len(t.rows))
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	for _, t := range tables {
		var n int64
		if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM `+t.bare).Scan(&n); err != nil {
			b.Fatal(err)
		}
		if n != int64(len(t.rows)) {
			b.Fatalf("%s holds %d rows, %d were copied", t.bare, n, len(t.rows))
		}
	}
	return written, took
}
