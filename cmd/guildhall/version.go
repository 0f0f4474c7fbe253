package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// buildTime is set by the Makefile's build (-ldflags "-X main.buildTime=..."); empty for a plain
// `go build` or `go run`.
var buildTime string

// buildInfo is what `guildhall version` prints and guildhall_build_info carries.
type buildInfo struct {
	version   string // the module version, "(devel)" for a build from a checkout
	commit    string // the VCS revision, with "+dirty" when the tree had changes
	commitAt  string // the revision's commit time
	builtAt   string
	goVersion string
}

// readBuildInfo reads what the Go toolchain stamped into the binary.
func readBuildInfo() buildInfo {
	b := buildInfo{version: "unknown", commit: "unknown", commitAt: "unknown", builtAt: buildTime, goVersion: runtime.Version()}
	if b.builtAt == "" {
		b.builtAt = "unknown"
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if info.Main.Version != "" {
		b.version = info.Main.Version
	}
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.commit = s.Value
		case "vcs.time":
			b.commitAt = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && b.commit != "unknown" {
		b.commit += "+dirty"
	}
	return b
}

func runVersion(_ context.Context, args []string, e *env) error {
	var c commonFlags
	fs := newFlagSet(e, "version", "version [flags]")
	c.registerAll(fs, "(not used)")
	c.markUnused(fs, append(append([]string{"data-dir"}, databaseFlags...), chainFlags...))
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	b := readBuildInfo()
	fmt.Fprintf(e.stdout, "guildhall %s\n  commit     %s (%s)\n  built      %s\n  go         %s\n",
		b.version, b.commit, b.commitAt, b.builtAt, b.goVersion)
	return nil
}

// registerBuildInfo adds guildhall_build_info{version,commit,go_version} = 1 to reg, so a
// dashboard can tell which build each process runs.
func registerBuildInfo(reg prometheus.Registerer) {
	b := readBuildInfo()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "guildhall_build_info",
		Help:        "Always 1; the labels name the build this process runs.",
		ConstLabels: prometheus.Labels{"version": b.version, "commit": b.commit, "go_version": b.goVersion},
	})
	g.Set(1)
	reg.MustRegister(g)
}
