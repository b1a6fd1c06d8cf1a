package web

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
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
	Year         int
	Template     string
	Kind         string
	Versions     int
	FirstSeen    time.Time
	LastSeen     time.Time
	Changed      bool // more than one version: changed after publication
	FailedChecks []extract.Check
	Received     *float64 // requests.received.total of the latest version
	Granted      *float64 // requests.granted.total of the latest version
}

// yearGroup is one year of an agency's timeline.
type yearGroup struct {
	Year    int
	Reports []reportRow
}

// timeline gathers every report of one agency, grouped by year, newest first.
func (s *Server) timeline(ctx context.Context, agency string) ([]yearGroup, error) {
	seen := map[string]bool{}
	var urls []string
	err := s.store.ForEachParsed(ctx, archive.Filter{Agency: agency}, func(p archive.Parsed) error {
		if p.Kind == extract.KindNotReport || seen[p.URL] {
			return nil
		}
		seen[p.URL] = true
		urls = append(urls, p.URL)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", agency, err)
	}
	byYear := map[int][]reportRow{}
	for _, u := range urls {
		row, ok, err := s.reportRow(u)
		if err != nil {
			return nil, err
		}
		if ok {
			byYear[row.Year] = append(byYear[row.Year], row)
		}
	}
	var groups []yearGroup
	for y, rows := range byYear {
		sort.Slice(rows, func(i, j int) bool { return rows[i].URL < rows[j].URL })
		groups = append(groups, yearGroup{Year: y, Reports: rows})
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Year > groups[j].Year })
	return groups, nil
}

// reportRow summarises one URL from its versions and its latest parse.
func (s *Server) reportRow(url string) (reportRow, bool, error) {
	versions, err := s.store.Versions(url)
	if err != nil {
		return reportRow{}, false, fmt.Errorf("versions of %s: %w", url, err)
	}
	if len(versions) == 0 {
		return reportRow{}, false, nil
	}
	latest := versions[len(versions)-1]
	rec, _, err := s.loadRecord(latest.Digest)
	if err != nil {
		return reportRow{}, false, err
	}
	row := reportRow{
		URL:       url,
		Digest:    latest.Digest,
		Title:     rec.Title,
		Year:      rec.Year,
		Template:  rec.Template,
		Kind:      rec.Kind,
		Versions:  len(versions),
		FirstSeen: versions[0].FirstSeen,
		LastSeen:  latest.LastSeen,
		Changed:   len(versions) > 1,
		Received:  cellValue(rec.Tables, "requests", "received", "total"),
		Granted:   cellValue(rec.Tables, "requests", "granted", "total"),
	}
	for _, c := range rec.Checks {
		if c.Status == extract.CheckFailed {
			row.FailedChecks = append(row.FailedChecks, c)
		}
	}
	return row, true, nil
}

func cellValue(t extract.Tables, table, row, col string) *float64 {
	return t[table][row][col].Value
}
