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
		var unused []string
		fs.VisitAll(func(f *flag.Flag) {
			if f.Usage == unusedFlagUsage {
				unused = append(unused, "--"+f.Name)
				return
			}
			def := ""
			// A usage text that explains its own default (a zero value meaning "depends") keeps it.
			if f.DefValue != "" && f.DefValue != "false" && !strings.Contains(f.Usage, "(default") {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(out, "  --%s  [%s]\n      %s%s\n", f.Name, envName(f.Name), f.Usage, def)
		})
		if len(unused) > 0 {
			fmt.Fprintf(out, "\nAccepted like every command's common flags, not used here: %s\n", strings.Join(unused, ", "))
		}
	}
	return fs
}

// unusedFlagUsage marks a common flag that a command accepts but does not use: its usage leaves it
// out of the flag list and names it on one line instead.
const unusedFlagUsage = "(common flag, not used by this command)"

// parseFlags parses args, then fills every flag not given on the command line from its
// environment twin. --help prints the usage once, to stdout, and returns errHelp; a bad flag
// prints flag's one-line complaint and the usage to stderr and returns errUsage.
func parseFlags(fs *flag.FlagSet, args []string, e *env) error {
	// flag.Parse prints the usage itself on -h and on errors, always to the set's output; print it
	// here instead, to the stream that fits.
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(e.stdout)
			fs.Usage()
			fs.SetOutput(e.stderr)
			return errHelp
		}
		fs.Usage() // after flag's own line, on stderr
		return errUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
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
