package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/postgres/pgtest"
)

// installation is a fresh Guildhall for a test of the real binary: the binary, a data directory
// and a database of its own (shared: the flags every command of it takes), the addresses serve's
// API and dev chain will listen on, and serve's flags for all of that.
type installation struct {
	bin, dataDir, dbURL, api, rpcAddr string
	shared, serve                     []string
}

// newInstallation builds the binary and picks free ports; extra are more flags of serve.
func newInstallation(t *testing.T, extra ...string) installation {
	in := installation{bin: buildBinary(t), dataDir: t.TempDir(), dbURL: pgtest.URL(t),
		api: "http://127.0.0.1:" + closedPort(t), rpcAddr: "127.0.0.1:" + closedPort(t)}
	in.shared = []string{"--data-dir", in.dataDir, "--database-url", in.dbURL}
	in.serve = append(slices.Clone(in.shared), "--http-addr", strings.TrimPrefix(in.api, "http://"), "--dev-rpc-addr", in.rpcAddr)
	in.serve = append(in.serve, extra...)
	return in
}
