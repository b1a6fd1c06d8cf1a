package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no UTF-8 BOM: %q", b[:min(len(b), 10)])
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCSVLongFormat(t *testing.T) {
	m, bodies := fixtureArchive()
	var buf bytes.Buffer
	if _, err := CSV(context.Background(), m, &buf, Filter{Year: 2020, Kinds: []string{"report"}}, nil); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if strings.Join(rows[0], ",") != "url,agency,year,template,table,row,column,raw,value,sha256,region,kind,title,published_date,label_zh,unit,tables_source,tables_url,conflict" {
		t.Fatalf("header %v", rows[0])
	}
	// Versions a v1, a v2 and the mirror of v1; each has 2 proactive cells,
	// 11 requests cells (one blank), 2 review cells.
	if got := len(rows) - 1; got != 3*15 {
		t.Errorf("%d data rows, want 45", got)
	}
	find := func(url, sha, table, row, col string) []string {
		for _, r := range rows[1:] {
			if r[0] == url && r[9] == sha && r[4] == table && r[5] == row && r[6] == col {
				return r
			}
		}
		return nil
	}
	const a = "http://www.xq.gov.cn/xxgk/ndbg/2021/t20210125_1.html"
	tests := []struct {
		sha, table, row, col, raw, value, label, unit string
	}{
		{digestOf(bodies["a1"]), "requests", "received", "total", "16", "16", "一、本年新收政府信息公开申请数量 / 总计", "件"},
		{digestOf(bodies["a2"]), "requests", "received", "total", "17", "17", "一、本年新收政府信息公开申请数量 / 总计", "件"},
		{digestOf(bodies["a2"]), "requests", "received", "commercial", "　", "", "一、本年新收政府信息公开申请数量 / 商业企业", "件"},
		{digestOf(bodies["a1"]), "proactive", "procurement", "amount", "105.46万", "105.46", "政府集中采购 / 采购总金额（万元）", "万元"},
		{digestOf(bodies["a1"]), "review_litigation", "review", "upheld", "3", "3", "行政复议 / 结果维持", "件"},
	}
	for _, tc := range tests {
		r := find(a, tc.sha, tc.table, tc.row, tc.col)
		if r == nil {
			t.Errorf("no row for %s.%s.%s", tc.table, tc.row, tc.col)
			continue
		}
		if r[1] != "新前街道" || r[2] != "2020" || r[3] != "2019" || r[7] != tc.raw || r[8] != tc.value {
			t.Errorf("%s.%s.%s = %v, want raw %q value %q", tc.table, tc.row, tc.col, r, tc.raw, tc.value)
		}
		if r[14] != tc.label || r[15] != tc.unit {
			t.Errorf("%s.%s.%s label %q unit %q, want %q %q", tc.table, tc.row, tc.col, r[14], r[15], tc.label, tc.unit)
		}
	}
	// Printed order: proactive before requests, received before carried_in.
	var order []string
	for _, r := range rows[1:] {
		if r[9] == digestOf(bodies["a1"]) && r[0] == a {
			order = append(order, r[4]+"."+r[5]+"."+r[6])
		}
	}
	want := "proactive.rules.made proactive.procurement.amount requests.received.natural_person requests.received.commercial requests.received.total requests.carried_in.natural_person"
	if got := strings.Join(order[:6], " "); got != want {
		t.Errorf("order %s\nwant  %s", got, want)
	}
}

func TestCSVQuotesRawText(t *testing.T) {
	m, _ := fixtureArchive()
	var buf bytes.Buffer
	if _, err := CSV(context.Background(), m, &buf, Filter{Kinds: []string{"copy"}}, nil); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if len(rows) != 2 || rows[1][7] != "16, 另计" || rows[1][8] != "16" {
		t.Errorf("rows %v", rows)
	}
}

func TestCSVWide(t *testing.T) {
	m, bodies := fixtureArchive()
	var buf bytes.Buffer
	// No --kind: reports only (the essay-site copy and the news page are left out).
	if _, err := CSVWide(context.Background(), m, &buf, Filter{}, nil); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	head := rows[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, head)
		return -1
	}
	if len(rows) != 5 { // header + a19 + a v1 + a v2 + mirror
		t.Fatalf("%d rows", len(rows))
	}
	var v2 []string
	for _, r := range rows[1:] {
		if r[col("sha256")] == digestOf(bodies["a2"]) {
			v2 = r
		}
	}
	want := map[string]string{"received": "17", "carried_in": "1", "granted": "12", "total": "15", "carried_out": "3",
		"review.total": "3", "suit_direct.total": "", "year": "2020", "first_captured": "2026-11-22T02:00:13Z",
		"failed_checks": "requests.total", "region": "台州市", "title": "新前街道2020年度政府信息公开年度报告",
		"requests.carried_out.total": "3", "requests.received.total": "17", "requests.partial.total": "",
		"review_litigation.review.upheld": "3", "review_litigation.review.corrected": "",
		"proactive.procurement.amount": "105.46", "proactive.rules.made": "0", "proactive.rules.in_force": ""}
	for k, w := range want {
		if got := v2[col(k)]; got != w {
			t.Errorf("%s = %q, want %q", k, got, w)
		}
	}
}

func TestWideHeaderHasEveryFigureOnce(t *testing.T) {
	h := WideHeader()
	seen := map[string]bool{}
	for _, c := range h {
		if seen[c] {
			t.Errorf("column %s twice", c)
		}
		seen[c] = true
	}
	// 26 requests rows' totals, 15 review cells, 29 proactive cells.
	for _, c := range []string{"requests.other.other.total", "requests.other.total", "review_litigation.suit_after_review.total",
		"proactive.fees.amount", "proactive.normative_docs.in_force", "tables_source", "published_date",
		"tables_url", "files", "conflicts"} {
		if !seen[c] {
			t.Errorf("no column %s", c)
		}
	}
	if n := len(h); n != 8+len(KeyFigures)+4+26+15+29+len(FileColumns) {
		t.Errorf("%d columns", n)
	}
}
