package api

import (
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
)

// addDashboard serves the members' dashboard (package web): its page at / and its assets under
// /assets/. They are not part of the API, so openapi.json does not describe them.
func addDashboard(r *gin.Engine, dashboard fs.FS) {
	index, err := fs.ReadFile(dashboard, "index.html")
	if err != nil {
		panic("api: the dashboard has no index.html: " + err.Error())
	}
	r.GET("/", dashboardHeaders, func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	})
	r.Group("/assets", dashboardHeaders).StaticFS("/", http.FS(dashboard))
}

// dashboardCSP lets the dashboard run only its own script and style and talk only to this server
// (the member's wallet is reached through the injected provider, not the network), and be framed
// by no one (no clickjacking of a vote or a signature).
const dashboardCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// dashboardHeaders sets the headers every dashboard response carries.
func dashboardHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", dashboardCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}
