package tables

import (
	"strings"
	"testing"
)

// TestReadBlock: one block of value lines read in each layout.
func TestReadBlock(t *testing.T) {
	tk := func(lines ...string) []tok {
		var out []tok
		for _, l := range lines {
			out = append(out, tok{text: l, empty: l == "", value: true})
		}
		return out
	}
	cases := []struct {
		name   string
		block  []tok
		layout textLayout
		want   []string
	}{
		{"paragraph: 16, five blanks, 16 (corpus 001)", tk("", "16\u00a0", "", "", "", "", "", "", "16\u00a0", ""), layoutParagraph,
			[]string{"16\u00a0", "", "", "", "", "", "16\u00a0"}},
		{"rows: cells then the row's end and covered cells (corpus 002)", tk("\t0", "\t0", "\t0", "", "\t", "\t"), layoutRows,
			[]string{"\t0", "\t0", "\t0"}},
		{"cells: U+3000 and NBSP blanks (corpus 003)", tk("\u3000\u3000", "\u00a0", "\u3000"), layoutCells,
			[]string{"\u3000\u3000", "\u00a0", "\u3000"}},
	}
	for _, c := range cases {
		got := readBlock(c.block, c.layout)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestFromTextVariants: lines that are not in the corpus but in the wild.
func TestFromTextVariants(t *testing.T) {
	cases := []struct {
		name            string
		text            string
		table, row, col string
		want            string
	}{
		{"tab-separated row", "规章\t1\t2\t3\n规范性文件\t4\t\t6\n", Proactive, "normative_docs", "published", "/null"},
		{"tab-separated row value", "规章\t1\t2\t3\n规范性文件\t4\t\t6\n", Proactive, "normative_docs", "total", "6"},
		{"label broken over two lines", "（二）部分公开（区分处理的，只计这一情形，\n不计其他情形）\n2\n\n\n\n\n\n8\n（三）不予公开\n", Requests, "partial", "total", "8"},
		{"group and row label in one line", "（三）不予公开 1.属于国家秘密\n1\n0\n0\n0\n0\n0\n1\n", Requests, "denied.state_secret", "total", "1"},
		{"full-width figures", "一、本年新收政府信息公开申请数量\n１２\n\n\n\n\n\n１２\n", Requests, "received", "natural_person", "１２"},
		{"2021 other rows", "（六）其他处理\n1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\n1\n0\n0\n0\n0\n0\n1\n" +
			"2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\n0\n0\n0\n0\n0\n0\n0\n3.其他\n2\n0\n0\n0\n0\n0\n2\n（七）总计\n3\n0\n0\n0\n0\n0\n3\n",
			Requests, "other.other", "total", "2"},
	}
	for _, c := range cases {
		res, err := FromText(strings.Split(c.text, "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := value(t, res, c.table, c.row, c.col); got != c.want {
			t.Errorf("%s: %s/%s/%s = %s, want %s (warnings %q)", c.name, c.table, c.row, c.col, got, c.want, res.Warnings)
		}
	}
}

// TestMenuLinesDoNotHideRows: portal menus list 规章, 规范性文件, 行政许可 …
// as lines above the article; the table's rows still win.
func TestMenuLinesDoNotHideRows(t *testing.T) {
	text := "规章\n规范性文件\n行政许可\n行政处罚\n\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年新制作数量\n本年新公开数量\n对外公开总数量\n" +
		"规章\n1\n2\n3\n规范性文件\n4\n5\n6\n"
	res, err := FromText(strings.Split(text, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, res, Proactive, "rules", "total"); got != "3" {
		t.Errorf("rules/total = %s, want 3", got)
	}
	if got := value(t, res, Proactive, "normative_docs", "made"); got != "4" {
		t.Errorf("normative_docs/made = %s, want 4", got)
	}
	if got := value(t, res, Proactive, "licensing", "decisions"); got != "/null" {
		t.Errorf("licensing/decisions = %s, want blank", got)
	}
}

// TestDetectLayout: the three layouts of the corpus, and cell-per-line text
// with empty lines for blanks whose figures are mostly followed by blanks.
func TestDetectLayout(t *testing.T) {
	lines := func(s string) []tok {
		var out []tok
		for _, l := range strings.Split(s, "\n") {
			tk := tok{text: l, empty: l == "", value: l == "" || trimCell(l) == ""}
			if _, _, ok := parseNumber(trimCell(l)); ok {
				tk.value = true
			}
			if !tk.value {
				tk.lab = classifyCell(l)
			}
			out = append(out, tk)
		}
		return out
	}
	cases := []struct {
		name string
		text string
		want textLayout
	}{
		{"paragraph", "规章\n\n0\n\n0\n\n0\n\n规范性文件\n\n1\n\n\n\n2\n\n", layoutParagraph},
		{"rows", "\t规章\n\t0\n\t0\n\t0\n\n\t规范性文件\n\t0\n\t\n\t0\n\n", layoutRows},
		{"cells", "规章\n\u3000\n0\n0\n规范性文件\n1\n2\n3\n", layoutCells},
		{"cells with empty blanks", "一、本年新收政府信息公开申请数量\n5\n\n\n\n\n\n\n二、上年结转政府信息公开申请数量\n1\n\n\n\n\n\n\n" +
			"（一）予以公开\n4\n\n1\n\n\n\n\n（七）总计\n5\n\n\n\n\n\n\n", layoutRows},
	}
	for _, c := range cases {
		if got := detectLayout(lines(c.text)); got != c.want {
			t.Errorf("%s: layout %d, want %d", c.name, got, c.want)
		}
	}
	// and the cells-with-empty-blanks text reads right: research is the third column
	res, err := FromText(strings.Split(cases[3].text, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, res, Requests, "granted", "research"); got != "1" {
		t.Errorf("granted/research = %s, want 1", got)
	}
}
