package extract

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Legacy (2008–2018) reports have no fixed tables; report-format.md asks for
// four figures read from their sentences. A figure the text does not state
// is absent; a sentence saying none were received (未接到 / 没有 … 行政复议)
// states 0. Patterns run on the folded (simplified, half-width) sentence and
// the record keeps the sentence as published.

type figurePattern struct {
	name  string
	value *regexp.Regexp // group 1 is the number
	zero  *regexp.Regexp // a sentence stating there were none
	// key and zeroKey are words every match of value (with a digit) and of
	// zero (with 未, 没 or 无) contains: a sentence without them is not
	// given to the regexps, which backtrack slowly on long sentences.
	key, zeroKey string
}

const num = `(\d+(?:,\d{3})*)`

var figurePatterns = []figurePattern{
	{
		// 主动公开政府信息2677条 / 主动公开各类信息共2677条. Subcategories
		// (其中，政策法规类信息65条) do not start with 主动公开 and are not read.
		name:  "proactive_total",
		value: regexp.MustCompile(`主动公开(?:政府|政务|各类|各类政府|各类政务)?信息(?:共|总计|合计|累计)?(?:计)?` + num + `\s*(?:条|件|项)`),
		key:   "主动公开",
	},
	{
		// 受理政府信息公开申请12件 / 收到依申请公开申请3件 / 共收到申请5件.
		name:  "requests_received",
		value: regexp.MustCompile(`(?:受理|收到|接到|接收|收)(?:了)?(?:各类)?(?:政府信息公开|依申请公开|信息公开)?(?:的)?申请(?:共|总计|合计)?` + num + `\s*(?:件|个|份|条|宗)`),
		zero:  regexp.MustCompile(`(?:未|没有|无)(?:接|收|受理)(?:收)?(?:到)?[^。；]{0,30}(?:政府信息|信息公开)[^。；]{0,10}申请`),
		key:   "申请", zeroKey: "申请",
	},
	{
		name:  "review",
		value: regexp.MustCompile(`行政复议(?:案件|申请)?(?:共)?` + num + `\s*(?:件|起|宗|例)|` + num + `\s*(?:件|起|宗)(?:政府信息公开)?行政复议`),
		zero:  regexp.MustCompile(`(?:未|没有|无)(?:接到|收到|发生|出现|有)?[^。；]{0,40}(?:行政)?复议`),
		key:   "行政复议", zeroKey: "复议",
	},
	{
		name:  "litigation",
		value: regexp.MustCompile(`行政诉讼(?:案件)?(?:共)?` + num + `\s*(?:件|起|宗|例)|` + num + `\s*(?:件|起|宗)(?:政府信息公开)?行政诉讼`),
		zero:  regexp.MustCompile(`(?:未|没有|无)(?:接到|收到|发生|出现|有)?[^。；]{0,40}行政诉讼`),
		key:   "行政诉讼", zeroKey: "行政诉讼",
	},
}

// brokenGlossRe is the gloss of 復 whose character was lost ("?fù)議");
// whole glosses (區(qū) → 區) are dropped by removeGlosses.
var brokenGlossRe = regexp.MustCompile(`\??f[uù][)）]议`)

// matchForm is the sentence as the patterns see it: simplified, half-width,
// without pinyin glosses.
func matchForm(s string) string {
	f := fold(s)
	if strings.ContainsAny(f, "(（") {
		f = removeGlosses(f)
		// brokenGlossRe needs an f and 议: most sentences skip it.
		if strings.IndexByte(f, 'f') >= 0 && strings.Contains(f, "议") {
			f = brokenGlossRe.ReplaceAllString(f, "复议")
		}
	}
	return f
}

// legacyFigures reads the figures from the body lines.
func legacyFigures(lines []string) []LegacyFigure {
	clean := make([]string, len(lines))
	for i, l := range lines {
		clean[i] = cleanLine(l)
	}
	return legacyFiguresClean(clean)
}

// legacyFiguresClean is legacyFigures for lines already through cleanLine.
func legacyFiguresClean(lines []string) []LegacyFigure {
	var out []LegacyFigure
	var found [4]bool // by index in figurePatterns
	for _, l := range lines {
		if l == "" || !mayHoldFigure(l) {
			continue // most lines: no sentence of theirs can match
		}
		for _, sent := range splitSentences(l) {
			if !mayHoldFigure(sent) {
				continue
			}
			f := matchForm(sent)
			if !strings.ContainsAny(f, "公申复诉") {
				continue
			}
			digit, none := hasDigit(f), hasNegation(f)
			for i, p := range figurePatterns {
				if found[i] {
					continue
				}
				if digit && strings.Contains(f, p.key) {
					if m := p.value.FindStringSubmatch(f); m != nil {
						digits := m[1]
						if digits == "" && len(m) > 2 {
							digits = m[2]
						}
						v, err := strconv.ParseFloat(strings.ReplaceAll(digits, ",", ""), 64)
						if err == nil {
							out = append(out, LegacyFigure{Name: p.name, Value: v, Sentence: sent})
							found[i] = true
						}
						continue
					}
				}
				if p.zero != nil && none && strings.Contains(f, p.zeroKey) && p.zero.MatchString(f) {
					out = append(out, LegacyFigure{Name: p.name, Value: 0, Sentence: sent})
					found[i] = true
				}
			}
		}
	}
	return out
}

// mayHoldFigure is a necessary condition, on the sentence as published, for
// a figure pattern to match its match form: every pattern holds 主动公开,
// 申请, 复议 or 行政诉讼, and fold turns 復 and 訴 into 复 and 诉 while the
// broken gloss "?fù)议" becomes 复议. (公 alone, in every 公开, is no sign.)
func mayHoldFigure(s string) bool {
	for _, r := range s {
		switch r {
		case '主', '申', '复', '诉', '復', '訴', '议', '議':
			return true
		}
	}
	return false
}

// hasDigit: the patterns' \d is ASCII only.
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// hasNegation: every zero pattern opens with 未, 没有 or 无.
func hasNegation(s string) bool {
	return strings.Contains(s, "未") || strings.Contains(s, "没") || strings.Contains(s, "无")
}

// splitSentences cuts a line after each sentence-ending mark (。；;！？),
// keeping it. ASCII "?" is left out: essay-site copies carry "?" where a
// conversion lost a character (corpus 004).
func splitSentences(l string) []string {
	var out []string
	start := 0
	for i, r := range l {
		switch r {
		case '。', '；', ';', '！', '？':
		default:
			continue
		}
		end := i + utf8.RuneLen(r)
		if s := strings.TrimSpace(l[start:end]); s != "" {
			out = append(out, s)
		}
		start = end
	}
	if start == 0 {
		return []string{l}
	}
	if s := strings.TrimSpace(l[start:]); s != "" {
		out = append(out, s)
	}
	return out
}
