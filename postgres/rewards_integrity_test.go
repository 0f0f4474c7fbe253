package postgres_test

import (
	"errors"
	"testing"

	"github.com/lib/pq"
)

// The ledger holds only rewards of a community's members (migration 0030 dropped the ledger's own
// key to communities, which repeated this check): a reward whose community and wallet are not a
// member is refused, whatever its community, and a community whose members have rewards cannot
// be deleted.
func TestRewardsLedgerHoldsOnlyMembersRewards(t *testing.T) {
	t.Parallel()
	f := newLeaderFixture(t)
	insert := func(community string) error {
		_, err := f.raw.Exec(`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount)
			SELECT $1, (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit', '0x' || repeat('1', 40), 10`, community)
		return err
	}
	for _, community := range []string{"bakery", "no-such-community"} {
		var pe *pq.Error
		if err := insert(community); !errors.As(err, &pe) || pe.Code != "23503" {
			t.Errorf("reward to a wallet that is no member of %q: %v, want a foreign key violation", community, err)
		}
	}
	f.exec(t, `INSERT INTO members (community_id, wallet) VALUES ('bakery', '0x' || repeat('1', 40))`)
	if err := insert("bakery"); err != nil {
		t.Fatalf("reward to a member: %v", err)
	}
	var pe *pq.Error
	if _, err := f.raw.Exec(`DELETE FROM communities WHERE id = 'bakery'`); !errors.As(err, &pe) || pe.Code != "23503" {
		t.Errorf("deleting a community whose member has a reward: %v, want a foreign key violation", err)
	}
	if _, err := f.raw.Exec(`DELETE FROM members WHERE community_id = 'bakery'`); !errors.As(err, &pe) || pe.Code != "23503" {
		t.Errorf("deleting a member with a reward: %v, want a foreign key violation", err)
	}
}
