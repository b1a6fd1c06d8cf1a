package corpus

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract/tables"
)

// This file is the POSITIONAL reader that produced truth/NNN.json for the
// 2019-template corpus files. It knows the fixed layout of the 2019 template
// (which rows, in which order, how many value cells each) and reads each
// table as "label line, then its value lines", assigning the k-th data row
// of a table to the k-th row of the template. It deliberately does not look
// at what the labels say, so it cross-checks the label-based parser of
// extract/tables. Its output was checked by eye against the texts and is
// kept as data; TestTruthMatchesPositionalReading keeps the two in step.
//
//	go test ./internal/corpus -run TestTruthMatchesPositionalReading -update

var update = flag.Bool("update", false, "rewrite truth/*.json from the positional reader")

// layout2019 is the 2019 template: per table, the row ids in order and the
// column ids of each row.
var layout2019 = []struct {
	table, heading string
	rows           []string
	cols           func(row string) []string
}{
	{"proactive", "二、主动公开政府信息情况",
		[]string{"rules", "normative_docs", "licensing", "other_services", "penalty", "enforcement", "fees", "procurement"},
		func(row string) []string {
			switch row {
			case "rules", "normative_docs":
				return []string{"made", "published", "total"}
			case "fees":
				return []string{"prev_items", "change"}
			case "procurement":
				return []string{"projects", "amount"}
			}
			return []string{"prev_items", "change", "decisions"}
		}},
	{"requests", "三、收到和处理政府信息公开申请情况",
		[]string{"received", "carried_in", "granted", "partial",
			"denied.state_secret", "denied.prohibited_by_law", "denied.three_safeties", "denied.third_party",
			"denied.internal_affairs", "denied.process_info", "denied.enforcement_file", "denied.query_matter",
			"unable.not_held", "unable.needs_creation", "unable.unclear",
			"rejected.petition", "rejected.repeat", "rejected.publication", "rejected.mass_repeat", "rejected.confirm",
			"other", "total", "carried_out"},
		func(string) []string {
			return []string{"natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"}
		}},
	{"review_litigation", "四、政府信息公开行政复议、行政诉讼情况",
		[]string{"review", "suit_direct", "suit_after_review"},
		func(string) []string { return []string{"upheld", "corrected", "other", "pending", "total"} }},
}

// capture describes how one corpus text was captured.
type capture struct {
	id, file   string
	bodyStart  int  // first line after the title / metadata header
	paragraphs bool // cells are paragraphs separated by empty lines; blank cells vanish
}

var captures2019 = []capture{
	{"000", "000_34c1377e146f50db.txt", 3, false},
	{"001", "001_804bc5c71be8d781.txt", 6, true},
	{"002", "002_912acdde48cc9857.txt", 3, false},
	{"003", "003_ad5e72fd0edd333c.txt", 1, false},
}

const trimSet = " \t\u3000\u00a0"

// isValueLine: a line that can only be a cell value (number, amount, blank).
func isValueLine(s string) bool {
	s = strings.Trim(s, trimSet)
	for _, r := range s {
		if !strings.ContainsRune("0123456789.万元-—/ \u3000\u00a0\t", r) {
			return false
		}
	}
	return true
}

// cellOf is the cell rule of report-format.md for the corpus (numbers, 万).
func cellOf(raw string) (tables.Cell, error) {
	raw = strings.Trim(raw, trimSet)
	c := tables.Cell{Raw: raw}
	num, scale := raw, 1.0
	switch {
	case strings.HasSuffix(raw, "万元"):
		num = strings.TrimSuffix(raw, "万元")
	case strings.HasSuffix(raw, "万"):
		num = strings.TrimSuffix(raw, "万")
	case strings.HasSuffix(raw, "元"):
		num, scale = strings.TrimSuffix(raw, "元"), 10000
	}
	if num == "" || num == "—" || num == "-" || num == "/" {
		return c, nil
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return c, fmt.Errorf("cell %q: %w", raw, err)
	}
	v /= scale
	c.Value = &v
	return c, nil
}

type derived struct {
	Tables   tables.Tables `json:"tables"`
	Intro    string        `json:"intro,omitempty"`
	Overview string        `json:"overview,omitempty"`
	Problems string        `json:"problems,omitempty"`
	Other    string        `json:"other,omitempty"`
}

func paragraphs(lines []string) string {
	var out []string
	for _, l := range lines {
		if l = strings.Trim(l, trimSet); l != "" && !strings.Contains(l, "【打印本页】") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func indexOf(lines []string, heading string, from int) int {
	for i := from; i < len(lines); i++ {
		if strings.Trim(lines[i], trimSet) == heading {
			return i
		}
	}
	return -1
}

func derive2019(c capture, body string) (derived, error) {
	lines := strings.Split(body, "\n")
	heads := []string{"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
		"四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"}
	at := make([]int, len(heads))
	for i, h := range heads {
		from := c.bodyStart
		if i > 0 {
			from = at[i-1] + 1
		}
		if at[i] = indexOf(lines, h, from); at[i] < 0 {
			return derived{}, fmt.Errorf("%s: heading %s not found", c.id, h)
		}
	}
	d := derived{
		Tables:   tables.Tables{},
		Intro:    paragraphs(lines[c.bodyStart:at[0]]),
		Overview: paragraphs(lines[at[0]+1 : at[1]]),
		Problems: paragraphs(lines[at[4]+1 : at[5]]),
		Other:    paragraphs(lines[at[5]+1:]),
	}
	for ti, t := range layout2019 {
		sec := lines[at[ti+1]+1 : at[ti+2]]
		// cells a data row has at least / the last row must have
		minCells, ncols := 2, len(t.cols(t.rows[len(t.rows)-1]))
		switch t.table {
		case "requests":
			minCells = 3
		case "review_litigation":
			minCells, ncols = 15, 15
		}
		var runs [][]string // value cells following each label line
		for i := 0; i < len(sec); i++ {
			if isValueLine(sec[i]) {
				continue
			}
			var run []string
			for j := i + 1; j < len(sec) && isValueLine(sec[j]); j++ {
				if c.paragraphs {
					if strings.Trim(sec[j], trimSet) != "" {
						run = append(run, sec[j])
					}
				} else if sec[j] != "" { // "" separates rows; "\t", NBSP, U+3000 are blank cells
					run = append(run, sec[j])
				}
			}
			runs = append(runs, run)
		}
		// The last cell of a table may be lost in the capture (003's
		// 四、结转 row has 6 of 7 blank cells, its table 四 14 of 15): pad it.
		if n := len(runs); n > 0 && len(runs[n-1]) > 0 && len(runs[n-1]) < ncols && !c.paragraphs {
			for len(runs[n-1]) < ncols {
				runs[n-1] = append(runs[n-1], "")
			}
		}
		var data [][]string
		for _, run := range runs {
			if c.paragraphs && len(run) > 0 || !c.paragraphs && len(run) >= minCells {
				data = append(data, run)
			}
		}
		if t.table == "review_litigation" { // one data row of 15 cells, three groups of 5
			if len(data) != 1 || len(data[0]) < 15 {
				return d, fmt.Errorf("%s review_litigation: %d data rows", c.id, len(data))
			}
			data = [][]string{data[0][0:5], data[0][5:10], data[0][10:15]}
		}
		if len(data) != len(t.rows) {
			return d, fmt.Errorf("%s %s: %d data rows, template has %d", c.id, t.table, len(data), len(t.rows))
		}
		d.Tables[t.table] = map[string]map[string]tables.Cell{}
		for ri, row := range t.rows {
			cols, vals := t.cols(row), data[ri]
			if c.paragraphs && t.table == "requests" && len(vals) == 2 {
				// blank organisation columns vanished: first is 自然人, last is 总计
				vals = []string{vals[0], "", "", "", "", "", vals[1]}
			}
			if len(vals) < len(cols) {
				return d, fmt.Errorf("%s %s.%s: %d cells, want %d", c.id, t.table, row, len(vals), len(cols))
			}
			m := map[string]tables.Cell{}
			for ci, col := range cols {
				cell, err := cellOf(vals[ci])
				if err != nil {
					return d, fmt.Errorf("%s %s.%s.%s: %w", c.id, t.table, row, col, err)
				}
				m[col] = cell
			}
			d.Tables[t.table][row] = m
		}
	}
	return d, nil
}

func TestTruthMatchesPositionalReading(t *testing.T) {
	for _, c := range captures2019 {
		t.Run(c.id, func(t *testing.T) {
			txt, err := TextByPrefix(c.id)
			if err != nil {
				t.Fatal(err)
			}
			d, err := derive2019(c, txt.Body)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("truth", c.id+".json")
			if *update {
				b, err := json.MarshalIndent(d, "", " ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var stored derived
			if err := json.Unmarshal(b, &stored); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stored, d) {
				t.Errorf("truth/%s.json differs from the positional reading of the text; rerun with -update and check by eye", c.id)
			}
		})
	}
}

// deriveLegacy reads the sections of corpus 004 (legacy, traditional
// characters as captured): the essay site's 前言 line and the trailing list
// of related-essay tags are page chrome, not report text.
func deriveLegacy(body string) (derived, error) {
	lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
	one := indexOf(lines, "一、概述", 0)
	two := indexOf(lines, "二、主動公開政府信息的情況工作報告", one+1)
	six := indexOf(lines, "六、存在問題和改進措施", two+1)
	if one < 0 || two < 0 || six < 0 {
		return derived{}, fmt.Errorf("004: legacy headings not found (%d %d %d)", one, two, six)
	}
	return derived{
		Intro:    paragraphs(lines[1:one]),
		Overview: paragraphs(lines[one+1 : two]),
		Problems: paragraphs(lines[six+1 : len(lines)-1]),
	}, nil
}

func TestLegacyTruthMatchesText(t *testing.T) {
	txt, err := TextByPrefix("004")
	if err != nil {
		t.Fatal(err)
	}
	d, err := deriveLegacy(txt.Body)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("truth", "004.json")
	if *update {
		b, _ := json.MarshalIndent(d, "", " ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var stored derived
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stored, d) {
		t.Errorf("truth/004.json differs from the text; rerun with -update and check by eye")
	}
}
