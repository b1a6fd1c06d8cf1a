package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The report's title: the <meta name="ArticleTitle"> tag, a heading element
// that names a report, a report-like line at the top of the body (joined
// with the next when a title wraps, corpus 000: "…2020年政府信息公开" /
// "工作年度报告"), the <title> segment naming a report, then any heading.

var reportWordRe = regexp.MustCompile(`报告|年报`)

// titleSplitRe separates the parts of a <title>: "报告 - 某某区人民政府".
var titleSplitRe = regexp.MustCompile(`\s*(?:[_|｜]|\s[-–—]\s|--)\s*`)

func pickTitle(root, body *html.Node, tags metaTags, bodyLines []string) string {
	if tags.title != "" {
		return tags.title
	}
	var heads []string
	found := ""
	walkElements(root, func(n *html.Node) bool {
		if found != "" || isSkipped(n.DataAtom) {
			return false
		}
		t, ok := "", false
		switch {
		case n.DataAtom == atom.H1 || n.DataAtom == atom.H2 || n.DataAtom == atom.H3:
			t, ok = nodeText(n), true
		case n.DataAtom != atom.Html && n.DataAtom != atom.Body && titleClass(n):
			t = nodeText(n)
			ok = utf8.RuneCountInString(t) <= 100
		}
		if !ok {
			return true
		}
		heads = append(heads, t)
		if isReportTitle(t) {
			found = t
		}
		return false
	})
	if found != "" {
		return found
	}
	docTitle := ""
	if t := findInHead(root, atom.Title); t != nil {
		docTitle = cleanLine(textOf(t))
	}
	for _, part := range titleSplitRe.Split(docTitle, -1) {
		if isReportTitle(part) {
			return part
		}
	}
	if t := titleFromLines(bodyLines); t != "" {
		return t
	}
	for _, h := range heads {
		if h != "" {
			return h
		}
	}
	if parts := titleSplitRe.Split(docTitle, -1); len(parts) > 0 && parts[0] != "" {
		return parts[0]
	}
	return ""
}

// titleClass: a class or id that names a title (class="title", id="ArticleTitle").
func titleClass(n *html.Node) bool {
	for _, a := range n.Attr {
		if (a.Key == "class" || a.Key == "id") && (strings.Contains(a.Val, "title") || strings.Contains(a.Val, "Title") || strings.Contains(a.Val, "TITLE")) {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// isReportTitle: short, and names a report (报告/年报), folded so a
// traditional-character copy counts too.
func isReportTitle(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 6 && n <= 80 && reportWordRe.MatchString(fold(s))
}

// titleFromLines finds the title among the first lines of the body.
func titleFromLines(lines []string) string {
	seen := 0
	for i, l := range lines {
		l = cleanLine(l)
		if l == "" {
			continue
		}
		if seen++; seen > 12 {
			break
		}
		if utf8.RuneCountInString(l) > 60 || headingRe.MatchString(l) || strings.ContainsAny(l, "。，,；;") {
			continue // a section heading (四、…年度报告) or a sentence is not the title
		}
		f := fold(l)
		if isReportTitle(l) && strings.Contains(f, "公开") {
			// A <title> read as a line: "报告_某某门户网站".
			for _, part := range titleSplitRe.Split(l, -1) {
				if isReportTitle(part) {
					return part
				}
			}
			return l
		}
		// A title broken over two lines: "…年政府信息公开" + "工作年度报告".
		if strings.HasSuffix(f, "公开") && yearRe.MatchString(f) {
			for _, next := range lines[i+1:] {
				next = cleanLine(next)
				if next == "" {
					continue
				}
				if utf8.RuneCountInString(next) <= 20 && strings.HasSuffix(fold(next), "报告") {
					return l + next
				}
				break
			}
		}
	}
	return ""
}
