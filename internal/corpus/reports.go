package corpus

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

// truth/NNN.json holds, for each corpus file, what was read from its text
// and checked by eye: every table cell and the section texts (see
// derive_test.go for how they were read).
//
//go:embed truth/*.json
var truthFS embed.FS

// known is what the texts say about themselves, entered by hand.
var known = []Report{
	{
		ID: "000", Title: "同江市城市社区2020年政府信息公开工作年度报告", Agency: "同江市城市社区",
		Year: 2020, Template: Template2019, Kind: KindReport, Host: "www.tongjiang.gov.cn",
	},
	{
		ID: "001", Title: "新前街道2020年度政府信息公开年度报告", Agency: "新前街道",
		Year: 2020, Template: Template2019, Kind: KindReport, Host: "www.zjhy.gov.cn",
		Meta: Meta{
			IndexNo:         "001008010002056/2021-116241",
			Publisher:       "新前街道",
			WrittenDate:     "2021-01-25",
			PublishedDate:   "2021-01-25",
			DisclosureMode:  "主动公开",
			DisclosureScope: "面向全社会",
			Source:          "新前街道",
		},
		// As published: 部分公开 2 vs 总计 8, （七）总计 0 against 18 results.
		Failing: []string{"requests.balance", "requests.columns", "requests.total"},
	},
	{
		ID: "002", Title: "同江市同江镇2020年政府信息公开工作年度报告", Agency: "同江市同江镇",
		Year: 2020, Template: Template2019, Kind: KindReport, Host: "www.tongjiang.gov.cn",
	},
	{
		ID: "003", Title: "康川街道2020政府信息公开工作年度报告", Agency: "康川街道",
		Year: 2020, Template: Template2019, Kind: KindReport, Host: "www.kangchuan.gov.cn",
	},
	{
		// A 2008-era district report copied onto an essay site and machine
		// converted to traditional characters; names and years are "*".
		ID: "004", Title: "社區(qū)政府信息公開匯報范文", Agency: "",
		Year: 0, Template: TemplateLegacy, Kind: KindCopy, Host: "www.fanwen.example",
		Legacy: []LegacyFigure{
			{Name: "proactive_total", Value: 2677, Sentence: "*年通過“*區(qū)人民政府網(wǎng)”主動公開政府信息2677條。"},
			{Name: "requests_received", Value: 0, Sentence: "區(qū)政府法制局作為*區(qū)政府信息公開工作的負責(zé)機構(gòu),自*年5月1日《政府信息公開條例》實施以來,該局未接收到書面或其他形式要求公開政府信息的申請。"},
			{Name: "review", Value: 0, Sentence: "*年,我區(qū)未接到關(guān)于政府信息公開申請?zhí)崞鹦姓?fù)議、行政訴訟的案件。"},
			{Name: "litigation", Value: 0, Sentence: "*年,我區(qū)未接到關(guān)于政府信息公開申請?zhí)崞鹦姓?fù)議、行政訴訟的案件。"},
		},
	},
}

// Reports returns the truth for the five corpus files (IDs "000"–"004")
// followed by the synthetic reports. Each call returns fresh values.
func Reports() ([]Report, error) {
	txts, err := Texts()
	if err != nil {
		return nil, err
	}
	var out []Report
	for i, k := range known {
		r := k
		r.Legacy = append([]LegacyFigure(nil), k.Legacy...)
		r.Failing = append([]string(nil), k.Failing...)
		b, err := truthFS.ReadFile("truth/" + r.ID + ".json")
		if err != nil {
			return nil, fmt.Errorf("corpus: truth for %s: %w", r.ID, err)
		}
		var d struct {
			Tables                           json.RawMessage `json:"tables"`
			Intro, Overview, Problems, Other string
		}
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("corpus: truth for %s: %w", r.ID, err)
		}
		if len(d.Tables) > 0 && string(d.Tables) != "null" {
			if err := json.Unmarshal(d.Tables, &r.Tables); err != nil {
				return nil, fmt.Errorf("corpus: tables of %s: %w", r.ID, err)
			}
		}
		r.Intro, r.Overview, r.Problems, r.Other = d.Intro, d.Overview, d.Problems, d.Other
		if i >= len(txts) || !strings.HasPrefix(txts[i].Name, r.ID+"_") {
			return nil, fmt.Errorf("corpus: text for %s missing", r.ID)
		}
		r.Lines = strings.Split(strings.TrimRight(txts[i].Body, "\n"), "\n")
		out = append(out, r)
	}
	for _, s := range synthetic() {
		s.Lines = GenerateLines(s)
		out = append(out, s)
	}
	return out, nil
}

// ReportByID returns one report of Reports.
func ReportByID(id string) (Report, error) {
	all, err := Reports()
	if err != nil {
		return Report{}, err
	}
	for _, r := range all {
		if r.ID == id {
			return r, nil
		}
	}
	return Report{}, fmt.Errorf("corpus: no report %q", id)
}

// GenerateLines lays a report out as text with every table cell on a line of
// its own, in browser order, as the corpus texts are: title, intro, the six
// sections. Blank cells are empty lines.
func GenerateLines(r Report) []string {
	lines := []string{r.Title}
	para := func(s string) {
		if s != "" {
			lines = append(lines, strings.Split(s, "\n")...)
		}
	}
	para(r.Intro)
	lines = append(lines, HeadingOverview)
	para(r.Overview)
	for _, t := range Layout(r.Template) {
		lines = append(lines, t.Heading)
		for _, row := range t.Rows {
			for _, c := range row {
				if c.IsValue() {
					lines = append(lines, r.Tables[t.ID][c.Row][c.Col].Raw)
				} else {
					lines = append(lines, strings.ReplaceAll(c.Text, "\n", ""))
				}
			}
		}
	}
	lines = append(lines, HeadingProblems)
	para(r.Problems)
	lines = append(lines, HeadingOther)
	para(r.Other)
	return lines
}
