package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/postgres"
)

// runWebhook is `guildhall webhook add|list|remove`: the URLs a community's recognition events
// (level changes, roles granted and revoked, badges awarded, withdrawals) are POSTed to, signed
// with a secret read from a file (never a flag value, never printed).
func runWebhook(ctx context.Context, args []string, e *env) error {
	if done, err := subcommand(args, e, "webhook", "Usage: guildhall webhook <add|list|remove> --community ID [flags]\n\n"+
		"  add     --url URL --secret-file F: POST every new recognition event to URL, signed with the secret in F\n"+
		"  list    list the community's webhooks and where each stands\n"+
		"  remove  --id N: stop sending to webhook N\n\nRun `guildhall webhook <subcommand> --help` for flags.\n", "add", "list", "remove"); done {
		return err
	}
	verb := args[0]
	var (
		c                          commonFlags
		community, url, secretFile string
		id                         int64
		asJSON                     bool
	)
	synopsis := map[string]string{"add": "webhook add --community ID --url URL --secret-file F [flags]",
		"list": "webhook list --community ID [flags]", "remove": "webhook remove --community ID --id N [flags]"}[verb]
	fs := newFlagSet(e, "webhook "+verb, synopsis)
	c.register(fs, verb == "add") // add seals the secret under the operator key
	fs.StringVar(&community, "community", "", "the community's id (required)")
	switch verb {
	case "add":
		fs.StringVar(&url, "url", "", "the http:// or https:// URL events are POSTed to (required)")
		fs.StringVar(&secretFile, "secret-file", "", "a file holding the signing secret, at least 16 characters (required)")
	case "remove":
		fs.Int64Var(&id, "id", 0, "the webhook's id, as list prints it (required)")
	}
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	if err := c.parse(fs, args[1:], e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if community == "" || (verb == "add" && (url == "" || secretFile == "")) || (verb == "remove" && id <= 0) {
		return usageError(fs, "missing a required flag: %s", synopsis)
	}
	db, _, err := openCommunity(ctx, &c, c.logger(e), community)
	if err != nil {
		return err
	}
	defer db.Close()
	store := postgres.NewRecognitionStore(db)
	switch verb {
	case "add":
		// The secret is stored sealed under a key derived from the operator key, which every
		// process that delivers webhooks holds and the database does not.
		key := chain.DevAccounts()[0].Key
		if c.rpcURL != "" {
			if key, err = chain.LoadOperatorKey(e.getenv, c.operatorKeystore, c.operatorPassphraseFile); err != nil {
				return err
			}
		}
		sealing, err := store.WithSecretKey(postgres.SecretKey(crypto.FromECDSA(key)))
		if err != nil {
			return err
		}
		return addWebhook(ctx, sealing, e, community, url, secretFile, asJSON)
	case "remove":
		if err := store.RemoveWebhook(ctx, community, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed webhook %d of community %q\n", id, community)
		return nil
	}
	return listWebhooks(ctx, store, e, community, asJSON)
}

func addWebhook(ctx context.Context, store *postgres.RecognitionStore, e *env, community, url, secretFile string, asJSON bool) error {
	raw, err := os.ReadFile(secretFile)
	if err != nil {
		return &guildhall.Error{Code: guildhall.EINVALID, Message: "cannot read the secret file",
			Fields: []guildhall.FieldError{{Field: "secret-file", Message: "must name a readable file holding the secret"}}}
	}
	id, err := store.AddWebhook(ctx, community, url, strings.TrimSpace(string(raw)))
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(map[string]any{"id": id, "community": community, "url": url})
	}
	fmt.Fprintf(e.stdout, "added webhook %d of community %q: new recognition events are POSTed to %s\n", id, community, url)
	return nil
}

func listWebhooks(ctx context.Context, store *postgres.RecognitionStore, e *env, community string, asJSON bool) error {
	hooks, err := store.Webhooks(ctx, community)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, h := range hooks {
			if err := enc.Encode(h); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tURL\tDELIVERED_THROUGH\tFAILED_ATTEMPTS\tCREATED_AT")
	for _, h := range hooks {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\n", h.ID, h.URL, h.Cursor, h.Attempts, h.CreatedAt.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}
