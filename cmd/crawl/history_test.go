package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/export"
)

func TestHistory(t *testing.T) {
	ta := newTestArchive(t)
	var xq20v1, xq20v2, xq19 served
	for _, p := range ta.pages {
		if p.agency == "新前街道" {
			switch {
			case p.report.Year == 2019:
				xq19 = p
			case len(p.at) == 2:
				xq20v1 = p
			default:
				xq20v2 = p
			}
		}
	}
	r := mustCrawl(t, ta.dir, "history", "--db", ta.db, "--agency", "新前", "--json")
	var h export.History
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil {
		t.Fatal(err)
	}
	if h.Agency != "新前街道" || len(h.Years) != 2 || h.Years[0].Year != 2019 || h.Years[1].Year != 2020 {
		t.Fatalf("history %+v", h)
	}
	rep := h.Years[1].Reports[0]
	if rep.URL != xq20v1.url || len(rep.Versions) != 2 {
		t.Fatalf("2020 report %+v", rep)
	}
	v1, v2 := rep.Versions[0], rep.Versions[1]
	if v1.SHA256 != sha(xq20v1.page.Body) || strings.Join(v1.CapturedAt, " ") != "2026-03-02T02:00:00Z 2026-03-03T02:00:00Z" ||
		v2.SHA256 != sha(xq20v2.page.Body) || strings.Join(v2.CapturedAt, " ") != "2026-03-04T02:00:00Z" {
		t.Errorf("versions %+v", rep.Versions)
	}
	// v2 differs from v1 in one published cell.
	old := xq20v1.report.Tables["requests"]["received"]["natural_person"].Raw
	changed := xq20v2.report.Tables["requests"]["received"]["natural_person"].Raw
	want := []export.CellChange{{Cell: "requests.received.natural_person", Old: old, New: changed}}
	if c := v2.Change; c == nil || len(c.Cells) != 1 || c.Cells[0] != want[0] {
		t.Errorf("change %+v, want %v", v2.Change, want)
	}
	// Key figures, year by year, are the published 总计 cells.
	for i, p := range []served{xq19, xq20v2} {
		f := h.Figures[i]
		for _, k := range export.KeyFigures {
			if got, w := f.Values[k.Name], export.FormatValue(p.report.Tables[k.Table][k.Row][k.Column].Value); got != w {
				t.Errorf("%d %s = %q, want %q", f.Year, k.Name, got, w)
			}
		}
	}
	// 2019's carried_out was made equal to 2020's carried_in.
	if len(h.Checks) != 1 || h.Checks[0].ID != "requests.carried_in" || h.Checks[0].Year != 2020 || h.Checks[0].Status != "ok" {
		t.Errorf("across-year checks %+v", h.Checks)
	}

	text := mustCrawl(t, ta.dir, "history", "--db", ta.db, "--agency", "新前街道").stdout
	for _, s := range []string{"新前街道 (台州市): 2 report years", "\n2019\n", "\n2020\n", "v2 " + sha(xq20v2.page.Body)[:12],
		"1 cells changed", `requests.received.natural_person: "` + old + `" → "` + changed + `"`, "2020 requests.carried_in: ok"} {
		if !strings.Contains(text, s) {
			t.Errorf("history text lacks %q:\n%s", s, text)
		}
	}

	amb := crawl(t, ta.dir, "history", "--db", ta.db, "--agency", "同江")
	if lines := amb.stderrLines(); amb.code != 2 || len(lines) != 3 || !strings.Contains(lines[0], "matches 2 agencies") || amb.stdout != "" {
		t.Errorf("ambiguous: exit %d stderr %q", amb.code, amb.stderr)
	}
	none := crawl(t, ta.dir, "history", "--db", ta.db, "--agency", "上海")
	wantError(t, none, 1, `no agency in`)
}

func TestStats(t *testing.T) {
	ta := newTestArchive(t)
	r := mustCrawl(t, ta.dir, "stats", "--db", ta.db, "--json")
	var st export.Stats
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatal(err)
	}
	var fetched, unique int64
	for _, p := range ta.pages {
		unique += int64(len(p.page.Body))
		fetched += int64(len(p.page.Body) * len(p.at))
	}
	if st.Captures != 10 || st.URLs != 8 || st.FailedCaptures != 1 || st.UniquePayloads != 8 ||
		st.UniqueBytes != unique || st.FetchedBytes != fetched || st.FileBytes == 0 ||
		st.StoredBytes <= 0 || st.StoredBytes >= st.UniqueBytes { // zstd: stored smaller than raw
		t.Errorf("stats %+v (want fetched %d unique %d)", st, fetched, unique)
	}
	if st.ErrorsByKind["timeout"] != 1 {
		t.Errorf("errors %v", st.ErrorsByKind)
	}
	counts := map[string]int{}
	for _, rc := range st.Reports {
		counts[strings.Join([]string{itoa(rc.Year), rc.Template, rc.Kind}, "/")] = rc.Count
	}
	want := map[string]int{"2019/2019/report": 1, "2020/2019/report": 4, "2021/2021/report": 1}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("reports %s = %d, want %d (all %v)", k, counts[k], n, counts)
		}
	}
	// Corpus 001 fails three checks as published; its two 2020 versions and
	// the 2019 report made from it fail requests.total and requests.columns.
	if st.FailedChecks["requests.total"] < 3 || st.FailedChecks["requests.columns"] < 3 {
		t.Errorf("failed checks %v", st.FailedChecks)
	}
	seeds := map[string]export.SeedReach{}
	for _, s := range st.Seeds {
		seeds[s.Seed] = s
	}
	if s := seeds["http://www.unreach.gov.cn/"]; !s.Unreachable || s.Errors != 1 {
		t.Errorf("unreachable seed %+v", s)
	}
	if s := seeds["http://www.zjhy.gov.cn/"]; s.Captures != 4 || s.Reports != 3 || s.Unreachable == false {
		// the seed page itself was never captured in this archive
		t.Errorf("新前街道 seed %+v", s)
	}
	text := mustCrawl(t, ta.dir, "stats", "--db", ta.db).stdout
	for _, s := range []string{"captures          10 (8 URLs, 1 failed, 0 not modified)", "unique payloads   8", "timeout", "requests.total"} {
		if !strings.Contains(text, s) {
			t.Errorf("stats text lacks %q:\n%s", s, text)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
