package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/export/warctest"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/export"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// blankRaw reports whether published text counts as a blank cell.
func blankRaw(s string) bool {
	s = strings.Trim(s, " \t\r\n\u3000\u00a0")
	return s == "" || s == "—" || s == "/" || s == "-"
}

// compareCells checks every cell of want (the truth a page was rendered
// from) against got (what was exported), both ways: same published text
// (up to surrounding spaces) and the same value.
func compareCells(t *testing.T, label string, want, got extract.Tables) int {
	t.Helper()
	n := 0
	seen := map[string]bool{}
	check := func(table, row, col string) {
		id := table + "." + row + "." + col
		if seen[id] {
			return
		}
		seen[id] = true
		w, wok := want[table][row][col]
		g, gok := got[table][row][col]
		if !wok && !gok {
			return
		}
		if !wok && blankRaw(g.Raw) && g.Value == nil || !gok && blankRaw(w.Raw) && w.Value == nil {
			return // a blank cell present on one side only
		}
		n++
		wr, gr := strings.Trim(w.Raw, " \t\r\n\u3000\u00a0"), strings.Trim(g.Raw, " \t\r\n\u3000\u00a0")
		if wr != gr || export.FormatValue(w.Value) != export.FormatValue(g.Value) {
			t.Errorf("%s %s: got raw %q value %s, want raw %q value %s", label, id, g.Raw, export.FormatValue(g.Value), w.Raw, export.FormatValue(w.Value))
		}
	}
	for _, tb := range []extract.Tables{want, got} {
		for table, rows := range tb {
			for row, cols := range rows {
				for col := range cols {
					check(table, row, col)
				}
			}
		}
	}
	return n
}

func readJSONL(t *testing.T, s string) []extract.Record {
	t.Helper()
	var out []extract.Record
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r extract.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("jsonl line: %v", err)
		}
		out = append(out, r)
	}
	return out
}

func TestExportJSONLEveryCell(t *testing.T) {
	ta := newTestArchive(t)
	out := filepath.Join(ta.dir, "reports.jsonl")
	r := mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "jsonl", "--out", out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != "" {
		t.Errorf("--out also wrote to stdout: %q", r.stdout)
	}
	recs := readJSONL(t, string(data))
	byKey := map[string]extract.Record{}
	for _, rec := range recs {
		byKey[rec.URL+" "+rec.SHA256] = rec
	}
	want := 0
	for _, p := range ta.pages {
		if p.kind == "not_report" {
			continue
		}
		want++
		rec, ok := byKey[p.url+" "+sha(p.page.Body)]
		if !ok {
			t.Errorf("no record for %s version %s", p.url, sha(p.page.Body)[:12])
			continue
		}
		label := p.report.ID + " " + p.url
		if rec.Kind != p.kind || rec.Year != p.report.Year || rec.Template != p.report.Template || rec.Charset != p.page.Charset {
			t.Errorf("%s: kind %s year %d template %s charset %s; want %s %d %s %s", label, rec.Kind, rec.Year, rec.Template, rec.Charset,
				p.kind, p.report.Year, p.report.Template, p.page.Charset)
		}
		if p.kind == "report" && rec.Agency != p.report.Agency {
			t.Errorf("%s: agency %q, want %q", label, rec.Agency, p.report.Agency)
		}
		var caps []string
		for _, at := range p.at {
			caps = append(caps, at.Format("2006-01-02T15:04:05Z"))
		}
		if strings.Join(rec.CapturedAt, " ") != strings.Join(caps, " ") {
			t.Errorf("%s: captured_at %v, want %v", label, rec.CapturedAt, caps)
		}
		if p.region != "" && rec.Region != p.region {
			t.Errorf("%s: region %q, want %q", label, rec.Region, p.region)
		}
		if n := compareCells(t, label, p.report.Tables, rec.Tables); p.report.Template != "legacy" && n < 60 {
			t.Errorf("%s: only %d cells compared", label, n)
		}
	}
	if len(recs) != want {
		t.Errorf("%d records, want %d (reports and copies, one per version)", len(recs), want)
	}
}

func TestExportFilters(t *testing.T) {
	ta := newTestArchive(t)
	tests := []struct {
		name  string
		args  []string
		lines int
	}{
		{"agency exact", []string{"--agency", "新前街道"}, 3},
		{"agency unique part", []string{"--agency", "自然资源"}, 1},
		{"year", []string{"--year", "2019"}, 1},
		{"region", []string{"--region", "佳木斯"}, 2},
		{"since", []string{"--since", "2026-03-03"}, 1}, // 新前街道 2020 v2
		{"kind copy", []string{"--kind", "copy"}, 1},
		{"kind all", []string{"--kind", "all"}, 8},
		{"agency and year", []string{"--agency", "新前街道", "--year", "2020"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustCrawl(t, ta.dir, append([]string{"export", "--db", ta.db, "--format", "jsonl"}, tc.args...)...)
			if n := len(readJSONL(t, r.stdout)); n != tc.lines {
				t.Errorf("%d records, want %d", n, tc.lines)
			}
		})
	}
	t.Run("several agencies match", func(t *testing.T) {
		r := crawl(t, ta.dir, "export", "--db", ta.db, "--agency", "同江")
		lines := r.stderrLines()
		if r.code != 2 || len(lines) != 3 || !strings.Contains(lines[0], `"同江" matches 2 agencies`) ||
			strings.TrimSpace(lines[1]) != "同江市同江镇" || strings.TrimSpace(lines[2]) != "同江市城市社区" || r.stdout != "" {
			t.Errorf("exit %d stderr %q stdout %q", r.code, r.stderr, r.stdout)
		}
	})
	t.Run("nothing matches", func(t *testing.T) {
		out := filepath.Join(ta.dir, "none.jsonl")
		r := crawl(t, ta.dir, "export", "--db", ta.db, "--year", "2009", "--out", out)
		wantError(t, r, 1, "nothing matches --year 2009")
		if fi, err := os.Stat(out); err != nil || fi.Size() != 0 {
			t.Errorf("the empty export should still be written: %v", err)
		}
	})
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Fatalf("%s has no UTF-8 BOM", path)
	}
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportCSV(t *testing.T) {
	ta := newTestArchive(t)
	out := filepath.Join(ta.dir, "cells.csv")
	mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "csv", "--agency", "新前街道", "--out", out)
	rows := readCSVFile(t, out)
	if strings.Join(rows[0], ",") != "url,agency,year,template,table,row,column,raw,value,sha256,region,kind,title,published_date,label_zh,unit,tables_source,tables_url,conflict" {
		t.Fatalf("header %v", rows[0])
	}
	// Rebuild each version's tables from the rows and compare with the truth.
	got := map[string]extract.Tables{}
	for _, row := range rows[1:] {
		if row[1] != "新前街道" {
			t.Fatalf("row of another agency: %v", row)
		}
		if row[11] != "report" || row[14] == "" || row[15] == "" {
			t.Errorf("kind %q label %q unit %q", row[11], row[14], row[15])
		}
		key := row[0] + " " + row[9]
		if got[key] == nil {
			got[key] = extract.Tables{}
		}
		tb := got[key]
		if tb[row[4]] == nil {
			tb[row[4]] = map[string]map[string]extract.Cell{}
		}
		if tb[row[4]][row[5]] == nil {
			tb[row[4]][row[5]] = map[string]extract.Cell{}
		}
		c := extract.Cell{Raw: row[7]}
		if row[8] != "" {
			v, err := strconv.ParseFloat(row[8], 64)
			if err != nil {
				t.Fatalf("value %q", row[8])
			}
			c.Value = &v
		}
		tb[row[4]][row[5]][row[6]] = c
	}
	n := 0
	for _, p := range ta.pages {
		if p.agency != "新前街道" {
			continue
		}
		n++
		tb, ok := got[p.url+" "+sha(p.page.Body)]
		if !ok {
			t.Errorf("no rows for %s", p.url)
			continue
		}
		compareCells(t, "csv "+p.url, p.report.Tables, tb)
	}
	if n != 3 || len(got) != 3 {
		t.Errorf("%d versions in the csv, want 3", len(got))
	}

	wide := filepath.Join(ta.dir, "wide.csv")
	mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "csv", "--wide", "--out", wide)
	rows = readCSVFile(t, wide)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	reports := 0
	for _, p := range ta.pages {
		if p.kind == "report" {
			reports++
		}
	}
	if len(rows) != 1+reports { // kind report only by default
		t.Fatalf("%d wide rows, want %d report versions", len(rows)-1, reports)
	}
	for _, p := range ta.pages {
		if p.kind != "report" {
			continue
		}
		var row []string
		for _, r := range rows[1:] {
			if r[col["sha256"]] == sha(p.page.Body) {
				row = r
			}
		}
		if row == nil {
			t.Errorf("no wide row for %s", p.url)
			continue
		}
		for _, k := range export.KeyFigures {
			c := p.report.Tables[k.Table][k.Row][k.Column]
			if got := row[col[k.Name]]; got != export.FormatValue(c.Value) {
				t.Errorf("%s %s: %q, want %q", p.report.ID, k.Name, got, export.FormatValue(c.Value))
			}
		}
		if got, want := row[col["failed_checks"]], strings.Join(p.report.Failing, ";"); p.report.ID != "001" && got != want {
			t.Errorf("%s failed_checks %q, want %q", p.report.ID, got, want)
		}
	}
}

func TestExportWARC(t *testing.T) {
	ta := newTestArchive(t)
	warc, cdx := filepath.Join(ta.dir, "a.warc.gz"), filepath.Join(ta.dir, "a.cdxj")
	r := mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "warc", "--out", warc, "--cdx", cdx)
	if !strings.Contains(r.stderr, "8 response, 1 revisit, 0 not-modified records; 1 failed captures skipped") {
		t.Errorf("summary %q", r.stderr)
	}
	data, err := os.ReadFile(warc)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := warctest.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 10 || recs[0].Header["WARC-Type"] != "warcinfo" {
		t.Fatalf("%d records, first %v", len(recs), recs[0].Header)
	}
	bodies := map[string][]byte{}
	for _, p := range ta.pages {
		bodies[sha(p.page.Body)] = p.page.Body
	}
	byOffset := map[int64]warctest.Record{}
	for _, rec := range recs[1:] {
		byOffset[rec.Offset] = rec
		_, payload, _ := bytes.Cut(rec.Block, []byte("\r\n\r\n"))
		switch rec.Header["WARC-Type"] {
		case "response":
			if !bytes.HasPrefix(rec.Block, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.Contains(rec.Block, []byte("\r\nServer: TRS WCM\r\n")) {
				t.Errorf("response head %q", rec.Block[:min(200, len(rec.Block))])
			}
			sum := sha256.Sum256(payload)
			if _, ok := bodies[hex.EncodeToString(sum[:])]; !ok {
				t.Errorf("response %s: payload is not a served page", rec.Header["WARC-Target-URI"])
			}
		case "revisit":
			if rec.Header["WARC-Refers-To-Date"] != "2026-03-02T02:00:00Z" || rec.Header["WARC-Date"] != "2026-03-03T02:00:00Z" ||
				len(payload) != 0 || rec.Header["WARC-Profile"] != export.ProfileIdenticalPayload {
				t.Errorf("revisit %v", rec.Header)
			}
		default:
			t.Errorf("record type %q", rec.Header["WARC-Type"])
		}
	}
	index, err := os.ReadFile(cdx)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(index)), "\n")
	if len(lines) != 9 {
		t.Fatalf("%d index lines", len(lines))
	}
	for _, l := range lines {
		parts := strings.SplitN(l, " ", 3)
		var j struct{ URL, Offset, Length, Filename string }
		if err := json.Unmarshal([]byte(parts[2]), &j); err != nil {
			t.Fatal(err)
		}
		off, _ := strconv.ParseInt(j.Offset, 10, 64)
		length, _ := strconv.ParseInt(j.Length, 10, 64)
		rec, ok := byOffset[off]
		if !ok || rec.Length != length || rec.Header["WARC-Target-URI"] != j.URL || j.Filename != "a.warc.gz" || parts[0] != export.SURT(j.URL) {
			t.Errorf("index line %q does not point at its record", l)
		}
	}
}
