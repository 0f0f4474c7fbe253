package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/guildhall/guildhall"
)

// runner runs PostgreSQL's programs. initdb, pg_ctl and postgres refuse to run as root, so when
// this process is root they run as an unprivileged account (cred != nil): the postgres user, or
// the owner of an existing cluster.
type runner struct {
	binDir string
	cred   *syscall.Credential // nil: run as the current user
	owner  string              // the account's name, for messages
	env    []string
}

// newRunner returns a runner for the cluster in dir. As root it picks the owner of an existing
// cluster, else the postgres user; it fails when there is no such user.
func newRunner(binDir, dir string) (*runner, error) {
	r := &runner{binDir: binDir, env: childEnv(nil)}
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err == nil {
			r.owner = u.Username
		}
		return r, nil
	}
	var u *user.User
	if fi, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			u, _ = user.LookupId(strconv.FormatUint(uint64(st.Uid), 10))
		}
	}
	if u == nil {
		var err error
		if u, err = user.Lookup("postgres"); err != nil {
			return nil, guildhall.Errorf(guildhall.EUNAVAILABLE,
				"PostgreSQL cannot run as root and there is no postgres user to run it: run `apt-get install -y postgresql` (creates it) or run guildhall as a non-root user")
		}
	}
	cred, err := credential(u)
	if err != nil {
		return nil, err
	}
	r.cred, r.owner, r.env = cred, u.Username, childEnv(u)
	return r, nil
}

func credential(u *user.User) (*syscall.Credential, error) {
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("parse uid of %s: %w", u.Username, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("parse gid of %s: %w", u.Username, err)
	}
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if g, err := strconv.ParseUint(id, 10, 32); err == nil {
				cred.Groups = append(cred.Groups, uint32(g))
			}
		}
	}
	return cred, nil
}

// childEnv is the environment PostgreSQL's programs and the server run with: the few variables
// they need, never this process's own (an operator key or a database URL in Guildhall's environment
// must not reach a process another account owns, or its /proc/PID/environ). PG* variables would
// redirect pg_ctl; the C locale keeps server messages English; HOME and USER are u's when the
// programs run as another account.
func childEnv(u *user.User) []string {
	env := []string{"LC_ALL=C", "LANG=C"}
	for _, k := range []string{"PATH", "TZ", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	if u == nil {
		for _, k := range []string{"HOME", "USER", "LOGNAME"} {
			if v, ok := os.LookupEnv(k); ok {
				env = append(env, k+"="+v)
			}
		}
		return env
	}
	return append(env, "HOME="+u.HomeDir, "USER="+u.Username, "LOGNAME="+u.Username)
}

// chown gives path to the account the programs run as; a no-op when they run as this user.
func (r *runner) chown(path string) error {
	if r.cred == nil {
		return nil
	}
	if err := os.Chown(path, int(r.cred.Uid), int(r.cred.Gid)); err != nil {
		return fmt.Errorf("chown %s to %s: %w", path, r.owner, err)
	}
	return nil
}

// run runs program (a PostgreSQL binary, or an absolute path) with args and returns its combined
// output. A non-zero exit gives an *exec.ExitError wrapped with the last line of output.
func (r *runner) run(ctx context.Context, program string, args ...string) (string, error) {
	path := program
	if !filepath.IsAbs(path) {
		path = filepath.Join(r.binDir, program)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = r.env
	cmd.Dir = "/" // the caller's working directory may be closed to the postgres user
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// pg_ctl start leaves a postmaster running; should it ever hold our pipe open, do not hang.
	cmd.WaitDelay = 5 * time.Second
	if r.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.cred}
	}
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s: %s: %w", filepath.Base(program), lastLine(out.String()), err)
	}
	return out.String(), nil
}

// exitCode returns the exit status in err: 0 for nil, -1 when err is not an exit.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// canEnter reports whether the programs' account can traverse dir (and every directory above it).
func (r *runner) canEnter(ctx context.Context, dir string) bool {
	if r.cred == nil {
		return true // our own directories: the OS tells us soon enough
	}
	test, err := exec.LookPath("test")
	if err != nil {
		return true // cannot check; postgres will say what it cannot reach
	}
	_, err = r.run(ctx, test, "-x", dir)
	return err == nil
}

// checkReachable returns a one-line EUNAVAILABLE error naming the first directory above dir the
// programs' account cannot enter, or nil when it can reach dir.
func (r *runner) checkReachable(ctx context.Context, dir string) error {
	if r.canEnter(ctx, dir) {
		return nil
	}
	var chain []string
	for d := dir; ; d = filepath.Dir(d) {
		chain = append(chain, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	blocked := dir
	for i := len(chain) - 1; i >= 0; i-- { // from / downwards
		if !r.canEnter(ctx, chain[i]) {
			blocked = chain[i]
			break
		}
	}
	mode := ""
	if fi, err := os.Stat(blocked); err == nil {
		mode = fmt.Sprintf(" (mode %04o)", fi.Mode().Perm())
	}
	return guildhall.Errorf(guildhall.EUNAVAILABLE,
		"PostgreSQL runs as the %s user, which cannot enter %s%s: run `chmod o+x %s` or choose a --data-dir it can reach",
		r.owner, blocked, mode, blocked)
}

// lastLine returns the last non-empty line of s, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
