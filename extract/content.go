package extract

import (
	"math/bits"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Finding the article body: first the containers that Chinese government
// portals' CMSs (TRS, Hanweb, UCAP, …) put the article in, then a text
// density walk for everything else.

// contentSelectors are tried in order; the first whose largest match holds
// enough of the page's text wins. Written tag.class, #id or .class.
var contentSelectors = []string{
	"div.TRS_Editor", "div.TRS_UEDITOR", "#zoom", "#Zoom", "#UCAP-CONTENT",
	"td.bt_content", ".article-content", ".Custom_UnionStyle", ".zoom",
	"#content", ".content", "article", ".article", "#article", ".main-content",
	".detail-content", ".xxgk_content", ".pages_content", "#mainText", ".con",
}

// simpleSel is one parsed content selector.
type simpleSel struct{ tag, id, class string }

var contentSels = func() []simpleSel {
	out := make([]simpleSel, len(contentSelectors))
	for i, s := range contentSelectors {
		switch {
		case strings.HasPrefix(s, "#"):
			out[i].id = s[1:]
		case strings.Contains(s, "."):
			j := strings.Index(s, ".")
			out[i].tag, out[i].class = s[:j], s[j+1:]
		default:
			out[i].tag = s
		}
	}
	return out
}()

func (s simpleSel) match(n *html.Node, id, class string) bool {
	if s.tag != "" && n.Data != s.tag {
		return false
	}
	if s.id != "" && id != s.id {
		return false
	}
	if s.class != "" {
		return hasClass(class, s.class)
	}
	return true
}

// hasClass reports whether the space-separated class list holds c.
func hasClass(list, c string) bool {
	if !strings.Contains(list, c) {
		return false // the common case, without splitting
	}
	for _, f := range strings.Fields(list) {
		if f == c {
			return true
		}
	}
	return false
}

// contentMatches walks the tree once and returns, per selector, the
// elements it matches, and the text statistics of body itself (the same
// walk, so the body is not walked twice).
func contentMatches(body *html.Node) ([][]*html.Node, textStats) {
	out := make([][]*html.Node, len(contentSels))
	var tc textCounter
	walkTree(body, func(n *html.Node) bool {
		if !tc.enter(n) {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		var id, class string
		for _, a := range n.Attr {
			switch a.Key { // the tokenizer lower-cases attribute names
			case "id":
				id = a.Val
			case "class":
				class = a.Val
			}
		}
		if id == "" && class == "" && n.DataAtom != atom.Article {
			return true // most elements: nothing to match
		}
		for i, s := range contentSels {
			if s.match(n, id, class) {
				out[i] = append(out[i], n)
			}
		}
		return true
	}, tc.leave)
	return out, tc.s
}

// textStats is the length of the visible text under a node and of the part
// of it inside links, in bytes of non-space text (a hanzi weighs 3): only
// ratios between parts of one page are used, and counting bytes is cheap.
type textStats struct{ text, link int }

// statCache measures subtrees on demand: most pages need the body, a few
// container candidates and a few furniture candidates, not every element.
type statCache map[*html.Node]textStats

func (c statCache) get(n *html.Node) textStats {
	if s, ok := c[n]; ok {
		return s
	}
	s := measure(n)
	c[n] = s
	return s
}

// measure counts the visible text under root.
func measure(root *html.Node) textStats {
	var tc textCounter
	walkTree(root, tc.enter, tc.leave)
	return tc.s
}

// textCounter adds up textStats during a walk.
type textCounter struct {
	s      textStats
	inLink int // depth of <a> elements around the current node
}

func (tc *textCounter) enter(n *html.Node) bool {
	switch n.Type {
	case html.TextNode:
		c := countAboveSpace(n.Data)
		tc.s.text += c
		if tc.inLink > 0 {
			tc.s.link += c
		}
		return false
	case html.ElementNode:
		if isSkipped(n.DataAtom) {
			return false
		}
		if n.DataAtom == atom.A {
			tc.inLink++
		}
		return true
	case html.DocumentNode:
		return true
	}
	return false
}

// countAboveSpace counts the bytes of s above ' ' (text, not white space
// or control bytes), eight at a time: for a byte b, (b&0x7F)+0x5F carries
// into the top bit exactly when b&0x7F > 0x20, and b's own top bit covers
// b >= 0x80; no lane can carry into the next.
func countAboveSpace(s string) int {
	const low7, add, high = 0x7F7F7F7F7F7F7F7F, 0x5F5F5F5F5F5F5F5F, 0x8080808080808080
	c, i := 0, 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		c += bits.OnesCount64(((w & low7) + add | w) & high)
	}
	for ; i < len(s); i++ {
		if s[i] > ' ' {
			c++
		}
	}
	return c
}

func (tc *textCounter) leave(n *html.Node) {
	if n.Type == html.ElementNode && n.DataAtom == atom.A {
		tc.inLink--
	}
}

// mainContent returns the node holding the article body, and the text
// statistics of every element (reused by removeChrome).
func mainContent(root *html.Node) (*html.Node, statCache) {
	body := findFirst(root, atom.Body)
	if body == nil {
		body = root
	}
	stats := statCache{}
	return pickContent(body, stats), stats
}

func pickContent(body *html.Node, stats statCache) *html.Node {
	all, bs := contentMatches(body)
	stats[body] = bs
	total := bs.text - bs.link
	if total <= 0 {
		return body
	}
	for _, matches := range all {
		var best *html.Node
		bestLen := 0
		for _, n := range matches {
			s := stats.get(n)
			if l := s.text - s.link; l > bestLen {
				best, bestLen = n, l
			}
		}
		if best != nil && bestLen >= 150 && bestLen*10 >= total*4 {
			return best
		}
	}
	// Density walk: descend into the child holding most of the non-link
	// text while it still holds 70% of the page's.
	n := body
	for {
		var best *html.Node
		bestLen := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			s := stats.get(c)
			if l := s.text - s.link; l > bestLen {
				best, bestLen = c, l
			}
		}
		if best == nil || bestLen*10 < total*7 || !isBlock(best.DataAtom) {
			return n
		}
		if isTablePart(best) {
			// Enter a table only as a page layout: when one of its cells
			// holds the article. A data table is never entered, so the
			// report's tables stay with its paragraphs.
			td := layoutCell(best, stats, total)
			if td == nil {
				return n
			}
			best = td
		}
		n = best
	}
}

// layoutCell follows table → tbody → tr → td while one child holds 70% of
// the page's text, and returns the td reached, or nil.
func layoutCell(n *html.Node, stats statCache, total int) *html.Node {
	for n != nil {
		if n.DataAtom == atom.Td || n.DataAtom == atom.Th {
			return n
		}
		var best *html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && isTablePart(c) {
				if s := stats.get(c); (s.text-s.link)*10 >= total*7 {
					best = c
				}
			}
		}
		n = best
	}
	return nil
}

// isTablePart stops the density walk at a table: a report's tables and its
// paragraphs must stay together.
func isTablePart(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Table, atom.Tbody, atom.Thead, atom.Tr, atom.Td, atom.Th:
		return true
	}
	return false
}

// isChromeTag: page furniture by element.
func isChromeTag(a atom.Atom) bool {
	switch a {
	case atom.Nav, atom.Header, atom.Footer, atom.Aside,
		atom.Form, atom.Script, atom.Style, atom.Iframe,
		atom.Button, atom.Select, atom.Input, atom.Textarea:
		return true
	}
	return false
}

// chromeClassParts are substrings of class/id values of page furniture.
var chromeClassParts = []string{
	"share", "print", "fontsize", "font-size", "zoomsize", "breadcrumb", "crumb",
	"qrcode", "ewm", "toolbar", "sidebar", "footer", "topnav", "navbar", "dayin",
	"guanbi", "bdshare", "jiathis", "position", "location", "pagenav", "related",
}

// chromeClassWords are whole class/id tokens of page furniture.
var chromeClassWords = map[string]bool{"nav": true, "header": true, "menu": true, "foot": true, "close": true, "bottom": true, "top": true}

// removeChrome drops page furniture under body, sparing anything that holds
// a large share of the body's text (a wrongly named wrapper).
func removeChrome(body *html.Node, stats statCache) {
	bs := stats.get(body)
	limit := (bs.text - bs.link) / 3
	var drop []*html.Node
	walkElements(body, func(n *html.Node) bool {
		if n == body {
			return true
		}
		if isChromeTag(n.DataAtom) || isChromeClass(n) {
			s := stats.get(n)
			if s.text-s.link <= limit || n.DataAtom == atom.Script || n.DataAtom == atom.Style {
				drop = append(drop, n)
				return false
			}
		}
		return true
	})
	for _, n := range drop {
		detach(n)
	}
}

func isChromeClass(n *html.Node) bool {
	for _, key := range []string{"class", "id"} {
		v := strings.ToLower(attr(n, key))
		if v == "" {
			continue
		}
		for _, p := range chromeClassParts {
			if strings.Contains(v, p) {
				return true
			}
		}
		for _, w := range strings.Fields(v) {
			if chromeClassWords[w] {
				return true
			}
		}
	}
	return false
}

// chromeTextRe is furniture that survives as text inside the article.
var chromeTextRe = regexp.MustCompile(`【\s*(?:打印本页|关闭本页|关闭窗口|打印|关闭|返回顶部|收藏|我要纠错|纠错|大|中|小|字体[^】]*)\s*】|\[\s*(?:打印本页|关闭本页|关闭窗口|打印|关闭|返回顶部)\s*\]|字体[:：]\s*[\[【]?\s*(?:大\s*中\s*小)?\s*[\]】]?|字号[:：]?\s*[\[【]?\s*大\s*中\s*小\s*[\]】]?|扫一扫在手机(?:上)?打开当前页|分享到[:：]?.*$|(?:浏览次数|访问次数|点击数|阅读次数)[:：]?\s*\d*`)

// chromeTextHints: every match of chromeTextRe holds one of these runes,
// and one of chromeTextWords (the literal each alternative opens with).
var (
	chromeTextHints = newRuneSet([]rune("【[字扫分浏访点阅"))
	chromeTextWords = []string{"【", "[", "字体", "字号", "扫一扫在手机", "分享到", "浏览次数", "访问次数", "点击数", "阅读次数"}
)

// containsAnyWord reports whether s holds one of words.
func containsAnyWord(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// dropChromeLines removes furniture text from short lines and drops lines
// it leaves empty. Blank lines that were blank before stay (blank cells).
func dropChromeLines(lines []string) []string {
	out := lines[:0]
	for _, l := range lines {
		// len ≤ 320 first: a longer line has more than 80 runes, and
		// counting the runes of every paragraph is not free.
		if len(l) <= 4*80 && utf8.RuneCountInString(l) <= 80 && containsAnyRune(l, chromeTextHints) && containsAnyWord(l, chromeTextWords) {
			c := chromeTextRe.ReplaceAllString(l, "")
			if strings.TrimFunc(c, isSpace) == "" && strings.TrimFunc(l, isSpace) != "" {
				continue
			}
			if c != l {
				l = c
			}
		}
		out = append(out, l)
	}
	return out
}
