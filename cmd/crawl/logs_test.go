package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/demoportal"
)

// startDemoPortal serves the demo portal on 127.0.0.1 for the test and
// writes its seed list into dir.
func startDemoPortal(t *testing.T, dir string) (*demoportal.Portal, string) {
	t.Helper()
	p, err := demoportal.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	seedFile := filepath.Join(dir, "demo.csv")
	if err := os.WriteFile(seedFile, p.SeedCSV(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, seedFile
}

// slowDemo starts a test that crawls the demo portal at a limited rate:
// skipped under -short, run in parallel (it waits on rate limits and
// schedules, not the CPU). It returns the portal, the test's directory,
// the portal's seed list there and an archive path.
func slowDemo(t *testing.T) (p *demoportal.Portal, dir, seedFile, db string) {
	t.Helper()
	if testing.Short() {
		t.Skip("crawls the demo portal at a limited rate")
	}
	t.Parallel()
	dir = t.TempDir()
	p, seedFile = startDemoPortal(t, dir)
	return p, dir, seedFile, filepath.Join(dir, "a.db")
}

// TestRunLogsForCron: `crawl run > log 2>&1` from cron gets a timestamped
// progress line every --progress-every and one at each seed's end, no
// control characters, the summary once; --log-json gives the same as JSON
// lines, --quiet nothing.
func TestRunLogsForCron(t *testing.T) {
	p, dir, seedFile, db := slowDemo(t)
	nSeeds := len(p.Seeds())
	// About 11 pages per host at 10/s: a crawl of about a second.
	r := mustCrawl(t, dir, "run", "--allow-private", "--rate", "10", "--progress-every", "150ms", "--seeds", seedFile, "--db", db)
	stamp := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ crawl: `
	periodic := regexp.MustCompile(`^` + stamp + `pages \d+  reports \d+  errors \d+  [\d.]+ pages/s  seeds \d+/` + regexp.QuoteMeta(itoa(nSeeds)) + `(  ETA \S+)?$`)
	seedEnd := regexp.MustCompile(`^` + stamp + `seed http://127\.0\.0\.1:\d+/\S*: ok, \d+ pages, \d+ reports, \d+ errors$`)
	var nPeriodic, nSeed int
	for _, l := range r.stderrLines() {
		switch {
		case periodic.MatchString(l):
			nPeriodic++
		case seedEnd.MatchString(l):
			nSeed++
		default:
			t.Errorf("unexpected stderr line %q", l)
		}
	}
	if nPeriodic < 2 || nSeed != nSeeds {
		t.Errorf("%d periodic lines (want 2 or more) and %d seed lines (want %d):\n%s", nPeriodic, nSeed, nSeeds, r.stderr)
	}
	if strings.ContainsAny(r.stderr+r.stdout, "\r\033\b") {
		t.Errorf("control characters in logged output: %q", r.stderr)
	}
	if n := strings.Count(r.stdout+r.stderr, "crawl done"); n != 1 || !strings.HasPrefix(r.stdout, "crawl done in ") {
		t.Errorf("summary printed %d times, want once on stdout:\nstdout %s\nstderr %s", n, r.stdout, r.stderr)
	}

	js := mustCrawl(t, dir, "run", "--allow-private", "--rate", "0", "--log-json", "--seeds", seedFile, "--db", db)
	events := map[string]int{}
	for _, l := range js.stderrLines() {
		var ev struct {
			Event, Time string
			Pages       *int
		}
		if err := json.Unmarshal([]byte(l), &ev); err != nil || ev.Pages == nil {
			t.Errorf("--log-json line %q: %v", l, err)
			continue
		}
		if _, err := time.Parse(time.RFC3339, ev.Time); err != nil {
			t.Errorf("--log-json line %q: time %v", l, err)
		}
		events[ev.Event]++
	}
	if events["seed"] != nSeeds || events["done"] != 1 {
		t.Errorf("--log-json events %v, want %d seed and 1 done", events, nSeeds)
	}

	q := mustCrawl(t, dir, "run", "--allow-private", "--rate", "0", "--quiet", "--seeds", seedFile, "--db", db)
	if q.stderr != "" || !strings.HasPrefix(q.stdout, "crawl done in ") {
		t.Errorf("--quiet: stderr %q stdout %q", q.stderr, q.stdout)
	}
	if r := crawl(t, dir, "run", "--quiet", "--log-json", "--seeds", seedFile, "--db", db); r.code != 2 {
		t.Errorf("--quiet --log-json: exit %d, want 2", r.code)
	}
}

// TestRunSaysResumed: a crawl stopped by SIGINT is resumed by the next run,
// which says so before it starts and in its summary.
func TestRunSaysResumed(t *testing.T) {
	_, dir, seedFile, db := slowDemo(t)
	run := startCrawl(t, dir, "run", "--allow-private", "--rate", "2", "--progress-every", "50ms", "--seeds", seedFile, "--db", db)
	// Interrupt once every seed has begun (a page each fetched, at 2 per
	// second per host), however slow the machine is today.
	begun := regexp.MustCompile(`crawl: pages (\d\d+) `)
	deadline := time.Now().Add(time.Minute)
	for !begun.MatchString(run.stderr.String()) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := run.interrupt(t); err == nil || !strings.Contains(run.stdout.String(), "crawl interrupted") {
		t.Fatalf("interrupted run: %v\nstdout %s\nstderr %s", err, run.stdout.String(), run.stderr.String())
	}
	r := mustCrawl(t, dir, "run", "--allow-private", "--rate", "0", "--seeds", seedFile, "--db", db)
	if !regexp.MustCompile(`(?m)^\S+ crawl: resuming interrupted run 1 \(started \S+\)$`).MatchString(r.stderr) {
		t.Errorf("second run does not say it resumes run 1:\n%s", r.stderr)
	}
	if !regexp.MustCompile(`^crawl done in .*; resumed the interrupted crawl of [1-9]\d* seeds\n`).MatchString(r.stdout) {
		t.Errorf("summary does not say it resumed:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "; resumed an interrupted crawl") {
		t.Errorf("no seed line says it resumed:\n%s", r.stderr)
	}
}
