package api

import (
	"net/http"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
)

// The issuer-only health routes (the at-risk member segment, the staff list) and the definitions.

// definitionsJSON is GET /v1/stats/definitions as JSON.
type definitionsJSON struct {
	Items []health.Definition `json:"items"`
}

// handleStatsDefinitions serves every metric's written definition: JSON {items: [{name, text}]}
// by default, or the README's Markdown list when the client prefers text/markdown or text/plain.
func (s *server) handleStatsDefinitions(c *gin.Context) {
	switch c.NegotiateFormat(gin.MIMEJSON, "text/markdown", gin.MIMEPlain) {
	case "text/markdown", gin.MIMEPlain:
		c.Data(http.StatusOK, "text/markdown; charset=utf-8", []byte(health.DefinitionsMarkdown()))
	default:
		c.JSON(http.StatusOK, definitionsJSON{Items: health.Definitions})
	}
}

// atRiskMemberJSON is one member of the at-risk segment; earned_90d is a decimal string.
type atRiskMemberJSON struct {
	health.AtRiskMember
	Earned90d string `json:"earned_90d"`
}

// memberSegmentJSON is GET /v1/communities/{cid}/members?segment=at_risk.
type memberSegmentJSON struct {
	Segment string             `json:"segment"`
	Items   []atRiskMemberJSON `json:"items"`
	statsMeta
}

// handleMemberSegment serves a segment of the community's members to its issuers: at_risk is the
// only one (and the required value of segment=).
func (s *server) handleMemberSegment(c *gin.Context) {
	segment, err := oneOf(c, "segment", "at_risk")
	if err == nil && c.Query("segment") == "" {
		err = &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid segment",
			Fields: []guildhall.FieldError{{Field: "segment", Message: "is required: at_risk"}}}
	}
	serveStats(s, c, err, HealthReader.AtRisk, func(r *health.AtRiskReport) any {
		out := memberSegmentJSON{Segment: segment, Items: make([]atRiskMemberJSON, len(r.Members)), statsMeta: newStatsMeta(r.Meta)}
		for i, m := range r.Members {
			out.Items[i] = atRiskMemberJSON{AtRiskMember: m.AtRiskMember, Earned90d: amount(m.Earned90d)}
		}
		return out
	})
}

// staffListJSON is GET /v1/communities/{cid}/staff.
type staffListJSON struct {
	Items []health.StaffMember `json:"items"`
}

// handleListStaff lists the community's staff, whose accounts no figure counts.
func (s *server) handleListStaff(c *gin.Context) {
	store, err := s.healthStore()
	if err != nil {
		s.writeError(c, err)
		return
	}
	staff, err := store.Staff(c.Request.Context(), c.Param("cid"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, staffListJSON{Items: nonNil(staff)})
}

// handlePutStaff puts the address on the community's staff list (again: nothing changes) and
// answers 200 with its entry. From then on the address is left out of every figure, its past too.
func (s *server) handlePutStaff(c *gin.Context) {
	store, addr, ok := s.staffRequest(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if err := store.AddStaff(ctx, c.Param("cid"), addr); err != nil {
		s.writeError(c, err)
		return
	}
	s.latest.Forget(statsKeyPrefix(c.Param("cid")))
	staff, err := store.Staff(ctx, c.Param("cid"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	for _, m := range staff {
		if m.Address == addr.Hex() {
			c.JSON(http.StatusOK, m)
			return
		}
	}
	s.writeError(c, guildhall.Errorf(guildhall.ECONFLICT, "%s was taken off the staff list while being added", addr.Hex()))
}

// handleDeleteStaff takes the address off the community's staff list: 204, or 404 when it is not
// on it. Its figures count again, its past too.
func (s *server) handleDeleteStaff(c *gin.Context) {
	store, addr, ok := s.staffRequest(c)
	if !ok {
		return
	}
	if err := store.RemoveStaff(c.Request.Context(), c.Param("cid"), addr); err != nil {
		s.writeError(c, err)
		return
	}
	s.latest.Forget(statsKeyPrefix(c.Param("cid")))
	c.Status(http.StatusNoContent)
}

// staffRequest returns the health store and the checksummed :address of a staff change, or
// answers the request with the error and returns ok false.
func (s *server) staffRequest(c *gin.Context) (HealthReader, common.Address, bool) {
	store, err := s.healthStore()
	if err == nil {
		var addr common.Address
		if addr, err = parsePathAddress(c); err == nil {
			return store, addr, true
		}
	}
	s.writeError(c, err)
	return nil, common.Address{}, false
}
