package export

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
)

func TestResolveAgency(t *testing.T) {
	m, _ := fixtureArchive()
	body := []byte("other")
	m.add(archiveCapture("http://b.gov.cn/", 200), body)
	m.parse(body, extract.Record{Kind: extract.KindReport, Agency: "新前镇"})
	news := []byte("news of 新前镇政府")
	m.add(archiveCapture("http://b.gov.cn/news", 200), news)
	m.parse(news, extract.Record{Kind: extract.KindNotReport, Agency: "新前镇人民政府"})
	tests := []struct {
		name, want string
		amb        []string
		none       bool
	}{
		{"新前街道", "新前街道", nil, false},
		{"街道", "新前街道", nil, false},
		{"新前", "", []string{"新前街道", "新前镇"}, false},
		{"杭州", "", nil, true},
		{"新前镇", "新前镇", nil, false},                // exact, though 新前镇人民政府 contains it
		{"前镇", "新前镇", nil, false},                 // the other match has no report
		{"人民政府", "新前镇人民政府", nil, false},           // the only match, reports or not
		{"前", "", []string{"新前街道", "新前镇"}, false}, // only agencies with reports are listed
	}
	for _, tc := range tests {
		got, err := ResolveAgency(m, tc.name)
		var amb *AmbiguousError
		switch {
		case tc.none:
			if !errors.Is(err, ErrNoAgency) {
				t.Errorf("%s: err %v, want ErrNoAgency", tc.name, err)
			}
		case tc.amb != nil:
			if !errors.As(err, &amb) || strings.Join(amb.Matches, ",") != strings.Join(tc.amb, ",") {
				t.Errorf("%s: err %v, want ambiguous %v", tc.name, err, tc.amb)
			}
		case err != nil || got != tc.want:
			t.Errorf("%s: %q %v, want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestHistory(t *testing.T) {
	m, bodies := fixtureArchive()
	h, err := BuildHistory(context.Background(), m, "新前街道")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Years) != 2 || h.Years[0].Year != 2019 || h.Years[1].Year != 2020 {
		t.Fatalf("years %+v", h.Years)
	}
	// 2020: the report URL with 2 versions, and the mirror that published
	// v1's bytes at another URL (found through the archive's URLsOf).
	var rep, mirror ReportHistory
	for _, r := range h.Years[1].Reports {
		switch {
		case strings.HasSuffix(r.URL, "t20210125_1.html"):
			rep = r
		case r.URL == "http://www.xq.gov.cn/mirror/a.html":
			mirror = r
		}
	}
	if len(h.Years[1].Reports) != 2 || len(rep.Versions) != 2 {
		t.Fatalf("2020 reports %+v", h.Years[1].Reports)
	}
	if len(mirror.Versions) != 1 || mirror.Versions[0].SHA256 != digestOf(bodies["a1"]) {
		t.Errorf("mirror %+v, want one version with v1's bytes", mirror)
	}
	v1, v2 := rep.Versions[0], rep.Versions[1]
	if v1.SHA256 != digestOf(bodies["a1"]) || len(v1.CapturedAt) != 2 || v1.Change != nil || v1.Charset != "gbk" {
		t.Errorf("v1 %+v", v1)
	}
	if v2.Seq != 2 || len(v2.CapturedAt) != 2 || strings.Join(v2.FailedChecks, ",") != "requests.total" {
		t.Errorf("v2 %+v", v2)
	}
	want := []CellChange{
		{"requests.received.natural_person", "16", "17"},
		{"requests.received.total", "16", "17"},
		{"requests.carried_out.natural_person", "2", "3"},
		{"requests.carried_out.total", "2", "3"},
	}
	if c := v2.Change; c == nil || !c.TextChanged || c.BytesOnly || !equalChanges(c.Cells, want) {
		t.Errorf("change %+v, want %v", v2.Change, want)
	}
	// Key figures: 2020 from its latest version.
	if len(h.Figures) != 2 || h.Figures[1].Values["received"] != "17" || h.Figures[0].Values["received"] != "10" ||
		h.Figures[1].Values["suit_direct.total"] != "" {
		t.Errorf("figures %+v", h.Figures)
	}
	// 2020 carried_in 1 = 2019 carried_out 1 in both columns.
	if len(h.Checks) != 1 || h.Checks[0].ID != "requests.carried_in" || h.Checks[0].Status != "ok" {
		t.Errorf("checks %+v", h.Checks)
	}
	var out bytes.Buffer
	if err := WriteHistory(&out, h); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"2019\n", "v2 ", `requests.received.total: "16" → "17"`, "2020 requests.carried_in: ok"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("history text lacks %q:\n%s", s, out.String())
		}
	}
}

func equalChanges(a, b []CellChange) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAcrossYearChecks(t *testing.T) {
	rec := func(year int, template string, tbl extract.Tables) *extract.Record {
		return &extract.Record{Year: year, Template: template, Tables: tbl}
	}
	c := func(v float64) extract.Cell { return cell(jsonNum(v), f64(v)) }
	prev := rec(2021, "2021", extract.Tables{
		"requests":  {"carried_out": {"natural_person": c(2), "total": c(2)}},
		"proactive": {"rules": {"in_force": c(10)}, "normative_docs": {"in_force": c(40)}},
	})
	cur := rec(2022, "2021", extract.Tables{
		"requests": {"carried_in": {"natural_person": c(2), "total": c(3)}},
		"proactive": {"rules": {"issued": c(2), "repealed": c(1), "in_force": c(11)},
			"normative_docs": {"issued": c(5), "repealed": cell("", nil), "in_force": c(44)}},
	})
	ci := carriedIn(prev, cur)
	if ci.Status != "failed" || !strings.Contains(ci.Detail, "total: 2022 carried_in 3 ≠ 2021 carried_out 2") || strings.Contains(ci.Detail, "natural_person") {
		t.Errorf("carried_in %+v", ci)
	}
	inf := inForce(prev, cur)
	if inf.Status != "failed" || !strings.Contains(inf.Detail, "normative_docs: in_force 44 ≠ 40 + 5 − ") || strings.Contains(inf.Detail, "rules") {
		t.Errorf("in_force %+v", inf)
	}
	if s := carriedIn(rec(2019, "2019", nil), rec(2020, "2019", nil)).Status; s != "skipped" {
		t.Errorf("no tables: %s", s)
	}
}
