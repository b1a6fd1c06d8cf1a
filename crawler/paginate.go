package crawler

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// maxListPages bounds the pages generated for one list.
const maxListPages = 500

// pageParams are the query keys of ?page=N style lists.
var pageParams = map[string]bool{
	"page": true, "pageno": true, "pageindex": true, "pagenum": true, "pn": true, "p": true,
	"curpage": true, "currentpage": true, "page_no": true, "pagecurrent": true,
}

var trsIndexRe = regexp.MustCompile(`^(.+?)_(\d+)\.(s?html?)$`)

// isPagination reports whether u is another page of the list at cur: the
// same path with a different ?page=N, or index_N.html beside index.html.
func isPagination(cur, u *url.URL) bool {
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
		if trsIndexRe.MatchString(path.Base(u.Path)) || trsIndexRe.MatchString(path.Base(cur.Path)) {
			return strings.HasPrefix(path.Base(u.Path), "index") || strings.HasPrefix(path.Base(u.Path), "default")
		}
	}
	return false
}

var createPageRe = regexp.MustCompile(`createPageHTML\s*\(([^)]*)\)`)

// trsPages expands TRS's createPageHTML calls into the list's page URLs:
//
//	createPageHTML(total, cur, "index", "html")        0-based: index.html, index_1.html … index_{total-1}.html
//	createPageHTML(total, cur, "index")                the same, extension html
//	createPageHTML(div, total, cur, "index", "html", records)  1-based: index.html, index_2.html … index_{total}.html
func trsPages(scripts []string) []string {
	var out []string
	for _, s := range scripts {
		for _, m := range createPageRe.FindAllStringSubmatch(s, -1) {
			args := splitArgs(m[1])
			var total int
			var name, ext = "index", "html"
			oneBased := false
			switch len(args) {
			case 3, 4:
				total, _ = strconv.Atoi(args[0])
				if args[2] != "" {
					name = args[2]
				}
				if len(args) == 4 && args[3] != "" {
					ext = args[3]
				}
			case 6:
				total, _ = strconv.Atoi(args[1])
				if args[3] != "" {
					name = args[3]
				}
				if args[4] != "" {
					ext = args[4]
				}
				oneBased = true
			default:
				continue
			}
			total = min(total, maxListPages)
			for i := 0; i < total; i++ {
				switch {
				case i == 0:
					out = append(out, name+"."+ext)
				case oneBased:
					out = append(out, fmt.Sprintf("%s_%d.%s", name, i+1, ext))
				default:
					out = append(out, fmt.Sprintf("%s_%d.%s", name, i, ext))
				}
			}
		}
	}
	return out
}

// splitArgs splits a JavaScript argument list of numbers and string literals.
func splitArgs(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		a = strings.TrimSpace(a)
		a = strings.Trim(a, `"'`)
		out = append(out, a)
	}
	return out
}

// Hanweb (大汉) columns load their lists from dataproxy.jsp.
var (
	hanwebColRe    = regexp.MustCompile(`/col/col(\d+)/`)
	hanwebParamRes = map[string]*regexp.Regexp{
		"columnid": regexp.MustCompile(`(?i)columnid\s*[:=]\s*['"]?(\d+)`),
		"unitid":   regexp.MustCompile(`(?i)unitid\s*[:=]\s*['"]?(\d+)`),
		"webid":    regexp.MustCompile(`(?i)webid\s*[:=]\s*['"]?(\d+)`),
		"perpage":  regexp.MustCompile(`(?i)perpage\s*[:=]\s*['"]?(\d+)`),
		"total":    regexp.MustCompile(`(?i)(?:totalrecord|totalRecord)\s*(?:[:=]\s*['"]?|>)(\d+)`),
	}
)

// hanwebList is the dataproxy request of one Hanweb column.
type hanwebList struct {
	proxy                   string // absolute URL of dataproxy.jsp
	columnID, unitID, webID string
	perPage, total          int
}

// hanwebOf recognises a Hanweb column page and reads its list parameters.
func hanwebOf(u *url.URL, text string) (hanwebList, bool) {
	if !strings.Contains(text, "dataproxy.jsp") && !hanwebColRe.MatchString(u.Path) {
		return hanwebList{}, false
	}
	get := func(k string) string {
		if m := hanwebParamRes[k].FindStringSubmatch(text); m != nil {
			return m[1]
		}
		return ""
	}
	h := hanwebList{columnID: get("columnid"), unitID: get("unitid"), webID: get("webid")}
	if h.columnID == "" {
		if m := hanwebColRe.FindStringSubmatch(u.Path); m != nil {
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
	p := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/module/web/jpage/dataproxy.jsp"}
	h.proxy = p.String()
	return h, true
}

// requests returns the dataproxy POSTs for records [start, …): three pages
// per request as Hanweb's own script asks, up to the known total, or one
// group when the total is not known yet (the answer tells it).
func (h hanwebList) requests(start int) []postReq {
	group := 3 * h.perPage
	var out []postReq
	for s := start; ; s += group {
		if h.total > 0 && s > h.total || len(out) >= maxListPages {
			break
		}
		e := s + group - 1
		q := url.Values{"startrecord": {strconv.Itoa(s)}, "endrecord": {strconv.Itoa(e)}, "perpage": {strconv.Itoa(h.perPage)}}
		form := url.Values{"columnid": {h.columnID}, "unitid": {h.unitID}, "col": {"1"}, "permissiontype": {"0"}}
		if h.webID != "" {
			form.Set("webid", h.webID)
		}
		out = append(out, postReq{url: h.proxy + "?" + q.Encode(), form: form.Encode()})
		if h.total <= 0 {
			break
		}
	}
	return out
}

// postReq is a POST the crawler makes (Hanweb list pages).
type postReq struct {
	url  string
	form string
}

var recordRe = regexp.MustCompile(`(?s)<record>`)

// hanwebAnswer reads a dataproxy answer: its anchors and totalrecord.
func hanwebAnswer(text string) (links []link, total int, records int) {
	records = len(recordRe.FindAllStringIndex(text, -1))
	if m := hanwebParamRes["total"].FindStringSubmatch(text); m != nil {
		total, _ = strconv.Atoi(m[1])
	}
	return anchorsIn(text), total, records
}
