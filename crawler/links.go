package crawler

import (
	"bytes"
	"regexp"
	"strings"
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
}

// page is what the crawler reads from one fetched body to go on.
type page struct {
	base    string   // <base href>, if any
	links   []link   // <a>, <area>, frames, Hanweb records
	scripts []string // inline script bodies (pagination calls, Hanweb parameters)
	text    int      // runes of visible text, counted up to just past challengeMaxText
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

var recordAnchor = regexp.MustCompile(`(?is)<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)["']?[^>]*>(.*?)</a>`)
var tagRe = regexp.MustCompile(`(?s)<[^>]*>`)

// parsePage reads the links, scripts and amount of visible text of an HTML page.
func parsePage(text string) *page {
	p := &page{}
	z := html.NewTokenizer(strings.NewReader(text))
	var cur *link
	var anchor strings.Builder
	inScript, inStyle := false, false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if cur != nil {
				cur.anchor = squash(anchor.String())
				p.links = append(p.links, *cur)
			}
			return p
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			var attrs tagAttrs
			if hasAttr && linkish[a] {
				attrs = readAttrs(z)
			}
			switch a {
			case atom.A, atom.Area:
				if cur != nil {
					cur.anchor = squash(anchor.String())
					p.links = append(p.links, *cur)
					cur = nil
				}
				href := attrs.href
				if href == "" {
					continue
				}
				l := link{href: href}
				anchor.Reset()
				anchor.WriteString(attrs.title)
				anchor.WriteString(" ")
				if a == atom.Area || tt == html.SelfClosingTagToken {
					l.anchor = squash(attrs.title + " " + attrs.alt)
					p.links = append(p.links, l)
					continue
				}
				cur = &l
			case atom.Img:
				if cur != nil {
					anchor.WriteString(" " + attrs.alt)
				}
			case atom.Frame, atom.Iframe:
				if src := attrs.src; src != "" {
					p.links = append(p.links, link{href: src, anchor: attrs.title + " " + attrs.name})
				}
			case atom.Base:
				if p.base == "" {
					p.base = attrs.href
				}
			case atom.Script:
				inScript = tt == html.StartTagToken
			case atom.Style:
				inStyle = tt == html.StartTagToken
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.A:
				if cur != nil {
					cur.anchor = squash(anchor.String())
					p.links = append(p.links, *cur)
					cur = nil
				}
			case atom.Script:
				inScript = false
			case atom.Style:
				inStyle = false
			}
		case html.TextToken:
			t := z.Text()
			if inScript {
				s := string(t)
				p.scripts = append(p.scripts, s)
				// Script text is code, not links: TRS pagers write
				// "<a href=\""+name+… whose \ would become a URL. The one
				// markup a script block carries as data is a Hanweb
				// datastore's <record> CDATA (the column's first page).
				p.links = append(p.links, recordAnchors(s)...)
				continue
			}
			if inStyle {
				continue
			}
			if p.text <= challengeMaxText { // counted only as far as isChallenge looks
				p.text += utf8.RuneCount(bytes.TrimSpace(t))
			}
			if cur != nil {
				anchor.Write(t)
			}
		}
	}
}

// anchorsIn finds <a href> in markup carried inside scripts or XML CDATA
// (Hanweb's <recordset><record><![CDATA[<a href=…>]]></record>).
func anchorsIn(s string) []link {
	var out []link
	for _, m := range recordAnchor.FindAllStringSubmatch(s, -1) {
		out = append(out, link{href: html.UnescapeString(m[1]), anchor: squash(html.UnescapeString(tagRe.ReplaceAllString(m[2], " ")))})
	}
	return out
}

// linkish are the tags whose attributes parsePage reads; the attributes of
// every other tag are skipped without being copied.
var linkish = map[atom.Atom]bool{atom.A: true, atom.Area: true, atom.Img: true, atom.Frame: true, atom.Iframe: true, atom.Base: true}

// tagAttrs are the few attributes parsePage uses.
type tagAttrs struct{ href, src, title, alt, name string }

// readAttrs copies the attributes parsePage uses out of the current tag.
func readAttrs(z *html.Tokenizer) tagAttrs {
	var t tagAttrs
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr() // keys come lower-cased
		switch string(k) {
		case "href":
			t.href = string(v)
		case "src":
			t.src = string(v)
		case "title":
			t.title = string(v)
		case "alt":
			t.alt = string(v)
		case "name":
			t.name = string(v)
		}
	}
	return t
}

var recordBlockRe = regexp.MustCompile(`(?is)<record>(.*?)</record>`)

// recordAnchors finds the anchors inside the <record> elements of a Hanweb
// datastore embedded in a script block, and nothing else of the script.
func recordAnchors(s string) []link {
	if !strings.Contains(s, "<record") {
		return nil
	}
	var out []link
	for _, m := range recordBlockRe.FindAllStringSubmatch(s, -1) {
		out = append(out, anchorsIn(m[1])...)
	}
	return out
}

// squash collapses whitespace.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
