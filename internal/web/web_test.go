package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

func f(v float64) *float64 { return &v }

// fixtureArchive is a small real archive: agency 新前街道 with a 2020 report
// captured twice with a corrected cell in between (two versions) and a 2019
// report, and agency 康川街道 in another region.
type fixtureArchive struct {
	store            *archive.Store
	v1, v2, old, kc  string // digests
	reportURL, url19 string
}

const hostileScript = `<script>document.title="pwned"</script>`

func page(title, body string) string {
	return `<html><head><meta charset="gbk"><title>` + title + `</title></head><body>` + hostileScript + `<h1>` + title + `</h1>` + body + `</body></html>`
}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func requestsTables(partial float64, partialRaw string) extract.Tables {
	return extract.Tables{
		"requests": {
			"received":    {"natural_person": {Raw: "16", Value: f(16)}, "total": {Raw: "16", Value: f(16)}},
			"carried_in":  {"total": {Raw: "0", Value: f(0)}},
			"granted":     {"natural_person": {Raw: "7", Value: f(7)}, "total": {Raw: "7", Value: f(7)}},
			"partial":     {"natural_person": {Raw: partialRaw, Value: f(partial)}, "total": {Raw: "8", Value: f(8)}},
			"total":       {"natural_person": {Raw: "8", Value: f(8)}},
			"carried_out": {"natural_person": {Raw: "0", Value: f(0)}, "commercial": {Raw: ""}},
		},
	}
}

func newFixtureArchive(t *testing.T) *fixtureArchive {
	t.Helper()
	ctx := context.Background()
	st, err := archive.Open(filepath.Join(t.TempDir(), "web.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fa := &fixtureArchive{store: st,
		reportURL: "http://xq.example.gov.cn/xxgk/ndbg/2021/t20210125_1.html",
		url19:     "http://xq.example.gov.cn/xxgk/ndbg/2020/t20200120_1.html"}
	day := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	add := func(url string, at time.Time, body []byte, rec extract.Record) string {
		t.Helper()
		added, err := st.AddCapture(ctx, archive.Capture{URL: url, FinalURL: url, FetchedAt: at, Status: 200,
			Proto: "HTTP/1.1", Header: http.Header{"Content-Type": {"text/html; charset=gbk"}}}, body)
		if err != nil {
			t.Fatal(err)
		}
		d := added.Capture.Digest
		rec.URL, rec.SHA256, rec.ContentType = url, d, "text/html; charset=gbk"
		js, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutParsed(ctx, archive.Parsed{Digest: d, ParserVersion: extract.ParserVersion, URL: url,
			Kind: rec.Kind, Agency: rec.Agency, Region: rec.Region, Year: rec.Year, Template: rec.Template, JSON: js}); err != nil {
			t.Fatal(err)
		}
		return d
	}
	base := extract.Record{Agency: "新前街道", Region: "黄岩区", Kind: extract.KindReport, Template: "2019",
		Charset: "gbk", CharsetSource: "http-header"}

	r1 := base
	r1.Year, r1.Title = 2020, "新前街道2020年度政府信息公开年度报告"
	r1.Text = "一、总体情况\n2020年新收申请16件。\n部分公开2件。"
	r1.Tables = requestsTables(2, "2")
	r1.Checks = []extract.Check{{ID: "requests.total", Status: extract.CheckFailed, Detail: "natural_person: total 8 ≠ granted 7 + partial 2 = 9"}}
	fa.v1 = add(fa.reportURL, day, gbk(t, page(r1.Title, "<p>部分公开2件。</p>")), r1)
	// The next night the same bytes again, then a corrected version.
	add(fa.reportURL, day.Add(24*time.Hour), gbk(t, page(r1.Title, "<p>部分公开2件。</p>")), r1)
	r2 := r1
	r2.Text = "一、总体情况\n2020年新收申请16件。\n部分公开1件。"
	r2.Tables = requestsTables(1, "1")
	fa.v2 = add(fa.reportURL, day.Add(48*time.Hour), gbk(t, page(r1.Title, "<p>部分公开1件。</p>")), r2)

	r0 := base
	r0.Year, r0.Title = 2019, "新前街道2019年度政府信息公开年度报告"
	r0.Text = "2019年收到申请3件。"
	r0.Tables = extract.Tables{"requests": {
		"received":    {"total": {Raw: "3", Value: f(3)}},
		"granted":     {"total": {Raw: "1", Value: f(1)}},
		"carried_out": {"total": {Raw: "5", Value: f(5)}}}}
	fa.old = add(fa.url19, day, gbk(t, page(r0.Title, "<p>2019</p>")), r0)

	kc := extract.Record{Agency: "康川街道", Region: "康乐县", Kind: extract.KindReport, Template: "2019", Year: 2020,
		Title: "康川街道2020政府信息公开工作年度报告", Text: "康川"}
	fa.kc = add("http://kc.example.gov.cn/ndbg/2020.html", day, gbk(t, page(kc.Title, "<p>康川</p>")), kc)
	return fa
}

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func newServer(t *testing.T, fa *fixtureArchive) *Server {
	t.Helper()
	s, err := New(fa.store, log.New(testLog{t}, "web: ", 0))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPages(t *testing.T) {
	fa := newFixtureArchive(t)
	s := newServer(t, fa)
	tests := []struct {
		name, path string
		status     int
		want       []string // substrings of the body, in order
		not        []string
	}{
		// The home page says what the archive holds: 2 agencies, 3 report
		// URLs with 4 versions, 2 years, 1 failing report (新前街道 2020's
		// latest version lists a failed check), and the changed report with
		// the time of its new version and a link to its diff.
		{"home", "/", 200, []string{`id="overview"`, "<dt>Agencies 机关</dt><dd>2</dd>", "<dd>3 (4 versions)</dd>",
			"2020: 2 · 2019: 1", "<dt>Last crawl 最近采集</dt><dd>none</dd>", "<dd>1 of 3 reports (latest versions)</dd>",
			`id="changed"`, "2026-11-22 02:00:00 UTC", "新前街道2020年度政府信息公开年度报告", `<a href="/diff/` + fa.v1 + "/" + fa.v2 + `" class="diff">`,
			"康川街道", "新前街道"}, nil},
		{"search has no overview", "/?q=" + url.QueryEscape("新前"), 200, []string{"新前街道"}, []string{`id="overview"`}},
		{"search part of a name", "/?q=" + url.QueryEscape("新前"), 200, []string{`/agency?name=%e6%96%b0%e5%89%8d%e8%a1%97%e9%81%93`, "新前街道"}, []string{"康川街道</a>"}},
		{"search by region", "/?region=" + url.QueryEscape("康乐县"), 200, []string{"康川街道"}, []string{"新前街道</a>"}},
		{"search no match", "/?q=nothing", 200, []string{"No agency matches."}, nil},
		{"timeline", "/agency?name=" + url.QueryEscape("新前街道"), 200, []string{
			"2020", "新前街道2020年度政府信息公开年度报告", "2026-11-20 02:00:00 UTC – 2026-11-22 02:00:00 UTC", ">2 <span class=\"tag warn\">changed</span>", "requests.total",
			"2019", "新前街道2019年度政府信息公开年度报告",
		}, nil},
		{"across years", "/agency?name=" + url.QueryEscape("新前街道"), 200, []string{`id="across-years"`, "requests.carried_in</b> 2020: failed"}, nil},
		// Axes: 件 with round gridlines up to 20 (16 is the highest bar), every
		// year under the x axis, oldest first.
		{"timeline chart", "/agency?name=" + url.QueryEscape("新前街道"), 200, []string{"<svg",
			`class="y">0</text>`, `class="y">5</text>`, `class="y">10</text>`, `class="y">15</text>`, `class="y">20</text>`, `class="axis"`, ">件</text>",
			"2019 收到申请 3", "2019 予以公开 1", "2020 收到申请 16", "2020 予以公开 7",
			`class="year">2019</text>`, `class="year">2020</text>`}, []string{"no figures"}},
		{"chart without figures", "/agency?name=" + url.QueryEscape("康川街道"), 200, []string{"No request figures in these reports."}, nil},
		{"unknown agency", "/agency?name=" + url.QueryEscape("不存在"), 404, nil, nil},
		// The failed check in words with the official labels, and the three
		// cells it reads highlighted; the cells it does not read are not.
		{"report v1", "/report/" + fa.v1, 200, []string{
			"新前街道2020年度政府信息公开年度报告", "requests.total", "（七）总计 应等于各项办理结果之和",
			"总计 8 ≠ 予以公开 7 &#43; 部分公开 2 = 9（自然人列）",
			"三、收到和处理政府信息公开申请情况", "自然人",
			`<tr data-row="granted"><th>三、本年度办理结果 （一）予以公开</th><td class=" fail" data-col="natural_person" title="read by a failed check">7</td>`,
			`<td class="" data-col="total">7</td>`,
			`<tr data-row="partial">`, `<td class=" fail" data-col="natural_person" title="read by a failed check">2</td>`,
			`<tr data-row="total">`, `<td class=" fail" data-col="natural_person" title="read by a failed check">8</td>`,
			"/diff/" + fa.v1 + "/" + fa.v2}, []string{`<td class=" fail" data-col="total"`}},
		// v2 as stored still lists the check (an older parse); its figures no
		// longer fail it, so the stored detail is shown and nothing is lit.
		{"report v2", "/report/" + fa.v2, 200, []string{"natural_person: total 8 ≠ granted 7 &#43; partial 2 = 9", `data-col="natural_person">1</td>`}, []string{`" fail"`, `class=" fail"`}},
		{"diff", "/diff/" + fa.v1 + "/" + fa.v2, 200, []string{
			"三、收到和处理政府信息公开申请情况", "（二）部分公开（区分处理的，只计这一情形，不计其他情形） / 自然人", "requests.partial.natural_person",
			`<td class="inline"><del>2</del><ins>1</ins></td>`,
			`<tr class="changed"><td colspan="2" class="inline">部分公开<del>2</del><ins>1</ins>件。</td></tr>`}, nil},
		{"text", "/text/" + fa.v2, 200, []string{"部分公开1件。"}, nil},
		{"unknown digest", "/report/" + strings.Repeat("ab", 32), 404, nil, nil},
		{"malformed digest", "/report/xyz", 404, nil, nil},
		{"raw malformed", "/raw/..%2f..%2fetc%2fpasswd", 404, nil, nil},
		{"diff unknown", "/diff/" + fa.v1 + "/" + strings.Repeat("0", 64), 404, nil, nil},
		{"no such page", "/etc/passwd", 404, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := get(t, s, tc.path)
			if res.StatusCode != tc.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tc.path, res.StatusCode, tc.status, body)
			}
			rest := body
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("GET %s: %q missing (or out of order) in\n%s", tc.path, w, body)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("GET %s: %q should not be there", tc.path, n)
				}
			}
		})
	}
}

// The archived page is decoded to UTF-8 and sandboxed so that its scripts
// cannot run in the viewer's origin.
func TestRawPageSandboxed(t *testing.T) {
	fa := newFixtureArchive(t)
	s := newServer(t, fa)
	res, body := get(t, s, "/raw/"+fa.v1)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "sandbox") || strings.Contains(csp, "allow-scripts") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q does not sandbox the page", csp)
	}
	if !strings.Contains(body, "<h1>新前街道2020年度政府信息公开年度报告</h1>") {
		t.Errorf("GBK page not decoded to UTF-8: %q", body)
	}
	// Our own pages never carry the archived script.
	_, report := get(t, s, "/report/"+fa.v1)
	if strings.Contains(report, hostileScript) {
		t.Error("archived script leaked into the report page")
	}
}

func TestEveryValueEscaped(t *testing.T) {
	fa := newFixtureArchive(t)
	ctx := context.Background()
	evil := `<img src=x onerror=alert(1)>`
	rec := extract.Record{Agency: "恶意" + evil, Kind: extract.KindReport, Year: 2021, Title: evil, Text: evil,
		Tables: extract.Tables{"requests": {"received": {"total": {Raw: evil}}}}}
	added, err := fa.store.AddCapture(ctx, archive.Capture{URL: "http://evil.example.gov.cn/" + evil, FetchedAt: time.Now().UTC(), Status: 200}, []byte(evil))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(rec)
	if err := fa.store.PutParsed(ctx, archive.Parsed{Digest: added.Capture.Digest, ParserVersion: 1, URL: "http://evil.example.gov.cn/" + evil,
		Kind: rec.Kind, Agency: rec.Agency, Year: rec.Year, JSON: js}); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, fa)
	for _, p := range []string{"/", "/agency?name=" + url.QueryEscape(rec.Agency), "/report/" + added.Capture.Digest} {
		res, body := get(t, s, p)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, res.StatusCode)
		}
		if strings.Contains(body, evil) {
			t.Errorf("GET %s: unescaped %q", p, evil)
		}
	}
}

// A bounded load test on loopback: 1,000 concurrent requests to random pages
// all answer, none with a server error.
func TestConcurrentRequests(t *testing.T) {
	fa := newFixtureArchive(t)
	s := newServer(t, fa)
	srv := httptest.NewServer(s)
	defer srv.Close()
	paths := []string{"/", "/?q=" + url.QueryEscape("街道"), "/agency?name=" + url.QueryEscape("新前街道"), "/report/" + fa.v1, "/report/" + fa.v2,
		"/raw/" + fa.old, "/diff/" + fa.v1 + "/" + fa.v2, "/text/" + fa.kc, "/report/" + strings.Repeat("0", 64)}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	round := func() {
		const n = 1000
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func(i int) {
				p := paths[i%len(paths)]
				res, err := client.Get(srv.URL + p)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode >= 500 {
					errs <- fmt.Errorf("GET %s: %d", p, res.StatusCode)
					return
				}
				errs <- nil
			}(i)
		}
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	round()
	after1 := heap()
	round()
	after2 := heap()
	// Memory stays flat: a second round of the same load keeps no more
	// than a few MB beyond the first (pools, connection buffers).
	if after2 > after1+8<<20 {
		t.Errorf("heap grew from %d to %d bytes across two rounds of 1,000 requests", after1, after2)
	}
	t.Logf("heap after round 1: %d KB, after round 2: %d KB", after1>>10, after2>>10)
}

func TestExportLinks(t *testing.T) {
	fa := newFixtureArchive(t)
	s := newServer(t, fa)
	res, body := get(t, s, "/export/jsonl?agency="+url.QueryEscape("新前街道"))
	if res.StatusCode != 200 {
		t.Fatalf("jsonl: %d %s", res.StatusCode, body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	// Two versions of the 2020 report and one 2019 report; not 康川街道's.
	if len(lines) != 3 {
		t.Fatalf("jsonl: %d records, want 3:\n%s", len(lines), body)
	}
	var partials []string
	for _, l := range lines {
		var rec extract.Record
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Agency != "新前街道" {
			t.Errorf("record of %q in 新前街道's export", rec.Agency)
		}
		if c, ok := rec.Tables["requests"]["partial"]["natural_person"]; ok {
			partials = append(partials, c.Raw)
		}
	}
	if strings.Join(partials, ",") != "2,1" && strings.Join(partials, ",") != "1,2" {
		t.Errorf("partial natural_person across versions = %v, want 2 and 1", partials)
	}
	res, body = get(t, s, "/export/csv?agency="+url.QueryEscape("新前街道"))
	if res.StatusCode != 200 || !strings.Contains(body, "requests,partial,natural_person,1,1") {
		t.Errorf("csv: %d, no row for the corrected cell:\n%s", res.StatusCode, body)
	}
	if res, _ := get(t, s, "/export/xml?agency=x"); res.StatusCode != 404 {
		t.Errorf("unknown format: %d", res.StatusCode)
	}
}

func TestStylesheet(t *testing.T) {
	s := newServer(t, newFixtureArchive(t))
	res, body := get(t, s, "/static/style.css")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/css; charset=utf-8" || !strings.Contains(body, "rect.received{fill:#8b0000}") {
		t.Fatalf("stylesheet: %d %q %.80q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}

// testLog sends the server's log to the test's.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{{"新前街道", 12, "新前街道"}, {"新前街道", 7, "新前"}, {"新前街道", 6, "新前"}, {"ab新", 3, "ab"}, {"新", 2, ""}} {
		if got := clip(tc.in, tc.n); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
