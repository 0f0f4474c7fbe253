package api

import "github.com/gin-gonic/gin"

// addRoutes registers every route the server serves. openapi.json describes exactly these; a test
// fails when the two disagree.
func addRoutes(r *gin.Engine, s *server) {
	r.NoRoute(s.handleNoRoute)
	r.NoMethod(s.handleNoMethod)

	r.GET("/healthz", s.handleHealthz)
	r.GET("/readyz", s.handleReadyz)
	r.GET("/metrics", s.handleMetrics())
	r.GET("/openapi.json", s.handleOpenAPI)

	r.GET("/v1/communities", s.handleListCommunities)
	r.GET("/v1/communities/:cid", s.handleGetCommunity)
}
