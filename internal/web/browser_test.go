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

// screenshot writes the fixture archive's timeline as a PNG. The README's
// docs/timeline.png is taken from the demo instead: `crawl demo`, then
// `crawl serve` and `chromium --headless --screenshot=docs/timeline.png
// --window-size=1200,1000 --hide-scrollbars 'http://127.0.0.1:8080/agency?name=新前街道'`.
var screenshot = flag.String("screenshot", "", "write a PNG of the fixture archive's agency timeline to this path")

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
	// The inline diff as drawn: the changed character struck through on red,
	// the new one on green, inside the unchanged rest of the line and cell.
	var marks []string
	mustEval(t, ctx, `[...document.querySelectorAll("#changed-text td.inline del, #changed-text td.inline ins, #changed-cells td.inline del, #changed-cells td.inline ins")].map(e => {
		const s = getComputedStyle(e);
		return e.closest("section").id + " " + e.tagName + " " + e.textContent + " " + s.textDecorationLine + " " + s.backgroundColor;
	})`, &marks)
	for _, want := range []string{"新前街道2020年度政府信息公开年度报告", "新前街道2019年度政府信息公开年度报告", "changed", "requests.total"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline on screen lacks %q:\n%s", want, timeline)
		}
	}
	if heading != "新前街道2020年度政府信息公开年度报告" {
		t.Errorf("report heading %q", heading)
	}
	if !strings.Contains(versions, "diff with previous") || !strings.Contains(versions, "2026-11-22 02:00:00 UTC") {
		t.Errorf("versions on screen:\n%s", versions)
	}
	if !strings.Contains(cells, "（二）部分公开") || !strings.Contains(cells, "自然人") {
		t.Errorf("changed cells on screen:\n%s", cells)
	}
	if !strings.Contains(text, "部分公开21件。") {
		t.Errorf("changed text on screen:\n%s", text)
	}
	wantMarks := []string{
		"changed-cells DEL 2 line-through rgb(255, 201, 201)", "changed-cells INS 1 none rgb(184, 242, 184)",
		"changed-text DEL 2 line-through rgb(255, 201, 201)", "changed-text INS 1 none rgb(184, 242, 184)",
	}
	if strings.Join(marks, "\n") != strings.Join(wantMarks, "\n") {
		t.Errorf("inline diff marks on screen:\n%s\nwant\n%s", strings.Join(marks, "\n"), strings.Join(wantMarks, "\n"))
	}

	// The first version fails requests.total: the check in words, and the
	// three cells it reads highlighted in the drawn table (and only those).
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/report/"+fa.v1), chromedp.WaitVisible(chromedp.CSS("#failed-checks"))); err != nil {
		t.Fatalf("open version 1: %v", err)
	}
	failed := mustRun(t, ctx, chromedp.Text(chromedp.CSS("#failed-checks")))
	if !strings.Contains(failed, "总计 8 ≠ 予以公开 7 + 部分公开 2 = 9（自然人列）") {
		t.Errorf("failed checks on screen:\n%s", failed)
	}
	var lit []string
	mustEval(t, ctx, `[...document.querySelectorAll("table.cells td")].filter(td => getComputedStyle(td).backgroundColor === "rgb(255, 208, 208)").map(td =>
		td.closest("tr").dataset.row + "." + td.dataset.col + " " + td.textContent + " " + getComputedStyle(td).outlineStyle)`, &lit)
	if want := "granted.natural_person 7 solid|partial.natural_person 2 solid|total.natural_person 8 solid"; strings.Join(lit, "|") != want {
		t.Errorf("highlighted cells on screen: %v, want %s", lit, want)
	}
	if *screenshot != "" {
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mustEval(t *testing.T, ctx context.Context, js string, out *[]string) {
	t.Helper()
	*out = mustRun(t, ctx, chromedp.Evaluate[[]string](js))
}

func mustRun[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}
