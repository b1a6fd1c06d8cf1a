package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/fixture"
)

// TestParseSavedPages: `crawl parse` on pages saved to disk in GBK, GB18030
// and UTF-8 prints records whose every cell is the truth.
func TestParseSavedPages(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		id      string
		enc     fixture.Encoding
		label   fixture.Label
		file    string
		charset string
	}{
		{"003", fixture.EncGBK, fixture.LabelCorrect, "kangchuan.html", "gbk"},
		{"000", fixture.EncGB18030, fixture.LabelNone, "tongjiang.htm", "gb18030"},
		{"syn2021-b", fixture.EncUTF8, fixture.LabelWrongMeta, "dongcheng.shtml", "utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			rep := mustReport(t, tc.id)
			page := render(t, rep, fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: tc.enc, Label: tc.label, Chrome: true})
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, page.Body, 0o644); err != nil {
				t.Fatal(err)
			}
			r := mustCrawl(t, dir, "parse", "--url", "http://www.example.gov.cn/ndbg/"+tc.file, path)
			var rec extract.Record
			if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
				t.Fatalf("output is not one JSON record: %v\n%s", err, r.stdout)
			}
			gbkOK := tc.charset == "gbk" && rec.Charset == "gb18030"
			if (rec.Charset != tc.charset && !gbkOK) || rec.Kind != "report" || rec.Agency != rep.Agency || rec.Year != rep.Year ||
				rec.Template != rep.Template || rec.SHA256 != sha(page.Body) || rec.URL != "http://www.example.gov.cn/ndbg/"+tc.file {
				t.Errorf("record %s %s %s %d %s %s", rec.Charset, rec.Kind, rec.Agency, rec.Year, rec.Template, rec.URL)
			}
			if n := compareCells(t, tc.id, rep.Tables, rec.Tables); n < 60 {
				t.Errorf("only %d cells compared", n)
			}
			if got := strings.Join(failedIDs(rec), " "); got != strings.Join(rep.Failing, " ") {
				t.Errorf("failed checks %q, want %q", got, strings.Join(rep.Failing, " "))
			}
		})
	}
	t.Run("charset override and several files", func(t *testing.T) {
		r := mustCrawl(t, dir, "parse", "--compact", "--charset", "gb18030", filepath.Join(dir, "kangchuan.html"), filepath.Join(dir, "tongjiang.htm"))
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != 2 {
			t.Fatalf("%d lines", len(lines))
		}
		for _, l := range lines {
			var rec extract.Record
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Charset != "gb18030" || rec.CharsetSource != "override" || !strings.HasPrefix(rec.URL, "file://") {
				t.Errorf("%s: charset %s from %s", rec.URL, rec.Charset, rec.CharsetSource)
			}
		}
	})
}

func failedIDs(r extract.Record) []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == extract.CheckFailed {
			out = append(out, c.ID)
		}
	}
	return out
}
