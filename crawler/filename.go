package crawler

import (
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var dispositionNameRe = regexp.MustCompile(`(?i)filename\*?\s*=\s*(?:[\w-]+'[\w-]*')?["']?([^"';]+)`)

// docName is the name of a fetched document for extraction: the file
// name the server gives in Content-Disposition, else the anchor text of
// the link that led to it (a download endpoint's URL names nothing).
func docName(h http.Header, anchor string) string {
	if n := dispositionName(h.Get("Content-Disposition")); n != "" {
		return n
	}
	return strings.TrimSpace(anchor)
}

// dispositionName reads the file name of a Content-Disposition header as
// Chinese servers send it: RFC 6266 filename*=UTF-8”%E5…, a quoted name,
// a percent-encoded name, or raw GBK bytes.
func dispositionName(v string) string {
	if v == "" {
		return ""
	}
	name := ""
	if _, params, err := mime.ParseMediaType(v); err == nil {
		name = params["filename"] // mime decodes filename* into it
	}
	if name == "" {
		if m := dispositionNameRe.FindStringSubmatch(v); m != nil {
			name = m[1]
		}
	}
	if strings.Contains(name, "%") {
		if d, err := url.PathUnescape(name); err == nil {
			name = d
		}
	}
	if !utf8.ValidString(name) {
		if d, err := simplifiedchinese.GB18030.NewDecoder().String(name); err == nil {
			name = d
		}
	}
	return strings.TrimSpace(strings.ToValidUTF8(name, ""))
}
