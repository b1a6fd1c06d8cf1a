package crawler

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Off a terminal (cron), progress is plain log lines: one per finished
// seed with its reason when it failed, no carriage returns or escape
// codes, and no summary (the caller prints that once).
func TestProgressPlainLines(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "plain", "http://192.0.2.1")
	var out bytes.Buffer
	cfg := testConfig()
	cfg.Progress = &out
	sum := crawl(t, testStore(t), cfg, p.url("/"), "http://127.0.0.1:1/")
	s := out.String()
	for _, re := range []string{
		`(?m)^\d{4}-\d\d-\d\dT\S+ crawl: seed ` + regexp.QuoteMeta(p.url("/")) + `: ok, 20 pages, 14 reports, 0 errors$`,
		`(?m)^\d{4}-\d\d-\d\dT\S+ crawl: seed http://127.0.0.1:1/: unreachable, 1 pages, 0 reports, 1 errors \(refused: .*\)$`,
	} {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("progress output lacks %s:\n%s", re, s)
		}
	}
	if strings.Contains(s, "crawl done") {
		t.Errorf("progress printed the summary (the caller prints it once):\n%s", s)
	}
	if bytes.ContainsAny(out.Bytes(), "\r\033") {
		t.Errorf("terminal control characters in plain output: %q", s)
	}
	if len(sum.Unreachable()) != 1 {
		t.Errorf("unreachable seeds: %v", sum.Unreachable())
	}
}

// A plain progress line comes every ProgressEvery while a seed is being
// crawled, with counts that only grow.
func TestProgressEvery(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "plain", "http://192.0.2.1")
	var out syncBuffer
	cfg := testConfig()
	cfg.Rate = 25 // 20 pages: about 0.8 s
	cfg.Progress = &out
	cfg.ProgressEvery = 50 * time.Millisecond
	crawl(t, testStore(t), cfg, p.url("/"))
	re := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\S+ crawl: pages (\d+)  reports \d+  errors 0  [\d.]+ pages/s  seeds 0/1$`)
	lines := re.FindAllStringSubmatch(out.String(), -1)
	if len(lines) < 5 {
		t.Fatalf("%d periodic lines in a 0.8 s crawl at 50 ms, want 5 or more:\n%s", len(lines), out.String())
	}
	prev, mid := 0, false
	for _, l := range lines {
		n, _ := strconv.Atoi(l[1])
		if n < prev {
			t.Errorf("pages went down from %d to %d", prev, n)
		}
		prev = n
		mid = mid || (n > 0 && n < 20)
	}
	if !mid {
		t.Errorf("no periodic line shows the crawl midway (1 to 19 pages):\n%s", out.String())
	}
}

// ProgressJSON writes one JSON object per line: seed events with the
// reason, and a done event with the summary's counts.
func TestProgressJSON(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "plain", "http://192.0.2.1")
	var out bytes.Buffer
	cfg := testConfig()
	cfg.Progress = &out
	cfg.ProgressFormat = ProgressJSON
	sum := crawl(t, testStore(t), cfg, p.url("/"), "http://127.0.0.1:1/")
	var events []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if _, err := time.Parse(time.RFC3339, ev["time"].(string)); err != nil {
			t.Errorf("line %q: time: %v", l, err)
		}
		events = append(events, ev)
	}
	if len(events) != 3 {
		t.Fatalf("%d events, want 2 seeds and done:\n%s", len(events), out.String())
	}
	bySeed := map[string]map[string]any{}
	for _, ev := range events[:2] {
		bySeed[ev["seed"].(string)] = ev
	}
	if ok := bySeed[p.url("/")]; ok == nil || ok["status"] != "ok" || ok["pages"] != 20.0 || ok["reports"] != 14.0 {
		t.Errorf("ok seed event %v", ok)
	}
	if bad := bySeed["http://127.0.0.1:1/"]; bad == nil || bad["status"] != "unreachable" || !strings.HasPrefix(bad["reason"].(string), "refused: ") {
		t.Errorf("unreachable seed event %v", bad)
	}
	done := events[2]
	if done["event"] != "done" || done["pages"] != float64(sum.Pages) || done["reports"] != float64(sum.Reports) || done["unreachable"] != 1.0 {
		t.Errorf("done event %v, summary %+v", done, sum)
	}
}

// Live shows the running crawl's counts while it runs and the last run's
// afterwards.
func TestLiveStatus(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "plain", "http://192.0.2.1")
	var live Live
	if st := live.Status(); st.Running || st.Pages != 0 {
		t.Errorf("status before any run: %+v", st)
	}
	cfg := testConfig()
	cfg.Live = &live
	var mu sync.Mutex
	var during []Status
	cfg.OnFetch = func(Fetch) {
		mu.Lock()
		during = append(during, live.Status())
		mu.Unlock()
	}
	sum := crawl(t, testStore(t), cfg, p.url("/"))
	if len(during) == 0 || !during[0].Running || during[0].Seeds != 1 {
		t.Fatalf("status during the run: %+v", during)
	}
	after := live.Status()
	if after.Running || after.Finished.IsZero() || after.Pages != sum.Pages || after.Reports != sum.Reports || after.SeedsDone != 1 || after.ETA != 0 {
		t.Errorf("status after the run %+v, summary pages %d reports %d", after, sum.Pages, sum.Reports)
	}
}

// syncBuffer is a bytes.Buffer safe for the progress ticker and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// On a terminal the status line is redrawn in place (carriage return and
// erase-line, no newline) and each seed's end is printed above it.
func TestProgressTerminal(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "plain", "http://192.0.2.1")
	var out syncBuffer
	cfg := testConfig()
	cfg.Rate = 10 // 20 pages: about 2 s, so the line is drawn
	cfg.Progress = &out
	cfg.ProgressFormat = ProgressTerminal
	crawl(t, testStore(t), cfg, p.url("/"))
	s := out.String()
	redraw := regexp.MustCompile("\r\033\\[Kpages \\d+  reports \\d+  errors 0  [\\d.]+ pages/s  seeds 0/1  http://")
	if !redraw.MatchString(s) {
		t.Errorf("no redrawn status line in %q", s)
	}
	if !strings.Contains(s, "\r\033[Kseed "+p.url("/")+": ok, 20 pages, 14 reports, 0 errors\n") || !strings.HasSuffix(s, "\r\033[K") {
		t.Errorf("seed line or final clear missing in %q", s)
	}
	if strings.Count(s, "\n") != 1 {
		t.Errorf("%d newlines, want only the seed line's: %q", strings.Count(s, "\n"), s)
	}
}
