package postgres

import (
	"context"

	"github.com/guildhall/guildhall/health"
)

// Referrals returns the referral figures (health.ComputeReferrals defines them) at the
// community's as_of and ledger_through.
func (s *HealthStore) Referrals(ctx context.Context, scope health.Scope) (*health.ReferralsReport, error) {
	var out health.ReferralsReport
	meta, err := s.read(ctx, "read referral figures", scope, func(h *healthTx) error {
		var row struct {
			Referred, Qualified, New28, ReferredNew28            int
			ReferredCohort, ReferredKept, OrganicCohort, Organic int
		}
		// Members at today, each with whether a non-excluded referrer referred it, whether that
		// referral qualified by the end of today and, for the retention cohort alone, whether
		// it was active (a counted day) in today-27..today.
		if err := h.get(&row, `WITH `+healthMembersCTE+`,
			r AS (SELECT m.first_day, f.wallet IS NOT NULL AS referred,
			             coalesce(f.qualified_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC', false) AS qualified,
			             CASE WHEN m.first_day BETWEEN $3::date - 55 AND $3::date - 28 THEN EXISTS (
			                 SELECT 1 FROM member_activity_days d WHERE d.community_id = $1 AND d.account = m.account
			                   AND d.day BETWEEN $3::date - 27 AND $3::date) END AS active28
			      FROM m LEFT JOIN referrals f ON f.community_id = $1 AND f.wallet = m.account AND f.referrer <> ALL($2)),
			c AS (SELECT *, first_day BETWEEN $3::date - 55 AND $3::date - 28 AS cohort FROM r)
			SELECT count(*) FILTER (WHERE referred) AS referred,
			       count(*) FILTER (WHERE referred AND qualified) AS qualified,
			       count(*) FILTER (WHERE first_day >= $3::date - 27) AS new28,
			       count(*) FILTER (WHERE referred AND first_day >= $3::date - 27) AS referrednew28,
			       count(*) FILTER (WHERE referred AND cohort) AS referredcohort,
			       count(*) FILTER (WHERE referred AND cohort AND active28) AS referredkept,
			       count(*) FILTER (WHERE NOT referred AND cohort) AS organiccohort,
			       count(*) FILTER (WHERE NOT referred AND cohort AND active28) AS organic
			FROM c`, h.base()...); err != nil {
			return err
		}
		o := &out.Referrals
		o.Referred, o.Qualified, o.NewMembers28d, o.ReferredNew28d = row.Referred, row.Qualified, row.New28, row.ReferredNew28
		o.ReferredShare28d = health.Ratio(row.ReferredNew28, row.New28)
		o.RetentionM1.ReferredCohort, o.RetentionM1.OrganicCohort = row.ReferredCohort, row.OrganicCohort
		o.RetentionM1.Referred = health.Ratio(row.ReferredKept, row.ReferredCohort)
		o.RetentionM1.Organic = health.Ratio(row.Organic, row.OrganicCohort)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}
