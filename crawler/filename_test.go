package crawler

import (
	"net/http"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestDispositionName(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("某县2021年政府信息公开工作年度报告.pdf")
	for _, tt := range []struct{ header, want string }{
		{`attachment; filename="nb2021.pdf"`, "nb2021.pdf"},
		{`attachment; filename*=UTF-8''%E6%9F%90%E5%8E%BF2021%E5%B9%B4%E5%B9%B4%E6%8A%A5.pdf`, "某县2021年年报.pdf"},
		{`attachment;filename=%E6%9F%90%E5%8E%BF%E5%B9%B4%E6%8A%A5.docx`, "某县年报.docx"},
		{"attachment; filename=" + gbk, "某县2021年政府信息公开工作年度报告.pdf"},
		{`inline`, ""},
		{``, ""},
	} {
		if got := dispositionName(tt.header); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.header, got, tt.want)
		}
	}
	h := http.Header{}
	if got := docName(h, " 附件：2021年年报 "); got != "附件：2021年年报" {
		t.Errorf("anchor name %q", got)
	}
	h.Set("Content-Disposition", `attachment; filename="a.pdf"`)
	if got := docName(h, "附件"); got != "a.pdf" {
		t.Errorf("header name %q", got)
	}
}
