package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	lpdf "github.com/ledongthuc/pdf"
)

// Hand-made pages: glyphs 8 pt wide and 10 pt tall, borders as rules or
// as content streams run through the path scanner.

// text lays s out from (x, y), one glyph per rune, seq numbering from seq.
func text(s string, x, y float64, seq int) []Glyph {
	var gs []Glyph
	for _, r := range s {
		if r != ' ' {
			gs = append(gs, Glyph{Rune: r, X0: x, Y0: y, X1: x + 8, Y1: y + 10, Seq: seq})
		}
		x += 8
		seq++
	}
	return gs
}

// hrule and vrule are half-point rules.
func hrule(y, x0, x1 float64) Rule { return Rule{x0, y - 0.25, x1, y + 0.25} }
func vrule(x, y0, y1 float64) Rule { return Rule{x - 0.25, y0, x + 0.25, y1} }

// grid draws every line of a grid: column lines xs, row lines ys.
func grid(xs, ys []float64) []Rule {
	var rs []Rule
	for _, y := range ys {
		rs = append(rs, hrule(y, xs[0], xs[len(xs)-1]))
	}
	for _, x := range xs {
		rs = append(rs, vrule(x, ys[0], ys[len(ys)-1]))
	}
	return rs
}

func page(n int, rules []Rule, glyphs ...[]Glyph) Page {
	p := Page{Number: n, Width: 595, Height: 842, Rules: rules}
	for _, g := range glyphs {
		p.Glyphs = append(p.Glyphs, g...)
	}
	return p
}

// tableHTML is the HTML of a document from its first <table> to the last </table>.
func tableHTML(t *testing.T, doc *Document) string {
	t.Helper()
	h := HTML(doc)
	i, j := strings.Index(h, "<table>"), strings.LastIndex(h, "</table>")
	if i < 0 || j < 0 {
		t.Fatalf("no table in\n%s", h)
	}
	return h[i : j+len("</table>")]
}

// checkTable requires the document's tables to be written as want.
func checkTable(t *testing.T, doc *Document, want string) {
	t.Helper()
	if got := tableHTML(t, doc); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestRuledGrid(t *testing.T) {
	xs, ys := []float64{50, 200, 300, 400}, []float64{100, 120, 140, 160}
	tests := []struct {
		name  string
		rules []Rule
		want  string
	}{{
		name:  "every line drawn",
		rules: grid(xs, ys),
		want: "<tr><td>信息内容</td><td>新制作</td><td>总数</td></tr>\n" +
			"<tr><td>规章</td><td>1</td><td>12</td></tr>\n" +
			"<tr><td>规范性文件</td><td>0</td><td>3</td></tr>\n",
	}, {
		// Chromium draws each cell's sides, offset by a fraction of a point,
		// and a double line two points apart is one line.
		name: "borders per cell, double outer line",
		rules: func() []Rule {
			var rs []Rule
			for r := 0; r+1 < len(ys); r++ {
				for c := 0; c+1 < len(xs); c++ {
					d := 0.6 * float64(c%2)
					rs = append(rs, hrule(ys[r]+d, xs[c], xs[c+1]), hrule(ys[r+1]+d, xs[c], xs[c+1]),
						vrule(xs[c]+d, ys[r], ys[r+1]), vrule(xs[c+1]-d, ys[r], ys[r+1]))
				}
			}
			return append(rs, hrule(ys[0]-2, xs[0], xs[3]), hrule(ys[3]+2, xs[0], xs[3]))
		}(),
		want: "<tr><td>信息内容</td><td>新制作</td><td>总数</td></tr>\n" +
			"<tr><td>规章</td><td>1</td><td>12</td></tr>\n" +
			"<tr><td>规范性文件</td><td>0</td><td>3</td></tr>\n",
	}}
	glyphs := [][]Glyph{
		text("信息内容", 60, 105, 0), text("新制作", 210, 105, 10), text("总数", 310, 105, 20),
		text("规章", 60, 125, 30), text("1", 210, 125, 40), text("12", 310, 125, 50),
		text("规范性文件", 60, 145, 60), text("0", 210, 145, 70), text("3", 310, 145, 80),
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkTable(t, &Document{PageCount: 1, Pages: []Page{page(1, tc.rules, glyphs...)}}, "<table>\n"+tc.want+"</table>")
		})
	}
}

// TestRuledSpans: cells merged where the rule between them is missing: a
// vertical group label over three rows (三、本年度办理结果 style), a header
// over two columns, and a label wrapped over three lines in its cell.
func TestRuledSpans(t *testing.T) {
	var rules []Rule
	rules = append(rules, hrule(100, 50, 400), hrule(180, 50, 400))
	rules = append(rules, hrule(120, 50, 400)) // under the header row
	rules = append(rules, hrule(140, 80, 400), hrule(160, 80, 400))
	rules = append(rules, vrule(50, 100, 180), vrule(400, 100, 180), vrule(200, 100, 180))
	rules = append(rules, vrule(80, 120, 180))  // the group column starts under the header
	rules = append(rules, vrule(300, 120, 180)) // 申请人 spans both figure columns
	doc := &Document{PageCount: 1, Pages: []Page{page(1, rules,
		text("申请人", 210, 105, 0),
		// vertical text, one glyph under the other
		[]Glyph{{Rune: '办', X0: 60, Y0: 125, X1: 70, Y1: 135, Seq: 10}, {Rune: '理', X0: 60, Y0: 137, X1: 70, Y1: 147, Seq: 11},
			{Rune: '结', X0: 60, Y0: 149, X1: 70, Y1: 159, Seq: 12}, {Rune: '果', X0: 60, Y0: 161, X1: 70, Y1: 171, Seq: 13}},
		text("予以公开", 90, 125, 20), text("5", 210, 125, 30), text("7", 310, 125, 31),
		text("不予公开", 90, 145, 40), text("0", 210, 145, 50), text("1", 310, 145, 51),
		text("其他", 90, 161, 60), text("2", 210, 165, 70), text("0", 310, 165, 71),
	)}}
	want := "<table>\n" +
		"<tr><td colspan=\"2\"></td><td colspan=\"2\">申请人</td></tr>\n" +
		"<tr><td rowspan=\"3\">办理结果</td><td>予以公开</td><td>5</td><td>7</td></tr>\n" +
		"<tr><td>不予公开</td><td>0</td><td>1</td></tr>\n" +
		"<tr><td>其他</td><td>2</td><td>0</td></tr>\n" +
		"</table>"
	checkTable(t, doc, want)
}

// TestRuledWrappedLabel: LibreOffice's narrow label column wraps a label
// over several lines inside its cell; the lines are one label, never rows.
func TestRuledWrappedLabel(t *testing.T) {
	rules := grid([]float64{50, 90, 200}, []float64{100, 140, 160})
	doc := &Document{PageCount: 1, Pages: []Page{page(1, rules,
		text("其他", 55, 102, 0), text("处理", 55, 114, 2), text("决定", 55, 126, 4), text("3", 150, 114, 6),
		text("总计", 55, 145, 10), text("3", 150, 145, 12),
	)}}
	want := "<table>\n<tr><td>其他处理决定</td><td>3</td></tr>\n<tr><td>总计</td><td>3</td></tr>\n</table>"
	checkTable(t, doc, want)
}

// TestRuledAcrossPages: a table broken by the page: its parts are one
// table; the group label's part on the next page (drawn without its left
// border, empty) continues the group; a row broken by the page (label
// half on each page, figures on the first) is one row.
func TestRuledAcrossPages(t *testing.T) {
	p1 := page(1, []Rule{
		hrule(680, 50, 350), hrule(700, 50, 350), hrule(720, 100, 350), hrule(745, 50, 350),
		vrule(50, 680, 745), vrule(350, 680, 745), vrule(100, 700, 745), vrule(250, 700, 745), vrule(300, 700, 745)},
		text("三、办理结果", 60, 685, 0),
		text("不予", 60, 705, 10), text("1.国家秘密", 110, 705, 12), text("4", 260, 705, 20), text("5", 310, 705, 21),
		text("2.其他法律行政", 110, 725, 30), text("0", 260, 725, 40), text("1", 310, 725, 41),
	)
	p1.Glyphs = append(p1.Glyphs, text("-1-", 280, 800, 90)...) // page number in the margin
	// A running header and footer, the same on both pages.
	running := append(text("年度报告", 60, 20, 95), text("某区人民政府办公室", 60, 780, 99)...)
	p1.Glyphs = append(p1.Glyphs, running...)
	var rules2 []Rule
	rules2 = append(rules2, hrule(60, 100, 350), hrule(80, 100, 350), hrule(100, 100, 350))
	rules2 = append(rules2, vrule(100, 60, 100), vrule(250, 60, 100), vrule(300, 60, 100), vrule(350, 60, 100))
	p2 := page(2, rules2,
		text("法规禁止公开", 110, 65, 0),
		text("3.三安全一稳定", 110, 85, 10), text("2", 260, 85, 20), text("3", 310, 85, 21),
	)
	p2.Glyphs = append(p2.Glyphs, running...)
	doc := &Document{PageCount: 2, Pages: []Page{p1, p2}}
	want := "<table>\n" +
		"<tr><td colspan=\"4\">三、办理结果</td></tr>\n" +
		"<tr><td rowspan=\"3\">不予</td><td>1.国家秘密</td><td>4</td><td>5</td></tr>\n" +
		"<tr><td>2.其他法律行政法规禁止公开</td><td>0</td><td>1</td></tr>\n" +
		"<tr><td>3.三安全一稳定</td><td>2</td><td>3</td></tr>\n" +
		"</table>"
	checkTable(t, doc, want)
	// The running footer and header between the parts are kept, after the table.
	h := HTML(doc)
	if i := strings.Index(h, "</table>"); strings.Count(h[i:], "某区人民政府办公室") != 2 || strings.Count(h[i:], "年度报告") != 1 {
		t.Errorf("running footers and header not after the table:\n%s", h)
	}
}

// TestRuledFallback: tables without a grid of rules (borderless, or a
// three-line table with only horizontal rules, or a box round a
// paragraph) are rebuilt from positions as before.
func TestRuledFallback(t *testing.T) {
	rows := [][]Glyph{
		text("信息内容", 60, 105, 0), text("新制作", 210, 105, 10), text("总数", 310, 105, 20),
		text("规章", 60, 125, 30), text("1", 210, 125, 40), text("12", 310, 125, 50),
		text("规范性文件", 60, 145, 60), text("0", 210, 145, 70), text("3", 310, 145, 80),
	}
	for _, tc := range []struct {
		name  string
		rules []Rule
	}{
		{"borderless", nil},
		{"three-line table", []Rule{hrule(100, 50, 400), hrule(120, 50, 400), hrule(160, 50, 400)}},
		{"one box", grid([]float64{50, 400}, []float64{100, 160})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := page(1, tc.rules, rows...)
			if tabs := ruledTables(p); len(tabs) != 0 {
				t.Fatalf("%d ruled tables, want none", len(tabs))
			}
			got := tableHTML(t, &Document{PageCount: 1, Pages: []Page{p}})
			containsAll(t, got, "<td>规章</td><td>1</td><td>12</td>", "<td>规范性文件</td><td>0</td><td>3</td>")
		})
	}
}

// TestPathScanner: the content-stream operators of the producers met in
// real reports give the same rules.
func TestPathScanner(t *testing.T) {
	tests := []struct {
		name, stream string
		want         []Rule
	}{
		{"stroked lines (LibreOffice, WPS)", "0 0 0 RG q 0.5 w 0 J 1 j\n84.35 709.24 m\n500.15 709.24 l S Q\n" +
			"q 0.5 w 84.6 709.49 m 84.6 413.09 l S Q",
			[]Rule{{84.35, 132.51, 500.15, 133.01}, {84.35, 132.51, 84.85, 428.91}}},
		{"thin filled rectangles under a flipped, scaled CTM (Chromium)",
			".24 0 0 -.24 0 842 cm q 3.125 0 0 3.125 0 0 cm 8 971 208 1 re f 8 971 1 26 re f Q",
			[]Rule{{6, 728.25, 162, 729}, {6, 728.25, 6.75, 747.75}}},
		{"stroked rectangle (Word)", "q 2 w 100 100 50 20 re S Q",
			[]Rule{{100, 741, 150, 743}, {149, 722, 151, 742}, {100, 721, 150, 723}, {99, 722, 101, 742}}},
		{"shaded cell: its sides", "0.8 g 100 100 50 20 re f",
			[]Rule{{100, 721.75, 150, 722.25}, {100, 741.75, 150, 742.25}, {99.75, 722, 100.25, 742}, {149.75, 722, 150.25, 742}}},
		{"white fill, curves, clipping, text: none",
			"1 g 100 100 50 20 re f 0 g 10 10 m 20 20 30 30 40 10 c S 0 0 595 842 re W n BT /F1 12 Tf (a) Tj ET " +
				"BI /W 2 /H 2 ID \x00EI\xff 1 1 re f EI 1 1 1 RG 10 10 m 100 10 l S",
			nil},
		{"slanted line: none", "10 10 m 100 50 l S", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newPathScanner(&Page{Width: 595, Height: 842})
			s.scan([]byte(tc.stream), lpdf.Value{}, 0)
			if len(s.rules) != len(tc.want) {
				t.Fatalf("got %v, want %v", s.rules, tc.want)
			}
			for i, r := range s.rules {
				w := tc.want[i]
				if abs(r.X0-w.X0) > 0.01 || abs(r.Y0-w.Y0) > 0.01 || abs(r.X1-w.X1) > 0.01 || abs(r.Y1-w.Y1) > 0.01 {
					t.Errorf("rule %d: got %+v, want %+v", i, r, w)
				}
			}
		})
	}
}

// TestPathScannerCap: a stream of millions of operators stops at the cap.
func TestPathScannerCap(t *testing.T) {
	s := newPathScanner(&Page{Width: 595, Height: 842})
	s.scan([]byte(strings.Repeat("10 10 m 100 10 l S ", 1_000_000)), lpdf.Value{}, 0)
	if s.ops > maxPathOps || len(s.rules) > maxPageRules {
		t.Errorf("%d operators run, %d rules kept; caps %d and %d", s.ops, len(s.rules), maxPathOps, maxPageRules)
	}
}

// minimalPDF is a one-page PDF whose content stream is content, with the
// trailer entries extra (e.g. a /Prev that points back at its own table).
func minimalPDF(content, extra string) []byte {
	return onePagePDF("/MediaBox [0 0 595 842]", content, extra)
}

// onePagePDF is minimalPDF with the page dictionary's entries page (boxes,
// /Rotate) and Helvetica as /F1.
func onePagePDF(page, content, extra string) []byte {
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offs := []int{}
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R " + page + " /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, strings.ReplaceAll(extra, "XREF", fmt.Sprint(xref)), xref)
	return []byte(b.String())
}

// TestAddRules reads the rules of a whole file, and gives up on a file
// whose cross-reference chain loops instead of following it for ever.
func TestAddRules(t *testing.T) {
	stream := "0.5 w 100 700 m 400 700 l S 100 600 m 400 600 l S 100 700 m 100 600 l S 250 700 m 250 600 l S 400 700 m 400 600 l S"
	doc := &Document{PageCount: 1, Pages: []Page{{Number: 1, Width: 595, Height: 842}}}
	if err := AddRules(context.Background(), minimalPDF(stream, ""), doc); err != nil {
		t.Fatal(err)
	}
	if got := len(doc.Pages[0].Rules); got != 5 {
		t.Fatalf("%d rules, want 5: %v", got, doc.Pages[0].Rules)
	}
	if tabs := ruledTables(doc.Pages[0]); len(tabs) != 1 || len(tabs[0].cells) != 2 || tabs[0].y0() < 141 || tabs[0].y0() > 143 {
		t.Errorf("ruled tables %+v, want one of 2 cells from y 142", tabs)
	}

	done := make(chan error, 1)
	go func() {
		doc := &Document{PageCount: 1, Pages: []Page{{Number: 1, Width: 595, Height: 842}}}
		done <- AddRules(context.Background(), minimalPDF(stream, "/Prev XREF"), doc)
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a looping /Prev chain read without error")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("AddRules still following a looping /Prev chain after 20 s")
	}
}

// TestRotatedAndCropped: pages shown through a crop box off the origin or
// turned by /Rotate (content drawn turned the other way, as scanners and
// landscape converters do) give glyphs and rules in the same upright
// coordinates, so the table reads the same.
func TestRotatedAndCropped(t *testing.T) {
	// The table in upright coordinates: two columns, two rows.
	table := "0.5 w 100 440 m 300 440 l S 100 420 m 300 420 l S 100 400 m 300 400 l S " +
		"100 440 m 100 400 l S 200 440 m 200 400 l S 300 440 m 300 400 l S " +
		"BT /F1 10 Tf 110 426 Td (AA) Tj ET BT /F1 10 Tf 210 426 Td (12) Tj ET " +
		"BT /F1 10 Tf 110 406 Td (BB) Tj ET BT /F1 10 Tf 210 406 Td (34) Tj ET"
	for _, tc := range []struct{ name, page, cm string }{
		{"upright", "/MediaBox [0 0 595 842]", "1 0 0 1 0 0"},
		{"crop box off the origin", "/MediaBox [0 0 800 1000] /CropBox [100 50 695 892]", "1 0 0 1 100 50"},
		{"rotate 90", "/MediaBox [0 0 595 842] /Rotate 90", "0 1 -1 0 595 0"},
		{"rotate 180", "/MediaBox [0 0 595 842] /Rotate 180", "-1 0 0 -1 595 842"},
		{"rotate 270", "/MediaBox [0 0 595 842] /Rotate 270", "0 -1 1 0 0 842"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := onePagePDF(tc.page, "q "+tc.cm+" cm "+table+" Q", "")
			doc, err := testEngine(t).Read(context.Background(), data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			want := "<table>\n<tr><td>AA</td><td>12</td></tr>\n<tr><td>BB</td><td>34</td></tr>\n</table>"
			if got := tableHTML(t, doc); got != want {
				t.Errorf("got\n%s\nwant\n%s\nrules %v", got, want, doc.Pages[0].Rules)
			}
		})
	}
}

// TestRuledRepeatedHeader: header rows repeated at the top of the next
// page are written once.
func TestRuledRepeatedHeader(t *testing.T) {
	xs := []float64{50, 200, 300}
	p1 := page(1, grid(xs, []float64{700, 720, 740, 760}),
		text("信息内容", 60, 705, 0), text("数量", 210, 705, 10),
		text("规章", 60, 725, 20), text("1", 210, 725, 30),
		text("规范性文件", 60, 745, 40), text("2", 210, 745, 50))
	p2 := page(2, grid(xs, []float64{60, 80, 100}),
		text("信息内容", 60, 65, 0), text("数量", 210, 65, 10),
		text("行政许可", 60, 85, 20), text("3", 210, 85, 30))
	want := "<table>\n<tr><td>信息内容</td><td>数量</td></tr>\n<tr><td>规章</td><td>1</td></tr>\n" +
		"<tr><td>规范性文件</td><td>2</td></tr>\n<tr><td>行政许可</td><td>3</td></tr>\n</table>"
	checkTable(t, &Document{PageCount: 2, Pages: []Page{p1, p2}}, want)
}

// TestAddRulesContentCap: a form whose stream inflates to 8 MB, drawn
// 200 times, is not decoded 200 times: the document's decoded-bytes cap
// stops the scan with an error.
func TestAddRulesContentCap(t *testing.T) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte(" "), 8<<20))
	zw.Close()
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /X0 5 0 R >> >> >>")
	content := strings.Repeat("/X0 Do ", 200)
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", z.Len(), z.String()))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	doc := &Document{PageCount: 1, Pages: []Page{{Number: 1, Width: 595, Height: 842}}}
	if err := AddRules(context.Background(), b.Bytes(), doc); !errors.Is(err, errContentBudget) {
		t.Errorf("AddRules: %v, want the content cap", err)
	}
}

// BenchmarkAddRules: the path scan of the two corpus PDFs (5 pages each),
// per document: go test -run '^$' -bench AddRules ./extract/pdf
func BenchmarkAddRules(b *testing.B) {
	type input struct {
		data []byte
		doc  *Document
	}
	var ins []input
	for _, p := range corpusPDFs(b) {
		doc, err := testEngine(b).Read(context.Background(), p.Bytes, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, input{p.Bytes, doc})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := ins[i%len(ins)]
		if err := AddRules(context.Background(), in.data, in.doc); err != nil {
			b.Fatal(err)
		}
	}
}
