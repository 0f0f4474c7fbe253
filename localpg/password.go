package localpg

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/guildhall/guildhall"
	"github.com/lib/pq"
)

// passwordPath is the file beside the cluster directory that holds the superuser's password,
// readable by this account only (0600).
func passwordPath(dir string) string { return dir + ".password" }

// readPassword returns the cluster's password, or "" when it has none yet.
func readPassword(dir string) (string, error) {
	data, err := os.ReadFile(passwordPath(dir))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", guildhall.Errorf(guildhall.EUNAVAILABLE, "read the PostgreSQL password in %s: %v", passwordPath(dir), err)
	}
	return strings.TrimSpace(string(data)), nil
}

// newPassword returns the password kept for dir, making and storing a new one when there is none.
// A file left by a cluster whose initdb failed is reused.
func newPassword(dir string) (string, error) {
	if password, err := readPassword(dir); err != nil || password != "" {
		return password, err
	}
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("generate PostgreSQL password: %w", err)
	}
	password := hex.EncodeToString(buf)
	if err := os.WriteFile(passwordPath(dir), []byte(password+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("store PostgreSQL password: %w", err)
	}
	return password, nil
}

// hba is the whole of the cluster's client authentication: password (SCRAM) over TCP from this
// machine, nothing else (the cluster has no Unix socket); replication (a standby, pg_basebackup)
// the same way.
const hba = `# Written by guildhall: the superuser's password (SCRAM) over TCP from this machine only.
host all all 127.0.0.1/32 scram-sha-256
host replication all 127.0.0.1/32 scram-sha-256
`

func writeHBA(r *runner, dir string) error {
	path := filepath.Join(dir, "pg_hba.conf")
	if err := os.WriteFile(path, []byte(hba), 0o600); err != nil {
		return fmt.Errorf("configure PostgreSQL authentication: %w", err)
	}
	return r.chown(path)
}

// setPassword gives a cluster made before clusters had passwords (it trusts every local
// connection) a password, stores it, and makes the running server ask for it.
func setPassword(ctx context.Context, r *runner, dir string, port int, logger *slog.Logger) (string, error) {
	logger.Info("PostgreSQL cluster trusts every local user: setting a password", "dir", dir, "password_file", passwordPath(dir))
	password, err := newPassword(dir)
	if err != nil {
		return "", err
	}
	db, err := sql.Open("postgres", clusterURL(port, "", "postgres")+"&connect_timeout=10")
	if err != nil {
		return "", fmt.Errorf("open PostgreSQL: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "ALTER ROLE "+pq.QuoteIdentifier(superuser)+" PASSWORD "+pq.QuoteLiteral(password)); err != nil {
		return "", guildhall.Errorf(guildhall.EUNAVAILABLE, "set the PostgreSQL password on 127.0.0.1:%d: %s", port, oneLine(err.Error()))
	}
	if err := writeHBA(r, dir); err != nil {
		return "", err
	}
	if _, err := db.ExecContext(ctx, "SELECT pg_reload_conf()"); err != nil {
		return "", fmt.Errorf("reload PostgreSQL authentication: %w", err)
	}
	return password, nil
}
