package tables

import (
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The fast answers of classify must agree with the full reading.

// TestLabelRunes: every label core holds a rune of U+4E00–U+9FFF, which is
// what lets classify answer "no label" for text without one.
func TestLabelRunes(t *testing.T) {
	cores := []string{}
	for k := range exact {
		cores = append(cores, k)
	}
	for _, p := range prefixes {
		cores = append(cores, p.prefix)
	}
	for _, c := range cores {
		if !hasLabelRune(c) {
			t.Errorf("label core %q has no CJK rune", c)
		}
	}
}

func TestClassifyWithoutCJK(t *testing.T) {
	// Every piece that normalize, stripEnum or dropPunct maps or drops,
	// and figures as agencies write them.
	pieces := []string{
		"(", ")", "（", "）", "〔", "〕", "【", "】", "［", "］", "“", "”", "\"", "'", "「", "」",
		"．", "。", ".", "、", ",", "，", ";", "；", ":", "：", "/", "／", "·", "-", "—", "_",
		" ", "\u3000", "\u00a0", "\u200b", "\ufeff", "\n", "①", "⑳", "1", "12", "０", "９", "%",
		"Ａ", "ａ", "&nbsp;", "\xff", "\xe4\xb8", "ㄱ", "가", "ぁ", "\U00020000",
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 50000; i++ {
		var b strings.Builder
		for k := rng.Intn(12); k >= 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		s := b.String()
		if hasLabelRune(s) {
			t.Fatalf("hasLabelRune(%q) = true", s)
		}
		if l := classifyText(s); l != (label{}) {
			t.Fatalf("classifyText(%q) = %+v, want no label", s, l)
		}
	}
	for _, s := range []string{"规", "a规", "\xe4\xb8\x80", "\u9fff"} {
		if !hasLabelRune(s) {
			t.Errorf("hasLabelRune(%q) = false", s)
		}
	}
	for _, s := range []string{"", "\u4dff", "\ua000", "\xe4\xb8"} {
		if hasLabelRune(s) {
			t.Errorf("hasLabelRune(%q) = true", s)
		}
	}
}

// TestStripOneEnumStart: text whose first rune starts no enumerator comes
// back unchanged, as the rune-slice reading would leave it.
func TestStripOneEnumStart(t *testing.T) {
	for _, s := range []string{"", "规章", "第二十条", "x1.", "\xff1.", "（一）"} {
		r, _ := utf8.DecodeRuneInString(s)
		if got := stripOneEnum(s); got != s && !(r == '(' || r >= '①' && r <= '⑳' || r >= '0' && r <= '9' || strings.ContainsRune("一二三四五六七八九十", r)) {
			t.Errorf("stripOneEnum(%q) = %q", s, got)
		}
	}
	for in, want := range map[string]string{"(三)其他": "其他", "1.属于": "属于", "①予以": "予以", "十二、x": "x", "一是": "一是"} {
		if got := stripOneEnum(in); got != want {
			t.Errorf("stripOneEnum(%q) = %q, want %q", in, got, want)
		}
	}
}

// refStripOneEnum and refParseNumber are the rune-slice readings the
// in-place ones replaced.
func refStripOneEnum(s string) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return s
	}
	isCN := func(r rune) bool { return strings.ContainsRune("一二三四五六七八九十", r) }
	isD := func(r rune) bool { return r >= '0' && r <= '9' }
	if rs[0] >= '①' && rs[0] <= '⑳' {
		return string(rs[1:])
	}
	if rs[0] == '(' {
		i := 1
		for i < len(rs) && i <= 4 && (isCN(rs[i]) || isD(rs[i])) {
			i++
		}
		if i > 1 && i < len(rs) && rs[i] == ')' {
			return string(rs[i+1:])
		}
		return s
	}
	i := 0
	if isCN(rs[0]) {
		for i < len(rs) && i < 4 && isCN(rs[i]) {
			i++
		}
	} else if isD(rs[0]) {
		for i < len(rs) && i < 3 && isD(rs[i]) {
			i++
		}
	}
	if i > 0 && i < len(rs) && (rs[i] == '、' || rs[i] == '.' || rs[i] == ',' || (isD(rs[0]) && rs[i] == ')')) {
		return string(rs[i+1:])
	}
	return s
}

func refParseNumber(raw string) (string, unitScale, bool) {
	var b strings.Builder
	rs := []rune(raw)
	i := 0
	neg := false
	for i < len(rs) {
		r := fold(rs[i])
		if r == '+' || r == '增' {
			i++
			continue
		}
		if r == '-' || r == '减' || r == '−' {
			neg = !neg
			i++
			continue
		}
		break
	}
	digits, dot := 0, false
	for ; i < len(rs); i++ {
		r := fold(rs[i])
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
		case r == '.' && !dot:
			b.WriteRune('.')
			dot = true
		case r == ',' && digits > 0:
		case r == ' ' || r == 0xA0 || r == 0x3000:
		default:
			goto suffix
		}
	}
suffix:
	if digits == 0 {
		return "", unitNone, false
	}
	rest := strings.TrimSpace(string(rs[i:]))
	unit := unitNone
	switch rest {
	case "":
	case "万", "万元":
		unit = unitWan
	case "元":
		unit = unitYuan
	case "亿", "亿元":
		unit = unitYi
	case "件", "条", "个", "项", "人次", "次", "份", "宗", "起":
	default:
		return "", unitNone, false
	}
	s := b.String()
	if strings.HasSuffix(s, ".") {
		s = strings.TrimSuffix(s, ".")
	}
	if neg {
		s = "-" + s
	}
	return s, unit, true
}

// refNormalize is normalize as first written: every rune through a builder.
func refNormalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000 || r == 0xA0:
			continue
		}
		switch r {
		case '“', '”', '"', '‘', '’', '\'', '「', '」', '『', '』':
			continue
		case '〔', '【', '［':
			r = '('
		case '〕', '】', '］':
			r = ')'
		case '．', '。':
			if r == '．' {
				r = '.'
			}
		}
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	out = strings.ReplaceAll(out, "只记", "只计")
	out = strings.ReplaceAll(out, "其它", "其他")
	out = strings.ReplaceAll(out, "行政规范性文件", "规范性文件")
	return out
}

func TestInPlaceReadersMatchRuneSlices(t *testing.T) {
	pieces := []string{
		"(", ")", "（", "）", "一", "二", "十", "三", "①", "⑳", "⑴", "1", "12", "9", "０", "１", "、", ".", ",", "．",
		"。", "，", "+", "-", "−", "增", "减", " ", "\u3000", "\u00a0", "万", "万元", "元", "亿", "件", "人次", "是",
		"规章", "其他", "\xff", "\xe4\xb8", "x", "“", "」", "〔", "】", "［", "＂", "\u200b", "\ufeff", "\t", "\n",
		"只记", "其它", "行政规范性文件", "\uFFFD", "\u2028", "\u0085", "！",
	}
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 100000; i++ {
		var b strings.Builder
		for k := rng.Intn(10); k >= 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		s := b.String()
		n := normalize(s)
		if want := refNormalize(s); n != want {
			t.Fatalf("normalize(%q) = %q, want %q", s, n, want)
		}
		if got, want := stripOneEnum(n), refStripOneEnum(n); got != want {
			t.Fatalf("stripOneEnum(%q) = %q, want %q", n, got, want)
		}
		if got, want := trimCell(s), strings.TrimFunc(s, isCellSpace); got != want {
			t.Fatalf("trimCell(%q) = %q, want %q", s, got, want)
		}
		if got, want := hasPunct(s), strings.ContainsFunc(s, isPunct); got != want {
			t.Fatalf("hasPunct(%q) = %v, want %v", s, got, want)
		}
		gs, gu, gok := parseNumber(s)
		ws, wu, wok := refParseNumber(s)
		if gs != ws || gu != wu || gok != wok {
			t.Fatalf("parseNumber(%q) = %q %v %v, want %q %v %v", s, gs, gu, gok, ws, wu, wok)
		}
	}
}

func TestNoSpaceAbove3000(t *testing.T) {
	for r := rune(0x3001); r <= utf8.MaxRune; r++ {
		if unicode.IsSpace(r) {
			t.Fatalf("unicode.IsSpace(%U) = true", r)
		}
	}
}

// TestPunctLeadBytes: hasPunct decodes only runes led by these bytes.
func TestPunctLeadBytes(t *testing.T) {
	var buf [4]byte
	for r := rune(0x80); r <= utf8.MaxRune; r++ {
		if !isPunct(r) {
			continue
		}
		utf8.EncodeRune(buf[:], r)
		if c := buf[0]; c != 0xC2 && c != 0xE2 && c != 0xE3 && c != 0xEF {
			t.Errorf("%q starts with %#x", r, c)
		}
	}
	for _, s := range []string{"", "规章", "a", "(", "规、章", "·", "\xff", "\xe3", "１"} {
		want := strings.ContainsFunc(s, isPunct)
		if got := hasPunct(s); got != want {
			t.Errorf("hasPunct(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestSmallInt: the integer reading gives ParseFloat's value, and declines
// what it does not read.
func TestSmallInt(t *testing.T) {
	for _, s := range []string{"0", "16", "-3", "-0", "007", "999999999999999", "9999999999999999", "", "-", "1.5", "1e3", "+1", "１", "12a"} {
		got, ok := smallInt(s)
		want, err := strconv.ParseFloat(s, 64)
		if ok && (err != nil || got != want || math.Signbit(got) != math.Signbit(want)) {
			t.Errorf("smallInt(%q) = %v, ParseFloat gives %v, %v", s, got, want, err)
		}
		if !ok && len(s) <= 15 && err == nil && strings.Trim(s, "-0123456789") == "" && s != "-" {
			t.Errorf("smallInt(%q) declined a whole number", s)
		}
	}
	rng := rand.New(rand.NewSource(10))
	for i := 0; i < 100000; i++ {
		n := rng.Int63n(1_000_000_000_000_000)
		s := strconv.FormatInt(n, 10)
		if rng.Intn(2) == 0 {
			s = "-" + s
		}
		got, ok := smallInt(s)
		want, _ := strconv.ParseFloat(s, 64)
		if !ok || got != want {
			t.Fatalf("smallInt(%q) = %v %v, want %v", s, got, ok, want)
		}
	}
}
