// Package localpg runs a PostgreSQL cluster that belongs to one Guildhall data directory, so that
// `guildhall` and its tests work on a machine with PostgreSQL installed and nothing configured.
//
// The cluster listens only on 127.0.0.1 (no Unix socket) and asks for a password (SCRAM): other
// local users cannot connect as its superuser. The password is generated when the cluster is made
// and kept in a file only this account can read. The cluster is started on demand by whichever
// command needs it first; it keeps running after that command exits so the next one reuses it. Its
// log, lock and password files sit beside its directory: for <data-dir>/postgres they are
// <data-dir>/postgres.log, <data-dir>/postgres.lock and <data-dir>/postgres.password (mode 0600).
package localpg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/guildhall/guildhall"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// DefaultPort is the port of the cluster under a data directory unless --pg-port says otherwise.
const DefaultPort = 54329

// DefaultDatabase is the database Start creates and returns a URL for.
const DefaultDatabase = "guildhall"

// superuser is the role initdb creates; it connects from 127.0.0.1 with the cluster's password.
const superuser = "postgres"

// Cluster is a PostgreSQL cluster in a directory. Its zero value is not usable: Dir is required.
// A Cluster holds no open resources; Start and Stop may be called from any process, at the same
// time, for the same Dir.
type Cluster struct {
	// Dir is the cluster's data directory, e.g. <data-dir>/postgres. Created if missing.
	Dir string
	// Port is the TCP port on 127.0.0.1; 0 means DefaultPort.
	Port int
	// Database is created by Start if missing; "" means DefaultDatabase.
	Database string
	// Settings are extra server settings (name -> value, e.g. "fsync" -> "off" for tests) given
	// when Start starts the server; a server already running keeps the settings it has.
	Settings map[string]string
	// BinDir holds initdb and pg_ctl; "" means FindBinDir.
	BinDir string
	// Logger receives what the cluster does; nil discards it.
	Logger *slog.Logger
}

// Start makes sure the cluster in Dir runs and answers on 127.0.0.1:Port, and returns the URL of
// Database on it, with the password, e.g.
// postgres://postgres:PASSWORD@127.0.0.1:54329/guildhall?sslmode=disable. A cluster made before
// clusters had passwords (trust) gets one on its first Start.
//
// It is idempotent: a running cluster is reused, a stopped one is started, an empty or missing Dir
// is initialized first (initdb). Concurrent calls for the same Dir, from any number of processes,
// are serialized by a lock file beside Dir. As root, the server runs as the postgres user (or the
// owner of an existing cluster). Problems a user can fix (PostgreSQL not installed, port taken,
// directory unreachable, server refusing to start) are one-line EUNAVAILABLE *guildhall.Error
// values naming the fix.
func (c *Cluster) Start(ctx context.Context) (databaseURL string, err error) {
	dir, port, dbName, logger, err := c.resolve()
	if err != nil {
		return "", err
	}
	binDir := c.BinDir
	if binDir == "" {
		if binDir, err = FindBinDir(ctx); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("create directory for PostgreSQL: %w", err)
	}
	unlock, err := lockFile(ctx, dir+".lock", logger)
	if err != nil {
		return "", err
	}
	defer unlock()

	r, err := newRunner(binDir, dir)
	if err != nil {
		return "", err
	}
	if err := c.prepareDir(ctx, r, dir); err != nil {
		return "", err
	}
	password, err := readPassword(dir)
	if err != nil {
		return "", err
	}
	legacy := isCluster(dir) && password == ""
	if !isCluster(dir) {
		if password, err = c.initdb(ctx, r, dir, port, logger); err != nil {
			return "", err
		}
	}
	running, runningPort, err := status(ctx, r, dir)
	if err != nil {
		return "", err
	}
	switch {
	case running && runningPort != 0 && runningPort != port:
		stop := filepath.Join(binDir, "pg_ctl") + " stop -D " + dir
		if r.cred != nil {
			stop = "runuser -u " + r.owner + " -- " + stop
		}
		return "", guildhall.Errorf(guildhall.EUNAVAILABLE,
			"PostgreSQL in %s already runs on port %d, not %d: use --pg-port %d, or stop it with `%s`",
			dir, runningPort, port, runningPort, stop)
	case running:
		logger.Debug("reusing running PostgreSQL", "dir", dir, "port", port)
	default:
		if err := c.start(ctx, r, dir, port, logger); err != nil {
			return "", err
		}
	}
	if legacy {
		if password, err = setPassword(ctx, r, dir, port, logger); err != nil {
			return "", err
		}
	}
	if err := ensureDatabase(ctx, port, password, dbName); err != nil {
		return "", err
	}
	return clusterURL(port, password, dbName), nil
}

// Stop stops the cluster in Dir (fast shutdown: open sessions are disconnected) and waits until it
// has stopped. Stopping a cluster that does not run, or a Dir with no cluster, does nothing.
func (c *Cluster) Stop(ctx context.Context) error {
	dir, _, _, logger, err := c.resolve()
	if err != nil {
		return err
	}
	if !isCluster(dir) {
		return nil
	}
	binDir := c.BinDir
	if binDir == "" {
		if binDir, err = FindBinDir(ctx); err != nil {
			return err
		}
	}
	unlock, err := lockFile(ctx, dir+".lock", logger)
	if err != nil {
		return err
	}
	defer unlock()
	r, err := newRunner(binDir, dir)
	if err != nil {
		return err
	}
	running, _, err := status(ctx, r, dir)
	if err != nil || !running {
		return err
	}
	if _, err := r.run(ctx, "pg_ctl", "stop", "-D", dir, "-m", "fast", "-w", "-t", "60"); err != nil {
		return fmt.Errorf("stop PostgreSQL in %s: %w", dir, err)
	}
	logger.Info("stopped PostgreSQL", "dir", dir)
	return nil
}

// URL returns the URL Start returns, without starting anything ("" before the cluster's password
// exists).
func (c *Cluster) URL() string {
	dir, port, dbName, _, err := c.resolve()
	if err != nil {
		return ""
	}
	password, err := readPassword(dir)
	if err != nil || password == "" {
		return ""
	}
	return clusterURL(port, password, dbName)
}

func (c *Cluster) resolve() (dir string, port int, dbName string, logger *slog.Logger, err error) {
	if c.Dir == "" {
		return "", 0, "", nil, errors.New("localpg: Cluster.Dir is empty")
	}
	if dir, err = filepath.Abs(c.Dir); err != nil {
		return "", 0, "", nil, fmt.Errorf("resolve cluster directory: %w", err)
	}
	port = c.Port
	if port == 0 {
		port = DefaultPort
	}
	if port < 1 || port > 65535 {
		return "", 0, "", nil, guildhall.Errorf(guildhall.EINVALID, "PostgreSQL port %d is out of range: use a --pg-port between 1024 and 65535", port)
	}
	dbName = c.Database
	if dbName == "" {
		dbName = DefaultDatabase
	}
	logger = c.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return dir, port, dbName, logger, nil
}

func clusterURL(port int, password, dbName string) string {
	user := url.UserPassword(superuser, password)
	if password == "" {
		user = url.User(superuser)
	}
	u := url.URL{
		Scheme:   "postgres",
		User:     user,
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path:     "/" + dbName,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// logPath is the server log beside the cluster directory.
func logPath(dir string) string { return dir + ".log" }

// isCluster reports whether dir holds an initialized cluster.
func isCluster(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "PG_VERSION"))
	return err == nil
}

// prepareDir creates dir (mode 0700, as PostgreSQL requires) and the log file, gives both to the
// account the server runs as, and checks that account can reach them.
func (c *Cluster) prepareDir(ctx context.Context, r *runner, dir string) error {
	if err := r.checkReachable(ctx, filepath.Dir(dir)); err != nil {
		return err
	}
	if !isCluster(dir) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create cluster directory: %w", err)
		}
		entries, err := os.ReadDir(dir)
		if errors.Is(err, os.ErrPermission) {
			return accessError(dir)
		}
		if err != nil {
			return fmt.Errorf("read cluster directory: %w", err)
		}
		if len(entries) > 0 {
			return guildhall.Errorf(guildhall.EUNAVAILABLE,
				"%s is not empty and holds no PostgreSQL cluster: remove it or choose another --data-dir", dir)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("restrict cluster directory: %w", err)
		}
		if err := r.chown(dir); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(logPath(dir), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("create PostgreSQL log: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create PostgreSQL log: %w", err)
	}
	return r.chown(logPath(dir))
}

// initdb creates the cluster: UTF8, C locale, superuser postgres with a new password (SCRAM) from
// 127.0.0.1, TCP only. The password file is written first, so a cluster never exists without it.
func (c *Cluster) initdb(ctx context.Context, r *runner, dir string, port int, logger *slog.Logger) (string, error) {
	logger.Info("creating PostgreSQL cluster", "dir", dir, "user", r.owner)
	password, err := newPassword(dir)
	if err != nil {
		return "", err
	}
	// initdb reads the password from a file its account can read, for the moment it runs.
	pwfile := dir + ".initpw"
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write initial password: %w", err)
	}
	defer os.Remove(pwfile)
	if err := r.chown(pwfile); err != nil {
		return "", err
	}
	args := []string{"-D", dir, "-U", superuser, "--auth=scram-sha-256", "--pwfile=" + pwfile,
		"--encoding=UTF8", "--locale=C", "--no-instructions"}
	if c.Settings["fsync"] == "off" {
		args = append(args, "--no-sync") // a throwaway cluster (tests) need not wait for the disk
	}
	_, err = r.run(ctx, "initdb", args...)
	if err != nil {
		// A half-made cluster would stop the next Start; leave the directory empty instead.
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
		return "", guildhall.Errorf(guildhall.EUNAVAILABLE, "create PostgreSQL cluster in %s: %s", dir, oneLine(err.Error()))
	}
	conf := fmt.Sprintf(`
# Added by guildhall: reachable only over TCP from this machine. pg_ctl is given the port on every
# start (guildhall --pg-port); this one is for starting the cluster by hand.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
port = %d
`, port)
	f, err := os.OpenFile(filepath.Join(dir, "postgresql.conf"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return "", fmt.Errorf("configure PostgreSQL: %w", err)
	}
	if _, err := f.WriteString(conf); err != nil {
		_ = f.Close()
		return "", fmt.Errorf("configure PostgreSQL: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("configure PostgreSQL: %w", err)
	}
	return password, writeHBA(r, dir)
}

var (
	settingName  = regexp.MustCompile(`^[a-z_][a-z0-9_.]*$`)
	settingValue = regexp.MustCompile(`^[A-Za-z0-9_.:/-]*$`)
)

// start starts the server on port and waits until it accepts connections.
func (c *Cluster) start(ctx context.Context, r *runner, dir string, port int, logger *slog.Logger) error {
	if err := checkPortFree(port); err != nil {
		return err
	}
	// pg_ctl passes -o through a shell, so only plain names and values go in.
	opts := []string{"-p", strconv.Itoa(port)}
	names := make([]string, 0, len(c.Settings))
	for name := range c.Settings {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		value := c.Settings[name]
		if !settingName.MatchString(name) || !settingValue.MatchString(value) {
			return fmt.Errorf("start PostgreSQL: unsupported setting %q = %q", name, value)
		}
		opts = append(opts, "-c", name+"="+value)
	}
	logger.Info("starting PostgreSQL", "dir", dir, "port", port, "log", logPath(dir))
	_, err := r.run(ctx, "pg_ctl", "start", "-D", dir, "-l", logPath(dir), "-w", "-t", "60",
		"-o", strings.Join(opts, " "))
	if err != nil {
		reason := serverLogReason(logPath(dir))
		if reason == "" {
			reason = oneLine(err.Error())
		}
		return guildhall.Errorf(guildhall.EUNAVAILABLE, "start PostgreSQL in %s: %s (log: %s)", dir, reason, logPath(dir))
	}
	return nil
}

// checkPortFree fails with a one-line error naming the flag to change when port is taken.
func checkPortFree(port int) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if errors.Is(err, syscall.EADDRINUSE) {
		return guildhall.Errorf(guildhall.EUNAVAILABLE,
			"port %d on 127.0.0.1 is already in use by another program: stop it or give PostgreSQL another port with --pg-port (or GUILDHALL_PG_PORT)", port)
	}
	if err != nil {
		return fmt.Errorf("check port %d: %w", port, err)
	}
	return ln.Close()
}

// status reports whether the cluster in dir runs and, if it does, on which port.
func status(ctx context.Context, r *runner, dir string) (running bool, port int, err error) {
	_, err = r.run(ctx, "pg_ctl", "status", "-D", dir)
	switch exitCode(err) {
	case 0:
	case 3: // not running
		return false, 0, nil
	case 4: // no accessible data directory
		return false, 0, accessError(dir)
	default:
		return false, 0, fmt.Errorf("check PostgreSQL in %s: %w", dir, err)
	}
	// postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
	pidFile := filepath.Join(dir, "postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return true, 0, nil // it stopped in between, or we cannot tell; connecting will say
	}
	lines := strings.Split(string(data), "\n")
	if comm, err := os.ReadFile("/proc/" + strings.TrimSpace(lines[0]) + "/comm"); err == nil &&
		strings.TrimSpace(string(comm)) != "postgres" {
		// After a crash or a container restart the recorded pid can belong to another program, and
		// pg_ctl takes that for a running server. PostgreSQL refuses to start over such a file too.
		if err := os.Remove(pidFile); err != nil {
			return false, 0, fmt.Errorf("remove stale %s: %w", pidFile, err)
		}
		return false, 0, nil
	}
	if len(lines) > 3 {
		port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	return true, port, nil
}

// accessError says that dir belongs to someone this process cannot act for.
func accessError(dir string) error {
	owner := "another user"
	if fi, err := os.Stat(dir); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			owner = "uid " + strconv.FormatUint(uint64(st.Uid), 10)
			if u, err := user.LookupId(strconv.FormatUint(uint64(st.Uid), 10)); err == nil {
				owner = u.Username
			}
		}
	}
	return guildhall.Errorf(guildhall.EUNAVAILABLE,
		"cannot use the PostgreSQL cluster in %s, which belongs to %s: run guildhall as %s or as root, or choose another --data-dir",
		dir, owner, owner)
}

// ensureDatabase connects to the running server and creates dbName if missing.
func ensureDatabase(ctx context.Context, port int, password, dbName string) error {
	db, err := sql.Open("postgres", clusterURL(port, password, "postgres")+"&connect_timeout=10")
	if err != nil {
		return fmt.Errorf("open PostgreSQL: %w", err)
	}
	defer db.Close()
	var exists bool
	err = db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, dbName).Scan(&exists)
	if err != nil {
		return guildhall.Errorf(guildhall.EUNAVAILABLE,
			"PostgreSQL runs but does not answer on 127.0.0.1:%d: %s", port, oneLine(err.Error()))
	}
	if exists {
		return nil
	}
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(dbName)); err != nil && pq.As(err, pqerror.DuplicateDatabase) == nil {
		return fmt.Errorf("create database %s: %w", dbName, err)
	}
	return nil
}

// serverLogReason returns the last FATAL, PANIC or ERROR line of the server log, the reason a
// start failed, or "".
func serverLogReason(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(data) > 64<<10 {
		data = data[len(data)-64<<10:]
	}
	lines := strings.Split(string(data), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		for _, level := range []string{"FATAL:", "PANIC:", "ERROR:"} {
			if _, msg, ok := strings.Cut(lines[i], level); ok {
				return strings.TrimSpace(msg)
			}
		}
	}
	return ""
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
