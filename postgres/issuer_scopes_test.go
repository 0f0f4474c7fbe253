package postgres_test

import (
	"testing"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
)

// Keys made before migration 0012 keep every scope, so nothing that worked stops working; and
// the database refuses a scope it does not know, or none.
func TestMigrationKeepsEveryScopeOfExistingKeys(t *testing.T) {
	t.Parallel()
	db, raw := openEmpty(t)
	ctx := t.Context()
	if err := db.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	status, _, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for _, m := range status {
		if m.Version >= 12 {
			steps++
		}
	}
	if err := db.MigrateDown(ctx, steps); err != nil {
		t.Fatalf("down to 0011: %v", err)
	}
	bind(t, db, devChain)
	if err := postgres.NewCommunityStore(db).CreateCommunity(ctx, newCommunity("bakery", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget)
		VALUES ('bakery', 'old till', 'abcdefabcdef', $1, 10)`, make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	if err := db.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	iss, err := postgres.NewRewardsStore(db).Issuers(ctx, "bakery")
	if err != nil || len(iss) != 1 || guildhall.JoinScopes(iss[0].Scopes) != "rewards,rules,proposals" {
		t.Fatalf("issuers after migrating = %+v, %v; want the old key with every scope", iss, err)
	}
	for _, bad := range [][]string{{}, {"admin"}, {"rewards", "owner"}} {
		if _, err := raw.ExecContext(ctx, `UPDATE issuers SET scopes = $1`, pq.Array(bad)); err == nil {
			t.Errorf("scopes %v were stored", bad)
		}
	}
}
