package api

import (
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
)

// addRoutes registers every route the server serves. openapi.json describes exactly these; a test
// fails when the two disagree.
func addRoutes(r *gin.Engine, s *server) {
	r.NoRoute(s.handleNoRoute)
	r.NoMethod(s.handleNoMethod)

	r.GET("/healthz", s.handleHealthz)
	r.GET("/readyz", s.handleReadyz)
	if !s.metricsElsewhere {
		r.GET("/metrics", s.handleMetrics())
	}
	if s.probesOnly {
		return // a worker process: health, readiness and metrics only
	}
	r.GET("/openapi.json", s.handleOpenAPI)

	r.GET("/v1/communities", s.handleListCommunities)
	r.GET("/v1/communities/:cid", s.handleGetCommunityIndexed)

	// Indexed chain data (api/chaindata.go, api/governance_reads.go): public reads, each true
	// at the block its as_of names.
	r.GET("/v1/communities/:cid/accounts/:address", s.handleGetAccount)
	r.GET("/v1/communities/:cid/accounts/:address/transfers", s.handleListTransfers)
	r.GET("/v1/communities/:cid/holders", s.handleListHolders)
	r.GET("/v1/communities/:cid/proposals", s.handleListProposals)
	r.GET("/v1/communities/:cid/proposals/:pid", s.handleGetProposal)
	r.GET("/v1/communities/:cid/proposals/:pid/votes", s.handleListVotes)

	// Rewards: issuer endpoints, each reachable only with a key of the community in the path; a
	// write also needs the key's scope for it (requireScope).
	issuer := r.Group("/v1/communities/:cid", s.requireIssuer, s.limitByIssuer)
	issuer.GET("/rules", s.handleListRules)
	issuer.PUT("/rules/:activity", s.requireScope(guildhall.ScopeRules), s.handlePutRule)
	// The accepts find the key in the process's cache; their transaction checks it again.
	accepts := r.Group("/v1/communities/:cid", s.requireAcceptingIssuer, s.limitByIssuer, s.requireScope(guildhall.ScopeRewards))
	accepts.POST("/rewards", s.handleCreateReward)
	accepts.POST(`/rewards\:batch`, s.handleCreateRewardBatch) // a literal colon, escaped for Gin
	issuer.GET("/rewards", s.handleListRewards)
	issuer.GET("/rewards/:id", s.handleGetReward)
	issuer.GET("/issuer", s.handleGetIssuer)
	r.GET("/v1/communities/:cid/leaderboard", s.handleLeaderboard)

	// Governance writes: issuers open, queue and execute proposals (sent by the operator); anyone
	// relays a wallet's signed ballot or delegation (the signature is the authority).
	proposals := s.requireScope(guildhall.ScopeProposals)
	issuer.POST("/proposals", proposals, s.handleOpenProposal)
	issuer.POST("/proposals/:pid/queue", proposals, s.handleQueueProposal)
	issuer.POST("/proposals/:pid/execute", proposals, s.handleExecuteProposal)
	r.GET("/v1/communities/:cid/proposals/:pid/ballot-typed-data", s.handleBallotTypedData)
	r.POST("/v1/communities/:cid/proposals/:pid/ballots", s.limitByIP, s.relayTurn, s.handleRelayBallot)
	r.GET("/v1/communities/:cid/delegation-typed-data", s.handleDelegationTypedData)
	r.POST("/v1/communities/:cid/delegations", s.limitByIP, s.relayTurn, s.handleRelayDelegation)
	// The tally with quorum, turnout and the chain cross-check (api/tally_enrich.go).
	r.GET("/v1/communities/:cid/proposals/:pid/tally", s.handleTally)

	// Community health (api/stats.go): public figures, the issuers' at-risk segment and staff list.
	addStatsRoutes(r, issuer, s)
	// Recognition (api/recognition.go): levels, roles and badges, profiles, role checks, the feed.
	addRecognitionRoutes(r, issuer, s)

	// Members: Sign-In with Ethereum (EIP-4361) and the signed-in member's standing.
	r.POST("/v1/auth/nonce", s.limitByIP, s.handleSIWENonce)
	r.POST("/v1/auth/verify", s.limitByIP, s.handleSIWEVerify)
	r.GET("/v1/me", s.requireMember, s.handleMe)
}
