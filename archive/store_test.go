package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// openTemp opens a fresh archive in a temporary directory.
func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "archive.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func day(d int) time.Time { return time.Date(2026, 3, d, 2, 0, 0, 0, time.UTC) }

// page is a small but real report page; n makes it distinct.
func page(n int) []byte {
	return []byte(fmt.Sprintf("<html><head><meta charset=\"utf-8\"><title>新前街道2020年度政府信息公开年度报告</title></head>"+
		"<body><p>本年度共收到政府信息公开申请%d件。</p></body></html>", n))
}

func mustAdd(t *testing.T, s *Store, c Capture, body []byte) Added {
	t.Helper()
	a, err := s.AddCapture(context.Background(), c, body)
	if err != nil {
		t.Fatalf("AddCapture %s: %v", c.URL, err)
	}
	return a
}

func TestDedupAcrossURLsAndRuns(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	same := page(16)
	r1, err := s.BeginRun(ctx, []string{"seeds/a.csv"})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.BeginRun(ctx, []string{"seeds/a.csv"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		url        string
		run        uint64
		at         time.Time
		newPayload bool
	}{
		{"http://a.gov.cn/ndbg/2020.html", r1.ID, day(1), true},
		{"http://b.gov.cn/copy/2020.html", r1.ID, day(1), false},
		{"http://a.gov.cn/ndbg/2020.html", r2.ID, day(2), false},
		{"http://b.gov.cn/copy/2020.html", r2.ID, day(2), false},
	}
	var digest string
	for i, st := range steps {
		a := mustAdd(t, s, Capture{RunID: st.run, URL: st.url, FetchedAt: st.at, Status: 200}, same)
		if a.NewPayload != st.newPayload {
			t.Errorf("step %d: NewPayload = %v, want %v", i, a.NewPayload, st.newPayload)
		}
		if a.Capture.ID != uint64(i+1) {
			t.Errorf("step %d: ID = %d, want %d", i, a.Capture.ID, i+1)
		}
		if digest == "" {
			digest = a.Capture.Digest
		} else if a.Capture.Digest != digest {
			t.Errorf("step %d: digest %s, want %s", i, a.Capture.Digest, digest)
		}
	}
	// sha256 of the page, computed independently of the store.
	if want, _ := sum(same); digest != want {
		t.Fatalf("digest %s, want %s", digest, want)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Payloads != 1 || st.Captures != 4 || st.RawBytes != int64(len(same)) || st.CaptureBytes != 4*int64(len(same)) {
		t.Errorf("stats: payloads %d captures %d raw %d downloaded %d; want 1, 4, %d, %d",
			st.Payloads, st.Captures, st.RawBytes, st.CaptureBytes, len(same), 4*len(same))
	}
	if st.CapturesByKind["ok"] != 4 {
		t.Errorf("captures ok = %d, want 4", st.CapturesByKind["ok"])
	}
	got, err := s.Payload(digest)
	if err != nil || !bytes.Equal(got, same) {
		t.Fatalf("Payload = %q, %v", got, err)
	}
	caps, err := s.Captures("http://b.gov.cn/copy/2020.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 2 || caps[0].RunID != r1.ID || caps[1].RunID != r2.ID || !caps[1].FetchedAt.Equal(day(2)) {
		t.Errorf("captures of b: %+v", caps)
	}
}

// A capture of unchanged content must cost a capture record, not a payload.
func TestCaptureRecordIsSmall(t *testing.T) {
	s, _ := openTemp(t)
	h := http.Header{
		"Content-Type":   {"text/html; charset=gb2312"},
		"Etag":           {`"5f3e-5b2c1a0d9e480"`},
		"Last-Modified":  {"Tue, 25 Jan 2021 08:00:00 GMT"},
		"Content-Length": {"24382"},
		"Server":         {"nginx"},
		"Date":           {"Sun, 22 Nov 2026 02:00:13 GMT"},
	}
	c := Capture{RunID: 7, URL: "http://www.example.gov.cn/xxgk/ndbg/2021/t20210125_1.html", FinalURL: "http://www.example.gov.cn/xxgk/ndbg/2021/t20210125_1.html",
		Seed: "http://www.example.gov.cn/", Agency: "新前街道", Region: "浙江省台州市", FetchedAt: day(3), Status: 200, Proto: "HTTP/1.1", Header: h}
	a := mustAdd(t, s, c, page(1))
	_, dkey := sum(page(1))
	rec := encodeCapture(a.Capture, dkey)
	if len(rec) > 400 {
		t.Errorf("capture record is %d bytes, want ≤ 400", len(rec))
	}
	got, err := s.GetCapture(a.Capture.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header.Get("ETag") != `"5f3e-5b2c1a0d9e480"` || got.Agency != "新前街道" || got.FinalURL != c.URL || got.Size != int64(len(page(1))) || got.Proto != "HTTP/1.1" {
		t.Errorf("round trip: %+v", got)
	}
}

func TestVersionHistory(t *testing.T) {
	s, _ := openTemp(t)
	const u = "http://www.example.gov.cn/xxgk/ndbg/2021.html"
	v1, v2 := page(1), page(2)
	d1, _ := sum(v1)
	d2, _ := sum(v2)
	steps := []struct {
		at         time.Time
		status     int
		body       []byte
		digest     string // for 304
		errKind    string
		newVersion bool
	}{
		{day(1), 200, v1, "", "", true},
		{day(2), 200, v1, "", "", false},
		{day(3), 304, nil, d1, "", false},      // a 304 confirming v1 is a sighting of v1
		{day(4), 0, nil, "", "timeout", false}, // failures are captures, not versions
		{day(5), 200, v2, "", "", true},
		{day(6), 200, v1, "", "", true}, // back to v1's bytes: a third version
	}
	for i, st := range steps {
		a := mustAdd(t, s, Capture{URL: u, FetchedAt: st.at, Status: st.status, Digest: st.digest, ErrKind: st.errKind,
			Header: http.Header{"Etag": {fmt.Sprintf(`"e%d"`, i)}}}, st.body)
		if a.NewVersion != st.newVersion {
			t.Errorf("step %d: NewVersion = %v, want %v", i, a.NewVersion, st.newVersion)
		}
	}
	vs, err := s.Versions(u)
	if err != nil {
		t.Fatal(err)
	}
	want := []Version{
		{URL: u, Seq: 1, Digest: d1, FirstSeen: day(1), LastSeen: day(3), CaptureIDs: []uint64{1, 2, 3}},
		{URL: u, Seq: 2, Digest: d2, FirstSeen: day(5), LastSeen: day(5), CaptureIDs: []uint64{5}},
		{URL: u, Seq: 3, Digest: d1, FirstSeen: day(6), LastSeen: day(6), CaptureIDs: []uint64{6}},
	}
	if len(vs) != len(want) {
		t.Fatalf("got %d versions, want %d: %+v", len(vs), len(want), vs)
	}
	for i := range want {
		g, w := vs[i], want[i]
		if g.URL != w.URL || g.Seq != w.Seq || g.Digest != w.Digest || !g.FirstSeen.Equal(w.FirstSeen) || !g.LastSeen.Equal(w.LastSeen) || fmt.Sprint(g.CaptureIDs) != fmt.Sprint(w.CaptureIDs) {
			t.Errorf("version %d = %+v, want %+v", i+1, g, w)
		}
	}
	// The bytes of version 2 are the bytes served on day 5.
	if b, err := s.Payload(vs[1].Digest); err != nil || !bytes.Equal(b, v2) {
		t.Errorf("payload of version 2 = %q, %v", b, err)
	}
	val, err := s.Validators(u)
	if err != nil {
		t.Fatal(err)
	}
	if val.ETag != `"e5"` || val.Digest != d1 {
		t.Errorf("validators = %+v, want ETag \"e5\" digest %s", val, d1)
	}
	if _, err := s.Versions("http://never.gov.cn/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Versions of unknown URL: %v, want ErrNotFound", err)
	}
	var urls []string
	if err := s.ForEachURL(context.Background(), func(u string) error { urls = append(urls, u); return nil }); err != nil || len(urls) != 1 || urls[0] != u {
		t.Errorf("ForEachURL = %v, %v", urls, err)
	}
}

func TestCaptureRejects(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	cases := []struct {
		name string
		c    Capture
		body []byte
		want string
	}{
		{"empty url", Capture{}, nil, "empty URL"},
		{"nul in url", Capture{URL: "http://a/\x00"}, nil, "NUL"},
		{"huge url", Capture{URL: "http://a/" + strings.Repeat("x", 40000)}, nil, "exceeds"},
		{"bad digest", Capture{URL: "http://a/", Status: 304, Digest: "xyz"}, nil, "bad digest"},
		{"304 of unknown payload", Capture{URL: "http://a/", Status: 304, Digest: strings.Repeat("ab", 32)}, nil, "does not hold"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.AddCapture(ctx, tc.c, tc.body)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want containing %q", err, tc.want)
			}
		})
	}
	// A rejected op must not leave a partial write behind.
	if st, _ := s.Stats(ctx); st.Captures != 0 {
		t.Errorf("captures after rejects = %d, want 0", st.Captures)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.AddCapture(cancelled, Capture{URL: "http://a/"}, page(1)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: %v", err)
	}
}

func TestReparseKeepsOlderRecord(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	d, _ := sum(page(1))
	v1 := Parsed{Digest: d, ParserVersion: 1, URL: "http://www.xq.gov.cn/ndbg/2020.html", Kind: "report", Agency: "新前街道", Region: "台州", Year: 2020, Template: "2019", JSON: []byte(`{"year":2020,"parser":1}`)}
	if err := s.PutParsed(ctx, v1); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetParsed(d)
	if err != nil || got.ParserVersion != 1 || string(got.JSON) != string(v1.JSON) {
		t.Fatalf("before reparse: %+v, %v", got, err)
	}
	// Parser v2 reads the agency differently.
	v2 := v1
	v2.ParserVersion, v2.Agency, v2.JSON = 2, "台州市黄岩区新前街道办事处", []byte(`{"year":2020,"parser":2}`)
	if err := s.PutParsed(ctx, v2); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetParsed(d)
	if err != nil || got.ParserVersion != 2 || got.Agency != v2.Agency || string(got.JSON) != `{"year":2020,"parser":2}` {
		t.Fatalf("after reparse: %+v, %v", got, err)
	}
	// The header is the newest record's fields, without the JSON.
	hdr, err := s.ParsedHeader(d)
	want := got
	want.JSON = nil
	if err != nil || !reflect.DeepEqual(hdr, want) {
		t.Errorf("ParsedHeader = %+v, %v; want %+v", hdr, err, want)
	}
	if _, err := s.ParsedHeader(strings.Repeat("ab", 32)); !errors.Is(err, ErrNotFound) {
		t.Errorf("ParsedHeader of an unknown payload: %v, want ErrNotFound", err)
	}
	old, err := s.GetParsedVersion(d, 1)
	if err != nil || string(old.JSON) != `{"year":2020,"parser":1}` || old.Agency != "新前街道" {
		t.Fatalf("v1 after reparse: %+v, %v", old, err)
	}
	if vs, _ := s.ParsedVersions(d); fmt.Sprint(vs) != "[1 2]" {
		t.Errorf("ParsedVersions = %v", vs)
	}
	// The stale agency index entry of v1 must not match any more.
	for _, tc := range []struct {
		agency string
		want   int
	}{{"新前街道", 0}, {v2.Agency, 1}} {
		n := 0
		err := s.ForEachParsed(ctx, Filter{Agency: tc.agency}, func(p Parsed) error {
			n++
			if p.ParserVersion != 2 {
				t.Errorf("streamed parser v%d, want 2", p.ParserVersion)
			}
			return nil
		})
		if err != nil || n != tc.want {
			t.Errorf("agency %s: %d records, %v; want %d", tc.agency, n, err, tc.want)
		}
	}
	// Writing an older parser version after a newer one does not shadow it.
	v0 := v1
	v0.ParserVersion = 0
	if err := s.PutParsed(ctx, v0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetParsed(d); got.ParserVersion != 2 {
		t.Errorf("after writing v0, newest = v%d", got.ParserVersion)
	}
}

func TestForEachParsedFilters(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	recs := []Parsed{
		{ParserVersion: 1, URL: "http://www.xq.gov.cn/a.html", Kind: "report", Agency: "新前街道", Region: "台州", Year: 2020, Template: "2019"},
		{ParserVersion: 1, URL: "http://WWW.XQ.gov.cn/b.html", Kind: "report", Agency: "新前街道", Region: "台州", Year: 2021, Template: "2021"},
		{ParserVersion: 1, URL: "http://www.hz.gov.cn/c.html", Kind: "report", Agency: "杭州市人民政府", Region: "杭州", Year: 2020, Template: "2019"},
		{ParserVersion: 1, URL: "http://wenku.example.com/d.html", Kind: "copy", Agency: "新前街道", Region: "", Year: 2020, Template: "2019"},
		{ParserVersion: 1, URL: "http://www.hz.gov.cn/e.html", Kind: "not_report", Agency: "", Region: "杭州", Year: 0},
	}
	for i := range recs {
		recs[i].Digest, _ = sum(page(100 + i))
		recs[i].JSON = []byte(fmt.Sprintf(`{"n":%d}`, i))
		if err := s.PutParsed(ctx, recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		f    Filter
		want []int // indexes into recs
	}{
		{Filter{}, []int{0, 1, 2, 3, 4}},
		{Filter{Agency: "新前街道"}, []int{0, 1, 3}},
		{Filter{Agency: "新前街道", Year: 2020}, []int{0, 3}},
		{Filter{Year: 2020}, []int{0, 2, 3}},
		{Filter{Region: "杭州"}, []int{2, 4}},
		{Filter{Host: "www.xq.gov.cn"}, []int{0, 1}},
		{Filter{Kind: "copy"}, []int{3}},
		{Filter{URL: "http://www.hz.gov.cn/c.html"}, []int{2}},
		{Filter{Agency: "nobody"}, nil},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%+v", tc.f), func(t *testing.T) {
			got := map[string]bool{}
			err := s.ForEachParsed(ctx, tc.f, func(p Parsed) error {
				got[string(p.JSON)] = true
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for _, i := range tc.want {
				if !got[fmt.Sprintf(`{"n":%d}`, i)] {
					t.Errorf("missing record %d in %v", i, got)
				}
			}
		})
	}
	ags, err := s.Agencies()
	if err != nil {
		t.Fatal(err)
	}
	want := "[{新前街道  1} {新前街道 台州 2} {杭州市人民政府 杭州 1}]"
	if fmt.Sprint(ags) != want {
		t.Errorf("Agencies = %v, want %s", ags, want)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(st.Parsed) != "[{0  not_report 1} {2020 2019 copy 1} {2020 2019 report 2} {2021 2021 report 1}]" {
		t.Errorf("Stats.Parsed = %v", st.Parsed)
	}
}

// Streaming must survive a callback that writes to the store (reparse does).
func TestForEachParsedCallbackWrites(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	const n = chunkEntries + 44 // more than one scan chunk
	for i := 0; i < n; i++ {
		d, _ := sum(page(i))
		if err := s.PutParsed(ctx, Parsed{Digest: d, ParserVersion: 1, Year: 2020, JSON: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	seen := 0
	err := s.ForEachParsed(ctx, Filter{Year: 2020}, func(p Parsed) error {
		seen++
		p.ParserVersion, p.JSON = 2, []byte(`{"v":2}`)
		return s.PutParsed(ctx, p)
	})
	if err != nil || seen != n {
		t.Fatalf("reparse loop saw %d of %d: %v", seen, n, err)
	}
	v2 := 0
	if err := s.ForEachParsed(ctx, Filter{}, func(p Parsed) error {
		if p.ParserVersion == 2 && string(p.JSON) == `{"v":2}` {
			v2++
		}
		return nil
	}); err != nil || v2 != n {
		t.Errorf("after reparse %d of %d records are v2: %v", v2, n, err)
	}
}

func TestRuns(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	r1, err := s.BeginRun(ctx, []string{"seeds/zj.csv"})
	if err != nil {
		t.Fatal(err)
	}
	r1.Counts = map[string]int{"captures": 12, "new_payloads": 3}
	if err := s.EndRun(ctx, r1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginRun(ctx, []string{"seeds/js.csv"}); err != nil { // killed: never ended
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	runs, err := s2.Runs()
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	if runs[0].Counts["captures"] != 12 || runs[0].Ended.IsZero() || runs[0].Interrupted || runs[0].Seeds[0] != "seeds/zj.csv" {
		t.Errorf("run 1 = %+v", runs[0])
	}
	if !runs[1].Interrupted || !runs[1].Ended.IsZero() {
		t.Errorf("run 2 should be marked interrupted: %+v", runs[1])
	}
}

func TestClosedStore(t *testing.T) {
	s, _ := openTemp(t)
	a := mustAdd(t, s, Capture{URL: "http://a.gov.cn/", Status: 200}, page(1))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	ctx := context.Background()
	checks := map[string]error{}
	_, checks["AddCapture"] = s.AddCapture(ctx, Capture{URL: "http://a.gov.cn/"}, page(2))
	_, checks["Payload"] = s.Payload(a.Capture.Digest)
	_, checks["GetCapture"] = s.GetCapture(1)
	_, checks["Versions"] = s.Versions("http://a.gov.cn/")
	checks["PutParsed"] = s.PutParsed(ctx, Parsed{Digest: a.Capture.Digest})
	checks["Push"] = s.Frontier("x").Push(ctx, FrontierItem{Key: "k"})
	_, checks["Pending"] = s.Frontier("x").Pending()
	_, checks["Stats"] = s.Stats(ctx)
	for name, err := range checks {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

// ForEachURL lists each URL once, in byte order, across scan chunks, and
// skips the per-URL capture and version keys stored beside it.
func TestForEachURL(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	var want []string
	var wg sync.WaitGroup
	for i := 0; i < chunkEntries+30; i++ {
		u := fmt.Sprintf("http://h.gov.cn/%04d", i)
		want = append(want, u)
		wg.Add(1)
		go func() { // concurrent, so the writer batches them
			defer wg.Done()
			for n := 0; n < 2; n++ { // two captures, two versions each
				if _, err := s.AddCapture(ctx, Capture{URL: u, Status: 200}, page(i*10+n)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	// A URL that is a prefix of others must not hide them.
	mustAdd(t, s, Capture{URL: "http://h.gov.cn/0001/x", Status: 404, ErrKind: "http_4xx"}, nil)
	want = append(want[:2], append([]string{"http://h.gov.cn/0001/x"}, want[2:]...)...)
	var got []string
	if err := s.ForEachURL(ctx, func(u string) error { got = append(got, u); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ForEachURL: got %d URLs, want %d; first %v", len(got), len(want), got[:min(4, len(got))])
	}
	if st, _ := s.Stats(ctx); st.URLs != int64(len(want)) {
		t.Errorf("Stats.URLs = %d, want %d", st.URLs, len(want))
	}
	caps, err := s.Captures("http://h.gov.cn/0001")
	if err != nil || len(caps) != 2 {
		t.Errorf("Captures of a URL that prefixes another: %d, %v", len(caps), err)
	}
}

// URLsOf finds every URL that served a payload, so one parsed record (keyed
// by payload) can be traced to each place it was published; failed
// captures do not count.
func TestURLsOf(t *testing.T) {
	s, _ := openTemp(t)
	v1, v2 := page(1), page(2)
	d1, _ := sum(v1)
	d2, _ := sum(v2)
	const a, b, c = "http://a.example.gov.cn/r.html", "http://b.example.gov.cn/mirror/r.html", "http://c.example.gov.cn/r.html"
	mustAdd(t, s, Capture{URL: a, FetchedAt: day(1), Status: 200}, v1)
	mustAdd(t, s, Capture{URL: b, FetchedAt: day(2), Status: 200}, v1)
	mustAdd(t, s, Capture{URL: a, FetchedAt: day(3), Status: 200}, v2)
	mustAdd(t, s, Capture{URL: a, FetchedAt: day(4), Status: 200}, v1) // back to v1: no second entry
	mustAdd(t, s, Capture{URL: c, FetchedAt: day(5), Status: 500, ErrKind: "http_5xx"}, v1)
	for _, tc := range []struct {
		digest string
		want   []string
	}{{d1, []string{a, b}}, {d2, []string{a}}} {
		got, err := s.URLsOf(tc.digest)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("URLsOf(%.8s) = %v, want %v", tc.digest, got, tc.want)
		}
	}
	if _, err := s.URLsOf("nothex"); err == nil {
		t.Error("URLsOf of a malformed digest: no error")
	}
}

// An attachment's capture keeps the page it belongs to; a record written
// before the field existed (it ends after Err) still reads, without one.
func TestCaptureParent(t *testing.T) {
	s, _ := openTemp(t)
	c := Capture{RunID: 1, URL: "http://www.example.gov.cn/files/nb2021.pdf", Seed: "http://www.example.gov.cn/",
		FetchedAt: day(1), Status: 200, Parent: "http://www.example.gov.cn/xxgk/ndbg/t20220120_1.html"}
	a := mustAdd(t, s, c, page(7))
	got, err := s.GetCapture(a.Capture.ID)
	if err != nil || got.Parent != c.Parent {
		t.Fatalf("parent %q, %v", got.Parent, err)
	}
	_, dkey := sum(page(7))
	rec := encodeCapture(a.Capture, dkey)
	old := rec[:len(rec)-3-len(c.Parent)] // without Parent (1-byte length) and the empty Referer and zero Attempts after it
	got, err = decodeCapture(9, old)
	if err != nil || got.Parent != "" || got.URL != c.URL {
		t.Errorf("old record: %+v %v", got, err)
	}
}

// Every capture keeps the page that linked to it and how many requests it
// took; records written before (ending after Err, or after Parent) still
// read, without them.
func TestCaptureRefererAttempts(t *testing.T) {
	s, _ := openTemp(t)
	c := Capture{URL: "http://www.example.gov.cn/xxgk/ndbg/gone.html", Seed: "http://www.example.gov.cn/",
		FetchedAt: day(2), Status: 404, ErrKind: "http_4xx", Err: "HTTP 404",
		Referer: "http://www.example.gov.cn/xxgk/ndbg/index.html", Attempts: 3}
	a := mustAdd(t, s, c, nil)
	got, err := s.GetCapture(a.Capture.ID)
	if err != nil || got.Referer != c.Referer || got.Attempts != 3 || got.Status != 404 {
		t.Fatalf("got %+v, %v", got, err)
	}
	rec := encodeCapture(a.Capture, nil)
	tail := 1 + len(c.Referer) + 1 // Referer (1-byte length) and Attempts
	for name, old := range map[string][]byte{"ends after Parent": rec[:len(rec)-tail], "ends after Err": rec[:len(rec)-tail-1]} {
		got, err := decodeCapture(9, old)
		if err != nil || got.Referer != "" || got.Attempts != 0 || got.Err != "HTTP 404" {
			t.Errorf("%s: %+v %v", name, got, err)
		}
	}
}
