package main

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium tab on the dashboard, recording every error the page logs.
type browser struct {
	ctx   context.Context
	base  string // http://localhost:PORT/
	shots string // where screenshots go

	mu       sync.Mutex
	errors   []string
	expected []string // URLs whose failed requests the current step expects
}

// expectFailures tells record that requests to URLs containing one of parts may fail (a 401 of
// an expired session the step made on purpose) until it is called again.
func (b *browser) expectFailures(parts ...string) {
	b.mu.Lock()
	b.expected = parts
	b.mu.Unlock()
}

// findChromium is the browser the tests drive: $CHROMIUM, else Debian's chromium (which
// scripts/ensure-chromium.sh installs for make test) or another Chrome on PATH.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("GUILDHALL_REQUIRE_CHROMIUM") != "" {
		t.Fatal("no Chromium found but GUILDHALL_REQUIRE_CHROMIUM is set: run scripts/ensure-chromium.sh")
	}
	t.Skip("no Chromium found: `make test` installs Debian's chromium (scripts/ensure-chromium.sh); set CHROMIUM to use another")
	return ""
}

// screenshotDir is where the pages' screenshots go: $GUILDHALL_SCREENSHOT_DIR (make screenshots
// sets docs/screenshots), else guildhall-screenshots under the temporary directory, kept after
// the test as its artefacts.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GUILDHALL_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "guildhall-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newBrowser starts Chromium with the test wallet injected into every page.
func newBrowser(t *testing.T, chromium, base string, w *testWallet, chainID uint64) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.WindowSize(1280, 900),
		chromedp.NoSandbox, chromedp.Flag("lang", "en-US"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 8*time.Minute) // a loaded machine is slow
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b := &browser{ctx: ctx, base: base, shots: screenshotDir(t)}
	chromedp.ListenTarget(ctx, b.record)
	if err := chromedp.Run(ctx, log.Enable()); err != nil {
		t.Fatalf("start chromium (%s): %v", chromium, err)
	}
	if err := w.inject(ctx, chainID); err != nil {
		t.Fatal(err)
	}
	return b
}

// record keeps what the page reports as an error: uncaught exceptions, console.error and the
// browser's own errors (a refused script or style, a failed request), except the 404 of the
// optional recognition profile route, which the member page expects on servers without it, and
// the failures a step expects.
func (b *browser) record(ev any) {
	var msg string
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type != runtime.APITypeError {
			return
		}
		parts := make([]string, len(e.Args))
		for i, a := range e.Args {
			parts[i] = string(a.Value) + a.Description
		}
		msg = "console.error: " + strings.Join(parts, " ")
	case *log.EventEntryAdded:
		if e.Entry.Level != log.LevelError || (e.Entry.Source == log.SourceNetwork && b.expectedFailure(e.Entry.URL)) {
			return
		}
		msg = fmt.Sprintf("%s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL)
	default:
		return
	}
	b.mu.Lock()
	b.errors = append(b.errors, msg)
	b.mu.Unlock()
}

func (b *browser) expectedFailure(url string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range append([]string{"/members/0x"}, b.expected...) {
		if strings.Contains(url, p) {
			return true
		}
	}
	return false
}

// visit shows route (a hash such as #/proposals) and waits until the page has rendered it.
func (b *browser) visit(t *testing.T, route string) {
	t.Helper()
	b.run(t, "visit "+route, chromedp.Evaluate(fmt.Sprintf("location.hash = %q", route), nil))
	b.waitRendered(t, route)
}

// load opens the dashboard afresh on route: a new document, not a hash change of the old one.
func (b *browser) load(t *testing.T, route string) {
	t.Helper()
	b.run(t, "load "+route, chromedp.Navigate("about:blank"), chromedp.Navigate(b.base+route))
	b.waitRendered(t, route)
}

func (b *browser) waitRendered(t *testing.T, route string) {
	t.Helper()
	if route == "" {
		route = "#/"
	}
	b.waitJS(t, "the page to render "+route, fmt.Sprintf(`(() => { const v = document.getElementById("view"); return v && (v.dataset.route === %q || v.dataset.route === "error"); })()`, route))
	if got := b.text(t, "#view"); b.eval(t, `document.getElementById("view").dataset.route`) == "error" {
		t.Fatalf("%s shows an error: %s", route, got)
	}
}

// waitJS polls a JavaScript expression until it is true (30 s at most).
func (b *browser) waitJS(t *testing.T, what, expr string) {
	t.Helper()
	var ok bool
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		err = chromedp.Run(b.ctx, chromedp.Poll(expr, &ok, chromedp.WithPollingTimeout(time.Until(deadline)), chromedp.WithPollingInterval(100*time.Millisecond)))
		// A navigation can replace the document the poll runs in: poll the new one.
		if err == nil || !strings.Contains(err.Error(), "Cannot find context") {
			break
		}
	}
	if err != nil || !ok {
		var notice string
		_ = chromedp.Run(b.ctx, chromedp.Evaluate(`(document.getElementById("notice") || {}).textContent || ""`, &notice))
		t.Fatalf("waiting for %s: %v (notice: %q)", what, err, notice)
	}
}

func (b *browser) eval(t *testing.T, expr string) string {
	t.Helper()
	var out any
	b.run(t, expr, chromedp.Evaluate(expr, &out))
	return fmt.Sprint(out)
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	var s string
	b.run(t, "text of "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.TrimSpace(s)
}

func (b *browser) click(t *testing.T, sel string) {
	t.Helper()
	b.run(t, "click "+sel, chromedp.Click(sel, chromedp.ByQuery))
}

func (b *browser) run(t *testing.T, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// shot writes a full-page screenshot of what the tab shows as name.png.
func (b *browser) shot(t *testing.T, name string) {
	t.Helper()
	var png []byte
	b.run(t, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

// formatTokens is base units as the dashboard shows them: whole tokens with thousands separators
// and at most four decimals, trailing zeros dropped.
func formatTokens(v *big.Int) string {
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	whole, frac := new(big.Int).QuoRem(v, unit, new(big.Int))
	digits := whole.String()
	var grouped strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			grouped.WriteByte(',')
		}
		grouped.WriteRune(d)
	}
	fs := frac.String()
	f := strings.TrimRight((strings.Repeat("0", 18-len(fs)) + fs)[:4], "0")
	if f == "" {
		return grouped.String()
	}
	return grouped.String() + "." + f
}
