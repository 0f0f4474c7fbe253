package api

import (
	"context"
	"net/http"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/recognition"
)

// Recognition (issue 12): each community's level ladder and roles and badges, written by its
// issuers; members' profiles, role checks for tills and shops, and the feed of changes, public.

// RecognitionStore keeps the rules and serves what evaluations decided (postgres.RecognitionStore).
// An unknown community is ENOTFOUND; rules that do not hold together are EINVALID naming the field.
type RecognitionStore interface {
	Ladder(ctx context.Context, community string) (recognition.Ladder, error)
	PutLadder(ctx context.Context, community string, l recognition.Ladder) error
	Roles(ctx context.Context, community string) ([]*recognition.Role, error)
	PutRole(ctx context.Context, community, name string, spec recognition.RoleSpec) (*recognition.Role, error)
	Profile(ctx context.Context, scope health.Scope, address common.Address) (*recognition.Profile, error)
	Check(ctx context.Context, community, role string, address common.Address) (*recognition.RoleCheck, error)
	RoleMembers(ctx context.Context, community, role string, page guildhall.Page[string]) (*recognition.RoleMemberPage, error)
	Events(ctx context.Context, community string, page guildhall.Page[int64]) (*recognition.EventPage, error)
	PutSeason(ctx context.Context, community string, season *recognition.Season) error
	Season(ctx context.Context, community, sid string) (*recognition.Season, error)
	Seasons(ctx context.Context, community string) ([]*recognition.Season, error)
	SeasonLeaderboard(ctx context.Context, scope health.Scope, sid, by string, limit int) (*recognition.SeasonBoard, error)
}

// addRecognitionRoutes registers the recognition routes; issuer is the group of routes reachable
// only with an issuer key of the community in the path.
func addRecognitionRoutes(r *gin.Engine, issuer *gin.RouterGroup, s *server) {
	rules := s.rulesWriter(issuer)
	r.GET("/v1/communities/:cid/levels", s.handleGetLevels)
	rules.PUT("/levels", s.handlePutLevels)
	r.GET("/v1/communities/:cid/roles", s.handleListRoles)
	rules.PUT("/roles/:role", s.handlePutRole)
	r.GET("/v1/communities/:cid/members/:address", s.handleMemberProfile)
	r.GET("/v1/communities/:cid/roles/:role/check", s.handleRoleCheck)
	r.GET("/v1/communities/:cid/roles/:role/members", s.handleRoleMembers)
	r.GET("/v1/communities/:cid/recognition/events", s.handleRecognitionEvents)
	rules.PUT("/seasons/:sid", s.handlePutSeason)
	r.GET("/v1/communities/:cid/seasons", s.handleListSeasons)
	r.GET("/v1/communities/:cid/seasons/:sid", s.handleGetSeason)
}

// rulesWriter is the one gate of every route that writes recognition rules (levels, roles,
// seasons): an issuer of the community whose key has the rules scope.
func (s *server) rulesWriter(issuer *gin.RouterGroup) gin.IRoutes {
	return issuer.Group("", s.requireScope(guildhall.ScopeRules))
}

// recognitionStore returns the recognition store, or an EUNAVAILABLE error when there is none.
func (s *server) recognitionStore() (RecognitionStore, error) {
	if s.recognition == nil {
		return nil, guildhall.Errorf(guildhall.EUNAVAILABLE, "recognition is not available: the recognition store is not configured")
	}
	return s.recognition, nil
}

// serveRecognition answers with what fetch returns from the recognition store, rendered.
func serveRecognition[R any](s *server, c *gin.Context, fetch func(st RecognitionStore, ctx context.Context) (R, error), render func(R) any) {
	st, err := s.recognitionStore()
	if err != nil {
		s.writeError(c, err)
		return
	}
	v, err := fetch(st, c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, render(v))
}

func (s *server) handleGetLevels(c *gin.Context) {
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (recognition.Ladder, error) {
		return st.Ladder(ctx, c.Param("cid"))
	}, func(l recognition.Ladder) any { return l.Spec() })
}

func (s *server) handlePutLevels(c *gin.Context) {
	var spec recognition.LadderSpec
	if err := decodeJSON(c, &spec, maxJSONBody); err != nil {
		s.writeError(c, err)
		return
	}
	ladder, err := spec.Ladder()
	if err != nil {
		s.writeError(c, err)
		return
	}
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (recognition.Ladder, error) {
		return ladder, st.PutLadder(ctx, c.Param("cid"), ladder)
	}, func(l recognition.Ladder) any { return l.Spec() })
}

// roleJSON is a role as the API writes it: its name and its spec.
type roleJSON struct {
	Role string `json:"role"`
	recognition.RoleSpec
}

func newRoleJSON(r *recognition.Role) roleJSON { return roleJSON{Role: r.Name, RoleSpec: r.Spec()} }

func (s *server) handleListRoles(c *gin.Context) {
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) ([]*recognition.Role, error) {
		return st.Roles(ctx, c.Param("cid"))
	}, func(roles []*recognition.Role) any {
		items := make([]roleJSON, len(roles))
		for k, r := range roles {
			items[k] = newRoleJSON(r)
		}
		return gin.H{"items": items}
	})
}

func (s *server) handlePutRole(c *gin.Context) {
	var spec recognition.RoleSpec
	if err := decodeJSON(c, &spec, maxJSONBody); err != nil {
		s.writeError(c, err)
		return
	}
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (*recognition.Role, error) {
		return st.PutRole(ctx, c.Param("cid"), c.Param("role"), spec)
	}, func(r *recognition.Role) any { return newRoleJSON(r) })
}
