package extract

import (
	"github.com/gongkai/gongkai/extract/tables"
)

// analyze fills the record from what a format reader found: text, sections,
// kind, year, agency, template, tables and checks, legacy figures.
func analyze(in Input, rec *Record, p *page) {
	rec.Warnings = append(rec.Warnings, p.warnings...)
	rec.Title = p.title
	rec.Meta = p.meta
	clean := make([]string, len(p.lines))
	for i, l := range p.lines {
		clean[i] = cleanLine(l)
	}
	rec.Text = joinClean(clean)
	hs := findHeadings(clean)
	rec.Sections = sectionsOf(clean, hs)

	year := yearInTitle(rec.Title)
	if year == 0 {
		year = yearFromText(clean, rec.Sections.Overview)
	}
	legacyWords := false
	for _, h := range hs {
		if h.id == secFees {
			legacyWords = true // 收费及减免 is a section of the 2007 Regulations only
		}
	}
	var figs []LegacyFigure
	if !p.tab.found() {
		figs = legacyFiguresClean(clean)
	}

	rec.Kind = kindOf(rec.Title, in.URL, len(hs), p.tab.found(), len(figs), p.pageText)
	if rec.Kind == KindNotReport {
		// The title of a news item or list names no publishing body.
		rec.Agency = firstNonEmpty(rec.Meta.Publisher, in.Agency)
		return
	}
	rec.Agency = agencyOf(rec.Meta.Publisher, agencyFromTitle(rec.Title), in.Agency)
	rec.Year = year
	rec.Template = templateFor(p.tab.res.Template, year, legacyWords)
	if rec.Template == TemplateLegacy {
		rec.LegacyFigures = figs
	}
	rec.Warnings = append(rec.Warnings, p.tab.warnings...)
	if !p.tab.found() && len(hs) < 2 && len(figs) < 2 {
		// A report by its title alone: a short page, often the wrapper of
		// its attachment (详见附件), whose document carries the tables.
		rec.TablesSource = "none"
		rec.Warnings = append(rec.Warnings, WarnNoTables)
		if len(rec.Attachments) > 0 {
			rec.Warnings = append(rec.Warnings, WarnAttachmentOnly)
		}
		return
	}
	if !p.tab.found() {
		rec.TablesSource = "none"
		if rec.Template != TemplateLegacy {
			rec.Warnings = append(rec.Warnings, "no standard tables found")
		}
		return
	}
	rec.TablesSource = p.tab.source
	rec.Tables = p.tab.res.Tables
	rec.Checks = tables.RunChecks(rec.Tables, rec.Template)
	if p.tab.res.Template == "" {
		rec.Warnings = append(rec.Warnings, "template inferred from the year, not from the tables")
	}
}

// Warnings of a report page without a report's body.
const (
	WarnNoTables       = "no_tables"       // a report by its title, without tables or a report's sections
	WarnAttachmentOnly = "attachment_only" // such a page whose report is in its attachments
)

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
