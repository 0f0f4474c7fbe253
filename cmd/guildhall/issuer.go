package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/rewards"
)

func runIssuer(ctx context.Context, args []string, e *env) error {
	return dispatch(ctx, args, e, "issuer", "Usage: guildhall issuer <create|list|revoke|rotate> [flags]\n\n"+
		"  create  create an issuer of a community with a budget; prints its API key once\n"+
		"  list    list issuers with their budgets\n"+
		"  revoke  revoke an issuer's key for good (--id)\n"+
		"  rotate  give an issuer a new key; the old one stops working (--id)\n\nRun `guildhall issuer <subcommand> --help` for flags.\n",
		verb{"create", runIssuerCreate},
		verb{"list", runIssuerList},
		verb{"revoke", runIssuerChange("revoke")},
		verb{"rotate", runIssuerChange("rotate")})
}

func issuerJSON(i *rewards.Issuer, key string) map[string]any {
	m := map[string]any{
		"id": strconv.FormatInt(i.ID, 10), "community": i.CommunityID, "name": i.Name, "key_prefix": i.KeyPrefix,
		"budget": i.Budget.String(), "spent": i.Spent.String(), "remaining": i.Remaining().String(), "revoked": i.Revoked,
		"scopes": guildhall.ScopeNames(i.Scopes),
	}
	if key != "" {
		m["key"] = key
	}
	return m
}

func printKey(e *env, asJSON bool, i *rewards.Issuer, key, verb string) error {
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(issuerJSON(i, key))
	}
	fmt.Fprintf(e.stdout, "%s issuer %d %q of community %q (budget %s tokens, scopes %s)\n\n  API key: %s\n\n"+
		"Store it now: it is shown only this once (Guildhall keeps only its hash).\n"+
		"Use it as: Authorization: Bearer <key>\n", verb, i.ID, i.Name, i.CommunityID, guildhall.FormatAmount(i.Budget), guildhall.JoinScopes(i.Scopes), key)
	return nil
}

func runIssuerCreate(ctx context.Context, args []string, e *env) error {
	var (
		c                               commonFlags
		community, name, budget, scopes string
		baseUnits, asJSON               bool
	)
	fs := newFlagSet(e, "issuer create", "issuer create --community ID --name NAME --budget AMOUNT [flags]")
	c.register(fs, false)
	fs.StringVar(&community, "community", "", "the community the issuer rewards in (required)")
	fs.StringVar(&name, "name", "", "the issuer's name, e.g. the business (required)")
	fs.StringVar(&budget, "budget", "", "the most the issuer may ever reward, in tokens (base units with --base-units) (required)")
	fs.BoolVar(&baseUnits, "base-units", false, "amounts are base units (10^-18 token), not tokens")
	fs.StringVar(&scopes, "scopes", guildhall.JoinScopes(guildhall.AllScopes),
		"what the key may do, comma-separated: rewards (issue rewards), rules (replace reward rules and the staff list, read every issuer's rewards), proposals (open, queue and execute proposals)")
	fs.BoolVar(&asJSON, "json", false, `print {"id", "key", ...} as JSON`)
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	if community == "" || name == "" || budget == "" {
		return usageError(fs, "--community, --name and --budget are required")
	}
	amount, err := guildhall.ParseAmount("budget", budget, baseUnits)
	if err != nil {
		return err
	}
	scopeList, err := guildhall.ParseScopes("scopes", scopes)
	if err != nil {
		return err
	}
	db, _, err := c.openDatabase(ctx, c.logger(e), true)
	if err != nil {
		return err
	}
	defer db.Close()
	store := postgres.NewRewardsStore(db)
	if _, err := postgres.NewCommunityStore(db).Community(ctx, community); err != nil {
		return err
	}
	key := rewards.NewAPIKey()
	iss := &rewards.Issuer{CommunityID: community, Name: name, Budget: amount, Scopes: scopeList}
	if err := store.CreateIssuer(ctx, iss, key); err != nil {
		return err
	}
	return printKey(e, asJSON, iss, key.Secret, "created")
}

func runIssuerList(ctx context.Context, args []string, e *env) error {
	var (
		c         commonFlags
		community string
		asJSON    bool
	)
	fs := newFlagSet(e, "issuer list", "issuer list [--community ID] [flags]")
	c.register(fs, false)
	fs.StringVar(&community, "community", "", "only this community's issuers")
	fs.BoolVar(&asJSON, "json", false, "print JSON lines, one issuer each")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	db, _, err := c.openDatabase(ctx, c.logger(e), true)
	if err != nil {
		return err
	}
	defer db.Close()
	store := postgres.NewRewardsStore(db)
	issuers, err := store.Issuers(ctx, community)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if !asJSON {
		fmt.Fprintln(tw, "ID\tCOMMUNITY\tNAME\tKEY\tBUDGET\tSPENT\tREMAINING\tSCOPES\tSTATUS")
	}
	for _, i := range issuers {
		if asJSON {
			if err := json.NewEncoder(e.stdout).Encode(issuerJSON(i, "")); err != nil {
				return err
			}
			continue
		}
		status := "active"
		if i.Revoked {
			status = "revoked"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\tghi_%s…\t%s\t%s\t%s\t%s\t%s\n", i.ID, i.CommunityID, i.Name, i.KeyPrefix,
			guildhall.FormatAmount(i.Budget), guildhall.FormatAmount(i.Spent), guildhall.FormatAmount(i.Remaining()), guildhall.JoinScopes(i.Scopes), status)
	}
	return tw.Flush()
}

// runIssuerChange is `guildhall issuer revoke` or `rotate` (which).
func runIssuerChange(which string) func(ctx context.Context, args []string, e *env) error {
	return func(ctx context.Context, args []string, e *env) error {
		var (
			c      commonFlags
			id     int64
			asJSON bool
		)
		fs := newFlagSet(e, "issuer "+which, "issuer "+which+" --id ID [flags]")
		c.register(fs, false)
		fs.Int64Var(&id, "id", 0, "the issuer's id, as `issuer list` shows it (required)")
		fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
		if err := c.parse(fs, args, e); err != nil {
			return err
		}
		if id <= 0 {
			return usageError(fs, "--id is required")
		}
		db, _, err := c.openDatabase(ctx, c.logger(e), true)
		if err != nil {
			return err
		}
		defer db.Close()
		store := postgres.NewRewardsStore(db)
		if which == "revoke" {
			if err := store.RevokeIssuer(ctx, id); err != nil {
				return err
			}
			iss, err := store.Issuer(ctx, id)
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(e.stdout).Encode(issuerJSON(iss, ""))
			}
			fmt.Fprintf(e.stdout, "revoked issuer %d %q of community %q: its key no longer works\n", iss.ID, iss.Name, iss.CommunityID)
			return nil
		}
		key := rewards.NewAPIKey()
		if err := store.RotateIssuerKey(ctx, id, key); err != nil {
			return err
		}
		iss, err := store.Issuer(ctx, id)
		if err != nil {
			return err
		}
		return printKey(e, asJSON, iss, key.Secret, "rotated the key of")
	}
}
