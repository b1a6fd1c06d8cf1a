package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/crawler"
	"github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/demoportal"
)

// On a real archive made by crawling the demo portal twice, with one report
// revised between the crawls, every report the portal served shows on its
// agency's timeline, its report page shows every table cell as the portal
// published it, and the revised report has two versions and a diff.
func TestDemoArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dp, err := demoportal.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dp.Close()
	st, err := archive.Open(filepath.Join(t.TempDir(), "demo.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list := dp.Seeds()
	crawl := func() {
		c, err := crawler.New(st, crawler.Config{AllowPrivate: true, Rate: 0, MaxDepth: -1, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Run(ctx, list); err != nil {
			t.Fatal(err)
		}
	}
	crawl()
	const revised = "001"
	if err := dp.Revise(revised); err != nil {
		t.Fatal(err)
	}
	crawl()

	s := newServer(t, &fixtureArchive{store: st})
	checked, cells, linked := 0, 0, 0
	for _, sv := range dp.Truth() {
		if sv.Kind != demoportal.KindReport || sv.Disallowed {
			continue
		}
		u := sv.URL
		if sv.InAttachment {
			u = sv.Attachments[0]
		}
		versions, err := st.Versions(u)
		if err != nil || len(versions) == 0 {
			t.Errorf("%s (%s %d): not archived: %v", u, sv.Agency, sv.Year, err)
			continue
		}
		latest := versions[len(versions)-1].Digest

		// The timeline links the report; a report published as a notice page
		// with its DOCX is one publication, linked through its page.
		link := latest
		if sv.InAttachment {
			if page, err := st.Versions(sv.URL); err == nil && len(page) > 0 {
				link = page[len(page)-1].Digest
			}
		}
		res, body := get(t, s, "/agency?name="+url.QueryEscape(sv.Agency))
		if res.StatusCode != 200 || !strings.Contains(body, "/report/"+link) {
			t.Errorf("timeline of %s: status %d, no link to %s", sv.Agency, res.StatusCode, link)
		}

		res, body = get(t, s, "/report/"+latest)
		if sv.InAttachment {
			// The attachment's own digest leads to its page's report,
			// the version with this attachment.
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/report/"+link+".") || !strings.HasSuffix(loc, "."+latest) {
				t.Errorf("report of attachment %s: %d to %q, want its page's version %s.…%s", u, res.StatusCode, loc, link, latest)
			}
			res, body = get(t, s, loc)
		}
		if res.StatusCode != 200 {
			t.Fatalf("report %s: %d", u, res.StatusCode)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		// Rows are printed in the official order, so the i-th row of a
		// rendered table is the i-th row of its layout.
		for _, l := range tables.Layouts(sv.Template) {
			rows := doc.Find("#t-" + l.ID + " tbody tr")
			if rows.Length() != len(l.Rows) {
				t.Errorf("%s %s: %d rows shown, want %d", u, l.ID, rows.Length(), len(l.Rows))
				continue
			}
			for i, row := range l.Rows {
				for _, col := range l.ColumnsOf(row.ID) {
					want := sv.Report.Tables[l.ID][row.ID][col].Raw
					got := strings.TrimSpace(rows.Eq(i).Find(`td[data-col="` + col + `"]`).Text())
					cells++
					if got != want {
						t.Errorf("%s %s.%s.%s shown %q, published %q", u, l.ID, row.ID, col, got, want)
					}
				}
			}
		}
		checked++
		if sv.InAttachment {
			// The page that links the DOCX shows it as a download of the
			// archived bytes.
			page, err := st.Versions(sv.URL)
			if err != nil || len(page) == 0 {
				t.Fatalf("notice page %s not archived: %v", sv.URL, err)
			}
			_, body := get(t, s, "/report/"+page[len(page)-1].Digest)
			if !strings.Contains(body, `href="/raw/`+latest+`"`) {
				t.Errorf("notice page %s does not link the archived attachment %s", sv.URL, u)
			}
			// One report in two files: both listed, the tables marked as
			// the attachment's.
			if !strings.Contains(body, `id="files"`) || !strings.Contains(body, "page <small>"+sv.URL+"</small>") ||
				!strings.Contains(body, "attachment <small>"+u+"</small>") || strings.Count(body, `<span class="tag">tables</span>`) != 1 {
				t.Errorf("report page of %s does not list its page and %s as its files", sv.URL, u)
			}
			linked++
		}

		if sv.Report.ID == revised {
			if len(versions) != 2 {
				t.Fatalf("revised report %s has %d versions, want 2", u, len(versions))
			}
			res, body := get(t, s, "/diff/"+versions[0].Digest+"/"+latest)
			// The correction the portal appended to the overview, marked
			// inside its paragraph; nothing else of the text shown as changed.
			if res.StatusCode != 200 || !strings.Contains(body, "No table cell changed.") ||
				!strings.Contains(body, "<ins>（本段文字有误，已于第2版更正。）</ins></td></tr>") || strings.Count(body, "<del>") != 1 /* the legend */ ||
				strings.Count(body, `<tr class="changed">`) != 1 || !strings.Contains(body, `<tr class="skip">`) {
				t.Errorf("diff of the revision: status %d; want unchanged cells, the correction marked inline, unchanged lines collapsed:\n%s", res.StatusCode, body)
			}
			// The home page lists it as recently changed, with the diff link.
			if _, home := get(t, s, "/"); !strings.Contains(home, `href="/diff/`+versions[0].Digest+"/"+latest+`"`) {
				t.Errorf("the home page does not list the revised report")
			}
		}
	}
	t.Logf("%d reports, %d cells compared through the web view, %d attachment links", checked, cells, linked)
	inAttachment := 0
	for _, sv := range dp.Truth() {
		if sv.Kind == demoportal.KindReport && !sv.Disallowed && sv.InAttachment {
			inAttachment++
		}
	}
	// The home page counts each report once: a page and its attachment
	// are one (this crawl's reports, the revised one with two versions).
	reports := map[string]bool{}
	for _, sv := range dp.Truth() {
		if sv.Kind == demoportal.KindReport && !sv.Disallowed {
			reports[sv.URL] = true
		}
	}
	if _, home := get(t, s, "/"); !strings.Contains(home, fmt.Sprintf("<dt>Reports 年度报告</dt><dd>%d (", len(reports))) {
		t.Errorf("the home page does not count the %d reports the portal published once each", len(reports))
	}
	if linked != inAttachment || linked == 0 {
		t.Errorf("%d archived attachments linked, want the %d reports published only as attachments", linked, inAttachment)
	}
	if checked < 9 {
		t.Errorf("checked %d reports of the demo portal, want all 9", checked)
	}
}
