package web

import (
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/tables"
)

// checkView is one failed check said in words: what the rule is, and
// every equation that does not hold with the official labels and the
// figures as published.
type checkView struct {
	ID, Rule  string
	Equations []string // 本年新收 16 + 上年结转 0 ≠ 总计 8 + 结转下年 0（自然人列）
	Detail    string   // the check's own detail, when no equation could be rebuilt
}

// checkRules say each check in words.
var checkRules = map[string]string{
	tables.CheckRequestsBalance: "本年新收 + 上年结转 应等于 总计 + 结转下年度继续办理 (received + carried over = handled + carried forward, per column)",
	tables.CheckRequestsTotal:   "（七）总计 应等于各项办理结果之和 (the total equals the sum of the outcomes, per column)",
	tables.CheckRequestsColumns: "总计列 应等于自然人与法人或其他组织各列之和 (the total column equals the applicant columns, per row)",
	tables.CheckReviewTotals:    "总计 应等于 结果维持 + 结果纠正 + 其他结果 + 尚未审结 (per group)",
}

// shortRow names a requests row the way the printed table's reader does:
// its label without the enumerator and the long tail.
var shortRow = map[string]string{
	"received": "本年新收", "carried_in": "上年结转", "granted": "予以公开", "partial": "部分公开",
	"denied.state_secret": "不予公开·国家秘密", "denied.prohibited_by_law": "不予公开·法律行政法规禁止",
	"denied.three_safeties": "不予公开·三安全一稳定", "denied.third_party": "不予公开·第三方合法权益",
	"denied.internal_affairs": "不予公开·内部事务", "denied.process_info": "不予公开·过程性信息",
	"denied.enforcement_file": "不予公开·行政执法案卷", "denied.query_matter": "不予公开·行政查询事项",
	"unable.not_held": "无法提供·本机关不掌握", "unable.needs_creation": "无法提供·需另行制作",
	"unable.unclear": "无法提供·申请内容不明确", "rejected.petition": "不予处理·信访举报投诉",
	"rejected.repeat": "不予处理·重复申请", "rejected.publication": "不予处理·公开出版物",
	"rejected.mass_repeat": "不予处理·大量反复申请", "rejected.confirm": "不予处理·确认或重新出具",
	"other": "其他处理", "other.no_correction": "其他处理·逾期不补正", "other.no_fee": "其他处理·逾期未缴费",
	"other.other": "其他处理·其他", "total": "总计", "carried_out": "结转下年",
}

// explainChecks says the record's failed checks in words, and returns the
// cells ("table.row.column") the failing equations read, to highlight.
func explainChecks(rec *extract.Record) ([]checkView, map[string]bool) {
	cells := map[string]bool{}
	var views []checkView
	byID := map[string]int{}
	for _, c := range rec.Checks {
		if c.Status == extract.CheckFailed {
			byID[c.ID] = len(views)
			views = append(views, checkView{ID: c.ID, Rule: checkRules[c.ID], Detail: c.Detail})
		}
	}
	for _, f := range tables.Explain(rec.Tables, rec.Template) {
		i, ok := byID[f.Check]
		if !ok {
			continue // judged by an older parser: its detail stays
		}
		views[i].Equations = append(views[i].Equations, equation(rec, f))
		for _, tm := range append(append([]tables.Term(nil), f.Left...), f.Right...) {
			if tm.Present {
				cells[tm.Table+"."+tm.Row+"."+tm.Column] = true
			}
		}
	}
	return views, cells
}

// equation writes one failing equation with labels and published figures.
func equation(rec *extract.Record, f tables.Failure) string {
	label := func(tm tables.Term) string {
		if f.Check == tables.CheckRequestsBalance || f.Check == tables.CheckRequestsTotal {
			return shortRow[tm.Row] // the column is said once, at the end
		}
		return columnLabel(rec.Template, tm.Table, tm.Column)
	}
	where := ""
	switch f.Check {
	case tables.CheckRequestsBalance, tables.CheckRequestsTotal:
		where = columnLabel(rec.Template, tables.Requests, f.Name) + "列"
	case tables.CheckRequestsColumns:
		where = shortRow[f.Name] + "行"
	case tables.CheckReviewTotals:
		where = rowLabel(rec.Template, tables.ReviewLitigation, f.Name)
	}
	return side(rec, f.Left, f.LeftSum, label) + " ≠ " + side(rec, f.Right, f.RightSum, label) + "（" + where + "）"
}

// side writes "a 1 + b 2 = 3"; a long side (the outcome rows) names only
// its non-zero cells and says how many it left out.
func side(rec *extract.Record, terms []tables.Term, sum float64, label func(tables.Term) string) string {
	var parts []string
	left := 0
	for _, tm := range terms {
		raw := strings.TrimSpace(rec.Tables[tm.Table][tm.Row][tm.Column].Raw)
		zero := tm.Value == nil || *tm.Value == 0
		if len(terms) > 4 && zero {
			left++
			continue
		}
		if tm.Value == nil {
			raw = "空白"
		}
		parts = append(parts, label(tm)+" "+raw)
	}
	out := strings.Join(parts, " + ")
	if left > 0 {
		if out != "" {
			out += " + "
		}
		out += "其余 " + strconv.Itoa(left) + " 项为 0 或空白"
	}
	if len(terms) > 1 {
		out += " = " + strconv.FormatFloat(sum, 'f', -1, 64)
	}
	return out
}

func columnLabel(template, table, col string) string {
	l, _ := tables.LayoutOf(template, table)
	if s := l.ColumnLabel(col); s != "" {
		return s
	}
	return col
}

func rowLabel(template, table, row string) string {
	l, _ := tables.LayoutOf(template, table)
	for _, r := range l.Rows {
		if r.ID == row {
			return r.Label
		}
	}
	return row
}
