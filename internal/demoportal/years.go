package demoportal

import (
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/corpus"
)

// priorSuffix names the derived report of the year before: "001" → "001-prior".
const priorSuffix = "-prior"

// priorYear derives the report the agency of r published the year before,
// so the portal shows agencies with more than one year (timelines, the
// across-year checks, the panel export). Same template and wording with the
// year moved back, published a year earlier, about a quarter fewer
// applications; its 结转下年度继续办理 is r's 上年结转 (the across-year check
// holds), and its 上年结转 what balances its own table. Failing is
// recomputed from the derived figures.
func priorYear(r corpus.Report) corpus.Report {
	p := r
	p.ID = r.ID + priorSuffix
	p.Year = r.Year - 1
	from, to := strconv.Itoa(r.Year), strconv.Itoa(p.Year)
	for _, s := range []*string{&p.Title, &p.Intro, &p.Overview, &p.Problems, &p.Other, &p.Meta.IndexNo, &p.Meta.DocNo} {
		*s = strings.ReplaceAll(*s, from, to)
	}
	p.Meta.PublishedDate = yearEarlier(r.Meta.PublishedDate)
	p.Meta.WrittenDate = yearEarlier(r.Meta.WrittenDate)
	p.Lines = nil // the 2019 and 2021 templates render from the fields

	p.Tables = tables.Tables{}
	for id, rows := range r.Tables {
		p.Tables[id] = map[string]map[string]tables.Cell{}
		for row, cols := range rows {
			p.Tables[id][row] = maps.Clone(cols)
		}
	}
	if req := p.Tables[tables.Requests]; req != nil && req["carried_in"] != nil {
		fewerApplications(req)
		// Last year's 结转下年度 is this year's 上年结转; its 上年结转 is what
		// balances its table, where that is not negative.
		req["carried_out"] = maps.Clone(r.Tables[tables.Requests]["carried_in"])
		in := maps.Clone(req["carried_in"])
		for col := range in {
			received, total, out := req["received"][col].Value, req["total"][col].Value, req["carried_out"][col].Value
			if received == nil || total == nil || out == nil || *total+*out-*received < 0 {
				continue
			}
			in[col] = number(*total + *out - *received)
		}
		req["carried_in"] = in
	}
	p.Failing = nil
	for _, c := range tables.RunChecks(p.Tables, p.Template) {
		if c.Status == tables.CheckFailed {
			p.Failing = append(p.Failing, c.ID)
		}
	}
	return p
}

// fewerApplications makes the year before smaller: about a quarter fewer
// applications received per applicant column, each of them one fewer
// granted (so 总计 still sums the outcomes) where the figures allow it;
// the 总计 column moves by the sum.
func fewerApplications(req map[string]map[string]tables.Cell) {
	rows := []string{"received", "granted", "total"}
	sum := 0.0
	for _, col := range []string{"natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org"} {
		if d := shrinkBy(req, rows, col, 0); d > 0 {
			sum += d
		}
	}
	if sum > 0 {
		shrinkBy(req, rows, "total", sum)
	}
}

// shrinkBy lowers rows' cells of col by d (a quarter of received when d is
// 0) when received and granted both hold at least d; a 总计 that is already
// smaller (a report that does not add up as published) is left as it is.
// It returns what it took.
func shrinkBy(req map[string]map[string]tables.Cell, rows []string, col string, d float64) float64 {
	if v := req["received"][col].Value; d == 0 && v != nil {
		d = float64(int(*v / 4))
	}
	if d <= 0 {
		return 0
	}
	for _, row := range rows[:2] {
		if v := req[row][col].Value; v == nil || *v < d {
			return 0
		}
	}
	for _, row := range rows {
		if v := req[row][col].Value; v != nil && *v >= d {
			cells := maps.Clone(req[row])
			cells[col] = number(*v - d)
			req[row] = cells
		}
	}
	return d
}

func number(v float64) tables.Cell {
	return tables.Cell{Raw: strconv.FormatFloat(v, 'f', -1, 64), Value: &v}
}

// yearEarlier moves a YYYY-MM-DD date back a year ("" stays "").
func yearEarlier(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.AddDate(-1, 0, 0).Format("2006-01-02")
}
