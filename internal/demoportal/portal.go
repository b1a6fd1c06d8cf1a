// Package demoportal is a simulated government portal served on
// 127.0.0.1: several agencies on several hosts (ports), each with a home
// page, a 政府信息公开 section, a 年报 column with paginated lists, and report
// pages rendered by internal/fixture from internal/corpus in the encodings,
// charset labels, table styles and metadata layouts found in the wild. It
// also carries what a crawler must cope with: a DOCX-only report, a news
// item mentioning 年度报告, a copy on an essay site, a robots.txt
// Disallow area, crawler traps, and conditional requests (ETag,
// Last-Modified, 304). `crawl demo` and the end-to-end tests crawl it and
// compare what they parsed with Truth.
//
// Content is deterministic (fixed dates, no clock), so two runs serve the
// same bytes; only the ports differ.
package demoportal

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/gongkai/gongkai/seeds"
	"sync"
	"time"

	"github.com/gongkai/gongkai/internal/corpus"
)

// Seed is one site of the portal as a seed-list row (the essay site has no
// agency and no level: the seed-list levels name government bodies only).
type Seed = seeds.Seed

// Kinds of served page, as in the export record.
const (
	KindReport    = "report"     // an agency's own annual report
	KindCopy      = "copy"       // a report copied onto a non-government site
	KindNotReport = "not_report" // looks related (mentions 年度报告) but is not a report
)

// Served is the truth about one page the portal serves that a crawler
// should classify: a report, a copy, or a negative page (not_report).
type Served struct {
	URL      string
	Agency   string // the report's publishing body; for not_report pages the site's agency
	Region   string // the Region of its seed, as the export record carries it
	Year     int    // year reported on; 0 for not_report
	Template string // legacy | 2019 | 2021; "" for not_report
	Kind     string // KindReport | KindCopy | KindNotReport

	Charset     string // true encoding of the page bytes: utf-8, gbk, gb18030
	ContentType string // the Content-Type header served (may lie about the charset)
	Label       string // how the charset is labelled: correct | wrong-header | wrong-meta | none
	Style       string // table layout (fixture.Style); "" when the page has no tables
	MetaLayout  string // metadata layout (fixture.MetaLayout)

	Report      corpus.Report // what the page was rendered from (zero for not_report)
	Attachments []string      // absolute URLs of attachments linked from the page
	// InAttachment: the report's text and tables are only in
	// Attachments[0] (a DOCX); the page itself just links it.
	InAttachment bool
	// Disallowed: the page lies under a robots.txt Disallow rule; a polite
	// crawler sees a link to it but must never fetch it.
	Disallowed bool
	Version    int    // 1 as first published; Revise adds one
	Seed       string // URL of the seed it is reachable from
}

// Portal is a running simulated portal. Its methods are safe for
// concurrent use.
type Portal struct {
	hosts []*host
	seeds []Seed

	mu      sync.Mutex
	entries []*entry // the pages of Truth, in a fixed order
}

// entry is a served page of Truth with what is needed to re-render it.
type entry struct {
	served Served
	host   *host
	// render produces the resources (by URL key) that publish report r as
	// version; Revise calls it with the corrected report.
	render func(r corpus.Report, version int) (map[string]resource, error)
}

// Start builds the portal and serves it on fresh 127.0.0.1 ports until
// Close. ctx bounds only the start-up.
func Start(ctx context.Context) (*Portal, error) {
	p := &Portal{}
	if err := p.build(ctx); err != nil {
		p.closeAll()
		return nil, err
	}
	for _, h := range p.hosts {
		go h.serve()
	}
	return p, nil
}

// Seeds returns the seed list for the portal: one home page per agency
// site plus the essay site (no agency and no level: the seed-list levels name
// government bodies only).
func (p *Portal) Seeds() []Seed {
	return append([]Seed(nil), p.seeds...)
}

// SeedCSV returns Seeds as a seed-list CSV file (header
// url,agency,region,level), ready for `crawl run --seeds`.
func (p *Portal) SeedCSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"url", "agency", "region", "level"}) // bytes.Buffer writes cannot fail
	for _, s := range p.seeds {
		_ = w.Write([]string{s.URL, s.Agency, s.Region, s.Level})
	}
	w.Flush()
	return b.Bytes()
}

// Truth returns every report, copy and negative page the portal serves, in
// a fixed order, as currently published (after any Revise).
func (p *Portal) Truth() []Served {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Served, 0, len(p.entries))
	for _, e := range p.entries {
		out = append(out, e.served)
	}
	return out
}

// Revise publishes a new version of every page rendered from the report
// with this id (corpus.Report.ID): the overview gets a correction, the page
// new bytes, a new ETag and a later Last-Modified. Truth shows the new
// version afterwards.
func (p *Portal) Revise(id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	found := false
	for _, e := range p.entries {
		if e.served.Report.ID != id || e.render == nil {
			continue
		}
		found = true
		version := e.served.Version + 1
		r := revise(e.served.Report, version)
		resources, err := e.render(r, version)
		if err != nil {
			return fmt.Errorf("demoportal: revise %s: %w", id, err)
		}
		for k, res := range resources {
			e.host.put(k, res)
		}
		e.served.Report = r
		e.served.Version = version
	}
	if !found {
		return fmt.Errorf("demoportal: revise %s: no page renders that report", id)
	}
	return nil
}

// Close stops every host and waits (up to five seconds) for requests in
// flight.
func (p *Portal) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, h := range p.hosts {
		errs = append(errs, h.shutdown(ctx))
	}
	return errors.Join(errs...)
}

// closeAll releases listeners of a portal that never started serving.
func (p *Portal) closeAll() {
	for _, h := range p.hosts {
		_ = h.listener.Close() // best effort on a failed start
	}
}
