package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumEnv, when set to 1, makes TestBrowserPage fail instead of skip
// without Chromium: CI installs it (.ci/run) and sets it.
const chromiumEnv = "GRPCEXAMPLES_REQUIRE_CHROMIUM"

// screenshotEnv, when set to a path, makes TestBrowserPage also save its
// screenshot there (how examples/server/web/page.png is made).
const screenshotEnv = "GRPCEXAMPLES_SCREENSHOT"

// findChromium returns the path of a headless Chromium: Debian's
// chromium-headless-shell (what .ci/run installs) or a full Chromium.
func findChromium() string {
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowserPage drives the page the HTTP port serves in headless
// Chromium, section by section, as a person would: it clicks, then waits
// for the DOM to show the result (never for a time), so that a loaded
// machine only makes it slower.
func TestBrowserPage(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		if os.Getenv(chromiumEnv) == "1" {
			t.Fatalf("no Chromium found, and %s=1", chromiumEnv)
		}
		t.Skip("no Chromium: install Debian's chromium-headless-shell (apt-get install chromium-headless-shell) to run the browser test")
	}
	srv := launchHTTP(t, nil)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.WindowSize(820, 1300),
		// The machine's network is closed, and the test needs none:
		// no component updates, safe browsing, metrics or field trials.
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-features", "OptimizationHints,MediaRouter,Translate,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater,AutofillServerCommunication"),
		chromedp.Flag("variations-override-country", "us"),
		chromedp.UserDataDir(t.TempDir()),
	)
	// A loaded 2-core machine can take a while to start Chromium; the
	// bound only keeps a broken page from hanging the test.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	// Start the browser on bctx itself: the first run on a context starts
	// it for that context's life, and each step below has a shorter one.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}

	// waitText waits until the element's text contains want.
	waitText := func(sel, want string) chromedp.Action[chromedp.Void] {
		return void(chromedp.Poll[bool](`(document.querySelector(` + strconv.Quote(sel) + `)?.textContent ?? "").includes(` + strconv.Quote(want) + `)`))
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return s
	}
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		// One step's bound, so that the page can still be read after a
		// step that failed.
		sctx, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			page, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
			t.Fatalf("%s: %v\npage:\n%.3000s", step, err, page)
		}
	}

	run("load the page", chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.CSS("#kw-form button")))

	// Keyphrases: ranked with scores, the language and the time taken.
	run("extract keyphrases",
		chromedp.Click(chromedp.CSS("#kw-form button")),
		chromedp.WaitVisible(chromedp.CSS("#kw-out li")),
		waitText("#kw-meta", "language en"))
	if first := text("#kw-out li"); !strings.Contains(strings.ToLower(first), "grpc") {
		t.Errorf("first keyphrase %q, want one about gRPC", first)
	}
	if meta := text("#kw-meta"); !regexp.MustCompile(`^\d+ keyphrases · language en · \d+ ms$`).MatchString(meta) {
		t.Errorf("keyphrase summary %q", meta)
	}
	// An error shows its code, reason and field.
	run("too many keyphrases",
		chromedp.SetValue(chromedp.CSS("#kw-max"), "1000"),
		chromedp.Click(chromedp.CSS("#kw-form button")),
		waitText("#kw-err", "MAX_RESULTS_OUT_OF_RANGE"))
	if e := text("#kw-err"); !strings.HasPrefix(e, "invalid_argument: ") || !strings.Contains(e, "field max_results") {
		t.Errorf("keyphrase error %q, want the code, the reason and the field", e)
	}

	// Calculator, and its error.
	run("divide",
		chromedp.SetValue(chromedp.CSS("#calc-a"), "17"),
		chromedp.SetValue(chromedp.CSS("#calc-op"), "Divide"),
		chromedp.SetValue(chromedp.CSS("#calc-b"), "5"),
		chromedp.Click(chromedp.CSS("#calc-form button")),
		waitText("#calc-out", "3 remainder 2"))
	run("divide by zero",
		chromedp.SetValue(chromedp.CSS("#calc-b"), "0"),
		chromedp.Click(chromedp.CSS("#calc-form button")),
		waitText("#calc-err", "DIVISION_BY_ZERO"))
	if e := text("#calc-err"); !strings.Contains(e, "field b") {
		t.Errorf("calculator error %q, want the field", e)
	}

	// Greeter.
	run("say hello again",
		chromedp.Click(chromedp.CSS(`#greet-form button[value="SayHelloAgain"]`)),
		waitText("#greet-out", "Hello again, gopher!"))

	// A server stream shows each message as it arrives: the first is on
	// the page while the stream still runs.
	run("start a stream",
		chromedp.SetValue(chromedp.CSS("#stream-count"), "3"),
		chromedp.SetValue(chromedp.CSS("#stream-interval"), "300"),
		chromedp.Click(chromedp.CSS(`#stream-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#stream-out li")))
	if state := text("#stream-state"); state != "streaming…" {
		t.Errorf("with one message shown the stream state is %q, want streaming…: the messages did not arrive live", state)
	}
	run("stream ends", waitText("#stream-state", "done: 3 messages"))
	arrivals, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#stream-out time")].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	var last int
	for i, a := range arrivals {
		ms, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(a, "+"), " ms"))
		if err != nil {
			t.Fatalf("arrival time %q", a)
		}
		// Each message waits its 300 ms interval on the server first.
		if i > 0 && ms-last < 200 {
			t.Errorf("message %d arrived %d ms after the one before; want the interval", i+1, ms-last)
		}
		last = ms
	}

	// Cancel stops the stream on the server, not only on the page.
	run("start a long stream",
		chromedp.SetValue(chromedp.CSS("#stream-count"), "500"),
		chromedp.SetValue(chromedp.CSS("#stream-interval"), "200"),
		chromedp.Click(chromedp.CSS(`#stream-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#stream-out li")),
		chromedp.Click(chromedp.CSS("#stream-cancel")),
		waitText("#stream-state", "cancelled after"))
	line := ""
	for wait := time.Now().Add(30 * time.Second); line == "" && time.Now().Before(wait); time.Sleep(20 * time.Millisecond) {
		line = logLine(srv.logs, "grpc.method=ServerStream", "grpc.code=Canceled")
	}
	if line == "" {
		t.Errorf("the server did not log the cancelled stream:\n%s", srv.logs)
	}

	// Client stream: the lines as messages of one stream.
	run("client stream",
		chromedp.Click(chromedp.CSS("#client-form button")),
		waitText("#client-out", "3 messages: “one two three”"))

	// The screenshot shows answers rather than the errors above.
	run("answers for the screenshot",
		chromedp.SetValue(chromedp.CSS("#kw-max"), "6"),
		chromedp.Click(chromedp.CSS("#kw-form button")),
		waitText("#kw-meta", "6 keyphrases"),
		chromedp.SetValue(chromedp.CSS("#calc-b"), "5"),
		chromedp.Click(chromedp.CSS("#calc-form button")),
		waitText("#calc-out", "3 remainder 2"),
		chromedp.SetValue(chromedp.CSS("#stream-count"), "4"),
		chromedp.SetValue(chromedp.CSS("#stream-interval"), "250"),
		chromedp.Click(chromedp.CSS(`#stream-form button[type="submit"]`)),
		waitText("#stream-state", "done: 4 messages"))
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.TempDir(), "page.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
	if p := os.Getenv(screenshotEnv); p != "" {
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// void is a as a step of chromedp.Do, its value dropped.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}
