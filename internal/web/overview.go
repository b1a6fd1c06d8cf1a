package web

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/export"
	"github.com/gongkai/gongkai/internal/publication"
)

// overview is what the home page says the archive holds.
type overview struct {
	Agencies  int // agencies with at least one report
	Reports   int // report URLs (kind report)
	Versions  int // their distinct versions
	Years     []yearCount
	Runs      int
	LastCrawl archive.Run // the newest run (zero when none)
	Failed    int         // reports whose latest version fails a check
	Changed   []changedReport
	Built     time.Time      // when this overview was computed
	ByAgency  map[string]int // reports per agency (a page and its attachment once)
}

type yearCount struct {
	Year    int // 0: year not stated
	Reports int
}

// changedReport is a report with more than one version.
type changedReport struct {
	Agency, Title  string
	Year           int
	Digest, Before string // latest version and the one before, for the diff link
	Versions       int
	At             time.Time // when the latest version was first seen
}

// maxChanged is how many recently changed reports the home page lists.
const maxChanged = 10

// buildOverview walks the reports once as the exports give them (ix
// groups a report page with the attachments carrying the same report):
// every report's versions and the checks of its newest version.
func buildOverview(ctx context.Context, store *archive.Store, ix *publication.Index) (*overview, error) {
	o := &overview{Built: time.Now(), ByAgency: map[string]int{}}
	urls := map[string]bool{}
	agencies := map[string]bool{}
	err := store.ForEachParsed(ctx, archive.Filter{Kind: extract.KindReport}, func(p archive.Parsed) error {
		urls[p.URL] = true
		if p.Agency != "" {
			agencies[p.Agency] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("overview: %w", err)
	}
	o.Agencies = len(agencies)
	years := map[int]int{}
	for u := range urls {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		refs, err := export.ReportVersions(store, ix, u)
		if err != nil || len(refs) == 0 {
			continue // an attachment given with its page, or a URL whose versions cannot be read
		}
		last := refs[len(refs)-1]
		r, err := export.Summarize(store, last)
		if err != nil {
			return nil, fmt.Errorf("overview: %s: %w", u, err)
		}
		if r == nil || r.Kind != extract.KindReport {
			continue
		}
		o.Reports++
		o.ByAgency[r.Agency]++
		o.Versions += len(refs)
		years[r.Year]++
		for _, c := range r.Checks {
			if c.Status == extract.CheckFailed {
				o.Failed++
				break
			}
		}
		if len(refs) > 1 {
			o.Changed = append(o.Changed, changedReport{Agency: r.Agency, Title: r.Title, Year: r.Year,
				Digest: last.Key(), Before: refs[len(refs)-2].Key(), Versions: len(refs), At: last.Start})
		}
	}
	for y, n := range years {
		o.Years = append(o.Years, yearCount{Year: y, Reports: n})
	}
	sort.Slice(o.Years, func(i, j int) bool { return o.Years[i].Year > o.Years[j].Year })
	sort.Slice(o.Changed, func(i, j int) bool { return o.Changed[i].At.After(o.Changed[j].At) })
	if len(o.Changed) > maxChanged {
		o.Changed = o.Changed[:maxChanged]
	}
	runs, err := store.Runs()
	if err != nil {
		return nil, fmt.Errorf("overview: runs: %w", err)
	}
	o.Runs = len(runs)
	for _, r := range runs {
		if r.Started.After(o.LastCrawl.Started) {
			o.LastCrawl = r
		}
	}
	return o, nil
}
