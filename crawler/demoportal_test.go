package crawler

import (
	"context"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/demoportal"
)

// With archive and extraction on, a crawl of the demo portal (several
// agencies and hosts, GBK pages, lying charset labels, TRS/下一页/?page
// lists, a DOCX-only report, robots.txt, traps) archives every report page
// the portal serves, never fetches a disallowed one, and stores a parsed
// record for each; a second run is all 304s.
func TestDemoPortalEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dp, err := demoportal.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dp.Close()
	list := dp.Seeds()
	st := testStore(t)
	cfg := testConfig()
	cfg.NoExtract = false
	cfg.Concurrency = 4
	c, err := New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := c.Run(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sum.Seeds {
		if s.Status != StatusOK {
			t.Errorf("seed %s: %s %s", s.Seed.URL, s.Status, s.Err)
		}
	}
	reports, copies := 0, 0
	for _, sv := range dp.Truth() {
		caps, err := st.Captures(sv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if sv.Disallowed {
			for _, cp := range caps {
				if cp.Status != 0 {
					t.Errorf("fetched %s, disallowed by robots.txt", sv.URL)
				}
			}
			continue
		}
		if sv.Kind == demoportal.KindCopy {
			// The essay site links its copy in traditional characters
			// (社區(qū)…公開匯報范文); folding makes that link score.
			copies++
			if len(caps) == 0 || caps[0].Digest == "" {
				t.Errorf("copy %s not archived: %+v", sv.URL, caps)
			}
			continue
		}
		if sv.Kind != demoportal.KindReport {
			continue
		}
		reports++
		if len(caps) == 0 || caps[0].Digest == "" {
			t.Errorf("report %s (%s %d) not archived: %+v", sv.URL, sv.Agency, sv.Year, caps)
			continue
		}
		p, err := st.GetParsed(caps[0].Digest)
		if err != nil {
			t.Errorf("report %s: no parsed record: %v", sv.URL, err)
			continue
		}
		if !sv.InAttachment && (p.Kind != "report" || p.Year != sv.Year) {
			t.Errorf("report %s parsed as %s %d, want report %d", sv.URL, p.Kind, p.Year, sv.Year)
		}
		for _, att := range sv.Attachments {
			if ac, _ := st.Captures(att); len(ac) == 0 || ac[0].Digest == "" {
				t.Errorf("attachment %s of %s not archived", att, sv.URL)
			}
		}
	}
	if reports == 0 || copies == 0 {
		t.Fatalf("demo portal has %d reports, %d copies", reports, copies)
	}
	if sum.Reports < reports {
		t.Errorf("summary counts %d reports, the portal serves %d", sum.Reports, reports)
	}

	second, err := c.Run(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	if second.NewPayloads != 0 || second.NotModified < second.Pages*9/10 {
		t.Errorf("second run: %d pages, %d not modified, %d new payloads", second.Pages, second.NotModified, second.NewPayloads)
	}
	t.Logf("first run %d pages %d requests %d bytes %v; second %d pages %d requests %d bytes %v",
		sum.Pages, sum.Requests, sum.Bytes, sum.Elapsed, second.Pages, second.Requests, second.Bytes, second.Elapsed)
}
