package platform

import (
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Generic reads the list forms no particular platform owns:
//
//	<a href="list_2.html">下一页</a> <a href="list_9.html">尾页</a>      pager anchors
//	<a href="?page=2">2</a> <a href="list.jsp?pageIndex=3">3</a>        numbered pages (page, pageNo, pageIndex, pn, curPage…)
//	<a href="index_1.html">2</a>  beside index.html                      _N.html siblings
//	<span>共12页</span> with one such link                                 every page 1…12 from the link's pattern
//	<iframe src="/xxgk/ndbg/list.jsp"></iframe>                           a list inside a frame (one hop deeper)
//	<iframe src="/pdfjs/web/viewer.html?file=/upload/2021/nb.pdf">        a viewer's file
//	document.write('<li><a href="/art/1.html">…年度报告</a></li>');        links written by a script
//	var list = [{"title":"…年度报告","url":"/art/1.html"}, …];            links held in a JS array or JSON literal
//	var files = ["/upload/nb2020.pdf", "/upload/nb2019.pdf"];
//
// Script-written markup is read only from literals: a string built from
// variables (TRS's own pager writes "<a href=\""+name+…) is no link.
type Generic struct{}

// Name implements Adapter.
func (Generic) Name() string { return "generic" }

// pageParams are the query keys of ?page=N style lists.
var pageParams = map[string]bool{
	"page": true, "pageno": true, "pageindex": true, "pagenum": true, "pn": true, "p": true,
	"curpage": true, "currentpage": true, "page_no": true, "pagecurrent": true, "pagenumber": true,
}

var (
	siblingRe   = regexp.MustCompile(`^(.+?)_(\d+)\.(s?html?|jsp|php|aspx?)$`)
	objURLRe    = regexp.MustCompile(`["']?\b(?i:url|href|link|linkurl|docurl|fileurl|path|src)["']?\s*:\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`)
	objTitleRe  = regexp.MustCompile(`["']?\b(?i:title|name|text|doctitle|filename)["']?\s*:\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`)
	pathShapeRe = regexp.MustCompile(`^(?:https?://[^/\s]+)?[\w./%~-]*/[\w./%~-]*\.(?i:s?html?|pdf|docx?|wps|xlsx?|jsp|php|aspx?)(?:\?[^\s]*)?$`)
)

// pagerWords are the anchors of list-navigation links.
var pagerWords = []string{"下一页", "下页", "上一页", "上页", "尾页", "末页", "首页", "next", "prev", ">", ">>", "»", "<", "<<", "«"}

// PagerAnchor reports whether an anchor reads like list navigation
// (下一页, 尾页, a bare page number).
func PagerAnchor(anchor string) bool {
	a := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(anchor, "頁", "页")))
	if a == "" {
		return false
	}
	for _, w := range pagerWords {
		if a == w || strings.Contains(a, w) && len([]rune(a)) <= 6 {
			return true
		}
	}
	if len(a) <= 4 {
		for _, r := range a {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	return false
}

// IsPagination reports whether u is another page of the list at cur: the
// same path with another ?page=N, or index_N.html beside index.html.
func IsPagination(cur, u *url.URL) bool {
	if u.Host != cur.Host {
		return false
	}
	if u.Path == cur.Path && u.RawQuery != cur.RawQuery {
		for k := range u.Query() {
			if pageParams[strings.ToLower(k)] {
				return true
			}
		}
	}
	if path.Dir(u.Path) == path.Dir(cur.Path) && u.Path != cur.Path {
		if siblingRe.MatchString(path.Base(u.Path)) || siblingRe.MatchString(path.Base(cur.Path)) {
			return strings.HasPrefix(path.Base(u.Path), "index") || strings.HasPrefix(path.Base(u.Path), "default")
		}
	}
	return false
}

// Read implements Adapter.
func (Generic) Read(p *Page) (Found, bool) {
	var f Found
	var pagers []*url.URL
	for _, l := range p.Links {
		u, ok := resolve(p.Base, l.Href)
		if !ok || sameURL(u, p.URL) {
			continue
		}
		if l.Frame {
			if file := viewerFile(u); file != "" {
				f.Items = append(f.Items, Link{Href: file, Anchor: l.Anchor})
			} else if u.Host == p.URL.Host {
				f.Lists = append(f.Lists, Request{URL: u.String(), Hop: true, Anchor: l.Anchor})
			}
			continue
		}
		if IsPagination(p.URL, u) || PagerAnchor(l.Anchor) && u.Host == p.URL.Host && path.Dir(u.Path) == path.Dir(p.URL.Path) {
			f.Lists = append(f.Lists, Request{URL: u.String()})
			pagers = append(pagers, u)
		}
	}
	f.add(allPages(p, pagers))
	var vars map[string]string // only document.write's arguments use them
	if p.scriptsContain("document.write") {
		vars = p.scriptVars()
	}
	for _, s := range p.Scripts {
		f.Items = append(f.Items, scriptLinks(s, vars)...)
	}
	return f, len(f.Lists) > 0 || len(f.Items) > 0
}

// Answer implements Adapter: generic lists are HTML pages.
func (Generic) Answer(req Request, body string) (Found, error) {
	return Found{}, &UnknownAPIError{"generic"}
}

func sameURL(a, b *url.URL) bool {
	return a.Host == b.Host && a.Path == b.Path && a.RawQuery == b.RawQuery
}

// viewerFile is the document a PDF viewer frame shows (…/viewer.html?file=x.pdf).
func viewerFile(u *url.URL) string {
	f := u.Query().Get("file")
	if f == "" || !strings.HasSuffix(strings.ToLower(strings.SplitN(f, "?", 2)[0]), ".pdf") {
		return ""
	}
	if v, ok := resolve(u, f); ok {
		return v.String()
	}
	return ""
}

// allPages expands a pager that shows its page count (共12页) and links at
// least one numbered page into every page of the list, by the link's
// pattern: ?page=N or name_N.html.
func allPages(p *Page, pagers []*url.URL) Found {
	if len(pagers) == 0 {
		return Found{}
	}
	if !mayCountPages(p.HTML) {
		return Found{}
	}
	total := pageCount(scriptBlockRe.ReplaceAllString(p.HTML, ""))
	if total <= 1 {
		return Found{}
	}
	n, claimed := capPages(total)
	f := Found{Claimed: claimed}
	for _, u := range pagers {
		if key, zero := queryPager(u, pagers); key != "" {
			for i := 0; i < n; i++ {
				v := *u
				q := v.Query()
				q.Set(key, strconv.Itoa(i+1-zero))
				v.RawQuery = q.Encode()
				f.Lists = append(f.Lists, Request{URL: v.String()})
			}
			return f
		}
		if m := siblingRe.FindStringSubmatch(path.Base(u.Path)); m != nil {
			// index.html, then index_1… (0-based) or index_2… (1-based):
			// a link to index_1 says which.
			first := 2
			for _, o := range pagers {
				if path.Base(o.Path) == m[1]+"_1."+m[3] {
					first = 1
				}
			}
			dir := path.Dir(u.Path)
			for i := 1; i < n; i++ {
				v := *u
				v.Path = path.Join(dir, m[1]+"_"+strconv.Itoa(i+first-1)+"."+m[3])
				f.Lists = append(f.Lists, Request{URL: v.String()})
			}
			return f
		}
	}
	return Found{}
}

// queryPager returns the page key of a ?page=N link and whether the list
// counts from 0 (some link says page=0).
func queryPager(u *url.URL, all []*url.URL) (key string, zero int) {
	for k, v := range u.Query() {
		if _, err := strconv.Atoi(v[0]); err == nil && pageParams[strings.ToLower(k)] {
			key = k
		}
	}
	if key == "" {
		return "", 0
	}
	for _, o := range all {
		if o.Query().Get(key) == "0" {
			return key, 1
		}
	}
	return key, 0
}

// scriptLinks finds the links a script holds as data: markup written by
// document.write from literals, objects with a url and a title, and arrays
// of paths.
func scriptLinks(s string, vars map[string]string) []Link {
	var out []Link
	for _, fn := range []string{"document.write", "document.writeln"} {
		for _, args := range jsCalls(s, fn) {
			for _, a := range jsArgs(args) {
				for _, l := range anchorsIn(jsConcat(a, vars, "\x00")) {
					if l.Href != "" && !strings.ContainsAny(l.Href, "\x00\\") {
						out = append(out, l)
					}
				}
			}
		}
	}
	taken := map[string]bool{}
	for _, obj := range objectLiterals(s) {
		m := objURLRe.FindStringSubmatch(obj)
		if m == nil {
			continue
		}
		href := jsValue(m[1])
		if !pathShapeRe.MatchString(href) {
			continue
		}
		title := ""
		if t := objTitleRe.FindStringSubmatch(obj); t != nil {
			title = squash(jsValue(t[1]))
		}
		out = append(out, Link{Href: href, Anchor: title})
		taken[href] = true
	}
	for _, lit := range arrayStrings(s) {
		if href := jsValue(lit); pathShapeRe.MatchString(href) && !taken[href] {
			out = append(out, Link{Href: href})
			taken[href] = true
		}
	}
	return out
}
