package platform

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Gkmlpt reads Guangdong's 政府信息公开目录管理平台 (gkmlpt), which the
// province and every city, county and department site in Guangdong run
// (often under a path prefix: /yjzjj/gkmlpt/…). Its pages are one
// JavaScript app; a column is addressed by the URL fragment, which never
// reaches the server:
//
//	<a href="/gkmlpt/index#2584">政府信息公开年报</a>
//	<a href="/gkmlpt/annualreport#2584">年度报告</a>
//
// The app page carries the site id and the column tree:
//
//	<script>window._CONFIG = { SID: '755031', … };
//	var TREE = [{"id":2584,"name":"政府信息公开年报","children":[]}, …];</script>
//
// and loads each column from a JSON API, 1-based pages:
//
//	GET /gkmlpt/api/all/2584?page=1&sid=755031
//	{"articles":[{"id":…,"title":"…年度报告","url":"http://…/gkmlpt/content/…/post_….html"}],"total":42}
//
// Read turns fragment links into requests for the app page that keep the
// column (Request.Param), and on the app page asks the API for that column
// (or, with no column given, for the 年报 columns of its tree). The first
// API answer's total says how many pages to ask for.
type Gkmlpt struct{}

// Name implements Adapter.
func (Gkmlpt) Name() string { return "gkmlpt" }

var (
	gkmlptLinkRe = regexp.MustCompile(`^(.*?/gkmlpt/[A-Za-z_]+)/?#(\d+)$`)
	gkmlptSIDRe  = regexp.MustCompile(`\bSID\s*[:=]\s*["']?(\d+)`)
	gkmlptTreeRe = regexp.MustCompile(`(?s)\bTREE\s*=\s*(\[.*?\])\s*;`)
	reportName   = regexp.MustCompile(`年报|年度报告`)
)

// Read implements Adapter.
func (Gkmlpt) Read(p *Page) (Found, bool) {
	var f Found
	for _, l := range p.Links {
		m := gkmlptLinkRe.FindStringSubmatch(strings.TrimSpace(l.Href))
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
	if m := gkmlptSIDRe.FindStringSubmatch(p.HTML); m != nil {
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
		cols = reportColumns(p.HTML)
	}
	for _, c := range cols {
		f.Lists = append(f.Lists, gkmlptAPI(p.URL, prefix, c, sid, 1))
	}
	return f, true
}

// gkmlptAPI is the request for one page of a column.
func gkmlptAPI(site *url.URL, prefix, column, sid string, page int) Request {
	u := url.URL{Scheme: site.Scheme, Host: site.Host, Path: prefix + "/gkmlpt/api/all/" + column,
		RawQuery: "page=" + strconv.Itoa(page) + "&sid=" + sid}
	return Request{URL: u.String(), Key: u.String(), API: "gkmlpt", Param: column}
}

// treeNode is one column of an app page's TREE.
type treeNode struct {
	ID       json.Number `json:"id"`
	Name     string      `json:"name"`
	Children []treeNode  `json:"children"`
}

// reportColumns returns the ids of the TREE columns named for annual
// reports.
func reportColumns(page string) []string {
	m := gkmlptTreeRe.FindStringSubmatch(page)
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
			if reportName.MatchString(n.Name) && n.ID != "" {
				out = append(out, n.ID.String())
			}
			walk(n.Children)
		}
	}
	walk(tree)
	return out
}

// gkmlptAnswer is the API's answer.
type gkmlptAnswer struct {
	Articles *[]struct {
		URL     string `json:"url"`
		PostURL string `json:"post_url"`
		Title   string `json:"title"`
	} `json:"articles"`
	Total json.Number `json:"total"`
}

// Answer implements Adapter.
func (Gkmlpt) Answer(req Request, body string) (Found, error) {
	var a gkmlptAnswer
	if err := json.Unmarshal([]byte(strings.TrimSpace(body)), &a); err != nil {
		return Found{}, fmt.Errorf("gkmlpt: the API's answer is not JSON: %w", err)
	}
	if a.Articles == nil {
		return Found{}, fmt.Errorf("gkmlpt: the API's answer has no articles")
	}
	var f Found
	for _, art := range *a.Articles {
		href := art.URL
		if href == "" {
			href = art.PostURL
		}
		if href != "" {
			f.Items = append(f.Items, Link{Href: href, Anchor: squash(art.Title)})
		}
	}
	u, err := url.Parse(req.URL)
	i := -1
	if err == nil {
		i = strings.Index(u.Path, "/gkmlpt/")
	}
	if i < 0 || u.Query().Get("page") != "1" || len(*a.Articles) == 0 {
		return f, nil
	}
	total, _ := strconv.Atoi(a.Total.String())
	per := len(*a.Articles)
	n, claimed := capPages((total + per - 1) / per)
	f.Claimed = claimed
	prefix := u.Path[:i]
	for page := 2; page <= n; page++ {
		f.Lists = append(f.Lists, gkmlptAPI(u, prefix, req.Param, u.Query().Get("sid"), page))
	}
	return f, nil
}
