package charset

import (
	"bytes"
	"mime"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// MetaScanLimit is how many bytes at the start of a page are searched for a
// <meta> charset. Government pages often carry long <head>s full of scripts,
// so this is larger than the 1024 bytes of the HTML prescan.
const MetaScanLimit = 8 << 10

// family groups the labels that decode the same way here.
type family int

const (
	famNone  family = iota // no usable label
	famUTF8                // utf-8 (简体/繁体 Unicode)
	famGB                  // gb2312, gbk, gb18030 and their aliases (国标)
	famBig5                // big5 and its aliases (大五码)
	famOther               // any other encoding x/text knows
)

// label is one declared or chosen encoding.
type label struct {
	name string // canonical lower-case name reported in Result.Charset
	fam  family
	enc  encoding.Encoding
}

// gbNames maps the GB-family labels seen on portals to the name we report.
// All of them are decoded with GB18030, which reads every GBK and GB2312
// byte sequence plus the 4-byte ones GBK decoders reject (81 30 84 36 = NBSP).
var gbNames = map[string]string{
	"gb2312": "gb2312", "gb_2312": "gb2312", "gb_2312-80": "gb2312", "euc-cn": "gb2312",
	"x-euc-cn": "gb2312", "csgb2312": "gb2312", "chinese": "gb2312", "iso-ir-58": "gb2312",
	"csiso58gb231280": "gb2312", "gb-2312": "gb2312",
	"gbk": "gbk", "x-gbk": "gbk", "cp936": "gbk", "ms936": "gbk", "windows-936": "gbk",
	"gb18030": "gb18030", "gb-18030": "gb18030", "gb18030-2000": "gb18030", "gb18030-2005": "gb18030",
}

var (
	labelUTF8    = label{name: "utf-8", fam: famUTF8, enc: unicode.UTF8}
	labelGB18030 = label{name: "gb18030", fam: famGB, enc: simplifiedchinese.GB18030}
	labelBig5    = label{name: "big5", fam: famBig5, enc: traditionalchinese.Big5}
)

// lookupLabel resolves a charset label as found in a header, a meta tag or
// --charset. ok is false for labels nobody can decode.
func lookupLabel(raw string) (label, bool) {
	s := strings.ToLower(strings.Trim(strings.TrimSpace(raw), `"' `))
	if s == "" {
		return label{}, false
	}
	if name, ok := gbNames[s]; ok {
		return label{name: name, fam: famGB, enc: simplifiedchinese.GB18030}, true
	}
	enc, err := htmlindex.Get(s)
	if err != nil {
		// Portals misspell labels ("gbk2312", "utf8mb4"); keep the family.
		switch {
		case strings.HasPrefix(s, "gb"):
			return label{name: "gbk", fam: famGB, enc: simplifiedchinese.GB18030}, true
		case strings.Contains(s, "big5"):
			return labelBig5, true
		case strings.HasPrefix(s, "utf8") || strings.HasPrefix(s, "utf-8"):
			return labelUTF8, true
		}
		return label{}, false
	}
	switch enc {
	case unicode.UTF8:
		return labelUTF8, true
	case simplifiedchinese.GBK:
		return label{name: "gbk", fam: famGB, enc: simplifiedchinese.GB18030}, true
	case simplifiedchinese.GB18030:
		return labelGB18030, true
	case traditionalchinese.Big5:
		return labelBig5, true
	}
	name, err := htmlindex.Name(enc)
	if err != nil || name == "replacement" {
		return label{}, false
	}
	return label{name: strings.ToLower(name), fam: famOther, enc: enc}, true
}

// asciiCompatible reports whether ASCII bytes mean ASCII in this encoding.
func (l label) asciiCompatible() bool {
	switch l.name {
	case "utf-16le", "utf-16be":
		return false
	}
	return l.enc != nil
}

// HeaderCharset returns the charset parameter of an HTTP Content-Type
// header ("text/html; charset=GBK" → "GBK"), or "" when there is none.
func HeaderCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		return params["charset"]
	}
	// Malformed headers are common ("text/html;;charset=gbk"); fall back to a scan.
	return charsetParam(contentType)
}

// charsetParam extracts the value after "charset=" in a Content-Type-like
// string, the way browsers do for <meta content="...">.
func charsetParam(s string) string {
	i := indexFold(s, "charset")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(s[i+len("charset"):], " \t")
	if !strings.HasPrefix(rest, "=") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t")
	if rest == "" {
		return ""
	}
	if q := rest[0]; q == '"' || q == '\'' {
		if j := strings.IndexByte(rest[1:], q); j >= 0 {
			return rest[1 : 1+j]
		}
		return ""
	}
	if j := strings.IndexAny(rest, " \t;,"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// MetaCharset returns the charset declared by the first <meta charset=...>
// or <meta http-equiv="Content-Type" content="...; charset=..."> within the
// first MetaScanLimit bytes of an HTML page, or "" when there is none.
// Comments and script bodies are skipped, as a browser would.
func MetaCharset(page []byte) string {
	if len(page) > MetaScanLimit {
		page = page[:MetaScanLimit]
	}
	if !containsFold(page, "<meta") {
		return "" // most bytes are not worth tokenizing
	}
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken: // io.EOF or a cut tag at the scan limit
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "meta" || !hasAttr {
				continue
			}
			var charset, content string
			var httpEquiv bool
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "charset":
					charset = string(v)
				case "content":
					content = string(v)
				case "http-equiv":
					httpEquiv = strings.EqualFold(strings.TrimSpace(string(v)), "content-type")
				}
			}
			if c := strings.TrimSpace(charset); c != "" {
				return c
			}
			if httpEquiv {
				if c := charsetParam(content); c != "" {
					return c
				}
			}
		}
	}
}

// containsFold is a case-insensitive bytes.Contains for an ASCII needle
// that starts with a non-letter ("<meta").
func containsFold(b []byte, needle string) bool {
	for {
		i := bytes.IndexByte(b, needle[0])
		if i < 0 || len(b)-i < len(needle) {
			return false
		}
		if asciiEqualFold(b[i:i+len(needle)], needle) {
			return true
		}
		b = b[i+1:]
	}
}

// asciiEqualFold compares ASCII case-insensitively, without allocating.
func asciiEqualFold(b []byte, s string) bool {
	for i := range len(s) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// indexFold is a case-insensitive strings.Index for an ASCII needle. Unlike
// strings.ToLower it keeps byte offsets, whatever non-UTF-8 bytes s holds.
func indexFold(s, needle string) int {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		if s[i]|0x20 == needle[0]|0x20 && strings.EqualFold(s[i:i+n], needle) {
			return i
		}
	}
	return -1
}
