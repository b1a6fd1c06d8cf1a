package extract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/charset"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// TestDecodedInput: a page handed over already decoded (Input.Decoded, as
// the crawler does for GBK pages) gives the very record Extract makes when
// it decodes the bytes itself, in every encoding and label mode.
func TestDecodedInput(t *testing.T) {
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range reports {
		for _, e := range fixture.Encodings {
			for _, l := range fixture.Labels {
				p, err := fixture.Render(r, fixture.Options{Encoding: e, Label: l, Chrome: true})
				if err != nil {
					continue // Big5 cannot encode every text
				}
				in := extract.Input{URL: "http://127.0.0.1:8080/" + r.ID + ".html", Body: p.Body, ContentType: p.ContentType}
				want := recordJSON(t, in)
				res, err := charset.Decode(in.Body, in.ContentType, "")
				if err != nil {
					t.Fatal(err)
				}
				in.Decoded = &res
				if got := recordJSON(t, in); !bytes.Equal(got, want) {
					t.Errorf("%s/%s/%s: record with Decoded differs:\n got %.300s\nwant %.300s", r.ID, e, l, got, want)
				}
				n++
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d pages compared", n)
	}
	// And it is what Extract reads: the text of another page wins over the bytes.
	a, err := fixture.Render(reports[0], fixture.Options{Encoding: fixture.EncGBK})
	if err != nil {
		t.Fatal(err)
	}
	b, err := fixture.Render(reports[1], fixture.Options{Encoding: fixture.EncGBK})
	if err != nil {
		t.Fatal(err)
	}
	res, err := charset.Decode(b.Body, b.ContentType, "")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := extract.Extract(context.Background(), extract.Input{URL: "http://127.0.0.1/a.html", Body: a.Body, ContentType: a.ContentType, Decoded: &res})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Title != reports[1].Title {
		t.Errorf("title %q, want the decoded page's %q", rec.Title, reports[1].Title)
	}
	// Decode never returns invalid UTF-8; a Decoded that holds some is refused.
	bad := res
	bad.Text = "<p>\xff</p>"
	if _, err := extract.Extract(context.Background(), extract.Input{URL: "http://127.0.0.1/a.html", Body: a.Body, Decoded: &bad}); err == nil {
		t.Error("a Decoded with invalid UTF-8 was accepted")
	}
}

func recordJSON(t *testing.T, in extract.Input) []byte {
	t.Helper()
	rec, err := extract.Extract(context.Background(), in)
	if err != nil {
		t.Fatalf("extract %s: %v", in.URL, err)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
