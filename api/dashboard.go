package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// addDashboard serves the members' dashboard (package web): its page at / and its assets under
// /assets/. They are not part of the API, so openapi.json does not describe them. Every file
// carries an ETag of its content and `Cache-Control: no-cache`: a browser asks again on each load
// and is answered 304 with no body while the binary is the same, so a second visit fetches only
// the figures.
func (s *server) addDashboard(r *gin.Engine, dashboard fs.FS) {
	files, err := dashboardFiles(dashboard)
	if err != nil {
		panic("api: the dashboard cannot be read: " + err.Error())
	}
	index, ok := files["index.html"]
	if !ok {
		panic("api: the dashboard has no index.html")
	}
	r.GET("/", dashboardHeaders, func(c *gin.Context) { serveDashboardFile(c, "index.html", index) })
	r.GET("/assets/*path", dashboardHeaders, func(c *gin.Context) {
		name := strings.TrimPrefix(c.Param("path"), "/")
		f, ok := files[name]
		if !ok {
			s.handleNoRoute(c)
			return
		}
		serveDashboardFile(c, name, f)
	})
}

// dashboardFile is one file of the dashboard with the validator of its content.
type dashboardFile struct {
	data []byte
	etag string
}

// dashboardFiles reads every file of the dashboard once, at start.
func dashboardFiles(dashboard fs.FS) (map[string]dashboardFile, error) {
	files := map[string]dashboardFile{}
	err := fs.WalkDir(dashboard, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(dashboard, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		files[name] = dashboardFile{data: data, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	return files, err
}

// serveDashboardFile answers with the file, or 304 when the request's If-None-Match names its
// ETag (http.ServeContent also sets the type from the name and answers HEAD and ranges).
func serveDashboardFile(c *gin.Context, name string, f dashboardFile) {
	c.Header("Cache-Control", "no-cache")
	c.Header("ETag", f.etag)
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(f.data))
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
