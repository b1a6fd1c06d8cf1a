package demoportal

import (
	"fmt"
	"html"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/corpus"
)

// pdfType is the media type of the portal's PDF reports.
const pdfType = "application/pdf"

// placePDF publishes a real corpus PDF report: a wrapper page linking it,
// or the PDF alone at pl.path (pl.direct). It returns its Truth entry and
// its list item.
func (p *Portal) placePDF(h *host, s site, seed Seed, pl placement) (*entry, listItem, error) {
	pdfs, err := corpus.PDFs()
	if err != nil {
		return nil, listItem{}, fmt.Errorf("demoportal: %w", err)
	}
	var doc *corpus.PDF
	for i := range pdfs {
		if pdfs[i].Name == pl.pdf {
			doc = &pdfs[i]
		}
	}
	if doc == nil {
		return nil, listItem{}, fmt.Errorf("demoportal: site %s: no PDF %q in the corpus", s.name, pl.pdf)
	}
	published, err := time.Parse("2006-01-02", pl.date)
	if err != nil {
		return nil, listItem{}, fmt.Errorf("demoportal: %s: bad date %q: %w", pl.path, pl.date, err)
	}
	modified := published.Add(9*time.Hour + 30*time.Minute)
	r := pdfReport(*doc)
	e := &entry{host: h, served: Served{
		URL: h.url(pl.path), Agency: r.Agency, Region: seed.Region, Year: r.Year, Template: r.Template, Kind: r.Kind,
		Report: r, Version: 1, Seed: seed.URL,
	}}
	item := listItem{href: pl.path, title: r.Title, date: pl.date}
	if pl.direct {
		h.put(pl.path, resource{body: doc.Bytes, contentType: pdfType, modified: modified})
		e.served.ContentType = pdfType
		return e, item, nil
	}
	pdfPath := path.Join(path.Dir(pl.path), "P0"+strconv.Itoa(r.Year)+"0120"+strings.TrimSuffix(pl.pdf, ".pdf")+".pdf")
	h.put(pdfPath, resource{body: doc.Bytes, contentType: pdfType, modified: modified})
	var b strings.Builder
	fmt.Fprintf(&b, "<div class=\"article\">\n<table class=\"xxgk-meta\">\n<tr><td>发布机构：</td><td>%s</td><td>发布日期：</td><td>%s</td></tr>\n</table>\n",
		html.EscapeString(r.Agency), pl.date)
	fmt.Fprintf(&b, "<h1 class=\"title\">%s</h1>\n<div class=\"content\"><p>详见附件。</p>\n", html.EscapeString(r.Title))
	fmt.Fprintf(&b, "<p>附件：<a href=\"%s\">%s.pdf</a></p></div>\n</div>", html.EscapeString(path.Base(pdfPath)), html.EscapeString(r.Title))
	crumbs := []link{{"/", "首页"}, {"/zwgk/", "政务公开"}, {s.column.dir, s.column.title}}
	page, err := s.look.navPage(r.Title, crumbs, b.String(), modified)
	if err != nil {
		return nil, listItem{}, err
	}
	h.put(pl.path, page)
	e.served.ContentType, e.served.Charset, e.served.Label = page.contentType, page.charset, "correct"
	e.served.Attachments = []string{h.url(pdfPath)}
	e.served.InAttachment = true
	return e, item, nil
}

// pdfReport is a corpus PDF's truth as a Report: every cell with the
// figure as printed (the PDFs print plain numbers).
func pdfReport(d corpus.PDF) corpus.Report {
	tr := d.Truth
	r := corpus.Report{ID: "pdf:" + d.Name, Title: tr.Title, Agency: tr.Agency, Year: tr.Year, Template: tr.Template,
		Kind: KindReport, Tables: tables.Tables{}}
	for id, v := range tr.Cells {
		// Row ids hold dots ("rejected.petition"); tables and columns do not.
		i, j := strings.Index(id, "."), strings.LastIndex(id, ".")
		if i < 0 || j <= i {
			continue
		}
		t, row, col := id[:i], id[i+1:j], id[j+1:]
		if r.Tables[t] == nil {
			r.Tables[t] = map[string]map[string]tables.Cell{}
		}
		if r.Tables[t][row] == nil {
			r.Tables[t][row] = map[string]tables.Cell{}
		}
		v := v
		r.Tables[t][row][col] = tables.Cell{Raw: strconv.FormatFloat(v, 'f', -1, 64), Value: &v}
	}
	return r
}
