package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/localpg"
	"github.com/guildhall/guildhall/postgres"
)

// readReplica starts a PostgreSQL primary and a streaming standby of it, and returns their URLs
// and a connection to the standby (to pause its replay).
func readReplica(t *testing.T) (primaryURL, replicaURL string, standby *sql.DB) {
	t.Helper()
	base := t.TempDir()
	if os.Geteuid() == 0 { // the server runs as postgres, which must reach the directories
		for _, d := range []string{base, filepath.Dir(base)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	primary := &localpg.Cluster{Dir: filepath.Join(base, "primary"), Port: freePortNumber(t), Settings: map[string]string{"fsync": "off"}}
	standbyDir := filepath.Join(base, "standby")
	t.Cleanup(func() {
		_ = (&localpg.Cluster{Dir: standbyDir}).Stop(context.Background())
		_ = primary.Stop(context.Background())
	})
	primaryURL, err := primary.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if replicaURL, err = primary.StartStandby(t.Context(), standbyDir, freePortNumber(t)); err != nil {
		t.Fatal(err)
	}
	if standby, err = sql.Open("postgres", replicaURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { standby.Close() })
	return primaryURL, replicaURL, standby
}

func freePortNumber(t *testing.T) int {
	t.Helper()
	addr := freeAddr(t)
	port, err := strconv.Atoi(addr[strings.LastIndexByte(addr, ':')+1:])
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// With --read-database-url, public reads come from the replica and name the block the replica
// holds, while issuers' reads and writes go to the primary: with the replica's replay paused, the
// public as_of stays where the replica stopped although the indexer went on, and an issuer still
// reads the reward it has just written.
func TestPublicReadsComeFromTheReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test with a streaming replica")
	}
	primaryURL, replicaURL, standby := readReplica(t)
	c := newE2EClusterOn(t, primaryURL)
	iss := newIssuerClient(t, c.community("bakery"))
	addr := freeAddr(t)
	serve := c.start(c.serveArgs(addr, "--read-database-url", replicaURL)...)
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	base := "http://" + addr + "/v1/communities/bakery"
	one := func(int) string { return base }
	iss.retryUntil(http.MethodPut, one, "/rules/purchase", "", `{"amount":"1000000000000000000000"}`, 200)

	publicAsOf := func() uint64 {
		var page struct {
			AsOf struct {
				BlockNumber uint64 `json:"block_number"`
			} `json:"as_of"`
		}
		res, err := http.Get(base + "/holders")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return 0 // not indexed yet
		}
		if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
			t.Fatal(err)
		}
		return page.AsOf.BlockNumber
	}
	for deadline := time.Now().Add(time.Minute); publicAsOf() == 0; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the replica never served an indexed read")
		}
	}
	if _, err := standby.ExecContext(t.Context(), `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // replay stops at the next record
	paused := publicAsOf()

	primary, err := postgres.Open(t.Context(), primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		cursor, err := postgres.NewIndexWriter(primary).IndexCursor(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if cursor != nil && cursor.Number >= paused+3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the indexer did not go 3 blocks past %d on the primary", paused)
		}
	}
	if got := publicAsOf(); got != paused {
		t.Errorf("public as_of = %d while the replica is paused at %d: the read did not come from the replica", got, paused)
	}
	iss.retryUntil(http.MethodPost, one, "/rewards", "replica-1",
		`{"wallet":"0x000000000000000000000000000000000000bEEF","activity":"purchase","amount":"5","reference":"r1"}`, 202)
	if code, body := iss.do(http.MethodGet, base+"/rewards", "", ""); code != 200 || !strings.Contains(body, "r1") {
		t.Errorf("the issuer's own rewards with the replica paused: %d %s; want the reward just accepted (read from the primary)", code, body)
	}

	if _, err := standby.ExecContext(t.Context(), `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); publicAsOf() <= paused; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("public reads did not move on after the replica resumed")
		}
	}
}
