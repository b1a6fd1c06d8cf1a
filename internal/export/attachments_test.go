package export

import (
	"net/http"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// TestFillAttachmentsAfter304 keeps an attachment's content type when its
// newest capture is a 304 (which carries no Content-Type): the type comes
// from the newest capture of the version that has one.
func TestFillAttachmentsAfter304(t *testing.T) {
	m := newMem()
	const u = "http://www.xq.gov.cn/ndbg/2020.docx"
	body := []byte("PK docx bytes")
	m.add(archive.Capture{URL: u, FetchedAt: t0, Status: 200,
		Header: http.Header{"Content-Type": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}}}, body)
	nm := m.add(archive.Capture{URL: u, FetchedAt: t0.Add(24 * time.Hour), Status: 304, Header: http.Header{"Etag": {`"d"`}}}, nil)
	m.captures[nm.ID-1].Digest = digestOf(body)
	rec := extract.Record{Attachments: []extract.Attachment{{URL: u}}}
	if err := FillAttachments(m, &rec); err != nil {
		t.Fatal(err)
	}
	a := rec.Attachments[0]
	if a.SHA256 != digestOf(body) || a.ContentType != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Errorf("attachment after a 304: %+v", a)
	}
}
