package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// subcommand answers a command group's bare call (usage on stderr, errUsage), its --help (usage
// on stdout, errHelp) and a first argument that is none of verbs (a complaint, errUsage); done is
// false when args[0] is one of verbs.
func subcommand(args []string, e *env, group, usage string, verbs ...string) (done bool, err error) {
	switch {
	case len(args) == 0:
		fmt.Fprint(e.stderr, usage)
		return true, errUsage
	case args[0] == "-h" || args[0] == "--help":
		fmt.Fprint(e.stdout, usage)
		return true, errHelp
	case !slices.Contains(verbs, args[0]):
		want := strings.Join(verbs, ", ")
		if i := strings.LastIndex(want, ", "); i >= 0 {
			want = want[:i] + " or " + want[i+2:]
		}
		fmt.Fprintf(e.stderr, "guildhall %s: unknown subcommand %q (want %s)\n", group, args[0], want)
		return true, errUsage
	}
	return false, nil
}

// verb is one subcommand of a command group and what runs it with the arguments after its name.
type verb struct {
	name string
	run  func(ctx context.Context, args []string, e *env) error
}

// dispatch is a command group of verbs: subcommand's answers to a bare call, --help and an
// unknown verb, else the named verb run with the rest of args.
func dispatch(ctx context.Context, args []string, e *env, group, usage string, verbs ...verb) error {
	names := make([]string, len(verbs))
	for i, v := range verbs {
		names[i] = v.name
	}
	if done, err := subcommand(args, e, group, usage, names...); done {
		return err
	}
	return verbs[slices.Index(names, args[0])].run(ctx, args[1:], e)
}
