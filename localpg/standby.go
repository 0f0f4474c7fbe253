package localpg

import (
	"context"
	"fmt"
	"os"

	"github.com/guildhall/guildhall"
)

// StartStandby makes dir a streaming-replication standby of the cluster c (running: call Start
// first) and starts it on 127.0.0.1:port, read-only, replaying what c writes. It returns the URL of
// c's database on the standby. dir must be missing or empty; the standby has c's password.
// Stop it with a Cluster of that Dir.
//
// It is how Guildhall's tests run a read replica (serve --read-database-url); it also lets an
// operator try one on a laptop.
func (c *Cluster) StartStandby(ctx context.Context, dir string, port int) (databaseURL string, err error) {
	pdir, pport, dbName, logger, err := c.resolve()
	if err != nil {
		return "", err
	}
	binDir := c.BinDir
	if binDir == "" {
		if binDir, err = FindBinDir(ctx); err != nil {
			return "", err
		}
	}
	password, err := readPassword(pdir)
	if err != nil || password == "" {
		return "", guildhall.Errorf(guildhall.EUNAVAILABLE, "the cluster in %s has no password file: Start it first", pdir)
	}
	standby := &Cluster{Dir: dir, Port: port, Database: dbName, Settings: c.Settings, BinDir: binDir, Logger: logger}
	r, err := newRunner(binDir, pdir) // as the primary's owner, so the copy is its to run
	if err != nil {
		return "", err
	}
	if err := standby.prepareDir(ctx, r, dir); err != nil {
		return "", err
	}
	// pg_basebackup, and then the standby's WAL receiver (-R writes the connection into
	// postgresql.auto.conf), read the password from a file beside the standby that only its
	// account can read.
	passfile := dir + ".pgpass"
	line := fmt.Sprintf("127.0.0.1:%d:*:%s:%s\n", pport, superuser, password)
	if err := os.WriteFile(passfile, []byte(line), 0o600); err != nil {
		return "", fmt.Errorf("write the standby's password file: %w", err)
	}
	if err := r.chown(passfile); err != nil {
		return "", err
	}
	logger.Info("copying PostgreSQL for a standby", "from", pdir, "to", dir)
	conn := fmt.Sprintf("host=127.0.0.1 port=%d user=%s passfile=%s", pport, superuser, passfile)
	if _, err := r.run(ctx, "pg_basebackup", "-D", dir, "-d", conn, "-R", "-X", "stream", "-c", "fast"); err != nil {
		return "", guildhall.Errorf(guildhall.EUNAVAILABLE, "copy the cluster in %s for a standby: %s", pdir, oneLine(err.Error()))
	}
	if err := os.WriteFile(passwordPath(dir), []byte(password+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("store the standby's password: %w", err)
	}
	if err := standby.start(ctx, r, dir, port, logger); err != nil {
		return "", err
	}
	return clusterURL(port, password, dbName), nil
}
