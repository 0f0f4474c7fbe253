package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics are the request counters and latency histograms, labelled by method, route template
// and status.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// newHTTPMetrics registers the request metrics and the Go and process collectors on reg. A
// collector reg already holds under the same description (another server on the same registry) is
// reused; any other registration error panics, since it is a wiring mistake.
func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	labels := []string{"method", "route", "status"}
	m := &httpMetrics{
		requests: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "guildhall",
			Subsystem: "http",
			Name:      "requests_total",
			Help:      "HTTP requests served, by method, route template and status.",
		}, labels)),
		duration: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "guildhall",
			Subsystem: "http",
			Name:      "request_duration_seconds",
			Help:      "Time to serve an HTTP request, by method, route template and status.",
			Buckets:   prometheus.DefBuckets,
		}, labels)),
	}
	register(reg, collectors.NewGoCollector())
	register(reg, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// register registers c on reg and returns it, or the equal collector reg already has.
func register[C prometheus.Collector](reg *prometheus.Registry, c C) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var already prometheus.AlreadyRegisteredError
	if errors.As(err, &already) {
		if existing, ok := already.ExistingCollector.(C); ok {
			return existing
		}
	}
	panic("api: register metrics: " + err.Error())
}

// metricMethod is the method label of a request: one of the methods HTTP defines, else "other",
// so that a client inventing methods cannot create time series without end.
func metricMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// observe records one served request.
func (m *httpMetrics) observe(method, route, status string, elapsed time.Duration) {
	method = metricMethod(method)
	m.requests.WithLabelValues(method, route, status).Inc()
	m.duration.WithLabelValues(method, route, status).Observe(elapsed.Seconds())
}

// MetricsHandler serves reg in the Prometheus exposition format, for a listener of its own.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// handleMetrics serves the registry in the Prometheus exposition format.
func (s *server) handleMetrics() gin.HandlerFunc {
	h := promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{
		ErrorLog:      promErrorLog{s},
		ErrorHandling: promhttp.ContinueOnError,
	})
	return gin.WrapH(h)
}

// promErrorLog sends promhttp's gathering errors to the server's logger.
type promErrorLog struct{ s *server }

func (l promErrorLog) Println(v ...any) {
	l.s.logger.Error("gather metrics", "err", fmt.Sprint(v...))
}
