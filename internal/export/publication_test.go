package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/export/warctest"
	"github.com/gongkai/gongkai/internal/fixture"
)

// One logical report per publication: archives holding a report page and
// its PDF or DOCX attachment give each report once, with the page's
// metadata and the tables of the file that has them whole.

const (
	pubPage = "http://www.qh.gov.cn/xxgk/ndbg/t20220120_1.html"
	pubPDF  = "http://www.qh.gov.cn/files/ndbg2021.pdf"
	pubDOCX = "http://www.qh.gov.cn/files/ndbg2021.docx"
)

// pubArchive builds archives by capturing bodies and extracting them with
// the real extractor, or storing a given record (a PDF read by a reader).
type pubArchive struct {
	t *testing.T
	m *memArchive
}

func newPubArchive(t *testing.T) *pubArchive { return &pubArchive{t: t, m: newMem()} }

func (p *pubArchive) capture(u string, body []byte, ct string, at time.Time) {
	p.m.add(archive.Capture{URL: u, Seed: "http://www.qh.gov.cn/", FetchedAt: at, Status: 200,
		Header: http.Header{"Content-Type": {ct}}}, body)
}

// extract captures body at u and stores what the extractor makes of it.
func (p *pubArchive) extract(u string, body []byte, ct string, at time.Time) *extract.Record {
	p.t.Helper()
	p.capture(u, body, ct, at)
	rec, err := extract.Extract(context.Background(), extract.Input{URL: u, Body: body, ContentType: ct})
	if err != nil {
		p.t.Fatal(err)
	}
	p.m.parse(body, *rec)
	return rec
}

// store captures body at u with a given record.
func (p *pubArchive) store(u string, body []byte, ct string, at time.Time, rec extract.Record) {
	rec.URL = u
	p.capture(u, body, ct, at)
	p.m.parse(body, rec)
}

func pubReport(t *testing.T) corpus.Report {
	t.Helper()
	r, err := corpus.ReportByID("syn2021-a")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// pagePlus renders the report's page linking href.
func pagePlus(t *testing.T, r corpus.Report, href string) []byte {
	t.Helper()
	pg, err := fixture.Render(r, fixture.Options{Attachments: []fixture.Link{{Href: href, Text: r.Title + href[strings.LastIndex(href, "."):]}}})
	if err != nil {
		t.Fatal(err)
	}
	return pg.Body
}

// pdfRecord is what a PDF reader makes of the report: its tables, read from
// a PDF (tables_source pdf), no portal metadata.
func pdfRecord(r corpus.Report) extract.Record {
	return extract.Record{Kind: extract.KindReport, Title: r.Title, Agency: r.Agency, Year: r.Year, Template: r.Template,
		ContentType: "application/pdf", Tables: cloneTables(r.Tables), TablesSource: "pdf",
		Checks: []extract.Check{{ID: "requests.total", Status: "ok"}}, Text: "PDF text of " + r.Title}
}

func cloneTables(t extract.Tables) extract.Tables {
	out := extract.Tables{}
	for tb, rows := range t {
		out[tb] = map[string]map[string]extract.Cell{}
		for row, cols := range rows {
			out[tb][row] = map[string]extract.Cell{}
			for col, c := range cols {
				out[tb][row][col] = c
			}
		}
	}
	return out
}

type jsonlRecord struct {
	extract.Record
	TablesURL string `json:"tables_url"`
	Files     []struct {
		Role, URL, SHA256 string
		TablesSource      string `json:"tables_source"`
		ContentType       string `json:"content_type"`
		Cells             int
	} `json:"files"`
	Conflicts []struct {
		Cell   string
		Values []struct{ URL, Raw string }
	} `json:"conflicts"`
}

func exportPublications(t *testing.T, m *memArchive) []jsonlRecord {
	t.Helper()
	var buf bytes.Buffer
	if _, err := JSONL(context.Background(), m, &buf, Filter{}, nil); err != nil {
		t.Fatal(err)
	}
	var out []jsonlRecord
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var r jsonlRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		r.Record.TablesSource = strings.TrimSpace(r.Record.TablesSource)
		out = append(out, r)
	}
	return out
}

func cellRaw(r *extract.Record, table, row, col string) string {
	return r.Tables[table][row][col].Raw
}

func TestPublicationExport(t *testing.T) {
	r := pubReport(t)
	wrapper := []byte(`<html><head><meta charset="utf-8"><title>` + r.Title + `</title></head><body>
<table><tr><td>索引号：</td><td>` + r.Meta.IndexNo + `</td><td>发布机构：</td><td>` + r.Meta.Publisher + `</td></tr></table>
<h1>` + r.Title + `</h1><div class="TRS_Editor"><p>附件：<a href="/files/ndbg2021.pdf">` + r.Title + `.pdf</a></p></div></body></html>`)
	wrapperRec := extract.Record{Kind: extract.KindReport, Title: r.Title, Agency: r.Agency, Meta: extract.Meta{IndexNo: r.Meta.IndexNo, Publisher: r.Meta.Publisher, PublishedDate: r.Meta.PublishedDate},
		TablesSource: "none", ContentType: "text/html", Attachments: []extract.Attachment{{URL: pubPDF, Text: r.Title + ".pdf"}}}
	pdf := []byte("%PDF-1.7 stand-in for " + r.ID)
	conflicting := pdfRecord(r)
	conflicting.Tables["requests"]["received"]["total"] = extract.Cell{Raw: "58", Value: f64(58)}
	conflicting.Tables["proactive"]["licensing"]["decisions"] = extract.Cell{Raw: "1286", Value: f64(1286)}

	for _, tc := range []struct {
		name  string
		build func(p *pubArchive)
		// want, of the one record given
		url, tablesSource, tablesURL string
		files                        []string // role:tables_source
		conflicts                    []string
		received                     string // requests.received.total as given
	}{
		{name: "page+pdf", build: func(p *pubArchive) {
			p.extract(pubPage, pagePlus(t, r, "/files/ndbg2021.pdf"), "text/html; charset=utf-8", t0)
			p.store(pubPDF, pdf, "application/pdf", t0.Add(time.Second), pdfRecord(r))
		}, url: pubPage, tablesSource: "html", tablesURL: pubPage, files: []string{"page:html", "attachment:pdf"}, received: "59"},
		{name: "wrapper+pdf", build: func(p *pubArchive) {
			p.store(pubPage, wrapper, "text/html; charset=utf-8", t0, wrapperRec)
			p.store(pubPDF, pdf, "application/pdf", t0.Add(time.Second), pdfRecord(r))
		}, url: pubPage, tablesSource: "pdf", tablesURL: pubPDF, files: []string{"page:none", "attachment:pdf"}, received: "59"},
		{name: "page+docx", build: func(p *pubArchive) {
			p.extract(pubPage, pagePlus(t, r, "/files/ndbg2021.docx"), "text/html; charset=utf-8", t0)
			doc, err := fixture.DOCX(r)
			if err != nil {
				t.Fatal(err)
			}
			p.extract(pubDOCX, doc, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", t0.Add(time.Second))
		}, url: pubPage, tablesSource: "html", tablesURL: pubPage, files: []string{"page:html", "attachment:docx"}, received: "59"},
		{name: "conflict", build: func(p *pubArchive) {
			p.extract(pubPage, pagePlus(t, r, "/files/ndbg2021.pdf"), "text/html; charset=utf-8", t0)
			p.store(pubPDF, pdf, "application/pdf", t0.Add(time.Second), conflicting)
		}, url: pubPage, tablesSource: "html", tablesURL: pubPage, files: []string{"page:html", "attachment:pdf"},
			conflicts: []string{"proactive.licensing.decisions", "requests.received.total"}, received: "59"},
		{name: "pdf without its page", build: func(p *pubArchive) {
			p.store(pubPDF, pdf, "application/pdf", t0, pdfRecord(r))
		}, url: pubPDF, tablesSource: "pdf", received: "59"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPubArchive(t)
			tc.build(p)
			recs := exportPublications(t, p.m)
			if len(recs) != 1 {
				var urls []string
				for _, r := range recs {
					urls = append(urls, r.URL)
				}
				t.Fatalf("%d records (%v), want one", len(recs), urls)
			}
			got := recs[0]
			if got.URL != tc.url || got.TablesSource != tc.tablesSource || got.TablesURL != tc.tablesURL {
				t.Errorf("url %s tables_source %q tables_url %q, want %s %q %q", got.URL, got.TablesSource, got.TablesURL, tc.url, tc.tablesSource, tc.tablesURL)
			}
			var files []string
			for _, f := range got.Files {
				files = append(files, f.Role+":"+f.TablesSource)
				if f.SHA256 == "" || f.URL == "" {
					t.Errorf("file %+v without url or digest", f)
				}
			}
			if strings.Join(files, " ") != strings.Join(tc.files, " ") {
				t.Errorf("files %v, want %v", files, tc.files)
			}
			if v := cellRaw(&got.Record, "requests", "received", "total"); v != tc.received {
				t.Errorf("requests.received.total %q, want %q", v, tc.received)
			}
			if n := len(got.Tables["requests"]); n < 20 {
				t.Errorf("only %d rows in the requests table", n)
			}
			var conflicts []string
			for _, c := range got.Conflicts {
				conflicts = append(conflicts, c.Cell)
			}
			if strings.Join(conflicts, " ") != strings.Join(tc.conflicts, " ") {
				t.Errorf("conflicts %v, want %v", conflicts, tc.conflicts)
			}
			warned := false
			for _, w := range got.Warnings {
				if strings.Contains(w, "disagree") {
					warned = true
					for _, c := range tc.conflicts {
						if !strings.Contains(w, c) {
							t.Errorf("warning does not name %s: %s", c, w)
						}
					}
					if !strings.Contains(w, "html 59 ≠ pdf 58") || !strings.Contains(w, "kept from html "+pubPage) {
						t.Errorf("warning does not give both values and the choice: %s", w)
					}
				}
			}
			if warned != (len(tc.conflicts) > 0) {
				t.Errorf("conflict warning %v, want %v: %q", warned, len(tc.conflicts) > 0, got.Warnings)
			}
			if tc.url == pubPage {
				// The page's metadata, whichever file the tables came from.
				if got.Meta.IndexNo != r.Meta.IndexNo || got.Year != r.Year || got.Template != r.Template {
					t.Errorf("index_no %q year %d template %q, want the page's %q %d %q", got.Meta.IndexNo, got.Year, got.Template, r.Meta.IndexNo, r.Year, r.Template)
				}
				if len(got.Attachments) != 1 || got.Attachments[0].SHA256 == "" {
					t.Errorf("attachments %+v", got.Attachments)
				}
			}
			wantTablesURL := tc.tablesURL
			if wantTablesURL == "" {
				wantTablesURL = tc.url // a report in one file read its own tables
			}
			// CSV: one set of rows, all from the given record's URL.
			var buf bytes.Buffer
			if _, err := CSV(context.Background(), p.m, &buf, Filter{}, nil); err != nil {
				t.Fatal(err)
			}
			rows := strings.Split(strings.TrimSpace(buf.String()), "\n")[1:]
			if want := len(Cells(got.Tables, got.Template)); len(rows) != want {
				t.Errorf("%d CSV rows, want %d (one set)", len(rows), want)
			}
			for _, row := range rows {
				if !strings.HasPrefix(row, tc.url+",") {
					t.Fatalf("CSV row of another URL: %s", row)
				}
			}
			long := csvRows(t, func(w *bytes.Buffer) error { _, err := CSV(context.Background(), p.m, w, Filter{}, nil); return err })
			for _, row := range long {
				want := ""
				if len(tc.conflicts) > 0 {
					want = map[string]string{"requests.received.total": "pdf 58",
						"proactive.licensing.decisions": "pdf 1286"}[row["table"]+"."+row["row"]+"."+row["column"]]
				}
				if row["tables_source"] != tc.tablesSource || row["tables_url"] != wantTablesURL || row["conflict"] != want {
					t.Errorf("long CSV row %v: want tables_source %s, tables_url %s, conflict %q", row, tc.tablesSource, wantTablesURL, want)
					break
				}
			}
			// Stats: the parsed records of every file, but one report.
			st, err := BuildStats(context.Background(), p.m)
			if err != nil {
				t.Fatal(err)
			}
			withAtt := 0
			if len(tc.files) > 0 {
				withAtt = 1
			}
			if len(st.Publications) != 1 || st.Publications[0].Reports != 1 || st.Publications[0].Year != 2021 ||
				st.Publications[0].WithAttachments != withAtt || st.Publications[0].TablesSource[tc.tablesSource] != 1 {
				t.Errorf("stats publications %+v, want one 2021 report, %d with attachment, tables from %s", st.Publications, withAtt, tc.tablesSource)
			}
			parsed := 0
			for _, r := range st.Reports {
				parsed += r.Count
			}
			if want := 1 + withAtt; parsed != want {
				t.Errorf("stats counts %d parsed records (%+v), want %d", parsed, st.Reports, want)
			}
			// Wide and panel CSV: one row, the same tables and the files.
			wantFiles := ""
			if len(tc.files) > 0 {
				wantFiles = tc.url + ";" + got.Files[1].URL
			}
			wantConflicts := strings.Join(tc.conflicts, ";")
			wide := csvRows(t, func(w *bytes.Buffer) error {
				_, err := CSVWide(context.Background(), p.m, w, Filter{}, nil)
				return err
			})
			if len(wide) != 1 {
				t.Fatalf("%d wide rows, want one: %v", len(wide), wide)
			}
			for col, want := range map[string]string{"url": tc.url, "tables_source": tc.tablesSource, "received": tc.received,
				"year": "2021", "tables_url": wantTablesURL, "files": wantFiles, "conflicts": wantConflicts} {
				if g := wide[0][col]; g != want {
					t.Errorf("wide %s = %q, want %q", col, g, want)
				}
			}
			panel := csvRows(t, func(w *bytes.Buffer) error { _, err := Panel(context.Background(), p.m, w, Filter{}, nil); return err })
			if len(panel) != 1 {
				t.Fatalf("%d panel rows, want one: %v", len(panel), panel)
			}
			for col, want := range map[string]string{"url": tc.url, "tables_source": tc.tablesSource, "received": tc.received,
				"year": "2021", "reports_that_year": "1", "versions": "1", "tables_url": wantTablesURL, "files": wantFiles,
				"conflicts": wantConflicts} {
				if g := panel[0][col]; g != want {
					t.Errorf("panel %s = %q, want %q", col, g, want)
				}
			}
		})
	}
}

// csvRows runs a CSV writer and returns its rows as header → value.
func csvRows(t *testing.T, write func(w *bytes.Buffer) error) []map[string]string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		out = append(out, row)
	}
	return out
}

// A PDF revised under an unchanged wrapper page is a new version of the
// one report: the export gives two records, history one report with two
// versions naming both files, the change in the cell the PDF corrected.
func TestPublicationRevision(t *testing.T) {
	r := pubReport(t)
	p := newPubArchive(t)
	wrapper := []byte(`<html><body><h1>` + r.Title + `</h1><a href="/files/ndbg2021.pdf">pdf</a></body></html>`)
	p.store(pubPage, wrapper, "text/html", t0, extract.Record{Kind: extract.KindReport, Title: r.Title, Agency: r.Agency,
		Meta: extract.Meta{IndexNo: r.Meta.IndexNo}, TablesSource: "none", Attachments: []extract.Attachment{{URL: pubPDF}}})
	p.store(pubPDF, []byte("%PDF v1"), "application/pdf", t0.Add(time.Second), pdfRecord(r))
	p.capture(pubPage, wrapper, "text/html", t0.Add(24*time.Hour)) // next night: page unchanged
	revised := pdfRecord(r)
	revised.Tables["requests"]["received"]["total"] = extract.Cell{Raw: "60", Value: f64(60)}
	p.store(pubPDF, []byte("%PDF v2"), "application/pdf", t0.Add(24*time.Hour+time.Second), revised)

	recs := exportPublications(t, p.m)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2 versions of one report", len(recs))
	}
	for i, want := range []string{"59", "60"} {
		if got := cellRaw(&recs[i].Record, "requests", "received", "total"); got != want || recs[i].URL != pubPage || recs[i].Meta.IndexNo != r.Meta.IndexNo {
			t.Errorf("version %d: %s received.total %q index_no %q, want %s %q", i+1, recs[i].URL, got, recs[i].Meta.IndexNo, pubPage, want)
		}
		// Captures fall to the version current when they were made: the
		// page's second capture came before the revised PDF was fetched.
		if want := []int{3, 1}[i]; len(recs[i].CapturedAt) != want {
			t.Errorf("version %d captured_at %v, want %d captures", i+1, recs[i].CapturedAt, want)
		}
	}
	if recs[0].Files[1].SHA256 == recs[1].Files[1].SHA256 || recs[0].Files[0].SHA256 != recs[1].Files[0].SHA256 {
		t.Errorf("files %+v then %+v: want the same page, two PDFs", recs[0].Files, recs[1].Files)
	}

	h, rep := oneReport(t, p.m, r.Agency)
	if rep.URL != pubPage || len(rep.Files) != 1 || rep.Files[0] != pubPDF || len(rep.Versions) != 2 {
		t.Fatalf("report %s files %v with %d versions", rep.URL, rep.Files, len(rep.Versions))
	}
	v2 := rep.Versions[1]
	if v2.TablesSource != "pdf" || len(v2.Files) != 2 || v2.Change == nil || len(v2.Change.Cells) != 1 ||
		v2.Change.Cells[0] != (CellChange{Cell: "requests.received.total", Old: "59", New: "60"}) {
		t.Errorf("version 2: tables_source %q files %d change %+v", v2.TablesSource, len(v2.Files), v2.Change)
	}
	if h.Figures[0].Values["received"] != "60" {
		t.Errorf("key figures %v, want received 60 from the revised PDF", h.Figures[0].Values)
	}
	var text bytes.Buffer
	if err := WriteHistory(&text, h); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  " + pubPage + "\n  + " + pubPDF + " (the same report)\n",
		"files: none " + rep.Versions[1].Files[0].SHA256[:12] + "…, pdf " + rep.Versions[1].Files[1].SHA256[:12] + "…; tables from pdf",
		`requests.received.total: "59" → "60"`} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("history text lacks %q:\n%s", want, text.String())
		}
	}

	// Wide: the two versions; panel: the one report, its newest version.
	wide := csvRows(t, func(w *bytes.Buffer) error {
		_, err := CSVWide(context.Background(), p.m, w, Filter{}, nil)
		return err
	})
	if len(wide) != 2 || wide[0]["received"] != "59" || wide[1]["received"] != "60" || wide[1]["url"] != pubPage ||
		wide[1]["tables_url"] != pubPDF || wide[0]["sha256"] != wide[1]["sha256"] {
		t.Errorf("wide rows %v, want the page twice, received 59 then 60 from the PDF", wide)
	}
	panel := csvRows(t, func(w *bytes.Buffer) error { _, err := Panel(context.Background(), p.m, w, Filter{}, nil); return err })
	if len(panel) != 1 || panel[0]["received"] != "60" || panel[0]["versions"] != "2" || panel[0]["tables_source"] != "pdf" ||
		panel[0]["files"] != pubPage+";"+pubPDF {
		t.Errorf("panel rows %v, want one: received 60, 2 versions, from the PDF", panel)
	}

	// WACZ: one page entry per version of the publication, each opening the
	// page's own record (the second state began with the PDF alone) and
	// naming the PDF.
	var buf bytes.Buffer
	if _, err := WACZ(context.Background(), p.m, &buf, WACZOptions{TempDir: t.TempDir()}, nil); err != nil {
		t.Fatal(err)
	}
	w, err := warctest.ReadWACZ(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, pg := range w.Pages {
		ids[pg["id"].(string)] = true
		files, _ := pg["files"].([]any)
		if pg["url"] != pubPage || pg["ts"] != t0.Format(time.RFC3339) || len(files) != 1 || files[0] != pubPDF {
			t.Errorf("WACZ page %v, want the page at its first capture with the PDF", pg)
		}
	}
	if len(w.Pages) != 2 || len(ids) != 2 {
		t.Errorf("%d WACZ pages with %d ids, want two versions of one report", len(w.Pages), len(ids))
	}
}

// A wrapper page that names no agency and frames its PDF (found through
// the capture's Parent): the PDF's agency's history and panel give the
// report once, at its page, with the PDF's tables. (Indexing the agency's
// own files, the PDF went to its page and the page, of no agency, was not
// read: the report was lost.)
func TestPublicationHistoryPageWithoutAgency(t *testing.T) {
	r := pubReport(t)
	p := newPubArchive(t)
	p.store(pubPage, []byte(`<html><iframe src="/files/ndbg2021.pdf"></iframe></html>`), "text/html", t0,
		extract.Record{Kind: extract.KindReport, Title: r.Title, TablesSource: "none"})
	pdf := []byte("%PDF framed")
	p.m.add(archive.Capture{URL: pubPDF, Seed: "http://www.qh.gov.cn/", FetchedAt: t0.Add(time.Second), Status: 200,
		Header: http.Header{"Content-Type": {"application/pdf"}}, Parent: pubPage}, pdf)
	rec := pdfRecord(r)
	rec.URL = pubPDF
	p.m.parse(pdf, rec)

	h, rep := oneReport(t, p.m, r.Agency)
	if rep.URL != pubPage || len(rep.Files) != 1 || rep.Files[0] != pubPDF || rep.Versions[0].TablesSource != "pdf" ||
		h.Figures[0].Values["received"] != "59" {
		t.Errorf("report %s files %v tables_source %s figures %v, want the page with the PDF's tables",
			rep.URL, rep.Files, rep.Versions[0].TablesSource, h.Figures[0].Values)
	}
	panel := csvRows(t, func(w *bytes.Buffer) error { _, err := Panel(context.Background(), p.m, w, Filter{}, nil); return err })
	if len(panel) != 1 || panel[0]["url"] != pubPage || panel[0]["agency"] != r.Agency || panel[0]["received"] != "59" ||
		panel[0]["files"] != pubPage+";"+pubPDF {
		t.Errorf("panel %v, want one row at the page with the PDF's figures", panel)
	}
}

// oneReport is the agency's history, which must hold one report.
func oneReport(t *testing.T, m *memArchive, agency string) (*History, ReportHistory) {
	t.Helper()
	h, err := BuildHistory(context.Background(), m, agency)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Years) != 1 || len(h.Years[0].Reports) != 1 {
		t.Fatalf("history %+v, want one report", h.Years)
	}
	return h, h.Years[0].Reports[0]
}
