package crawler

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/extract/charset"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// link is one outgoing reference found on a page.
type link struct {
	href   string
	anchor string // visible text (or title/alt) of the anchor
	frame  bool   // the src of a frame or iframe (a list, or a wrapper's document)
}

// page is what the crawler reads from one fetched body to go on.
type page struct {
	base    string   // <base href>, if any
	links   []link   // <a>, <area>, frames, <embed src>, <object data>
	scripts []string // inline script bodies (read by crawler/platform's adapters)
	text    int      // runes of visible text, counted up to just past challengeMaxText
	title   string   // the first <title>'s text
	heading string   // the first <h1>'s text: a page's main heading
}

// decodeText turns raw bytes into UTF-8 with extract/charset; until it can
// (or if it fails) UTF-8 is taken as is and anything else is read as GB18030,
// the superset of the GBK most portals use.
func decodeText(body []byte, contentType string) string {
	text, _ := decodePage(body, contentType)
	return text
}

// decodePage is decodeText that also returns charset.Decode's result when
// it ran (non-UTF-8 pages), so extraction need not decode them again.
func decodePage(body []byte, contentType string) (string, *charset.Result) {
	// Valid UTF-8 without NULs (which UTF-16 would have) is UTF-8 whatever
	// the label says; only other bytes need charset's detection, which
	// costs as much as the rest of the link reading.
	if utf8.Valid(body) && bytes.IndexByte(body, 0) < 0 {
		return string(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))), nil
	}
	if res, err := charset.Decode(body, contentType, ""); err == nil && res.Text != "" {
		return res.Text, &res
	}
	if utf8.Valid(body) {
		return string(body), nil
	}
	if out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(body); err == nil {
		return string(out), nil
	}
	return strings.ToValidUTF8(string(body), "\uFFFD"), nil
}

// parsePage reads the links, scripts and amount of visible text of an HTML
// page, as golang.org/x/net/html's tokenizer splits it into tokens (see
// scanPage, which does that for the common case faster).
func parsePage(text string) *page {
	r := &pageReader{p: &page{}}
	scanPage(r, text)
	return r.end()
}

// readTokens feeds r the tokens of text as x/net/html's tokenizer reads
// them, up to the end or the first error.
func readTokens(r *pageReader, text string) {
	z := html.NewTokenizer(strings.NewReader(text))
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			var attrs tagAttrs
			if hasAttr && linkish[a] {
				attrs = readAttrs(z)
			}
			r.startTag(a, tt == html.SelfClosingTagToken, attrs)
		case html.EndTagToken:
			name, _ := z.TagName()
			r.endTag(atom.Lookup(name))
		case html.TextToken:
			if r.wantsText() {
				r.text(z.Text())
			}
		}
	}
}

// pageReader builds a page from a page's tokens.
type pageReader struct {
	p                 *page
	cur               *link // the <a> being read
	anchor            strings.Builder
	inScript, inStyle bool
	// The first <title> and <h1> being read (whose texts go to the page's
	// title and heading), and whether each has been.
	inTitle, inHeading     bool
	sawTitle, sawHeading   bool
	titleText, headingText strings.Builder
}

func (r *pageReader) startTag(a atom.Atom, selfClosing bool, attrs tagAttrs) {
	p := r.p
	switch a {
	case atom.A, atom.Area:
		r.flush()
		if attrs.href == "" {
			return
		}
		l := link{href: attrs.href}
		r.anchor.Reset()
		r.anchor.WriteString(attrs.title)
		r.anchor.WriteString(" ")
		if a == atom.Area || selfClosing {
			l.anchor = squash(attrs.title + " " + attrs.alt)
			p.links = append(p.links, l)
			return
		}
		r.cur = &l
	case atom.Img:
		if r.cur != nil {
			r.anchor.WriteString(" " + attrs.alt)
		}
	case atom.Frame, atom.Iframe:
		if src := attrs.src; src != "" {
			p.links = append(p.links, link{href: src, anchor: squash(attrs.title + " " + attrs.name), frame: true})
		}
	case atom.Embed, atom.Object:
		// A wrapper page's document shown in place: <embed src="nb.pdf">,
		// <object data="nb.pdf">.
		if src := attrs.src + attrs.data; src != "" {
			p.links = append(p.links, link{href: src, anchor: squash(attrs.title + " " + attrs.name)})
		}
	case atom.Base:
		if p.base == "" {
			p.base = attrs.href
		}
	case atom.Script:
		r.inScript = !selfClosing
	case atom.Style:
		r.inStyle = !selfClosing
	case atom.Title:
		if !selfClosing && !r.sawTitle {
			r.inTitle, r.sawTitle = true, true
		}
	case atom.H1:
		if !selfClosing && !r.sawHeading {
			r.inHeading, r.sawHeading = true, true
		}
	}
}

func (r *pageReader) endTag(a atom.Atom) {
	switch a {
	case atom.A:
		r.flush()
	case atom.Script:
		r.inScript = false
	case atom.Style:
		r.inStyle = false
	case atom.Title:
		r.inTitle = false
	case atom.H1:
		r.inHeading = false
	}
}

// wantsText reports whether the next text token is used: script text,
// anchor text, the title or main heading, or visible text while it is
// still being counted.
func (r *pageReader) wantsText() bool {
	return r.inScript || !r.inStyle && (r.cur != nil || r.p.text <= challengeMaxText || r.inTitle || r.inHeading)
}

func (r *pageReader) text(t []byte) {
	p := r.p
	if r.inScript {
		// Script text is code, not links: TRS pagers write
		// "<a href=\""+name+… whose \ would become a URL. The adapters of
		// crawler/platform read what scripts hold as data.
		p.scripts = append(p.scripts, string(t))
		return
	}
	if r.inStyle {
		return
	}
	if p.text <= challengeMaxText { // counted only as far as isChallenge looks
		p.text += utf8.RuneCount(bytes.TrimSpace(t))
	}
	if r.cur != nil {
		r.anchor.Write(t)
	}
	// Kept short: a title longer than this names no single report.
	if r.inTitle && r.titleText.Len() < maxTitleBytes {
		r.titleText.Write(t)
	}
	if r.inHeading && r.headingText.Len() < maxTitleBytes {
		r.headingText.Write(t)
	}
}

// maxTitleBytes bounds what is kept of a page's title and heading.
const maxTitleBytes = 512

// flush ends the <a> being read, if any.
func (r *pageReader) flush() {
	if r.cur != nil {
		r.cur.anchor = squash(r.anchor.String())
		r.p.links = append(r.p.links, *r.cur)
		r.cur = nil
	}
}

func (r *pageReader) end() *page {
	r.flush()
	r.p.title = squash(r.titleText.String())
	r.p.heading = squash(r.headingText.String())
	return r.p
}

// linkish are the tags whose attributes parsePage reads; the attributes of
// every other tag are skipped without being copied.
var linkish = map[atom.Atom]bool{atom.A: true, atom.Area: true, atom.Img: true, atom.Frame: true, atom.Iframe: true, atom.Base: true,
	atom.Embed: true, atom.Object: true}

// tagAttrs are the few attributes parsePage uses.
type tagAttrs struct{ href, src, data, title, alt, name string }

// readAttrs copies the attributes parsePage uses out of the current tag.
func readAttrs(z *html.Tokenizer) tagAttrs {
	var t tagAttrs
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr() // keys come lower-cased
		if f := t.field(string(k)); f != nil {
			*f = string(v)
		}
	}
	return t
}

// field returns where the attribute with this lower-case name goes, or nil
// for one parsePage does not use.
func (t *tagAttrs) field(key string) *string {
	switch key {
	case "href":
		return &t.href
	case "src":
		return &t.src
	case "data":
		return &t.data
	case "title":
		return &t.title
	case "alt":
		return &t.alt
	case "name":
		return &t.name
	}
	return nil
}

// squash collapses whitespace.
func squash(s string) string {
	if squashed(s) {
		return s // most anchors and titles: no copy
	}
	return strings.Join(strings.Fields(s), " ")
}

// squashed reports whether s is already as squash leaves it: no space but
// single ASCII spaces between words.
func squashed(s string) bool {
	prevSpace := true // a leading space is not squashed
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if sp && (prevSpace || r != ' ') {
			return false
		}
		prevSpace = sp
	}
	return !prevSpace || s == ""
}
