package tables

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func parseHTMLString(t testing.TB, s string) Result {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	res, err := FromHTML(doc.Selection)
	if err != nil {
		t.Fatalf("FromHTML: %v", err)
	}
	return res
}

func value(t *testing.T, res Result, table, row, col string) string {
	t.Helper()
	c, ok := res.Tables[table][row][col]
	if !ok {
		return "<missing>"
	}
	if c.Value == nil {
		return c.Raw + "/null"
	}
	return c.Raw
}

func TestFromHTMLNilRoot(t *testing.T) {
	if _, err := FromHTML(nil); err == nil {
		t.Error("nil root: no error")
	}
}

func TestFromHTMLNoStandardTables(t *testing.T) {
	res := parseHTMLString(t, `<html><body><table><tr><td>姓名</td><td>电话</td></tr><tr><td>张三</td><td>123</td></tr></table><p>本机关2020年主动公开政府信息192条</p></body></html>`)
	if res.Template != "" || res.Tables != nil {
		t.Errorf("template %q tables %v, want none", res.Template, res.Tables)
	}
}

// reportTable is table 四 and a piece of table 三 used inside hostile markup.
const reportTable = `<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td><td rowspan="2">尚未审结</td><td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td>3</td><td>7</td><td>0</td><td>1</td><td>11</td><td>1</td><td>0</td><td>0</td><td>2</td><td>3</td><td>0</td><td>0</td><td>0</td><td>2</td><td>2</td></tr></table>`

// TestNestedTables: 5,000 tables nested in each other. The HTML parser
// refuses more than 512 open elements, so the deep tree is built by hand;
// the parser is exercised at the deepest nesting it accepts.
func TestNestedTables(t *testing.T) {
	inner, err := html.Parse(strings.NewReader(reportTable))
	if err != nil {
		t.Fatal(err)
	}
	node := goquery.NewDocumentFromNode(inner).Find("table").Nodes[0]
	node.Parent.RemoveChild(node)
	for i := 0; i < 5000; i++ {
		td := &html.Node{Type: html.ElementNode, Data: "td", DataAtom: atom.Td}
		tr := &html.Node{Type: html.ElementNode, Data: "tr", DataAtom: atom.Tr}
		table := &html.Node{Type: html.ElementNode, Data: "table", DataAtom: atom.Table}
		td.AppendChild(node)
		tr.AppendChild(td)
		table.AppendChild(tr)
		node = table
	}
	res, err := FromHTML(goquery.NewDocumentFromNode(node).Selection)
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, res, ReviewLitigation, "review", "total"); got != "11" {
		t.Errorf("5000 levels: review total %s, want 11", got)
	}

	const depth = 120 // 4 open elements per level: under the parser's 512
	page := "<html><body>" + strings.Repeat("<table><tr><td>", depth) + reportTable +
		strings.Repeat("</td></tr></table>", depth) + "</body></html>"
	res = parseHTMLString(t, page)
	if got := value(t, res, ReviewLitigation, "suit_direct", "total"); got != "3" {
		t.Errorf("%d levels: suit_direct total %s, want 3", depth, got)
	}
}

func TestUnclosedTags(t *testing.T) {
	page := `<html><body><p>三、收到和处理政府信息公开申请情况<table>
<tr><td>一、本年新收政府信息公开申请数量<td>16<td><td><td><td><td><td>16
<tr><td>二、上年结转政府信息公开申请数量<td>0<td><td><td><td><td><td>0
<tr><td>（七）总计<td>9<td><td><td><td><td><td>9
<tr><td>四、结转下年度继续办理<td>7<td><td><td><td><td><td>7
</table><p>四、政府信息公开行政复议、行政诉讼情况` + reportTable[:len(reportTable)-len("</table>")]
	res := parseHTMLString(t, page)
	for _, c := range []struct{ row, col, want string }{
		{"received", "natural_person", "16"}, {"received", "commercial", "/null"}, {"received", "total", "16"},
		{"carried_out", "total", "7"}, {"total", "natural_person", "9"},
	} {
		if got := value(t, res, Requests, c.row, c.col); got != c.want {
			t.Errorf("requests/%s/%s = %s, want %s", c.row, c.col, got, c.want)
		}
	}
	if got := value(t, res, ReviewLitigation, "suit_after_review", "total"); got != "2" {
		t.Errorf("suit_after_review total %s, want 2", got)
	}
}

// TestHostileSpans: spans far beyond any real table are capped; the call
// returns a result and a warning instead of allocating gigabytes.
func TestHostileSpans(t *testing.T) {
	var b strings.Builder
	b.WriteString("<table><tr><td>规章</td><td>1</td><td>2</td><td>3</td></tr>")
	for i := 0; i < 3000; i++ {
		b.WriteString(`<tr><td rowspan="100000" colspan="100000">x</td><td rowspan="65534">y</td></tr>`)
	}
	b.WriteString("</table>")
	res := parseHTMLString(t, b.String())
	if got := value(t, res, Proactive, "rules", "total"); got != "3" {
		t.Errorf("rules/total = %s, want 3", got)
	}
	if len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, " "), "grid larger") {
		t.Errorf("no warning about the capped grid: %q", res.Warnings)
	}
}

// TestHugePage: a 20 MB page (a report followed by junk) gives a result.
func TestHugePage(t *testing.T) {
	if testing.Short() {
		t.Skip("20 MB page: skipped with -short")
	}
	body, err := os.ReadFile(filepath.Join("testdata", "html", "grid_001.html"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.Write(body)
	row := "<tr><td>其他事项</td><td>0</td><td>0</td></tr>"
	b.WriteString("<table>")
	for b.Len() < 10<<20 {
		b.WriteString(row)
	}
	b.WriteString("</table>")
	para := "<p>" + strings.Repeat("政务公开工作", 200) + "</p>\n"
	for b.Len() < 20<<20 {
		b.WriteString(para)
	}
	res := parseHTMLString(t, b.String())
	if got := value(t, res, Requests, "partial", "total"); got != "8" {
		t.Errorf("partial/total = %s, want 8", got)
	}
}

// TestColumnUnitFromLabel: 元 in the header label converts the figures.
func TestColumnUnitFromLabel(t *testing.T) {
	res := parseHTMLString(t, `<table>
<tr><td>信息内容</td><td>采购项目数量</td><td>采购总金额（元）</td></tr>
<tr><td>政府集中采购</td><td>89</td><td>1054600</td></tr></table>`)
	c := res.Tables[Proactive]["procurement"]["amount"]
	if c.Raw != "1054600" || c.Value == nil || *c.Value != 105.46 {
		t.Errorf("amount %+v, want raw 1054600 value 105.46", c)
	}
}

// TestSplitRequestsTable: the header of table 三 in one <table>, its rows in
// another, rows in a different order from the template's.
func TestSplitRequestsTable(t *testing.T) {
	res := parseHTMLString(t, `<table>
<tr><td rowspan="2">申请人情况</td><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr></table>
<p>（续表）</p>
<table>
<tr><td>二、上年结转政府信息公开申请数量</td><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td><td>6</td><td>21</td></tr>
<tr><td>一、本年新收政府信息公开申请数量</td><td>10</td><td>0</td><td>0</td><td>0</td><td>0</td><td>１</td><td>11</td></tr>
</table>`)
	for _, c := range []struct{ row, col, want string }{
		{"carried_in", "natural_person", "1"}, {"carried_in", "legal_service", "5"}, {"carried_in", "total", "21"},
		{"received", "other_org", "１"}, {"received", "total", "11"},
	} {
		if got := value(t, res, Requests, c.row, c.col); got != c.want {
			t.Errorf("requests/%s/%s = %s, want %s", c.row, c.col, got, c.want)
		}
	}
}

// TestReviewByRows: table 四 with one row per group under a five-column header.
func TestReviewByRows(t *testing.T) {
	res := parseHTMLString(t, `<table>
<tr><td colspan="2"></td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td colspan="2">行政复议</td><td>3</td><td>7</td><td>0</td><td>1</td><td>11</td></tr>
<tr><td rowspan="2">行政诉讼</td><td>未经复议直接起诉</td><td>1</td><td>0</td><td>0</td><td>2</td><td>3</td></tr>
<tr><td>复议后起诉</td><td>0</td><td>0</td><td>0</td><td>2</td><td>2</td></tr></table>`)
	for _, c := range []struct{ group, leaf, want string }{
		{"review", "total", "11"}, {"review", "upheld", "3"}, {"suit_direct", "pending", "2"},
		{"suit_direct", "total", "3"}, {"suit_after_review", "total", "2"},
	} {
		if got := value(t, res, ReviewLitigation, c.group, c.leaf); got != c.want {
			t.Errorf("%s/%s = %s, want %s", c.group, c.leaf, got, c.want)
		}
	}
}

// TestProactiveLeftColumn: 第二十条 items as a rowspan column on the left,
// header and rows beside it.
func TestProactiveLeftColumn(t *testing.T) {
	res := parseHTMLString(t, `<table>
<tr><td rowspan="3">第二十条第（一）项</td><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr>
<tr><td>规章</td><td>1</td><td>2</td><td>3</td></tr>
<tr><td>规范性文件</td><td>4</td><td>5</td><td>6</td></tr>
<tr><td rowspan="2">第二十条第（九）项</td><td>信息内容</td><td>采购项目数量</td><td colspan="2">采购总金额</td></tr>
<tr><td>政府集中采购</td><td>89</td><td colspan="2">1054600元</td></tr></table>`)
	for _, c := range []struct{ row, col, want string }{
		{"rules", "made", "1"}, {"rules", "total", "3"}, {"normative_docs", "published", "5"},
		{"procurement", "projects", "89"}, {"procurement", "amount", "1054600元"},
	} {
		if got := value(t, res, Proactive, c.row, c.col); got != c.want {
			t.Errorf("%s/%s = %s, want %s", c.row, c.col, got, c.want)
		}
	}
	if v := res.Tables[Proactive]["procurement"]["amount"].Value; v == nil || *v != 105.46 {
		t.Errorf("procurement amount value %v, want 105.46", v)
	}
}

// TestHugeCell: a cell of megabytes is capped, stays valid UTF-8, and the
// table around it is still read.
func TestHugeCell(t *testing.T) {
	big := strings.Repeat("政", 1<<20) // 3 MB
	res := parseHTMLString(t, `<table><tr><td>`+big+`</td></tr><tr><td>规章</td><td>1</td><td>2</td><td>3</td></tr></table>`)
	if got := value(t, res, Proactive, "rules", "published"); got != "2" {
		t.Errorf("rules/published = %s, want 2", got)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(`<table><tr><td>` + big + `</td></tr></table>`))
	text := cellText(doc.Find("td").Nodes[0])
	if len(text) > maxCellText || !utf8.ValidString(text) {
		t.Errorf("cell text %d bytes, valid UTF-8 %v", len(text), utf8.ValidString(text))
	}
}
