package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/publication"
)

// PanelHeader is the header of the panel CSV.
func PanelHeader() []string {
	h := []string{"agency", "region", "year", "template", "url", "sha256", "last_captured", "versions", "reports_that_year"}
	for _, k := range KeyFigures {
		h = append(h, k.Name)
	}
	h = append(h, "failed_checks",
		"check_carried_in", "check_carried_in_detail", "check_in_force", "check_in_force_detail", "tables_source")
	return append(h, FileColumns...)
}

// PanelCounts is what a panel export wrote.
type PanelCounts struct {
	Agencies int // agencies with at least one row
	Rows     int // agency × year rows
}

// Panel writes one row per agency × year (kind report only): the key
// figures of the year's newest report version, which version that is (URL,
// digest, last capture, how many versions the URL has had), its failed
// checks and the across-year checks of report-format.md against the year
// before (carried_in = last year's carried_out; under 2021, in_force
// continuity); a check column is empty when there is no report for the
// year before. Filters: Agency (exact), Region (part), Year (rows of that
// year, still checked against the year before). A report page and the
// attachments carrying the same report are one report (BuildHistory): the
// row says where its tables came from (tables_source, FileColumns). One
// agency's history is in memory at a time.
func Panel(ctx context.Context, a Archive, w io.Writer, f Filter, progress func(PanelCounts)) (PanelCounts, error) {
	var n PanelCounts
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return n, fmt.Errorf("write panel: %w", err)
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(PanelHeader()); err != nil {
		return n, fmt.Errorf("write panel: %w", err)
	}
	list, err := a.Agencies()
	if err != nil {
		return n, finishCSV(cw, bw, fmt.Errorf("list agencies: %w", err))
	}
	// One index for every agency: the rows group as the other exports do.
	ix, err := publication.BuildIndex(ctx, a)
	if err != nil {
		return n, finishCSV(cw, bw, err)
	}
	seen := map[string]bool{}
	for _, ac := range list {
		if ac.Agency == "" || seen[ac.Agency] || ac.Count == 0 || f.Agency != "" && ac.Agency != f.Agency {
			continue
		}
		seen[ac.Agency] = true
		if err := ctx.Err(); err != nil {
			return n, finishCSV(cw, bw, err)
		}
		h, err := BuildHistoryIndexed(ctx, a, ac.Agency, ix)
		if err != nil {
			return n, finishCSV(cw, bw, err)
		}
		rows := panelRows(h, f)
		for _, row := range rows {
			if err := cw.Write(row); err != nil {
				return n, finishCSV(cw, bw, fmt.Errorf("write panel: %w", err))
			}
		}
		if len(rows) > 0 {
			n.Agencies++
			n.Rows += len(rows)
		}
		if progress != nil {
			progress(n)
		}
	}
	return n, finishCSV(cw, bw, nil)
}

// panelRows turns one agency's history into its panel rows.
func panelRows(h *History, f Filter) [][]string {
	if f.Region != "" && !strings.Contains(h.Region, f.Region) {
		return nil
	}
	checks := map[string]AcrossYearCk{}
	for _, c := range h.Checks {
		checks[c.ID+" "+strconv.Itoa(c.Year)] = c
	}
	reports := map[int]int{}
	for _, y := range h.Years {
		reports[y.Year] = len(y.Reports)
	}
	var out [][]string
	for _, fr := range h.Figures {
		if f.Year != 0 && fr.Year != f.Year {
			continue
		}
		row := []string{h.Agency, h.Region, yearString(fr.Year), fr.Template, fr.URL, fr.SHA256, fr.LastCaptured,
			strconv.Itoa(fr.Versions), strconv.Itoa(reports[fr.Year])}
		for _, k := range KeyFigures {
			row = append(row, fr.Values[k.Name])
		}
		row = append(row, strings.Join(fr.FailedChecks, ";"))
		for _, id := range []string{"requests.carried_in", "proactive.in_force"} {
			c := checks[id+" "+strconv.Itoa(fr.Year)]
			row = append(row, c.Status, c.Detail)
		}
		row = append(row, fr.TablesSource)
		row = append(row, reportFiles{fr.TablesURL, fr.Files, fr.Conflicts}.columns()...)
		out = append(out, row)
	}
	return out
}
