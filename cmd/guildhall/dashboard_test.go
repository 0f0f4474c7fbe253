package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// dashboardRoutes are the dashboard's pages, each screenshotted and checked at 390 px.
var dashboardRoutes = map[string]string{
	"overview": "#/", "proposals": "#/proposals", "delegates": "#/delegates", "members": "#/members",
	"me": "#/me", "definitions": "#/definitions",
}

// The members' dashboard in a real browser: the real binary with PostgreSQL and the dev chain,
// headless Chromium, and a test wallet (EIP-1193, announced through EIP-6963) whose signatures are
// made here with a dev key. A member sees the API's figures and charts, signs in, votes with a
// reason and delegates without gas, and the page shows what the chain then says.
func TestDashboardInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test of the real binary; runs without -short")
	}
	chromium := findChromium(t)
	started := time.Now()
	bin := buildBinary(t)
	t.Logf("binary built in %s", time.Since(started).Round(time.Second))
	dataDir, dbURL := t.TempDir(), pgtest.URL(t)
	port, rpcAddr := closedPort(t), "127.0.0.1:"+closedPort(t)
	api := "http://127.0.0.1:" + port
	s := startServe(t, bin, "--data-dir", dataDir, "--database-url", dbURL, "--http-addr", "127.0.0.1:"+port,
		"--dev-rpc-addr", rpcAddr, "--block-interval", "1s", "--demo=false")
	s.waitHealthy(t, api)
	t.Logf("serve healthy after %s", time.Since(started).Round(time.Second))
	// A community with the default settings (anyone may propose), made while serve runs; the
	// demo history (TestDemoHistory) would add a minute and a proposal threshold the fixture's
	// issuer-opened proposal cannot meet.
	if code, _, stderr := runCmd(t, nil, "community", "create", "--id", "demo", "--name", "Guildhall Demo", "--symbol", "GUILD",
		"--data-dir", dataDir, "--database-url", dbURL); code != 0 {
		t.Fatalf("community create: exit %d %s", code, stderr)
	}
	fx := newDashboardFixture(t, bin, api, "demo", "--data-dir", dataDir, "--database-url", dbURL)
	t.Logf("serve and fixture ready in %s", time.Since(started).Round(time.Second))

	w := &testWallet{key: fx.member.Key, account: fx.member.Address}
	// The wallet starts on chain 1, not the community's: the page must offer the switch.
	b := newBrowser(t, chromium, "http://localhost:"+port+"/", w, 1)
	b.load(t, "")
	checkOverview(t, b, fx)
	checkWrongChainThenSignIn(t, b, w)
	checkProposalVote(t, b, fx, "http://"+rpcAddr)
	checkDelegate(t, b, fx)
	// The member's key signed exactly the sign-in, the ballot and the delegation: nothing else.
	if got := strings.Join(w.signedMethods(), ","); got != "personal_sign,eth_signTypedData_v4,eth_signTypedData_v4" {
		t.Errorf("the wallet signed %s, want the sign-in, the ballot and the delegation", got)
	}
	checkMemberPage(t, b, fx)
	checkExpiredSession(t, b)
	checkNarrowScreens(t, b, fx)
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("the pages logged errors:\n%s", strings.Join(errs, "\n"))
	}
	t.Logf("browser test took %s; screenshots in %s", time.Since(started).Round(time.Second), b.shots)
}

// checkOverview: the health figures equal the API's and the four charts draw something.
func checkOverview(t *testing.T, b *browser, fx *dashboardFixture) {
	t.Helper()
	var o struct {
		Members  int `json:"members"`
		Active7d int `json:"active_7d"`
		Holders  int `json:"holders"`
		AsOf     struct {
			BlockNumber uint64 `json:"block_number"`
		} `json:"as_of"`
	}
	getJSON(t, fx.community("/stats/overview"), &o)
	start := time.Now()
	b.load(t, "#/") // after the fixture's rewards are indexed
	t.Logf("the overview loaded and rendered in %s", time.Since(start).Round(time.Millisecond))
	for def, want := range map[string]int{"members": o.Members, "active_7d": o.Active7d, "holders": o.Holders} {
		if got := b.text(t, fmt.Sprintf(`[data-figure=%q] .figure-value`, def)); got != fmt.Sprint(want) {
			t.Errorf("overview %s = %q, the API says %d", def, got, want)
		}
		if href := b.eval(t, fmt.Sprintf(`document.querySelector('[data-figure=%q] a.def').getAttribute("href")`, def)); href != "#/definitions/"+def {
			t.Errorf("overview %s links to %q, want its definition", def, href)
		}
	}
	if asof := b.text(t, "#overview-asof"); !strings.Contains(asof, "as of block ") {
		t.Errorf("the overview does not name its block: %q", asof)
	}
	if o.Members == 0 {
		t.Fatal("the fixture made no members")
	}
	// Every chart is an SVG with marks in it (lines, bars, cells), not an empty frame.
	charts := b.eval(t, `[...document.querySelectorAll("svg.chart")].map(s => s.querySelectorAll("polyline, rect, circle").length).join(",")`)
	if n := strings.Count(charts, ",") + 1; charts == "" || n < 4 {
		t.Fatalf("the overview draws %q charts, want 4", charts)
	}
	for _, marks := range strings.Split(charts, ",") {
		if marks == "0" {
			t.Errorf("a chart is empty (marks per chart: %s)", charts)
		}
	}
	b.shot(t, "overview")
}

// checkWrongChainThenSignIn: a wallet on another chain is told so and offered the switch, which
// adds the chain; a rejected signature says so; then the member signs in.
func checkWrongChainThenSignIn(t *testing.T, b *browser, w *testWallet) {
	t.Helper()
	b.click(t, "#connect")
	b.waitJS(t, "the switch prompt", `!!document.getElementById("switch-chain")`)
	if n := b.text(t, "#notice"); !strings.Contains(n, "chain 1,") || !strings.Contains(n, "chain 1337") {
		t.Errorf("wrong-chain notice = %q, want it to name both chains", n)
	}
	b.shot(t, "wrong-chain")
	b.click(t, "#switch-chain")
	b.waitJS(t, "the chain switch", `!document.getElementById("wrong-chain") && document.getElementById("notice").textContent.includes("now on chain 1337")`)
	if calls := b.eval(t, `window.__testWallet.calls.join(",")`); !strings.Contains(calls, "wallet_switchEthereumChain,wallet_addEthereumChain") {
		t.Errorf("wallet calls = %s, want a switch and, for the unknown chain, an add", calls)
	}
	b.run(t, "reject", chromedp.Evaluate(`window.__testWallet.reject = true`, nil))
	b.click(t, "#signin")
	b.waitJS(t, "the rejection message", `document.getElementById("notice").textContent.includes("rejected")`)
	b.run(t, "accept", chromedp.Evaluate(`window.__testWallet.reject = false`, nil))
	b.click(t, "#signin")
	b.waitJS(t, "sign-in", `!!document.getElementById("signed-in")`)
	b.visit(t, "#/me")
	if got := b.text(t, "#my-figures"); !strings.Contains(got, w.account.Hex()) {
		t.Errorf("Me shows %q, want the signed-in address %s", got, w.account.Hex())
	}
	b.shot(t, "me")
}

// checkProposalVote: the proposal's actions read in words, its description is not HTML, and a
// vote with a reason (signed, relayed) makes the page's tally the governor's proposalVotes().
func checkProposalVote(t *testing.T, b *browser, fx *dashboardFixture, rpcURL string) {
	t.Helper()
	route := "#/proposals/" + fx.proposal
	// By keyboard: tab from the top of the proposals list to the proposal and open it with Enter.
	b.visit(t, "#/proposals")
	b.run(t, "focus the page", chromedp.Evaluate(`document.activeElement && document.activeElement.blur()`, nil))
	for i := 0; i < 40 && b.eval(t, `document.activeElement ? document.activeElement.getAttribute("href") : ""`) != route; i++ {
		b.run(t, "tab", chromedp.KeyEvent(kb.Tab))
	}
	b.run(t, "enter", chromedp.KeyEvent(kb.Enter))
	b.waitRendered(t, route)
	actions := b.text(t, "#actions")
	for _, want := range []string{fmt.Sprintf("mint %d GUILD to 0x", fixtureMintTokens), "set the voting period to 2 days"} {
		if !strings.Contains(actions, want) {
			t.Errorf("the proposal's actions read %q, want %q", actions, want)
		}
	}
	if got := b.eval(t, `document.querySelectorAll("#description b, #description script").length + ":" + document.getElementById("description").textContent.includes("<b>organiser</b>")`); got != "0:true" {
		t.Errorf("the description's HTML was rendered as HTML (%s), want it shown as text", got)
	}
	// Its Markdown links become links only to http(s): a javascript: URL stays text.
	if got := b.eval(t, `[...document.querySelectorAll("#description a")].map(a => a.protocol + a.textContent).join(",")`); got != "https:the notes" {
		t.Errorf("the description's links are %q, want only the https one", got)
	}
	const reason = "The clean-up was real work; 500 is fair."
	b.click(t, `#vote-form input[value="for"]`)
	b.run(t, "type the reason", chromedp.SendKeys("#reason", reason, chromedp.ByQuery))
	b.click(t, `#vote-form button[type="submit"]`)
	b.waitJS(t, "the vote to be indexed and shown", `!!document.getElementById("my-vote")`)
	client, err := ethclient.Dial(rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var c struct{ Governor string }
	getJSON(t, fx.community(""), &c)
	gov := guildgovernor.NewGuildGovernor()
	pid, _ := new(big.Int).SetString(fx.proposal, 10)
	votes, err := bind.Call(gov.Instance(client, common.HexToAddress(c.Governor)), nil, gov.PackProposalVotes(pid), gov.UnpackProposalVotes)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]*big.Int{"#tally-for": votes.ForVotes, "#tally-against": votes.AgainstVotes, "#tally-abstain": votes.AbstainVotes} {
		if got := b.text(t, id); got != formatTokens(want) {
			t.Errorf("the page's tally %s = %s, the governor's proposalVotes() = %s", id, got, formatTokens(want))
		}
	}
	if votes.ForVotes.Sign() == 0 {
		t.Error("the governor counted no votes for: the ballot was not relayed")
	}
	if body := b.text(t, "#view"); !strings.Contains(body, reason) {
		t.Errorf("the proposal's votes do not show the reason %q", reason)
	}
	b.shot(t, "proposal")
}

// checkDelegate: delegating from the directory (signed, relayed) changes the directory.
func checkDelegate(t *testing.T, b *browser, fx *dashboardFixture) {
	t.Helper()
	to := fx.delegatee.Address.Hex()
	before := delegatorsOf(t, fx, to)
	b.visit(t, "#/delegates")
	b.click(t, fmt.Sprintf(`button[data-delegate=%q]`, to))
	b.waitJS(t, "the delegation to be sent", `document.getElementById("notice").textContent.includes("Delegation to")`)
	fx.waitFor(t, "the delegation to be indexed", func() bool { return delegatorsOf(t, fx, to) == before+1 })
	b.load(t, "#/delegates")
	row := b.eval(t, fmt.Sprintf(`(() => { const r = [...document.querySelectorAll("#view tbody tr")].find(r => r.querySelector('a[title=%q]')); return r ? r.cells[2].textContent : "none"; })()`, to))
	if row != fmt.Sprint(before+1) {
		t.Errorf("the directory shows %s delegators for %s, want %d after the delegation", row, to, before+1)
	}
	b.shot(t, "delegates")
}

func delegatorsOf(t *testing.T, fx *dashboardFixture, addr string) int {
	var d struct {
		Items []struct {
			Address    string
			Delegators int
		}
	}
	getJSON(t, fx.community("/delegates?limit=500"), &d)
	for _, x := range d.Items {
		if strings.EqualFold(x.Address, addr) {
			return x.Delegators
		}
	}
	return 0
}

// checkMemberPage: a member's page shows the profile the server has (level and badges), or says
// plainly that there is none when the recognition route is not served.
func checkMemberPage(t *testing.T, b *browser, fx *dashboardFixture) {
	t.Helper()
	addr := fx.member.Address.Hex()
	b.visit(t, "#/members/"+addr)
	var profile json.RawMessage
	if getJSON(t, fx.community("/members/"+addr), &profile) == http.StatusOK {
		if got := b.text(t, "#view"); !strings.Contains(got, "Level") || b.eval(t, `!!document.getElementById("badges")`) != "true" {
			t.Errorf("the member page shows no level and badges though the API has a profile: %q", got)
		}
	} else if b.eval(t, `!!document.getElementById("no-profile")`) != "true" {
		t.Error("without a profile route the member page does not say there is no profile")
	}
	if got := b.text(t, "#view"); !strings.Contains(got, addr) {
		t.Errorf("the member page does not show the address %s", addr)
	}
	b.shot(t, "member")
}

// checkExpiredSession: a session the server no longer accepts asks the member to sign in again.
func checkExpiredSession(t *testing.T, b *browser) {
	t.Helper()
	b.run(t, "expire", chromedp.Evaluate(`sessionStorage.setItem("guildhall.session", JSON.stringify({token: "expired", address: "", expires_at: new Date(Date.now() + 3600e3).toISOString()}))`, nil))
	b.expectFailures("/v1/me")
	defer b.expectFailures()
	b.run(t, "reload", chromedp.Navigate("about:blank"), chromedp.Navigate(b.base+"#/me"))
	b.waitJS(t, "the expired-session message", `document.getElementById("notice").textContent.includes("session has expired") && !!document.getElementById("signin")`)
}

// checkNarrowScreens: at 390 px wide no page scrolls sideways; every page is screenshotted there.
func checkNarrowScreens(t *testing.T, b *browser, fx *dashboardFixture) {
	t.Helper()
	routes := map[string]string{"proposal": "#/proposals/" + fx.proposal, "member": "#/members/" + fx.member.Address.Hex()}
	for name, r := range dashboardRoutes {
		routes[name] = r
	}
	b.run(t, "390 px", chromedp.EmulateViewport(390, 844))
	for name, route := range routes {
		b.load(t, route)
		if got := b.eval(t, `document.documentElement.scrollWidth + "/" + document.documentElement.clientWidth`); got != "390/390" {
			t.Errorf("%s at 390 px: scroll width/viewport = %s, want no sideways scrolling", name, got)
		}
		b.shot(t, name+"-390px")
	}
}
