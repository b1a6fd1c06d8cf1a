package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestSeedFileEncodings: a seed list saved by Excel on Chinese Windows
// (GBK) is read correctly with a notice naming the encoding (the agency
// reaches the archive as 测试县, not mojibake); a semicolon-separated
// list is read by its header; headerless rows with a name after the URL
// are skipped with their line numbers while the rest runs.
func TestSeedFileEncodings(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><body><a href="/ndbg/gone.html">2021年政府信息公开工作年度报告</a></body></html>`)
	}))
	defer site.Close()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("url,agency,region\n" + site.URL + "/,测试县,某某省\n"))
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--allow-private", "--rate", "0", "--retries", "0"}
	cases := []struct {
		name, file, notice, agency string
		skipped                    []string
	}{
		{"GBK", write("gbk.csv", gbk), "gbk.csv: not UTF-8: read as GBK", "测试县", nil},
		{"semicolons", write("semi.csv", []byte("url;agency\n"+site.URL+"/;测试县\n")), "", "测试县", nil},
		{"headerless rows", write("rows.txt", []byte(site.URL+"/ndbg/index.html;测试县\n"+site.URL+"/\n"+"ftp://files.gov.cn/\n")), "", "",
			[]string{"rows.txt:1: ", "is a URL followed by \"测试县\"", "rows.txt:3: bad url \"ftp://files.gov.cn/\""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(dir, tc.name+".db")
			r := crawl(t, dir, append([]string{"run", "--db", db, "--seeds", tc.file}, args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if tc.notice != "" && !strings.Contains(r.stderr, tc.notice) {
				t.Errorf("stderr lacks %q:\n%s", tc.notice, r.stderr)
			}
			for _, s := range tc.skipped {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			out := mustCrawl(t, dir, "errors", "--db", db, "--json")
			var f struct{ URL, Agency, Seed string }
			if err := json.Unmarshal([]byte(out.stdout), &f); err != nil {
				t.Fatalf("%v: %s", err, out.stdout)
			}
			// The seed itself ran: its dead link is recorded with the
			// seed list's agency, and no URL carries the row's name.
			if f.URL != site.URL+"/ndbg/gone.html" || f.Agency != tc.agency || f.Seed != site.URL+"/" {
				t.Errorf("failure %+v, want agency %q", f, tc.agency)
			}
		})
	}
}
