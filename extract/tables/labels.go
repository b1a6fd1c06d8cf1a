package tables

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Templates this package recognises.
const (
	Template2019 = "2019"
	Template2021 = "2021"
)

// labelKind says what a normalized label names.
type labelKind uint8

const (
	kindNone       labelKind = iota
	kindRow                  // a data row of proactive or requests
	kindGroup                // a label that groups rows (（三）不予公开, 三、本年度办理结果)
	kindColumn               // a column header
	kindHeaderOnly           // header decoration: 信息内容, 第二十条第（一）项, 申请人情况 ...
	kindSection              // a section heading of the report (二、主动公开政府信息情况)
)

// label is what one cell or line of text was recognised as (not to be
// confused with Label of layout.go, an official row or column label).
type label struct {
	table string // table id the label belongs to ("" when ambiguous)
	id    string // row id, column id, review group/leaf id
	kind  labelKind
	// ambiguous is set for 总计 and 其他, which are column headers in one
	// place and row labels in another; the caller decides from context.
	ambiguous bool
	enum      bool // the label carried an enumerator (（七）, 3.)
	only2021  bool // the label exists only in the 2021 template
}

// The ids in template order, from the official layouts of layout.go (the
// single source of ids); read-only after package initialisation.
var (
	requestRows2019 = labelIDs(requestsLayout(false).Rows)
	requestRows2021 = labelIDs(requestsLayout(true).Rows)
	// requestCols: 自然人, 法人或其他组织 (商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他), 总计.
	requestCols = labelIDs(requestColumns)
	// Review groups and leaves: 行政复议, 行政诉讼·未经复议直接起诉, 行政诉讼·复议后起诉;
	// 结果维持, 结果纠正, 其他结果, 尚未审结, 总计.
	reviewGroups = labelIDs(reviewLitigationLayout().Rows)
	reviewLeaves = labelIDs(reviewLitigationLayout().Columns)
	proLayouts   = map[string]Layout{Template2019: proactive2019(), Template2021: proactive2021()}
)

func labelIDs(ls []Label) []string {
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	return ids
}

// proactiveRowIDs returns the rows of table 二 under a template.
func proactiveRowIDs(template string) []string {
	return labelIDs(proLayouts[template].Rows)
}

// proactiveCols returns the columns of a proactive row under a template
// (nil when the template has no such row).
func proactiveCols(template, row string) []string {
	return proLayouts[template].RowColumns[row]
}

// requestRows returns the requests row ids of a template.
func requestRows(template string) []string {
	if template == Template2021 {
		return requestRows2021
	}
	return requestRows2019
}

// isMoney reports whether a cell holds an amount of money (normalized to 万元).
func isMoney(table, row, col string) bool {
	return table == Proactive && col == "amount" && (row == "procurement" || row == "fees")
}

// exact maps a label core (normalize → strip enumerators → drop punctuation)
// to what it names.
var exact = map[string]label{
	// 二、主动公开 rows
	"规章":         {kind: kindRow, table: Proactive, id: "rules"},
	"规范性文件":      {kind: kindRow, table: Proactive, id: "normative_docs"},
	"行政许可":       {kind: kindRow, table: Proactive, id: "licensing"},
	"其他对外管理服务事项": {kind: kindRow, table: Proactive, id: "other_services"},
	"行政处罚":       {kind: kindRow, table: Proactive, id: "penalty"},
	"行政强制":       {kind: kindRow, table: Proactive, id: "enforcement"},
	"行政事业性收费":    {kind: kindRow, table: Proactive, id: "fees"},
	"政府集中采购":     {kind: kindRow, table: Proactive, id: "procurement"},
	// 二、主动公开 columns
	"本年新制作数量":  {kind: kindColumn, table: Proactive, id: "made"},
	"本年新公开数量":  {kind: kindColumn, table: Proactive, id: "published"},
	"对外公开总数量":  {kind: kindColumn, table: Proactive, id: "total"},
	"对外公开总数":   {kind: kindColumn, table: Proactive, id: "total"},
	"上一年项目数量":  {kind: kindColumn, table: Proactive, id: "prev_items"},
	"本年增减":     {kind: kindColumn, table: Proactive, id: "change"},
	"处理决定数量":   {kind: kindColumn, table: Proactive, id: "decisions"},
	"本年处理决定数量": {kind: kindColumn, table: Proactive, id: "decisions"},
	"采购项目数量":   {kind: kindColumn, table: Proactive, id: "projects"},
	"本年制发件数":   {kind: kindColumn, table: Proactive, id: "issued", only2021: true},
	"本年废止件数":   {kind: kindColumn, table: Proactive, id: "repealed", only2021: true},
	"现行有效件数":   {kind: kindColumn, table: Proactive, id: "in_force", only2021: true},
	"信息内容":     {kind: kindHeaderOnly, table: Proactive},

	// 三、依申请 rows
	"本年新收政府信息公开申请数量": {kind: kindRow, table: Requests, id: "received"},
	"上年结转政府信息公开申请数量": {kind: kindRow, table: Requests, id: "carried_in"},
	"予以公开":               {kind: kindRow, table: Requests, id: "granted"},
	"属于国家秘密":             {kind: kindRow, table: Requests, id: "denied.state_secret"},
	"其他法律行政法规禁止公开":       {kind: kindRow, table: Requests, id: "denied.prohibited_by_law"},
	"危及三安全一稳定":           {kind: kindRow, table: Requests, id: "denied.three_safeties"},
	"保护第三方合法权益":          {kind: kindRow, table: Requests, id: "denied.third_party"},
	"属于三类内部事务信息":         {kind: kindRow, table: Requests, id: "denied.internal_affairs"},
	"属于四类过程性信息":          {kind: kindRow, table: Requests, id: "denied.process_info"},
	"属于行政执法案卷":           {kind: kindRow, table: Requests, id: "denied.enforcement_file"},
	"属于行政查询事项":           {kind: kindRow, table: Requests, id: "denied.query_matter"},
	"本机关不掌握相关政府信息":       {kind: kindRow, table: Requests, id: "unable.not_held"},
	"没有现成信息需要另行制作":       {kind: kindRow, table: Requests, id: "unable.needs_creation"},
	"补正后申请内容仍不明确":        {kind: kindRow, table: Requests, id: "unable.unclear"},
	"信访举报投诉类申请":          {kind: kindRow, table: Requests, id: "rejected.petition"},
	"重复申请":               {kind: kindRow, table: Requests, id: "rejected.repeat"},
	"要求提供公开出版物":          {kind: kindRow, table: Requests, id: "rejected.publication"},
	"无正当理由大量反复申请":        {kind: kindRow, table: Requests, id: "rejected.mass_repeat"},
	"要求行政机关确认或重新出具已获取信息": {kind: kindRow, table: Requests, id: "rejected.confirm"},
	"其他处理":               {kind: kindRow, table: Requests, id: "other"}, // a group under 2021
	"结转下年度继续办理":          {kind: kindRow, table: Requests, id: "carried_out"},
	"本年度办理结果":            {kind: kindGroup, table: Requests},
	"不予公开":               {kind: kindGroup, table: Requests, id: "denied"},
	"无法提供":               {kind: kindGroup, table: Requests, id: "unable"},
	"不予处理":               {kind: kindGroup, table: Requests, id: "rejected"},
	// 三、依申请 columns
	"申请人情况":   {kind: kindHeaderOnly, table: Requests},
	"法人或其他组织": {kind: kindHeaderOnly, table: Requests},
	"自然人":     {kind: kindColumn, table: Requests, id: "natural_person"},
	"商业企业":    {kind: kindColumn, table: Requests, id: "commercial"},
	"科研机构":    {kind: kindColumn, table: Requests, id: "research"},
	"社会公益组织":  {kind: kindColumn, table: Requests, id: "social_welfare"},
	"法律服务机构":  {kind: kindColumn, table: Requests, id: "legal_service"},
	"其他":      {kind: kindColumn, table: Requests, id: "other_org", ambiguous: true},
	"总计":      {kind: kindColumn, id: "total", ambiguous: true},
	"合计":      {kind: kindColumn, id: "total", ambiguous: true},

	// 四、复议诉讼 header
	"行政复议":     {kind: kindColumn, table: ReviewLitigation, id: "group:review"},
	"行政诉讼":     {kind: kindHeaderOnly, table: ReviewLitigation},
	"未经复议直接起诉": {kind: kindColumn, table: ReviewLitigation, id: "group:suit_direct"},
	"复议后起诉":    {kind: kindColumn, table: ReviewLitigation, id: "group:suit_after_review"},
	"结果维持":     {kind: kindColumn, table: ReviewLitigation, id: "upheld"},
	"结果纠正":     {kind: kindColumn, table: ReviewLitigation, id: "corrected"},
	"其他结果":     {kind: kindColumn, table: ReviewLitigation, id: "other"},
	"尚未审结":     {kind: kindColumn, table: ReviewLitigation, id: "pending"},

	// section headings
	"主动公开政府信息情况":       {kind: kindSection, table: Proactive},
	"收到和处理政府信息公开申请情况":  {kind: kindSection, table: Requests},
	"政府信息公开行政复议行政诉讼情况": {kind: kindSection, table: ReviewLitigation},
}

// prefixes are label cores recognised by their start: long labels that
// agencies shorten, extend with units, or break differently.
var prefixes = []struct {
	prefix string
	l      label
}{
	{"部分公开", label{kind: kindRow, table: Requests, id: "partial"}},
	{"申请人无正当理由逾期不补正", label{kind: kindRow, table: Requests, id: "other.no_correction", only2021: true}},
	{"申请人逾期未按收费通知", label{kind: kindRow, table: Requests, id: "other.no_fee", only2021: true}},
	{"本列数据的勾稽关系", label{kind: kindHeaderOnly, table: Requests}},
	{"采购总金额", label{kind: kindColumn, table: Proactive, id: "amount"}},
	{"本年收费金额", label{kind: kindColumn, table: Proactive, id: "amount", only2021: true}},
	{"第二十条第", label{kind: kindHeaderOnly, table: Proactive}},
	{"本年新收政府信息公开申请", label{kind: kindRow, table: Requests, id: "received"}},
	{"上年结转政府信息公开申请", label{kind: kindRow, table: Requests, id: "carried_in"}},
	{"结转下年度继续办理", label{kind: kindRow, table: Requests, id: "carried_out"}},
}

// classify recognises a cell or line of text. The zero label means "not a
// label of the standard tables".
func classify(s string) label {
	if len(s) > maxLabelBytes || !hasLabelRune(s) {
		return label{}
	}
	return classifyText(s)
}

// classifyText is classify without its fast answer for text that holds no
// CJK rune.
func classifyText(s string) label {
	if len(s) > maxLabelBytes {
		return label{}
	}
	n := normalize(s)
	if n == "" {
		return label{}
	}
	body, enum := stripEnum(n)
	core := dropPunct(body)
	if core == "" {
		return label{}
	}
	l, ok := exact[core]
	if !ok {
		for _, p := range prefixes {
			if strings.HasPrefix(core, p.prefix) {
				l, ok = p.l, true
				break
			}
		}
	}
	if !ok && enum {
		l, ok = fuzzyRow(core)
	}
	if !ok {
		// a unit note after the label: 规章（件）, 行政许可(单位：个)
		if i := strings.LastIndexByte(body, '('); i > 0 && strings.HasSuffix(body, ")") && len(body)-i <= 20 {
			note := body[i:]
			if strings.ContainsAny(note, "件个项条元") || strings.Contains(note, "单位") {
				l2 := classify(body[:i])
				l2.enum = l2.enum || enum
				return l2
			}
		}
		return label{}
	}
	l.enum = enum
	return l
}

// hasLabelRune reports whether s holds a rune of the CJK block
// (U+4E00–U+9FFF). Every label core is written in those (TestLabelRunes),
// and normalize, stripEnum and dropPunct never turn other runes into them,
// so text without one is no label.
func hasLabelRune(s string) bool {
	for i := 0; i < len(s); i++ {
		// U+4E00–U+9FFF is E4 B8 80 – E9 BF BF in UTF-8.
		if c := s[i]; c >= 0xE4 && c <= 0xE9 {
			if r, _ := utf8.DecodeRuneInString(s[i:]); r >= 0x4E00 && r <= 0x9FFF {
				return true
			}
		}
	}
	return false
}

// maxLabelBytes: the longest label (2021 其他处理 2.) is under 50 characters;
// longer text, with the spaces and line breaks agencies add, is not a label.
const maxLabelBytes = 400

// classifyCell is classify for a table cell or a line, which some
// publishers fill with a group label and a row label together
// ("（三）不予公开 1.属于国家秘密"): then the last part names the row.
func classifyCell(s string) label {
	if !hasLabelRune(s) {
		return label{} // figures and blanks, most cells: no label can match
	}
	l := classify(s)
	if l.kind != kindNone || len(s) > maxLabelBytes {
		return l
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == 0x3000 || r == 0xA0 })
	if len(parts) < 2 {
		return l
	}
	for _, p := range parts[:len(parts)-1] {
		if classify(p).kind == kindNone {
			return l // prose that happens to end in a label word
		}
	}
	last := classify(parts[len(parts)-1])
	if last.kind == kindRow || (last.ambiguous && last.enum) {
		return last
	}
	return l
}

// normalize folds the variants agencies publish: full-width ASCII to
// half-width, all whitespace removed (line breaks inside labels), quotes
// dropped, brackets unified, 只记→只计, 行政规范性文件→规范性文件.
// Runs of runes it keeps as they are are copied whole; text that needs no
// change is returned as it is.
func normalize(s string) string {
	var b strings.Builder
	start := 0 // the run of unchanged bytes not yet written
	for i, r := range s {
		out, keep := normalizeRune(r)
		if keep && out == r && (r != utf8.RuneError || strings.HasPrefix(s[i:], "\uFFFD")) {
			continue // unchanged (an invalid byte is not: it becomes U+FFFD)
		}
		if b.Cap() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[start:i])
		if keep {
			b.WriteRune(out)
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		start = i + size
	}
	out := s
	if b.Cap() > 0 {
		b.WriteString(s[start:])
		out = b.String()
	}
	out = strings.ReplaceAll(out, "只记", "只计")
	out = strings.ReplaceAll(out, "其它", "其他")
	out = strings.ReplaceAll(out, "行政规范性文件", "规范性文件")
	return out
}

// normalizeRune is what normalize writes for r, if anything.
func normalizeRune(r rune) (rune, bool) {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000 || r == 0xA0:
		return 0, false
	}
	switch r {
	case '“', '”', '"', '‘', '’', '\'', '「', '」', '『', '』':
		return 0, false
	case '〔', '【', '［':
		r = '('
	case '〕', '】', '］':
		r = ')'
	}
	// Unicode has no white space above U+3000 (TestNoSpaceAbove3000):
	// hanzi skip the table search.
	if (r <= 0x3000 && unicode.IsSpace(r)) || r == '\u200b' || r == '\ufeff' {
		return 0, false
	}
	return r, true
}

// stripEnum removes leading enumerators (一、 （三） 1. ① …) and reports
// whether there was one.
func stripEnum(s string) (string, bool) {
	found := false
	for {
		t := stripOneEnum(s)
		if t == s {
			return s, found
		}
		found = true
		s = t
	}
}

// isCN: a Chinese numeral of an enumerator (一 … 十).
func isCN(r rune) bool {
	switch r {
	case '一', '二', '三', '四', '五', '六', '七', '八', '九', '十':
		return true
	}
	return false
}

// stripOneEnum removes one leading enumerator. s is normalize's output,
// valid UTF-8, so its runes are read in place: an enumerator is decided by
// its first six runes at most.
func stripOneEnum(s string) string {
	isD := func(r rune) bool { return r >= '0' && r <= '9' }
	if r, _ := utf8.DecodeRuneInString(s); s == "" || !(r >= '①' && r <= '⑳' || r == '(' || isCN(r) || isD(r)) {
		return s // most labels: no enumerator can start here
	}
	var rs [6]rune
	var off [7]int // off[k]: byte offset of rune k; off[n]: after the last one read
	n := 0
	for n < len(rs) && off[n] < len(s) {
		r, size := utf8.DecodeRuneInString(s[off[n]:])
		rs[n], off[n+1] = r, off[n]+size
		n++
	}
	if n == 0 {
		return s
	}
	// ①..⑳
	if rs[0] >= '①' && rs[0] <= '⑳' {
		return s[off[1]:]
	}
	// (三) or (1)
	if rs[0] == '(' {
		i := 1
		for i < n && i <= 4 && (isCN(rs[i]) || isD(rs[i])) {
			i++
		}
		if i > 1 && i < n && rs[i] == ')' {
			return s[off[i+1]:]
		}
		return s
	}
	// 三、 or 1. or 1、
	i := 0
	if isCN(rs[0]) {
		for i < n && i < 4 && isCN(rs[i]) {
			i++
		}
	} else if isD(rs[0]) {
		for i < n && i < 3 && isD(rs[i]) {
			i++
		}
	}
	if i > 0 && i < n && (rs[i] == '、' || rs[i] == '.' || rs[i] == ',' || (isD(rs[0]) && rs[i] == ')')) {
		// "一、" must not eat the start of a word such as 一是; the separator is required.
		return s[off[i+1]:]
	}
	return s
}

// dropPunct removes the punctuation that varies between publishers.
func dropPunct(s string) string {
	if !hasPunct(s) {
		return s // most label cores: nothing to drop
	}
	return strings.Map(func(r rune) rune {
		if isPunct(r) {
			return -1
		}
		return r
	}, s)
}

func isPunct(r rune) bool {
	switch r {
	case '(', ')', ',', '、', '.', ';', ':', '。', '/', '，', '；', '：', '·', '-', '—', '_':
		return true
	}
	return false
}

// hasPunct reports whether s holds a rune isPunct drops. Only ASCII and
// runes led by C2, E2, E3 or EF can be one (TestPunctLeadBytes); hanzi are
// stepped over a byte at a time.
func hasPunct(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if isPunct(rune(c)) {
				return true
			}
			i++
		case c == 0xC2 || c == 0xE2 || c == 0xE3 || c == 0xEF:
			r, size := utf8.DecodeRuneInString(s[i:])
			if isPunct(r) {
				return true
			}
			i += size
		default:
			i++
		}
	}
	return false
}
