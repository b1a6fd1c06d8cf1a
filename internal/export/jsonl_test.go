package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

func exportJSONL(t *testing.T, m *memArchive, f Filter) ([]extract.Record, Counts) {
	t.Helper()
	var buf bytes.Buffer
	c, err := JSONL(context.Background(), m, &buf, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []extract.Record
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r extract.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out, c
}

func TestJSONLOneRecordPerVersion(t *testing.T) {
	m, bodies := fixtureArchive()
	recs, c := exportJSONL(t, m, Filter{})
	type key struct{ url, sha string }
	got := map[key]extract.Record{}
	for _, r := range recs {
		got[key{r.URL, r.SHA256}] = r
	}
	const a = "http://www.xq.gov.cn/xxgk/ndbg/2021/t20210125_1.html"
	v1 := got[key{a, digestOf(bodies["a1"])}]
	v2 := got[key{a, digestOf(bodies["a2"])}]
	tests := []struct {
		name string
		rec  extract.Record
		caps []string
		recv string
	}{
		{"v1 captured twice", v1, []string{"2026-11-20T02:00:13Z", "2026-11-21T02:00:13Z"}, "16"},
		{"v2 captured, then confirmed by a 304", v2, []string{"2026-11-22T02:00:13Z", "2026-11-23T02:00:13Z"}, "17"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.rec.URL != a {
				t.Fatalf("record missing: %+v", recs)
			}
			if !equalStrings(tc.rec.CapturedAt, tc.caps) {
				t.Errorf("captured_at = %v, want %v", tc.rec.CapturedAt, tc.caps)
			}
			if r := tc.rec.Tables["requests"]["received"]["total"].Raw; r != tc.recv {
				t.Errorf("requests.received.total raw = %q, want %q", r, tc.recv)
			}
			if tc.rec.Region != "台州市" || tc.rec.Agency != "新前街道" || tc.rec.Year != 2020 {
				t.Errorf("region/agency/year = %q %q %d", tc.rec.Region, tc.rec.Agency, tc.rec.Year)
			}
		})
	}
	// a19, a v1, a v2, the mirror of a v1, the essay copy; not the news page.
	if len(recs) != 5 || c.Matched != 5 {
		t.Errorf("got %d records (matched %d), want 5", len(recs), c.Matched)
	}
	if _, ok := got[key{"http://www.xq.gov.cn/mirror/a.html", digestOf(bodies["a1"])}]; !ok {
		t.Error("the same bytes at a second URL are a version of that URL too")
	}
	if c.Unparsed != 0 {
		t.Errorf("unparsed = %d", c.Unparsed)
	}
}

func TestJSONLFilters(t *testing.T) {
	m, _ := fixtureArchive()
	tests := []struct {
		name string
		f    Filter
		want int
	}{
		{"no filter: reports and copies", Filter{}, 5},
		{"kind all adds the news page", Filter{Kinds: []string{KindAll}}, 6},
		{"kind not_report only", Filter{Kinds: []string{extract.KindNotReport}}, 1},
		{"kind copy", Filter{Kinds: []string{extract.KindCopy}}, 1},
		{"agency", Filter{Agency: "新前街道"}, 5},
		{"agency unknown", Filter{Agency: "新前"}, 0},
		{"year 2019", Filter{Year: 2019}, 1},
		{"year 2018", Filter{Year: 2018}, 0},
		{"region part", Filter{Region: "台州"}, 3},
		{"region other", Filter{Region: "杭州"}, 0},
		{"since the second day: only v2", Filter{Since: t0.Add(30 * time.Hour)}, 1},
		{"year and region", Filter{Year: 2020, Region: "台州市"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, c := exportJSONL(t, m, tc.f)
			if len(recs) != tc.want || c.Matched != tc.want {
				urls := []string{}
				for _, r := range recs {
					urls = append(urls, r.URL)
				}
				t.Errorf("%d records %v, want %d", len(recs), urls, tc.want)
			}
		})
	}
}

func TestJSONLCountsUnparsed(t *testing.T) {
	m, bodies := fixtureArchive()
	delete(m.parsed, digestOf(bodies["b"]))
	recs, c := exportJSONL(t, m, Filter{})
	if len(recs) != 4 || c.Unparsed != 1 {
		t.Errorf("records %d unparsed %d, want 4 and 1", len(recs), c.Unparsed)
	}
}

func TestJSONLKeepsHTMLCharacters(t *testing.T) {
	m := newMem()
	body := []byte("<p>x</p>")
	m.add(archiveCapture("http://a.gov.cn/1", 200), body)
	m.parse(body, extract.Record{Kind: extract.KindReport, Text: "<a & b>"})
	var buf bytes.Buffer
	if _, err := JSONL(context.Background(), m, &buf, Filter{}, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"text":"<a & b>"`)) {
		t.Errorf("text escaped: %s", buf.String())
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// An attachment the crawler archived gets its digest and type on the
// exported record; one it did not fetch stays a bare link.
func TestAttachmentsFilledFromArchive(t *testing.T) {
	m := newMem()
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	page := []byte("<html>report with a PDF</html>")
	pdf := []byte("%PDF-1.4 report")
	const pageURL, pdfURL, lostURL = "http://www.x.gov.cn/ndbg.html", "http://www.x.gov.cn/ndbg.pdf", "http://www.x.gov.cn/gone.pdf"
	m.add(archive.Capture{URL: pageURL, FetchedAt: at, Status: 200, Header: http.Header{"Content-Type": {"text/html"}}}, page)
	m.add(archive.Capture{URL: pdfURL, FetchedAt: at, Status: 200, Header: http.Header{"Content-Type": {"application/pdf; qs=0.9"}}}, pdf)
	m.parse(page, extract.Record{URL: pageURL, Kind: extract.KindReport, Agency: "某街道", Year: 2020,
		Attachments: []extract.Attachment{{URL: pdfURL}, {URL: lostURL}}})
	var buf bytes.Buffer
	if _, err := JSONL(context.Background(), m, &buf, Filter{}, nil); err != nil {
		t.Fatal(err)
	}
	var rec extract.Record
	if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &rec); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	want := []extract.Attachment{{URL: pdfURL, SHA256: digestOf(pdf), ContentType: "application/pdf"}, {URL: lostURL}}
	if fmt.Sprint(rec.Attachments) != fmt.Sprint(want) {
		t.Errorf("attachments %+v, want %+v", rec.Attachments, want)
	}
}
