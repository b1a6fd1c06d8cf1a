package pdf

import (
	"strings"
	"testing"
)

// TestBorderlessNarrowLabel: a table printed without borders or padding
// sets a narrow group label, wrapped over two lines, right against the
// items beside it (less than an em apart). The items all start on one
// edge, so the group label is a cell of its own, not the start of the
// item's label.
func TestBorderlessNarrowLabel(t *testing.T) {
	rows := [][]Glyph{
		text("甲组标签", 60, 100, 0), text("1.第一项", 94, 100, 10), text("3", 250, 100, 20), text("4", 300, 100, 25),
		text("文字", 60, 120, 30), text("2.第二项", 94, 120, 40), text("5", 250, 120, 50), text("6", 300, 120, 55),
		text("3.第三项", 94, 140, 60), text("7", 250, 140, 70), text("8", 300, 140, 75),
	}
	containsAll(t, tableHTML(t, &Document{PageCount: 1, Pages: []Page{page(1, nil, rows...)}}),
		"<td>甲组标签</td><td>1.第一项</td><td>3</td><td>4</td>",
		"<td>文字</td><td>2.第二项</td><td>5</td><td>6</td>",
		"<td></td><td>3.第三项</td><td>7</td><td>8</td>")
}

// containsAll requires every part in got.
func containsAll(t *testing.T, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%s missing from\n%s", p, got)
		}
	}
}

// TestFigureRowAtPageFoot: a row of figures that lands in the bottom
// margin of a page is a table row, not a page number; the page number
// under it is still left out.
func TestFigureRowAtPageFoot(t *testing.T) {
	p := page(1, nil,
		text("4.重复申请", 60, 740, 0), text("1", 250, 740, 10), text("0", 300, 740, 12), text("1", 350, 740, 14),
		text("5.要求确认", 60, 758, 20),
		text("0", 250, 766, 30), text("0", 300, 766, 32), text("0", 350, 766, 34),
		text("信息", 60, 778, 40),
		text("- 2 -", 280, 810, 50),
	)
	var texts []string
	for _, l := range Lines(&Document{PageCount: 1, Pages: []Page{p}}) {
		texts = append(texts, l.Text())
	}
	all := strings.Join(texts, "|")
	if !strings.Contains(all, "|0 0 0|") {
		t.Errorf("the row of figures at the foot of the page is gone: %s", all)
	}
	if strings.Contains(all, "2") {
		t.Errorf("the page number is kept: %s", all)
	}
}

// TestFigureRowAtPageHead: a row broken by the page leaves its figures at
// the top of the next page, two of them where the columns between are
// blank (corpus 001: 0 … 0); they are a row, while a page number with the
// page count beside it (第 3 页 共 5 页) is still left out.
func TestFigureRowAtPageHead(t *testing.T) {
	p := page(1, nil,
		text("0", 250, 50, 0), text("0", 450, 50, 2),
		text("新出具已获取信息", 60, 62, 4),
		text("第 3 页 共 5 页", 250, 810, 20),
	)
	var texts []string
	for _, l := range Lines(&Document{PageCount: 1, Pages: []Page{p}}) {
		texts = append(texts, l.Text())
	}
	if all := strings.Join(texts, "|"); all != "0 0|新出具已获取信息" {
		t.Errorf("lines %s, want 0 0|新出具已获取信息", all)
	}
}
