package export

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// Stats are the archive's counts (`crawl stats`).
type Stats struct {
	Captures       int            `json:"captures"`
	URLs           int            `json:"urls"`
	FailedCaptures int            `json:"failed_captures"` // no usable response
	NotModified    int            `json:"not_modified"`    // 304 answers to conditional requests
	UniquePayloads int            `json:"unique_payloads"`
	FetchedBytes   int64          `json:"fetched_bytes"` // payload bytes of every capture
	UniqueBytes    int64          `json:"unique_bytes"`  // payload bytes stored once each (before compression)
	FileBytes      int64          `json:"file_bytes"`    // the archive file on disk (set by the caller)
	Runs           int            `json:"runs"`
	Reports        []ReportCount  `json:"reports"`       // parsed records by year × template × kind
	FailedChecks   map[string]int `json:"failed_checks"` // check id → records failing it
	ErrorsByKind   map[string]int `json:"errors_by_kind"`
	Seeds          []SeedReach    `json:"seeds"`
}

// ReportCount is how many parsed payloads share a year, template and kind.
type ReportCount struct {
	Year     int    `json:"year"`
	Template string `json:"template"`
	Kind     string `json:"kind"`
	Count    int    `json:"count"`
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

// BuildStats reads the whole archive once through the parsed index and once
// through the captures. Its memory grows with the number of payloads.
func BuildStats(ctx context.Context, a Archive) (*Stats, error) {
	st := &Stats{FailedChecks: map[string]int{}, ErrorsByKind: map[string]int{}}
	type rkey struct {
		year           int
		template, kind string
	}
	reports := map[rkey]int{}
	isReport := map[string]bool{}
	err := a.ForEachParsed(ctx, archive.Filter{}, func(p archive.Parsed) error {
		reports[rkey{p.Year, p.Template, p.Kind}]++
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
	for k, n := range reports {
		st.Reports = append(st.Reports, ReportCount{k.year, k.template, k.kind, n})
	}
	sort.Slice(st.Reports, func(i, j int) bool {
		a, b := st.Reports[i], st.Reports[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if a.Template != b.Template {
			return a.Template < b.Template
		}
		return a.Kind < b.Kind
	})

	payloads := map[string]bool{}
	urls := map[string]bool{}
	seeds := map[string]*SeedReach{}
	seedReports := map[string]map[string]bool{}
	seedOK := map[string]bool{}
	err = a.ForEachCapture(ctx, func(c archive.Capture) error {
		st.Captures++
		urls[c.URL] = true
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
			st.FailedCaptures++
			kind := c.ErrKind
			if kind == "" {
				kind = fmt.Sprintf("http_%dxx", c.Status/100)
			}
			st.ErrorsByKind[kind]++
			s.Errors++
			if kind == "robots" || kind == "blocked" {
				s.Blocked++
			}
		}
		if ok && (c.URL == c.Seed || c.FinalURL == c.Seed) {
			seedOK[c.Seed] = true
		}
		if c.Digest != "" && ok {
			if c.Status != http.StatusNotModified {
				st.FetchedBytes += c.Size
			}
			if !payloads[c.Digest] && c.Status != http.StatusNotModified {
				payloads[c.Digest] = true
				st.UniqueBytes += c.Size
			}
			if isReport[c.Digest] {
				seedReports[c.Seed][c.Digest] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("captures: %w", err)
	}
	st.URLs = len(urls)
	st.UniquePayloads = len(payloads)
	for seed, s := range seeds {
		s.Reports = len(seedReports[seed])
		s.Unreachable = seed != "" && !seedOK[seed]
		st.Seeds = append(st.Seeds, *s)
	}
	sort.Slice(st.Seeds, func(i, j int) bool { return st.Seeds[i].Seed < st.Seeds[j].Seed })
	runs, err := a.Runs()
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	st.Runs = len(runs)
	return st, nil
}
