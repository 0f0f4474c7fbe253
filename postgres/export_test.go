package postgres

// LeaderboardAggregations is how many times s aggregated a leaderboard ranking from the ledger.
func LeaderboardAggregations(s *RewardsStore) int64 { return s.leaders.reads.Load() }

// AcceptGroups is how many groups of more than one request s has committed together.
func AcceptGroups(s *RewardsStore) int64 { return s.accepts.groups.Load() }

// NewRewardsStoreOf returns another rewards store on s's database, as another process has.
func NewRewardsStoreOf(s *RewardsStore) *RewardsStore { return NewRewardsStore(s.db) }
