// Package web is the members' dashboard: static HTML, CSS and JavaScript embedded into the binary
// and served by `guildhall serve` at /. It needs no build step and talks only to the public API
// (and, for signing, to the member's own wallet through EIP-1193: MetaMask or any injected wallet).
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// FS holds the dashboard's files: index.html at the root, the rest beside it.
var FS fs.FS = mustSub(static, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic("web: " + err.Error()) // the directory is embedded above; this cannot fail
	}
	return sub
}
