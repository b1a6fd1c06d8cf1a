package platform

import (
	"errors"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Hanweb reads the columns of Hanweb jcms (大汉) sites. A column page
// /col/col1559/index.html carries its first records in an embedded
// datastore and loads the rest from a data proxy, configured in a script
// block whose keys come in any order:
//
//	<div id="10432"><script type="text/xml"><datastore>
//	  <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=34&columnid=1559&unitid=10432"></a>]]></nextgroup>
//	  <recordset><record><![CDATA[<li><a href="/art/2021/1/20/art_1559_1.html">…年度报告</a></li>]]></record></recordset>
//	</datastore></script></div>
//	<script>$('#10432').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:20, totalRecord:50,
//	        params:{col:1, webid:'34', columnid:'1559', unitid:'10432', permissiontype:0}});</script>
//
// The proxy is asked by POST, three pages a request as Hanweb's own script
// does: ?startrecord=1&endrecord=60&perpage=20 with the form
// columnid/unitid/webid/col/appid/path/permissiontype. It answers XML:
//
//	<datastore><totalrecord>50</totalrecord><recordset>
//	  <record><![CDATA[<li><a href="/art/…html">…</a></li>]]></record>…
//	</recordset></datastore>
//
// The first answer's totalrecord says how many more requests to make.
type Hanweb struct{}

// Name implements Adapter.
func (Hanweb) Name() string { return "hanweb" }

var (
	hanwebColRe    = regexp.MustCompile(`/col/col(\d+)/`)
	hanwebProxyRe  = regexp.MustCompile(`/module/(?:web/)?jpage/dataproxy\.jsp`)
	hanwebParamRes = map[string]*regexp.Regexp{
		"columnid":          regexp.MustCompile(`(?i)\bcolumnid\s*[:=]\s*['"]?(\d+)`),
		"unitid":            regexp.MustCompile(`(?i)\bunitid\s*[:=]\s*['"]?(\d+)`),
		"webid":             regexp.MustCompile(`(?i)\bwebid\s*[:=]\s*['"]?(\d+)`),
		"sourcecontenttype": regexp.MustCompile(`(?i)\bsourceContentType\s*[:=]\s*['"]?(\d+)`),
		"perpage":           regexp.MustCompile(`(?i)\bperpage\s*[:=]\s*['"]?(\d+)`),
		"total":             regexp.MustCompile(`(?i)\btotalrecord\s*(?:[:=]\s*['"]?|>)(\d+)`),
	}
	hanwebRecordRe = regexp.MustCompile(`(?is)<record>(.*?)</record>`)
	anchorRe       = regexp.MustCompile(`(?is)<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)["']?[^>]*>(.*?)</a>`)
	tagRe          = regexp.MustCompile(`(?s)<[^>]*>`)
)

// hanwebList is the data proxy request of one column.
type hanwebList struct {
	proxy                   string // absolute URL of dataproxy.jsp
	columnID, unitID, webID string
	sourceType              string
	perPage, total          int
}

// Read implements Adapter.
func (Hanweb) Read(p *Page) (Found, bool) {
	var f Found
	for _, s := range p.Scripts {
		f.Items = append(f.Items, recordAnchors(s)...)
	}
	h, ok := hanwebOf(p)
	if !ok {
		return f, len(f.Items) > 0
	}
	f.Lists = h.requests(1)
	return f, true
}

// hanwebOf recognises a Hanweb column page and reads its list parameters.
func hanwebOf(p *Page) (hanwebList, bool) {
	proxy := hanwebProxyRe.FindString(p.HTML)
	if proxy == "" && !hanwebColRe.MatchString(p.URL.Path) {
		return hanwebList{}, false
	}
	get := func(k string) string {
		if m := hanwebParamRes[k].FindStringSubmatch(p.HTML); m != nil {
			return m[1]
		}
		return ""
	}
	h := hanwebList{columnID: get("columnid"), unitID: get("unitid"), webID: get("webid"), sourceType: get("sourcecontenttype")}
	if h.columnID == "" {
		if m := hanwebColRe.FindStringSubmatch(p.URL.Path); m != nil {
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

// requests returns the proxy POSTs for records [start, …): three pages per
// request, up to the known total (at most MaxListPages requests), or one
// group when the total is not known yet (the answer tells it).
func (h hanwebList) requests(start int) []Request {
	group := 3 * h.perPage
	var out []Request
	for s := start; ; s += group {
		if h.total > 0 && s > h.total || len(out) >= MaxListPages {
			break
		}
		q := url.Values{"startrecord": {strconv.Itoa(s)}, "endrecord": {strconv.Itoa(s + group - 1)}, "perpage": {strconv.Itoa(h.perPage)}}
		form := url.Values{"columnid": {h.columnID}, "unitid": {h.unitID}, "col": {"1"}, "appid": {"1"}, "path": {"/"}, "permissiontype": {"0"}}
		if h.webID != "" {
			form.Set("webid", h.webID)
		}
		if h.sourceType != "" {
			form.Set("sourceContentType", h.sourceType)
		}
		u, body := h.proxy+"?"+q.Encode(), form.Encode()
		out = append(out, Request{URL: u, Method: "POST", Form: body, Key: "POST " + u + " " + body, API: "hanweb"})
		if h.total <= 0 {
			break
		}
	}
	return out
}

// ErrNotDatastore is an answer of the data proxy that is no datastore (an
// HTML error page, a login page, garbage).
var ErrNotDatastore = errors.New("hanweb: the data proxy's answer is not a <datastore>")

// Answer implements Adapter: it reads a data proxy answer's records and,
// for the first group, asks for the others once the total is known.
func (Hanweb) Answer(req Request, body string) (Found, error) {
	if !strings.Contains(body, "<datastore") && !strings.Contains(body, "<recordset") && !strings.Contains(body, "<totalrecord") {
		return Found{}, ErrNotDatastore
	}
	var f Found
	for _, m := range hanwebRecordRe.FindAllStringSubmatch(body, -1) {
		f.Items = append(f.Items, anchorsIn(m[1])...)
	}
	total := 0
	if m := hanwebParamRes["total"].FindStringSubmatch(body); m != nil {
		total, _ = strconv.Atoi(m[1])
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return f, nil
	}
	q := u.Query()
	start, _ := strconv.Atoi(q.Get("startrecord"))
	end, _ := strconv.Atoi(q.Get("endrecord"))
	per, _ := strconv.Atoi(q.Get("perpage"))
	if start == 1 && total > end && per > 0 {
		form, _ := url.ParseQuery(req.Form)
		h := hanwebList{proxy: u.Scheme + "://" + u.Host + u.Path, columnID: form.Get("columnid"), unitID: form.Get("unitid"),
			webID: form.Get("webid"), sourceType: form.Get("sourceContentType"), perPage: per, total: total}
		f.Lists = h.requests(end + 1)
		if groups := (total + 3*per - 1) / (3 * per); groups > MaxListPages {
			f.Claimed = groups
		}
	}
	return f, nil
}

// recordAnchors finds the anchors inside the <record> elements of a
// datastore embedded in a script block, and nothing else of the script.
func recordAnchors(s string) []Link {
	if !strings.Contains(s, "<record") {
		return nil
	}
	var out []Link
	for _, m := range hanwebRecordRe.FindAllStringSubmatch(s, -1) {
		out = append(out, anchorsIn(m[1])...)
	}
	return out
}

// anchorsIn finds <a href> in markup carried as data (XML CDATA, strings).
func anchorsIn(s string) []Link {
	var out []Link
	for _, m := range anchorRe.FindAllStringSubmatch(s, -1) {
		out = append(out, Link{Href: html.UnescapeString(m[1]), Anchor: squash(html.UnescapeString(tagRe.ReplaceAllString(m[2], " ")))})
	}
	return out
}

// squash collapses whitespace.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
