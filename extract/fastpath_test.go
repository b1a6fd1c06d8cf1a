package extract

import (
	"math/rand"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// The hand-written scanners of the legacy figures and the copy-site signs
// must answer exactly as the regexps and plain definitions they replaced;
// those are kept here as the reference and run over every line of the
// corpus, the essay-site copies and random mixtures of the tricky pieces.

// refSentenceEnd, refPinyinGlossRe: the definitions splitSentences and
// countGlosses implement.
var (
	refSentenceEnd   = regexp.MustCompile(`[。；;！？]`)
	refPinyinGlossRe = regexp.MustCompile(`\p{Han}[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]`)
	refYearDuRe      = regexp.MustCompile(`((?:19|20)\d{2})\s*年度`)
	refYearNianRe    = regexp.MustCompile(`((?:19|20)\d{2})\s*年`)
	refPlaceholderRe = regexp.MustCompile(`[*＊]\s*(?:年|区|區|市|县|縣|镇|鎮|府|局)`)
	refGlossRe       = regexp.MustCompile(`(\p{Han})[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]`)
	refNotReportRe   = regexp.MustCompile(`指南|目录|通知|会议|召开|培训|部署|印发|做好|列表|公告|新闻|动态|查询|解读|关于报送`)
)

// refMatchForm is matchForm running both gloss regexps on every text with
// a parenthesis.
func refMatchForm(s string) string {
	f := fold(s)
	if strings.ContainsAny(f, "(（") {
		f = refGlossRe.ReplaceAllString(f, "$1")
		f = brokenGlossRe.ReplaceAllString(f, "复议")
	}
	return f
}

// refYear is the year of the first match of re in s.
func refYear(re *regexp.Regexp, s string) (int, bool) {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	return atoi(m[1]), true
}

func refSplitSentences(l string) []string {
	locs := refSentenceEnd.FindAllStringIndex(l, -1)
	if locs == nil {
		return []string{l}
	}
	var out []string
	start := 0
	for _, loc := range locs {
		if s := strings.TrimSpace(l[start:loc[1]]); s != "" {
			out = append(out, s)
		}
		start = loc[1]
	}
	if s := strings.TrimSpace(l[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// refLegacyFigures is legacyFigures without its prefilters.
func refLegacyFigures(lines []string) []LegacyFigure {
	var out []LegacyFigure
	found := map[string]bool{}
	for _, l := range lines {
		l = cleanLine(l)
		if l == "" {
			continue
		}
		for _, sent := range refSplitSentences(l) {
			f := matchForm(sent)
			for _, p := range figurePatterns {
				if found[p.name] {
					continue
				}
				if m := p.value.FindStringSubmatch(f); m != nil {
					digits := m[1]
					if digits == "" && len(m) > 2 {
						digits = m[2]
					}
					v, err := strconv.ParseFloat(strings.ReplaceAll(digits, ",", ""), 64)
					if err == nil {
						out = append(out, LegacyFigure{Name: p.name, Value: v, Sentence: sent})
						found[p.name] = true
					}
					continue
				}
				if p.zero != nil && p.zero.MatchString(f) {
					out = append(out, LegacyFigure{Name: p.name, Value: 0, Sentence: sent})
					found[p.name] = true
				}
			}
		}
	}
	return out
}

// refCopyScore is copyScore as first written: fold the whole page, search
// each word, run the regexps.
func refCopyScore(title, pageText string) int {
	score := 0
	essay := 0
	ft := refFold(title + "\n" + pageText)
	for _, w := range essayWords {
		if strings.Contains(ft, w) {
			essay++
		}
	}
	score += min(essay, 3)
	if len(refPinyinGlossRe.FindAllStringIndex(pageText, 5)) >= 3 {
		score += 2
	}
	if len(refPlaceholderRe.FindAllStringIndex(pageText, 5)) >= 3 {
		score++
	}
	n := 0
	for _, r := range pageText {
		if _, ok := tradToSimp[r]; ok {
			n++
		}
	}
	if n >= 50 {
		score++
	}
	return score
}

func refFold(s string) string {
	return strings.Map(func(r rune) rune {
		if t, ok := tradToSimp[r]; ok {
			return t
		}
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		return r
	}, s)
}

// fastpathTexts: every corpus line, every line of the essay-site copies,
// the pages whole, and random mixtures of the pieces the scanners look at.
func fastpathTexts(t *testing.T) (lines, pages []string) {
	t.Helper()
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		lines = append(lines, r.Lines...)
		pages = append(pages, strings.Join(r.Lines, "\n"))
		p, err := fixture.EssayCopy(r, fixture.EncUTF8)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, string(p.Body))
		lines = append(lines, strings.Split(string(p.Body), "\n")...)
	}
	pieces := []string{
		"(", "（", ")", "）", "qū", "kāi", "abcdefg", "fù", "?", "議", "议", "区", "區", "开", "開",
		"*", "＊", " ", "年", "府", "复议", "行政复议", "行政诉讼", "未", "没有", "无", "接到", "收到",
		"申请", "政府信息公开", "主动公开", "信息", "共", "12", "1,234", "０", "件", "条", "起",
		"。", "；", ";", "！", "？", "\xff", "\xe4\xb8", "范", "範文", "文库", "本站", "會員", "参考價值",
		"工作總結", "心得體會", "下载", "免費", "復", "訴", "訟", "報", "一", "Ａ",
		"2020", "1999", "20", "19", "2", "0", "\t", "\n", "\f", "\v", "年度", "度", "指南", "关于", "报送",
		"【", "】", "[", "]", "字", "扫", "浏", "访", "点", "阅", "*", "**", "＊", "* ", "*\n", "*\v", "区", "鎮", "局",
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for k := rng.Intn(24); k >= 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		lines = append(lines, b.String())
	}
	for i := 0; i < 300; i++ {
		var b strings.Builder
		for k := rng.Intn(400); k >= 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		pages = append(pages, b.String())
	}
	return lines, pages
}

func TestScannersMatchDefinitions(t *testing.T) {
	lines, pages := fastpathTexts(t)
	for _, l := range lines {
		if got, want := splitSentences(l), refSplitSentences(l); !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("splitSentences(%q) = %q, want %q", l, got, want)
		}
		if got, want := legacyFigures([]string{l}), refLegacyFigures([]string{l}); !reflect.DeepEqual(got, want) {
			t.Fatalf("legacyFigures(%q) = %v, want %v", l, got, want)
		}
		if got, want := matchForm(l), refMatchForm(l); got != want {
			t.Fatalf("matchForm(%q) = %q, want %q", l, got, want)
		}
		if got, want := hasNotReportWord(l), refNotReportRe.MatchString(l); got != want {
			t.Fatalf("hasNotReportWord(%q) = %v, want %v", l, got, want)
		}
		for _, c := range []struct {
			re   *regexp.Regexp
			word string
		}{{refYearDuRe, "年度"}, {refYearNianRe, "年"}} {
			y, ok := firstYearBefore(l, c.word)
			if wy, wok := refYear(c.re, l); y != wy || ok != wok {
				t.Fatalf("firstYearBefore(%q, %s) = %d %v, want %d %v", l, c.word, y, ok, wy, wok)
			}
		}
	}
	for _, p := range append(pages, lines...) {
		if got, want := copyScore("标题", p), refCopyScore("标题", p); got != want {
			t.Fatalf("copyScore(%.200q) = %d, want %d", p, got, want)
		}
		if got, want := countGlosses(p, 1<<30), len(refPinyinGlossRe.FindAllStringIndex(p, -1)); got != want {
			t.Fatalf("countGlosses(%.200q) = %d, want %d", p, got, want)
		}
		if got, want := countPlaceholders(p, 1<<30), len(refPlaceholderRe.FindAllStringIndex(p, -1)); got != want {
			t.Fatalf("countPlaceholders(%.200q) = %d, want %d", p, got, want)
		}
		if got, want := removeGlosses(p), refGlossRe.ReplaceAllString(p, "$1"); got != want {
			t.Fatalf("removeGlosses(%.200q) = %.200q, want %.200q", p, got, want)
		}
		if got, want := fold(p), refFold(p); got != want && utf8.ValidString(p) {
			t.Fatalf("fold(%.200q) = %q, want %q", p, got, want)
		}
	}
	// Whole pages as the legacy reader sees them, across lines: figures
	// found once, first sentence wins.
	for _, p := range pages {
		ls := strings.Split(p, "\n")
		if got, want := legacyFigures(ls), refLegacyFigures(ls); !reflect.DeepEqual(got, want) {
			t.Fatalf("legacyFigures(page) = %v, want %v", got, want)
		}
	}
	// The essay words of the title count too.
	if got, want := copyScore("本站范文", "下载"), refCopyScore("本站范文", "下载"); got != want || got != 3 {
		t.Errorf("copyScore with words in the title = %d, want %d (3)", got, want)
	}
}

func TestTradKeys(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		_, want := tradToSimp[r]
		if tradKeys.has(r) != want {
			t.Fatalf("tradKeys.has(%U) = %v, want %v", r, !want, want)
		}
	}
	if (runeSet{lo: 1, hi: 0}).has(1) || newRuneSet(nil).has(0) {
		t.Error("an empty runeSet holds a rune")
	}
}

// refMayHoldLabel is mayHoldLabel as first written: strip the spaces, then
// look for a label ending at each label letter.
func refMayHoldLabel(s string) bool {
	hint := false
	for _, r := range s {
		if isLabelEnd(r) {
			hint = true
			break
		}
	}
	if !hint {
		return false
	}
	if hasLabelSpace(s) {
		s = strings.Map(func(r rune) rune {
			if isSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	for i, r := range s {
		if !isLabelEnd(r) {
			continue
		}
		upTo := s[:i+utf8.RuneLen(r)]
		for _, l := range metaLabels {
			if strings.HasSuffix(upTo, l.label) {
				return true
			}
		}
	}
	return false
}

func TestLineScannersMatchDefinitions(t *testing.T) {
	lines, pages := fastpathTexts(t)
	pieces := []string{
		"索", "引", "号", "来", "源", "信息来源", "发布机构", "成文日期", "公开方式", "主题分类", "机关", "单位", "期",
		" ", "  ", "\t", "\n", "\v", "\f", "\r", "\u3000", "\u00a0", "\u0085", "\u1680", "\u2002", "\u2028",
		"\u202f", "\u205f", "\ufeff", "\u200b", "\xff", "\xe5", "\xe5\x8f", "\xc2", "a", "，", "：",
	}
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 50000; i++ {
		var b strings.Builder
		for k := rng.Intn(12); k >= 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		lines = append(lines, b.String())
	}
	for _, l := range append(lines, pages...) {
		if got, want := mayHoldLabel(l), refMayHoldLabel(l); got != want {
			t.Fatalf("mayHoldLabel(%.200q) = %v, want %v", l, got, want)
		}
		if got, want := cleanLine(l), collapseSpaces(l); got != want {
			t.Fatalf("cleanLine(%.200q) = %.200q, want %.200q", l, got, want)
		}
	}
}

// TestSpaceLeadBytes: isCleanLine decodes only runes starting with these
// bytes, so every space must start with one; label letters start with E4–E9.
func TestSpaceLeadBytes(t *testing.T) {
	var buf [utf8.UTFMax]byte
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !isSpace(r) {
			continue
		}
		utf8.EncodeRune(buf[:], r)
		switch c := buf[0]; {
		case c < utf8.RuneSelf, c == 0xC2, c == 0xE1, c == 0xE2, c == 0xE3, c == 0xEF:
		default:
			t.Errorf("space %U starts with %#x", r, c)
		}
	}
	for _, l := range metaLabels {
		for _, r := range l.label {
			utf8.EncodeRune(buf[:], r)
			if buf[0] < 0xE4 || buf[0] > 0xE9 {
				t.Errorf("label letter %q of %s starts with %#x", r, l.label, buf[0])
			}
		}
	}
}

// TestCopySignRunes: essayScan decodes only runes with lead byte E4–E9.
func TestCopySignRunes(t *testing.T) {
	var rs []rune
	for r := range tradToSimp {
		rs = append(rs, r)
	}
	for _, w := range essayWords {
		r, _ := utf8.DecodeRuneInString(w)
		rs = append(rs, r)
	}
	for _, r := range rs {
		if r < 0x4000 || r > 0x9FFF {
			t.Errorf("%q (%U) is outside U+4000–U+9FFF", r, r)
		}
	}
}

func TestContainsAnyRune(t *testing.T) {
	lines, _ := fastpathTexts(t)
	for _, chars := range []string{"【[字扫分浏访点阅", "字浏访点阅【[分"} {
		set := newRuneSet([]rune(chars))
		for _, l := range lines {
			if got, want := containsAnyRune(l, set), strings.ContainsAny(l, chars); got != want {
				t.Fatalf("containsAnyRune(%q, %q) = %v, want %v", l, chars, got, want)
			}
		}
	}
}

func TestDecodeHan(t *testing.T) {
	var buf [4]byte
	for r := rune(0x4000); r <= 0x9FFF; r++ {
		n := utf8.EncodeRune(buf[:], r)
		for _, tail := range []string{"", "x", "\x80", "\xe4"} {
			s := "a" + string(buf[:n]) + tail
			if got, size := decodeHan(s, 1); got != r || size != 3 {
				t.Fatalf("decodeHan(%q) = %U %d", s, got, size)
			}
		}
	}
	for _, s := range []string{"\xe4", "\xe4\xb8", "\xe4x\x80", "\xe4\x80x", "\xe9\xc0\x80", "\xe5\x8f\xb7"} {
		r, n := decodeHan(s, 0)
		wr, wn := utf8.DecodeRuneInString(s)
		if r != wr || n != wn {
			t.Errorf("decodeHan(%q) = %U %d, want %U %d", s, r, n, wr, wn)
		}
	}
}

// refDropChromeLines is dropChromeLines with only its first pre-test.
func refDropChromeLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		if len(l) <= 4*80 && utf8.RuneCountInString(l) <= 80 && strings.ContainsAny(l, "【[字扫分浏访点阅") {
			c := chromeTextRe.ReplaceAllString(l, "")
			if strings.TrimFunc(c, isSpace) == "" && strings.TrimFunc(l, isSpace) != "" {
				continue
			}
			l = c
		}
		out = append(out, l)
	}
	return out
}

func TestChromeFiltersMatchDefinitions(t *testing.T) {
	pieces := []string{
		"【", "】", "[", "]", "打印", "关闭", "打印本页", "返回顶部", "字体", "字号", "：", ":", "大", "中", "小",
		"扫一扫在手机", "上", "打开当前页", "分享到", "浏览次数", "访问次数", "点击数", "阅读次数", "浏览量", "12",
		" ", "\u3000", "部分公开", "点", "分", "字", "收藏", "来源", "新前街道", "(", "）",
	}
	rng := rand.New(rand.NewSource(5))
	var lines []string
	for i := 0; i < 30000; i++ {
		var b strings.Builder
		for k := rng.Intn(8); k >= 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		lines = append(lines, b.String())
	}
	got := dropChromeLines(append([]string(nil), lines...))
	if want := refDropChromeLines(lines); !reflect.DeepEqual(got, want) {
		t.Fatal("dropChromeLines differs from its definition")
	}
	for _, l := range lines {
		l = cleanLine(l)
		want := strings.TrimSpace(chromeInMetaRe.ReplaceAllString(l, " "))
		if containsAnyRune(l, chromeInMetaHints) && containsAnyWord(l, chromeInMetaWords) {
			continue // the regexp runs
		}
		if want != l {
			t.Fatalf("chromeInMetaRe changes %q to %q, but its pre-test skips it", l, want)
		}
	}
}

func TestCountAboveSpace(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(40))
		for j := range b {
			b[j] = byte(rng.Intn(256))
			if rng.Intn(2) == 0 {
				b[j] = byte(0x18 + rng.Intn(16)) // around ' '
			}
		}
		want := 0
		for _, c := range b {
			if c > ' ' {
				want++
			}
		}
		if got := countAboveSpace(string(b)); got != want {
			t.Fatalf("countAboveSpace(%q) = %d, want %d", b, got, want)
		}
	}
}

func TestJoinAfter(t *testing.T) {
	pieces := []string{"", "", " ", "a", "一二", "\u3000b\u3000", "\n", "x\n", "  c  d "}
	rng := rand.New(rand.NewSource(9))
	for i := 0; i < 20000; i++ {
		lines := make([]string, rng.Intn(6))
		for j := range lines {
			lines[j] = pieces[rng.Intn(len(pieces))]
		}
		head := []string{"", "标题\n", "\n", "t\n\n"}[rng.Intn(4)]
		for _, clean := range []bool{true, false} {
			if got, want := joinAfter(head, lines, clean), head+join(lines, clean); got != want {
				t.Fatalf("joinAfter(%q, %q, %v) = %q, want %q", head, lines, clean, got, want)
			}
			// join itself, against the definition it had.
			var b strings.Builder
			blank := true
			for _, l := range lines {
				if clean {
					l = cleanLine(l)
				}
				if l == "" {
					if !blank {
						b.WriteByte('\n')
					}
					blank = true
					continue
				}
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(l)
				blank = false
			}
			if got, want := join(lines, clean), strings.TrimRight(b.String(), "\n"); got != want {
				t.Fatalf("join(%q, %v) = %q, want %q", lines, clean, got, want)
			}
		}
	}
}
