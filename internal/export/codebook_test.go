package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// The shipped codebook is what the code generates; regenerate it with
// GONGKAI_WRITE_CODEBOOK=1 go test ./internal/export -run TestCodebookFileIsCurrent.
func TestCodebookFileIsCurrent(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCodebook(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", CodebookPath)
	if os.Getenv("GONGKAI_WRITE_CODEBOOK") != "" {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shipped, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the shipped codebook: %v", err)
	}
	if !bytes.Equal(shipped, buf.Bytes()) {
		t.Errorf("%s is stale: regenerate it with GONGKAI_WRITE_CODEBOOK=1 go test ./internal/export -run TestCodebookFileIsCurrent", CodebookPath)
	}
}

func TestCodebookEntries(t *testing.T) {
	byID := map[string]CodebookEntry{}
	for _, e := range Codebook() {
		byID[e.Table+"."+e.Row+"."+e.Column] = e
		if e.Unit == "" || e.Gloss == "" || e.TableLabel == "" || len(e.Templates) == 0 {
			t.Errorf("%s.%s.%s incomplete: %+v", e.Table, e.Row, e.Column, e)
		}
	}
	tests := []struct {
		id, templates, row19, row21, col19, col21, unit, gloss string
	}{
		{"proactive.normative_docs.made", "2019", "规范性文件", "行政规范性文件", "本年新制作数量", "", "件", "Normative documents: newly made this year"},
		{"proactive.normative_docs.in_force", "2021", "规范性文件", "行政规范性文件", "", "现行有效件数", "件", "Normative documents: currently in force"},
		{"proactive.procurement.amount", "2019", "政府集中采购", "", "采购总金额（万元）", "", "万元", "Centralised government procurement: amount (10,000 yuan)"},
		{"proactive.fees.amount", "2021", "行政事业性收费", "行政事业性收费", "", "本年收费金额（单位：万元）", "万元", "Administrative fees: amount (10,000 yuan)"},
		{"proactive.licensing.change", "2019", "行政许可", "行政许可", "本年增/减", "", "项", "Administrative licensing: increase/decrease of items this year"},
		{"requests.received.natural_person", "2019;2021", "一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量", "自然人", "自然人", "件", "Applications received this year: natural persons"},
		{"requests.other.total", "2019", "（六）其他处理", "", "总计", "", "件", "Outcome: other handling: all applicants"},
		{"requests.other.no_fee.other_org", "2021", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "", "其他", "件", "Outcome: other, applicant did not pay the fee in time: other organisations"},
		{"review_litigation.suit_after_review.pending", "2019;2021", "行政诉讼 复议后起诉", "行政诉讼 复议后起诉", "尚未审结", "尚未审结", "件", "Lawsuit after reconsideration: not yet concluded"},
	}
	for _, tc := range tests {
		e, ok := byID[tc.id]
		if !ok {
			t.Errorf("no codebook entry %s", tc.id)
			continue
		}
		got := []string{strings.Join(e.Templates, ";"), e.RowLabel2019, e.RowLabel2021, e.ColumnLabel2019, e.ColumnLabel2021, e.Unit, e.Gloss}
		want := []string{tc.templates, tc.row19, tc.row21, tc.col19, tc.col21, tc.unit, tc.gloss}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", tc.id, got, want)
		}
	}
	// 8 proactive rows of 2019 (23 cells) + 2021's new cells (6 + 1 fee amount
	// already counted) + 23 request rows × 7 (2019 other + 3 others of 2021:
	// 26 rows) + 15 review cells.
	if n := len(byID); n != 23+6+26*7+15 {
		t.Errorf("%d codebook entries, want %d", n, 23+6+26*7+15)
	}
}

// Every cell the extractor emits from any rendering of the corpus reports is
// in the codebook, labelled.
func TestCodebookCoversExtractedCells(t *testing.T) {
	known := map[string]bool{}
	for _, e := range Codebook() {
		known[e.Table+"."+e.Row+"."+e.Column] = true
	}
	for _, id := range tables.KnownCells() {
		if !known[id.Table+"."+id.Row+"."+id.Column] {
			t.Errorf("tables.KnownCells has %v, the codebook does not", id)
		}
	}
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range reports {
		for _, style := range fixture.Styles {
			p, err := fixture.Render(r, fixture.Options{Style: style})
			if err != nil {
				t.Fatal(err)
			}
			rec, err := extract.Extract(context.Background(), extract.Input{URL: "http://x.gov.cn/" + r.ID, Body: p.Body, ContentType: p.ContentType})
			if err != nil {
				t.Fatalf("%s %s: %v", r.ID, style, err)
			}
			for _, c := range Cells(rec.Tables, rec.Template) {
				id := c.Table + "." + c.Row + "." + c.Column
				seen[id] = true
				if !known[id] {
					t.Errorf("%s (%s): extracted cell %s is not in the codebook", r.ID, style, id)
				}
				if LabelZH(rec.Template, c.Table, c.Row, c.Column) == "" {
					t.Errorf("%s: no label for %s", r.ID, id)
				}
			}
		}
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct cells extracted from the corpus renderings", len(seen))
	}
}

func TestCodebookCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCodebook(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte(utf8BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(CodebookHeader, ",") || len(rows) != len(Codebook())+1 {
		t.Fatalf("header %v, %d rows", rows[0], len(rows))
	}
	if got := strings.Join(rows[1][:4], ","); got != "proactive,rules,made,2019" {
		t.Errorf("first row %v", rows[1])
	}
}
