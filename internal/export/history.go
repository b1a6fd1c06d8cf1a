package export

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/publication"
)

// Archive is what history and stats read: Source plus the parsed-record
// index. *archive.Store implements it.
type Archive interface {
	Source
	ForEachParsed(ctx context.Context, f archive.Filter, fn func(archive.Parsed) error) error
	Agencies() ([]archive.AgencyCount, error)
	Runs() ([]archive.Run, error)
	URLsOf(digest string) ([]string, error)
	Stats(ctx context.Context) (archive.Stats, error)
}

// ErrNoAgency means no agency name contains the name asked for.
var ErrNoAgency = errors.New("no agency matches")

// AmbiguousError lists the agencies a part of a name matches.
type AmbiguousError struct {
	Name    string
	Matches []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q matches %d agencies: %s", e.Name, len(e.Matches), strings.Join(e.Matches, ", "))
}

// ResolveAgency finds the one agency called name, or whose name contains
// name. When a part matches several agencies but only one of them has
// reports (the others only pages that are not reports), that one is meant.
// Several matches are an *AmbiguousError; none is ErrNoAgency.
func ResolveAgency(a Archive, name string) (string, error) {
	list, err := a.Agencies()
	if err != nil {
		return "", fmt.Errorf("list agencies: %w", err)
	}
	reports := map[string]int{} // matching agency → report and copy payloads
	for _, ac := range list {
		if ac.Agency == name {
			return name, nil
		}
		if ac.Agency != "" && strings.Contains(ac.Agency, name) {
			reports[ac.Agency] += ac.Count
		}
	}
	matches := sortedKeys(reports)
	var withReports []string
	for _, m := range matches {
		if reports[m] > 0 {
			withReports = append(withReports, m)
		}
	}
	switch {
	case len(matches) == 0:
		return "", fmt.Errorf("%w %q", ErrNoAgency, name)
	case len(matches) == 1:
		return matches[0], nil
	case len(withReports) == 1:
		return withReports[0], nil
	case len(withReports) > 1:
		matches = withReports
	}
	return "", &AmbiguousError{Name: name, Matches: matches}
}

// History is every report of one agency, year by year.
type History struct {
	Agency  string         `json:"agency"`
	Region  string         `json:"region,omitempty"`
	Years   []YearHistory  `json:"years"`
	Figures []FigureRow    `json:"figures"`       // key figures, one row per year
	Checks  []AcrossYearCk `json:"across_checks"` // report-format.md, across years
}

// YearHistory is the reports published for one year.
type YearHistory struct {
	Year    int             `json:"year"`
	Reports []ReportHistory `json:"reports"`
}

// ReportHistory is one report URL and every version it has had.
type ReportHistory struct {
	URL      string           `json:"url"`
	Files    []string         `json:"files,omitempty"` // attachments carrying the same report, given with the page
	Title    string           `json:"title"`
	Template string           `json:"template"`
	Versions []VersionHistory `json:"versions"`
}

// VersionHistory is one distinct payload of a report URL.
type VersionHistory struct {
	Seq          int      `json:"seq"`
	SHA256       string   `json:"sha256"`
	CapturedAt   []string `json:"captured_at"`
	Charset      string   `json:"charset"`
	TablesSource string   `json:"tables_source,omitempty"` // html | text | docx | pdf | none
	// Files are the page's and attachments' payloads of a grouped
	// publication's version (internal/publication); absent otherwise.
	Files        []publication.File `json:"files,omitempty"`
	FailedChecks []string           `json:"failed_checks,omitempty"`
	Change       *Change            `json:"change,omitempty"` // against the previous version; nil for the first
}

// Change is what differs between two versions of one report.
type Change struct {
	Cells       []CellChange `json:"cells,omitempty"`
	TextChanged bool         `json:"text_changed"`
	// BytesOnly: the payload differs but neither text nor cells do (page
	// furniture, a counter, a re-encoding).
	BytesOnly bool `json:"bytes_only"`
}

// CellChange is one cell whose published text changed.
type CellChange struct {
	Cell string `json:"cell"` // table.row.column
	Old  string `json:"old"`
	New  string `json:"new"`
}

// FigureRow is the key figures of one year's report (its latest version).
type FigureRow struct {
	Year     int               `json:"year"`
	URL      string            `json:"url"`
	Template string            `json:"template"`
	Values   map[string]string `json:"values"` // KeyFigures name → value ("" when blank)
	// The version the figures come from: its digest, its last capture and
	// its failed checks; Versions counts the versions of that report URL.
	SHA256       string   `json:"sha256,omitempty"`
	LastCaptured string   `json:"last_captured,omitempty"`
	FailedChecks []string `json:"failed_checks,omitempty"`
	Versions     int      `json:"versions,omitempty"`
	// Where the figures were read: the version's tables_source and the
	// FileColumns (the files of a grouped publication, page first).
	TablesSource string   `json:"tables_source,omitempty"`
	TablesURL    string   `json:"tables_url,omitempty"`
	Files        []string `json:"files,omitempty"`
	Conflicts    []string `json:"conflicts,omitempty"`
}

// AcrossYearCk is one check between two consecutive years.
type AcrossYearCk struct {
	ID     string `json:"id"` // requests.carried_in | proactive.in_force
	Year   int    `json:"year"`
	Status string `json:"status"` // ok | failed | skipped
	Detail string `json:"detail,omitempty"`
}

// BuildHistory reads every report (kind report) of agency, grouping report
// pages with the attachments carrying the same report among the agency's
// own files (an index of those files only: no pass over the archive).
func BuildHistory(ctx context.Context, a Archive, agency string) (*History, error) {
	return BuildHistoryIndexed(ctx, a, agency, nil)
}

// BuildHistoryIndexed is BuildHistory grouping by ix, the archive's whole
// index (publication.BuildIndex), as the exports group: an attachment of
// the agency given with a page of its own is found even when the page
// names no agency. ix nil indexes the agency's files as BuildHistory does.
func BuildHistoryIndexed(ctx context.Context, a Archive, agency string, ix *publication.Index) (*History, error) {
	urls := map[string]bool{}
	h := &History{Agency: agency}
	err := a.ForEachParsed(ctx, archive.Filter{Agency: agency, Kind: extract.KindReport}, func(p archive.Parsed) error {
		urls[p.URL] = true
		// A parsed record names the URL it was extracted from; the same
		// bytes may have been published at other URLs too.
		more, err := a.URLsOf(p.Digest)
		if err != nil {
			return fmt.Errorf("urls of %s: %w", p.Digest, err)
		}
		for _, u := range more {
			urls[u] = true
		}
		if h.Region == "" {
			h.Region = p.Region
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("records of %s: %w", agency, err)
	}
	type latest struct {
		rec      *extract.Record
		pub      *publication.Info
		seen     string
		versions int
	}
	byYear := map[int][]ReportHistory{}
	newest := map[int]latest{}
	// A report page and its attachments carrying the same report are one
	// report here, as in the export.
	if ix == nil {
		ix = publication.NewIndex()
		for _, u := range sortedKeys(urls) {
			if err := ix.AddPage(a, u); err != nil {
				return nil, err
			}
			if err := ix.AddChild(a, u); err != nil {
				return nil, err
			}
		}
	}
	for _, u := range sortedKeys(urls) {
		if owner := ix.Owner(u); owner != "" {
			urls[owner] = true // given with its page; the merged record's agency decides
		}
	}
	for _, u := range sortedKeys(urls) {
		versions, err := ReportVersions(a, ix, u)
		if err != nil {
			return nil, err
		}
		var rh ReportHistory
		var prev *extract.Record
		var prevPub *publication.Info
		year := 0
		for _, v := range versions {
			p, err := a.GetParsed(v.Page.Digest)
			if errors.Is(err, archive.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("parsed record of %s: %w", u, err)
			}
			rv, err := v.load(a, p)
			if err != nil {
				return nil, err
			}
			r := rv.Record
			if r.Kind != extract.KindReport || r.Agency != agency {
				continue
			}
			if h.Region == "" {
				h.Region = r.Region // the seed list's, when the page does not say
			}
			seq := v.Page.Seq
			if v.Grouped() {
				seq = len(rh.Versions) + 1 // states of the publication, not of the page
			}
			vh := VersionHistory{Seq: seq, SHA256: v.Page.Digest, CapturedAt: r.CapturedAt,
				Charset: r.Charset, TablesSource: r.TablesSource}
			if rv.Publication != nil {
				vh.Files = rv.Publication.Files
				rh.Files = v.PartURLs
			}
			if fc := FailedChecks(r); fc != "" {
				vh.FailedChecks = strings.Fields(fc)
			}
			if prev != nil {
				vh.Change = Diff(prev, r)
			}
			rh.URL, rh.Title, rh.Template = u, r.Title, r.Template
			rh.Versions = append(rh.Versions, vh)
			prev, prevPub, year = r, rv.Publication, r.Year
		}
		if prev == nil {
			continue
		}
		byYear[year] = append(byYear[year], rh)
		last := rh.Versions[len(rh.Versions)-1].CapturedAt
		seen := ""
		if len(last) > 0 {
			seen = last[len(last)-1]
		}
		if cur, ok := newest[year]; !ok || seen > cur.seen {
			newest[year] = latest{prev, prevPub, seen, len(rh.Versions)}
		}
	}
	years := make([]int, 0, len(byYear))
	for y := range byYear {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		h.Years = append(h.Years, YearHistory{Year: y, Reports: byYear[y]})
		r := newest[y].rec
		row := FigureRow{Year: y, URL: r.URL, Template: r.Template, Values: map[string]string{},
			SHA256: r.SHA256, LastCaptured: newest[y].seen, FailedChecks: FailedCheckIDs(r), Versions: newest[y].versions}
		for _, k := range KeyFigures {
			c, _ := Value(r.Tables, k.Table, k.Row, k.Column)
			row.Values[k.Name] = FormatValue(c.Value)
		}
		fs := filesOf(r, newest[y].pub)
		row.TablesSource, row.TablesURL, row.Files, row.Conflicts = r.TablesSource, fs.TablesURL, fs.Files, fs.Conflicts
		h.Figures = append(h.Figures, row)
	}
	for i := 1; i < len(years); i++ {
		if years[i-1] != years[i]-1 || years[i] == 0 {
			continue
		}
		prev, cur := newest[years[i-1]].rec, newest[years[i]].rec
		h.Checks = append(h.Checks, carriedIn(prev, cur))
		if cur.Template == extract.Template2021 && prev.Template == extract.Template2021 {
			h.Checks = append(h.Checks, inForce(prev, cur))
		}
	}
	return h, nil
}

// carriedIn: this year's 上年结转 equals last year's 结转下年度, per column.
func carriedIn(prev, cur *extract.Record) AcrossYearCk {
	ck := AcrossYearCk{ID: "requests.carried_in", Year: cur.Year, Status: extract.CheckSkipped}
	var diffs []string
	requests, _ := tables.LayoutOf(cur.Template, tables.Requests)
	for _, col := range requests.ColumnsOf("carried_in") {
		in, ok1 := Value(cur.Tables, "requests", "carried_in", col)
		out, ok2 := Value(prev.Tables, "requests", "carried_out", col)
		if !ok1 || !ok2 || in.Value == nil || out.Value == nil {
			continue
		}
		if ck.Status == extract.CheckSkipped {
			ck.Status = extract.CheckOK
		}
		if *in.Value != *out.Value {
			ck.Status = extract.CheckFailed
			diffs = append(diffs, fmt.Sprintf("%s: %d carried_in %s ≠ %d carried_out %s",
				col, cur.Year, in.Raw, prev.Year, out.Raw))
		}
	}
	ck.Detail = strings.Join(diffs, "; ")
	return ck
}

// inForce: under the 2021 template, 现行有效 this year = last year's
// 现行有效 + 本年制发 − 本年废止, for 规章 and 行政规范性文件.
func inForce(prev, cur *extract.Record) AcrossYearCk {
	ck := AcrossYearCk{ID: "proactive.in_force", Year: cur.Year, Status: extract.CheckSkipped}
	var diffs []string
	for _, row := range []string{"rules", "normative_docs"} {
		now, ok1 := Value(cur.Tables, "proactive", row, "in_force")
		before, ok2 := Value(prev.Tables, "proactive", row, "in_force")
		if !ok1 || !ok2 || now.Value == nil || before.Value == nil {
			continue
		}
		issued, _ := Value(cur.Tables, "proactive", row, "issued")
		repealed, _ := Value(cur.Tables, "proactive", row, "repealed")
		want := *before.Value + num(issued.Value) - num(repealed.Value)
		if ck.Status == extract.CheckSkipped {
			ck.Status = extract.CheckOK
		}
		if *now.Value != want {
			ck.Status = extract.CheckFailed
			diffs = append(diffs, fmt.Sprintf("%s: in_force %s ≠ %s + %s − %s",
				row, now.Raw, before.Raw, issued.Raw, repealed.Raw))
		}
	}
	ck.Detail = strings.Join(diffs, "; ")
	return ck
}

func num(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

// Diff says what changed from version a to version b of one report.
func Diff(a, b *extract.Record) *Change {
	ch := &Change{TextChanged: a.Text != b.Text}
	old := map[string]string{}
	for _, c := range Cells(a.Tables, a.Template) {
		old[c.Table+"."+c.Row+"."+c.Column] = c.Cell.Raw
	}
	for _, c := range Cells(b.Tables, b.Template) {
		id := c.Table + "." + c.Row + "." + c.Column
		o, had := old[id]
		delete(old, id)
		if !had || o != c.Cell.Raw {
			ch.Cells = append(ch.Cells, CellChange{Cell: id, Old: o, New: c.Cell.Raw})
		}
	}
	for _, c := range Cells(a.Tables, a.Template) {
		id := c.Table + "." + c.Row + "." + c.Column
		if o, gone := old[id]; gone {
			ch.Cells = append(ch.Cells, CellChange{Cell: id, Old: o, New: ""})
		}
	}
	ch.BytesOnly = !ch.TextChanged && len(ch.Cells) == 0
	return ch
}
