package main

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall/demo"
)

// dashboardRoutes are the dashboard's pages, each screenshotted and checked at 390 px.
var dashboardRoutes = map[string]string{
	"overview": "#/", "proposals": "#/proposals", "delegates": "#/delegates", "members": "#/members",
	"me": "#/me", "definitions": "#/definitions",
}

// testDashboardInABrowser is the members' dashboard in a real browser, on the demo community
// TestDemoHistory has laid down: the real binary with PostgreSQL and the dev chain, headless
// Chromium, and a test wallet (EIP-1193, announced through EIP-6963) whose signatures and
// transactions are made here with the key of dev account #1, the one the README prints for
// newcomers. A member sees the API's figures and charts, signs in, votes with a reason and
// delegates without gas, queues the proposal that passed and executes the queued one from the wallet, and the page shows what
// the chain then says; the pages show levels, badges and seasons; every page loads fast, works at
// 390 px and logs no error.
func testDashboardInABrowser(t *testing.T, api, port, rpcAddr string) {
	chromium := findChromium(t)
	started := time.Now()
	fx := newDashboardFixture(t, api, "demo")
	rpc, err := ethclient.Dial("http://" + rpcAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer rpc.Close()
	w := &testWallet{key: fx.member.Key, account: fx.member.Address, rpc: rpc}
	// The wallet starts on chain 1, not the community's: the page must offer the switch.
	b := newBrowser(t, chromium, "http://localhost:"+port+"/", w, 1)
	checkOverview(t, b, fx)
	checkWrongChainThenSignIn(t, b, w)
	checkProposalVote(t, b, fx, rpc)
	checkDelegate(t, b, fx)
	checkLifecycle(t, b, fx, rpc)
	// The member's wallet signed the sign-in, the ballot and the delegation, and sent the
	// queueing and the execution: nothing else.
	if got := strings.Join(w.signedMethods(), ","); got != "personal_sign,eth_signTypedData_v4,eth_signTypedData_v4,eth_sendTransaction,eth_sendTransaction" {
		t.Errorf("the wallet signed %s, want the sign-in, the ballot, the delegation, the queueing and the execution", got)
	}
	checkMemberPage(t, b, fx)
	checkSeasons(t, b, fx)
	checkExpiredSession(t, b)
	checkNarrowScreens(t, b, fx)
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("the pages logged errors:\n%s", strings.Join(errs, "\n"))
	}
	t.Logf("the browser test took %s; screenshots in %s", time.Since(started).Round(time.Second), b.shots)
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
	checkLoadTime(t, b)
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
		t.Fatal("the demo has no members")
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

// checkLoadTime loads the overview twice, the first time on a cold server, and reads from the
// browser's Performance API how long after navigation the page had its figures and charts shown,
// and that it asked for each of them once: well under a second is the goal on a quiet machine;
// five seconds at best fails the test even on a loaded one.
func checkLoadTime(t *testing.T, b *browser) {
	t.Helper()
	var ms [2]float64
	for k := range ms {
		b.load(t, "#/")
		var timing struct {
			DOM, Load, Rendered float64
			Slowest             string
			Repeated            int
		}
		b.run(t, "read the navigation timing", chromedp.Evaluate(`(() => {
			const n = performance.getEntriesByType("navigation")[0];
			const r = performance.getEntriesByName("guildhall:rendered")[0];
			const slowest = performance.getEntriesByType("resource").sort((a, b) => b.duration - a.duration).slice(0, 3)
				.map((x) => x.name.replace(location.origin, "") + " " + Math.round(x.duration) + " ms").join(", ");
			const api = performance.getEntriesByType("resource").filter((x) => x.name.includes("/v1/")).map((x) => x.name);
			return { dom: n.domContentLoadedEventEnd, load: n.loadEventEnd, rendered: r ? r.startTime : -1, slowest, repeated: api.length - new Set(api).size };
		})()`, &timing))
		if timing.Repeated > 0 {
			t.Errorf("overview load %d asked the API for the same thing %d more time(s) than once", k+1, timing.Repeated)
		}
		t.Logf("overview load %d: DOM ready %.0f ms, load event %.0f ms, figures and charts shown %.0f ms after navigation (slowest requests: %s)",
			k+1, timing.DOM, timing.Load, timing.Rendered, timing.Slowest)
		ms[k] = timing.Rendered
	}
	if best := min(ms[0], ms[1]); best < 0 || best > 5000 {
		t.Errorf("the overview was shown %.0f ms after navigation at best, want well under a second", best)
	}
}

// checkLifecycle: the proposal that passed offers anyone Queue, the queued proposal (its
// timelock delay passed) Execute; for each, the member's wallet sends it and the page follows it
// to the new state, as the governor's state() says, and no longer offers the button.
func checkLifecycle(t *testing.T, b *browser, fx *dashboardFixture, rpc *ethclient.Client) {
	t.Helper()
	for _, step := range []struct {
		op, pid, want string
		state         uint8
	}{{"queue", fx.succeeded, "queued", governorQueued}, {"execute", fx.queued, "executed", governorExecuted}} {
		began := time.Now()
		b.visit(t, "#/proposals/"+step.pid)
		b.click(t, "#"+step.op+"-proposal")
		b.waitJS(t, step.op+" to be indexed and shown", fmt.Sprintf(`(document.querySelector("#view .state") || {}).textContent === %q`, step.want))
		state, err := bind.Call(fx.governor(t, rpc), nil, verifyGovernor.PackState(bigID(step.pid)), verifyGovernor.UnpackState)
		if err != nil || state != step.state || fx.state(t, step.pid) != step.want {
			t.Errorf("after %s from the wallet the governor's state() = %d (%v), the API's %q; want %s", step.op, state, err, fx.state(t, step.pid), step.want)
		}
		if b.eval(t, fmt.Sprintf(`!!document.getElementById("%s-proposal")`, step.op)) != "false" {
			t.Errorf("the %s proposal still offers %s", step.want, step.op)
		}
		t.Logf("%s from the page's button: %s from the click to the page showing %s", step.op, time.Since(began).Round(10*time.Millisecond), step.want)
		b.shot(t, step.want)
	}
}

// The governor's state() of a queued and of an executed proposal.
const (
	governorQueued   = 5
	governorExecuted = 7
)

func bigID(id string) *big.Int {
	v, _ := new(big.Int).SetString(id, 10)
	return v
}

// governor is the demo's governor on the dev chain.
func (f *dashboardFixture) governor(t *testing.T, rpc *ethclient.Client) *bind.BoundContract {
	t.Helper()
	var c struct{ Governor string }
	getJSON(t, f.community(""), &c)
	return verifyGovernor.Instance(rpc, common.HexToAddress(c.Governor))
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

// checkProposalVote: the open proposal's actions read in words (and an executed setting's), a
// description's HTML is never rendered as HTML, and a vote with a reason (signed, relayed) makes
// the page's tally the governor's proposalVotes().
func checkProposalVote(t *testing.T, b *browser, fx *dashboardFixture, rpc *ethclient.Client) {
	t.Helper()
	b.visit(t, "#/proposals/"+fx.setting)
	if actions := b.text(t, "#actions"); !strings.Contains(actions, "set the proposal threshold to 10 GUILD") {
		t.Errorf("the executed setting's actions read %q, want %q", actions, "set the proposal threshold to 10 GUILD")
	}
	checkDescriptionIsText(t, b)
	route := "#/proposals/" + fx.proposal
	// By keyboard: tab from the top of the proposals list to the proposal and open it with Enter.
	b.visit(t, "#/proposals")
	b.run(t, "focus the page", chromedp.Evaluate(`document.activeElement && document.activeElement.blur()`, nil))
	for i := 0; i < 40 && b.eval(t, `document.activeElement ? document.activeElement.getAttribute("href") : ""`) != route; i++ {
		b.run(t, "tab", chromedp.KeyEvent(kb.Tab))
	}
	b.run(t, "enter", chromedp.KeyEvent(kb.Enter))
	b.waitRendered(t, route)
	if actions := b.text(t, "#actions"); !strings.Contains(actions, "mint 250 GUILD to 0x") {
		t.Errorf("the open proposal's actions read %q, want %q", actions, "mint 250 GUILD to 0x")
	}
	const reason = "A second repair evening halves the queue."
	b.click(t, `#vote-form input[value="for"]`)
	b.run(t, "type the reason", chromedp.SendKeys("#reason", reason, chromedp.ByQuery))
	b.click(t, `#vote-form button[type="submit"]`)
	b.waitJS(t, "the vote to be indexed and shown", `!!document.getElementById("my-vote")`)
	votes, err := bind.Call(fx.governor(t, rpc), nil, verifyGovernor.PackProposalVotes(bigID(fx.proposal)), verifyGovernor.UnpackProposalVotes)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]*big.Int{"#tally-for": votes.ForVotes, "#tally-against": votes.AgainstVotes, "#tally-abstain": votes.AbstainVotes} {
		if got := b.text(t, id); got != formatTokens(want) {
			t.Errorf("the page's tally %s = %s, the governor's proposalVotes() = %s", id, got, formatTokens(want))
		}
	}
	if body := b.text(t, "#view"); !strings.Contains(body, reason) {
		t.Errorf("the proposal's votes do not show the reason %q", reason)
	}
	b.shot(t, "proposal")
}

// checkDescriptionIsText renders a description with HTML and links through the page's own module:
// its HTML is shown as text and only http(s) links become links.
func checkDescriptionIsText(t *testing.T, b *browser) {
	t.Helper()
	const desc = "# Title\n\nMint to the <b>organiser</b><script>alert(1)</script> _first_, set proposal_threshold_x, see [the notes](https://example.org/notes), not [this](javascript:alert(1))"
	var got string
	b.run(t, "render a description", chromedp.Evaluate(fmt.Sprintf(`import("/assets/text.mjs").then((m) => {
		const d = document.createElement("div");
		d.append(...m.renderDescription(%q));
		return d.querySelectorAll("b, script").length + ":" + d.textContent.includes("<b>organiser</b>") + ":" +
			[...d.querySelectorAll("em")].map((e) => e.textContent).join(",") + ":" + d.textContent.includes("proposal_threshold_x") + ":" +
			[...d.querySelectorAll("a")].map((a) => a.protocol + a.textContent).join(",");
	})`, desc), &got, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if got != "0:true:first:true:https:the notes" {
		t.Errorf("a description with HTML, emphasis and links renders as %q, want its HTML as text, one emphasis (snake_case left alone) and only the https link", got)
	}
}

// checkDelegate: delegating from the directory (signed, relayed) changes the directory.
func checkDelegate(t *testing.T, b *browser, fx *dashboardFixture) {
	t.Helper()
	to := fx.delegatee
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

// checkMemberPage: a member's page shows the level the engine decided, progress to the next
// level and streaks; a member holding badges (the top earner of the running season) shows each
// of them; a member whose referral qualified shows friend-bringer and the members it referred.
func checkMemberPage(t *testing.T, b *browser, fx *dashboardFixture) {
	t.Helper()
	var board struct{ Items []struct{ Address string } }
	getJSON(t, fx.community("/leaderboard?season="+demo.Seasons(time.Now())[1].ID+"&by=earned&limit=1"), &board)
	var referrers struct{ Items []struct{ Address string } }
	getJSON(t, fx.community("/roles/friend-bringer/members?limit=1"), &referrers)
	if len(board.Items) == 0 || len(referrers.Items) == 0 {
		t.Fatalf("the running season's leaderboard has %d members and friend-bringer %d holders; want some of each", len(board.Items), len(referrers.Items))
	}
	for _, addr := range []string{fx.member.Address.Hex(), board.Items[0].Address, referrers.Items[0].Address} {
		var p struct {
			Level         string
			Badges, Roles []struct {
				Role string
				Held bool
			}
		}
		getJSON(t, fx.community("/members/"+addr), &p)
		var held []string
		for _, x := range append(p.Badges, p.Roles...) {
			if x.Held {
				held = append(held, "★ "+x.Role)
			}
		}
		b.visit(t, "#/members/"+addr)
		if got := b.text(t, "#level .level-name"); got != p.Level || p.Level == "" {
			t.Errorf("member %s: the page shows level %q, the API %q", addr, got, p.Level)
		}
		if got := b.eval(t, `[...document.querySelectorAll("#badges li.held strong")].map((x) => x.textContent).join(",")`); got != strings.Join(held, ",") {
			t.Errorf("member %s: the page shows badges and tiers %q, the API holds %q", addr, got, held)
		}
		if view := b.text(t, "#view"); !strings.Contains(view, addr) || !strings.Contains(view, "Weekly streak") {
			t.Errorf("member %s: the page does not show the address and the streaks: %q", addr, view)
		}
	}
	// The last page is a referrer's: its badge says how many members it referred who qualified.
	if got := b.text(t, "#badges"); !regexp.MustCompile(`★ friend-bringer[^★]*✓ members referred: [1-9]\d* of 1`).MatchString(got) {
		t.Errorf("a referrer's page shows badges %q, want friend-bringer with the members it referred", got)
	}
	b.visit(t, "#/members/"+board.Items[0].Address)
	if b.eval(t, `document.querySelectorAll("#badges li.held").length > 0 && !!document.querySelector("#level [role=progressbar], #level .hint")`) != "true" {
		t.Error("the top earner's page shows no badge or no progress to the next level")
	}
	b.shot(t, "member")
}

// checkSeasons: the season picker shows the ended season's sealed final ranking, as the API has it.
func checkSeasons(t *testing.T, b *browser, fx *dashboardFixture) {
	t.Helper()
	ended := demo.Seasons(time.Now())[0]
	var season struct {
		Ranking map[string][]struct{ Address string }
	}
	getJSON(t, fx.community("/seasons/"+ended.ID), &season)
	if len(season.Ranking["votes"]) == 0 {
		t.Fatalf("season %s has no sealed ranking by votes", ended.ID)
	}
	b.visit(t, "#/members")
	b.run(t, "pick the season", chromedp.SetValue("#season-picker", "season="+ended.ID, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("season-picker").dispatchEvent(new Event("change"))`, nil))
	b.waitRendered(t, "#/members?season="+ended.ID)
	b.click(t, `nav.tabs a[href$="by=votes"]`)
	b.waitRendered(t, "#/members?season="+ended.ID+"&by=votes")
	caption := b.text(t, "#view caption")
	first := b.eval(t, `document.querySelector("#view tbody tr a.addr").title`)
	if !strings.Contains(caption, "final ranking") || !strings.EqualFold(first, season.Ranking["votes"][0].Address) {
		t.Errorf("season %s by votes: caption %q, first %s; want the sealed final ranking, first %s", ended.ID, caption, first, season.Ranking["votes"][0].Address)
	}
	b.shot(t, "members")
}

// checkExpiredSession: a session the server no longer accepts asks the member to sign in again.
func checkExpiredSession(t *testing.T, b *browser) {
	t.Helper()
	b.run(t, "expire", chromedp.Evaluate(`sessionStorage.setItem("guildhall.session", JSON.stringify({token: "expired", address: "", expires_at: new Date(Date.now() + 3600e3).toISOString()}))`, nil))
	b.expectFailures("/v1/me")
	b.run(t, "reload", chromedp.Navigate("about:blank"), chromedp.Navigate(b.base+"#/me"))
	b.waitJS(t, "the expired-session message", `document.getElementById("notice").textContent.includes("session has expired") && !!document.getElementById("signin")`)
	b.shot(t, "expired-session")
	// Leave the page before no longer expecting its 401s: a second request in flight may
	// report its own after the message is shown.
	b.run(t, "leave", chromedp.Navigate("about:blank"))
	b.expectFailures()
}

// checkNarrowScreens: at 390 px wide no page scrolls sideways; every page is screenshotted there.
func checkNarrowScreens(t *testing.T, b *browser, fx *dashboardFixture) {
	t.Helper()
	routes := map[string]string{"proposal": "#/proposals/" + fx.proposal, "member": "#/members/" + fx.member.Address.Hex(),
		"season": "#/members?season=" + demo.Seasons(time.Now())[1].ID}
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
