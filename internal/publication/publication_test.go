package publication

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

var t0 = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

func ver(url, digest string, at time.Duration) archive.Version {
	return archive.Version{URL: url, Digest: digest, FirstSeen: t0.Add(at), LastSeen: t0.Add(at)}
}

func TestStates(t *testing.T) {
	page := []archive.Version{ver("p", "p1", 0), ver("p", "p2", 48*time.Hour)}
	pdf := []archive.Version{ver("a", "a1", time.Second), ver("a", "a2", 24*time.Hour)}
	docx := []archive.Version{ver("d", "d1", 2*time.Second)}
	var got []string
	for _, s := range States(page, [][]archive.Version{pdf, docx}) {
		end := "-"
		if !s.End.IsZero() {
			end = s.End.Sub(t0).String()
		}
		got = append(got, fmt.Sprintf("%s@%s..%s", strings.Join(s.Digests(), "+"), s.Start.Sub(t0), end))
	}
	// The attachments' first versions go with the page's first; the PDF's
	// revision and the page's are states of their own.
	want := []string{"p1+a1+d1@0s..24h0m0s", "p1+a2+d1@24h0m0s..48h0m0s", "p2+a2+d1@48h0m0s..-"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("states\n%v\nwant\n%v", got, want)
	}
	if States(nil, nil) != nil {
		t.Error("states of no page")
	}
	// An attachment never archived leaves a zero version in its place.
	if s := States(page[:1], [][]archive.Version{nil}); len(s) != 1 || s[0].Parts[0].Digest != "" {
		t.Errorf("missing attachment: %+v", s)
	}
}

func n(v float64) *float64 { return &v }

func rec(url, source string, cells map[string]string) *extract.Record {
	r := &extract.Record{URL: url, SHA256: "sha-" + url, Kind: extract.KindReport, TablesSource: source, Tables: extract.Tables{}}
	for id, raw := range cells {
		p := strings.SplitN(id, ".", 3)
		if r.Tables[p[0]] == nil {
			r.Tables[p[0]] = map[string]map[string]extract.Cell{}
		}
		if r.Tables[p[0]][p[1]] == nil {
			r.Tables[p[0]][p[1]] = map[string]extract.Cell{}
		}
		c := extract.Cell{Raw: raw}
		var v float64
		if _, err := fmt.Sscan(raw, &v); err == nil {
			c.Value = n(v)
		}
		r.Tables[p[0]][p[1]][p[2]] = c
	}
	if len(cells) == 0 {
		r.TablesSource, r.Tables = "none", nil
	}
	return r
}

func TestMergeRule(t *testing.T) {
	full := map[string]string{"requests.received.total": "59", "requests.granted.total": "25", "proactive.fees.amount": "86.4"}
	part := map[string]string{"requests.received.total": "59"}
	differ := map[string]string{"requests.received.total": "58", "requests.granted.total": "25", "proactive.fees.amount": "86.40"}
	for _, tc := range []struct {
		name      string
		page      *extract.Record
		atts      []*extract.Record
		from      string // tables_url
		source    string
		conflicts string
	}{
		{"html complete wins a tie with pdf", rec("page", "html", full), []*extract.Record{rec("a.pdf", "pdf", full)}, "page", "html", ""},
		{"docx beats pdf on a tie", rec("page", "none", nil), []*extract.Record{rec("a.pdf", "pdf", full), rec("a.docx", "docx", full)}, "a.docx", "docx", ""},
		{"incomplete html loses", rec("page", "html", part), []*extract.Record{rec("a.pdf", "pdf", full)}, "a.pdf", "pdf", ""},
		{"wrapper takes the pdf", rec("page", "none", nil), []*extract.Record{rec("a.pdf", "pdf", full)}, "a.pdf", "pdf", ""},
		// 86.4 and 86.40 are the same number: only received.total conflicts.
		{"conflict named, html kept", rec("page", "html", full), []*extract.Record{rec("a.pdf", "pdf", differ)}, "page", "html", "requests.received.total"},
		{"no tables anywhere", rec("page", "none", nil), []*extract.Record{rec("a.pdf", "none", nil)}, "", "none", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, info := Merge(tc.page, tc.atts)
			var cs []string
			for _, c := range info.Conflicts {
				cs = append(cs, c.Cell)
			}
			if info.TablesURL != tc.from || out.TablesSource != tc.source || strings.Join(cs, " ") != tc.conflicts {
				t.Errorf("tables_url %q source %q conflicts %v; want %q %q %q", info.TablesURL, out.TablesSource, cs, tc.from, tc.source, tc.conflicts)
			}
			if out.URL != "page" || out.SHA256 != "sha-page" || len(info.Files) != 1+len(tc.atts) || info.Files[0].Role != RolePage {
				t.Errorf("record %s %s files %+v", out.URL, out.SHA256, info.Files)
			}
			warned := strings.Contains(strings.Join(out.Warnings, "\n"), "disagree")
			if warned != (tc.conflicts != "") {
				t.Errorf("warnings %q", out.Warnings)
			}
		})
	}
	// The warning gives both values and the choice; the inputs are untouched.
	page, pdf := rec("page", "html", full), rec("a.pdf", "pdf", differ)
	out, _ := Merge(page, []*extract.Record{pdf})
	w := out.Warnings[len(out.Warnings)-1]
	if w != "tables: the files of this report disagree on 1 cells (requests.received.total: html 59 ≠ pdf 58); tables kept from html page" {
		t.Errorf("warning %q", w)
	}
	if len(page.Warnings) != 0 || page.Tables["requests"]["received"]["total"].Raw != "59" {
		t.Error("Merge changed its input")
	}
}

// A wrapper page lends its metadata; the attachment fills what it lacks.
func TestMergeFillsWrapper(t *testing.T) {
	page := rec("page", "none", nil)
	page.Meta.IndexNo, page.Title, page.Text = "001/2022-1", "清河市2021年报告", "详见附件"
	pdf := rec("a.pdf", "pdf", map[string]string{"requests.received.total": "59"})
	pdf.Year, pdf.Template, pdf.Title, pdf.Text = 2021, "2021", "PDF title", "全文"
	pdf.Sections.Overview = "总体情况"
	pdf.Warnings = []string{"truncated: read the first 120 of 300 pages"}
	out, _ := Merge(page, []*extract.Record{pdf})
	if out.Meta.IndexNo != "001/2022-1" || out.Title != "清河市2021年报告" || out.Year != 2021 || out.Template != "2021" ||
		out.Text != "全文" || out.Sections.Overview != "总体情况" {
		t.Errorf("merged %+v", out)
	}
	if len(out.Warnings) != 1 || out.Warnings[0] != "a.pdf: truncated: read the first 120 of 300 pages" {
		t.Errorf("warnings %q", out.Warnings)
	}
}

// fake is an archive of URLs with one version each.
type fake struct {
	urls     map[string]string // url → digest
	parsed   map[string]archive.Parsed
	captures map[uint64]archive.Capture
}

func (f *fake) ForEachURL(ctx context.Context, fn func(string) error) error {
	var us []string
	for u := range f.urls {
		us = append(us, u)
	}
	sort.Strings(us)
	for _, u := range us {
		if err := fn(u); err != nil {
			return err
		}
	}
	return nil
}

func (f *fake) Versions(u string) ([]archive.Version, error) {
	d, ok := f.urls[u]
	if !ok {
		return nil, fmt.Errorf("versions of %s: %w", u, archive.ErrNotFound)
	}
	var ids []uint64
	for id, c := range f.captures {
		if c.URL == u {
			ids = append(ids, id)
		}
	}
	return []archive.Version{{URL: u, Seq: 1, Digest: d, CaptureIDs: ids}}, nil
}

func (f *fake) GetParsed(d string) (archive.Parsed, error) {
	p, ok := f.parsed[d]
	if !ok {
		return p, archive.ErrNotFound
	}
	return p, nil
}

func (f *fake) GetCapture(id uint64) (archive.Capture, error) { return f.captures[id], nil }

func (f *fake) add(u, kind string, year int, links []string, parent string) {
	d := "d-" + u
	f.urls[u] = d
	var atts []extract.Attachment
	for _, l := range links {
		atts = append(atts, extract.Attachment{URL: l})
	}
	js, _ := json.Marshal(extract.Record{URL: u, Kind: kind, Year: year, Attachments: atts})
	f.parsed[d] = archive.Parsed{Digest: d, URL: u, Kind: kind, Year: year, JSON: js}
	id := uint64(len(f.captures) + 1)
	f.captures[id] = archive.Capture{ID: id, URL: u, Digest: d, Parent: parent}
}

func TestIndex(t *testing.T) {
	f := &fake{urls: map[string]string{}, parsed: map[string]archive.Parsed{}, captures: map[uint64]archive.Capture{}}
	f.add("http://a/2021.html", extract.KindReport, 2021, []string{"http://a/2021.pdf", "http://a/2020.pdf", "http://a/guide.pdf", "http://a/gone.pdf"}, "")
	f.add("http://a/2021.pdf", extract.KindReport, 2021, nil, "http://a/2021.html")
	f.add("http://a/2020.pdf", extract.KindReport, 2020, nil, "http://a/2021.html") // last year's: not this report
	f.add("http://a/guide.pdf", extract.KindNotReport, 0, nil, "")
	f.add("http://a/wrap.html", extract.KindReport, 0, []string{"http://a/w.pdf"}, "") // a wrapper states no year
	f.add("http://a/w.pdf", extract.KindReport, 2022, nil, "")
	f.add("http://a/list.html", extract.KindNotReport, 0, []string{"http://a/lone.pdf"}, "")
	f.add("http://a/lone.pdf", extract.KindReport, 2019, nil, "")
	f.add("http://a/view.html", extract.KindReport, 2023, nil, "") // frames its PDF: no link, only Parent
	f.add("http://a/framed.pdf", extract.KindReport, 2023, nil, "http://a/view.html")
	ix, err := BuildIndex(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for u := range f.urls {
		if o := ix.Owner(u); o != "" {
			got[u] = o
		}
	}
	want := map[string]string{"http://a/2021.pdf": "http://a/2021.html", "http://a/w.pdf": "http://a/wrap.html",
		"http://a/framed.pdf": "http://a/view.html"}
	if fmt.Sprint(got) != fmt.Sprint(want) || ix.Len() != 3 {
		t.Errorf("owners %v, want %v", got, want)
	}
	if p := ix.Parts("http://a/2021.html"); len(p) != 1 || p[0] != "http://a/2021.pdf" {
		t.Errorf("parts %v", p)
	}
	var nilIx *Index
	if nilIx.Owner("x") != "" || nilIx.Parts("x") != nil || nilIx.Len() != 0 {
		t.Error("nil index")
	}
}
