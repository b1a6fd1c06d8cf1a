package corpus

import (
	"strconv"

	"github.com/gongkai/gongkai/extract/tables"
)

// Synthetic reports cover what the five corpus files lack: the 2021
// template, non-zero numbers in every organisation column, money written in
// 元, a deliberate failing check. Agencies are invented (清河市 is not a real
// city); numbers are plausible and, except where Failing says, consistent.

// num is a cell published as a plain integer.
func num(n int) tables.Cell {
	v := float64(n)
	return tables.Cell{Raw: strconv.Itoa(n), Value: &v}
}

// cv is a cell whose text is not the plain number: "1054600元" is 105.46 万元.
func cv(raw string, v float64) tables.Cell { return tables.Cell{Raw: raw, Value: &v} }

// na is a cell published as a not-applicable mark ("/", "—"): no value.
func na(raw string) tables.Cell { return tables.Cell{Raw: raw} }

type tableBuilder tables.Tables

func (b tableBuilder) set(table, row string, cols []string, cells ...tables.Cell) {
	if b[table] == nil {
		b[table] = map[string]map[string]tables.Cell{}
	}
	m := map[string]tables.Cell{}
	for i, c := range cols {
		m[c] = cells[i]
	}
	b[table][row] = m
}

// req sets a row of table 三 from its seven numbers.
func (b tableBuilder) req(row string, n ...int) {
	cells := make([]tables.Cell, len(n))
	for i, x := range n {
		cells[i] = num(x)
	}
	b.set("requests", row, RequestCols, cells...)
}

// review sets table 四 from its fifteen numbers.
func (b tableBuilder) review(n ...int) {
	for g, group := range ReviewGroups {
		cells := make([]tables.Cell, 5)
		for i := range cells {
			cells[i] = num(n[g*5+i])
		}
		b.set("review_litigation", group, ReviewCols, cells...)
	}
}

var (
	threeCols2021 = []string{"issued", "repealed", "in_force"}
	threeCols2019 = []string{"made", "published", "total"}
	itemCols2019  = []string{"prev_items", "change", "decisions"}
)

func synthetic() []Report {
	return []Report{synA(), synB(), synC()}
}

// synA: a city bureau, 2021 template, every check consistent.
func synA() Report {
	b := tableBuilder{}
	b.set("proactive", "rules", threeCols2021, num(0), num(0), num(0))
	b.set("proactive", "normative_docs", threeCols2021, num(3), num(1), num(17))
	b.set("proactive", "licensing", []string{"decisions"}, num(1268))
	b.set("proactive", "penalty", []string{"decisions"}, num(37))
	b.set("proactive", "enforcement", []string{"decisions"}, num(2))
	b.set("proactive", "fees", []string{"amount"}, cv("86.4", 86.4))
	//        自然人 商业 科研 公益 法律 其他 总计
	b.req("received", 45, 8, 1, 0, 3, 2, 59)
	b.req("carried_in", 2, 1, 0, 0, 0, 0, 3)
	b.req("granted", 18, 4, 1, 0, 1, 1, 25)
	b.req("partial", 5, 1, 0, 0, 1, 0, 7)
	b.req("denied.state_secret", 0, 0, 0, 0, 0, 0, 0)
	b.req("denied.prohibited_by_law", 1, 0, 0, 0, 0, 0, 1)
	b.req("denied.three_safeties", 0, 0, 0, 0, 0, 0, 0)
	b.req("denied.third_party", 2, 0, 0, 0, 0, 0, 2)
	b.req("denied.internal_affairs", 1, 0, 0, 0, 0, 0, 1)
	b.req("denied.process_info", 2, 1, 0, 0, 0, 0, 3)
	b.req("denied.enforcement_file", 0, 0, 0, 0, 0, 0, 0)
	b.req("denied.query_matter", 1, 0, 0, 0, 0, 0, 1)
	b.req("unable.not_held", 9, 2, 0, 0, 1, 1, 13)
	b.req("unable.needs_creation", 2, 0, 0, 0, 0, 0, 2)
	b.req("unable.unclear", 1, 0, 0, 0, 0, 0, 1)
	b.req("rejected.petition", 2, 0, 0, 0, 0, 0, 2)
	b.req("rejected.repeat", 1, 0, 0, 0, 0, 0, 1)
	b.req("rejected.publication", 0, 0, 0, 0, 0, 0, 0)
	b.req("rejected.mass_repeat", 0, 0, 0, 0, 0, 0, 0)
	b.req("rejected.confirm", 0, 0, 0, 0, 0, 0, 0)
	b.req("other.no_correction", 1, 0, 0, 0, 0, 0, 1)
	b.req("other.no_fee", 0, 0, 0, 0, 0, 0, 0)
	b.req("other.other", 0, 0, 0, 0, 0, 0, 0)
	b.req("total", 46, 8, 1, 0, 3, 2, 60)
	b.req("carried_out", 1, 1, 0, 0, 0, 0, 2)
	b.review(2, 0, 1, 0, 3, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0)
	return Report{
		ID: "syn2021-a", Title: "清河市自然资源和规划局2021年政府信息公开工作年度报告",
		Agency: "清河市自然资源和规划局", Year: 2021, Template: Template2021, Kind: KindReport,
		Synthetic: true, Host: "zrzyj.qinghe.gov.cn",
		Meta: Meta{
			IndexNo: "11371500MB2856014R/2022-00007", DocNo: "",
			Publisher: "清河市自然资源和规划局", WrittenDate: "2022-01-18", PublishedDate: "2022-01-20",
			DisclosureMode: "主动公开", DisclosureScope: "面向社会", Source: "清河市自然资源和规划局", Topic: "政务公开",
		},
		Tables: tables.Tables(b),
		Intro:  "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。",
		Overview: "2021年，清河市自然资源和规划局坚持以公开为常态、不公开为例外，围绕国土空间规划、土地供应、不动产登记等群众关注事项，持续加大政府信息公开力度。\n" +
			"（一）主动公开。全年通过局门户网站主动公开政府信息1342条，其中规划批前公示86条、土地出让结果公告41条；发布政策解读12篇。\n" +
			"（二）依申请公开。全年新收政府信息公开申请59件，上年结转3件，均在法定期限内答复，结转下年度继续办理2件。\n" +
			"（三）政府信息管理。修订《清河市自然资源和规划局政府信息公开保密审查办法》，全年审查拟公开信息1400余条。\n" +
			"（四）平台建设。完成门户网站政府信息公开专栏改版，新增“征地信息公开”栏目。\n" +
			"（五）监督保障。将政府信息公开工作纳入年度绩效考核，全年组织业务培训2次。",
		Problems: "2021年我局政府信息公开工作虽取得一定成效，但仍存在政策解读形式较为单一、依申请公开答复文书规范性有待提高等问题。\n" +
			"2022年，我局将丰富图解、视频等解读形式，完善依申请公开答复文书模板，加强对基层自然资源所的业务指导。",
		Other: "本年度未收取信息处理费。本机关无其他需要报告的事项。",
	}
}

// synB: a district government, 2021 template, reporting on 2022. Table 四 is
// published with a wrong 行政复议 总计 (13 for 8+2+1+1=12): the deliberate
// failing check.
func synB() Report {
	b := tableBuilder{}
	b.set("proactive", "rules", threeCols2021, na("—"), na("—"), na("—"))
	b.set("proactive", "normative_docs", threeCols2021, num(6), num(2), num(41))
	b.set("proactive", "licensing", []string{"decisions"}, num(5321))
	b.set("proactive", "penalty", []string{"decisions"}, num(412))
	b.set("proactive", "enforcement", []string{"decisions"}, num(15))
	b.set("proactive", "fees", []string{"amount"}, cv("203.57", 203.57))
	b.req("received", 125, 15, 0, 2, 6, 3, 151)
	b.req("carried_in", 4, 1, 0, 0, 0, 0, 5)
	b.req("granted", 61, 8, 0, 1, 3, 1, 74)
	b.req("partial", 12, 2, 0, 0, 1, 0, 15)
	b.req("denied.state_secret", 1, 0, 0, 0, 0, 0, 1)
	b.req("denied.prohibited_by_law", 0, 0, 0, 0, 0, 0, 0)
	b.req("denied.three_safeties", 1, 0, 0, 0, 0, 0, 1)
	b.req("denied.third_party", 3, 1, 0, 0, 0, 0, 4)
	b.req("denied.internal_affairs", 2, 0, 0, 0, 0, 0, 2)
	b.req("denied.process_info", 4, 1, 0, 0, 1, 0, 6)
	b.req("denied.enforcement_file", 1, 0, 0, 0, 0, 0, 1)
	b.req("denied.query_matter", 3, 0, 0, 0, 0, 0, 3)
	b.req("unable.not_held", 20, 2, 0, 1, 1, 1, 25)
	b.req("unable.needs_creation", 4, 0, 0, 0, 0, 0, 4)
	b.req("unable.unclear", 2, 1, 0, 0, 0, 0, 3)
	b.req("rejected.petition", 5, 0, 0, 0, 0, 0, 5)
	b.req("rejected.repeat", 2, 0, 0, 0, 0, 0, 2)
	b.req("rejected.publication", 1, 0, 0, 0, 0, 0, 1)
	b.req("rejected.mass_repeat", 0, 0, 0, 0, 0, 0, 0)
	b.req("rejected.confirm", 1, 0, 0, 0, 0, 0, 1)
	b.req("other.no_correction", 2, 0, 0, 0, 0, 0, 2)
	b.req("other.no_fee", 0, 0, 0, 0, 0, 0, 0)
	b.req("other.other", 1, 0, 0, 0, 0, 0, 1)
	b.req("total", 126, 15, 0, 2, 6, 2, 151)
	b.req("carried_out", 3, 1, 0, 0, 0, 1, 5)
	b.review(8, 2, 1, 1, 13, 3, 1, 0, 2, 6, 1, 0, 0, 1, 2)
	return Report{
		ID: "syn2021-b", Title: "清河市东城区人民政府2022年政府信息公开工作年度报告",
		Agency: "清河市东城区人民政府", Year: 2022, Template: Template2021, Kind: KindReport,
		Synthetic: true, Host: "www.qhdc.gov.cn",
		Meta: Meta{
			IndexNo: "113715020045631927/2023-00012", DocNo: "东政办发〔2023〕3号",
			Publisher: "清河市东城区人民政府办公室", WrittenDate: "2023-01-16", PublishedDate: "2023-01-18",
			DisclosureMode: "主动公开", DisclosureScope: "面向全社会", Source: "东城区政府办", Topic: "综合政务/政务公开",
		},
		Tables:  tables.Tables(b),
		Failing: []string{"review_litigation.totals"},
		Intro:   "本年度报告根据《中华人民共和国政府信息公开条例》规定和《中华人民共和国政府信息公开工作年度报告格式》要求，由清河市东城区人民政府办公室编制。本报告所列数据统计期限为2022年1月1日至2022年12月31日。如对本报告有疑问，请与东城区人民政府办公室联系（地址：清河市东城区政务中心3楼，电话：0534-2316688）。",
		Overview: "2022年，东城区深入贯彻落实《条例》，聚焦稳经济、保民生等重点领域，全面推进决策、执行、管理、服务、结果公开。\n" +
			"（一）主动公开情况。区政府门户网站全年发布各类政府信息6853条，召开新闻发布会18场，发布政策解读材料64篇。\n" +
			"（二）依申请公开情况。全年新收政府信息公开申请151件，上年结转5件，办结151件，结转下年度继续办理5件。\n" +
			"（三）政府信息管理情况。开展行政规范性文件清理，废止2件，现行有效41件，均已在区政府门户网站集中公开。\n" +
			"（四）政府信息公开平台建设情况。优化政府信息公开专栏，推进各街道政务公开专区标准化建设。\n" +
			"（五）监督保障情况。组织全区政务公开业务培训3次，开展季度网站检查4次，通报问题27个并督促整改到位。",
		Problems: "一是部分单位主动公开的及时性、准确性有待加强；二是政策解读的针对性和可读性不足；三是基层政务公开标准化规范化建设仍不平衡。\n" +
			"下一步，东城区将健全信息发布审核机制，提升解读质量，并以街道为重点推进基层政务公开标准化建设。",
		Other: "按照《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。本年度人大代表建议和政协提案办理结果公开率100%。",
	}
}

// synC: a city finance bureau, 2019 template, with non-zero organisation
// columns, a negative 本年增/减, "/" for rules it cannot make, and the
// procurement amount written in 元.
func synC() Report {
	b := tableBuilder{}
	b.set("proactive", "rules", threeCols2019, na("/"), na("/"), na("/"))
	b.set("proactive", "normative_docs", threeCols2019, num(4), num(4), num(36))
	b.set("proactive", "licensing", itemCols2019, num(12), num(0), num(389))
	b.set("proactive", "other_services", itemCols2019, num(5), num(1), num(1027))
	b.set("proactive", "penalty", itemCols2019, num(3), cv("-1", -1), num(14))
	b.set("proactive", "enforcement", itemCols2019, num(0), num(0), num(0))
	b.set("proactive", "fees", []string{"prev_items", "change"}, num(2), num(0))
	b.set("proactive", "procurement", []string{"projects", "amount"}, num(23), cv("1054600元", 105.46))
	b.req("received", 31, 6, 2, 1, 2, 1, 43)
	b.req("carried_in", 1, 0, 0, 0, 0, 0, 1)
	b.req("granted", 14, 3, 1, 1, 1, 0, 20)
	b.req("partial", 4, 1, 0, 0, 0, 1, 6)
	b.req("denied.state_secret", 0, 0, 0, 0, 0, 0, 0)
	b.req("denied.prohibited_by_law", 0, 0, 0, 0, 0, 0, 0)
	b.req("denied.three_safeties", 0, 0, 0, 0, 0, 0, 0)
	b.req("denied.third_party", 1, 1, 0, 0, 0, 0, 2)
	b.req("denied.internal_affairs", 1, 0, 0, 0, 0, 0, 1)
	b.req("denied.process_info", 2, 0, 1, 0, 0, 0, 3)
	b.req("denied.enforcement_file", 0, 0, 0, 0, 0, 0, 0)
	b.req("denied.query_matter", 1, 0, 0, 0, 0, 0, 1)
	b.req("unable.not_held", 6, 1, 0, 0, 1, 0, 8)
	b.req("unable.needs_creation", 1, 0, 0, 0, 0, 0, 1)
	b.req("unable.unclear", 1, 0, 0, 0, 0, 0, 1)
	b.req("rejected.petition", 0, 0, 0, 0, 0, 0, 0)
	b.req("rejected.repeat", 1, 0, 0, 0, 0, 0, 1)
	b.req("rejected.publication", 0, 0, 0, 0, 0, 0, 0)
	b.req("rejected.mass_repeat", 0, 0, 0, 0, 0, 0, 0)
	b.req("rejected.confirm", 0, 0, 0, 0, 0, 0, 0)
	b.req("other", 0, 0, 0, 0, 0, 0, 0)
	b.req("total", 32, 6, 2, 1, 2, 1, 44)
	b.req("carried_out", 0, 0, 0, 0, 0, 0, 0)
	b.review(1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0)
	return Report{
		ID: "syn2019-c", Title: "清河市财政局2020年政府信息公开工作年度报告",
		Agency: "清河市财政局", Year: 2020, Template: Template2019, Kind: KindReport,
		Synthetic: true, Host: "czj.qinghe.gov.cn",
		Meta: Meta{
			IndexNo: "11371500004312856X/2021-00003", DocNo: "",
			Publisher: "清河市财政局", WrittenDate: "2021-01-27", PublishedDate: "2021-01-28",
			DisclosureMode: "主动公开", DisclosureScope: "面向社会", Source: "清河市财政局", Topic: "财政",
		},
		Tables: tables.Tables(b),
		Intro:  "根据《中华人民共和国政府信息公开条例》要求，现公布清河市财政局2020年政府信息公开工作年度报告。报告中所列数据统计期限自2020年1月1日起至2020年12月31日止。",
		Overview: "2020年，清河市财政局认真落实政府信息公开各项要求，重点推进预决算公开、政府采购信息公开和财政资金直达基层信息公开。\n" +
			"（一）主动公开。全年主动公开政府信息917条，其中预决算信息128条、政府采购信息305条。\n" +
			"（二）依申请公开。全年新收政府信息公开申请43件，上年结转1件，全部按期答复。",
		Problems: "存在的主要问题：预决算公开的细化程度仍需提高，部分单位公开时间不统一。\n改进措施：制定预决算公开操作规程，统一公开时间和格式，加强对预算单位的指导检查。",
		Other:    "无。",
	}
}
