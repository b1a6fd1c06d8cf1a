package extract

import (
	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/gongkai/gongkai/extract/tables"
)

// tableResult is the tables stage's answer plus where it came from.
type tableResult struct {
	res      tables.Result
	source   string // html | text | docx | "" when nothing was found
	warnings []string
}

func (t tableResult) found() bool { return len(t.res.Tables) > 0 }

// tablesFromHTML reads the tables from the article body; if the body holds
// none, from the whole page (a body guessed too narrow), then from the body's
// lines (cells as paragraphs, no <table>).
func tablesFromHTML(body, whole *goquery.Selection, narrowed bool, lines []string) tableResult {
	var out tableResult
	try := func(sel *goquery.Selection) bool {
		if !hasTable(sel) {
			return false
		}
		res, err := tables.FromHTML(sel)
		if err != nil {
			out.warnings = append(out.warnings, "tables (html): "+err.Error())
			return false
		}
		if len(res.Tables) == 0 {
			return false
		}
		out.res, out.source = res, "html"
		out.warnings = append(out.warnings, res.Warnings...)
		return true
	}
	if try(body) || (narrowed && try(whole)) {
		return out
	}
	t := tablesFromLines(lines, "text")
	t.warnings = append(out.warnings, t.warnings...)
	return t
}

// tablesFromLines reads the tables from text lines, one cell per line.
func tablesFromLines(lines []string, source string) tableResult {
	var out tableResult
	res, err := tables.FromText(lines)
	if err != nil {
		out.warnings = append(out.warnings, "tables (text): "+err.Error())
		return out
	}
	if len(res.Tables) == 0 {
		return out
	}
	out.res, out.source = res, source
	out.warnings = append(out.warnings, res.Warnings...)
	return out
}

// hasTable reports whether some node of sel holds a <table> below it, as
// sel.Find("table") would, without compiling a selector on every page.
func hasTable(sel *goquery.Selection) bool {
	for _, n := range sel.Nodes {
		found := false
		for c := n.FirstChild; c != nil && !found; c = c.NextSibling {
			walkElements(c, func(e *html.Node) bool {
				if e.Data == "table" {
					found = true
				}
				return !found
			})
		}
		if found {
			return true
		}
	}
	return false
}
