package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// --metrics-addr serves the registry on a listener of its own and nothing else there.
func TestMetricsServedOnTheirOwnAddress(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "guildhall_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Add(3)
	url, stop, err := serveMetrics(slog.New(slog.DiscardHandler), "127.0.0.1:0", reg)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "guildhall_test_total 3") {
		t.Errorf("GET %s = %d, body lacks the registry's counter:\n%s", url, res.StatusCode, body)
	}
	other := strings.TrimSuffix(url, "/metrics") + "/v1/communities"
	res, err = http.Get(other)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET %s on the metrics address = %d, want 404: only /metrics is served there", other, res.StatusCode)
	}
}
