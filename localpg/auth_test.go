package localpg_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lib/pq"
)

// withoutPassword is url with the password taken out: what another local user could try.
func withoutPassword(t *testing.T, url string) string {
	t.Helper()
	at := strings.Index(url, "@")
	colon := strings.Index(url[len("postgres://"):], ":") + len("postgres://")
	if at < 0 || colon > at {
		t.Fatalf("URL %q carries no password", url)
	}
	return url[:colon] + url[at:]
}

// requirePasswordRefused fails unless connecting to url without its password is refused.
func requirePasswordRefused(t *testing.T, url string) {
	t.Helper()
	var role string
	err := open(t, withoutPassword(t, url)).QueryRowContext(t.Context(), `SELECT current_user`).Scan(&role)
	if err == nil {
		t.Fatalf("connected as %s without the password: every local user could", role)
	}
	if e, ok := err.(*pq.Error); !ok || e.Code != "28P01" {
		t.Fatalf("connecting without the password: %v, want SQLSTATE 28P01 (password authentication failed)", err)
	}
}

func TestClusterAsksForAPasswordOnlyThisAccountCanRead(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	url := start(t, c)

	fi, err := os.Stat(c.Dir + ".password")
	if err != nil {
		t.Fatalf("password file: %v", err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("password file mode %o, want 600", mode)
	}
	requirePasswordRefused(t, url)
	var one int
	if err := open(t, url).QueryRowContext(t.Context(), `SELECT 1`).Scan(&one); err != nil {
		t.Fatalf("connect with the password Start returned: %v", err)
	}
}

func TestClusterMadeWithTrustGetsAPasswordOnStart(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	url := start(t, c)
	// Put the cluster back as clusters were made before they had passwords: trust, no password file.
	db := open(t, url)
	if _, err := db.ExecContext(t.Context(), `ALTER ROLE postgres PASSWORD NULL`); err != nil {
		t.Fatal(err)
	}
	hba := filepath.Join(c.Dir, "pg_hba.conf")
	if err := os.WriteFile(hba, []byte("host all all 127.0.0.1/32 trust\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(t.Context(), `SELECT pg_reload_conf()`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Remove(c.Dir + ".password"); err != nil {
		t.Fatal(err)
	}

	again := start(t, c)
	if again == url {
		t.Fatalf("Start on a trusting cluster returned the old URL %q: no new password", again)
	}
	requirePasswordRefused(t, again)
	var one int
	if err := open(t, again).QueryRowContext(t.Context(), `SELECT 1`).Scan(&one); err != nil {
		t.Fatalf("connect with the new password: %v", err)
	}
	if c.URL() != again {
		t.Errorf("URL() = %q, want what Start returned", c.URL())
	}
}

func TestServerDoesNotInheritGuildhallsEnvironment(t *testing.T) {
	// t.Setenv forbids t.Parallel: the variable is this process's, which the server must not see.
	const secret = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
	t.Setenv("GUILDHALL_OPERATOR_KEY", secret)
	t.Setenv("GUILDHALL_DATABASE_URL", "postgres://someone:secret@db.example/guildhall")
	c := newCluster(t)
	start(t, c)

	environ, err := os.ReadFile("/proc/" + postmasterPID(t, c) + "/environ")
	if err != nil {
		t.Fatalf("read the server's environment: %v", err)
	}
	for _, kv := range strings.Split(string(environ), "\x00") {
		if strings.HasPrefix(kv, "GUILDHALL_") || strings.Contains(kv, secret) {
			t.Errorf("the PostgreSQL server inherited %q", kv)
		}
	}
	if !strings.Contains(string(environ), "LC_ALL=C") {
		t.Errorf("server environment %q lacks LC_ALL=C: not the environment localpg gives it", environ)
	}
}
