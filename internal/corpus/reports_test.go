package corpus

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract/tables"
)

func mustReport(t *testing.T, id string) Report {
	t.Helper()
	r, err := ReportByID(id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTruthCells(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		id, table, row, col string
		raw                 string
		value               *float64
	}{
		{"003", "proactive", "procurement", "projects", "89", f(89)},
		{"003", "proactive", "procurement", "amount", "105.46万", f(105.46)},
		{"003", "requests", "received", "total", "", nil},
		{"003", "review_litigation", "suit_after_review", "total", "", nil},
		{"001", "requests", "partial", "natural_person", "2", f(2)},
		{"001", "requests", "partial", "total", "8", f(8)},
		{"001", "requests", "partial", "commercial", "", nil},
		{"001", "requests", "received", "total", "16", f(16)},
		{"001", "requests", "total", "total", "0", f(0)},
		{"001", "requests", "denied.query_matter", "natural_person", "2", f(2)},
		{"001", "review_litigation", "review", "total", "11", f(11)},
		{"001", "review_litigation", "suit_direct", "pending", "2", f(2)},
		{"002", "requests", "carried_out", "total", "0", f(0)},
		{"syn2019-c", "proactive", "procurement", "amount", "1054600元", f(105.46)},
		{"syn2019-c", "proactive", "rules", "made", "/", nil},
		{"syn2019-c", "requests", "received", "research", "2", f(2)},
		{"syn2021-a", "proactive", "fees", "amount", "86.4", f(86.4)},
		{"syn2021-a", "requests", "other.no_correction", "natural_person", "1", f(1)},
		{"syn2021-b", "review_litigation", "review", "total", "13", f(13)},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%s.%s.%s", c.id, c.table, c.row, c.col), func(t *testing.T) {
			got, ok := mustReport(t, c.id).Tables[c.table][c.row][c.col]
			if !ok {
				t.Fatal("cell missing")
			}
			if got.Raw != c.raw || !reflect.DeepEqual(got.Value, c.value) {
				t.Errorf("got %q/%v, want %q/%v", got.Raw, deref(got.Value), c.raw, deref(c.value))
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestCorpus000AllZero(t *testing.T) {
	r := mustReport(t, "000")
	n := 0
	for _, rows := range r.Tables {
		for _, cols := range rows {
			for id, c := range cols {
				n++
				if c.Raw != "0" || c.Value == nil || *c.Value != 0 {
					t.Errorf("cell %s = %q", id, c.Raw)
				}
			}
		}
	}
	// 8 proactive rows (22 cells) + 23×7 requests + 15 review
	if want := 22 + 23*7 + 15; n != want {
		t.Errorf("%d cells, want %d", n, want)
	}
}

// Every report has exactly the cells its template's layout names.
func TestTablesMatchLayout(t *testing.T) {
	all, err := Reports()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 8 {
		t.Fatalf("%d reports, want 5 corpus + 3 synthetic", len(all))
	}
	for _, r := range all {
		want := map[string]bool{}
		for _, tb := range Layout(r.Template) {
			for _, row := range tb.Rows {
				for _, c := range row {
					if c.IsValue() {
						want[tb.ID+"/"+c.Row+"/"+c.Col] = true
					}
				}
			}
		}
		got := map[string]bool{}
		for tid, rows := range r.Tables {
			for rid, cols := range rows {
				for cid := range cols {
					got[tid+"/"+rid+"/"+cid] = true
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d cells, layout has %d", r.ID, len(got), len(want))
		}
		if len(r.Lines) == 0 || r.Title == "" || r.Template == "" || r.Kind == "" {
			t.Errorf("%s: incomplete report", r.ID)
		}
	}
}

// The checks of report-format.md, computed here independently, fail exactly
// where each report's Failing says.
func TestFailingChecks(t *testing.T) {
	all, err := Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.Template == TemplateLegacy {
			continue
		}
		got := failingChecks(r)
		want := append([]string{}, r.Failing...)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s: failing %v, want %v", r.ID, got, want)
		}
	}
}

// side sums cells; ok is false when every cell is blank.
func side(t tables.Tables, table string, cells [][2]string) (sum float64, ok bool) {
	for _, c := range cells {
		if v := t[table][c[0]][c[1]].Value; v != nil {
			sum += *v
			ok = true
		}
	}
	return sum, ok
}

func failingChecks(r Report) []string {
	failed := map[string]bool{}
	cmp := func(id, table string, a, b [][2]string) {
		x, okA := side(r.Tables, table, a)
		y, okB := side(r.Tables, table, b)
		if okA && okB && x != y {
			failed[id] = true
		}
	}
	var results []string
	for _, tb := range Layout(r.Template) {
		if tb.ID != "requests" {
			continue
		}
		for _, row := range tb.Rows {
			if len(row) > 0 && row[len(row)-1].IsValue() {
				id := row[len(row)-1].Row
				if id != "received" && id != "carried_in" && id != "total" && id != "carried_out" {
					results = append(results, id)
				}
			}
		}
	}
	for _, col := range RequestCols {
		cmp("requests.balance", "requests",
			[][2]string{{"received", col}, {"carried_in", col}}, [][2]string{{"total", col}, {"carried_out", col}})
		var res [][2]string
		for _, row := range results {
			res = append(res, [2]string{row, col})
		}
		cmp("requests.total", "requests", [][2]string{{"total", col}}, res)
	}
	for row := range r.Tables["requests"] {
		var parts [][2]string
		for _, col := range RequestCols[:6] {
			parts = append(parts, [2]string{row, col})
		}
		cmp("requests.columns", "requests", [][2]string{{row, "total"}}, parts)
	}
	for _, g := range ReviewGroups {
		var parts [][2]string
		for _, col := range ReviewCols[:4] {
			parts = append(parts, [2]string{g, col})
		}
		cmp("review_litigation.totals", "review_litigation", [][2]string{{g, "total"}}, parts)
	}
	var out []string
	for id := range failed {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func TestMetaAndIdentity(t *testing.T) {
	r := mustReport(t, "001")
	want := Meta{IndexNo: "001008010002056/2021-116241", Publisher: "新前街道", WrittenDate: "2021-01-25",
		PublishedDate: "2021-01-25", DisclosureMode: "主动公开", DisclosureScope: "面向全社会", Source: "新前街道"}
	if r.Meta != want {
		t.Errorf("001 meta %+v", r.Meta)
	}
	if c := mustReport(t, "004"); c.Kind != KindCopy || c.Template != TemplateLegacy || len(c.Legacy) != 4 || c.Legacy[0].Value != 2677 {
		t.Errorf("004: %s %s %+v", c.Kind, c.Template, c.Legacy)
	}
	if _, err := ReportByID("nope"); err == nil {
		t.Error("unknown id: no error")
	}
}

// Every legacy figure's sentence is in the text as captured, and states the
// figure's value (or a "未接到/未接收到" zero).
func TestLegacySentencesInText(t *testing.T) {
	r := mustReport(t, "004")
	body := strings.Join(r.Lines, "\n")
	for _, f := range r.Legacy {
		if !strings.Contains(body, f.Sentence) {
			t.Errorf("%s: sentence not in the text: %q", f.Name, f.Sentence)
		}
		if f.Value != 0 && !strings.Contains(f.Sentence, strconv.FormatFloat(f.Value, 'f', -1, 64)) {
			t.Errorf("%s: %v not in %q", f.Name, f.Value, f.Sentence)
		}
		if f.Value == 0 && !strings.Contains(f.Sentence, "未接") {
			t.Errorf("%s: zero without a 未接 sentence", f.Name)
		}
	}
}

// Synthetic lines carry every cell on a line of its own, in layout order.
func TestGenerateLines(t *testing.T) {
	r := mustReport(t, "syn2019-c")
	lines := r.Lines
	if lines[0] != r.Title {
		t.Fatalf("first line %q", lines[0])
	}
	i := indexOf(lines, "政府集中采购", 0)
	if i < 0 || lines[i+1] != "23" || lines[i+2] != "1054600元" {
		t.Errorf("procurement lines %q", lines[i:i+3])
	}
	// the positional reader finds the 2019 tables in the generated lines
	d, err := derive2019(capture{id: r.ID, bodyStart: 1}, strings.Join(lines, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Tables, r.Tables) {
		t.Error("positional reading of generated lines differs from the tables")
	}
}

func TestPDFsEmbedded(t *testing.T) {
	all, err := PDFs()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("got %d corpus PDFs, want 2", len(all))
	}
	p := all[0]
	if p.Name != "hongze_2023.pdf" || !strings.HasPrefix(string(p.Bytes), "%PDF-") {
		t.Fatalf("first PDF %s does not start with %%PDF-", p.Name)
	}
	if got := p.Truth.Cells["proactive.fees.amount"]; got != 7730.28 {
		t.Errorf("hongze_2023 fees = %v, want 7730.28", got)
	}
	if p.Truth.Checks["review_litigation.totals"] != "failed" || p.Truth.Year != 2023 {
		t.Errorf("hongze_2023 truth: year %d, checks %v", p.Truth.Year, p.Truth.Checks)
	}
}
