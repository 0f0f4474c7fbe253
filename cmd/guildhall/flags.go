package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// errHelp means --help was asked for and printed (exit status 0).
var errHelp = errors.New("help")

// newFlagSet returns a flag set for `guildhall <name>` whose usage lists the flags with their
// environment twins.
func newFlagSet(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("guildhall "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: guildhall %s\n\nFlags (each also read from its environment twin):\n", synopsis)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(out, "  --%s  [%s]\n      %s%s\n", f.Name, envName(f.Name), f.Usage, def)
		})
	}
	return fs
}

// parseFlags parses args, then fills every flag not given on the command line from its
// environment twin. --help prints usage to stdout and returns errHelp.
func parseFlags(fs *flag.FlagSet, args []string, e *env) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return errHelp
		}
		return errUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v := e.getenv(envName(f.Name)); v != "" {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("invalid %s=%q: %v", envName(f.Name), v, serr)
			}
		}
	})
	if err != nil {
		fmt.Fprintln(e.stderr, fs.Name()+": "+err.Error())
		return errUsage
	}
	return nil
}

// envName is a flag's environment twin: --data-dir -> GUILDHALL_DATA_DIR.
func envName(flagName string) string {
	return "GUILDHALL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// usageError prints msg and the usage and returns errUsage.
func usageError(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), fs.Name()+": "+format+"\n\n", args...)
	fs.Usage()
	return errUsage
}
