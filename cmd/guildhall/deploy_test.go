package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// alertRule is one rule of deploy/guildhall-alerts.yml.
type alertRule struct {
	Alert       string
	Expr        string
	Labels      map[string]string
	Annotations map[string]string
}

// alertRules parses deploy/guildhall-alerts.yml.
func alertRules(t *testing.T) []alertRule {
	t.Helper()
	raw, err := os.ReadFile("../../deploy/guildhall-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Groups []struct{ Rules []alertRule } }
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("deploy/guildhall-alerts.yml: %v", err)
	}
	var rules []alertRule
	for _, g := range doc.Groups {
		rules = append(rules, g.Rules...)
	}
	if len(rules) == 0 {
		t.Fatal("no alert rules")
	}
	return rules
}

var metricInExpr = regexp.MustCompile(`guildhall_[a-z_]+`)

// checkAlertMetrics fails the test for every metric an alert rule uses that exported (the names a
// process exports, histogram series by their family's name) lacks: a renamed metric would
// silently never fire.
func checkAlertMetrics(t *testing.T, exported func(name string) bool) {
	t.Helper()
	for _, r := range alertRules(t) {
		for _, name := range metricInExpr.FindAllString(r.Expr, -1) {
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
			if !exported(name) && !exported(base) {
				t.Errorf("rule %s uses %s, which serve does not export", r.Alert, name)
			}
		}
	}
}

// The sample alert rules in deploy/ parse, each alert says how bad and what happened, and, where
// promtool is installed, the rules check and their unit tests in deploy/guildhall-alerts_test.yml
// pass: the operator's days of spend left, the relay budget's share used and the leads' takeovers
// fire when they should and only then. TestServeEndToEnd checks that every metric the rules use is
// on a real serve process's /metrics.
func TestAlertRules(t *testing.T) {
	for _, r := range alertRules(t) {
		if r.Alert == "" || r.Expr == "" || r.Annotations["summary"] == "" || !slices.Contains([]string{"warning", "critical"}, r.Labels["severity"]) {
			t.Errorf("rule %q: needs alert, expr, a summary and severity warning or critical", r.Alert)
		}
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool is not installed: the rules were checked by this test's parser only")
		return
	}
	for _, args := range [][]string{{"check", "rules", "guildhall-alerts.yml"}, {"test", "rules", "guildhall-alerts_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "../../deploy"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
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
