package export

import (
	"bytes"
	"context"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

func TestPanel(t *testing.T) {
	m, bodies := fixtureArchive()
	var buf bytes.Buffer
	n, err := Panel(context.Background(), m, &buf, Filter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if n.Agencies != 1 || n.Rows != 2 || len(rows) != 3 {
		t.Fatalf("counts %+v, %d rows: %v", n, len(rows), rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	get := func(r []string, name string) string {
		i, ok := col[name]
		if !ok {
			t.Fatalf("no column %s", name)
		}
		return r[i]
	}
	y19, y20 := rows[1], rows[2]
	want19 := map[string]string{"agency": "新前街道", "region": "台州市", "year": "2019", "received": "10", "carried_out": "1",
		"sha256": digestOf(bodies["a19"]), "versions": "1", "check_carried_in": "", "failed_checks": "requests.total"}
	// 2020: the newest version (v2, captured three times incl. the 304) of
	// the report; the mirror of v1 is a second report URL that year.
	want20 := map[string]string{"year": "2020", "received": "17", "carried_in": "1", "sha256": digestOf(bodies["a2"]),
		"versions": "2", "reports_that_year": "2", "last_captured": "2026-11-23T02:00:13Z",
		"check_carried_in": "ok", "check_in_force": "", "template": "2019"}
	for _, tc := range []struct {
		row  []string
		want map[string]string
	}{{y19, want19}, {y20, want20}} {
		for k, w := range tc.want {
			if got := get(tc.row, k); got != w {
				t.Errorf("%s %s = %q, want %q", get(tc.row, "year"), k, got, w)
			}
		}
	}

	// A year filter keeps that year's row, still checked against the year before.
	buf.Reset()
	if _, err := Panel(context.Background(), m, &buf, Filter{Year: 2020}, nil); err != nil {
		t.Fatal(err)
	}
	rows = readCSV(t, buf.Bytes())
	if len(rows) != 2 || get(rows[1], "check_carried_in") != "ok" {
		t.Errorf("--year 2020: %v", rows)
	}
}

// A carried_in that does not match last year's carried_out fails, with the
// figures in the detail.
func TestPanelCarriedInMismatch(t *testing.T) {
	m := newMem()
	for _, y := range []struct {
		year     int
		in, out  float64
		body, to string
	}{{2021, 0, 4, "r21", "http://a.gov.cn/2021.html"}, {2022, 2, 0, "r22", "http://a.gov.cn/2022.html"}} {
		body := []byte(y.body)
		m.add(archive.Capture{URL: y.to, Agency: "甲局", FetchedAt: t0, Status: 200, Header: htmlHeader("text/html")}, body)
		m.parse(body, extract.Record{URL: y.to, Agency: "甲局", Year: y.year, Template: "2021", Kind: extract.KindReport,
			Tables: extract.Tables{"requests": requestsTable(5, y.in, 1, 1, y.out)}})
	}
	var buf bytes.Buffer
	if _, err := Panel(context.Background(), m, &buf, Filter{}, nil); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if len(rows) != 3 {
		t.Fatalf("rows %v", rows)
	}
	h := PanelHeader()
	idx := func(name string) int {
		for i, c := range h {
			if c == name {
				return i
			}
		}
		return -1
	}
	if got := rows[2][idx("check_carried_in")]; got != "failed" {
		t.Errorf("2022 check %q", got)
	}
	if got, want := rows[2][idx("check_carried_in_detail")], "natural_person: 2022 carried_in 2 ≠ 2021 carried_out 4; total: 2022 carried_in 2 ≠ 2021 carried_out 4"; got != want {
		t.Errorf("detail %q\nwant   %q", got, want)
	}
	if got := rows[2][idx("check_in_force")]; got != "skipped" {
		t.Errorf("in_force %q (no in_force cells: skipped)", got)
	}
}
