package seeds

import (
	"bytes"
	"encoding/csv"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantURLs  []string
		wantAgcy  []string
		wantLines []int // lines of the seeds
		badLines  []int // lines reported as bad
	}{
		{
			name:      "csv with comments and optional columns",
			in:        "# list\nurl,agency,region,level\nhttps://www.beijing.gov.cn/,北京市人民政府,北京市,province\n# skip\nhttp://www.tj.gov.cn,,,\n",
			wantURLs:  []string{"https://www.beijing.gov.cn/", "http://www.tj.gov.cn/"},
			wantAgcy:  []string{"北京市人民政府", ""},
			wantLines: []int{3, 5},
		},
		{
			name:      "columns in another order, BOM, blank line",
			in:        "\ufeffagency,url\n甲,https://a.gov.cn/x/\n\n乙,https://b.gov.cn/\n",
			wantURLs:  []string{"https://a.gov.cn/x/", "https://b.gov.cn/"},
			wantAgcy:  []string{"甲", "乙"},
			wantLines: []int{2, 4},
		},
		{
			name:      "bad lines reported with their numbers and skipped",
			in:        "url,agency,level\nftp://x.gov.cn/,甲,city\nhttps://ok.gov.cn/,乙,city\n,丙,city\nhttps://lvl.gov.cn/,丁,galaxy\nhttps://c.gov.cn/,戊,city,extra\nhttp://%zz/,己,city\nhttps://last.gov.cn/a,庚,\n",
			wantURLs:  []string{"https://ok.gov.cn/", "https://last.gov.cn/a"},
			wantAgcy:  []string{"乙", "庚"},
			wantLines: []int{3, 8},
			badLines:  []int{2, 4, 5, 6, 7},
		},
		{
			name:      "plain text, one URL a line",
			in:        "# portals\nhttps://www.gov.cn/\n\nwww.nohost\nhttp://www.hebei.gov.cn/col/col1/index.html\n",
			wantURLs:  []string{"https://www.gov.cn/", "http://www.hebei.gov.cn/col/col1/index.html"},
			wantAgcy:  []string{"", ""},
			wantLines: []int{2, 5},
			badLines:  []int{4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := Load(strings.NewReader(tt.in), "list.csv")
			var urls, ag []string
			var lines []int
			for _, s := range got {
				urls = append(urls, s.URL)
				ag = append(ag, s.Agency)
				lines = append(lines, s.Line)
			}
			if strings.Join(urls, " ") != strings.Join(tt.wantURLs, " ") {
				t.Errorf("urls = %q, want %q", urls, tt.wantURLs)
			}
			if strings.Join(ag, "|") != strings.Join(tt.wantAgcy, "|") {
				t.Errorf("agencies = %q, want %q", ag, tt.wantAgcy)
			}
			if len(lines) != len(tt.wantLines) {
				t.Fatalf("lines = %v, want %v", lines, tt.wantLines)
			}
			for i := range lines {
				if lines[i] != tt.wantLines[i] {
					t.Errorf("lines = %v, want %v", lines, tt.wantLines)
				}
			}
			if len(errs) != len(tt.badLines) {
				t.Fatalf("errors = %v, want bad lines %v", errs, tt.badLines)
			}
			for i, err := range errs {
				var le *LineError
				if !errors.As(err, &le) || le.Line != tt.badLines[i] || le.Name != "list.csv" {
					t.Errorf("error %d = %v, want line %d", i, err, tt.badLines[i])
				}
			}
		})
	}
}

// Every shipped list loads with zero bad lines, every URL parses as an
// absolute http(s) URL on a gov.cn host, and no URL repeats across lists.
func TestShippedLists(t *testing.T) {
	files, err := filepath.Glob("*.csv")
	if err != nil || len(files) < 3 {
		t.Fatalf("shipped lists: %v %v", files, err)
	}
	seen := map[string]string{}
	counts := map[string]int{}
	for _, f := range files {
		list, errs := LoadFile(f)
		for _, e := range errs {
			t.Errorf("%v", e)
		}
		counts[f] = len(list)
		for _, s := range list {
			u, err := url.Parse(s.URL)
			if err != nil || !u.IsAbs() || !strings.HasSuffix(u.Hostname(), ".gov.cn") && u.Hostname() != "www.gov.cn" {
				t.Errorf("%s:%d: url %q does not parse to a gov.cn host", f, s.Line, s.URL)
			}
			if s.Agency == "" || s.Region == "" || s.Level == "" {
				t.Errorf("%s:%d: agency/region/level missing: %+v", f, s.Line, s)
			}
			if prev, ok := seen[u.Hostname()]; ok {
				t.Errorf("%s:%d: host %s already in %s", f, s.Line, u.Hostname(), prev)
			}
			seen[u.Hostname()] = f
		}
	}
	if counts["provinces.csv"] != 31 {
		t.Errorf("provinces.csv has %d seeds, want the 31 provincial-level governments", counts["provinces.csv"])
	}
	if counts["state-council.csv"] != 1 {
		t.Errorf("state-council.csv has %d seeds, want 1", counts["state-council.csv"])
	}
	if counts["cities.csv"] < 30 {
		t.Errorf("cities.csv has %d seeds", counts["cities.csv"])
	}
}

// The lists written offline say so row by row: a verified column of yes or
// no, which the loader accepts beside the spec's columns.
func TestVerifiedColumn(t *testing.T) {
	for _, f := range []string{"cities.csv", "state-council-departments.csv"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(b))
		r.Comment = '#'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		col := slices.Index(recs[0], "verified")
		if col < 0 {
			t.Fatalf("%s: no verified column in %q", f, recs[0])
		}
		for i, rec := range recs[1:] {
			if rec[col] != "yes" && rec[col] != "no" {
				t.Errorf("%s row %d: verified %q", f, i+1, rec[col])
			}
		}
		list, errs := Load(bytes.NewReader(b), f)
		if len(errs) > 0 || len(list) != len(recs)-1 {
			t.Errorf("%s: %d seeds of %d rows, errors %v", f, len(list), len(recs)-1, errs)
		}
	}
	deps, _ := LoadFile("state-council-departments.csv")
	if len(deps) < 65 {
		t.Errorf("%d State Council departments", len(deps))
	}
	for _, s := range deps {
		if s.Level != "department" || s.Region != "中华人民共和国" {
			t.Errorf("%+v", s)
		}
	}
}

// gbk encodes s as Excel on Chinese Windows saves a CSV.
func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLoadEncodingsAndSeparators: a GBK list is read correctly with a
// notice naming the encoding; semicolon- and tab-separated lists are read
// by their header; a row of a separated file without a header is refused
// with its line number instead of being crawled as one URL; the rest of
// the file still runs; a spreadsheet or an unclear encoding stops.
func TestLoadEncodingsAndSeparators(t *testing.T) {
	const list = "url,agency,region\nhttp://www.hy.gov.cn/,黄岩区人民政府,浙江省台州市黄岩区\nhttps://www.tz.gov.cn/col/col1229/,台州市人民政府,浙江省台州市\n"
	want := []Seed{
		{URL: "http://www.hy.gov.cn/", Agency: "黄岩区人民政府", Region: "浙江省台州市黄岩区", Line: 2},
		{URL: "https://www.tz.gov.cn/col/col1229/", Agency: "台州市人民政府", Region: "浙江省台州市", Line: 3},
	}
	tests := []struct {
		name     string
		in       []byte
		want     []Seed
		notice   string // in the Notice
		badLines []int
	}{
		{name: "GBK", in: gbk(t, list), want: want, notice: "read as GBK"},
		{name: "semicolons", in: []byte(strings.ReplaceAll(list, ",", ";")), want: want},
		{name: "tabs, GBK", in: gbk(t, strings.ReplaceAll(list, ",", "\t")), want: want, notice: "read as GBK"},
		{name: "semicolon rows without a header",
			in:   []byte("http://www.hy.gov.cn/xxgk/ndbg/index.html;黄岩区人民政府\nhttp://www.tz.gov.cn/\nhttp://a.gov.cn/x.html\t甲\n"),
			want: []Seed{{URL: "http://www.tz.gov.cn/", Line: 2}}, badLines: []int{1, 3}},
		{name: "a URL with a semicolon stays one URL",
			in:   []byte("http://www.hy.gov.cn/list.jsp;jsessionid=AB12?a=1,2\n"),
			want: []Seed{{URL: "http://www.hy.gov.cn/list.jsp;jsessionid=AB12?a=1,2", Line: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := Load(bytes.NewReader(tc.in), "list.csv")
			if !slices.Equal(got, tc.want) {
				t.Errorf("seeds %+v\nwant  %+v", got, tc.want)
			}
			var bad []int
			notice := ""
			for _, err := range errs {
				var le *LineError
				var n *Notice
				switch {
				case errors.As(err, &n):
					notice = n.Msg
				case errors.As(err, &le):
					bad = append(bad, le.Line)
				default:
					t.Errorf("error %v", err)
				}
			}
			if !slices.Equal(bad, tc.badLines) {
				t.Errorf("bad lines %v, want %v (%v)", bad, tc.badLines, errs)
			}
			if !strings.Contains(notice, tc.notice) || (tc.notice == "") != (notice == "") {
				t.Errorf("notice %q, want %q", notice, tc.notice)
			}
		})
	}
	for name, in := range map[string][]byte{
		"spreadsheet":      append([]byte("PK\x03\x04\x14\x00\x06\x00"), []byte("[Content_Types].xml xl/workbook.xml")...),
		"unclear encoding": {0x75, 0x72, 0x6c, 0x0a, 0xff, 0xfe, 0xfd, 0x80, 0x81, 0xfe, 0xff, 0x0a},
	} {
		got, errs := Load(bytes.NewReader(in), "list.csv")
		if len(got) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "list.csv") {
			t.Errorf("%s: %v %v, want one error naming the file", name, got, errs)
		}
	}
}
