package extract

import (
	"regexp"
	"strconv"
	"strings"
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
}

const num = `(\d+(?:,\d{3})*)`

var figurePatterns = []figurePattern{
	{
		// 主动公开政府信息2677条 / 主动公开各类信息共2677条. Subcategories
		// (其中，政策法规类信息65条) do not start with 主动公开 and are not read.
		name:  "proactive_total",
		value: regexp.MustCompile(`主动公开(?:政府|政务|各类|各类政府|各类政务)?信息(?:共|总计|合计|累计)?(?:计)?` + num + `\s*(?:条|件|项)`),
	},
	{
		// 受理政府信息公开申请12件 / 收到依申请公开申请3件 / 共收到申请5件.
		name:  "requests_received",
		value: regexp.MustCompile(`(?:受理|收到|接到|接收|收)(?:了)?(?:各类)?(?:政府信息公开|依申请公开|信息公开)?(?:的)?申请(?:共|总计|合计)?` + num + `\s*(?:件|个|份|条|宗)`),
		zero:  regexp.MustCompile(`(?:未|没有|无)(?:接|收|受理)(?:收)?(?:到)?[^。；]{0,30}(?:政府信息|信息公开)[^。；]{0,10}申请`),
	},
	{
		name:  "review",
		value: regexp.MustCompile(`行政复议(?:案件|申请)?(?:共)?` + num + `\s*(?:件|起|宗|例)|` + num + `\s*(?:件|起|宗)(?:政府信息公开)?行政复议`),
		zero:  regexp.MustCompile(`(?:未|没有|无)(?:接到|收到|发生|出现|有)?[^。；]{0,40}(?:行政)?复议`),
	},
	{
		name:  "litigation",
		value: regexp.MustCompile(`行政诉讼(?:案件)?(?:共)?` + num + `\s*(?:件|起|宗|例)|` + num + `\s*(?:件|起|宗)(?:政府信息公开)?行政诉讼`),
		zero:  regexp.MustCompile(`(?:未|没有|无)(?:接到|收到|发生|出现|有)?[^。；]{0,40}行政诉讼`),
	},
}

// sentenceEnd ends a sentence. ASCII "?" is left out: essay-site copies
// carry "?" where a conversion lost a character (corpus 004).
var sentenceEnd = regexp.MustCompile(`[。；;！？]`)

// glossRe is a pinyin gloss, kept by the character it follows (區(qū) → 區);
// brokenGlossRe is the gloss of 復 whose character was lost ("?fù)議").
var (
	glossRe       = regexp.MustCompile(`(\p{Han})[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]`)
	brokenGlossRe = regexp.MustCompile(`\??f[uù][)）]议`)
)

// matchForm is the sentence as the patterns see it: simplified, half-width,
// without pinyin glosses.
func matchForm(s string) string {
	f := fold(s)
	if strings.ContainsAny(f, "(（") {
		f = glossRe.ReplaceAllString(f, "$1")
		f = brokenGlossRe.ReplaceAllString(f, "复议")
	}
	return f
}

// legacyFigures reads the figures from the body lines.
func legacyFigures(lines []string) []LegacyFigure {
	var out []LegacyFigure
	found := map[string]bool{}
	for _, l := range lines {
		l = cleanLine(l)
		if l == "" {
			continue
		}
		for _, sent := range splitSentences(l) {
			f := matchForm(sent)
			if !strings.ContainsAny(f, "公申复诉") {
				continue
			}
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

// splitSentences cuts a line after each sentence-ending mark, keeping it.
func splitSentences(l string) []string {
	locs := sentenceEnd.FindAllStringIndex(l, -1)
	if locs == nil {
		return []string{l}
	}
	out := make([]string, 0, len(locs)+1)
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
