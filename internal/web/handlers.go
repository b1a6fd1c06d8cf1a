package web

import (
	"net/http"
	"sort"
	"strings"
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
	Agencies      []archive.AgencyCount
	Total         int       // agencies in the archive
	Overview      *overview // on the home page (no search yet)
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
		page.Agencies = append(page.Agencies, a)
	}
	for reg := range regions {
		page.Regions = append(page.Regions, reg)
	}
	sort.Strings(page.Regions)
	sort.Slice(page.Agencies, func(i, j int) bool { return page.Agencies[i].Agency < page.Agencies[j].Agency })
	if q == "" && region == "" {
		if page.Overview, err = s.home.get(r.Context(), s.store); err != nil {
			s.fail(w, r, err)
			return
		}
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
	Digest   string
	Tables   []tableView
	Failed   []checkView // failed checks in words; their cells are highlighted in Tables
	Versions []versionView
	Pub      *publication.Info // the files of a page grouped with attachments carrying the same report
}

type versionView struct {
	archive.Version
	Current  bool
	Previous string // digest of the version before, for a diff link
}

func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	digest := r.PathValue("digest")
	rec, p, err := s.loadRecord(digest)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Only this page shows attachments, so only it looks up their archived bytes.
	if err := export.FillAttachments(s.store, rec); err != nil {
		s.fail(w, r, err)
		return
	}
	// A page and the attachments carrying the same report show as one.
	rec, pub, err := export.ForPage(s.store, nil, p.URL, digest, rec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := s.store.Versions(p.URL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	failed, cells := explainChecks(rec)
	page := reportPage{Rec: rec, Digest: digest, Tables: tableViews(rec, cells), Pub: pub, Failed: failed}
	for i, v := range versions {
		vv := versionView{Version: v, Current: v.Digest == digest}
		if i > 0 {
			vv.Previous = versions[i-1].Digest
		}
		page.Versions = append(page.Versions, vv)
	}
	s.render(w, "report.html", page)
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
	DigestA    string
	DigestB    string
	Cells      []cellChangeView // in the official table order
	Lines      []diffLine       // unchanged runs collapsed
	TextSame   bool
	LinesTrunc bool
}

// cellChangeView is one changed cell named by its official labels, with
// what changed inside it.
type cellChangeView struct {
	export.CellChange
	Table, Label string // 三、收到和处理政府信息公开申请情况; （二）部分公开… / 自然人
	Spans        []span
}

func (s *Server) handleDiff(w http.ResponseWriter, r *http.Request) {
	da, db := r.PathValue("a"), r.PathValue("b")
	a, _, err := s.loadRecord(da)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, _, err := s.loadRecord(db)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lines, trunc := diffText(a.Text, b.Text)
	page := diffPage{A: a, B: b, DigestA: da, DigestB: db, Lines: collapseSame(lines, 2),
		TextSame: a.Text == b.Text, LinesTrunc: trunc}
	for _, c := range export.Diff(a, b).Cells {
		table, row, col := splitCellID(c.Cell)
		l, _ := tables.LayoutOf(b.Template, table)
		page.Cells = append(page.Cells, cellChangeView{CellChange: c, Table: l.Title,
			Label: export.LabelZH(b.Template, table, row, col), Spans: charDiff(c.Old, c.New)})
	}
	s.render(w, "diff.html", page)
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
