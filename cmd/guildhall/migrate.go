package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
)

func runMigrate(ctx context.Context, args []string, e *env) error {
	var (
		c     commonFlags
		steps int
	)
	fs := newFlagSet(e, "migrate", "migrate <up|down|status> [flags]")
	c.register(fs)
	fs.IntVar(&steps, "steps", 1, "how many migrations `down` reverts")
	// Accept the action before or after the flags.
	action := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		action, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if err := c.validate(fs); err != nil {
		return err
	}
	if action == "" && fs.NArg() > 0 {
		action = fs.Arg(0)
	}
	if action != "up" && action != "down" && action != "status" {
		return usageError(fs, "want up, down or status, not %q", action)
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
	}
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
