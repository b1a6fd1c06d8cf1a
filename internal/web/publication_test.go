package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// pubStore is an archive the publication tests write captures into.
type pubStore struct {
	t  *testing.T
	st *archive.Store
}

func newPubStore(t *testing.T) *pubStore {
	st, err := archive.Open(filepath.Join(t.TempDir(), "pub.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &pubStore{t, st}
}

// add captures body at u (fetched from the page parent, when given) and,
// when rec is not nil, stores it as the payload's record; it returns the
// payload's digest.
func (p *pubStore) add(u, ct string, at time.Time, body []byte, rec *extract.Record, parent string) string {
	p.t.Helper()
	ctx := context.Background()
	added, err := p.st.AddCapture(ctx, archive.Capture{URL: u, FinalURL: u, FetchedAt: at, Status: 200, Proto: "HTTP/1.1",
		Header: http.Header{"Content-Type": {ct}}, Parent: parent}, body)
	if err != nil {
		p.t.Fatal(err)
	}
	d := added.Capture.Digest
	if rec == nil {
		return d
	}
	rec.URL, rec.SHA256, rec.ContentType = u, d, ct
	js, _ := json.Marshal(rec)
	if err := p.st.PutParsed(ctx, archive.Parsed{Digest: d, ParserVersion: extract.ParserVersion, URL: u, Kind: rec.Kind,
		Agency: rec.Agency, Year: rec.Year, Template: rec.Template, JSON: js}); err != nil {
		p.t.Fatal(err)
	}
	return d
}

// A wrapper page and the PDF that carries its report show as one report:
// once on the agency's timeline, marked with its PDF, and as one report
// page with the page's metadata, the PDF's tables and both files.
func TestPublicationView(t *testing.T) {
	ps := newPubStore(t)
	const page, pdf = "http://qh.example.gov.cn/ndbg/t20220120_1.html", "http://qh.example.gov.cn/files/2021.pdf"
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	title := "清河市财政局2021年政府信息公开工作年度报告"
	pd := ps.add(page, "text/html; charset=utf-8", at, []byte("<html>详见附件</html>"), &extract.Record{Kind: extract.KindReport,
		Agency: "清河市财政局", Title: title, TablesSource: "none", Meta: extract.Meta{IndexNo: "QH-2022-001"},
		Attachments: []extract.Attachment{{URL: pdf, Text: title + ".pdf"}}}, "")
	v := 59.0
	ps.add(pdf, "application/pdf", at.Add(time.Second), []byte("%PDF-1.7 report"), &extract.Record{Kind: extract.KindReport, Agency: "清河市财政局",
		Year: 2021, Template: "2021", Title: title, TablesSource: "pdf",
		Tables: extract.Tables{"requests": {"received": {"total": {Raw: "59", Value: &v}}}}}, page)
	s, err := New(ps.st, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, body := get(t, s, "/agency?name="+url.QueryEscape("清河市财政局"))
	if n := strings.Count(body, `class="report"`); n != 1 || !strings.Contains(body, "+ PDF") || !strings.Contains(body, "/report/"+pd) {
		t.Errorf("timeline lists %d reports (want the page once, marked + PDF):\n%s", n, body)
	}
	res, body := get(t, s, "/report/"+pd)
	if res.StatusCode != 200 {
		t.Fatalf("report page: %d", res.StatusCode)
	}
	for _, want := range []string{"QH-2022-001", `id="files"`, page, pdf, "<td>pdf <span class=\"tag\">tables</span></td>", ">59</td>", "<dd>2021</dd>"} {
		if !strings.Contains(body, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
}

// A PDF framed by its page (found through the capture's Parent, not a
// link) and later revised under the unchanged page: the home page counts
// one report with two versions, the report page lists both files and both
// versions, the PDF's own digest leads to its page, and the diff of the
// two versions shows the cell the PDF corrected.
func TestPublicationParentAndRevision(t *testing.T) {
	ps := newPubStore(t)
	add := ps.add
	const page, pdf = "http://qh.example.gov.cn/ndbg/t20220120_2.html", "http://qh.example.gov.cn/files/2021b.pdf"
	day := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	const agency, title = "清河市审计局", "清河市审计局2021年政府信息公开工作年度报告"
	wrapper := []byte(`<html><iframe src="/files/2021b.pdf"></iframe></html>`)
	pd := add(page, "text/html; charset=utf-8", day, wrapper, &extract.Record{Kind: extract.KindReport, Agency: agency,
		Title: title, TablesSource: "none", Meta: extract.Meta{IndexNo: "QH-2022-007"}}, "")
	pdfRec := func(raw string) *extract.Record {
		v, _ := strconv.ParseFloat(raw, 64)
		return &extract.Record{Kind: extract.KindReport, Agency: agency, Year: 2021, Template: "2021", Title: title,
			TablesSource: "pdf", Text: title + " 本年新收政府信息公开申请" + raw + "件",
			Tables: extract.Tables{"requests": {"received": {"total": {Raw: raw, Value: &v}}}}}
	}
	d1 := add(pdf, "application/pdf", day.Add(time.Second), []byte("%PDF-1.7 v1"), pdfRec("59"), page)
	add(page, "text/html; charset=utf-8", day.Add(24*time.Hour), wrapper, nil, "") // next night: the page unchanged
	d2 := add(pdf, "application/pdf", day.Add(24*time.Hour+time.Second), []byte("%PDF-1.7 v2"), pdfRec("60"), page)
	s, err := New(ps.st, nil)
	if err != nil {
		t.Fatal(err)
	}
	k1, k2 := pd+"."+d1, pd+"."+d2

	_, home := get(t, s, "/")
	for _, want := range []string{"<dd>1 (2 versions)</dd>", "2021: 1", `href="/diff/` + k1 + "/" + k2 + `"`,
		agency + `</a></td><td></td><td class="n">1</td>`} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %q (the page and its PDF are one report with two versions)", want)
		}
	}

	res, body := get(t, s, "/report/"+pd)
	if res.StatusCode != 200 {
		t.Fatalf("report page: %d", res.StatusCode)
	}
	for _, want := range []string{"QH-2022-007", `id="files"`, "page <small>" + page, "attachment <small>" + pdf,
		"/raw/" + d2, ">60</td>", "<dd>2021</dd>", `href="/report/` + k1 + `"`, `href="/diff/` + k1 + "/" + k2 + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	if _, v1 := get(t, s, "/report/"+k1); !strings.Contains(v1, ">59</td>") || !strings.Contains(v1, "/raw/"+d1) {
		t.Errorf("version 1 (%s) does not show the first PDF's 59", k1)
	}
	res, _ = get(t, s, "/report/"+d1)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/report/"+k1 {
		t.Errorf("the first PDF's own report page: %d to %q, want its publication version %s", res.StatusCode, loc, k1)
	}
	if res, _ := get(t, s, "/report/"+pd+"."+strings.Repeat("0", 64)); res.StatusCode != 404 {
		t.Errorf("a key naming no version: %d, want 404", res.StatusCode)
	}

	res, diff := get(t, s, "/diff/"+k1+"/"+k2)
	if res.StatusCode != 200 {
		t.Fatalf("diff: %d", res.StatusCode)
	}
	for _, want := range []string{`id="changed-files"`, "attachment <small>" + pdf, "requests.received.total",
		"<del>59</del><ins>60</ins>", "申请<del>59</del><ins>60</ins>件"} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
	if strings.Contains(diff, "page <small>"+page) {
		t.Errorf("diff names the unchanged page as changed")
	}
}
