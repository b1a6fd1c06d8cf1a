package extract_test

// A record dump for before/after comparisons of extraction changes that must
// not move any record (speed work): GONGKAI_RECORD_DUMP=/tmp/a.txt go test
// ./extract -run TestRecordDump writes one line per input, name then the
// record's JSON (or the error) and tables.Explain's equations. Run it on two
// trees and diff the files; without the variable the test is skipped.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/charset"
	"github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// dumpHosts: the kind of a page depends on its host (government, other,
// loopback as in the crawler benchmark and the demo portal).
var dumpHosts = []string{"http://www.qinghe.gov.cn", "https://www.fanwen.example.com", "http://127.0.0.1:8080"}

type dumpInput struct {
	name string
	in   extract.Input
}

func dumpInputs(t *testing.T) []dumpInput {
	t.Helper()
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	var out []dumpInput
	addPage := func(name string, p fixture.Page) {
		for _, h := range dumpHosts {
			out = append(out, dumpInput{name + "@" + h, extract.Input{URL: h + "/xxgk/ndbg/" + strings.ReplaceAll(name, "/", "_") + ".html", Body: p.Body, ContentType: p.ContentType}})
		}
		// Cut bodies: a truncated transfer is read, not refused.
		for _, frac := range []int{3, 2} {
			cut := len(p.Body) * (frac - 1) / frac
			out = append(out, dumpInput{fmt.Sprintf("%s/cut%d", name, frac), extract.Input{URL: dumpHosts[2] + "/t.html", Body: p.Body[:cut], ContentType: p.ContentType}})
		}
	}
	render := func(name string, r corpus.Report, o fixture.Options) {
		p, err := fixture.Render(r, o)
		if err != nil {
			return // GBK and Big5 cannot encode every text
		}
		addPage(name, p)
	}
	for _, r := range reports {
		for _, s := range fixture.Styles {
			for _, m := range fixture.MetaLayouts {
				for _, chrome := range []bool{true, false} {
					for _, e := range []fixture.Encoding{fixture.EncUTF8, fixture.EncGBK} {
						render(fmt.Sprintf("%s/%s/%s/%v/%s", r.ID, s, m, chrome, e), r, fixture.Options{Style: s, Meta: m, Chrome: chrome, Encoding: e})
					}
				}
			}
		}
		for i, e := range fixture.Encodings {
			for _, l := range fixture.Labels {
				for _, c := range []string{"trs", "zoom", "article"} {
					render(fmt.Sprintf("%s/%s/%s/%s", r.ID, e, l, c), r, fixture.Options{
						Style: fixture.Styles[i%len(fixture.Styles)], Meta: fixture.MetaInline,
						Encoding: e, Label: l, Chrome: i%2 == 0, Container: c,
					})
				}
			}
		}
		for _, w := range []fixture.Wording{fixture.WordingOfficial, fixture.WordingHalfWidth, fixture.WordingVariant} {
			render(fmt.Sprintf("%s/wording-%s", r.ID, w), r, fixture.Options{Wording: w, Chrome: true,
				Attachments: []fixture.Link{{Href: "/files/" + r.ID + ".pdf", Text: r.Title + ".pdf"}, {Href: "../docs/a.docx", Text: "统计表"}}})
		}
		for _, e := range fixture.Encodings {
			if p, err := fixture.EssayCopy(r, e); err == nil {
				addPage(fmt.Sprintf("%s/essay/%s", r.ID, e), p)
			}
		}
		if b, err := fixture.DOCX(r); err == nil {
			out = append(out, dumpInput{r.ID + "/docx", extract.Input{URL: dumpHosts[0] + "/a.docx", Body: b}})
		}
		text := strings.Join(r.Lines, "\n")
		for _, h := range dumpHosts {
			out = append(out, dumpInput{r.ID + "/text@" + h, extract.Input{URL: h + "/a.txt", Body: []byte(text), ContentType: "text/plain; charset=utf-8"}})
		}
	}
	// The crawler benchmark's pages as the crawler hands them over: every
	// other one GBK, decoded by the crawler first (Input.Decoded).
	for i, r := range reports {
		o := fixture.Options{Chrome: true}
		if i%2 == 1 {
			o.Encoding = fixture.EncGBK
		}
		p, err := fixture.Render(r, o)
		if err != nil {
			continue
		}
		in := extract.Input{URL: fmt.Sprintf("%s/xxgk/ndbg/t%d.html", dumpHosts[2], i), Body: p.Body, ContentType: p.ContentType}
		if res, err := charset.Decode(p.Body, p.ContentType, ""); err == nil && o.Encoding == fixture.EncGBK {
			in.Decoded = &res
		}
		out = append(out, dumpInput{fmt.Sprintf("%s/crawler-bench", r.ID), in})
	}
	for _, n := range fixture.Negative() {
		addPage("negative-"+n.Name, n.Page)
	}
	// The corpus's real PDFs (their tables go through the same checks).
	pdfs, err := corpus.PDFs()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pdfs {
		out = append(out, dumpInput{"pdf-" + p.Name, extract.Input{URL: dumpHosts[0] + "/" + p.Name, Body: p.Bytes, ContentType: "application/pdf"}})
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	ins, _ := filepath.Glob(filepath.Join("testdata", "golden", "in", "*.bin"))
	for _, f := range append(files, ins...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		addPage("file-"+filepath.Base(f), fixture.Page{Body: b})
	}
	return out
}

func TestRecordDump(t *testing.T) {
	path := os.Getenv("GONGKAI_RECORD_DUMP")
	if path == "" {
		t.Skip("set GONGKAI_RECORD_DUMP=file to write the record dump")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	inputs := dumpInputs(t)
	for _, d := range inputs {
		rec, err := extract.Extract(context.Background(), d.in)
		var line []byte
		if err != nil {
			line = []byte("error: " + err.Error())
		} else if line, err = json.Marshal(rec); err != nil {
			t.Fatal(err)
		} else if rec.Tables != nil {
			// The failing equations behind the checks (tables.Explain).
			ex, err := json.Marshal(tables.Explain(rec.Tables, rec.Template))
			if err != nil {
				t.Fatal(err)
			}
			line = append(append(line, "\texplain "...), ex...)
		}
		fmt.Fprintf(w, "%s\t%s\n", d.name, line)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records written to %s", len(inputs), path)
}
