package extract_test

// Golden files: the full Record of each fixture as JSON under
// testdata/golden/. `go test ./extract -run Golden -update` rewrites them;
// review the diff by eye before committing. The input bytes are snapshot
// next to them (testdata/golden/in/), so a change in internal/fixture's
// rendering does not move the goldens; TestFixtures covers live renderings.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current extraction")

type goldenCase struct {
	name string
	in   extract.Input
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	add := func(name, url string, p fixture.Page) {
		cases = append(cases, goldenCase{name, extract.Input{URL: url, Body: p.Body, ContentType: p.ContentType}})
	}
	for _, r := range reports {
		variants := []struct {
			name string
			o    fixture.Options
		}{
			{"grid-table", fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Chrome: true,
				Attachments: []fixture.Link{{Href: "/files/" + r.ID + ".pdf", Text: r.Title + ".pdf"}, {Href: "../docs/" + r.ID + ".docx", Text: "统计表"}}}},
			{"word-inline-gbk", fixture.Options{Style: fixture.StyleWord, Meta: fixture.MetaInline, Encoding: fixture.EncGBK, Container: "zoom", Chrome: true}},
			{"mismatch-dl", fixture.Options{Style: fixture.StyleMismatch, Meta: fixture.MetaDL, Container: "article"}},
		}
		for _, v := range variants {
			p, err := fixture.Render(r, v.o)
			if err != nil {
				t.Fatal(err)
			}
			add(r.ID+"-"+v.name, pageURL(r), p)
		}
		if r.Template != corpus.TemplateLegacy {
			b, err := fixture.DOCX(r)
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, goldenCase{r.ID + "-docx", extract.Input{URL: pageURL(r) + ".docx", Body: b}})
		}
	}
	for _, n := range fixture.Negative() {
		add("negative-"+n.Name, "http://www.example.gov.cn/xxgk/"+n.Name+".html", n.Page)
	}
	for _, id := range []string{"001", "004"} {
		r, err := corpus.ReportByID(id)
		if err != nil {
			t.Fatal(err)
		}
		p, err := fixture.EssayCopy(r, fixture.EncUTF8)
		if err != nil {
			t.Fatal(err)
		}
		add("essay-"+id, "http://www.fanwen.example/baogao/"+id+".html", p)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		url := "http://www.qinghe.gov.cn/xxgk/" + name + ".html"
		if name == "essay" {
			url = "https://www.fanwendaquan.example.com/gongzuobaogao/1234.html"
		}
		cases = append(cases, goldenCase{"hand-" + name, extract.Input{URL: url, Body: b}})
	}
	return cases
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			in := filepath.Join("testdata", "golden", "in", c.name+".bin")
			if *update {
				if err := os.MkdirAll(filepath.Dir(in), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(in, c.in.Body, 0o644); err != nil {
					t.Fatal(err)
				}
			} else if b, err := os.ReadFile(in); err == nil {
				c.in.Body = b
			} else {
				t.Fatalf("no input snapshot (run with -update): %v", err)
			}
			rec, err := extract.Extract(context.Background(), c.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(rec, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", c.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("no golden file (run with -update): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("record differs from %s at: %s", path, firstDiff(string(got), string(want)))
			}
		})
	}
}

// firstDiff names the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(i+1) + "\n  got:  " + gl + "\n  want: " + wl
		}
	}
	return "(equal lines, different bytes)"
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}
