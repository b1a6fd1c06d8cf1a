package charset

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/corpus"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// The encoding matrix of issue 3: every corpus text, cut to several sizes,
// wrapped in a small HTML page, encoded five ways, labelled truly, falsely or
// not at all, whole and cut inside the last character. Each page must decode
// back to exactly the page it was made from.

// matrixEncoding is one way to put a page on the wire.
type matrixEncoding struct {
	name        string
	enc         encoding.Encoding // nil: UTF-8 as is
	bom         string
	label       string // the true label
	wrongHeader string // what a lying server says
	wrongOther  string // what another lying server says
	wrongMeta   string // what a lying page says
	sniffedAs   string // Result.Charset when no true label is seen
}

var matrixEncodings = []matrixEncoding{
	{name: "utf-8", label: "utf-8", wrongHeader: "gbk", wrongOther: "iso-8859-1", wrongMeta: "gb2312", sniffedAs: "utf-8"},
	{name: "utf-8+bom", bom: "\xEF\xBB\xBF", label: "utf-8", wrongHeader: "gbk", wrongOther: "big5", wrongMeta: "big5", sniffedAs: "utf-8"},
	{name: "gbk", enc: simplifiedchinese.GBK, label: "gbk", wrongHeader: "iso-8859-1", wrongOther: "utf-8", wrongMeta: "utf-8", sniffedAs: "gb18030"},
	{name: "gb18030", enc: simplifiedchinese.GB18030, label: "gb18030", wrongHeader: "utf-8", wrongOther: "big5", wrongMeta: "big5", sniffedAs: "gb18030"},
	{name: "big5", enc: traditionalchinese.Big5, label: "big5", wrongHeader: "gb2312", wrongOther: "utf-8", wrongMeta: "utf-8", sniffedAs: "big5"},
}

// Label modes: which labels the page carries.
var matrixModes = []string{"header", "meta", "wrong-header", "wrong-header-2", "wrong-meta", "wrong-header+wrong-meta", "wrong-header+true-meta", "none"}

// matrixSizes are the text lengths in bytes of UTF-8; 0 means the whole text.
var matrixSizes = []int{50, 200, 1 << 10, 4 << 10, 0}

type matrixCase struct {
	id        string // text/size/encoding/mode[/cut]
	textBytes int    // bytes of UTF-8 text on the page
	encName   string
	mode      string
	cut       bool
	body      []byte
	ctype     string
	want      string // the page in UTF-8; for a cut page, the part before the cut
	charset   string // expected Result.Charset
	source    string // expected Result.Source
}

// matrixTexts are the corpus texts plus the Traditional Chinese one, which
// is the only one Big5 can encode.
func matrixTexts(t testing.TB) []corpus.Text {
	t.Helper()
	texts, err := corpus.Texts()
	if err != nil {
		t.Fatal(err)
	}
	trad, err := os.ReadFile("testdata/traditional.txt")
	if err != nil {
		t.Fatal(err)
	}
	return append(texts, corpus.Text{Name: "traditional.txt", Body: string(trad)})
}

// matrixOffsets are where the cut pieces start, as fractions of the text: the
// title at the start, and two places inside (prose, or tables full of digits).
var matrixOffsets = []int{0, 1, 2} // thirds

// cutText returns the longest piece of s of at most n bytes that starts at
// the first character boundary at or after byte from and ends on a character
// boundary (n == 0: all of s).
func cutText(s string, from, n int) string {
	if n == 0 || n >= len(s) {
		return s
	}
	from = min(from, len(s)-n)
	for from < len(s) && !utf8.RuneStart(s[from]) {
		from++
	}
	s = s[from:]
	if n >= len(s) {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// matrixPieces cuts one text into the pieces pages are made of: each size
// at each offset, and the whole text once. Each is {text, name}.
func matrixPieces(body string) [][2]string {
	var out [][2]string
	for _, size := range matrixSizes {
		if size == 0 {
			out = append(out, [2]string{body, "whole"})
			continue
		}
		if size >= len(body) {
			continue // "whole" covers it
		}
		for _, third := range matrixOffsets {
			out = append(out, [2]string{cutText(body, third*len(body)/3, size), fmt.Sprintf("%d@%d/3", size, third)})
		}
	}
	return out
}

func buildMatrix(t testing.TB) (cases []matrixCase, skipped map[string]int) {
	t.Helper()
	skipped = map[string]int{}
	for _, tx := range matrixTexts(t) {
		for _, piece := range matrixPieces(tx.Body) {
			text, sizeName := piece[0], piece[1]
			for _, me := range matrixEncodings {
				for _, mode := range matrixModes {
					for _, cut := range []bool{false, true} {
						c, ok := makeCase(t, me, mode, text, cut)
						if !ok {
							skipped[me.name]++
							continue
						}
						c.id = fmt.Sprintf("%s/%s/%s/%s", tx.Name[:3], sizeName, me.name, mode)
						if cut {
							c.id += "/cut"
						}
						cases = append(cases, c)
					}
				}
			}
		}
	}
	return cases, skipped
}

// makeCase builds one page; ok is false when the encoding cannot represent the text.
func makeCase(t testing.TB, me matrixEncoding, mode, text string, cut bool) (matrixCase, bool) {
	header, meta := "", ""
	c := matrixCase{textBytes: len(text), encName: me.name, mode: mode, cut: cut, charset: me.sniffedAs, source: SourceSniffed}
	switch mode {
	case "header":
		header, c.charset, c.source = me.label, me.label, SourceHeader
	case "meta":
		meta, c.charset, c.source = me.label, me.label, SourceMeta
	case "wrong-header":
		header = me.wrongHeader
	case "wrong-header-2":
		header = me.wrongOther
	case "wrong-meta":
		meta = me.wrongMeta
	case "wrong-header+wrong-meta":
		header, meta = me.wrongOther, me.wrongMeta
	case "wrong-header+true-meta":
		header, meta, c.charset, c.source = me.wrongHeader, me.label, me.label, SourceMeta
	}
	if me.bom != "" {
		c.charset, c.source = "utf-8", SourceBOM
	}
	if header != "" {
		c.ctype = "text/html; charset=" + header
	} else {
		c.ctype = "text/html"
	}
	head := "<!DOCTYPE html>\n<html><head>"
	if meta != "" {
		head += `<meta http-equiv="Content-Type" content="text/html; charset=` + meta + `">`
	}
	head += "<title>report</title></head>\n<body><div class=\"content\">"
	page := head + text + "</div></body></html>\n"
	if cut {
		// The transfer stopped inside the last character of the text.
		text = strings.TrimRightFunc(text, func(r rune) bool { return r < utf8.RuneSelf })
		if text == "" {
			return c, false
		}
		page = head + text
	}
	encoded := page
	if me.enc != nil {
		var err error
		if encoded, err = me.enc.NewEncoder().String(page); err != nil {
			return c, false // not representable (simplified hanzi in Big5, NBSP in GBK)
		}
	}
	body := me.bom + encoded
	c.want = page
	if cut {
		body = body[:len(body)-1]
		_, last := utf8.DecodeLastRuneInString(page)
		c.want = page[:len(page)-last]
	}
	c.body = []byte(body)
	return c, true
}

// checkCase decodes one page and says what is wrong with the answer, or "".
func checkCase(c matrixCase) (Result, string) {
	got, err := Decode(c.body, c.ctype, "")
	if err != nil {
		return got, err.Error()
	}
	text := got.Text
	if c.cut {
		rest, ok := strings.CutPrefix(text, c.want)
		n := utf8.RuneCountInString(rest)
		if !ok || n == 0 || strings.Trim(rest, "\uFFFD") != "" || got.Replacements != n || !got.Degraded {
			return got, fmt.Sprintf("cut page: text ends %q, %d replacements, degraded %v", tail(text), got.Replacements, got.Degraded)
		}
	} else if text != c.want {
		return got, fmt.Sprintf("text differs at byte %d: %q", firstDiff(text, c.want), tail(text[:min(len(text), firstDiff(text, c.want)+30)]))
	} else if got.Replacements != 0 || got.Degraded {
		return got, fmt.Sprintf("%d replacements, degraded %v", got.Replacements, got.Degraded)
	}
	if got.Charset != c.charset || got.Source != c.source {
		return got, fmt.Sprintf("charset %s from %s, want %s from %s", got.Charset, got.Source, c.charset, c.source)
	}
	return got, ""
}

func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func tail(s string) string {
	if len(s) > 40 {
		return s[len(s)-40:]
	}
	return s
}

func TestEncodingMatrix(t *testing.T) {
	cases, skipped := buildMatrix(t)
	type tally struct{ pages, ok int }
	var small, large tally
	byEnc := map[string]*tally{}
	var failures []string
	first := make([]Result, len(cases))
	for i, c := range cases {
		got, problem := checkCase(c)
		first[i] = got
		if byEnc[c.encName+" "+c.mode] == nil {
			byEnc[c.encName+" "+c.mode] = &tally{}
		}
		bucket := &large
		if c.textBytes < 200 {
			bucket = &small
		}
		bucket.pages++
		byEnc[c.encName+" "+c.mode].pages++
		if problem == "" {
			bucket.ok++
			byEnc[c.encName+" "+c.mode].ok++
			continue
		}
		failures = append(failures, c.id+": "+problem)
	}
	// Determinism: the same answers, byte for byte, on a second run.
	for i, c := range cases {
		if got, _ := checkCase(c); got != first[i] {
			t.Errorf("%s: second run differs: %+v vs %+v", c.id, summary(got), summary(first[i]))
		}
	}

	keys := make([]string, 0, len(byEnc))
	for k := range byEnc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-34s %4d/%-4d", k, byEnc[k].ok, byEnc[k].pages)
	}
	t.Logf("skipped (not encodable): %v", skipped)
	t.Logf("pages with >=200 B of text: %d/%d exact; with <200 B: %d/%d; overall %d/%d (%.2f%%)",
		large.ok, large.pages, small.ok, small.pages, large.ok+small.ok, large.pages+small.pages,
		100*float64(large.ok+small.ok)/float64(large.pages+small.pages))
	for i, f := range failures {
		if i == 20 {
			t.Logf("... %d more", len(failures)-20)
			break
		}
		t.Log("FAIL " + f)
	}

	// The matrix must keep its shape, or a passing run proves less. These are
	// the counts of the corpus as embedded; more texts only add pages.
	if large.pages < 3056 || small.pages < 2096 || skipped["big5"] == 0 || skipped["gbk"] == 0 {
		t.Errorf("matrix shrank: %d large, %d small pages, skipped %v", large.pages, small.pages, skipped)
	}
	// Every page round-trips, short ones included: the issue asks for 100%
	// from 200 bytes and 99.5% overall; we hold the line where we are.
	if large.ok != large.pages {
		t.Errorf("pages with >=200 B of text: %d of %d wrong, want none", large.pages-large.ok, large.pages)
	}
	if small.ok != small.pages {
		t.Errorf("pages with <200 B of text: %d of %d wrong, want none", small.pages-small.ok, small.pages)
	}
}

func summary(r Result) string {
	return fmt.Sprintf("%s/%s/%d/%v/%s/%d bytes", r.Charset, r.Source, r.Replacements, r.Degraded, r.Class, len(r.Text))
}
