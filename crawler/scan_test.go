package crawler

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// scanCases are the token forms scanPage reads itself or must hand over.
var scanCases = []string{
	`<a href="/x">报告</a>`, `<A HREF=/x TITLE=T>X</A>`, `<a href=1 href=2 HREF=3>d</a>`, `<a =x href=y>e</a>`,
	`<a href = "y" >f</a>`, `<a href=x/>t</a>`, `<a href="x"/>t`, `<a/href=x>g</a>`, `<a href>h</a>`, `<a href=>i</a>`,
	`<a href='x' title='it''s'>j</a>`, `<a href="?a=1&amp;b=2&copy=3">&lt;b&gt;&nbsp;k</a>`, `<a href="?x=1&not" title="&amp;">l</a>`,
	`<a title="a&amp;b" href=/m>m</a>`, `<a href=x title=y/>`, `<a href="x" / >n</a>`, `<a href=a/ b=c/>o`, `<a b=c / href=d>`,
	`<!-- <a href=hidden> -->v`, `<!---->w`, `<!-->x<a href=1>`, `<!--->y<a href=2>`, `<!-- a --!> <a href=3>z</a>`,
	`<!-- a ---!> b<a href=4>`, `<!-- --!- --> c<a href=5>`, `<!-- --!x--> d`, `<!-- never closed <a href=6>`, `<!-- a--->e`,
	`<!DOCTYPE html><a href=7>`, `<!doctype>`, `<!x><a href=8>`, `<!>`, `<?xml version="1.0"?><a href=9>`, `</><a href=10>`,
	`</ x><a href=11>`, `</3>q`, `<3 <a href=12>`, `< a href=13>`, `<<a href=q>`, `a < b <a href=14>r</a>`, `<`, `text <`,
	`</`, `<!`, `<!-`, `<!--`, `<!-x>`, `</a`, `</a href="x>">s`,
	`<script>var s="<a href=x>";</script><a href=15>`, `<script><!-- document.write("<script></script>") --></script><a href=16>`,
	`<script><!-- createPageHTML(10,0,"index","html"); //--></script>`, `<SCRIPT>x</SCRIPT ><a href=17>`,
	`<script>a</scriptx>b</script>c`, `<script/>text<a href=z>z</a></script>`, `<script>never closed <a href=18>`,
	`<script>a<!--b</script>c<a href=19>`, `<script><!--<SCRIPT>a</script>b</script>c-->`,
	`<title>A &amp; B</title>`, `<textarea><a href=no>&lt;</textarea>`, `<style>a{} <a href=st></style>u`,
	`<noscript><a href=ns>ns</a></noscript>`, `<iframe src=f.html title=t name=n></iframe>`, `<xmp><a href=x></xmp>`,
	`<plaintext><a href=p>`, `<title>cut`, `<style></style><a href=20>`, `<title></TITLE>`,
	"a\r\nb\rc", "<a href=x>a\r\n\x00b</a>", "<script>\x00\r\n</script>", "<title>\x00</title>",
	`<a href=1>one<img alt="图">two<a href=2>three`, `<a href=1><img src=i.png alt="标题"></a>`,
	`<base href="/b/"><base href="/c/"><a href=rel>`, `<area href=a alt=x title=y>`, `<frame src=f name=n>`, `<iframe src=g>`,
	`<a href="x`, `<a href=x`, `<a`, `<a `, `<a href='`, `<a href=x title`, `<a href =`, `<a href= `, `<img alt="`,
	`<a中 href=x>y</a中>`, `<a href=x>` + string(make([]byte, 60)) + `</a>`,
	`<script type="text/xml"><datastore><recordset><record><![CDATA[<a href="/art/1.html">记录</a>]]></record></recordset></datastore></script>`,
	`<p>` + "某市人民政府办公室关于印发二〇二一年政府信息公开工作年度报告的通知，各区县人民政府、市政府各部门" + `</p><a href=last>last</a>`,
}

// referencePage reads text with the tokenizer alone.
func referencePage(text string) *page {
	r := &pageReader{p: &page{}}
	readTokens(r, text)
	return r.end()
}

// scanPages are real pages of every kind the crawler meets, as text.
func scanPages(t *testing.T) map[string]string {
	pages := map[string]string{}
	for i, c := range scanCases {
		pages[fmt.Sprintf("case %d %q", i, c)] = c
	}
	for _, dir := range []string{"testdata", "../extract/testdata"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			pages[f] = decodeText(b, "text/html")
		}
	}
	reps, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		for _, st := range fixture.Styles {
			for _, ml := range fixture.MetaLayouts {
				pg, err := fixture.Render(r, fixture.Options{Style: st, Meta: ml, Chrome: true, Encoding: fixture.EncGBK})
				if err != nil {
					continue
				}
				pages[fmt.Sprintf("%s %s %s", r.ID, st, ml)] = decodeText(pg.Body, pg.ContentType)
			}
		}
		if pg, err := fixture.EssayCopy(r, fixture.EncUTF8); err == nil {
			pages[r.ID+" essay"] = decodeText(pg.Body, pg.ContentType)
		}
	}
	for i, n := range fixture.Negative() {
		pages[fmt.Sprintf("negative %d", i)] = decodeText(n.Page.Body, n.Page.ContentType)
	}
	bp := newBenchPortal(t, 40)
	for _, path := range []string{"/", "/xxgk/index.html", "/xxgk/ndbg/index.html", "/xxgk/ndbg/index_1.html", "/xxgk/ndbg/t3.html", "/xxgk/ndbg/t4.html"} {
		body, ct := bp.page(path)
		pages["bench "+path] = decodeText(body, ct)
	}
	return pages
}

// scanPage reads every page, and every page cut short anywhere, exactly as
// the tokenizer does.
func TestScanPageMatches(t *testing.T) {
	pages := scanPages(t)
	if len(pages) < 150 {
		t.Fatalf("only %d pages to compare", len(pages))
	}
	links := 0
	for name, text := range pages {
		want := referencePage(text)
		if got := parsePage(text); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
			continue
		}
		links += len(want.links)
		// Bodies arrive truncated: cut each page at 40 places.
		for k := 1; k < 40 && len(text) > 1; k++ {
			cut := text[:len(text)*k/40]
			if got, want := parsePage(cut), referencePage(cut); !reflect.DeepEqual(got, want) {
				t.Errorf("%s cut at %d:\n got %+v\nwant %+v", name, len(cut), got, want)
				break
			}
		}
	}
	if links < 1000 {
		t.Errorf("only %d links in all pages: the comparison saw too little", links)
	}
	t.Logf("%d pages (%d links) read alike, whole and cut", len(pages), links)
}

// FuzzScanPage compares scanPage with the tokenizer on any input:
// go test -fuzz FuzzScanPage ./crawler/
func FuzzScanPage(f *testing.F) {
	for _, c := range scanCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := parsePage(text), referencePage(text); !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %+v\nwant %+v", text, got, want)
		}
	})
}

// BenchmarkParsePage reads a GBK report page (decoded) with scanPage and
// with the tokenizer alone.
func BenchmarkParsePage(b *testing.B) {
	reps, err := corpus.Reports()
	if err != nil {
		b.Fatal(err)
	}
	pg, err := fixture.Render(reps[1], fixture.Options{Chrome: true, Encoding: fixture.EncGBK})
	if err != nil {
		b.Fatal(err)
	}
	text := decodeText(pg.Body, pg.ContentType)
	for _, c := range []struct {
		name string
		read func(string) *page
	}{{"scan", parsePage}, {"tokenizer", referencePage}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				c.read(text)
			}
		})
	}
}
