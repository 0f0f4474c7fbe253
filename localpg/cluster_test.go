package localpg_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/localpg"
	_ "github.com/lib/pq"
)

// newCluster returns a Cluster in a fresh temporary directory on a free port, stopped when the
// test ends. t.TempDir makes its directories 0700; as root the server runs as postgres, which
// must be able to enter them.
func newCluster(t *testing.T) *localpg.Cluster {
	t.Helper()
	base := t.TempDir()
	if os.Geteuid() == 0 {
		for _, d := range []string{base, filepath.Dir(base)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := &localpg.Cluster{
		Dir:      filepath.Join(base, "postgres"),
		Port:     freePort(t),
		Settings: map[string]string{"fsync": "off"},
		Logger:   slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("stop cluster: %v", err)
		}
	})
	return c
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func start(t *testing.T, c *localpg.Cluster) string {
	t.Helper()
	url, err := c.Start(t.Context())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return url
}

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func postmasterPID(t *testing.T, c *localpg.Cluster) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
	if err != nil {
		t.Fatalf("read postmaster.pid: %v", err)
	}
	pid, _, _ := strings.Cut(string(data), "\n")
	return pid
}

func TestStartCreatesReusesAndRestarts(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	url := start(t, c)

	password, err := os.ReadFile(c.Dir + ".password")
	if err != nil {
		t.Fatalf("password file beside the cluster: %v", err)
	}
	want := "postgres://postgres:" + strings.TrimSpace(string(password)) + "@127.0.0.1:" + strconv.Itoa(c.Port) + "/guildhall?sslmode=disable"
	if url != want {
		t.Errorf("Start URL = %q, want %q", url, want)
	}
	if url != c.URL() {
		t.Errorf("URL() = %q, want what Start returned, %q", c.URL(), url)
	}
	db := open(t, url)
	var name, encoding string
	if err := db.QueryRowContext(t.Context(), `SELECT current_database(), pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()`).Scan(&name, &encoding); err != nil {
		t.Fatalf("query: %v", err)
	}
	if name != "guildhall" || encoding != "UTF8" {
		t.Errorf("connected to database %q with encoding %q, want guildhall in UTF8", name, encoding)
	}
	if _, err := db.ExecContext(t.Context(), `CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)`); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Dir + ".log"); err != nil {
		t.Errorf("server log beside the cluster: %v", err)
	}

	t.Run("second start reuses the running server", func(t *testing.T) {
		pid := postmasterPID(t, c)
		if again := start(t, c); again != url {
			t.Errorf("second Start URL = %q, want %q", again, url)
		}
		if got := postmasterPID(t, c); got != pid {
			t.Errorf("postmaster pid changed from %s to %s: the server was restarted", pid, got)
		}
	})

	t.Run("start on another port names the running one", func(t *testing.T) {
		other := *c
		other.Port = freePort(t)
		_, err := other.Start(t.Context())
		if code := guildhall.ErrorCode(err); code != guildhall.EUNAVAILABLE {
			t.Fatalf("Start on port %d while running on %d: code %q (%v), want %q", other.Port, c.Port, code, err, guildhall.EUNAVAILABLE)
		}
		if msg := guildhall.ErrorMessage(err); !strings.Contains(msg, "--pg-port "+strconv.Itoa(c.Port)) {
			t.Errorf("message %q does not name --pg-port %d", msg, c.Port)
		}
	})

	t.Run("stop then start keeps the data", func(t *testing.T) {
		db.Close()
		if err := c.Stop(t.Context()); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if err := c.Stop(t.Context()); err != nil {
			t.Fatalf("Stop of a stopped cluster: %v", err)
		}
		if _, err := os.Stat(filepath.Join(c.Dir, "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("postmaster.pid after Stop: %v, want it gone", err)
		}
		db := open(t, start(t, c))
		var v int
		if err := db.QueryRowContext(t.Context(), `SELECT v FROM kept`).Scan(&v); err != nil || v != 42 {
			t.Errorf("after restart: v = %d, err = %v; want 42", v, err)
		}
	})
}

func TestConcurrentStartsFromProcessesShareOneCluster(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	// As `go test ./...` does: several processes start the same cluster at the same moment.
	const n = 4
	outs := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperStartProcess$")
			cmd.Env = append(os.Environ(), "LOCALPG_HELPER_DIR="+c.Dir, "LOCALPG_HELPER_PORT="+strconv.Itoa(c.Port))
			outs[i], errs[i] = cmd.CombinedOutput()
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("process %d: %v\n%s", i, errs[i], outs[i])
		} else if !strings.Contains(string(outs[i]), "URL="+c.URL()+"\n") {
			t.Errorf("process %d did not print URL=%s:\n%s", i, c.URL(), outs[i])
		}
	}
	db := open(t, c.URL())
	if err := db.PingContext(t.Context()); err != nil {
		t.Errorf("cluster after concurrent starts: %v", err)
	}
	log, err := os.ReadFile(c.Dir + ".log")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(log), "database system is ready to accept connections"); got != 1 {
		t.Errorf("server started %d times, want once:\n%s", got, log)
	}
}

// TestHelperStartProcess is the child of TestConcurrentStartsFromProcessesShareOneCluster.
func TestHelperStartProcess(t *testing.T) {
	dir := os.Getenv("LOCALPG_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process for TestConcurrentStartsFromProcessesShareOneCluster")
	}
	port, _ := strconv.Atoi(os.Getenv("LOCALPG_HELPER_PORT"))
	c := &localpg.Cluster{Dir: dir, Port: port, Settings: map[string]string{"fsync": "off"}}
	url, err := c.Start(t.Context())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	fmt.Printf("URL=%s\n", url)
}

func TestStartRefuses(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		setup    func(t *testing.T, c *localpg.Cluster)
		mentions func(c *localpg.Cluster) []string
	}{
		"port taken by another program": {
			setup: func(t *testing.T, c *localpg.Cluster) {
				ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(c.Port))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { ln.Close() })
			},
			mentions: func(c *localpg.Cluster) []string {
				return []string{"port " + strconv.Itoa(c.Port), "in use", "--pg-port", "GUILDHALL_PG_PORT"}
			},
		},
		"directory that holds something else": {
			setup: func(t *testing.T, c *localpg.Cluster) {
				if err := os.MkdirAll(c.Dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(c.Dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			mentions: func(c *localpg.Cluster) []string {
				return []string{c.Dir + " is not empty", "holds no PostgreSQL cluster"}
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newCluster(t)
			tt.setup(t, c)
			_, err := c.Start(t.Context())
			assertUserError(t, err, tt.mentions(c))
		})
	}
}

func TestStartAsRootNamesUnreachableDirectory(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("only root hands the cluster to the postgres user")
	}
	// t.TempDir makes /tmp/<test>NNN/001, both mode 0700 and owned by root: the first is the
	// first directory on the way that postgres cannot enter.
	dir := t.TempDir()
	closed := filepath.Dir(dir)
	c := &localpg.Cluster{Dir: filepath.Join(dir, "data", "postgres"), Port: freePort(t)}
	_, err := c.Start(t.Context())
	assertUserError(t, err, []string{"postgres user", "cannot enter " + closed + " (mode 0700)", "chmod o+x " + closed})
}

// assertUserError checks err is a one-line EUNAVAILABLE *guildhall.Error whose message mentions
// every string in mentions.
func assertUserError(t *testing.T, err error, mentions []string) {
	t.Helper()
	if code := guildhall.ErrorCode(err); code != guildhall.EUNAVAILABLE {
		t.Fatalf("error code %q (%v), want %q", code, err, guildhall.EUNAVAILABLE)
	}
	msg := guildhall.ErrorMessage(err)
	if strings.Contains(msg, "\n") {
		t.Errorf("message spans lines: %q", msg)
	}
	for _, m := range mentions {
		if !strings.Contains(msg, m) {
			t.Errorf("message %q does not mention %q", msg, m)
		}
	}
}

func TestFindBinDir(t *testing.T) {
	dir, err := localpg.FindBinDir(t.Context())
	if err != nil {
		t.Skipf("PostgreSQL not installed: %v", err)
	}
	for _, program := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, program)); err != nil {
			t.Errorf("%s in %s: %v", program, dir, err)
		}
	}
}

func TestStartReplacesStalePidFile(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	start(t, c)
	pidFile := filepath.Join(c.Dir, "postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	// As after a container restart: the recorded pid now belongs to another live program (us).
	_, rest, _ := strings.Cut(string(data), "\n")
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"+rest), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(c.Dir); err == nil {
		st := fi.Sys().(*syscall.Stat_t)
		if err := os.Chown(pidFile, int(st.Uid), int(st.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	db := open(t, start(t, c))
	if err := db.PingContext(t.Context()); err != nil {
		t.Errorf("after replacing a stale pid file: %v", err)
	}
	if pid := postmasterPID(t, c); pid == strconv.Itoa(os.Getpid()) {
		t.Error("postmaster.pid still names the test process")
	}
}
