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
	r.GET("/", func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	})
	r.StaticFS("/assets", http.FS(dashboard))
}
