package demoportal

import (
	"fmt"
	"html"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// docxType is the media type portals send for .docx attachments.
const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// placeReport renders one report onto host h and returns its Truth entry.
func (p *Portal) placeReport(h *host, s site, seed Seed, r corpus.Report, pl placement) (*entry, error) {
	published, err := time.Parse("2006-01-02", pl.date)
	if err != nil {
		return nil, fmt.Errorf("demoportal: %s: bad date %q: %w", pl.path, pl.date, err)
	}
	e := &entry{host: h, served: Served{
		URL: h.url(pl.path), Agency: r.Agency, Region: seed.Region, Year: r.Year, Template: r.Template, Kind: r.Kind,
		Style: string(pl.opts.Style), MetaLayout: string(pl.opts.Meta), Label: string(pl.opts.Label),
		Report: r, Version: 1, Seed: seed.URL,
	}}
	docxPath := ""
	if pl.docx {
		docxPath = strings.TrimSuffix(pl.path, path.Ext(pl.path)) + ".docx"
		e.served.Attachments = []string{h.url(docxPath)}
		e.served.InAttachment = true
		e.served.Style, e.served.MetaLayout, e.served.Label = "", string(fixture.MetaTable), string(fixture.LabelCorrect)
	}
	e.render = func(r corpus.Report, version int) (map[string]resource, error) {
		modified := published.Add(9*time.Hour+30*time.Minute).AddDate(0, 0, 7*(version-1))
		if pl.docx {
			return renderDOCXNotice(s, r, pl.path, docxPath, modified)
		}
		opts := pl.opts
		opts.SiteName = s.look.agency
		opts.Container = s.container
		page, err := fixture.Render(r, opts)
		if err != nil {
			return nil, fmt.Errorf("render report %s at %s: %w", r.ID, pl.path, err)
		}
		return map[string]resource{pl.path: {body: page.Body, contentType: page.ContentType, charset: page.Charset, modified: modified}}, nil
	}
	resources, err := e.render(r, 1)
	if err != nil {
		return nil, fmt.Errorf("demoportal: %w", err)
	}
	for k, res := range resources {
		h.put(k, res)
	}
	e.served.ContentType = resources[pl.path].contentType
	e.served.Charset = resources[pl.path].charset
	return e, nil
}

// renderDOCXNotice publishes r as a DOCX attachment with a short page
// (title, metadata, one sentence, the attachment link), as many agencies
// do.
func renderDOCXNotice(s site, r corpus.Report, pagePath, docxPath string, modified time.Time) (map[string]resource, error) {
	doc, err := fixture.DOCX(r)
	if err != nil {
		return nil, fmt.Errorf("render docx of %s: %w", r.ID, err)
	}
	m := r.Meta
	var b strings.Builder
	fmt.Fprintf(&b, "<div class=\"article\">\n<table class=\"xxgk-meta\">\n<tr><td>索引号：</td><td>%s</td><td>发布机构：</td><td>%s</td></tr>\n<tr><td>发布日期：</td><td>%s</td><td>公开方式：</td><td>%s</td></tr>\n</table>\n",
		html.EscapeString(m.IndexNo), html.EscapeString(m.Publisher), html.EscapeString(m.PublishedDate), html.EscapeString(m.DisclosureMode))
	fmt.Fprintf(&b, "<h1 class=\"title\">%s</h1>\n", html.EscapeString(r.Title))
	fmt.Fprintf(&b, "<div class=\"content\"><p>现将%s%d年度政府信息公开工作年度报告予以公布，详见附件。</p>\n", html.EscapeString(r.Agency), r.Year)
	fmt.Fprintf(&b, "<p>附件：<a href=\"%s\">%s.docx</a></p></div>\n</div>", html.EscapeString(path.Base(docxPath)), html.EscapeString(r.Title))
	crumbs := []link{{"/", "首页"}, {"/zwgk/", "政务公开"}, {s.column.dir, s.column.title}}
	page, err := s.look.navPage(r.Title, crumbs, b.String(), modified)
	if err != nil {
		return nil, err
	}
	return map[string]resource{
		pagePath: page,
		docxPath: {body: doc, contentType: docxType, modified: modified},
	}, nil
}

// buildNav registers the navigation pages of an agency site: home, the
// 政府信息公开 section, the 年报 column lists, robots.txt, stubs for the
// menu, and its traps.
func (p *Portal) buildNav(h *host, s site, items, sectionLinks []listItem) error {
	look := s.look
	put := func(keys []string, title string, crumbs []link, body string, modified time.Time) error {
		res, err := look.navPage(title, crumbs, body, modified)
		if err != nil {
			return err
		}
		for _, k := range keys {
			h.put(k, res)
		}
		return nil
	}
	home := []link{{"/", "首页"}}
	zwgk := append(home, link{"/zwgk/", "政务公开"})

	if err := put([]string{"/", "/index.html"}, "首页", nil, fmt.Sprintf(`<div class="banner"><h1>%s</h1></div>
<div class="tzgg"><h3>通知公告</h3><ul><li><a href="/zwgk/">关于开展政务公开满意度调查的公告</a></li></ul></div>
<div class="quick"><ul>
<li><a href="/zwgk/">政府信息公开</a></li>
<li><a href="/zwfw/">网上办事</a></li>
<li><a href="/hdjl/">领导信箱</a></li>
%s
</ul></div>`, html.EscapeString(look.agency), s.homeExtra), listModified(items, siteDate())); err != nil {
		return err
	}

	section := fmt.Sprintf(`<div class="column-title"><h2>政府信息公开</h2></div>
<ul class="xxgk-nav">
<li><a href="%s">%s</a></li>
<li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li>
<li><a href="/zwgk/ysqgk/">依申请公开</a></li>
%s
</ul>
%s`, s.column.dir, s.column.title, s.sectionExtra, linkList("list", sectionLinks))
	if err := put([]string{"/zwgk/", "/zwgk/index.html"}, "政府信息公开", home, section, siteDate()); err != nil {
		return err
	}

	for _, lp := range s.column.pages(items) {
		if err := put(lp.keys, s.column.title, append(zwgk, link{s.column.dir, s.column.title}), lp.body, listModified(items, siteDate())); err != nil {
			return err
		}
	}

	// Menu and chrome targets (ours and those of fixture pages) without
	// reports: present so the portal has no dead links.
	for _, stub := range []struct{ path, title, body string }{
		{"/zwfw/", "政务服务", ""}, {"/hdjl/", "互动交流", ""}, {"/zwgk/fdzdgknr/", "法定主动公开内容", ""},
		{"/zwgk/ysqgk/", "依申请公开", ""}, {"/bsfw/", "办事服务", ""}, {"/zwdt/", "政务动态", ""},
		{"/wza/", "无障碍浏览", ""}, {"/english/", "English", ""}, {"/sitemap/", "网站地图", ""},
		{"/contact/", "联系我们", ""}, {"/about/", "关于本网", ""},
		{"/xxgk/", "信息公开", `<p><a href="/zwgk/">政府信息公开</a></p>`},
		{"/xxgk/ndbg/", "政府信息公开年报", fmt.Sprintf(`<p>本栏目已迁移，请访问<a href="%s">%s</a>。</p>`, s.column.dir, s.column.title)},
	} {
		if _, taken := h.get(stub.path); taken {
			continue
		}
		body := stub.body
		if body == "" {
			body = "<p>栏目建设中。</p>"
		}
		if err := put([]string{stub.path}, stub.title, home, fmt.Sprintf("<h2>%s</h2>%s", stub.title, body), siteDate()); err != nil {
			return err
		}
	}
	if err := put([]string{"/search"}, "搜索", home, "<p>请输入检索词。</p>", siteDate()); err != nil {
		return err
	}
	h.put("/robots.txt", resource{body: []byte(s.robots), contentType: "text/plain; charset=utf-8", modified: siteDate()})
	for _, css := range []string{"/css/style.css", "/css/xxgk.css"} {
		h.put(css, resource{body: []byte(styleCSS), contentType: "text/css", modified: siteDate()})
	}
	for _, t := range s.traps {
		h.addDynamic(t(look))
	}
	return nil
}

// buildEssaySite creates the 范文 site carrying a copy of corpus 004; only
// its own seed (no agency, no level: it is not a government body) leads there.
func (p *Portal) buildEssaySite(byID map[string]corpus.Report) error {
	h, err := newHost("essay")
	if err != nil {
		return err
	}
	p.hosts = append(p.hosts, h)
	seed := Seed{URL: h.url("/")}
	p.seeds = append(p.seeds, seed)

	r, ok := byID[essayCopyID]
	if !ok {
		return fmt.Errorf("demoportal: essay site: no report %q in the corpus", essayCopyID)
	}
	modified := day(2020, time.June, 12)
	render := func(r corpus.Report, version int) (map[string]resource, error) {
		page, err := fixture.EssayCopy(r, fixture.EncGBK)
		if err != nil {
			return nil, fmt.Errorf("render essay copy of %s: %w", r.ID, err)
		}
		return map[string]resource{essayCopyPath: {body: page.Body, contentType: page.ContentType, charset: page.Charset, modified: modified.AddDate(0, 0, 7*(version-1))}}, nil
	}
	resources, err := render(r, 1)
	if err != nil {
		return fmt.Errorf("demoportal: %w", err)
	}
	for k, res := range resources {
		h.put(k, res)
	}
	page := resources[essayCopyPath]
	p.entries = append(p.entries, &entry{host: h, render: render, served: Served{
		URL: h.url(essayCopyPath), Agency: r.Agency, Year: r.Year, Template: r.Template, Kind: KindCopy,
		Charset: page.charset, ContentType: page.contentType, Label: string(fixture.LabelCorrect),
		Report: r, Version: 1, Seed: seed.URL,
	}})

	// The essay site's own pages around the copy: its home, categories,
	// related essays behind a member wall, the ad click-through.
	essayList := fmt.Sprintf(`<ul><li><a href="%s">%s</a></li><li><a href="/gongzuobaogao/12031.html">社区工作总结范文</a></li><li><a href="/gongzuobaogao/12033.html">街道政府信息公开工作年度报告范文</a></li></ul>`,
		essayCopyPath, html.EscapeString(r.Title))
	for _, pg := range []struct{ path, title, body string }{
		{"/", "好范文网_工作报告_工作总结_范文大全", `<h3>最新工作报告</h3>` + essayList},
		{"/gongzuobaogao/", "工作报告_好范文网", essayList},
		{"/zongjie/", "工作总结_好范文网", "<p>暂无内容。</p>"},
		{"/lunwen/", "论文_好范文网", "<p>暂无内容。</p>"},
		{"/vip/", "开通会员_好范文网", "<p>开通会员，海量范文免费下载。</p>"},
		{"/login/", "登录_好范文网", "<form><input name=\"u\"><input name=\"p\" type=\"password\"></form>"},
		{"/ad/click", "广告_好范文网", "<p>广告位招租。</p>"},
		{"/gongzuobaogao/12031.html", "社区工作总结范文_好范文网", vipWall},
		{"/gongzuobaogao/12032.html", "社区政务公开工作汇报_好范文网", vipWall},
		{"/gongzuobaogao/12033.html", "街道政府信息公开工作年度报告范文_好范文网", vipWall},
		{"/gongzuobaogao/12034.html", "乡镇政务公开自查报告_好范文网", vipWall},
	} {
		res, err := encodePage(fmt.Sprintf("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body><h1><a href=\"/\">好范文网</a></h1>\n%s\n<p>本站部分内容来源于网络，如有侵权请联系删除。</p></body></html>\n",
			pg.title, pg.body), "utf-8", modified)
		if err != nil {
			return err
		}
		h.put(pg.path, res)
	}
	h.put("/robots.txt", resource{body: []byte("User-agent: *\nAllow: /\n"), contentType: "text/plain", modified: modified})
	return nil
}

// sortItems orders a column list newest first, as portals do.
func sortItems(items []listItem) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].date > items[j].date })
}

// vipWall is the body of the essay site's member-only pages.
const vipWall = "<p>本文为会员专享内容，开通会员后即可阅读全文。</p><p><a href=\"/vip/\">开通会员</a></p>"

const styleCSS = `body{font-family:"Microsoft YaHei",SimSun,sans-serif;margin:0}
.header{background:#b40000;color:#fff;padding:12px}.nav li{display:inline;margin:0 8px}
.main{width:1000px;margin:0 auto}.footer{background:#eee;text-align:center;font-size:12px}
`
