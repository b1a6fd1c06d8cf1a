package tables

// Layout is the official shape of one standard table under one template:
// its rows and columns in the order the State Council template prints them,
// with the stable ids of report-format.md and the official labels. It is the
// single source of ids and labels for the parser, the checks, the exports
// and the web view.
type Layout struct {
	ID      string  // proactive | requests | review_litigation
	Title   string  // official heading, e.g. 二、主动公开政府信息情况
	Rows    []Label // in printed order
	Columns []Label // every column id any row of the table uses, in printed order
	// RowColumns lists, for rows whose columns differ from Columns (the
	// proactive table), the column ids that row has.
	RowColumns map[string][]string
}

// Label is one row or column: its stable id and its official label.
type Label struct {
	ID    string
	Label string
}

// Table ids.
const (
	Proactive        = "proactive"
	Requests         = "requests"
	ReviewLitigation = "review_litigation"
)

// Layouts returns the three tables of a template ("2019" or "2021"), in
// printed order. Any other template gets the 2019 layouts.
func Layouts(template string) []Layout {
	if template == "2021" {
		return []Layout{proactive2021(), requestsLayout(true), reviewLitigationLayout()}
	}
	return []Layout{proactive2019(), requestsLayout(false), reviewLitigationLayout()}
}

// LayoutOf returns one table's layout under a template.
func LayoutOf(template, table string) (Layout, bool) {
	for _, l := range Layouts(template) {
		if l.ID == table {
			return l, true
		}
	}
	return Layout{}, false
}

func proactive2019() Layout {
	docs := []string{"made", "published", "total"}
	items := []string{"prev_items", "change", "decisions"}
	return Layout{
		ID:    Proactive,
		Title: "二、主动公开政府信息情况",
		Rows: []Label{
			{"rules", "规章"},
			{"normative_docs", "规范性文件"},
			{"licensing", "行政许可"},
			{"other_services", "其他对外管理服务事项"},
			{"penalty", "行政处罚"},
			{"enforcement", "行政强制"},
			{"fees", "行政事业性收费"},
			{"procurement", "政府集中采购"},
		},
		Columns: []Label{
			{"made", "本年新制作数量"},
			{"published", "本年新公开数量"},
			{"total", "对外公开总数量"},
			{"prev_items", "上一年项目数量"},
			{"change", "本年增/减"},
			{"decisions", "处理决定数量"},
			{"projects", "采购项目数量"},
			{"amount", "采购总金额（万元）"},
		},
		RowColumns: map[string][]string{
			"rules":          docs,
			"normative_docs": docs,
			"licensing":      items,
			"other_services": items,
			"penalty":        items,
			"enforcement":    items,
			"fees":           {"prev_items", "change"},
			"procurement":    {"projects", "amount"},
		},
	}
}

func proactive2021() Layout {
	docs := []string{"issued", "repealed", "in_force"}
	return Layout{
		ID:    Proactive,
		Title: "二、主动公开政府信息情况",
		Rows: []Label{
			{"rules", "规章"},
			{"normative_docs", "行政规范性文件"},
			{"licensing", "行政许可"},
			{"penalty", "行政处罚"},
			{"enforcement", "行政强制"},
			{"fees", "行政事业性收费"},
		},
		Columns: []Label{
			{"issued", "本年制发件数"},
			{"repealed", "本年废止件数"},
			{"in_force", "现行有效件数"},
			{"decisions", "本年处理决定数量"},
			{"amount", "本年收费金额（单位：万元）"},
		},
		RowColumns: map[string][]string{
			"rules":          docs,
			"normative_docs": docs,
			"licensing":      {"decisions"},
			"penalty":        {"decisions"},
			"enforcement":    {"decisions"},
			"fees":           {"amount"},
		},
	}
}

// requestColumns are the applicant columns of the requests table; the five
// between natural_person and total sit under 法人或其他组织.
var requestColumns = []Label{
	{"natural_person", "自然人"},
	{"commercial", "商业企业"},
	{"research", "科研机构"},
	{"social_welfare", "社会公益组织"},
	{"legal_service", "法律服务机构"},
	{"other_org", "其他"},
	{"total", "总计"},
}

func requestsLayout(is2021 bool) Layout {
	rows := []Label{
		{"received", "一、本年新收政府信息公开申请数量"},
		{"carried_in", "二、上年结转政府信息公开申请数量"},
		{"granted", "三、本年度办理结果 （一）予以公开"},
		{"partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"},
		{"denied.state_secret", "（三）不予公开 1.属于国家秘密"},
		{"denied.prohibited_by_law", "2.其他法律行政法规禁止公开"},
		{"denied.three_safeties", "3.危及“三安全一稳定”"},
		{"denied.third_party", "4.保护第三方合法权益"},
		{"denied.internal_affairs", "5.属于三类内部事务信息"},
		{"denied.process_info", "6.属于四类过程性信息"},
		{"denied.enforcement_file", "7.属于行政执法案卷"},
		{"denied.query_matter", "8.属于行政查询事项"},
		{"unable.not_held", "（四）无法提供 1.本机关不掌握相关政府信息"},
		{"unable.needs_creation", "2.没有现成信息需要另行制作"},
		{"unable.unclear", "3.补正后申请内容仍不明确"},
		{"rejected.petition", "（五）不予处理 1.信访举报投诉类申请"},
		{"rejected.repeat", "2.重复申请"},
		{"rejected.publication", "3.要求提供公开出版物"},
		{"rejected.mass_repeat", "4.无正当理由大量反复申请"},
		{"rejected.confirm", "5.要求行政机关确认或重新出具已获取信息"},
	}
	if is2021 {
		rows = append(rows,
			Label{"other.no_correction", "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
			Label{"other.no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
			Label{"other.other", "3.其他"},
		)
	} else {
		rows = append(rows, Label{"other", "（六）其他处理"})
	}
	rows = append(rows,
		Label{"total", "（七）总计"},
		Label{"carried_out", "四、结转下年度继续办理"},
	)
	return Layout{
		ID:      Requests,
		Title:   "三、收到和处理政府信息公开申请情况",
		Rows:    rows,
		Columns: append([]Label(nil), requestColumns...),
	}
}

func reviewLitigationLayout() Layout {
	return Layout{
		ID:    ReviewLitigation,
		Title: "四、政府信息公开行政复议、行政诉讼情况",
		Rows: []Label{
			{"review", "行政复议"},
			{"suit_direct", "行政诉讼 未经复议直接起诉"},
			{"suit_after_review", "行政诉讼 复议后起诉"},
		},
		Columns: []Label{
			{"upheld", "结果维持"},
			{"corrected", "结果纠正"},
			{"other", "其他结果"},
			{"pending", "尚未审结"},
			{"total", "总计"},
		},
	}
}

// ColumnsOf returns the column ids a row has in a layout.
func (l Layout) ColumnsOf(row string) []string {
	if cols, ok := l.RowColumns[row]; ok {
		return cols
	}
	ids := make([]string, len(l.Columns))
	for i, c := range l.Columns {
		ids[i] = c.ID
	}
	return ids
}

// ColumnLabel returns the official label of a column id ("" if unknown).
func (l Layout) ColumnLabel(id string) string {
	for _, c := range l.Columns {
		if c.ID == id {
			return c.Label
		}
	}
	return ""
}
