package crawler

import (
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Link reading decodes bodies: UTF-8 is taken as is whatever its label,
// anything else goes through extract/charset.
func TestDecodeText(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(`<a href="/nb/">政府信息公开年报</a>`)
	for _, tt := range []struct {
		name, body, ct, want string
	}{
		{"utf-8 labelled gbk", `<a href="/nb/">政府信息公开年报</a>`, "text/html; charset=gbk", `<a href="/nb/">政府信息公开年报</a>`},
		{"utf-8 with BOM", "\xef\xbb\xbf<p>年报</p>", "text/html", "<p>年报</p>"},
		{"gbk labelled", gbk, "text/html; charset=gbk", `<a href="/nb/">政府信息公开年报</a>`},
		{"gbk unlabelled", gbk, "text/html", `<a href="/nb/">政府信息公开年报</a>`},
	} {
		if got := decodeText([]byte(tt.body), tt.ct); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
