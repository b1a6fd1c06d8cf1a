package platform

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// TRS reads the pager of TRS WCM (拓尔思) list pages. The list's other pages
// exist only as a script call that writes the pager in a browser:
//
//	<script>createPageHTML(5, 0, "index", "html");</script>        4 args, 0-based
//	<script>createPageHTML(5, 0, "index");</script>                3 args, extension html
//	<script>createPageHTML('page_div', 5, 1, 'index', 'html', 78);</script>   6 args, 1-based
//	<script>var countPage = 5; var currentPage = 0;
//	        createPageHTML(countPage, currentPage, "index", "html");</script>
//	<script>var _nPageCount = 5; var _nCurrIndex = 0; var _sPageName = "index";
//	        var _sPageExt = "html"; createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt);</script>
//
// A 0-based list is index.html, index_1.html … index_{n-1}.html; a 1-based
// one index.html, index_2.html … index_n.html. The base is that of the
// form, unless the first page says otherwise (current index 1 on
// index.html is 1-based, 0 is 0-based). Arguments may be literals or
// variables assigned earlier on the page; when the call sits in an external
// script (<script src="…/page.js">) the page still declares the variables
// (countPage/currentPage, or the _nPageCount family), and those are read
// alone. Numbers are taken in order (count, current, records) and strings
// by shape (the extension is html/shtml/htm/jsp…, the name the string
// before it), so the argument orders portals use all read the same.
type TRS struct{}

// Name implements Adapter.
func (TRS) Name() string { return "trs" }

// trsCountVars and friends are the variable names TRS templates use.
var (
	trsCountVars = []string{"_nPageCount", "countPage", "nPageCount", "pageCount", "totalPage", "page_count"}
	trsCurVars   = []string{"_nCurrIndex", "currentPage", "nCurrIndex", "curPage", "currPage"}
	trsNameVars  = []string{"_sPageName", "sPageName", "pageName"}
	trsExtVars   = []string{"_sPageExt", "sPageExt", "pageExt"}
	trsExtRe     = regexp.MustCompile(`^(?i:s?html?|jsp|php|aspx?)$`)
	trsPageRe    = regexp.MustCompile(`^(.+?)_(\d+)\.([A-Za-z]+)$`)
)

// trsPager is one list's pager as read from the page.
type trsPager struct {
	count, cur int
	curKnown   bool
	name, ext  string
	oneBased   bool
}

// Read implements Adapter.
func (TRS) Read(p *Page) (Found, bool) {
	vars := jsVars(p.Scripts)
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
		if pg, ok := trsVarsOnly(vars, p.HTML); ok {
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

// Answer implements Adapter: TRS lists are plain HTML pages, never an API.
func (TRS) Answer(req Request, body string) (Found, error) {
	return Found{}, fmt.Errorf("trs: no API answers")
}

// trsCall reads one createPageHTML call's arguments.
func trsCall(args []string, vars map[string]string) (trsPager, bool) {
	if len(args) < 2 {
		return trsPager{}, false
	}
	var nums []int
	var strs []string
	extAt := -1
	for _, a := range args {
		v, known := jsArg(a, vars)
		if !known {
			continue // an expression or an undeclared variable: no evidence
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			nums = append(nums, n)
			continue
		}
		if trsExtRe.MatchString(v) && extAt < 0 {
			extAt = len(strs)
		}
		strs = append(strs, v)
	}
	if len(nums) == 0 {
		return trsPager{}, false
	}
	pg := trsPager{count: nums[0], name: "index", ext: "html"}
	if len(nums) > 1 {
		pg.cur, pg.curKnown = nums[1], true
	}
	switch {
	case extAt >= 0:
		pg.ext = strs[extAt]
		if extAt > 0 {
			pg.name = strs[extAt-1]
		}
	case len(strs) > 0:
		pg.name = strs[len(strs)-1]
	}
	// The six-argument form (element id first, record count last) counts
	// from 1.
	pg.oneBased = len(args) >= 5
	return pg, true
}

// trsVarsOnly reads a pager from the page's variables alone, when the page
// declares TRS's own names (or names createPageHTML at all).
func trsVarsOnly(vars map[string]string, html string) (trsPager, bool) {
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

// settle fixes the base from the page the pager is on: index.html with
// current index 1 is 1-based, with 0 0-based; without a name, the page's own
// file name (index_3.shtml → index, shtml) gives it.
func (pg *trsPager) settle(file string) {
	if pg.curKnown && pg.cur == 0 {
		pg.oneBased = false // a 1-based list has no page 0
	}
	first := pg.name + "." + pg.ext
	if pg.curKnown && strings.EqualFold(file, first) {
		switch pg.cur {
		case 0:
			pg.oneBased = false
		case 1:
			pg.oneBased = true
		}
	}
	if m := trsPageRe.FindStringSubmatch(file); m != nil && m[1] == pg.name && !strings.EqualFold(m[3], pg.ext) {
		pg.ext = m[3] // the page's own extension wins over a default
	}
}

// file is the file name of page i (0-based count from the first page).
func (pg trsPager) file(i int) string {
	switch {
	case i == 0:
		return pg.name + "." + pg.ext
	case pg.oneBased:
		return fmt.Sprintf("%s_%d.%s", pg.name, i+1, pg.ext)
	default:
		return fmt.Sprintf("%s_%d.%s", pg.name, i, pg.ext)
	}
}
