package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// A wrapper page and the PDF that carries its report show as one report:
// once on the agency's timeline, marked with its PDF, and as one report
// page with the page's metadata, the PDF's tables and both files.
func TestPublicationView(t *testing.T) {
	ctx := context.Background()
	st, err := archive.Open(filepath.Join(t.TempDir(), "pub.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const page, pdf = "http://qh.example.gov.cn/ndbg/t20220120_1.html", "http://qh.example.gov.cn/files/2021.pdf"
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	add := func(u, ct string, body []byte, rec extract.Record, parent string) string {
		t.Helper()
		added, err := st.AddCapture(ctx, archive.Capture{URL: u, FinalURL: u, FetchedAt: at, Status: 200, Proto: "HTTP/1.1",
			Header: http.Header{"Content-Type": {ct}}, Parent: parent}, body)
		if err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Second)
		d := added.Capture.Digest
		rec.URL, rec.SHA256, rec.ContentType = u, d, ct
		js, _ := json.Marshal(rec)
		if err := st.PutParsed(ctx, archive.Parsed{Digest: d, ParserVersion: extract.ParserVersion, URL: u, Kind: rec.Kind,
			Agency: rec.Agency, Year: rec.Year, Template: rec.Template, JSON: js}); err != nil {
			t.Fatal(err)
		}
		return d
	}
	title := "清河市财政局2021年政府信息公开工作年度报告"
	pd := add(page, "text/html; charset=utf-8", []byte("<html>详见附件</html>"), extract.Record{Kind: extract.KindReport,
		Agency: "清河市财政局", Title: title, TablesSource: "none", Meta: extract.Meta{IndexNo: "QH-2022-001"},
		Attachments: []extract.Attachment{{URL: pdf, Text: title + ".pdf"}}}, "")
	v := 59.0
	add(pdf, "application/pdf", []byte("%PDF-1.7 report"), extract.Record{Kind: extract.KindReport, Agency: "清河市财政局",
		Year: 2021, Template: "2021", Title: title, TablesSource: "pdf",
		Tables: extract.Tables{"requests": {"received": {"total": {Raw: "59", Value: &v}}}}}, page)
	s, err := New(st, nil)
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
