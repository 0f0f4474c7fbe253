package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
)

// readyTimeout bounds one readiness check, so a hung dependency reads as not ready instead of
// hanging the orchestrator's probe.
const readyTimeout = 5 * time.Second

// statusJSON is the body of a successful health or readiness check.
type statusJSON struct {
	Status string `json:"status"`
	// Warnings (readiness only) name what needs the operator's attention without making the
	// server unready.
	Warnings []string `json:"warnings,omitempty"`
	// Leads (readiness only) names the jobs this process leads now (indexer, minter); empty on a
	// process that waits for them or runs none.
	Leads []string `json:"leads,omitempty"`
}

// handleHealthz answers 200 whenever the process can serve HTTP at all.
func (s *server) handleHealthz(c *gin.Context) {
	c.JSON(http.StatusOK, statusJSON{Status: "ok"})
}

// handleReadyz answers 200 when Ready reports nil and a 503 problem otherwise, whatever the code
// of Ready's error: not being ready is never a bug of this request.
func (s *server) handleReadyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	err := s.ready(ctx)
	if err == nil {
		c.JSON(http.StatusOK, statusJSON{Status: "ok", Warnings: s.warnings(), Leads: s.leads()})
		return
	}
	s.logger.Warn("not ready", "request_id", requestIDOf(c), "err", err)
	detail := "not ready"
	var e *guildhall.Error
	if errors.As(err, &e) {
		detail = e.Message
	}
	s.writeError(c, guildhall.Errorf(guildhall.EUNAVAILABLE, "%s", detail))
}

// handleOpenAPI serves the embedded OpenAPI document unchanged.
func (s *server) handleOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", openAPIDocument)
}
