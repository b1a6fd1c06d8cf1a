package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/publication"
)

// A report page and the attachments that carry the same report are one
// publication (internal/publication): the walks below give it once, as the
// page's versions merged with the attachments' versions current with them.

// VersionRef is one version of a report as the exports give it, not yet
// loaded: a URL's own version, or a state of a grouped publication (a page
// with the attachments carrying the same report, internal/publication).
type VersionRef struct {
	URL      string
	Page     archive.Version   // the version of the page (or of the file standing alone)
	Start    time.Time         // the version's FirstSeen, or the state's start
	End      time.Time         // zero: current (states only)
	PartURLs []string          // grouped publications only: the attachments' URLs
	Parts    []archive.Version // and their versions current in this state (zero when not archived)
}

// ReportVersions lists the report versions at URL u as the exports give
// them: nil when u is an attachment grouped with its page (ix.Owner), the
// publication's states when u is a page with grouped attachments, else the
// URL's versions. ix may be nil (nothing grouped).
func ReportVersions(src Source, ix *publication.Index, u string) ([]VersionRef, error) {
	if ix.Owner(u) != "" {
		return nil, nil
	}
	versions, err := src.Versions(u)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", u, err)
	}
	partURLs := ix.Parts(u)
	if len(partURLs) == 0 {
		out := make([]VersionRef, len(versions))
		for i, v := range versions {
			out[i] = VersionRef{URL: u, Page: v, Start: v.FirstSeen}
		}
		return out, nil
	}
	parts := make([][]archive.Version, len(partURLs))
	for i, pu := range partURLs {
		if parts[i], err = src.Versions(pu); err != nil && !errors.Is(err, archive.ErrNotFound) {
			return nil, fmt.Errorf("versions of %s: %w", pu, err)
		}
	}
	var out []VersionRef
	for _, st := range publication.States(versions, parts) {
		out = append(out, VersionRef{URL: u, Page: st.Page, Start: st.Start, End: st.End,
			PartURLs: partURLs, Parts: st.Parts})
	}
	return out, nil
}

// Grouped says whether the version merges attachments.
func (v VersionRef) Grouped() bool { return len(v.PartURLs) > 0 }

// KeySep joins the digests of a version's files in its Key.
const KeySep = "."

// Key names the version: the page's digest, then (grouped publications) the
// digest of each archived attachment current with it, joined by KeySep. A
// PDF revised under an unchanged page makes a new key; FindVersion finds it.
func (v VersionRef) Key() string {
	k := v.Page.Digest
	for _, p := range v.Parts {
		if p.Digest != "" {
			k += KeySep + p.Digest
		}
	}
	return k
}

// FindVersion picks, from refs, the version key names: the one with that
// exact key, else (a bare page digest, as links made before grouping and
// the page's own versions name it) the newest state of that page digest.
func FindVersion(refs []VersionRef, key string) (VersionRef, bool) {
	for i := len(refs) - 1; i >= 0; i-- {
		if refs[i].Key() == key {
			return refs[i], true
		}
	}
	if strings.Contains(key, KeySep) {
		return VersionRef{}, false
	}
	for i := len(refs) - 1; i >= 0; i-- {
		if refs[i].Page.Digest == key {
			return refs[i], true
		}
	}
	return VersionRef{}, false
}

// Load reads the version's record: the page's, merged for a grouped
// publication with the attachments' records current with it.
func (v VersionRef) Load(src Source) (ReportVersion, error) {
	p, err := src.GetParsed(v.Page.Digest)
	if err != nil {
		return ReportVersion{}, fmt.Errorf("parsed record of %s (%s): %w", v.URL, v.Page.Digest, err)
	}
	return v.load(src, p)
}

// load reads the page's record (p is its parsed record) and, for a grouped
// publication, the attachments' records current with it, and merges them.
func (v VersionRef) load(src Source, p archive.Parsed) (ReportVersion, error) {
	rv, err := load(src, v.URL, v.Page, p)
	if err != nil {
		return rv, err
	}
	rv.Key = v.Key()
	rv.PageCapturedAt = rv.Record.CapturedAt
	if !v.Grouped() {
		return rv, nil
	}
	var atts []*extract.Record
	times := within(rv.Record.CapturedAt, v.Start, v.End)
	rv.PageCapturedAt = times
	for i, pv := range v.Parts {
		if pv.Digest == "" {
			continue
		}
		ap, err := src.GetParsed(pv.Digest)
		if errors.Is(err, archive.ErrNotFound) {
			continue
		}
		if err != nil {
			return ReportVersion{}, fmt.Errorf("parsed record of %s (%s): %w", v.PartURLs[i], pv.Digest, err)
		}
		arv, err := load(src, v.PartURLs[i], pv, ap)
		if err != nil {
			return ReportVersion{}, err
		}
		atts = append(atts, arv.Record)
		times = append(times, within(arv.Record.CapturedAt, v.Start, v.End)...)
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
// when ix groups the page with any (the newest such state), with info nil
// and rec unchanged otherwise (ix nil groups nothing). rec is the page's
// own record, as decoded.
func ForPage(src Source, ix *publication.Index, url, digest string, rec *extract.Record) (*extract.Record, *publication.Info, error) {
	if len(ix.Parts(url)) == 0 {
		return rec, nil, nil
	}
	refs, err := ReportVersions(src, ix, url)
	if err != nil {
		return nil, nil, err
	}
	v, ok := FindVersion(refs, digest)
	if !ok {
		return rec, nil, nil
	}
	rv, err := v.Load(src)
	if err != nil {
		return nil, nil, err
	}
	return rv.Record, rv.Publication, nil
}

// FileColumns are the columns the CSV formats (wide, panel) add to say
// which files carry a report: tables_url, the file the tables were read
// from (the report's own URL when it stands alone and has tables); files,
// every file of a grouped publication, the page first, ";"-separated; and
// conflicts, the cells those files publish differently, ";"-separated.
var FileColumns = []string{"tables_url", "files", "conflicts"}

// reportFiles is what FileColumns say of one report.
type reportFiles struct {
	TablesURL        string
	Files, Conflicts []string
}

// filesOf reads the FileColumns of one record (info nil: not grouped).
func filesOf(r *extract.Record, info *publication.Info) reportFiles {
	if info == nil {
		if r.TablesSource != "" && r.TablesSource != publication.TablesNone {
			return reportFiles{TablesURL: r.URL}
		}
		return reportFiles{}
	}
	out := reportFiles{TablesURL: info.TablesURL}
	for _, f := range info.Files {
		out.Files = append(out.Files, f.URL)
	}
	for _, c := range info.Conflicts {
		out.Conflicts = append(out.Conflicts, c.Cell)
	}
	return out
}

// attachments are the files after the page.
func (f reportFiles) attachments() []string {
	if len(f.Files) < 2 {
		return nil
	}
	return f.Files[1:]
}

// columns are the FileColumns' values.
func (f reportFiles) columns() []string {
	return []string{f.TablesURL, strings.Join(f.Files, ";"), strings.Join(f.Conflicts, ";")}
}

// cellConflicts gives, for each conflicting cell id, what the files the
// tables were not read from publish there ("pdf 58", "docx (blank)").
func cellConflicts(info *publication.Info) map[string]string {
	if info == nil || len(info.Conflicts) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, c := range info.Conflicts {
		var others []string
		for _, v := range c.Values {
			if v.URL == info.TablesURL {
				continue
			}
			raw := v.Raw
			if strings.TrimSpace(raw) == "" {
				raw = "(blank)"
			}
			others = append(others, v.TablesSource+" "+raw)
		}
		out[c.Cell] = strings.Join(others, ";")
	}
	return out
}

// ReportSummary is what counts and overviews read of one report version.
type ReportSummary struct {
	Kind, Agency, Title, Template, TablesSource string
	Year                                        int
	Checks                                      []extract.Check
	Grouped                                     bool // a page given with attachments carrying the same report
}

// Summarize reads what ReportSummary holds of version v: for a grouped
// publication from its merged record (year, template, tables and checks
// may be the attachment's), else only those fields of the parsed record
// (no capture list, no tables), so counting every report stays cheap. It
// returns nil when v has no parsed record yet.
func Summarize(src Source, v VersionRef) (*ReportSummary, error) {
	if v.Grouped() {
		rv, err := v.Load(src)
		if errors.Is(err, archive.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		r := rv.Record
		return &ReportSummary{Kind: r.Kind, Agency: r.Agency, Title: r.Title, Template: r.Template,
			TablesSource: r.TablesSource, Year: r.Year, Checks: r.Checks, Grouped: true}, nil
	}
	p, err := src.GetParsed(v.Page.Digest)
	if errors.Is(err, archive.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("parsed record of %s (%s): %w", v.URL, v.Page.Digest, err)
	}
	var rec struct {
		Title        string          `json:"title"`
		TablesSource string          `json:"tables_source"`
		Checks       []extract.Check `json:"checks"`
	}
	if err := json.Unmarshal(p.JSON, &rec); err != nil {
		return nil, fmt.Errorf("decode parsed record of %s (%s): %w", v.URL, v.Page.Digest, err)
	}
	return &ReportSummary{Kind: p.Kind, Agency: p.Agency, Title: rec.Title, Template: p.Template,
		TablesSource: rec.TablesSource, Year: p.Year, Checks: rec.Checks}, nil
}
