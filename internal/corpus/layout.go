package corpus

// The official table layouts of the 2019 and 2021 templates (国办公开办函
// 〔2019〕60号 and its 2021 revision): which cells each <tr> holds, with
// their rowspan/colspan. Fixtures render from it; Lines of synthetic reports
// are generated from it.

// LayoutCell is one <td> of an official table: a label, or the value cell
// of (Row, Col).
type LayoutCell struct {
	Text    string // label text, "\n" where the corpus shows a <br> (本年新\n制作数量); "" for a value cell
	Row     string // value cells: row id, e.g. "denied.state_secret"
	Col     string // value cells: column id, e.g. "natural_person"
	RowSpan int    // 0 or 1: no span
	ColSpan int
}

// IsValue reports whether the cell holds a number rather than a label.
func (c LayoutCell) IsValue() bool { return c.Row != "" }

// LayoutTable is one of the three tables with its section heading.
type LayoutTable struct {
	ID      string // proactive | requests | review_litigation
	Heading string // 二、主动公开政府信息情况, ...
	Width   int    // columns of the expanded grid
	Rows    [][]LayoutCell
}

// Section headings of the 2019 and 2021 templates.
const (
	HeadingOverview = "一、总体情况"
	HeadingProblems = "五、存在的主要问题及改进情况"
	HeadingOther    = "六、其他需要报告的事项"
)

func lbl(text string) LayoutCell { return LayoutCell{Text: text} }
func lblSpan(text string, rowspan, colspan int) LayoutCell {
	return LayoutCell{Text: text, RowSpan: rowspan, ColSpan: colspan}
}
func val(row, col string) LayoutCell { return LayoutCell{Row: row, Col: col} }
func valSpan(row, col string, colspan int) LayoutCell {
	return LayoutCell{Row: row, Col: col, ColSpan: colspan}
}

// RequestCols are the columns of table 三 in order.
var RequestCols = []string{"natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"}

// ReviewGroups and ReviewCols make the 15 cells of table 四.
var (
	ReviewGroups = []string{"review", "suit_direct", "suit_after_review"}
	ReviewCols   = []string{"upheld", "corrected", "other", "pending", "total"}
)

// Layout returns the three tables of template "2019" or "2021" (nil for
// legacy reports, which have none).
func Layout(template string) []LayoutTable {
	switch template {
	case Template2019:
		return []LayoutTable{proactive2019(), requestsLayout(template), reviewLayout()}
	case Template2021:
		return []LayoutTable{proactive2021(), requestsLayout(template), reviewLayout()}
	}
	return nil
}

func proactive2019() LayoutTable {
	three := func(row, label string) []LayoutCell {
		return []LayoutCell{lbl(label), val(row, "made"), val(row, "published"), val(row, "total")}
	}
	items := func(row, label string) []LayoutCell {
		return []LayoutCell{lbl(label), val(row, "prev_items"), val(row, "change"), val(row, "decisions")}
	}
	itemHead := []LayoutCell{lbl("信息内容"), lbl("上一年项目数量"), lbl("本年增/减"), lbl("处理决定数量")}
	return LayoutTable{ID: "proactive", Heading: "二、主动公开政府信息情况", Width: 4, Rows: [][]LayoutCell{
		{lblSpan("第二十条第（一）项", 1, 4)},
		{lbl("信息内容"), lbl("本年新\n制作数量"), lbl("本年新\n公开数量"), lbl("对外公开总数量")},
		three("rules", "规章"),
		three("normative_docs", "规范性文件"),
		{lblSpan("第二十条第（五）项", 1, 4)},
		itemHead,
		items("licensing", "行政许可"),
		items("other_services", "其他对外管理服务事项"),
		{lblSpan("第二十条第（六）项", 1, 4)},
		itemHead,
		items("penalty", "行政处罚"),
		items("enforcement", "行政强制"),
		{lblSpan("第二十条第（八）项", 1, 4)},
		{lbl("信息内容"), lbl("上一年项目数量"), lblSpan("本年增/减", 1, 2)},
		{lbl("行政事业性收费"), val("fees", "prev_items"), valSpan("fees", "change", 2)},
		{lblSpan("第二十条第（九）项", 1, 4)},
		{lbl("信息内容"), lbl("采购项目数量"), lblSpan("采购总金额", 1, 2)},
		{lbl("政府集中采购"), val("procurement", "projects"), valSpan("procurement", "amount", 2)},
	}}
}

func proactive2021() LayoutTable {
	three := func(row, label string) []LayoutCell {
		return []LayoutCell{lbl(label), val(row, "issued"), val(row, "repealed"), val(row, "in_force")}
	}
	decisions := func(row, label string) []LayoutCell {
		return []LayoutCell{lbl(label), valSpan(row, "decisions", 3)}
	}
	decHead := []LayoutCell{lbl("信息内容"), lblSpan("本年处理决定数量", 1, 3)}
	return LayoutTable{ID: "proactive", Heading: "二、主动公开政府信息情况", Width: 4, Rows: [][]LayoutCell{
		{lblSpan("第二十条第（一）项", 1, 4)},
		{lbl("信息内容"), lbl("本年制发件数"), lbl("本年废止件数"), lbl("现行有效件数")},
		three("rules", "规章"),
		three("normative_docs", "行政规范性文件"),
		{lblSpan("第二十条第（五）项", 1, 4)},
		decHead,
		decisions("licensing", "行政许可"),
		{lblSpan("第二十条第（六）项", 1, 4)},
		decHead,
		decisions("penalty", "行政处罚"),
		decisions("enforcement", "行政强制"),
		{lblSpan("第二十条第（八）项", 1, 4)},
		{lbl("信息内容"), lblSpan("本年收费金额（单位：万元）", 1, 3)},
		{lbl("行政事业性收费"), valSpan("fees", "amount", 3)},
	}}
}

// requestRow is one data row of table 三: its labels, then seven values.
func requestRow(row string, labels ...LayoutCell) []LayoutCell {
	out := append([]LayoutCell(nil), labels...)
	for _, c := range RequestCols {
		out = append(out, val(row, c))
	}
	return out
}

func requestsLayout(template string) LayoutTable {
	results := 20 // rows under 三、本年度办理结果 (granted … total)
	if template == Template2021 {
		results = 22
	}
	rows := [][]LayoutCell{
		{lblSpan("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), lblSpan("申请人情况", 1, 7)},
		{lblSpan("自然人", 2, 1), lblSpan("法人或其他组织", 1, 5), lblSpan("总计", 2, 1)},
		{lbl("商业企业"), lbl("科研机构"), lbl("社会公益组织"), lbl("法律服务机构"), lbl("其他")},
		requestRow("received", lblSpan("一、本年新收政府信息公开申请数量", 1, 3)),
		requestRow("carried_in", lblSpan("二、上年结转政府信息公开申请数量", 1, 3)),
		requestRow("granted", lblSpan("三、本年度\n办理结果", results, 1), lblSpan("（一）予以公开", 1, 2)),
		requestRow("partial", lblSpan("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2)),
		requestRow("denied.state_secret", lblSpan("（三）不予公开", 8, 1), lbl("1.属于国家秘密")),
		requestRow("denied.prohibited_by_law", lbl("2.其他法律行政法规禁止公开")),
		requestRow("denied.three_safeties", lbl("3.危及“三安全一稳定”")),
		requestRow("denied.third_party", lbl("4.保护第三方合法权益")),
		requestRow("denied.internal_affairs", lbl("5.属于三类内部事务信息")),
		requestRow("denied.process_info", lbl("6.属于四类过程性信息")),
		requestRow("denied.enforcement_file", lbl("7.属于行政执法案卷")),
		requestRow("denied.query_matter", lbl("8.属于行政查询事项")),
		requestRow("unable.not_held", lblSpan("（四）无法提供", 3, 1), lbl("1.本机关不掌握相关政府信息")),
		requestRow("unable.needs_creation", lbl("2.没有现成信息需要另行制作")),
		requestRow("unable.unclear", lbl("3.补正后申请内容仍不明确")),
		requestRow("rejected.petition", lblSpan("（五）不予处理", 5, 1), lbl("1.信访举报投诉类申请")),
		requestRow("rejected.repeat", lbl("2.重复申请")),
		requestRow("rejected.publication", lbl("3.要求提供公开出版物")),
		requestRow("rejected.mass_repeat", lbl("4.无正当理由大量反复申请")),
		requestRow("rejected.confirm", lbl("5.要求行政机关确认或重新出具已获取信息")),
	}
	if template == Template2021 {
		rows = append(rows,
			requestRow("other.no_correction", lblSpan("（六）其他处理", 3, 1), lbl("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
			requestRow("other.no_fee", lbl("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
			requestRow("other.other", lbl("3.其他")))
	} else {
		rows = append(rows, requestRow("other", lblSpan("（六）其他处理", 1, 2)))
	}
	rows = append(rows,
		requestRow("total", lblSpan("（七）总计", 1, 2)),
		requestRow("carried_out", lblSpan("四、结转下年度继续办理", 1, 3)))
	return LayoutTable{ID: "requests", Heading: "三、收到和处理政府信息公开申请情况", Width: 10, Rows: rows}
}

func reviewLayout() LayoutTable {
	sub := []LayoutCell{lbl("结果维持"), lbl("结果纠正"), lbl("其他结果"), lbl("尚未审结"), lbl("总计")}
	row2 := []LayoutCell{}
	for _, c := range sub {
		c.RowSpan = 2
		row2 = append(row2, c)
	}
	row2 = append(row2, lblSpan("未经复议直接起诉", 1, 5), lblSpan("复议后起诉", 1, 5))
	row3 := append(append([]LayoutCell(nil), sub...), sub...)
	var data []LayoutCell
	for _, g := range ReviewGroups {
		for _, c := range ReviewCols {
			data = append(data, val(g, c))
		}
	}
	return LayoutTable{ID: "review_litigation", Heading: "四、政府信息公开行政复议、行政诉讼情况", Width: 15, Rows: [][]LayoutCell{
		{lblSpan("行政复议", 1, 5), lblSpan("行政诉讼", 1, 10)},
		row2,
		row3,
		data,
	}}
}

// Grid expands t into its full Width×len(Rows) grid: every position holds
// the cell that covers it and whether that position is the cell's anchor
// (its top-left corner). Renderers that write explicit empty cells instead
// of spans use it.
func (t LayoutTable) Grid() [][]GridPos {
	grid := make([][]GridPos, len(t.Rows))
	for i := range grid {
		grid[i] = make([]GridPos, t.Width)
	}
	taken := func(r, c int) bool { return grid[r][c].Covered }
	for r, row := range t.Rows {
		c := 0
		for _, cell := range row {
			for c < t.Width && taken(r, c) {
				c++
			}
			rs, cs := max(cell.RowSpan, 1), max(cell.ColSpan, 1)
			for dr := 0; dr < rs && r+dr < len(grid); dr++ {
				for dc := 0; dc < cs && c+dc < t.Width; dc++ {
					grid[r+dr][c+dc] = GridPos{Cell: cell, Covered: true, Anchor: dr == 0 && dc == 0, Row: r, Col: c}
				}
			}
			c += cs
		}
	}
	return grid
}

// GridPos is one position of an expanded table grid.
type GridPos struct {
	Cell    LayoutCell
	Covered bool // some cell covers this position
	Anchor  bool // the covering cell starts here
	Row     int  // where the covering cell starts
	Col     int
}
