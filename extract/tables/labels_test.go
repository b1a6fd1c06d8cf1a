package tables

import "testing"

// TestClassifyVariants: the label variants of report-format.md all name the
// same row or column.
func TestClassifyVariants(t *testing.T) {
	cases := []struct {
		text  string
		kind  labelKind
		table string
		id    string
	}{
		{"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", kindRow, Requests, "partial"},
		{"(二)部分公开(区分处理的,只记这一情形,不计其他情形)", kindRow, Requests, "partial"},
		{"（二）部分公开（区分处理的，只计这一情形，\n不计其他情形）", kindRow, Requests, "partial"},
		{"3.危及“三安全一稳定”", kindRow, Requests, "denied.three_safeties"},
		{"3．危及\"三安全一稳定\"", kindRow, Requests, "denied.three_safeties"},
		{"１．属于国家秘密", kindRow, Requests, "denied.state_secret"},
		{"1、 属于国家秘密", kindRow, Requests, "denied.state_secret"},
		{"一、本年新收政府信息公开申请数量", kindRow, Requests, "received"},
		{"一、本年新收 政府信息公开申请数量", kindRow, Requests, "received"},
		{"四、结转下年度继续办理", kindRow, Requests, "carried_out"},
		{"四、政府信息公开行政复议、行政诉讼情况", kindSection, ReviewLitigation, ""},
		{"二、主动公开政府信息情况", kindSection, Proactive, ""},
		{"行政规范性文件", kindRow, Proactive, "normative_docs"},
		{"规范性文件", kindRow, Proactive, "normative_docs"},
		{" 规　章 ", kindRow, Proactive, "rules"},
		{"本年新\n制作数量", kindColumn, Proactive, "made"},
		{"本年新 制作数量", kindColumn, Proactive, "made"},
		{"本年增/减", kindColumn, Proactive, "change"},
		{"本年增／减", kindColumn, Proactive, "change"},
		{"采购总金额（万元）", kindColumn, Proactive, "amount"},
		{"本年收费金额（单位：万元）", kindColumn, Proactive, "amount"},
		{"第二十条第（一）项", kindHeaderOnly, Proactive, ""},
		{"第二十条第(五)项", kindHeaderOnly, Proactive, ""},
		{"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", kindHeaderOnly, Requests, ""},
		{"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", kindRow, Requests, "other.no_correction"},
		{"2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", kindRow, Requests, "other.no_fee"},
		{"（六）其他处理", kindRow, Requests, "other"},
		{"（三）不予公开", kindGroup, Requests, "denied"},
		{"三、本年度办理结果", kindGroup, Requests, ""},
		{"未经复议直接起诉", kindColumn, ReviewLitigation, "group:suit_direct"},
		{"结果维持", kindColumn, ReviewLitigation, "upheld"},
		{"其它对外管理服务事项", kindRow, Proactive, "other_services"},
		{"（六）其它处理", kindRow, Requests, "other"},
		{"规章（件）", kindRow, Proactive, "rules"},
		{"行政许可(单位：个)", kindRow, Proactive, "licensing"},
		{"采购总金额（万元）", kindColumn, Proactive, "amount"},
		{"对外公开总数", kindColumn, Proactive, "total"},
		{"合计", kindColumn, "", "total"},
		{"（三）不予公开 1.属于国家秘密", kindNone, "", ""}, // classify; classifyCell reads the row
		{"一是加强组织领导", kindNone, "", ""},
		{"2020年,新前街道认真贯彻", kindNone, "", ""},
		{"0", kindNone, "", ""},
	}
	for _, c := range cases {
		l := classify(c.text)
		if l.kind != c.kind || l.table != c.table || l.id != c.id {
			t.Errorf("classify(%q) = kind %d table %q id %q, want kind %d table %q id %q",
				c.text, l.kind, l.table, l.id, c.kind, c.table, c.id)
		}
	}
}

func TestClassifyCell(t *testing.T) {
	if l := classifyCell("（三）不予公开 1.属于国家秘密"); l.kind != kindRow || l.id != "denied.state_secret" {
		t.Errorf("group and row in one cell: %+v", l)
	}
	if l := classifyCell("（六）其他处理\n3.其他"); !l.ambiguous || !l.enum || l.id != "other_org" {
		t.Errorf("（六）其他处理 3.其他 in one cell: %+v", l)
	}
	if l := classifyCell("本机关 主动公开 规章"); l.kind != kindNone {
		t.Errorf("prose ending in a label word read as %+v", l)
	}
}

// TestAmbiguousLabels: 总计 and 其他 are columns or rows by context.
func TestAmbiguousLabels(t *testing.T) {
	b := newBuilder(Template2021)
	if _, _, ok := b.resolveRow([]label{classify("总计")}); ok {
		t.Error("总计 outside the requests rows read as a row")
	}
	if table, row, ok := b.resolveRow([]label{classify("（七）总计")}); !ok || table != Requests || row != "total" {
		t.Errorf("（七）总计 = %q %q %v", table, row, ok)
	}
	if _, _, ok := b.resolveRow([]label{classify("其他")}); ok {
		t.Error("其他 header read as a row")
	}
	path := []label{classify("（六）其他处理"), classify("3.其他")}
	if _, row, ok := b.resolveRow(path); !ok || row != "other.other" {
		t.Errorf("（六）其他处理 / 3.其他 = %q %v", row, ok)
	}
	// Under 2021 （六）其他处理 is a group, unless its row has figures of
	// its own (a report that kept the 2019 row: corpus hongze_2023.pdf).
	if table, row, ok := b.resolveRow([]label{classify("（六）其他处理")}); !ok || !b.otherGroup(table, row, false) || b.otherGroup(table, row, true) {
		t.Errorf("（六）其他处理 under 2021 = %q %q %v: want a group without figures, the row other with them", table, row, ok)
	}
	b19 := newBuilder(Template2019)
	if _, row, ok := b19.resolveRow([]label{classify("（六）其他处理")}); !ok || row != "other" {
		t.Errorf("2019 （六）其他处理 = %q %v", row, ok)
	}
}

func TestFuzzyRowLabels(t *testing.T) {
	for _, c := range []struct {
		in, id string
	}{
		{"2.其他法律行政止公开", "denied.prohibited_by_law"}, // corpus hongze_*.pdf as printed
		{"1.本机关不掌握相关政府信", "unable.not_held"},
		{"（二）上年结转政府信息公开申情数量", "carried_in"},
		{"其他法律行政止公开", ""},    // no enumerator: not guessed
		{"2.重复申靖", ""},       // a short label is never guessed
		{"3.本机关负责人出庭应诉", ""}, // far from every label
	} {
		l := classify(c.in)
		if l.id != c.id || (c.id != "" && l.kind != kindRow) {
			t.Errorf("classify(%q) = %q (kind %d), want %q", c.in, l.id, l.kind, c.id)
		}
	}
}
