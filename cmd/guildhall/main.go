// Command guildhall runs Guildhall: the API server with its indexer and minter (serve), the
// database migrations (migrate), communities (community) and the embedded dev chain (devchain).
//
// Every setting is a flag with an environment twin GUILDHALL_<FLAG_IN_CAPS>; the flag wins.
// Secrets come only from the environment or files. Exit status: 0 success, 1 a refused or failed
// operation (one line on stderr), 2 wrong usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/guildhall/guildhall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks a usage error (exit status 2); the usage has already been printed.
var errUsage = errors.New("usage")

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, e *env) error
}

// env is what every command is given: how to read the environment and where to write.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

func commands() []command {
	return []command{
		{"serve", "run the API (and, without --rpc-url, the embedded dev chain)", runServe},
		{"migrate", "apply or revert database migrations: up | down | status", runMigrate},
		{"community", "create or list communities: create | list", runCommunity},
		{"devchain", "run the embedded dev chain alone", runDevchain},
		{"issuer", "create, list, revoke or rotate issuers and their API keys: create | list | revoke | rotate", runIssuer},
		{"rewards", "export a community's reward ledger as CSV: export", runRewards},
		{"stats", "check a community's health figures against the chain: verify", runStats},
		{"webhook", "send a community's recognition events to a URL: add | list | remove", runWebhook},
		{"reindex", "rebuild a community's indexed tables from the chain while serve runs, then swap them in", runReindex},
		{"doctor", "check the database, the chain, the operator, the indexer and every community's wiring", runDoctor},
		{"version", "print the version, commit, build time and Go version", runVersion},
	}
}

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	e := &env{getenv: getenv, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], e)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintln(stderr, "guildhall "+c.name+": "+oneLine(err))
			return 1
		}
	}
	fmt.Fprintf(stderr, "guildhall: unknown command %q\n\n", args[0])
	printUsage(stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, "Guildhall: contribution tokens and DAO governance for small-business communities.\n\n")
	fmt.Fprint(w, "Usage: guildhall <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun `guildhall <command> --help` for a command's flags. Every flag has an environment twin\n"+
		"GUILDHALL_<FLAG_IN_CAPS> (e.g. --data-dir and GUILDHALL_DATA_DIR); the flag wins.\n")
}

// oneLine renders err for a user: a *guildhall.Error's message (with its field errors), or the
// error text, on one line.
func oneLine(err error) string {
	msg := err.Error()
	var ge *guildhall.Error
	if errors.As(err, &ge) {
		msg = ge.Error()
	}
	return strings.Join(strings.Fields(msg), " ")
}
