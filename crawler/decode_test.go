package crawler

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
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

// The crawler hands extraction the charset result it decoded links with;
// the record must be the one extraction makes on its own.
func TestDecodedHandedToExtract(t *testing.T) {
	reps, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	handed := 0
	for _, enc := range []fixture.Encoding{fixture.EncUTF8, fixture.EncGBK, fixture.EncGB18030, fixture.EncBig5} {
		for _, r := range reps[:3] {
			pg, err := fixture.Render(r, fixture.Options{Chrome: true, Encoding: enc})
			if err != nil {
				continue
			}
			in := extract.Input{URL: "http://127.0.0.1/t1.html", Body: pg.Body, ContentType: pg.ContentType}
			alone, err := extract.Extract(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			_, in.Decoded = decodePage(pg.Body, pg.ContentType)
			if in.Decoded != nil {
				handed++
			}
			withDecoded, err := extract.Extract(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(alone)
			b, _ := json.Marshal(withDecoded)
			if !bytes.Equal(a, b) {
				t.Errorf("%s %s: record differs when the crawler's decode is handed over", enc, r.ID)
			}
		}
	}
	if handed < 6 {
		t.Errorf("the crawler decoded only %d pages itself, want the non-UTF-8 ones (≥ 6)", handed)
	}
}
