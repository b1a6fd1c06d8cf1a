package extract

import (
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Attachments: links in the article body to documents the crawler should
// fetch and archive. A link counts by the extension of its path, of a
// file-name query parameter (download.jsp?filename=报告.pdf), or of its
// anchor text ("2020年度报告.docx").

var attachmentExts = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".wps": true, ".xls": true,
	".xlsx": true, ".zip": true, ".rar": true, ".et": true, ".ofd": true,
}

func attachmentExt(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	e := path.Ext(name)
	if attachmentExts[e] {
		return e
	}
	return ""
}

// findAttachments lists document links under body, resolved against base,
// each URL once, in document order.
func findAttachments(body *html.Node, base *url.URL) []Attachment {
	var out []Attachment
	seen := map[string]bool{}
	walkElements(body, func(n *html.Node) bool {
		if n.DataAtom != atom.A {
			return true
		}
		href := strings.TrimSpace(attr(n, "href"))
		if href == "" || strings.HasPrefix(strings.ToLower(href), "javascript:") || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "mailto:") {
			return false
		}
		text := nodeText(n)
		if !isAttachmentLink(href, text, attr(n, "download")) {
			return false
		}
		u, err := url.Parse(href)
		if err != nil {
			return false
		}
		if base != nil {
			u = base.ResolveReference(u)
		}
		abs := u.String()
		if !seen[abs] {
			seen[abs] = true
			out = append(out, Attachment{URL: abs, Text: text})
		}
		return false
	})
	return out
}

func isAttachmentLink(href, text, download string) bool {
	u, err := url.Parse(href)
	if err != nil {
		return false
	}
	if attachmentExt(u.Path) != "" || attachmentExt(text) != "" || attachmentExt(download) != "" {
		return true
	}
	for _, vs := range u.Query() {
		for _, v := range vs {
			if attachmentExt(v) != "" {
				return true
			}
		}
	}
	return false
}

// baseURL is the page URL, overridden by <base href>.
func baseURL(root *html.Node, pageURL string) *url.URL {
	u, err := url.Parse(pageURL)
	if err != nil {
		u = nil
	}
	if b := findInHead(root, atom.Base); b != nil {
		if h := attr(b, "href"); h != "" {
			if bu, err := url.Parse(h); err == nil {
				if u != nil {
					return u.ResolveReference(bu)
				}
				return bu
			}
		}
	}
	return u
}
