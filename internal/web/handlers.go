package web

import (
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/charset"
	"github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/export"
	"github.com/gongkai/gongkai/internal/publication"
)

// maxQuery bounds search input; agency names are short.
const maxQuery = 200

type searchPage struct {
	Query, Region string
	Regions       []string
	Agencies      []agencyRow
	Total         int       // agencies in the archive
	Overview      *overview // on the home page (no search yet)
}

// agencyRow is one agency found, with its reports counted as the exports
// give them (a page and the attachment carrying its report once).
type agencyRow struct {
	archive.AgencyCount
	Reports int
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := clip(strings.TrimSpace(r.FormValue("q")), maxQuery)
	region := clip(strings.TrimSpace(r.FormValue("region")), maxQuery)
	all, err := s.store.Agencies()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := searchPage{Query: q, Region: region, Total: len(all)}
	ov, err := s.overview(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	regions := map[string]bool{}
	for _, a := range all {
		if a.Region != "" {
			regions[a.Region] = true
		}
		if q != "" && !strings.Contains(a.Agency, q) {
			continue
		}
		if region != "" && a.Region != region {
			continue
		}
		page.Agencies = append(page.Agencies, agencyRow{AgencyCount: a, Reports: ov.ByAgency[a.Agency]})
	}
	for reg := range regions {
		page.Regions = append(page.Regions, reg)
	}
	sort.Strings(page.Regions)
	sort.Slice(page.Agencies, func(i, j int) bool { return page.Agencies[i].Agency < page.Agencies[j].Agency })
	if q == "" && region == "" {
		page.Overview = ov
	}
	s.render(w, "search.html", page)
}

type agencyPage struct {
	Agency string
	Years  []yearGroup
	Across []export.AcrossYearCk // checks between consecutive years
	Chart  chart
}

func (s *Server) handleAgency(w http.ResponseWriter, r *http.Request) {
	name := clip(strings.TrimSpace(r.FormValue("name")), maxQuery)
	if name == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	years, across, err := s.timeline(r.Context(), name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(years) == 0 {
		http.Error(w, "no reports of that agency in the archive", http.StatusNotFound)
		return
	}
	s.render(w, "agency.html", agencyPage{Agency: name, Years: years, Across: across, Chart: newChart(years)})
}

type reportPage struct {
	Rec      *extract.Record
	Digest   string // the page's (or the file's) payload: the archived page and text links
	Tables   []tableView
	Failed   []checkView // failed checks in words; their cells are highlighted in Tables
	Versions []versionView
	Pub      *publication.Info // the files of a page grouped with attachments carrying the same report
}

// versionView is one version of a report: of its one file, or of a page
// and the attachments carrying the same report (a new one whenever any of
// the files changed).
type versionView struct {
	Seq                 int
	Key                 string // names it in /report and /diff links
	FirstSeen, LastSeen time.Time
	Captures            int
	Current             bool
	Previous            string // key of the version before, for a diff link
}

func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	sv, err := s.loadVersion(r.Context(), r.PathValue("digest"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sv.Owner != "" {
		// An attachment carrying its page's report is shown with the page.
		if key := versionOf(sv.Refs, sv.Key); key != "" {
			http.Redirect(w, r, "/report/"+key, http.StatusSeeOther)
			return
		}
		sv.Refs = nil
	}
	failed, cells := explainChecks(sv.Rec)
	page := reportPage{Rec: sv.Rec, Digest: sv.Parsed.Digest, Tables: tableViews(sv.Rec, cells), Pub: sv.Pub, Failed: failed}
	if page.Versions, err = s.versionViews(sv); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, "report.html", page)
}

// versionViews lists the report's versions, marking the one shown.
func (s *Server) versionViews(sv shownVersion) ([]versionView, error) {
	refs := sv.Refs
	if refs == nil {
		vs, err := s.store.Versions(sv.Parsed.URL)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			refs = append(refs, export.VersionRef{URL: sv.Parsed.URL, Page: v, Start: v.FirstSeen})
		}
	}
	var out []versionView
	for i, ref := range refs {
		vv := versionView{Seq: i + 1, Key: ref.Key(), FirstSeen: ref.Page.FirstSeen, LastSeen: ref.Page.LastSeen,
			Captures: len(ref.Page.CaptureIDs)}
		if ref.Grouped() {
			// The captures of every file in the version's time span.
			rv, err := ref.Load(s.store)
			if err != nil {
				return nil, err
			}
			vv.Captures, vv.FirstSeen = len(rv.Record.CapturedAt), ref.Start
			vv.LastSeen = capturedAt(rv.Record.CapturedAt, -1)
		}
		vv.Current = vv.Key == sv.Key
		if i > 0 {
			vv.Previous = out[i-1].Key
		}
		out = append(out, vv)
	}
	return out, nil
}

// handleRaw serves the archived page decoded to UTF-8 under a sandboxing
// CSP: hostile archived HTML can neither run scripts nor reach the viewer's
// origin or the network.
func (s *Server) handleRaw(w http.ResponseWriter, r *http.Request) {
	digest := r.PathValue("digest")
	if err := checkDigest(digest); err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := s.store.Payload(digest)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	contentType := ""
	if rec, _, err := s.loadRecord(digest); err == nil {
		contentType = rec.ContentType
	}
	w.Header().Set("Content-Security-Policy", rawCSP)
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	dec, err := charset.Decode(body, contentType, "")
	if err != nil || dec.Class != "text" {
		// Not a page (a PDF or DOCX attachment): offer the bytes as a download.
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+digest[:16]+`"`)
		w.Write(body)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(dec.Text))
}

func (s *Server) handleText(w http.ResponseWriter, r *http.Request) {
	rec, _, err := s.loadRecord(r.PathValue("digest"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Security-Policy", rawCSP)
	w.Write([]byte(rec.Text))
}

type diffPage struct {
	A, B       *extract.Record
	DigestA    string // the versions' keys
	DigestB    string
	Files      []fileChange     // a grouped publication's files that changed
	Cells      []cellChangeView // in the official table order
	Lines      []diffLine       // unchanged runs collapsed
	TextSame   bool
	LinesTrunc bool
}

// fileChange is one file of a publication whose payload differs between
// the two versions ("" where the version has no such file).
type fileChange struct {
	Role, URL string
	Old, New  string
}

// cellChangeView is one changed cell named by its official labels, with
// what changed inside it.
type cellChangeView struct {
	export.CellChange
	Table, Label string // 三、收到和处理政府信息公开申请情况; （二）部分公开… / 自然人
	Spans        []span
}

// handleDiff compares two versions of a report: of its one file, or of a
// page with the attachments carrying the same report (the merged records,
// so a cell corrected in the PDF under an unchanged page shows).
func (s *Server) handleDiff(w http.ResponseWriter, r *http.Request) {
	va, err := s.loadVersion(r.Context(), r.PathValue("a"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vb, err := s.loadVersion(r.Context(), r.PathValue("b"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, b := va.Rec, vb.Rec
	lines, trunc := diffText(a.Text, b.Text)
	page := diffPage{A: a, B: b, DigestA: va.Key, DigestB: vb.Key, Lines: collapseSame(lines, 2),
		TextSame: a.Text == b.Text, LinesTrunc: trunc, Files: changedFiles(va, vb)}
	for _, c := range export.Diff(a, b).Cells {
		table, row, col := splitCellID(c.Cell)
		l, _ := tables.LayoutOf(b.Template, table)
		page.Cells = append(page.Cells, cellChangeView{CellChange: c, Table: l.Title,
			Label: export.LabelZH(b.Template, table, row, col), Spans: charDiff(c.Old, c.New)})
	}
	s.render(w, "diff.html", page)
}

// changedFiles lists the files of grouped versions whose payload differs.
func changedFiles(a, b shownVersion) []fileChange {
	if a.Pub == nil && b.Pub == nil {
		return nil
	}
	files := func(v shownVersion) []publication.File {
		if v.Pub != nil {
			return v.Pub.Files
		}
		return []publication.File{{Role: publication.RolePage, URL: v.Rec.URL, SHA256: v.Parsed.Digest}}
	}
	old := map[string]string{}
	for _, f := range files(a) {
		old[f.URL] = f.SHA256
	}
	var out []fileChange
	for _, f := range files(b) {
		if o, ok := old[f.URL]; !ok || o != f.SHA256 {
			out = append(out, fileChange{Role: f.Role, URL: f.URL, Old: o, New: f.SHA256})
		}
		delete(old, f.URL)
	}
	for _, f := range files(a) {
		if _, gone := old[f.URL]; gone {
			out = append(out, fileChange{Role: f.Role, URL: f.URL, Old: f.SHA256})
		}
	}
	return out
}

// splitCellID splits "requests.denied.state_secret.total" into table, row
// and column: the table and the column are single ids, the row may hold dots.
func splitCellID(id string) (table, row, col string) {
	table, rest, _ := strings.Cut(id, ".")
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		return table, rest[:i], rest[i+1:]
	}
	return table, rest, ""
}

func (s *Server) handleCSS(w http.ResponseWriter, r *http.Request) {
	b, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write(b)
}

// tableView is one standard table laid out with its official labels.
type tableView struct {
	ID, Title string
	Columns   []tables.Label
	Rows      []rowView
}

type rowView struct {
	ID, Label string
	Cells     []cellView // one per table column; Absent where the row has no such column
}

type cellView struct {
	Column string
	Raw    string
	Blank  bool
	Absent bool
	Failed bool // read by an equation of a failed check
}

// tableViews lays out the record's tables in the official order of its
// template, so every report reads the same way whatever its page looked
// like; failed ("table.row.column") marks the cells of failed checks.
func tableViews(rec *extract.Record, failed map[string]bool) []tableView {
	var out []tableView
	for _, l := range tables.Layouts(rec.Template) {
		t := rec.Tables[l.ID]
		if len(t) == 0 {
			continue
		}
		tv := tableView{ID: l.ID, Title: l.Title, Columns: l.Columns}
		for _, row := range l.Rows {
			rv := rowView{ID: row.ID, Label: row.Label}
			has := map[string]bool{}
			for _, c := range l.ColumnsOf(row.ID) {
				has[c] = true
			}
			for _, col := range l.Columns {
				cell, ok := t[row.ID][col.ID]
				rv.Cells = append(rv.Cells, cellView{Column: col.ID, Raw: cell.Raw,
					Blank: !ok || cell.Value == nil, Absent: !has[col.ID], Failed: failed[l.ID+"."+row.ID+"."+col.ID]})
			}
			tv.Rows = append(tv.Rows, rv)
		}
		out = append(out, tv)
	}
	return out
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
