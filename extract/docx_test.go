package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// buildDOCX writes a minimal .docx: paragraphs and the review/litigation
// table with gridSpan headers and vMerge'd labels, as Word saves it.
func buildDOCX(t testing.TB, extra map[string][]byte) []byte {
	t.Helper()
	p := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	tc := func(s, pr string) string {
		return `<w:tc><w:tcPr>` + pr + `</w:tcPr>` + p(s) + `</w:tc>`
	}
	span := func(n int) string { return fmt.Sprintf(`<w:gridSpan w:val="%d"/>`, n) }
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	doc.WriteString(`<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>清河市水利局2020年政府信息公开工作年度报告</w:t></w:r></w:p>`)
	doc.WriteString(p("一、总体情况"))
	doc.WriteString(`<w:p><w:r><w:t>2020年，本局依法推进政府信息公开。</w:t></w:r><w:r><w:tab/><w:t>全年无复议。</w:t></w:r></w:p>`)
	doc.WriteString(p("四、政府信息公开行政复议、行政诉讼情况"))
	doc.WriteString(`<w:tbl>`)
	doc.WriteString(`<w:tr>` + tc("行政复议", span(5)) + tc("行政诉讼", span(10)) + `</w:tr>`)
	doc.WriteString(`<w:tr>`)
	for _, l := range []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
		doc.WriteString(tc(l, `<w:vMerge w:val="restart"/>`))
	}
	doc.WriteString(tc("未经复议直接起诉", span(5)) + tc("复议后起诉", span(5)) + `</w:tr>`)
	doc.WriteString(`<w:tr>`)
	for i := 0; i < 5; i++ {
		doc.WriteString(`<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>`)
	}
	for i := 0; i < 2; i++ {
		for _, l := range []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
			doc.WriteString(tc(l, ""))
		}
	}
	doc.WriteString(`</w:tr><w:tr>`)
	for _, v := range []string{"1", "2", "0", "0", "3", "0", "1", "0", "0", "1", "0", "0", "0", "0", "0"} {
		doc.WriteString(tc(v, ""))
	}
	doc.WriteString(`</w:tr></w:tbl>`)
	doc.WriteString(p("六、其他需要报告的事项") + p("无。"))
	doc.WriteString(`</w:body></w:document>`)

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := map[string][]byte{
		"[Content_Types].xml": []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
		"word/document.xml":   []byte(doc.String()),
		"docProps/core.xml":   []byte(`<?xml version="1.0"?><cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Microsoft Word - 报告.doc</dc:title></cp:coreProperties>`),
	}
	for k, v := range extra {
		parts[k] = v
	}
	for _, name := range []string{"[Content_Types].xml", "word/document.xml", "docProps/core.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(parts[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDOCXToHTMLSpans(t *testing.T) {
	h, err := docxToHTML(buildDOCX(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<h1>清河市水利局2020年政府信息公开工作年度报告</h1>`,
		`<td colspan="5"><p>行政复议</p></td><td colspan="10"><p>行政诉讼</p></td>`,
		`<td rowspan="2"><p>结果维持</p></td>`,
		`<td colspan="5"><p>未经复议直接起诉</p></td>`,
		`<p>2020年，本局依法推进政府信息公开。 全年无复议。</p>`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("html lacks %s\n%s", want, h)
		}
	}
	// The covered (vMerge continue) cells are gone: row 3 has exactly 10 cells.
	rows := strings.Split(h, "<tr>")
	if got := strings.Count(rows[3], "<td"); got != 10 {
		t.Errorf("row 3 has %d cells, want 10: %s", got, rows[3])
	}
}

func TestExtractDOCX(t *testing.T) {
	rec, err := Extract(context.Background(), Input{URL: "http://www.qinghe.gov.cn/files/report.docx", Body: buildDOCX(t, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Kind != KindReport || rec.Year != 2020 || rec.Agency != "清河市水利局" || rec.Title != "清河市水利局2020年政府信息公开工作年度报告" {
		t.Errorf("kind %q year %d agency %q title %q", rec.Kind, rec.Year, rec.Agency, rec.Title)
	}
	if !strings.HasPrefix(rec.ContentType, "application/vnd.openxmlformats") {
		t.Errorf("content type %q", rec.ContentType)
	}
	if rec.Sections.Other != "无。" || rec.Sections.Overview != "2020年，本局依法推进政府信息公开。 全年无复议。" {
		t.Errorf("sections %+v", rec.Sections)
	}
	// Cells of DOCX tables are compared for every report in fixture_test.go
	// (internal/fixture.DOCX); here only the text path is checked.
	if !strings.Contains(rec.Text, "未经复议直接起诉") {
		t.Errorf("table cells missing from the text:\n%s", rec.Text)
	}
}

func TestDOCXLimits(t *testing.T) {
	// A document.xml that claims to be over the limit is refused unread.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	w.Write(bytes.Repeat([]byte("<w:p/>"), 1000))
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	f := zr.File[0]
	if _, err := readZipPart(f, 100); !errors.Is(err, errZipLimit) {
		t.Errorf("readZipPart over the limit: %v, want errZipLimit", err)
	}
	// A header that lies (small declared size) is still cut at the limit.
	f.UncompressedSize64 = 10
	if _, err := readZipPart(f, 100); err == nil {
		t.Errorf("lying header: read without error")
	}
	// A broken zip is a record with a warning, not an error.
	rec, err := Extract(context.Background(), Input{URL: "http://x.gov.cn/a.docx", Body: append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 100)...)})
	if err != nil || rec.TablesSource != "" && rec.TablesSource != "none" || len(rec.Warnings) == 0 {
		t.Errorf("broken docx: %v %+v", err, rec)
	}
}
