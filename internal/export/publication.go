package export

import (
	"errors"
	"fmt"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/publication"
)

// A report page and the attachments that carry the same report are one
// publication (internal/publication): the walks below give it once, as the
// page's versions merged with the attachments' versions current with them.

// pendingVersion is one version of the report at a URL, not yet loaded:
// the URL's own version, or a state of a grouped publication.
type pendingVersion struct {
	url      string
	page     archive.Version
	start    time.Time // the version's FirstSeen, or the state's start
	end      time.Time // zero: current (states only)
	partURLs []string
	parts    []archive.Version // grouped publications only
}

// pendingVersions lists the report versions at URL u: nil when u is an
// attachment grouped with its page, the publication's states when u is a
// page with grouped attachments, else the URL's versions.
func pendingVersions(src Source, ix *publication.Index, u string) ([]pendingVersion, error) {
	if ix.Owner(u) != "" {
		return nil, nil
	}
	versions, err := src.Versions(u)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", u, err)
	}
	partURLs := ix.Parts(u)
	if len(partURLs) == 0 {
		out := make([]pendingVersion, len(versions))
		for i, v := range versions {
			out[i] = pendingVersion{url: u, page: v, start: v.FirstSeen}
		}
		return out, nil
	}
	parts := make([][]archive.Version, len(partURLs))
	for i, pu := range partURLs {
		if parts[i], err = src.Versions(pu); err != nil && !errors.Is(err, archive.ErrNotFound) {
			return nil, fmt.Errorf("versions of %s: %w", pu, err)
		}
	}
	var out []pendingVersion
	for _, st := range publication.States(versions, parts) {
		out = append(out, pendingVersion{url: u, page: st.Page, start: st.Start, end: st.End,
			partURLs: partURLs, parts: st.Parts})
	}
	return out, nil
}

// grouped says whether the version merges attachments.
func (pv pendingVersion) grouped() bool { return len(pv.partURLs) > 0 }

// load reads the page's record (p is its parsed record) and, for a grouped
// publication, the attachments' records current with it, and merges them.
func (pv pendingVersion) load(src Source, p archive.Parsed) (ReportVersion, error) {
	rv, err := load(src, pv.url, pv.page, p)
	if err != nil || !pv.grouped() {
		return rv, err
	}
	var atts []*extract.Record
	times := within(rv.Record.CapturedAt, pv.start, pv.end)
	for i, v := range pv.parts {
		if v.Digest == "" {
			continue
		}
		ap, err := src.GetParsed(v.Digest)
		if errors.Is(err, archive.ErrNotFound) {
			continue
		}
		if err != nil {
			return ReportVersion{}, fmt.Errorf("parsed record of %s (%s): %w", pv.partURLs[i], v.Digest, err)
		}
		arv, err := load(src, pv.partURLs[i], v, ap)
		if err != nil {
			return ReportVersion{}, err
		}
		atts = append(atts, arv.Record)
		times = append(times, within(arv.Record.CapturedAt, pv.start, pv.end)...)
	}
	rv.Record, rv.Publication = publication.Merge(rv.Record, atts)
	rv.Record.CapturedAt = sortedUnique(times)
	return rv, nil
}

// within keeps the RFC 3339 UTC times in [start, end) (end zero: no end),
// compared to the second as they are written.
func within(times []string, start, end time.Time) []string {
	from := start.UTC().Format(time.RFC3339)
	to := ""
	if !end.IsZero() {
		to = end.UTC().Format(time.RFC3339)
	}
	var out []string
	for _, t := range times {
		if t >= from && (to == "" || t < to) {
			out = append(out, t)
		}
	}
	return out
}

func sortedUnique(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return sortedKeys(seen)
}

// matchRecord applies the index fields of f to a merged record: a wrapper
// page's year or agency may come from its attachment.
func (f Filter) matchRecord(r *extract.Record) bool {
	return f.kindOK(r.Kind) && (f.Agency == "" || r.Agency == f.Agency) && (f.Year == 0 || r.Year == f.Year)
}

// exportRecord is the JSONL record: the extraction record and, for a
// grouped publication, its files, tables_url and conflicts beside it.
type exportRecord struct {
	*extract.Record
	*publication.Info
}

// ForPage is the record the export gives for the version of the page at
// url whose payload is digest: merged with the attachments current with it
// when the page is grouped with any (the newest such state), with info nil
// and rec unchanged otherwise. rec is the page's own record, as decoded.
func ForPage(src Source, url, digest string, rec *extract.Record) (*extract.Record, *publication.Info, error) {
	ix := publication.NewIndex()
	if err := ix.AddPage(src, url); err != nil {
		return nil, nil, err
	}
	if len(ix.Parts(url)) == 0 {
		return rec, nil, nil
	}
	pvs, err := pendingVersions(src, ix, url)
	if err != nil {
		return nil, nil, err
	}
	for i := len(pvs) - 1; i >= 0; i-- {
		if pvs[i].page.Digest != digest {
			continue
		}
		p, err := src.GetParsed(digest)
		if err != nil {
			return nil, nil, fmt.Errorf("parsed record of %s (%s): %w", url, digest, err)
		}
		rv, err := pvs[i].load(src, p)
		if err != nil {
			return nil, nil, err
		}
		return rv.Record, rv.Publication, nil
	}
	return rec, nil, nil
}
