package web

import (
	"context"
	"flag"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var screenshot = flag.String("screenshot", "", "write a PNG of the agency timeline to this path (for the README)")

// chromiumPath finds Debian's chromium; the browser test skips without it.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser drives a real headless Chromium: it opens an agency's
// timeline, clicks through to a report and from there to the diff of its two
// versions, and checks what is on screen.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath()
	if exe == "" {
		t.Skip("browser test skipped: chromium is not installed (apt-get install chromium; .ci/run does this)")
	}
	fa := newFixtureArchive(t)
	srv := httptest.NewServer(newServer(t, fa))
	defer srv.Close()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	// Quality 100 makes FullScreenshot a PNG.
	// The first Run starts the browser; a timeout on it would stop the
	// browser, so the whole test is bounded by the allocator's context.
	go func() {
		select {
		case <-time.After(90 * time.Second):
			cancelAlloc()
		case <-ctx.Done():
		}
	}()

	agencyURL := srv.URL + "/agency?name=" + url.QueryEscape("新前街道")
	if err := chromedp.Do(ctx, chromedp.Navigate(agencyURL), chromedp.WaitVisible(chromedp.CSS("#timeline"))); err != nil {
		t.Fatalf("open the timeline: %v", err)
	}
	timeline := mustRun(t, ctx, chromedp.Text(chromedp.CSS("#timeline")))
	png := mustRun(t, ctx, chromedp.FullScreenshot(100))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("#timeline tr.changed a.report"))); err != nil {
		t.Fatalf("click the report: %v", err)
	}
	heading := mustRun(t, ctx, chromedp.Text(chromedp.CSS("h1")))
	versions := mustRun(t, ctx, chromedp.Text(chromedp.CSS("#versions")))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("#versions a.diff"))); err != nil {
		t.Fatalf("click the diff: %v", err)
	}
	cells := mustRun(t, ctx, chromedp.Text(chromedp.CSS("#changed-cells")))
	text := mustRun(t, ctx, chromedp.Text(chromedp.CSS("#changed-text")))
	for _, want := range []string{"新前街道2020年度政府信息公开年度报告", "新前街道2019年度政府信息公开年度报告", "changed", "requests.total"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline on screen lacks %q:\n%s", want, timeline)
		}
	}
	if heading != "新前街道2020年度政府信息公开年度报告" {
		t.Errorf("report heading %q", heading)
	}
	if !strings.Contains(versions, "diff with previous") || !strings.Contains(versions, "2026-11-22") {
		t.Errorf("versions on screen:\n%s", versions)
	}
	if !strings.Contains(cells, "partial") || !strings.Contains(cells, "natural_person") {
		t.Errorf("changed cells on screen:\n%s", cells)
	}
	if !strings.Contains(text, "部分公开2件。") || !strings.Contains(text, "部分公开1件。") {
		t.Errorf("changed text on screen:\n%s", text)
	}
	if *screenshot != "" {
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mustRun[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}
