package demoportal

import (
	"fmt"
	"strings"
	"time"
)

// listItem is one entry of a column list: a link with its date.
type listItem struct {
	href, title, date string
}

// Pagination styles of column lists, as the crawler must understand them
// (issue 5).
const (
	// pagingTRS is the TRS WCM style: no page links in the HTML, only a
	// script call createPageHTML(total, current, "index", "html") meaning
	// index.html, index_1.html … index_{total-1}.html.
	pagingTRS = "trs"
	// pagingTRSVars is TRS as most templates print it: the count and the
	// index in page variables, the call taking the variables:
	// var countPage = 3; var currentPage = 0; createPageHTML(countPage, currentPage, "index", "html").
	pagingTRSVars = "trs-vars"
	// pagingNext is a chain of plain 下一页 links: each page only links the next.
	pagingNext = "next"
	// pagingQuery is ?page=N, with every page number linked.
	pagingQuery = "query"
)

// column describes one 年报 column: where its list lives and how it pages.
type column struct {
	dir     string // directory of the column, e.g. "/zwgk/zfxxgknb/"; ends in "/"
	title   string // column name, e.g. 政府信息公开年报
	paging  string // pagingTRS, pagingNext or pagingQuery
	perPage int
}

// listPage is one rendered page of a column list.
type listPage struct {
	keys []string // the URL keys (path or path?query) it is served at
	body string   // the HTML inside the site chrome
}

// pages splits items into list pages with the column's pagination.
func (c column) pages(items []listItem) []listPage {
	n := (len(items) + c.perPage - 1) / c.perPage
	if n == 0 {
		n = 1
	}
	out := make([]listPage, 0, n)
	for i := 0; i < n; i++ {
		lo, hi := i*c.perPage, min((i+1)*c.perPage, len(items))
		var chunk []listItem
		if lo < hi {
			chunk = items[lo:hi]
		}
		var b strings.Builder
		fmt.Fprintf(&b, "<div class=\"column-title\"><h2>%s</h2></div>\n", c.title)
		b.WriteString(linkList("list", chunk))
		b.WriteString("\n<div class=\"page\">")
		var keys []string
		switch c.paging {
		case pagingTRS, pagingTRSVars:
			keys = []string{c.dir + trsName(i)}
			if i == 0 {
				keys = append(keys, c.dir)
			}
			b.WriteString(trsPagerScript)
			if c.paging == pagingTRSVars {
				fmt.Fprintf(&b, "<script type=\"text/javascript\">\nvar currentPage = %d;//所在页从0开始\nvar countPage = %d//共多少页\ncreatePageHTML(countPage, currentPage, \"index\", \"html\");\n</script>", i, n)
			} else {
				fmt.Fprintf(&b, "<script type=\"text/javascript\">createPageHTML(%d, %d, \"index\", \"html\");</script>", n, i)
			}
		case pagingNext:
			keys = []string{c.dir + nextName(i)}
			if i == 0 {
				keys = append(keys, c.dir)
			}
			fmt.Fprintf(&b, "<span>共%d页</span> <span>第%d页</span> ", n, i+1)
			if i > 0 {
				fmt.Fprintf(&b, "<a href=\"%s\">上一页</a> ", nextName(i-1))
			}
			if i+1 < n {
				fmt.Fprintf(&b, "<a href=\"%s\">下一页</a>", nextName(i+1))
			}
		case pagingQuery:
			keys = []string{fmt.Sprintf("%slist.do?page=%d", c.dir, i+1)}
			if i == 0 {
				keys = append(keys, c.dir, c.dir+"list.do")
			}
			for p := 1; p <= n; p++ {
				if p == i+1 {
					fmt.Fprintf(&b, "<span class=\"current\">%d</span> ", p)
				} else {
					fmt.Fprintf(&b, "<a href=\"list.do?page=%d\">%d</a> ", p, p)
				}
			}
			if i+1 < n {
				fmt.Fprintf(&b, "<a href=\"list.do?page=%d\">下一页</a>", i+2)
			}
		}
		b.WriteString("</div>")
		out = append(out, listPage{keys: keys, body: b.String()})
	}
	return out
}

// trsName is the file name of page i (0-based) of a TRS list.
func trsName(i int) string {
	if i == 0 {
		return "index.html"
	}
	return fmt.Sprintf("index_%d.html", i)
}

// nextName is the file name of page i (0-based) of a 下一页 list.
func nextName(i int) string {
	if i == 0 {
		return "index.shtml"
	}
	return fmt.Sprintf("index_%d.shtml", i+1)
}

// trsPagerScript is the pager function TRS WCM pages carry; the links exist
// only after it runs in a browser.
const trsPagerScript = `<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){ return; }
	var nCurrIndex = _nCurrIndex || 0;
	if(nCurrIndex == 0) document.write("<span>首页</span>&nbsp;");
	else document.write("<a href=\""+_sPageName+"."+_sPageExt+"\">首页</a>&nbsp;");
	if(nCurrIndex > 0){
		var prev = (nCurrIndex == 1) ? _sPageName+"."+_sPageExt : _sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt;
		document.write("<a href=\""+prev+"\">上一页</a>&nbsp;");
	}
	if(nCurrIndex+1 < _nPageCount){
		document.write("<a href=\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\">下一页</a>&nbsp;");
		document.write("<a href=\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\">尾页</a>");
	}
}
</script>
`

// listModified is the Last-Modified of list pages: the newest item date.
func listModified(items []listItem, fallback time.Time) time.Time {
	newest := fallback
	for _, it := range items {
		if t, err := time.Parse("2006-01-02", it.date); err == nil && t.After(newest) {
			newest = t.Add(9*time.Hour + 30*time.Minute)
		}
	}
	return newest
}
