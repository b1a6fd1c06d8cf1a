// Package platform reads the column lists of the CMS platforms Chinese
// government portals are built on. Each platform publishes its lists its own
// way (a pager script, a POST data proxy, a JSON API behind a JavaScript
// app); each is one Adapter in a file of its own, whose doc comment shows
// the markup it reads:
//
//   - trs.go: TRS WCM (拓尔思) createPageHTML pagers
//   - hanweb.go: Hanweb jcms (大汉) /col/colNNN/ columns and dataproxy.jsp
//   - gkmlpt.go: Guangdong's 政府信息公开目录管理平台 (/gkmlpt/, JSON API)
//   - generic.go: numbered and 下一页 links, ?page=N, _N.html, iframes,
//     document.write and JavaScript/JSON link literals
//
// An adapter detects its platform from a page and yields the list's other
// pages (GET or POST requests) and the list's item links; the crawler scores
// and fetches them. Adapters do no I/O and keep no state between pages: what
// a later answer needs travels in the Request (API, Param).
package platform

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// MaxListPages bounds the pages one list may expand to, whatever its pager
// claims (a pager saying 1,000,000 pages yields this many).
const MaxListPages = 500

// Link is one outgoing reference as written on a page.
type Link struct {
	Href   string // as written: resolve against the page's base
	Anchor string // visible text (or title/alt) of the anchor
	Frame  bool   // the src of a <frame>/<iframe>, not an anchor
}

// Request is a page or API call an adapter asks the crawler to fetch.
type Request struct {
	URL    string // absolute
	Method string // "" (GET) or "POST"
	Form   string // POST body, application/x-www-form-urlencoded
	// Key identifies the request in the frontier when the URL alone does
	// not (POSTs; a JavaScript app page addressed by its #fragment). ""
	// means the URL.
	Key string
	// API names the adapter that reads the answer as data (XML, JSON)
	// instead of an HTML page; "" for an HTML page.
	API string
	// Param is state the adapter needs to read the answer (a gkmlpt
	// column id); it comes back in Page.Param or Answer's req.
	Param string
	// Hop marks a link to another part of the site (an iframe's list, a
	// platform app linked from a menu): one hop deeper than the page, not
	// another page of the same list.
	Hop bool
	// Anchor is the text the request was linked by, if any.
	Anchor string
}

// Page is a fetched HTML page as the adapters see it.
type Page struct {
	URL     *url.URL // where it was fetched from (after redirects)
	Base    *url.URL // <base href>, or URL
	HTML    string   // the decoded page
	Scripts []string // inline script bodies, in page order
	Links   []Link   // anchors, areas and frames, in page order
	Param   string   // Param of the Request that fetched it, if any
}

// Found is what an adapter read from a page or an answer.
type Found struct {
	Lists []Request // more pages of the list (or calls of its API)
	Items []Link    // the list's entries, to be scored like any link
	// Claimed is the number of pages a pager claimed when it was more
	// than MaxListPages (0 otherwise): the list was cut, and says so.
	Claimed int
}

func (f *Found) add(g Found) {
	f.Lists = append(f.Lists, g.Lists...)
	f.Items = append(f.Items, g.Items...)
	f.Claimed = max(f.Claimed, g.Claimed)
}

// Adapter is one CMS platform's way of publishing lists.
type Adapter interface {
	// Name is the adapter's name, as carried in Request.API.
	Name() string
	// Read reads a fetched HTML page; ok is false when the page shows no
	// sign of this platform.
	Read(p *Page) (f Found, ok bool)
	// Answer reads the answer to one of the adapter's own API requests.
	// A body that is not what the API answers (an HTML error page,
	// garbage) is an error.
	Answer(req Request, body string) (Found, error)
}

// Adapters returns every adapter, the specific platforms before Generic.
func Adapters() []Adapter {
	return []Adapter{TRS{}, Hanweb{}, Gkmlpt{}, Generic{}}
}

// Result is what all adapters read from one page.
type Result struct {
	Found
	Platforms []string // names of the adapters that recognised the page
	// UnknownPager: the page shows a pager (共N页, 下一页, 尾页) that no
	// adapter could follow: a site that needs a new adapter.
	UnknownPager bool
}

// Read runs every adapter over a page.
func Read(p *Page) Result {
	if p.Base == nil {
		p.Base = p.URL
	}
	var r Result
	for _, a := range Adapters() {
		if f, ok := a.Read(p); ok {
			r.add(f)
			r.Platforms = append(r.Platforms, a.Name())
		}
	}
	pages := 0
	for _, l := range r.Lists {
		if !l.Hop {
			pages++
		}
	}
	r.UnknownPager = pages == 0 && showsPager(p.HTML)
	return r
}

// Answer hands an API answer to the adapter named by req.API.
func Answer(req Request, body string) (Found, error) {
	for _, a := range Adapters() {
		if a.Name() == req.API {
			return a.Answer(req, body)
		}
	}
	return Found{}, &UnknownAPIError{req.API}
}

// UnknownAPIError is an answer for an adapter this build does not have
// (a frontier written by another version).
type UnknownAPIError struct{ API string }

func (e *UnknownAPIError) Error() string { return "no platform adapter " + strconv.Quote(e.API) }

var (
	scriptBlockRe = regexp.MustCompile(`(?is)<script\b.*?</script>`)
	pageCountRe   = regexp.MustCompile(`共\s*(\d+)\s*页|第\s*\d+\s*/\s*(\d+)\s*页|(\d+)\s*/\s*(\d+)\s*页`)
)

// showsPager reports whether a page's visible markup shows a pager over
// more than one page: 共N页 (N > 1), or 下一页/尾页/末页 text.
func showsPager(html string) bool {
	if !strings.Contains(html, "页") {
		return false
	}
	vis := scriptBlockRe.ReplaceAllString(html, "")
	for _, w := range []string{"下一页", "下页", "尾页", "末页"} {
		if strings.Contains(vis, w) {
			return true
		}
	}
	return pageCount(vis) > 1
}

// pageCount reads the number of pages a pager's text shows (共12页, 第1/12页),
// or 0.
func pageCount(text string) int {
	for _, m := range pageCountRe.FindAllStringSubmatch(text, -1) {
		for _, g := range []string{m[1], m[2], m[4]} {
			if n, err := strconv.Atoi(g); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

// resolve makes href absolute against base; ok is false for what is not an
// http(s) URL.
func resolve(base *url.URL, href string) (*url.URL, bool) {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return nil, false
	}
	r, err := url.Parse(href)
	if err != nil {
		return nil, false
	}
	u := base.ResolveReference(r)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, false
	}
	return u, true
}

// cap bounds a claimed page count, reporting the claim when it was cut.
func capPages(n int) (pages, claimed int) {
	if n > MaxListPages {
		return MaxListPages, n
	}
	return max(n, 0), 0
}
