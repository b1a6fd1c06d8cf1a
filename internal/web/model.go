package web

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/export"
)

// loadRecord reads and decodes the newest parse of one payload.
func (s *Server) loadRecord(digest string) (*extract.Record, archive.Parsed, error) {
	if err := checkDigest(digest); err != nil {
		return nil, archive.Parsed{}, err
	}
	p, err := s.store.GetParsed(digest)
	if err != nil {
		return nil, p, fmt.Errorf("record %s: %w", digest, err)
	}
	var rec extract.Record
	if err := json.Unmarshal(p.JSON, &rec); err != nil {
		return nil, p, fmt.Errorf("record %s: decode: %w", digest, err)
	}
	if rec.URL == "" {
		rec.URL = p.URL
	}
	return &rec, p, nil
}

// reportRow is one report (one URL) on an agency's timeline.
type reportRow struct {
	URL          string
	Digest       string // latest version
	Title        string
	Template     string
	Versions     int
	FirstSeen    time.Time
	LastSeen     time.Time
	Changed      bool     // more than one version: changed after publication
	FailedChecks []string // of the latest version
	Files        []string // attachments carrying the same report, shown with it (internal/publication)
}

// yearGroup is one year of an agency's timeline with that year's key
// figures (from its newest report, as crawl history shows them).
type yearGroup struct {
	Year     int
	Reports  []reportRow
	Received *float64 // requests.received.total
	Granted  *float64 // requests.granted.total
}

// timeline is an agency's history (export.BuildHistoryIndexed with the
// server's index, so grouped as the report pages are; the same model as
// crawl history) shaped for the page: years newest first.
func (s *Server) timeline(ctx context.Context, agency string) ([]yearGroup, []export.AcrossYearCk, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, nil, err
	}
	h, err := export.BuildHistoryIndexed(ctx, s.store, agency, ix)
	if err != nil {
		return nil, nil, fmt.Errorf("timeline of %s: %w", agency, err)
	}
	figures := map[int]map[string]string{}
	for _, f := range h.Figures {
		figures[f.Year] = f.Values
	}
	var groups []yearGroup
	for _, y := range h.Years {
		g := yearGroup{Year: y.Year, Received: number(figures[y.Year]["received"]), Granted: number(figures[y.Year]["granted"])}
		for _, r := range y.Reports {
			first, last := r.Versions[0], r.Versions[len(r.Versions)-1]
			g.Reports = append(g.Reports, reportRow{
				URL: r.URL, Digest: last.SHA256, Title: r.Title, Template: r.Template,
				Versions: len(r.Versions), Changed: len(r.Versions) > 1,
				FirstSeen: capturedAt(first.CapturedAt, 0), LastSeen: capturedAt(last.CapturedAt, -1),
				FailedChecks: last.FailedChecks, Files: r.Files,
			})
		}
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Year > groups[j].Year })
	return groups, h.Checks, nil
}

// capturedAt parses the first (i = 0) or last (i = -1) capture time.
func capturedAt(times []string, i int) time.Time {
	if len(times) == 0 {
		return time.Time{}
	}
	if i < 0 {
		i = len(times) - 1
	}
	t, _ := time.Parse(time.RFC3339, times[i])
	return t
}

// number reads a key figure as crawl history formats it ("" when blank).
func number(s string) *float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil
	}
	return &v
}
