package export

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
)

func TestStats(t *testing.T) {
	m, bodies := fixtureArchive()
	st, err := BuildStats(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	unique := int64(0)
	for _, k := range []string{"a1", "a2", "a19", "b", "c"} {
		unique += int64(len(bodies[k]))
	}
	fetched := unique + 2*int64(len(bodies["a1"])) // a v1 again, the mirror
	if st.Captures != 9 || st.URLs != 6 || st.FailedCaptures != 1 || st.NotModified != 1 || st.UniquePayloads != 5 ||
		st.UniqueBytes != unique || st.FetchedBytes != fetched || st.Runs != 1 {
		t.Errorf("stats %+v (unique %d fetched %d)", st, unique, fetched)
	}
	if st.ErrorsByKind["timeout"] != 1 || len(st.ErrorsByKind) != 1 {
		t.Errorf("errors %v", st.ErrorsByKind)
	}
	if st.FailedChecks["requests.total"] != 3 {
		t.Errorf("failed checks %v", st.FailedChecks)
	}
	var counts []string
	for _, r := range st.Reports {
		counts = append(counts, strings.TrimSpace(strings.Join([]string{itoa(r.Year), r.Template, r.Kind, itoa(r.Count)}, "/")))
	}
	if got := strings.Join(counts, " "); got != "0//not_report/1 2019/2019/report/1 2020/2019/copy/1 2020/2019/report/2" {
		t.Errorf("reports %s", got)
	}
	// Publications: each report URL once at its newest version (a's two
	// versions are one report, the mirror at its own URL another), nothing
	// grouped in this archive; its records say no tables_source.
	counts = nil
	for _, p := range st.Publications {
		counts = append(counts, fmt.Sprintf("%d/%s/%s/%d/%d/%d/%d/%v", p.Year, p.Template, p.Kind, p.Reports, p.Versions, p.WithAttachments, p.Failed, p.TablesSource))
	}
	if got := strings.Join(counts, " "); got != "2019/2019/report/1/1/0/1/map[none:1] 2020/2019/copy/1/1/0/0/map[none:1] 2020/2019/report/2/3/0/2/map[none:2]" {
		t.Errorf("publications %s", got)
	}
	seeds := map[string]SeedReach{}
	for _, s := range st.Seeds {
		seeds[s.Seed] = s
	}
	if s := seeds["http://www.xq.gov.cn/"]; s.Captures != 7 || s.Reports != 3 || s.Errors != 0 {
		t.Errorf("xq seed %+v", s)
	}
	if s := seeds["http://slow.gov.cn/"]; !s.Unreachable || s.Errors != 1 {
		t.Errorf("slow seed %+v", s)
	}
	var out bytes.Buffer
	if err := WriteStats(&out, st); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"captures          9 (6 URLs, 1 failed, 1 not modified)", "unique payloads   5", "requests.total", "timeout", "UNREACHABLE"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("stats text lacks %q:\n%s", s, out.String())
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// The last run's notes (moved seeds, pagers no adapter follows) are in the
// stats, and in the text.
func TestStatsRunNotes(t *testing.T) {
	m, _ := fixtureArchive()
	m.runs = append(m.runs,
		archive.Run{ID: 7, Counts: map[string]int{"unknown_pagers": 5}, Notes: []string{"old"}},
		archive.Run{ID: 8, Counts: map[string]int{"unknown_pagers": 1}, Notes: []string{"seed http://a/ moved to http://b/", "seed http://b/: no adapter follows the pager of http://b/list"}})
	st, err := BuildStats(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if st.UnknownPagers != 1 || len(st.LastRunNotes) != 2 {
		t.Errorf("unknown pagers %d, notes %q", st.UnknownPagers, st.LastRunNotes)
	}
	var b strings.Builder
	if err := WriteStats(&b, st); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "1 unknown pagers") || !strings.Contains(b.String(), "moved to http://b/") {
		t.Errorf("text:\n%s", b.String())
	}
}
