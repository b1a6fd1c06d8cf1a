package extract

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The HTML (and plain text) path: decode → parse → metadata from the whole
// page → article body without furniture → tables → analysis.

// maxTreeBytes is the largest page parsed into a DOM (a 20 MB page peaks
// at ~415 MB resident); bigger pages are read with the tokenizer alone.
const maxTreeBytes = 24 << 20

var htmlTagRe = regexp.MustCompile(`(?i)<(?:!doctype|html|head|body|meta|title|div|p|table|br|span|script|style|a|h[1-6]|font|center)[\s>/]`)

// looksHTML: the Content-Type says so, or the first 4 KB carry HTML tags.
func looksHTML(text, contentType string) bool {
	ct := strings.ToLower(contentType)
	if strings.Contains(ct, "html") || strings.Contains(ct, "xml") {
		return true
	}
	head := text
	if len(head) > 4096 {
		head = head[:4096]
	}
	if strings.Contains(ct, "text/plain") {
		return false
	}
	return htmlTagRe.MatchString(head)
}

func extractMarkup(ctx context.Context, in Input, rec *Record) error {
	text, err := decode(in, rec)
	if err != nil {
		return err
	}
	if !looksHTML(text, in.ContentType) {
		if rec.ContentType == "" {
			rec.ContentType = "text/plain"
		}
		return extractPlain(ctx, in, rec, text)
	}
	if rec.ContentType == "" {
		rec.ContentType = "text/html"
	}
	if len(text) > maxTreeBytes {
		// A DOM costs ~20x the page; past this size read the text with the
		// tokenizer instead, in memory proportional to the page.
		rec.Warnings = append(rec.Warnings, fmt.Sprintf("page of %d bytes read as text, without an HTML tree", len(text)))
		return extractPlainLines(ctx, in, rec, tokenLines(text))
	}
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		// x/net/html refuses documents nested deeper than 512 elements
		// (5,000 nested tables). Their text is still there: read it with
		// the tokenizer, which keeps no stack, as a text page.
		rec.Warnings = append(rec.Warnings, fmt.Sprintf("html not parsed as a tree (%v); read as text", err))
		return extractPlainLines(ctx, in, rec, tokenLines(text))
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("extract %s: %w", in.URL, err)
	}
	p := readHTML(root, in.URL, true) // decode's text is valid UTF-8
	rec.Attachments = p.attachments
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("extract %s: %w", in.URL, err)
	}
	analyze(in, rec, p)
	return nil
}

// page is what a format reader hands to analysis.
type page struct {
	title       string
	meta        Meta
	lines       []string      // the article body, one visual line each, raw
	pageText    func() string // everything visible, for the copy-site signs (built only when asked)
	tab         tableResult
	attachments []Attachment
	warnings    []string
}

// readHTML reads a parsed page; textValid says the text it was parsed from
// is valid UTF-8 (the charset stage's output always is).
func readHTML(root *html.Node, pageURL string, textValid bool) *page {
	p := &page{}
	tags := readMetaTags(root)
	bodyEl := findFirst(root, atom.Body)
	if bodyEl == nil {
		bodyEl = root
	}
	main, stats := mainContent(root)
	around, at := renderAround(bodyEl, main, textValid)
	removeChrome(main, stats)
	// About a line per 24 bytes of text (table cells are short lines): the
	// line list is sized once instead of doubling its way up.
	p.lines = dropChromeLines(renderPage(main, textValid, min(stats.get(main).text/24+16, 4096)))
	if main == bodyEl {
		around, at = nil, 0
	}
	// The page in reading order, with the article's own lines in its
	// place; of the article only its head and tail, where portals that put
	// the block inside the article put it.
	head, tail := metaEnds(p.lines)
	full := make([]string, 0, len(around)+len(head)+len(tail))
	full = append(append(append(append(full, around[:at]...), head...), tail...), around[at:]...)
	var warn string
	p.meta, warn = parseMetaLines(full)
	if warn != "" {
		p.warnings = append(p.warnings, warn)
	}
	mergeMetaTags(&p.meta, tags)
	p.pageText = func() string {
		head := ""
		if t := findInHead(root, atom.Title); t != nil {
			head = cleanLine(textOf(t)) + "\n"
		}
		return joinAfter(head, full, true)
	}

	p.title = pickTitle(root, main, tags, p.lines)
	p.attachments = findAttachments(main, baseURL(root, pageURL))

	doc := goquery.NewDocumentFromNode(root)
	p.tab = tablesFromHTML(doc.FindNodes(main), doc.Selection, main != bodyEl, p.lines)
	return p
}

// extractPlain reads a text page (a saved corpus text, text/plain): lines
// as they are, tables from the lines.
func extractPlain(ctx context.Context, in Input, rec *Record, text string) error {
	return extractPlainLines(ctx, in, rec, strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n"))
}

func extractPlainLines(ctx context.Context, in Input, rec *Record, lines []string) error {
	lines = dropChromeLines(lines)
	p := &page{lines: lines}
	var warn string
	head, tail := metaEnds(lines)
	p.meta, warn = parseMetaLines(append(head[:len(head):len(head)], tail...))
	if warn != "" {
		p.warnings = append(p.warnings, warn)
	}
	p.title = titleFromLines(lines)
	p.pageText = func() string { return strings.Join(lines, "\n") }
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("extract %s: %w", in.URL, err)
	}
	p.tab = tablesFromLines(lines, "text")
	analyze(in, rec, p)
	return nil
}

// tokenLines renders HTML to lines with the tokenizer alone: block tags
// break lines, script and style are skipped. For documents the tree
// builder refuses.
func tokenLines(text string) []string {
	z := html.NewTokenizer(strings.NewReader(text))
	w := &lineWriter{limit: 1 << 20}
	skip, cellStart := 0, -1
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			w.flush(false)
			return w.lines
		case html.TextToken:
			if skip == 0 {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case tt == html.EndTagToken && isLeafBlock(a):
				// A cell or paragraph that held nothing is still a (blank) line.
				w.flush(w.emitted == cellStart)
				cellStart = -1
			case a == atom.Br || isBlock(a):
				w.flush(false)
				if tt == html.StartTagToken && isLeafBlock(a) {
					cellStart = w.emitted
				}
			}
		}
	}
}
