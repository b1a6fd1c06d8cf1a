package export

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/publication"
)

// Stats are the archive's counts (`crawl stats`).
type Stats struct {
	Captures       int           `json:"captures"`
	URLs           int           `json:"urls"`
	FailedCaptures int           `json:"failed_captures"` // no usable response
	NotModified    int           `json:"not_modified"`    // 304 answers to conditional requests
	UniquePayloads int           `json:"unique_payloads"`
	FetchedBytes   int64         `json:"fetched_bytes"` // body bytes of every capture with a body
	UniqueBytes    int64         `json:"unique_bytes"`  // payload bytes stored once each (before compression)
	StoredBytes    int64         `json:"stored_bytes"`  // the same payloads as stored, compressed
	FileBytes      int64         `json:"file_bytes"`    // the archive file on disk
	Runs           int           `json:"runs"`
	UnknownPagers  int           `json:"unknown_pagers"` // hosts of the last run whose list pager no adapter follows
	LastRunNotes   []string      `json:"last_run_notes"` // moved seeds, unfollowed pagers (archive.Run.Notes)
	Reports        []ReportCount `json:"reports"`        // parsed records by year × template × kind
	// Publications counts reports as the exports give them: a report page
	// and the attachments carrying the same report once (internal/publication).
	Publications []PublicationCount `json:"publications"`
	FailedChecks map[string]int     `json:"failed_checks"` // check id → records failing it
	ErrorsByKind map[string]int     `json:"errors_by_kind"`
	Seeds        []SeedReach        `json:"seeds"`
}

// ReportCount is how many parsed payloads share a year, template and kind.
type ReportCount struct {
	Year     int    `json:"year"`
	Template string `json:"template"`
	Kind     string `json:"kind"`
	Count    int    `json:"count"`
}

// PublicationCount is how many reports (kinds report and copy) share a
// year, template and kind, counted once per publication at its newest
// version: a wrapper page and its PDF are one report here, two parsed
// records in Reports.
type PublicationCount struct {
	Year            int            `json:"year"`
	Template        string         `json:"template"`
	Kind            string         `json:"kind"`
	Reports         int            `json:"reports"`
	Versions        int            `json:"versions"`         // their versions, as the exports give them
	WithAttachments int            `json:"with_attachments"` // reports given with an attachment carrying them
	Failed          int            `json:"failed"`           // reports whose newest version fails a check
	TablesSource    map[string]int `json:"tables_source"`    // reports by where their tables came from
}

// SeedReach is what one seed led to.
type SeedReach struct {
	Seed        string `json:"seed"`
	Agency      string `json:"agency,omitempty"`
	Captures    int    `json:"captures"`
	Errors      int    `json:"errors"`
	Blocked     int    `json:"blocked"` // robots.txt or blocked by the server
	Reports     int    `json:"reports"` // distinct report payloads reached
	Unreachable bool   `json:"unreachable"`
}

// BuildStats takes the archive's own counters (archive.Stats) and adds
// what needs the records or the captures themselves: failed checks (from
// the record JSON), 304s and each seed's reach. Its memory grows with the
// number of seeds and of report payloads, not of captures.
func BuildStats(ctx context.Context, a Archive) (*Stats, error) {
	base, err := a.Stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive counts: %w", err)
	}
	st := &Stats{
		Captures: int(base.Captures), URLs: int(base.URLs), UniquePayloads: int(base.Payloads),
		FetchedBytes: base.CaptureBytes, UniqueBytes: base.RawBytes, StoredBytes: base.StoredBytes,
		FileBytes: base.FileBytes, Runs: base.Runs,
		FailedChecks: map[string]int{}, ErrorsByKind: map[string]int{},
	}
	for kind, n := range base.CapturesByKind {
		if kind != archive.KindOK {
			st.ErrorsByKind[kind] = int(n)
			st.FailedCaptures += int(n)
		}
	}
	for _, p := range base.Parsed {
		st.Reports = append(st.Reports, ReportCount{p.Year, p.Template, p.Kind, p.Count})
	}
	if st.Publications, err = countPublications(ctx, a); err != nil {
		return nil, err
	}
	runs, err := a.Runs()
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	if len(runs) > 0 {
		last := runs[len(runs)-1]
		st.UnknownPagers, st.LastRunNotes = last.Counts["unknown_pagers"], last.Notes
	}
	isReport := map[string]bool{}
	err = a.ForEachParsed(ctx, archive.Filter{}, func(p archive.Parsed) error {
		if p.Kind == extract.KindReport {
			isReport[p.Digest] = true
		}
		var only struct {
			Checks []extract.Check `json:"checks"`
		}
		if err := json.Unmarshal(p.JSON, &only); err != nil {
			return fmt.Errorf("decode record %s: %w", p.Digest, err)
		}
		for _, c := range only.Checks {
			if c.Status == extract.CheckFailed {
				st.FailedChecks[c.ID]++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("parsed records: %w", err)
	}

	seeds := map[string]*SeedReach{}
	seedReports := map[string]map[string]bool{}
	seedOK := map[string]bool{}
	err = a.ForEachCapture(ctx, func(c archive.Capture) error {
		s := seeds[c.Seed]
		if s == nil {
			s = &SeedReach{Seed: c.Seed, Agency: c.Agency}
			seeds[c.Seed] = s
			seedReports[c.Seed] = map[string]bool{}
		}
		s.Captures++
		ok := c.ErrKind == "" && c.Status > 0 && c.Status < 400
		if c.Status == http.StatusNotModified {
			st.NotModified++
		}
		if !ok {
			s.Errors++
			if c.ErrKind == "robots" || c.ErrKind == "blocked" {
				s.Blocked++
			}
		}
		if ok && (c.URL == c.Seed || c.FinalURL == c.Seed) {
			seedOK[c.Seed] = true
		}
		if ok && isReport[c.Digest] {
			seedReports[c.Seed][c.Digest] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("captures: %w", err)
	}
	for seed, s := range seeds {
		s.Reports = len(seedReports[seed])
		s.Unreachable = seed != "" && !seedOK[seed]
		st.Seeds = append(st.Seeds, *s)
	}
	sort.Slice(st.Seeds, func(i, j int) bool { return st.Seeds[i].Seed < st.Seeds[j].Seed })
	return st, nil
}

// countPublications counts the reports the exports give (default kinds),
// each at its newest version (Summarize: only a grouped publication's
// records are decoded whole).
func countPublications(ctx context.Context, a Archive) ([]PublicationCount, error) {
	type key struct {
		year           int
		template, kind string
	}
	counts := map[key]*PublicationCount{}
	ix, err := publication.BuildIndex(ctx, a)
	if err != nil {
		return nil, err
	}
	var f Filter
	err = a.ForEachURL(ctx, func(u string) error {
		refs, err := ReportVersions(a, ix, u)
		if err != nil || len(refs) == 0 {
			return err
		}
		r, err := Summarize(a, refs[len(refs)-1])
		if err != nil || r == nil || !f.kindOK(r.Kind) {
			return err
		}
		k := key{r.Year, r.Template, r.Kind}
		c := counts[k]
		if c == nil {
			c = &PublicationCount{Year: r.Year, Template: r.Template, Kind: r.Kind, TablesSource: map[string]int{}}
			counts[k] = c
		}
		c.Reports++
		c.Versions += len(refs)
		if r.Grouped {
			c.WithAttachments++
		}
		if slices.ContainsFunc(r.Checks, func(c extract.Check) bool { return c.Status == extract.CheckFailed }) {
			c.Failed++
		}
		src := r.TablesSource
		if src == "" {
			src = publication.TablesNone
		}
		c.TablesSource[src]++
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("publications: %w", err)
	}
	out := make([]PublicationCount, 0, len(counts))
	for _, c := range counts {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b PublicationCount) int {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Template, b.Template), cmp.Compare(a.Kind, b.Kind))
	})
	return out, nil
}
