package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/guildhall/guildhall/api"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/minter"
	"github.com/guildhall/guildhall/postgres"
)

// describer is a Registerer that only collects the names of what is registered with it, vectors
// included (a registry's Gather leaves out a vector until it has a labelled child).
type describer struct{ names map[string]bool }

var fqName = regexp.MustCompile(`fqName: "([a-z_:]+)"`)

func (d *describer) Register(c prometheus.Collector) error {
	ch := make(chan *prometheus.Desc, 64)
	go func() { c.Describe(ch); close(ch) }()
	for desc := range ch {
		if m := fqName.FindStringSubmatch(desc.String()); m != nil {
			d.names[m[1]] = true
		}
	}
	return nil
}

func (d *describer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		_ = d.Register(c)
	}
}

func (d *describer) Unregister(prometheus.Collector) bool { return false }

// servedMetricNames are the names of every metric serve registers.
func servedMetricNames() map[string]bool {
	d := &describer{names: map[string]bool{}}
	indexer.NewMetrics(d)
	minter.NewMetrics(d)
	newLeadership(d)
	registerBuildInfo(d)
	// The API's request vectors have children once it has served a request.
	reg := prometheus.NewRegistry()
	api.NewServer(api.Config{Communities: postgres.NewCommunityStore(nil), Registry: reg}).
		ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	families, _ := reg.Gather()
	for _, f := range families {
		d.names[f.GetName()] = true
	}
	return d.names
}

// The sample alert rules in deploy/ parse, each alert says how bad and what happened, and every
// metric they use is one serve exports: a renamed metric would silently never fire.
func TestAlertRulesUseServedMetrics(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/guildhall-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Groups []struct {
			Name  string
			Rules []struct {
				Alert       string
				Expr        string
				Labels      map[string]string
				Annotations map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("deploy/guildhall-alerts.yml: %v", err)
	}
	served := servedMetricNames()
	used := regexp.MustCompile(`guildhall_[a-z_]+`)
	alerts := 0
	for _, g := range doc.Groups {
		for _, r := range g.Rules {
			alerts++
			if r.Alert == "" || r.Expr == "" || r.Annotations["summary"] == "" || !slices.Contains([]string{"warning", "critical"}, r.Labels["severity"]) {
				t.Errorf("rule %q: needs alert, expr, a summary and severity warning or critical", r.Alert)
			}
			for _, name := range used.FindAllString(r.Expr, -1) {
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
				if !served[name] && !served[base] {
					t.Errorf("rule %s uses %s, which serve does not export", r.Alert, name)
				}
			}
		}
	}
	if alerts == 0 {
		t.Fatal("no alert rules")
	}
	if promtool, err := exec.LookPath("promtool"); err == nil {
		if out, err := exec.Command(promtool, "check", "rules", "../../deploy/guildhall-alerts.yml").CombinedOutput(); err != nil {
			t.Errorf("promtool check rules: %v\n%s", err, out)
		}
	} else {
		t.Log("promtool is not installed: the rules were checked by this test's parser only")
	}
}

// The sample systemd unit is one systemd accepts without a warning.
func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (no systemd on this machine): the unit cannot be verified here")
	}
	raw, err := os.ReadFile("../../deploy/guildhall.service")
	if err != nil {
		t.Fatal(err)
	}
	// verify checks that ExecStart's binary exists: point it at the binary the tests build.
	unit := filepath.Join(t.TempDir(), "guildhall.service")
	if err := os.WriteFile(unit, []byte(strings.ReplaceAll(string(raw), "/usr/local/bin/guildhall", buildBinary(t))), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", unit).CombinedOutput()
	if err != nil || strings.Contains(string(out), "guildhall.service") {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
