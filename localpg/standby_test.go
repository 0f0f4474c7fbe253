package localpg_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall/localpg"
)

// StartStandby gives a read replica: what the primary commits appears on it, and it refuses writes.
func TestStandbyReplaysThePrimary(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	primary := open(t, start(t, c))
	if _, err := primary.ExecContext(t.Context(), `CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(filepath.Dir(c.Dir), "standby")
	url, err := c.StartStandby(t.Context(), dir, freePort(t))
	if err != nil {
		t.Fatalf("StartStandby: %v", err)
	}
	t.Cleanup(func() { _ = (&localpg.Cluster{Dir: dir}).Stop(context.Background()) })
	standby := open(t, url)

	if _, err := primary.ExecContext(t.Context(), `INSERT INTO notes VALUES (2)`); err != nil {
		t.Fatal(err)
	}
	var n int
	for deadline := time.Now().Add(30 * time.Second); n != 2; time.Sleep(50 * time.Millisecond) {
		if err := standby.QueryRowContext(t.Context(), `SELECT count(*) FROM notes`).Scan(&n); err != nil {
			t.Fatalf("read the standby: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the standby has %d notes, want the primary's 2", n)
		}
	}
	_, err = standby.ExecContext(t.Context(), `INSERT INTO notes VALUES (3)`)
	if e, ok := err.(*pq.Error); !ok || e.Code != "25006" {
		t.Errorf("a write on the standby: %v, want read_only_sql_transaction (25006)", err)
	}
}
