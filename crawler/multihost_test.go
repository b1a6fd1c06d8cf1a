package crawler

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/seeds"
)

// namedDial makes c dial every host name at 127.0.0.1, on the URL's port:
// loopback fixtures then play hosts of one registered domain
// (www.site.gov.cn, file.site.gov.cn), which share a seed's scope.
func namedDial(c *Crawler) {
	tr := c.tr.base.(*http.Transport)
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		return dial(ctx, network, net.JoinHostPort("127.0.0.1", port))
	}
}

// named is p's address under a host name.
func named(p *portal, name string) string {
	u, _ := url.Parse(p.srv.URL)
	return "http://" + name + ":" + u.Port()
}

// window is one request as a fixture server saw it: arrival and answer.
type window struct {
	path       string
	start, end time.Time
}

// spanSite is a portal whose pages span two hosts, as real ones do: the
// seed host www.site.gov.cn has a home page, a 年报 column and reports
// report pages; each report's PDF is on the file server file.site.gov.cn,
// whose robots.txt disallows /private/ (the last report's PDF is there).
// Every PDF request goes through pdf (a delay, a hang) before it is answered.
type spanSite struct {
	www, file *portal
	seed      string
	wwwHost   string
	fileHost  string
	mu        sync.Mutex
	windows   []window // the file server's PDF requests
}

func newSpanSite(t testing.TB, reports int, pdf func(r *http.Request)) *spanSite {
	s := &spanSite{www: newPortal(t), file: newPortal(t)}
	s.seed = named(s.www, "www.site.gov.cn") + "/"
	fileBase := named(s.file, "file.site.gov.cn")
	s.wwwHost = s.seed[len("http://") : len(s.seed)-1]
	s.fileHost = fileBase[len("http://"):]
	s.www.set("/", htmlPage("某市人民政府", a("/xxgk/ndbg/", "政府信息公开年报")))
	list := ""
	for i := 0; i < reports; i++ {
		list += a(fmt.Sprintf("/xxgk/ndbg/t%d.html", i), fmt.Sprintf("%d年政府信息公开工作年度报告", 2010+i))
		dir := "/files/"
		if i == reports-1 {
			dir = "/private/"
		}
		s.www.set(fmt.Sprintf("/xxgk/ndbg/t%d.html", i), reportPage(2010+i, fmt.Sprintf("%s%s%d.pdf", fileBase, dir, i)))
		s.file.set(fmt.Sprintf("%s%d.pdf", dir, i), fmt.Sprintf("%%PDF-1.4\n%% report %d\n%%%%EOF\n", i))
	}
	s.www.set("/xxgk/ndbg/", htmlPage("政府信息公开年报", list))
	s.file.set("/robots.txt", "User-agent: *\nDisallow: /private/\n")
	s.file.wrap(func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
		if r.URL.Path == "/robots.txt" {
			next(w, r)
			return
		}
		win := window{path: r.URL.Path, start: time.Now()}
		pdf(r)
		next(w, r)
		win.end = time.Now()
		s.mu.Lock()
		s.windows = append(s.windows, win)
		s.mu.Unlock()
	})
	return s
}

// pdfWindows returns the PDF requests answered so far.
func (s *spanSite) pdfWindows() []window {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.windows)
}

// wwwPages are the seed host's page requests (robots.txt excluded), in
// order of arrival.
func (s *spanSite) wwwPages() []hit {
	return slices.DeleteFunc(s.www.hitList(), func(h hit) bool { return h.path == "/robots.txt" })
}

// A seed whose attachments sit on a slow file server (each PDF 300 ms
// late) fetches its own host's pages meanwhile: report pages arrive at the
// seed host while a PDF is in flight on the file server. Each host keeps
// its own rate (starts at least the interval apart at its gate), one
// connection, and its own robots.txt (fetched once; the disallowed PDF is
// never asked for). Everything allowed is archived once.
func TestSeedSpanningHostsFetchesThemAtOnce(t *testing.T) {
	const reports = 6
	const interval = 25 * time.Millisecond
	s := newSpanSite(t, reports, func(*http.Request) { time.Sleep(300 * time.Millisecond) })
	wwwPeak := peakInFlight(s.www, 0)
	cfg := testConfig()
	cfg.Rate = float64(time.Second / interval)
	var mu sync.Mutex
	starts := map[string][]time.Time{}
	sum := crawlWith(t, testStore(t), cfg, func(c *Crawler) {
		namedDial(c)
		c.tr.onStart = func(host string, at time.Time) {
			mu.Lock()
			starts[host] = append(starts[host], at)
			mu.Unlock()
		}
	}, s.seed)

	wantWWW := reports + 2 // home, column, reports
	if got := s.www.fetched(); len(got) != wantWWW {
		t.Errorf("seed host served %d distinct pages, want %d: %v", len(got), wantWWW, got)
	} else {
		for p, n := range got {
			if n != 1 {
				t.Errorf("seed host served %s %d times", p, n)
			}
		}
	}
	wins := s.pdfWindows()
	if len(wins) != reports-1 {
		t.Errorf("file server answered %d PDFs, want %d (the disallowed one never asked): %v", len(wins), reports-1, s.file.fetched())
	}
	for _, w := range wins {
		if w.path == fmt.Sprintf("/private/%d.pdf", reports-1) {
			t.Errorf("%s fetched against the file server's robots.txt", w.path)
		}
	}
	for _, p := range []*portal{s.www, s.file} {
		if n := countHits(p, "/robots.txt"); n != 1 {
			t.Errorf("%s: robots.txt fetched %d times, want 1", p.srv.URL, n)
		}
	}
	if sum.Pages != wantWWW+reports { // the disallowed PDF is recorded too
		t.Errorf("%d pages archived, want %d", sum.Pages, wantWWW+reports)
	}

	// The seed host is not held back: its report pages arrive while a PDF
	// is in flight on the file server. One page at a time per seed would
	// make this 0.
	overlapped := 0
	for _, h := range s.wwwPages() {
		if slices.ContainsFunc(wins, func(w window) bool { return h.at.After(w.start) && h.at.Before(w.end) }) {
			overlapped++
		}
	}
	if overlapped < 3 {
		t.Errorf("%d seed-host pages arrived while a PDF was in flight, want at least 3 of %d", overlapped, reports)
	}
	// Each host under its own limits.
	if p := wwwPeak.Load(); p != 1 {
		t.Errorf("seed host had %d requests in flight at once, want 1", p)
	}
	slices.SortFunc(wins, func(a, b window) int { return a.start.Compare(b.start) })
	for i := 1; i < len(wins); i++ {
		if wins[i].start.Before(wins[i-1].end) {
			t.Errorf("file server: %s began before %s ended (one connection per host)", wins[i].path, wins[i-1].path)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, host := range []string{s.wwwHost, s.fileHost} {
		ts := starts[host]
		if len(ts) < 3 {
			t.Errorf("%s: %d starts at its gate", host, len(ts))
		}
		slices.SortFunc(ts, time.Time.Compare)
		for i := 1; i < len(ts); i++ {
			if d := ts[i].Sub(ts[i-1]); d < interval {
				t.Errorf("%s: starts %d and %d only %s apart, rate interval %s", host, i-1, i, d, interval)
			}
		}
	}
}

func countHits(p *portal, path string) int {
	n := 0
	for _, h := range p.hitList() {
		if h.path == path {
			n++
		}
	}
	return n
}

// --max-pages holds exactly when a seed fetches from two hosts at once,
// and the pages it spends it on are each fetched once.
func TestSeedSpanningHostsBudget(t *testing.T) {
	for _, budget := range []int{5, 9} {
		t.Run(fmt.Sprint(budget), func(t *testing.T) {
			s := newSpanSite(t, 6, func(*http.Request) { time.Sleep(50 * time.Millisecond) })
			cfg := testConfig()
			cfg.MaxPages = budget
			sum := crawlWith(t, testStore(t), cfg, namedDial, s.seed)
			requests := len(s.wwwPages()) + len(s.pdfWindows())
			if requests != budget || sum.Pages != budget {
				t.Errorf("%d page requests, %d pages archived, want %d each", requests, sum.Pages, budget)
			}
			if !sum.Seeds[0].BudgetSpent {
				t.Errorf("budget not reported spent: %+v", sum.Seeds[0])
			}
			for p, n := range s.www.fetched() {
				if n != 1 {
					t.Errorf("%s fetched %d times", p, n)
				}
			}
		})
	}
}

// A file server that hangs does not hold the seed host back: every page
// of the seed host is fetched and archived while the first PDF hangs. The
// run is then interrupted; the next run (the file server now answering)
// resumes the seed's frontier: it fetches the PDFs, the one abandoned
// mid-request too, and none of the seed host's pages again.
func TestHangingSecondHostResumes(t *testing.T) {
	const reports = 4
	hang := make(chan struct{})
	var once sync.Once
	unhang := func() { once.Do(func() { close(hang) }) }
	t.Cleanup(unhang)
	s := newSpanSite(t, reports, func(r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	})
	wantWWW := reports + 2
	st := testStore(t)
	cfg := testConfig()
	cfg.Timeout = time.Minute // it hangs for good, as far as this run can tell
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var (
		mu       sync.Mutex
		archived []string
	)
	cfg.OnFetch = func(f Fetch) {
		mu.Lock()
		defer mu.Unlock()
		archived = append(archived, f.URL)
		if len(archived) == wantWWW {
			cancel() // every seed-host page is in
		}
	}
	c, err := New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	namedDial(c)
	list := []seeds.Seed{{URL: s.seed, Agency: "某市人民政府"}}
	sum, err := c.Run(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted {
		t.Fatalf("run 1 was not interrupted: %d pages in 30 s, want %d seed-host pages while the file server hangs; archived %v", sum.Pages, wantWWW, archived)
	}
	mu.Lock()
	for _, u := range archived {
		if !slices.Contains([]string{s.seed}, u) && (len(u) < len(s.seed) || u[:len(s.seed)] != s.seed) {
			t.Errorf("run 1 archived %s, not a seed-host page", u)
		}
	}
	if len(archived) != wantWWW {
		t.Errorf("run 1 archived %d pages, want the %d seed-host pages", len(archived), wantWWW)
	}
	mu.Unlock()
	if n := countHits(s.file, "/files/0.pdf") + countHits(s.file, "/files/1.pdf") + countHits(s.file, "/files/2.pdf"); n == 0 {
		t.Errorf("run 1 asked the file server for no PDF: the hang was never in the way")
	}
	www1 := len(s.wwwPages())

	unhang()
	cfg.OnFetch = nil
	sum2 := crawlWith(t, st, cfg, namedDial, s.seed)
	if n := len(s.wwwPages()) - www1; n != 0 {
		t.Errorf("run 2 fetched %d seed-host pages again, want 0 (resumed)", n)
	}
	if !sum2.Seeds[0].Resumed {
		t.Errorf("run 2 did not resume the seed: %+v", sum2.Seeds[0])
	}
	t.Logf("run2 %+v file %v", sum2.Seeds[0], s.file.fetched())
	if sum2.Pages != reports { // reports-1 PDFs and the disallowed one
		t.Errorf("run 2 archived %d pages, want %d", sum2.Pages, reports)
	}
	for i := 0; i < reports-1; i++ {
		caps, err := st.Captures(named(s.file, "file.site.gov.cn") + fmt.Sprintf("/files/%d.pdf", i))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(caps, func(c archive.Capture) bool { return c.Status == 200 && c.ErrKind == "" }) {
			t.Errorf("/files/%d.pdf: no good capture after run 2: %+v", i, caps)
		}
	}
}

// A file server that fails every request is parked, and the seed stops
// once only its PDFs are left, instead of asking for them again and
// again: the seed host's pages are all fetched, the seed is reported
// parked with the file server's name, and its frontier keeps the PDFs
// for the next run, which fetches them once the server answers.
func TestParkedSecondHostKeepsItsItems(t *testing.T) {
	const reports = 5
	var mu sync.Mutex
	failing, failed := true, []string{}
	s := newSpanSite(t, reports, func(*http.Request) {})
	s.file.wrap(func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
		mu.Lock()
		f := failing && r.URL.Path != "/robots.txt"
		if f {
			failed = append(failed, r.URL.Path)
		}
		mu.Unlock()
		if f {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		next(w, r)
	})
	st := testStore(t)
	cfg := testConfig()
	cfg.ParkAfter = 2
	sum := crawlWith(t, st, cfg, namedDial, s.seed)
	if got := len(s.wwwPages()); got != reports+2 {
		t.Errorf("seed host served %d pages, want %d", got, reports+2)
	}
	mu.Lock()
	if len(failed) != 2 {
		t.Errorf("file server got %d PDF requests, want 2 (parked after 2 failures): %v", len(failed), failed)
	}
	mu.Unlock()
	ss := sum.Seeds[0]
	if ss.Status != StatusParked || ss.Err != "host "+s.fileHost+" parked: 2 requests in a row failed (last: HTTP 503)" {
		t.Errorf("seed status %q, %q; want parked, with the file server named", ss.Status, ss.Err)
	}
	if len(sum.Parked) != 1 || sum.Parked[0].Host != s.fileHost {
		t.Errorf("parked hosts %+v, want the file server", sum.Parked)
	}

	mu.Lock()
	failing = false
	mu.Unlock()
	www1 := len(s.wwwPages())
	sum2 := crawlWith(t, st, cfg, namedDial, s.seed)
	if !sum2.Seeds[0].Resumed || sum2.Seeds[0].Status != StatusOK {
		t.Errorf("run 2: %+v, want the seed resumed and ok", sum2.Seeds[0])
	}
	if n := len(s.wwwPages()) - www1; n != 0 {
		t.Errorf("run 2 fetched %d seed-host pages again, want 0", n)
	}
	// The PDFs never asked for in run 1, each once, and the disallowed
	// one, recorded as such (run 1 left it in the frontier with the rest).
	if got, want := s.file.fetched(), map[string]int{"/files/2.pdf": 1, "/files/3.pdf": 1}; !maps.Equal(got, want) {
		t.Errorf("run 2: file server served %v, want %v", got, want)
	}
	if sum2.Pages != 3 {
		t.Errorf("run 2 archived %d pages, want 3", sum2.Pages)
	}
}

// Two seeds of one portal (its home page on www, its 政府信息公开 column on
// xxgk) keep their PDFs on one file server: that server's rate and
// connection hold across both seeds (its gate is the host's, not the
// seed's), while each seed's own host goes on beside it.
func TestSecondHostSharedBySeeds(t *testing.T) {
	const reports = 4
	const interval = 40 * time.Millisecond
	file := newPortal(t)
	filePeak := peakInFlight(file, 20*time.Millisecond)
	fileBase := named(file, "file.site.gov.cn")
	var urls []string
	for _, name := range []string{"www", "xxgk"} {
		p := newPortal(t)
		list := ""
		for i := 0; i < reports; i++ {
			path := fmt.Sprintf("/ndbg/t%d.html", i)
			pdf := fmt.Sprintf("/files/%s%d.pdf", name, i)
			list += a(path, fmt.Sprintf("%d年政府信息公开工作年度报告", 2010+i))
			p.set(path, reportPage(2010+i, fileBase+pdf))
			file.set(pdf, "%PDF-1.4\n%%EOF\n")
		}
		p.set("/", htmlPage("政府信息公开", list))
		urls = append(urls, named(p, name+".site.gov.cn")+"/")
	}
	cfg := testConfig()
	cfg.Rate = float64(time.Second / interval)
	var mu sync.Mutex
	var fileStarts []time.Time
	fileHost := fileBase[len("http://"):]
	sum := crawlWith(t, testStore(t), cfg, func(c *Crawler) {
		namedDial(c)
		c.tr.onStart = func(host string, at time.Time) {
			if host == fileHost {
				mu.Lock()
				fileStarts = append(fileStarts, at)
				mu.Unlock()
			}
		}
	}, urls...)
	if want := 2 * (1 + 2*reports); sum.Pages != want {
		t.Errorf("%d pages archived, want %d", sum.Pages, want)
	}
	got := file.fetched()
	if len(got) != 2*reports {
		t.Errorf("file server served %d distinct PDFs, want %d: %v", len(got), 2*reports, got)
	}
	for p, n := range got {
		if n != 1 {
			t.Errorf("%s served %d times", p, n)
		}
	}
	if n := countHits(file, "/robots.txt"); n != 1 {
		t.Errorf("file server's robots.txt fetched %d times, want 1 for both seeds", n)
	}
	if p := filePeak.Load(); p != 1 {
		t.Errorf("file server had %d requests in flight at once, want 1", p)
	}
	mu.Lock()
	defer mu.Unlock()
	slices.SortFunc(fileStarts, time.Time.Compare)
	if len(fileStarts) != 2*reports+1 { // and robots.txt
		t.Errorf("%d starts at the file server's gate, want %d", len(fileStarts), 2*reports+1)
	}
	for i := 1; i < len(fileStarts); i++ {
		if d := fileStarts[i].Sub(fileStarts[i-1]); d < interval {
			t.Errorf("file server: starts %d and %d %s apart, rate interval %s", i-1, i, d, interval)
		}
	}
}
