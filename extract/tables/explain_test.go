package tables_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/corpus"
)

// Corpus 001 as published: the equations that fail, with their cells.
func TestExplainCorpus001(t *testing.T) {
	r, err := corpus.ReportByID("001")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range tables.Explain(r.Tables, r.Template) {
		var l []string
		for _, tm := range f.Left {
			l = append(l, tm.Table+"."+tm.Row+"."+tm.Column)
		}
		got = append(got, fmt.Sprintf("%s %s %g≠%g %s (%d right)", f.Check, f.Name, f.LeftSum, f.RightSum, strings.Join(l, "+"), len(f.Right)))
	}
	want := []string{
		"requests.balance natural_person 16≠0 requests.received.natural_person+requests.carried_in.natural_person (2 right)",
		"requests.balance total 16≠0 requests.received.total+requests.carried_in.total (2 right)",
		"requests.total natural_person 0≠18 requests.total.natural_person (19 right)",
		"requests.total total 0≠24 requests.total.total (19 right)",
		"requests.columns partial 8≠2 requests.partial.total (6 right)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Explain:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Explain finds a failing equation for exactly the checks RunChecks fails,
// on every corpus report.
func TestExplainAgreesWithRunChecks(t *testing.T) {
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		var failed, explained []string
		for _, c := range tables.RunChecks(r.Tables, r.Template) {
			if c.Status == tables.CheckFailed {
				failed = append(failed, c.ID)
			}
		}
		for _, f := range tables.Explain(r.Tables, r.Template) {
			if !slices.Contains(explained, f.Check) {
				explained = append(explained, f.Check)
			}
		}
		if !slices.Equal(failed, explained) {
			t.Errorf("%s: RunChecks fails %v, Explain explains %v", r.ID, failed, explained)
		}
	}
}
