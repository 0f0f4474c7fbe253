package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/guildhall/guildhall/postgres"
)

func runMigrate(ctx context.Context, args []string, e *env) error {
	var (
		c     commonFlags
		steps int
	)
	fs := newFlagSet(e, "migrate", "migrate <up|down|status|force VERSION> [flags]")
	c.register(fs, false)
	fs.IntVar(&steps, "steps", 1, "how many migrations `down` reverts")
	// Accept the action before or after the flags.
	action := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		action, args = args[0], args[1:]
	}
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	rest := fs.Args()
	if action == "" && len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	var forceVersion uint64
	switch action {
	case "up", "down", "status":
		if len(rest) > 0 {
			return usageError(fs, "unexpected argument %q", rest[0])
		}
	case "force":
		// After a migration failed half-way: record VERSION as applied and clean, once the
		// database has been repaired by hand.
		if len(rest) != 1 {
			return usageError(fs, "force needs exactly one VERSION")
		}
		v, err := strconv.ParseUint(rest[0], 10, 32)
		if err != nil {
			return usageError(fs, "VERSION must be a migration number, not %q", rest[0])
		}
		forceVersion = v
	default:
		return usageError(fs, "want up, down, status or force VERSION, not %q", action)
	}
	if steps < 1 {
		return usageError(fs, "--steps must be at least 1")
	}
	log := c.logger(e)
	db, _, err := c.openDatabase(ctx, log, false)
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "up":
		if err := db.MigrateUp(ctx); err != nil {
			return err
		}
	case "down":
		if err := db.MigrateDown(ctx, steps); err != nil {
			return err
		}
	case "force":
		if err := db.MigrateForce(ctx, uint(forceVersion)); err != nil {
			return err
		}
	}
	return printMigrations(ctx, db, e)
}

// printMigrations writes every migration with its state, and whether the database is dirty.
func printMigrations(ctx context.Context, db *postgres.DB, e *env) error {
	states, dirty, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tSTATE")
	for _, s := range states {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strconv.FormatUint(uint64(s.Version), 10), s.Name, state)
	}
	if dirty {
		fmt.Fprintln(tw, "\t(the database is dirty: a migration failed half-way)\t")
	}
	return tw.Flush()
}
