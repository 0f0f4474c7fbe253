package localpg

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/guildhall/guildhall"
)

// errNotInstalled is what every command prints on a machine without PostgreSQL.
var errNotInstalled = guildhall.Errorf(guildhall.EUNAVAILABLE,
	"PostgreSQL is not installed: run `make run` (installs it) or `apt-get install -y postgresql`")

// FindBinDir returns the directory holding initdb, pg_ctl and postgres: the newest
// /usr/lib/postgresql/<version>/bin (Debian and Ubuntu), else `pg_config --bindir`, else the
// directory of an initdb on PATH. It returns an EUNAVAILABLE *guildhall.Error naming the fix when
// PostgreSQL is not installed. scripts/ensure-postgres.sh searches the same places.
func FindBinDir(ctx context.Context) (string, error) {
	if dir := newestDebianBinDir(); dir != "" {
		return dir, nil
	}
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); hasInitdb(dir) {
			return dir, nil
		}
	}
	if path, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(path), nil
	}
	return "", errNotInstalled
}

// newestDebianBinDir returns the bin directory of the highest PostgreSQL major version under
// /usr/lib/postgresql, or "" if there is none.
func newestDebianBinDir() string {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	version := func(initdb string) float64 {
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(initdb))), 64)
		if err != nil {
			return -1
		}
		return v
	}
	slices.SortFunc(matches, func(a, b string) int {
		va, vb := version(a), version(b)
		switch {
		case va < vb:
			return -1
		case va > vb:
			return 1
		default:
			return strings.Compare(a, b)
		}
	})
	if len(matches) == 0 {
		return ""
	}
	return filepath.Dir(matches[len(matches)-1])
}

func hasInitdb(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "initdb"))
	return err == nil && !fi.IsDir()
}
