package demoportal

import (
	"context"
	"fmt"
	"time"

	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// The portal's shape. Depths from each seed (home = 0): 政府信息公开 section
// 1, 年报 column 2, further list pages 3, report pages at most 4.

// placement puts one report on a site: where, and how it is rendered.
type placement struct {
	reportID string
	path     string // URL path of the report page
	date     string // 发布日期 shown in the list; also the page's Last-Modified
	opts     fixture.Options
	// docx: the page is a short notice and the report is a DOCX attachment.
	docx bool
	// pdf names a real PDF report of internal/corpus (corpus.PDFs) to
	// publish instead of reportID: at path as a wrapper page (title,
	// metadata, 详见附件) linking the PDF, or, with direct, as the PDF itself
	// at path, linked straight from the list.
	pdf    string
	direct bool
}

// site is one agency's web site.
type site struct {
	name string
	look siteLook
	// container is the article's wrapper on report pages (fixture.Options.Container).
	container string
	region    string
	level     string
	column    column
	robots    string
	// sectionExtra is more HTML for the 政府信息公开 section page (links to
	// guides, the trap, the disallowed area).
	sectionExtra string
	homeExtra    string
	reports      []placement
	negatives    []negativePlacement
	traps        []func(siteLook) dynamicFunc
	// draft is a report-looking page under robots.txt Disallow, linked
	// from the section page; a polite crawler must not fetch it.
	draft *placement
}

// negativePlacement puts a fixture.Negative page on a site.
type negativePlacement struct {
	name     string // fixture.NegativePage.Name to take
	path     string
	title    string // anchor text
	date     string
	inColumn bool // listed in the 年报 column (else linked from the section page)
}

// sites is the portal's fixed layout: four agency sites whose reports
// span 2020–2022, both table templates, three encodings and every label.
func sites() []site {
	return []site{
		{
			// TRS WCM: the list pages exist only through createPageHTML,
			// called with page variables (the second report is only there).
			name: "tongjiang",
			look: siteLook{agency: "同江市人民政府", charset: "gbk", siteID: "2308810001"}, container: "trs",
			region: "黑龙江省佳木斯市同江市", level: "county",
			column: column{dir: "/zwgk/zfxxgknb/", title: "政府信息公开年报", paging: pagingTRSVars, perPage: 1},
			robots: "User-agent: *\nDisallow: /search\nDisallow: /cms/\n",
			reports: []placement{
				{reportID: "002", path: "/zwgk/zfxxgknb/202101/t20210128_3318.html", date: "2021-01-28",
					opts: fixture.Options{Style: fixture.StyleFlat, Meta: fixture.MetaDL, Encoding: fixture.EncGB18030, Label: fixture.LabelCorrect, Chrome: true}},
				{reportID: "000", path: "/zwgk/zfxxgknb/202101/t20210126_3301.html", date: "2021-01-26",
					// GBK bytes under a "charset=utf-8" header: the classic lie.
					opts: fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: fixture.EncGBK, Label: fixture.LabelWrongHeader, Chrome: true}},
			},
		},
		{
			// Hanweb-style article URLs, a 下一页 chain, and an ever-deeper
			// 信息公开目录 link.
			name: "huangyan",
			look: siteLook{agency: "台州市黄岩区人民政府", charset: "utf-8", siteID: "3310030001"}, container: "zoom",
			region: "浙江省台州市黄岩区", level: "county",
			column:       column{dir: "/zwgk/ndbg/", title: "政府信息公开工作年度报告", paging: pagingNext, perPage: 2},
			robots:       "User-agent: *\nDisallow: /search\n",
			sectionExtra: `<li><a href="xxgkml/">政府信息公开目录</a></li>`,
			reports: []placement{
				{reportID: "001", path: "/art/2021/1/25/art_1229_563120.html", date: "2021-01-25",
					opts: fixture.Options{Style: fixture.StyleWord, Meta: fixture.MetaInline, Encoding: fixture.EncUTF8, Label: fixture.LabelCorrect, Chrome: true}},
				{reportID: "001" + priorSuffix, path: "/art/2020/1/20/art_1229_412007.html", date: "2020-01-20",
					opts: fixture.Options{Style: fixture.StyleFlat, Meta: fixture.MetaInline, Encoding: fixture.EncUTF8, Label: fixture.LabelCorrect, Chrome: true}},
			},
			negatives: []negativePlacement{
				// Filed in the 年报 column, as news items about the report often are.
				{name: "news", path: "/art/2021/1/8/art_1229_561877.html", title: "区政府召开会议部署2020年度政府信息公开年度报告编制工作", date: "2021-01-08", inColumn: true},
			},
			traps: []func(siteLook) dynamicFunc{deepTrap},
		},
		{
			// A city portal publishing its departments' reports, paged
			// with ?page=N; an events calendar without end.
			name: "qinghe",
			look: siteLook{agency: "清河市人民政府", charset: "utf-8", siteID: "3715000001"}, container: "article",
			region: "清河市", level: "city",
			column:    column{dir: "/zwgk/ndbg/", title: "年报", paging: pagingQuery, perPage: 1},
			robots:    "User-agent: *\nDisallow: /search\n",
			homeExtra: `<li><a href="/hdjl/rl/">活动日历</a></li>`,
			reports: []placement{
				{reportID: "syn2021-b", path: "/zwgk/ndbg/detail/20230118001.html", date: "2023-01-18", docx: true},
				{reportID: "syn2021-a", path: "/zwgk/ndbg/detail/20220120002.html", date: "2022-01-20",
					opts: fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: fixture.EncUTF8BOM, Label: fixture.LabelCorrect, Chrome: true}},
				{reportID: "syn2019-c", path: "/zwgk/ndbg/detail/20210128003.html", date: "2021-01-28",
					opts: fixture.Options{Style: fixture.StyleMismatch, Meta: fixture.MetaDL, Encoding: fixture.EncGB18030, Label: fixture.LabelCorrect, Chrome: true}},
				// The same agency's report of the year before (years.go).
				{reportID: "syn2019-c" + priorSuffix, path: "/zwgk/ndbg/detail/20200121004.html", date: "2020-01-21",
					opts: fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: fixture.EncUTF8, Label: fixture.LabelCorrect, Chrome: true}},
			},
			negatives: []negativePlacement{
				{name: "guide", path: "/zwgk/xxgkzn/t20200302_1.html", title: "政府信息公开指南", date: "2020-03-02"},
			},
			traps: []func(siteLook) dynamicFunc{calendarTrap},
		},
		{
			// A sub-district office's small site: one list page, a lying
			// <meta charset>, and a robots.txt-disallowed draft.
			name:   "kangchuan",
			look:   siteLook{agency: "康川街道办事处", charset: "gbk", siteID: "9990010001"},
			region: "康川街道", level: "township",
			column: column{dir: "/xxgk/nb/", title: "政府信息公开年度报告", paging: pagingNext, perPage: 10},
			robots: "User-agent: *\nDisallow: /internal/\nDisallow: /search\n",
			reports: []placement{
				{reportID: "003", path: "/xxgk/nb/202101/t20210122_81.html", date: "2021-01-22",
					opts: fixture.Options{Style: fixture.StyleParagraphs, Meta: fixture.MetaTags, Encoding: fixture.EncGBK, Label: fixture.LabelWrongMeta}},
			},
			draft: &placement{
				reportID: "003", path: "/internal/ndbg/t20210118_draft.html", date: "2021-01-18",
				opts: fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: fixture.EncUTF8, Label: fixture.LabelCorrect},
			},
		},
		{
			// A district publishing its reports as PDFs: a wrapper page
			// whose 详见附件 links the PDF, and an older PDF linked straight
			// from the list (the real PDFs of internal/corpus).
			name:   "hongze",
			look:   siteLook{agency: "淮安市洪泽区人民政府", charset: "utf-8", siteID: "3208130001"},
			region: "江苏省淮安市洪泽区", level: "county",
			column: column{dir: "/zfxxgk/ndbg/", title: "政府信息公开年度报告", paging: pagingNext, perPage: 1},
			robots: "User-agent: *\nDisallow: /search\n",
			reports: []placement{
				{pdf: "hongze_2024.pdf", path: "/zfxxgk/ndbg/202501/t20250120_1688.html", date: "2025-01-20"},
				{pdf: "hongze_2023.pdf", path: "/uploadfiles/202401/hongze_2023.pdf", date: "2024-01-18", direct: true},
			},
		},
	}
}

// essaySite is the template/essay site carrying a copy of corpus 004.
const (
	essayCopyID   = "004"
	essayCopyPath = "/fanwen/gongzuobaogao/2020/0612/187345.html"
)

// build creates every host and registers every page.
func (p *Portal) build(ctx context.Context) error {
	reports, err := corpus.Reports()
	if err != nil {
		return fmt.Errorf("demoportal: load reports: %w", err)
	}
	byID := map[string]corpus.Report{}
	for _, r := range reports {
		byID[r.ID] = r
		if r.Template != corpus.TemplateLegacy && r.Kind == corpus.KindReport {
			byID[r.ID+priorSuffix] = priorYear(r)
		}
	}
	negs := map[string]fixture.NegativePage{}
	for _, n := range fixture.Negative() {
		negs[n.Name] = n
	}
	for _, s := range sites() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("demoportal: start: %w", err)
		}
		if err := p.buildSite(s, byID, negs); err != nil {
			return err
		}
	}
	return p.buildEssaySite(byID)
}

// buildSite creates one agency site.
func (p *Portal) buildSite(s site, byID map[string]corpus.Report, negs map[string]fixture.NegativePage) error {
	h, err := newHost(s.name)
	if err != nil {
		return err
	}
	p.hosts = append(p.hosts, h)
	seed := Seed{URL: h.url("/"), Agency: s.look.agency, Region: s.region, Level: s.level}
	p.seeds = append(p.seeds, seed)

	var items []listItem
	for _, pl := range s.reports {
		if pl.pdf != "" {
			e, it, err := p.placePDF(h, s, seed, pl)
			if err != nil {
				return err
			}
			p.entries = append(p.entries, e)
			items = append(items, it)
			continue
		}
		r, ok := byID[pl.reportID]
		if !ok {
			return fmt.Errorf("demoportal: site %s: no report %q in the corpus", s.name, pl.reportID)
		}
		e, err := p.placeReport(h, s, seed, r, pl)
		if err != nil {
			return err
		}
		p.entries = append(p.entries, e)
		items = append(items, listItem{href: pl.path, title: r.Title, date: pl.date})
	}
	var sectionLinks []listItem
	for _, np := range s.negatives {
		n, ok := negs[np.name]
		if !ok {
			return fmt.Errorf("demoportal: site %s: fixture has no negative page %q", s.name, np.name)
		}
		modified, err := time.Parse("2006-01-02", np.date)
		if err != nil {
			return fmt.Errorf("demoportal: %s: bad date %q: %w", np.path, np.date, err)
		}
		h.put(np.path, resource{body: n.Page.Body, contentType: n.Page.ContentType, charset: n.Page.Charset, modified: modified.Add(9 * time.Hour)})
		p.entries = append(p.entries, &entry{host: h, served: Served{
			URL: h.url(np.path), Agency: s.look.agency, Region: seed.Region, Kind: KindNotReport,
			Charset: n.Page.Charset, ContentType: n.Page.ContentType, Label: string(fixture.LabelCorrect),
			Version: 1, Seed: seed.URL,
		}})
		it := listItem{href: np.path, title: np.title, date: np.date}
		if np.inColumn {
			items = append(items, it)
		} else {
			sectionLinks = append(sectionLinks, it)
		}
	}
	sortItems(items)

	if s.draft != nil {
		r := byID[s.draft.reportID]
		r.Title += "（审核稿）"
		e, err := p.placeReport(h, s, seed, r, *s.draft)
		if err != nil {
			return err
		}
		e.served.Disallowed = true
		e.render = nil
		p.entries = append(p.entries, e)
		sectionLinks = append(sectionLinks, listItem{href: s.draft.path, title: r.Title, date: s.draft.date})
	}

	return p.buildNav(h, s, items, sectionLinks)
}
