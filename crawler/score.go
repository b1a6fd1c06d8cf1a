package crawler

import (
	"net/url"
	"path"
	"regexp"
	"strings"
)

// What a followed link is expected to lead to.
const (
	kindPage       = "page"       // a section or column page
	kindList       = "list"       // another page of a list (pagination)
	kindReport     = "report"     // a report page (年度报告 in its anchor)
	kindAttachment = "attachment" // a file: pdf, doc, docx, wps, xls, xlsx, zip
)

// term is a word that makes a link promising, with its weight.
type term struct {
	s string
	w float64
}

// anchorTerms score a link's anchor text.
var anchorTerms = []term{
	{"年度报告", 30}, {"工作年报", 30}, {"年报", 25}, {"政府信息公开", 14},
	{"信息公开", 12}, {"政务公开", 12}, {"法定主动公开", 6}, {"公开目录", 6}, {"zfxxgk", 10},
}

// urlTerms score a link's URL (pinyin abbreviations portals use in paths).
var urlTerms = []term{
	{"ndbg", 20}, {"gknb", 20}, {"xxgknb", 20}, {"zfxxgkndbg", 20}, {"nianbao", 20}, {"annual", 10},
	{"zfxxgk", 10}, {"xxgk", 8}, {"zwgk", 6}, {"gkml", 4},
}

// negativeTerms mark links that are never the way to a report.
var negativeTerms = []string{
	"登录", "注册", "english", "无障碍", "网站地图", "邮箱", "微博", "微信", "视频", "图片", "下载中心",
	"javascript:", "mailto:", "tel:",
}

// attachmentExt are the files a report may come as.
var attachmentExt = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".wps": true, ".xls": true, ".xlsx": true, ".zip": true,
}

// skipExt are files never worth a request.
var skipExt = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".bmp": true, ".svg": true, ".ico": true,
	".css": true, ".js": true, ".mp3": true, ".mp4": true, ".avi": true, ".flv": true, ".swf": true,
	".exe": true, ".apk": true, ".rar": true, ".7z": true, ".ppt": true, ".pptx": true, ".txt": true,
	".webp": true, ".woff": true, ".ttf": true, ".xml": true, ".rss": true,
}

var yearRe = regexp.MustCompile(`(19|20)\d\d`)

var (
	// fileNameRe is a document file name in an anchor or a query value
	// (附件：2021年年报.pdf（256KB）, downfile.jsp?filename=nb.pdf).
	fileNameRe = regexp.MustCompile(`(?i)\.(?:pdf|docx?|wps|xlsx?)(?:$|[^a-z0-9])`)
	// downloadPathRe is the file name of a download endpoint.
	downloadPathRe = regexp.MustCompile(`(?i)down_?(?:load)?_?file|file_?down|getfile|download|attach(?:ment)?(?:down|get)`)
)

// fileKeys are query keys that name a stored file (…?fileId=123).
var fileKeys = map[string]bool{"fileid": true, "file_id": true, "attachid": true, "attid": true, "attachmentid": true, "fileno": true, "docid_file": true}

// fileLink reports whether a link without a document extension still
// leads to a document file: a download endpoint (/module/download/downfile.jsp?…,
// …?fileId=), a query naming a .pdf/.doc/.wps file, or an anchor that is a
// file name.
func fileLink(anchor string, u *url.URL) bool {
	if fileNameRe.MatchString(strings.TrimSpace(anchor)) && !strings.HasSuffix(strings.ToLower(u.Path), "html") {
		return true
	}
	if u.RawQuery == "" || strings.Contains(strings.ToLower(path.Ext(u.Path)), "htm") {
		return false // a viewer page (viewer.html?file=nb.pdf) is a page
	}
	for k, vs := range u.Query() {
		if fileKeys[strings.ToLower(k)] {
			return true
		}
		for _, v := range vs {
			if fileNameRe.MatchString(v) {
				return true
			}
		}
	}
	return downloadPathRe.MatchString(path.Base(u.Path))
}

// scoreLink rates a link found on a page of kind from. A link scoring ≤ 0
// is not followed.
func scoreLink(l link, u *url.URL, from string) (float64, string) {
	a := foldText(l.anchor)
	lu := foldURL(u)
	href := strings.ToLower(l.href)
	for _, n := range negativeTerms {
		if strings.Contains(a, n) || strings.Contains(href, n) {
			return 0, ""
		}
	}
	ext := strings.ToLower(path.Ext(u.Path))
	if skipExt[ext] {
		return 0, ""
	}
	var s float64
	for _, t := range anchorTerms {
		if strings.Contains(a, t.s) {
			s += t.w
		}
	}
	for _, t := range urlTerms {
		if strings.Contains(lu, t.s) {
			s += t.w
		}
	}
	reportish := strings.Contains(a, "年度报告") || strings.Contains(a, "年报")
	if reportish && yearRe.MatchString(a) {
		s += 10
	}
	if attachmentExt[ext] || fileLink(a, u) {
		// On a report page every attachment is the report or part of it.
		if from == kindReport {
			return 40 + s, kindAttachment
		}
		if reportish {
			return 35 + s, kindAttachment
		}
		return 0, ""
	}
	// A report names its year; a column (政府信息公开年报, 年报专栏) does not.
	if reportish && yearRe.MatchString(a) && !strings.Contains(a, "专栏") {
		return s + 10, kindReport
	}
	return s, kindPage
}
