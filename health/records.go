package health

// NewDelegateRecord returns d's record from counts made elsewhere (in SQL, at scale): of the
// RecentProposals most recently created proposals whose snapshot has passed, eligible is how many
// it had voting power > 0 at the snapshot of, and votes how many of those it voted on. It is what
// DelegateRecords returns for d over those proposals.
func NewDelegateRecord(d Delegate, eligible, votes int) DelegateRecord {
	return DelegateRecord{Address: d.Address, VotingPower: d.VotingPower, Delegators: d.Delegators,
		EligibleProposals: eligible, VotesCast: votes, Participation: Ratio(votes, eligible),
		Status: status(votes, eligible, d.VotingPower)}
}
