package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/postgres"
)

// The pool is set by flag or environment twin, and a pool too small for the leader locks is
// refused before anything starts.
func TestServePoolFlags(t *testing.T) {
	e := &env{getenv: func(k string) string {
		return map[string]string{"GUILDHALL_DB_MAX_CONNS": "7"}[k]
	}, stdout: io.Discard, stderr: &testWriter{t}}
	o, err := parseServeFlags([]string{"--db-conn-max-lifetime", "90s"}, e)
	if err != nil {
		t.Fatal(err)
	}
	if o.pool.MaxOpen != 7 || o.pool.MaxLifetime != 90*time.Second || o.pool.MaxIdle != postgres.DefaultPool.MaxIdle {
		t.Errorf("pool = %+v, want MaxOpen 7 from the environment, MaxLifetime 90s, MaxIdle the default %d (the pool clamps it)", o.pool, postgres.DefaultPool.MaxIdle)
	}
	for _, args := range [][]string{{"--db-max-conns", "2"}, {"--db-max-idle-conns", "-1"}} {
		var stderr strings.Builder
		_, err := parseServeFlags(args, &env{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: &stderr})
		if err != errUsage || !strings.Contains(stderr.String(), "--db-") {
			t.Errorf("serve %v: err %v, stderr %q; want a usage error naming the flag", args, err, stderr.String())
		}
	}
}

// testWriter logs what a command writes, for a failing test to show.
type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
