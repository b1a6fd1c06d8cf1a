package platform

// The definition of Read before its fast paths (issue 14), kept
// verbatim as the reference the fast paths must match: the adapters' Read
// methods and the helpers that ran regexps over whole pages, with their
// regexps. Helpers the fast paths did not touch are shared.

import (
	"encoding/json"
	"html"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

var (
	oldScriptBlockRe  = regexp.MustCompile(`(?is)<script\b.*?</script>`)
	oldPageCountRe    = regexp.MustCompile(`共\s*(\d+)\s*页|第\s*\d+\s*/\s*(\d+)\s*页|(\d+)\s*/\s*(\d+)\s*页`)
	oldJsAssignRe     = regexp.MustCompile(`(?:\bvar\s+|\blet\s+|\bconst\s+|[;{,\s]|^)([A-Za-z_$][\w$]*)\s*[=:]\s*(-?\d+(?:\.\d+)?|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`)
	oldHanwebColRe    = regexp.MustCompile(`/col/col(\d+)/`)
	oldHanwebProxyRe  = regexp.MustCompile(`/module/(?:web/)?jpage/dataproxy\.jsp`)
	oldHanwebParamRes = map[string]*regexp.Regexp{
		"columnid":          regexp.MustCompile(`(?i)\bcolumnid\s*[:=]\s*['"]?(\d+)`),
		"unitid":            regexp.MustCompile(`(?i)\bunitid\s*[:=]\s*['"]?(\d+)`),
		"webid":             regexp.MustCompile(`(?i)\bwebid\s*[:=]\s*['"]?(\d+)`),
		"sourcecontenttype": regexp.MustCompile(`(?i)\bsourceContentType\s*[:=]\s*['"]?(\d+)`),
		"perpage":           regexp.MustCompile(`(?i)\bperpage\s*[:=]\s*['"]?(\d+)`),
		"total":             regexp.MustCompile(`(?i)\btotalrecord\s*(?:[:=]\s*['"]?|>)(\d+)`),
	}
	oldHanwebRecordRe = regexp.MustCompile(`(?is)<record>(.*?)</record>`)
	oldAnchorRe       = regexp.MustCompile(`(?is)<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)["']?[^>]*>(.*?)</a>`)
	oldTagRe          = regexp.MustCompile(`(?s)<[^>]*>`)
	oldGkmlptLinkRe   = regexp.MustCompile(`^(.*?/gkmlpt/[A-Za-z_]+)/?#(\d+)$`)
	oldGkmlptSIDRe    = regexp.MustCompile(`\bSID\s*[:=]\s*["']?(\d+)`)
	oldGkmlptTreeRe   = regexp.MustCompile(`(?s)\bTREE\s*=\s*(\[.*?\])\s*;`)
	oldReportName     = regexp.MustCompile(`年报|年度报告`)
	oldSiblingRe      = regexp.MustCompile(`^(.+?)_(\d+)\.(s?html?|jsp|php|aspx?)$`)
	oldObjectRe       = regexp.MustCompile(`\{[^{}]{0,1000}\}`)
	oldObjURLRe       = regexp.MustCompile(`["']?\b(?i:url|href|link|linkurl|docurl|fileurl|path|src)["']?\s*:\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`)
	oldObjTitleRe     = regexp.MustCompile(`["']?\b(?i:title|name|text|doctitle|filename)["']?\s*:\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`)
	oldArrayLitRe     = regexp.MustCompile(`[\[,]\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`)
	oldPathShapeRe    = regexp.MustCompile(`^(?:https?://[^/\s]+)?[\w./%~-]*/[\w./%~-]*\.(?i:s?html?|pdf|docx?|wps|xlsx?|jsp|php|aspx?)(?:\?[^\s]*)?$`)
)

func oldRead(p *Page) Result {
	if p.Base == nil {
		p.Base = p.URL
	}
	var r Result
	for _, a := range []struct {
		name string
		read func(*Page) (Found, bool)
	}{{"trs", oldTRSRead}, {"hanweb", oldHanwebRead}, {"gkmlpt", oldGkmlptRead}, {"generic", oldGenericRead}} {
		if f, ok := a.read(p); ok {
			r.add(f)
			r.Platforms = append(r.Platforms, a.name)
		}
	}
	pages := 0
	for _, l := range r.Lists {
		if !l.Hop {
			pages++
		}
	}
	r.UnknownPager = pages == 0 && oldShowsPager(p.HTML)
	return r
}

func oldShowsPager(html string) bool {
	if !strings.Contains(html, "页") {
		return false
	}
	vis := oldScriptBlockRe.ReplaceAllString(html, "")
	for _, w := range []string{"下一页", "下页", "尾页", "末页"} {
		if strings.Contains(vis, w) {
			return true
		}
	}
	return oldPageCount(vis) > 1
}

func oldPageCount(text string) int {
	for _, m := range oldPageCountRe.FindAllStringSubmatch(text, -1) {
		for _, g := range []string{m[1], m[2], m[4]} {
			if n, err := strconv.Atoi(g); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

func oldJSVars(scripts []string) map[string]string {
	vars := map[string]string{}
	for _, s := range scripts {
		for _, m := range oldJsAssignRe.FindAllStringSubmatch(s, -1) {
			vars[m[1]] = jsValue(m[2])
		}
	}
	return vars
}

func oldTRSRead(p *Page) (Found, bool) {
	vars := oldJSVars(p.Scripts)
	var pagers []trsPager
	for _, s := range p.Scripts {
		for _, args := range jsCalls(s, "createPageHTML") {
			if pg, ok := trsCall(jsArgs(args), vars); ok {
				pagers = append(pagers, pg)
			}
		}
	}
	if len(pagers) == 0 {
		// The call is in an external script: the page's variables tell.
		if pg, ok := oldTRSVarsOnly(vars, p.HTML); ok {
			pagers = append(pagers, pg)
		}
	}
	if len(pagers) == 0 {
		return Found{}, false
	}
	var f Found
	seen := map[string]bool{}
	for _, pg := range pagers {
		pg.settle(path.Base(p.URL.Path))
		n, claimed := capPages(pg.count)
		f.Claimed = max(f.Claimed, claimed)
		for i := 0; i < n; i++ {
			name := pg.file(i)
			u, ok := resolve(p.URL, name)
			if !ok || seen[u.String()] {
				continue
			}
			seen[u.String()] = true
			f.Lists = append(f.Lists, Request{URL: u.String()})
		}
	}
	return f, true
}

func oldTRSVarsOnly(vars map[string]string, html string) (trsPager, bool) {
	get := func(names []string) (string, bool) {
		for _, n := range names {
			if v, ok := vars[n]; ok {
				return v, true
			}
		}
		return "", false
	}
	cs, ok := get(trsCountVars)
	if !ok {
		return trsPager{}, false
	}
	_, trsNamed := vars["_nPageCount"]
	_, countPage := vars["countPage"]
	if !trsNamed && !countPage && !strings.Contains(html, "createPageHTML") {
		return trsPager{}, false // a generic pageCount: not evidence of TRS
	}
	count, err := strconv.Atoi(cs)
	if err != nil {
		return trsPager{}, false
	}
	pg := trsPager{count: count, name: "index", ext: "html"}
	if c, ok := get(trsCurVars); ok {
		if n, err := strconv.Atoi(c); err == nil {
			pg.cur, pg.curKnown = n, true
		}
	}
	if n, ok := get(trsNameVars); ok && n != "" {
		pg.name = n
	}
	if e, ok := get(trsExtVars); ok && e != "" {
		pg.ext = e
	}
	return pg, true
}

func oldHanwebRead(p *Page) (Found, bool) {
	var f Found
	for _, s := range p.Scripts {
		f.Items = append(f.Items, oldRecordAnchors(s)...)
	}
	h, ok := oldHanwebOf(p)
	if !ok {
		return f, len(f.Items) > 0
	}
	f.Lists = h.requests(1)
	return f, true
}

func oldHanwebOf(p *Page) (hanwebList, bool) {
	proxy := oldHanwebProxyRe.FindString(p.HTML)
	if proxy == "" && !oldHanwebColRe.MatchString(p.URL.Path) {
		return hanwebList{}, false
	}
	get := func(k string) string {
		if m := oldHanwebParamRes[k].FindStringSubmatch(p.HTML); m != nil {
			return m[1]
		}
		return ""
	}
	h := hanwebList{columnID: get("columnid"), unitID: get("unitid"), webID: get("webid"), sourceType: get("sourcecontenttype")}
	if h.columnID == "" {
		if m := oldHanwebColRe.FindStringSubmatch(p.URL.Path); m != nil {
			h.columnID = m[1]
		}
	}
	if h.columnID == "" || h.unitID == "" {
		return hanwebList{}, false
	}
	h.perPage, _ = strconv.Atoi(get("perpage"))
	if h.perPage <= 0 || h.perPage > 200 {
		h.perPage = 15
	}
	h.total, _ = strconv.Atoi(get("total"))
	if proxy == "" {
		proxy = "/module/web/jpage/dataproxy.jsp"
	}
	u := &url.URL{Scheme: p.URL.Scheme, Host: p.URL.Host, Path: proxy}
	h.proxy = u.String()
	return h, true
}

func oldRecordAnchors(s string) []Link {
	if !strings.Contains(s, "<record") {
		return nil
	}
	var out []Link
	for _, m := range oldHanwebRecordRe.FindAllStringSubmatch(s, -1) {
		out = append(out, oldAnchorsIn(m[1])...)
	}
	return out
}

func oldAnchorsIn(s string) []Link {
	var out []Link
	for _, m := range oldAnchorRe.FindAllStringSubmatch(s, -1) {
		out = append(out, Link{Href: html.UnescapeString(m[1]), Anchor: squash(html.UnescapeString(oldTagRe.ReplaceAllString(m[2], " ")))})
	}
	return out
}

func oldGkmlptRead(p *Page) (Found, bool) {
	var f Found
	for _, l := range p.Links {
		m := oldGkmlptLinkRe.FindStringSubmatch(strings.TrimSpace(l.Href))
		if m == nil {
			continue
		}
		u, ok := resolve(p.Base, m[1])
		if !ok {
			continue
		}
		f.Lists = append(f.Lists, Request{URL: u.String(), Key: u.String() + "#" + m[2], Param: m[2], Hop: true, Anchor: l.Anchor})
	}
	i := strings.Index(p.URL.Path, "/gkmlpt/")
	sid := ""
	if m := oldGkmlptSIDRe.FindStringSubmatch(p.HTML); m != nil {
		sid = m[1]
	}
	if i < 0 || sid == "" {
		return f, len(f.Lists) > 0
	}
	prefix := p.URL.Path[:i]
	cols := []string{}
	if _, err := strconv.Atoi(p.Param); err == nil {
		cols = append(cols, p.Param)
	} else {
		cols = oldReportColumns(p.HTML)
	}
	for _, c := range cols {
		f.Lists = append(f.Lists, gkmlptAPI(p.URL, prefix, c, sid, 1))
	}
	return f, true
}

func oldReportColumns(page string) []string {
	m := oldGkmlptTreeRe.FindStringSubmatch(page)
	if m == nil {
		return nil
	}
	var tree []treeNode
	if json.Unmarshal([]byte(m[1]), &tree) != nil {
		return nil
	}
	var out []string
	var walk func([]treeNode)
	walk = func(ns []treeNode) {
		for _, n := range ns {
			if oldReportName.MatchString(n.Name) && n.ID != "" {
				out = append(out, n.ID.String())
			}
			walk(n.Children)
		}
	}
	walk(tree)
	return out
}

func oldGenericRead(p *Page) (Found, bool) {
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
	f.add(oldAllPages(p, pagers))
	vars := oldJSVars(p.Scripts)
	for _, s := range p.Scripts {
		f.Items = append(f.Items, oldScriptLinks(s, vars)...)
	}
	return f, len(f.Lists) > 0 || len(f.Items) > 0
}

func oldAllPages(p *Page, pagers []*url.URL) Found {
	if len(pagers) == 0 {
		return Found{}
	}
	total := oldPageCount(oldScriptBlockRe.ReplaceAllString(p.HTML, ""))
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
		if m := oldSiblingRe.FindStringSubmatch(path.Base(u.Path)); m != nil {
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

func oldScriptLinks(s string, vars map[string]string) []Link {
	var out []Link
	for _, fn := range []string{"document.write", "document.writeln"} {
		for _, args := range jsCalls(s, fn) {
			for _, a := range jsArgs(args) {
				for _, l := range oldAnchorsIn(jsConcat(a, vars, "\x00")) {
					if l.Href != "" && !strings.ContainsAny(l.Href, "\x00\\") {
						out = append(out, l)
					}
				}
			}
		}
	}
	taken := map[string]bool{}
	for _, obj := range oldObjectRe.FindAllString(s, -1) {
		m := oldObjURLRe.FindStringSubmatch(obj)
		if m == nil {
			continue
		}
		href := jsValue(m[1])
		if !oldPathShapeRe.MatchString(href) {
			continue
		}
		title := ""
		if t := oldObjTitleRe.FindStringSubmatch(obj); t != nil {
			title = squash(jsValue(t[1]))
		}
		out = append(out, Link{Href: href, Anchor: title})
		taken[href] = true
	}
	for _, m := range oldArrayLitRe.FindAllStringSubmatch(s, -1) {
		if href := jsValue(m[1]); oldPathShapeRe.MatchString(href) && !taken[href] {
			out = append(out, Link{Href: href})
			taken[href] = true
		}
	}
	return out
}
