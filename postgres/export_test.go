package postgres

// LeaderboardAggregations is how many times s aggregated a leaderboard ranking from the ledger.
func LeaderboardAggregations(s *RewardsStore) int64 { return s.leaders.reads.Load() }
