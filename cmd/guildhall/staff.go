package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
)

// runCommunityStaff is `guildhall community staff add|remove|list`: a community's staff list,
// whose addresses every health figure leaves out (retroactively, like the zero address, the
// community's contracts and the operator).
func runCommunityStaff(ctx context.Context, args []string, e *env) error {
	if done, err := subcommand(args, e, "community staff", "Usage: guildhall community staff <add|remove|list> --community ID [--address A] [flags]\n\n"+
		"  add     put an address on the community's staff list (left out of every health figure)\n"+
		"  remove  take an address off the staff list\n"+
		"  list    list the community's staff\n\nRun `guildhall community staff <subcommand> --help` for flags.\n", "add", "remove", "list"); done {
		return err
	}
	verb := args[0]
	var (
		c                  commonFlags
		community, address string
		asJSON             bool
	)
	synopsis := "community staff " + verb + " --community ID --address 0x... [flags]"
	if verb == "list" {
		synopsis = "community staff list --community ID [flags]"
	}
	fs := newFlagSet(e, "community staff "+verb, synopsis)
	c.register(fs, false)
	fs.StringVar(&community, "community", "", "the community's id (required)")
	if verb != "list" {
		fs.StringVar(&address, "address", "", "the staff member's 0x-prefixed address (required)")
	}
	fs.BoolVar(&asJSON, "json", false, "print JSON: one line per staff member (list) or the change made")
	if err := c.parse(fs, args[1:], e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if community == "" || (verb != "list" && address == "") {
		if verb == "list" {
			return usageError(fs, "--community is required")
		}
		return usageError(fs, "--community and --address are required")
	}
	if verb != "list" {
		// Refuse a malformed address before touching the database.
		if !common.IsHexAddress(address) || !strings.HasPrefix(strings.ToLower(address), "0x") {
			return &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid address",
				Fields: []guildhall.FieldError{{Field: "address", Message: "must be a 0x-prefixed 20-byte hex address"}}}
		}
		address = common.HexToAddress(address).Hex()
	}
	db, _, err := openCommunity(ctx, &c, c.logger(e), community)
	if err != nil {
		return err
	}
	defer db.Close()
	store := postgres.NewHealthStore(db)
	switch verb {
	case "add":
		err = store.AddStaff(ctx, community, common.HexToAddress(address))
	case "remove":
		err = store.RemoveStaff(ctx, community, common.HexToAddress(address))
	default:
		return listStaff(ctx, store, community, asJSON, e)
	}
	if err != nil {
		return err
	}
	return printStaffChange(e, verb, community, address, asJSON)
}

// openCommunity opens the database (migrated) and reads community, which must exist.
func openCommunity(ctx context.Context, c *commonFlags, log *slog.Logger, community string) (*postgres.DB, *guildhall.Community, error) {
	db, _, err := c.openDatabase(ctx, log, true)
	if err != nil {
		return nil, nil, err
	}
	com, err := postgres.NewCommunityStore(db).Community(ctx, community)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, com, nil
}

// printStaffChange reports an add or a remove that succeeded.
func printStaffChange(e *env, verb, community, address string, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(map[string]string{"community": community, "address": address, "action": verb})
	}
	if verb == "add" {
		fmt.Fprintf(e.stdout, "added %s to the staff of community %q: it is left out of every health figure\n", address, community)
	} else {
		fmt.Fprintf(e.stdout, "removed %s from the staff of community %q\n", address, community)
	}
	return nil
}

// listStaff prints community's staff, as a table or as JSON lines.
func listStaff(ctx context.Context, store *postgres.HealthStore, community string, asJSON bool, e *env) error {
	staff, err := store.Staff(ctx, community)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, s := range staff {
			if err := enc.Encode(map[string]string{"address": s.Address, "added_at": s.AddedAt.UTC().Format(time.RFC3339)}); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADDRESS\tADDED_AT")
	for _, s := range staff {
		fmt.Fprintf(tw, "%s\t%s\n", s.Address, s.AddedAt.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}
