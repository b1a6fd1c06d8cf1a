package demoportal

import (
	"fmt"
	"html"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// siteLook is what the navigation pages of one agency's web site share:
// the name in the banner and the encoding its CMS writes.
type siteLook struct {
	agency  string // 主办单位, shown in banner and footer
	charset string // "utf-8" or "gbk": the encoding of navigation pages (always labelled correctly)
	siteID  string // 网站标识码, printed in the footer as on real portals
}

// navPage wraps body in the portal's chrome (banner, menu, breadcrumb,
// footer) and encodes it in the site's charset.
func (s siteLook) navPage(title string, crumbs []link, body string, modified time.Time) (resource, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">\n", s.charset)
	fmt.Fprintf(&b, "<title>%s_%s</title>\n", html.EscapeString(title), html.EscapeString(s.agency))
	b.WriteString("<link rel=\"stylesheet\" href=\"/css/style.css\">\n</head>\n<body>\n")
	fmt.Fprintf(&b, "<div class=\"header\"><div class=\"logo\">%s</div><form class=\"search\" action=\"/search\"><input name=\"q\"><button>搜索</button></form></div>\n", html.EscapeString(s.agency))
	b.WriteString("<div class=\"nav\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a></li><li><a href=\"/zwfw/\">政务服务</a></li><li><a href=\"/hdjl/\">互动交流</a></li></ul></div>\n")
	if len(crumbs) > 0 {
		b.WriteString("<div class=\"position\">当前位置：")
		for i, c := range crumbs {
			if i > 0 {
				b.WriteString(" &gt; ")
			}
			fmt.Fprintf(&b, "<a href=\"%s\">%s</a>", html.EscapeString(c.href), html.EscapeString(c.text))
		}
		b.WriteString("</div>\n")
	}
	b.WriteString("<div class=\"main\">\n")
	b.WriteString(body)
	b.WriteString("\n</div>\n")
	fmt.Fprintf(&b, "<div class=\"footer\"><p>主办单位：%s</p><p>网站标识码：%s</p><p>ICP备案号：X ICP备05000000号</p></div>\n</body>\n</html>\n",
		html.EscapeString(s.agency), s.siteID)
	return encodePage(b.String(), s.charset, modified)
}

// encodePage encodes a UTF-8 page into charset ("utf-8" or "gbk") with a
// correct Content-Type header.
func encodePage(page, charset string, modified time.Time) (resource, error) {
	body := []byte(page)
	if charset == "gbk" {
		enc, err := simplifiedchinese.GBK.NewEncoder().Bytes(body)
		if err != nil {
			return resource{}, fmt.Errorf("demoportal: encode page as gbk: %w", err)
		}
		body = enc
	}
	return resource{body: body, contentType: "text/html; charset=" + charset, charset: charset, modified: modified}, nil
}

// link is an anchor on a navigation page.
type link struct {
	href, text string
}

// linkList renders anchors as a <ul>, each with an optional date.
func linkList(class string, items []listItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<ul class=\"%s\">\n", class)
	for _, it := range items {
		fmt.Fprintf(&b, "<li><a href=\"%s\" target=\"_blank\" title=\"%s\">%s</a>",
			html.EscapeString(it.href), html.EscapeString(it.title), html.EscapeString(it.title))
		if it.date != "" {
			fmt.Fprintf(&b, "<span class=\"date\">%s</span>", it.date)
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</ul>")
	return b.String()
}

// siteDate is the Last-Modified of navigation pages.
func siteDate() time.Time { return day(2021, time.January, 10) }

// day returns a fixed UTC date; every Last-Modified of the portal is one.
func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 9, 30, 0, 0, time.UTC)
}
