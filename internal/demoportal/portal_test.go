package demoportal

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"github.com/gongkai/gongkai/internal/corpus"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// startPortal runs a portal for one test.
func startPortal(t *testing.T) *Portal {
	t.Helper()
	p, err := Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}

// decode turns page bytes into UTF-8 by the named charset.
func decode(t *testing.T, b []byte, charset string) string {
	t.Helper()
	var enc encoding.Encoding
	switch strings.ToLower(charset) {
	case "utf-8":
		enc = unicode.UTF8BOM // strips a BOM when there is one
	case "gbk", "gb2312":
		enc = simplifiedchinese.GBK
	case "gb18030":
		enc = simplifiedchinese.GB18030
	default:
		t.Fatalf("no decoder for charset %q", charset)
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatalf("decode as %s: %v", charset, err)
	}
	return string(out)
}

// crawlAll walks every seed to depth 4 and returns the walker.
func crawlAll(t *testing.T, p *Portal) *walker {
	t.Helper()
	w := newWalker(4, 2000)
	for _, s := range p.Seeds() {
		if err := w.walk(s.URL); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func TestEveryTruthPageReachable(t *testing.T) {
	p := startPortal(t)
	w := crawlAll(t, p)
	truth := p.Truth()
	kinds := map[string]int{}
	for _, s := range truth {
		kinds[s.Kind]++
		if s.Disallowed {
			if !w.linked[s.URL] || !w.refused[s.URL] {
				t.Errorf("%s: disallowed page should be linked (%v) and refused by robots.txt (%v)", s.URL, w.linked[s.URL], w.refused[s.URL])
			}
			if _, fetched := w.depth[s.URL]; fetched {
				t.Errorf("%s: fetched despite robots.txt", s.URL)
			}
			continue
		}
		d, ok := w.depth[s.URL]
		if !ok {
			t.Errorf("%s (%s %s %d): not reached within depth 4", s.URL, s.Kind, s.Agency, s.Year)
			continue
		}
		if !strings.HasPrefix(s.URL, s.Seed) {
			t.Errorf("%s: not on its seed's site %s", s.URL, s.Seed)
		}
		t.Logf("depth %d %-10s %-8s %s", d, s.Kind, s.Charset, s.URL)
		for _, a := range s.Attachments {
			if !w.linked[a] {
				t.Errorf("%s: attachment %s not linked", s.URL, a)
			}
		}
	}
	if kinds[KindReport] < 6 || kinds[KindCopy] != 1 || kinds[KindNotReport] < 2 {
		t.Errorf("truth kinds %v: want ≥6 reports, 1 copy, ≥2 not_report", kinds)
	}
	// Both traps are linked from the portal, so a crawler meets them.
	var calendar, deep bool
	for u := range w.depth {
		calendar = calendar || strings.Contains(u, calendarPath+"?date=")
		deep = deep || strings.Contains(u, "/zwgk/"+deepDir+deepDir)
	}
	if !calendar || !deep {
		t.Errorf("walker met calendar trap %v, deep trap %v", calendar, deep)
	}
}

func TestTruthInvariants(t *testing.T) {
	p := startPortal(t)
	seeds := map[string]Seed{}
	for _, s := range p.Seeds() {
		seeds[s.URL] = s
	}
	urls := map[string]bool{}
	for _, s := range p.Truth() {
		if urls[s.URL] {
			t.Errorf("%s: twice in Truth", s.URL)
		}
		urls[s.URL] = true
		seed, ok := seeds[s.Seed]
		if !ok || seed.Region != s.Region || s.Version != 1 || s.ContentType == "" {
			t.Errorf("%s: seed %q region %q version %d type %q", s.URL, s.Seed, s.Region, s.Version, s.ContentType)
		}
		switch {
		case s.Charset == "utf-8", s.Charset == "gbk", s.Charset == "gb18030":
		case s.Charset == "" && s.ContentType == pdfType: // a PDF linked straight from its list
		default:
			t.Errorf("%s: charset %q", s.URL, s.Charset)
		}
		if s.Kind == KindNotReport {
			if s.Report.ID != "" || s.Year != 0 {
				t.Errorf("%s: not_report carries report %q year %d", s.URL, s.Report.ID, s.Year)
			}
			continue
		}
		if s.Agency != s.Report.Agency || s.Year != s.Report.Year || s.Template != s.Report.Template || s.Kind != s.Report.Kind {
			t.Errorf("%s: identity %s/%d/%s/%s differs from report %s", s.URL, s.Agency, s.Year, s.Template, s.Kind, s.Report.ID)
		}
		if s.InAttachment != (len(s.Attachments) == 1) {
			t.Errorf("%s: InAttachment %v with %d attachments", s.URL, s.InAttachment, len(s.Attachments))
		}
	}
}

// cellCounts counts the non-blank raw cell texts of a report's tables.
func cellCounts(s Served) map[string]int {
	want := map[string]int{}
	for _, rows := range s.Report.Tables {
		for _, cols := range rows {
			for _, c := range cols {
				if c.Raw != "" {
					want[c.Raw]++
				}
			}
		}
	}
	return want
}

// docxText returns the text runs of a DOCX's main document.
func docxText(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("docx: %v", err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		x, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range regexp.MustCompile(`<w:t(?: [^>]*)?>([^<]*)</w:t>`).FindAllSubmatch(x, -1) {
			if s := strings.TrimSpace(string(m[1])); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	t.Fatal("docx: no word/document.xml")
	return nil
}

func TestServedBytesCarryTheTruth(t *testing.T) {
	p := startPortal(t)
	w := newWalker(0, 1)
	for _, s := range p.Truth() {
		if s.Kind == KindNotReport {
			continue
		}
		t.Run(s.Report.ID+"@"+s.URL[strings.LastIndex(s.URL, "/")+1:], func(t *testing.T) {
			body, hdr, err := w.get(s.URL)
			if err != nil {
				t.Fatal(err)
			}
			if hdr.Get("Content-Type") != s.ContentType {
				t.Errorf("Content-Type %q, truth says %q", hdr.Get("Content-Type"), s.ContentType)
			}
			if strings.HasPrefix(s.Report.ID, "pdf:") {
				servedPDF(t, w, s, body)
				return
			}
			page := decode(t, body, s.Charset)
			if !strings.Contains(page, s.Report.Title) {
				t.Errorf("title %q not in the page decoded as %s", s.Report.Title, s.Charset)
			}
			nodes := textNodes(page)
			if s.InAttachment {
				doc, _, err := w.get(s.Attachments[0])
				if err != nil {
					t.Fatal(err)
				}
				nodes = docxText(t, doc)
			}
			got := map[string]int{}
			for _, n := range nodes {
				got[n]++
			}
			want := cellCounts(s)
			if s.Template != "legacy" && len(want) == 0 {
				t.Fatalf("report %s has no cells", s.Report.ID)
			}
			for raw, n := range want {
				if got[raw] < n {
					t.Errorf("cell text %q: %d in the served document, %d in the truth", raw, got[raw], n)
				}
			}
			text := strings.Join(nodes, "\n")
			for _, f := range s.Report.Legacy {
				if !strings.Contains(text, f.Sentence) {
					t.Errorf("legacy figure %s: sentence %q not in the page", f.Name, f.Sentence)
				}
			}
			if d := s.Report.Meta.PublishedDate; d != "" {
				cn := d[:4] + "年" + d[5:7] + "月" + d[8:] + "日" // how a metadata table prints it
				if !strings.Contains(page, d) && !strings.Contains(page, cn) {
					t.Errorf("published date %s not on the page", d)
				}
			}
			if first, _, _ := strings.Cut(s.Report.Overview, "\n"); !s.InAttachment && !strings.Contains(text, strings.TrimSpace(first)) {
				t.Errorf("overview %.40q… not in the page text", first)
			}
			checkLabel(t, s, body, hdr)
		})
	}
}

var metaCharset = regexp.MustCompile(`(?i)charset=["']?([\w-]+)`)

// checkLabel asserts the charset labels are right or wrong as the truth says.
func checkLabel(t *testing.T, s Served, body []byte, hdr http.Header) {
	t.Helper()
	_, params, _ := mime.ParseMediaType(hdr.Get("Content-Type"))
	header := strings.ToLower(params["charset"])
	meta := ""
	if m := metaCharset.FindSubmatch(body[:min(len(body), 2048)]); m != nil {
		meta = strings.ToLower(string(m[1]))
	}
	same := func(label string) bool {
		return label == s.Charset || (s.Charset == "gbk" && label == "gb2312")
	}
	switch s.Label {
	case "correct":
		if header != "" && !same(header) || meta != "" && !same(meta) || header == "" && meta == "" && !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			t.Errorf("label correct but header %q meta %q for %s", header, meta, s.Charset)
		}
	case "wrong-header":
		if header == "" || same(header) {
			t.Errorf("wrong-header: header says %q for %s", header, s.Charset)
		} else if strings.Contains(decodeLoose(body, header), s.Report.Title) {
			t.Errorf("wrong-header: decoding as %q still shows the title; the lie is harmless", header)
		}
	case "wrong-meta":
		if meta == "" || same(meta) || header != "" {
			t.Errorf("wrong-meta: header %q meta %q for %s", header, meta, s.Charset)
		}
	}
}

// decodeLoose decodes with replacement characters instead of failing.
func decodeLoose(b []byte, charset string) string {
	switch charset {
	case "gbk", "gb2312":
		out, _ := simplifiedchinese.GBK.NewDecoder().Bytes(b)
		return string(out)
	case "gb18030":
		out, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		return string(out)
	case "iso-8859-1":
		out, _ := charmap.ISO8859_1.NewDecoder().Bytes(b)
		return string(out)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func TestPortalVariety(t *testing.T) {
	p := startPortal(t)
	charsets, labels, styles, templates := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	agencies := map[string]bool{}
	docx := 0
	for _, s := range p.Truth() {
		if s.Kind == KindNotReport {
			continue
		}
		charsets[s.Charset], labels[s.Label], styles[s.Style], templates[s.Template] = true, true, true, true
		agencies[s.Agency] = true
		if s.InAttachment {
			docx++
		}
	}
	for _, want := range []string{"utf-8", "gbk", "gb18030"} {
		if !charsets[want] {
			t.Errorf("no report page in %s", want)
		}
	}
	for _, want := range []string{"correct", "wrong-header", "wrong-meta"} {
		if !labels[want] {
			t.Errorf("no report page labelled %s", want)
		}
	}
	for _, want := range []string{"grid", "flat", "word", "paragraphs"} {
		if !styles[want] {
			t.Errorf("no report page in style %s", want)
		}
	}
	if !templates["2019"] || !templates["2021"] || !templates["legacy"] {
		t.Errorf("templates %v: want 2019, 2021 and legacy", templates)
	}
	if docx != 2 || len(agencies) < 5 { // the DOCX and the PDF of a wrapper page
		t.Errorf("%d DOCX reports, %d agencies", docx, len(agencies))
	}
	hosts := map[string]bool{}
	for _, s := range p.Seeds() {
		u, err := url.Parse(s.URL)
		if err != nil || u.Hostname() != "127.0.0.1" {
			t.Fatalf("seed %q is not on 127.0.0.1", s.URL)
		}
		hosts[u.Host] = true
	}
	if len(hosts) != 6 {
		t.Errorf("%d hosts, want 6", len(hosts))
	}
}

func TestSeedCSV(t *testing.T) {
	p := startPortal(t)
	rows, err := csv.NewReader(bytes.NewReader(p.SeedCSV())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "url,agency,region,level" {
		t.Fatalf("header %q", rows[0])
	}
	seeds := p.Seeds()
	if len(rows)-1 != len(seeds) {
		t.Fatalf("%d rows for %d seeds", len(rows)-1, len(seeds))
	}
	for i, s := range seeds {
		if got := rows[i+1]; fmt.Sprint(got) != fmt.Sprint([]string{s.URL, s.Agency, s.Region, s.Level}) {
			t.Errorf("row %d = %q, seed %+v", i+1, got, s)
		}
	}
	last := seeds[len(seeds)-1]
	if last.Level != "" || last.Agency != "" {
		t.Errorf("essay seed %+v: want no level, no agency", last)
	}
}

func TestRobotsTxt(t *testing.T) {
	p := startPortal(t)
	w := newWalker(0, 1)
	disallowed := 0
	for _, s := range p.Truth() {
		if !s.Disallowed {
			continue
		}
		disallowed++
		u, err := url.Parse(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _, err := w.get(u.Scheme + "://" + u.Host + "/robots.txt")
		if err != nil {
			t.Fatal(err)
		}
		ok, err := w.allowed(u)
		if err != nil || ok {
			t.Errorf("%s: robots.txt %q allows it", s.URL, body)
		}
		// The server itself still answers: only politeness keeps a crawler out.
		if _, _, err := w.get(s.URL); err != nil {
			t.Errorf("disallowed page not served: %v", err)
		}
	}
	if disallowed != 1 {
		t.Errorf("%d disallowed pages, want 1", disallowed)
	}
}

func TestConditionalAndRevise(t *testing.T) {
	p := startPortal(t)
	var target Served
	for _, s := range p.Truth() {
		if s.Report.ID == "001" {
			target = s
		}
	}
	if target.URL == "" {
		t.Fatal("no page of report 001")
	}
	resp, v1 := fetch(t, target.URL, nil)
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	for _, hdr := range []map[string]string{{"If-None-Match": etag}, {"If-Modified-Since": lm}} {
		if resp, body := fetch(t, target.URL, hdr); resp.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("%v: status %d with %d bytes, want 304", hdr, resp.StatusCode, len(body))
		}
	}

	if err := p.Revise("001"); err != nil {
		t.Fatal(err)
	}
	if err := p.Revise("no-such-report"); err == nil {
		t.Error("Revise of an unknown id succeeded")
	}
	resp, v2 := fetch(t, target.URL, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusOK || bytes.Equal(v1, v2) || resp.Header.Get("ETag") == etag {
		t.Fatalf("after Revise: status %d, bytes changed %v, ETag %q (was %q)", resp.StatusCode, !bytes.Equal(v1, v2), resp.Header.Get("ETag"), etag)
	}
	if resp.Header.Get("Last-Modified") == lm {
		t.Errorf("Last-Modified unchanged: %s", lm)
	}
	var revised Served
	for _, s := range p.Truth() {
		if s.URL == target.URL {
			revised = s
		}
	}
	if revised.Version != 2 || revised.Report.Overview == target.Report.Overview {
		t.Errorf("truth after Revise: version %d, overview changed %v", revised.Version, revised.Report.Overview != target.Report.Overview)
	}
	if page := decode(t, v2, revised.Charset); !strings.Contains(page, reviseNote(2)) {
		t.Errorf("version 2 does not show the correction %q", reviseNote(2))
	}
}

func TestReviseDOCXReport(t *testing.T) {
	p := startPortal(t)
	var s Served
	for _, x := range p.Truth() {
		if x.InAttachment && strings.HasSuffix(x.Attachments[0], ".docx") {
			s = x
		}
	}
	if s.URL == "" {
		t.Fatal("no DOCX report")
	}
	_, before := fetch(t, s.Attachments[0], nil)
	if err := p.Revise(s.Report.ID); err != nil {
		t.Fatal(err)
	}
	_, after := fetch(t, s.Attachments[0], nil)
	if bytes.Equal(before, after) {
		t.Fatal("attachment bytes unchanged by Revise")
	}
	if text := strings.Join(docxText(t, after), ""); !strings.Contains(text, reviseNote(2)) {
		t.Errorf("revised DOCX lacks %q", reviseNote(2))
	}
}

func TestDeterministicAcrossRuns(t *testing.T) {
	a, b := startPortal(t), startPortal(t)
	ta, tb := a.Truth(), b.Truth()
	if len(ta) != len(tb) {
		t.Fatalf("%d vs %d truth pages", len(ta), len(tb))
	}
	w := newWalker(0, 1)
	for i := range ta {
		ua, _ := url.Parse(ta[i].URL)
		ub, _ := url.Parse(tb[i].URL)
		if ua.Path != ub.Path {
			t.Fatalf("truth %d: %s vs %s", i, ua.Path, ub.Path)
		}
		ba, ha, err := w.get(ta[i].URL)
		if err != nil {
			t.Fatal(err)
		}
		bb, hb, err := w.get(tb[i].URL)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ba, bb) || ha.Get("ETag") != hb.Get("ETag") || ha.Get("Last-Modified") != hb.Get("Last-Modified") {
			t.Errorf("%s differs between runs", ua.Path)
		}
	}
}

// servedPDF checks a PDF report of the truth: the bytes served are the
// corpus PDF's, linked from its wrapper page (whose title names it) or
// served at the entry's own URL.
func servedPDF(t *testing.T, w *walker, s Served, body []byte) {
	t.Helper()
	pdfs, err := corpus.PDFs()
	if err != nil {
		t.Fatal(err)
	}
	doc := body
	if s.InAttachment {
		if page := decode(t, body, s.Charset); !strings.Contains(page, s.Report.Title) || !strings.Contains(page, "详见附件") {
			t.Errorf("wrapper page lacks the title or 详见附件")
		}
		if doc, _, err = w.get(s.Attachments[0]); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range pdfs {
		if "pdf:"+d.Name == s.Report.ID {
			if !bytes.Equal(doc, d.Bytes) {
				t.Errorf("served %d bytes, not %s", len(doc), d.Name)
			}
			if len(s.Report.Tables) == 0 || s.Year != d.Truth.Year || s.Agency != d.Truth.Agency {
				t.Errorf("truth of %s: %d tables, year %d, agency %q", d.Name, len(s.Report.Tables), s.Year, s.Agency)
			}
			return
		}
	}
	t.Errorf("%s: no corpus PDF", s.Report.ID)
}
