package tables

import (
	"strings"
	"testing"
)

// reqTable builds a requests table from rows of 7 raw cells
// (natural_person … other_org, total); "" is blank.
func reqTable(rows map[string][7]string) Tables {
	t := Tables{Requests: {}}
	for r, vals := range rows {
		t[Requests][r] = map[string]Cell{}
		for i, c := range requestCols {
			t[Requests][r][c] = makeCell(vals[i], false, unitNone)
		}
	}
	return t
}

func reviewTable(groups map[string][5]string) Tables {
	t := Tables{ReviewLitigation: {}}
	for g, vals := range groups {
		t[ReviewLitigation][g] = map[string]Cell{}
		for i, l := range reviewLeaves {
			t[ReviewLitigation][g][l] = makeCell(vals[i], false, unitNone)
		}
	}
	return t
}

func checkByID(cs []Check, id string) Check {
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	return Check{}
}

func TestChecks(t *testing.T) {
	cases := []struct {
		name   string
		tables Tables
		tmpl   string
		id     string
		status string
		detail string // substring of Detail
	}{
		{"balance ok", reqTable(map[string][7]string{
			"received": {"5", "", "", "", "", "", "5"}, "carried_in": {"1", "", "", "", "", "", "1"},
			"total": {"6", "", "", "", "", "", "6"}, "carried_out": {"0", "", "", "", "", "", "0"},
		}), Template2019, CheckRequestsBalance, CheckOK, "2 of 7 compared"},
		{"balance failed names column and both sides", reqTable(map[string][7]string{
			"received": {"16", "", "", "", "", "", "16"}, "carried_in": {"0", "", "", "", "", "", "0"},
			"total": {"16", "", "", "", "", "", "8"}, "carried_out": {"0", "", "", "", "", "", "0"},
		}), Template2019, CheckRequestsBalance, CheckFailed,
			"total: received 16 + carried_in 0 = 16 ≠ total 8 + carried_out 0 = 8"},
		{"balance: blank counts as 0 inside a side with values", reqTable(map[string][7]string{
			"received": {"5", "", "", "", "", "", ""}, "carried_in": {"", "", "", "", "", "", ""},
			"total": {"4", "", "", "", "", "", ""}, "carried_out": {"1", "", "", "", "", "", ""},
		}), Template2019, CheckRequestsBalance, CheckOK, "1 of 7 compared"},
		{"balance: blank side does not fail", reqTable(map[string][7]string{
			"received": {"5", "", "", "", "", "", ""}, "carried_in": {"0", "", "", "", "", "", ""},
			"total": {"", "", "", "", "", "", ""}, "carried_out": {"", "", "", "", "", "", ""},
		}), Template2019, CheckRequestsBalance, CheckSkipped, "no comparison"},
		{"total ok (2021 rows summed)", reqTable(map[string][7]string{
			"granted": {"3", "", "", "", "", "", ""}, "other.no_correction": {"1", "", "", "", "", "", ""},
			"other.other": {"1", "", "", "", "", "", ""}, "total": {"5", "", "", "", "", "", ""},
		}), Template2021, CheckRequestsTotal, CheckOK, "1 of 7 compared"},
		{"total failed", reqTable(map[string][7]string{
			"granted": {"7", "", "", "", "", "", ""}, "partial": {"2", "", "", "", "", "", ""},
			"total": {"0", "", "", "", "", "", ""},
		}), Template2019, CheckRequestsTotal, CheckFailed, "natural_person: total 0 ≠ granted 7 + partial 2 = 9"},
		{"total skipped when 总计 row is blank", reqTable(map[string][7]string{
			"granted": {"7", "", "", "", "", "", ""}, "total": {"", "", "", "", "", "", ""},
		}), Template2019, CheckRequestsTotal, CheckSkipped, ""},
		{"columns ok with per-row 总计 blank except 一 二 七 四", reqTable(map[string][7]string{
			"received": {"5", "1", "", "", "", "", "6"}, "carried_in": {"0", "", "", "", "", "", "0"},
			"granted": {"4", "1", "", "", "", "", ""}, "partial": {"1", "", "", "", "", "", ""},
			"total": {"5", "1", "", "", "", "", "6"}, "carried_out": {"0", "0", "", "", "", "", "0"},
		}), Template2019, CheckRequestsColumns, CheckOK, "4 of 6 compared"},
		{"columns failed names the row", reqTable(map[string][7]string{
			"partial": {"2", "", "", "", "", "", "8"},
		}), Template2019, CheckRequestsColumns, CheckFailed, "partial: total 8 ≠ natural_person 2 + commercial (blank)"},
		{"columns skipped", reqTable(map[string][7]string{
			"partial": {"", "", "", "", "", "", ""},
		}), Template2019, CheckRequestsColumns, CheckSkipped, ""},
		{"review ok", reviewTable(map[string][5]string{
			"review": {"3", "7", "0", "1", "11"}, "suit_direct": {"1", "0", "0", "2", "3"},
		}), Template2019, CheckReviewTotals, CheckOK, "2 of 3 compared"},
		{"review failed", reviewTable(map[string][5]string{
			"suit_direct": {"1", "0", "0", "2", "4"},
		}), Template2019, CheckReviewTotals, CheckFailed,
			"suit_direct: total 4 ≠ upheld 1 + corrected 0 + other 0 + pending 2 = 3"},
		{"review skipped when all blank", reviewTable(map[string][5]string{
			"review": {"", "", "", "", ""},
		}), Template2019, CheckReviewTotals, CheckSkipped, ""},
		{"no tables: skipped", nil, "", CheckRequestsBalance, CheckSkipped, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs := RunChecks(c.tables, c.tmpl)
			if len(cs) != 4 {
				t.Fatalf("%d checks, want 4", len(cs))
			}
			got := checkByID(cs, c.id)
			if got.Status != c.status || !strings.Contains(got.Detail, c.detail) {
				t.Errorf("%s: %s %q, want %s containing %q", c.id, got.Status, got.Detail, c.status, c.detail)
			}
		})
	}
}
