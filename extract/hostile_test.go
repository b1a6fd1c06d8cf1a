package extract_test

// Bad input: broken HTML, hostile nesting, huge pages, truncated and binary
// payloads. Each gives a record or a clear error, never a panic; the big
// ones run only without -short.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

func mustExtract(t *testing.T, in extract.Input) *extract.Record {
	t.Helper()
	rec, err := extract.Extract(context.Background(), in)
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	return rec
}

func TestMalformedHTML(t *testing.T) {
	r, err := corpus.ReportByID("001")
	if err != nil {
		t.Fatal(err)
	}
	page, err := fixture.Render(r, fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaInline})
	if err != nil {
		t.Fatal(err)
	}
	// Every closing tag dropped: the parser must still find the report.
	unclosed := dropClosingTags(page.Body)
	rec := mustExtract(t, extract.Input{URL: "http://www.zjhy.gov.cn/a.html", Body: unclosed, ContentType: page.ContentType})
	if rec.Kind != extract.KindReport || rec.Year != 2020 || rec.Agency != "新前街道" {
		t.Errorf("unclosed tags: kind %q year %d agency %q", rec.Kind, rec.Year, rec.Agency)
	}
	// Truncated in the middle of the requests table.
	cut := page.Body[:bytes.Index(page.Body, []byte("（四）无法提供"))]
	rec = mustExtract(t, extract.Input{URL: "http://www.zjhy.gov.cn/a.html", Body: cut, ContentType: page.ContentType})
	if rec.Title != r.Title || rec.Meta.IndexNo != r.Meta.IndexNo {
		t.Errorf("truncated page: title %q index %q", rec.Title, rec.Meta.IndexNo)
	}
	for _, body := range []string{"", "<", "<html", "<<<>>>", "<table><tr><td rowspan=99999 colspan=99999>x", "\xff\xfe\x00<\x00h\x00", strings.Repeat("<div>", 10000)} {
		if _, err := extract.Extract(context.Background(), extract.Input{Body: []byte(body)}); err != nil && errors.Is(err, extract.ErrInternal) {
			t.Errorf("%q: %v", body[:min(len(body), 20)], err)
		}
	}
}

// dropClosingTags drops every closing tag but those of the raw-text
// elements (an unclosed <title> or <script> swallows the page in browsers too).
func dropClosingTags(b []byte) []byte {
	var out bytes.Buffer
	for {
		i := bytes.Index(b, []byte("</"))
		if i < 0 {
			out.Write(b)
			return out.Bytes()
		}
		out.Write(b[:i])
		j := bytes.IndexByte(b[i:], '>')
		if j < 0 {
			return out.Bytes()
		}
		tag := strings.ToLower(string(b[i+2 : i+j]))
		if tag == "title" || tag == "script" || tag == "style" || tag == "textarea" {
			out.Write(b[i : i+j+1])
		}
		b = b[i+j+1:]
	}
}

func TestNestedTables(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 500
	}
	var b strings.Builder
	b.WriteString("<html><body><h1>某某区2020年政府信息公开工作年度报告</h1>")
	for i := 0; i < n; i++ {
		b.WriteString("<table><tr><td>")
	}
	b.WriteString("规章")
	for i := 0; i < n; i++ {
		b.WriteString("</td></tr></table>")
	}
	b.WriteString("</body></html>")
	rec := mustExtract(t, extract.Input{URL: "http://www.x.gov.cn/a.html", Body: []byte(b.String())})
	if rec.Title != "某某区2020年政府信息公开工作年度报告" {
		t.Errorf("title %q", rec.Title)
	}
}

func TestHugePage(t *testing.T) {
	if testing.Short() {
		t.Skip("20 MB page: not in -short")
	}
	r, err := corpus.ReportByID("003")
	if err != nil {
		t.Fatal(err)
	}
	page, err := fixture.Render(r, fixture.Options{Style: fixture.StyleFlat, Meta: fixture.MetaTable})
	if err != nil {
		t.Fatal(err)
	}
	var pad bytes.Buffer
	for pad.Len() < 20<<20 {
		pad.WriteString("<p class=\"x\">填充内容，并非报告的一部分。</p>\n")
	}
	body := bytes.Replace(page.Body, []byte("</body>"), append(pad.Bytes(), "</body>"...), 1)
	rec := mustExtract(t, extract.Input{URL: "http://www.kangchuan.gov.cn/a.html", Body: body, ContentType: page.ContentType})
	if rec.Title != r.Title || rec.Year != 2020 {
		t.Errorf("20 MB page: title %q year %d", rec.Title, rec.Year)
	}
	// Past the DOM limit: read as text, tables from the lines.
	pad.Reset()
	for pad.Len() < 26<<20 {
		pad.WriteString("<p class=\"x\">填充内容，并非报告的一部分。</p>\n")
	}
	body = bytes.Replace(page.Body, []byte("</body>"), append(pad.Bytes(), "</body>"...), 1)
	rec = mustExtract(t, extract.Input{URL: "http://www.kangchuan.gov.cn/a.html", Body: body, ContentType: page.ContentType})
	if rec.Title != r.Title || rec.Year != 2020 || !strings.Contains(strings.Join(rec.Warnings, "\n"), "read as text") {
		t.Errorf("26 MB page: title %q year %d warnings %v", rec.Title, rec.Year, rec.Warnings)
	}
	// Over the limit: a clear error, nothing parsed.
	_, err = extract.Extract(context.Background(), extract.Input{URL: "http://x/big", Body: make([]byte, extract.MaxBodyBytes+1)})
	if !errors.Is(err, extract.ErrTooLarge) {
		t.Errorf("over the limit: %v, want ErrTooLarge", err)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := extract.Extract(ctx, extract.Input{URL: "http://x/a", Body: []byte("<p>x</p>")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestOpaqueFormats(t *testing.T) {
	pdfTitle := func(title string) []byte {
		// A PDF whose Info dictionary carries the title as UTF-16BE hex.
		var hex strings.Builder
		hex.WriteString("FEFF")
		for _, r := range title {
			const digits = "0123456789ABCDEF"
			v := uint16(r)
			hex.WriteByte(digits[v>>12&15])
			hex.WriteByte(digits[v>>8&15])
			hex.WriteByte(digits[v>>4&15])
			hex.WriteByte(digits[v&15])
		}
		return []byte("%PDF-1.4\n1 0 obj\n<< /Title <" + hex.String() + "> /Producer (WPS) >>\nendobj\n%%EOF\n")
	}
	cases := []struct {
		name, url, docName string
		body               []byte
		kind, ct           string
		year               int
	}{
		{"pdf title", "http://www.x.gov.cn/files/a.pdf", "", pdfTitle("清河县人民政府2016年政府信息公开工作年度报告"), extract.KindReport, "application/pdf", 2016},
		{"pdf unnamed", "http://www.x.gov.cn/files/a.pdf", "", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), extract.KindNotReport, "application/pdf", 0},
		{"doc by name", "http://www.x.gov.cn/files/123.doc", "清河县教育局2021年政府信息公开工作年度报告.doc", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...), extract.KindReport, "application/msword", 2021},
		{"wps", "http://www.x.gov.cn/files/%E6%B8%85%E6%B2%B3%E5%8E%BF2019%E5%B9%B4%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B7%A5%E4%BD%9C%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.wps", "", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...), extract.KindReport, "application/vnd.ms-works", 2019},
		{"xls", "http://www.x.gov.cn/files/tongji.xls", "统计表", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...), extract.KindNotReport, "application/vnd.ms-excel", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := mustExtract(t, extract.Input{URL: c.url, Name: c.docName, Body: c.body})
			if rec.Kind != c.kind || rec.Year != c.year || rec.ContentType != c.ct {
				t.Errorf("kind %q year %d ct %q, want %q %d %q (title %q)", rec.Kind, rec.Year, rec.ContentType, c.kind, c.year, c.ct, rec.Title)
			}
			if rec.Text != "" || len(rec.Tables) != 0 {
				t.Errorf("text or tables from an unread format")
			}
			found := false
			for _, w := range rec.Warnings {
				found = found || strings.Contains(w, "tables could not be read from this format")
			}
			if !found {
				t.Errorf("no warning about unread tables: %v", rec.Warnings)
			}
			if c.kind == extract.KindReport && rec.TablesSource != "none" {
				t.Errorf("tables_source %q, want none", rec.TablesSource)
			}
		})
	}
}

// FuzzExtract: no input makes extraction panic (a recovered panic is
// ErrInternal, which fails the fuzz target).
// go test -run XXX -fuzz FuzzExtract ./extract
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, "")
		}
	}
	f.Add([]byte("<table><tr><td rowspan=3>规章<td>0</table>"), "text/html; charset=gbk")
	f.Add([]byte("PK\x03\x04"), "")
	f.Add([]byte("%PDF-1.4 /Title (abc)"), "application/pdf")
	f.Add([]byte("索引号: 1 文件编号:\n发布机构: 某街道 成文日期: 2021-13-45\n一、总体情况\n"), "text/plain")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		_, err := extract.Extract(context.Background(), extract.Input{URL: "http://www.x.gov.cn/a", Body: body, ContentType: ct})
		if errors.Is(err, extract.ErrInternal) {
			t.Fatal(err)
		}
	})
}
