package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// The six sections of a report (一、总体情况 … 六、其他需要报告的事项) and the
// headings of legacy reports (一、概述 … 六、存在问题和改进措施). A heading is
// a short line opening with a Chinese ordinal; which section it opens is
// decided by its words, never by its number alone, because reports reuse
// 一、二、三 for sub-points inside the overview (corpus 003).

type sectionID int

const (
	secOverview sectionID = iota
	secProactive
	secRequests
	secFees
	secReview
	secProblems
	secOther
	numSections
)

// headingRe is an ordinal heading: 一、 / 一. / 第一部分 / (no ordinal at all
// is accepted only for the exact words, see sectionOf).
var headingRe = regexp.MustCompile(`^(?:第?[一二三四五六七八九十]{1,2}(?:部分)?\s*[、.．:：]|[一二三四五六七八九十]{1,2}\s)\s*`)

// sectionWords decides which section a heading opens; the folded
// (simplified) heading text is matched.
var sectionWords = [numSections]*regexp.Regexp{
	secOverview:  regexp.MustCompile(`^(?:总体情况|概述|概况|基本情况)`),
	secProactive: regexp.MustCompile(`^主动公开(?:政府)?信息`),
	secRequests:  regexp.MustCompile(`^(?:收到和处理政府信息公开申请|依申请公开)`),
	secFees:      regexp.MustCompile(`收费(?:及|和)减免`),
	secReview:    regexp.MustCompile(`行政复议|行政诉讼`),
	secProblems:  regexp.MustCompile(`^(?:政府信息公开工作)?存在的?(?:主要)?问题|^(?:主要)?问题(?:及|和)改进`),
	secOther:     regexp.MustCompile(`^其他需要报告`),
}

var attachmentsLineRe = regexp.MustCompile(`^附件\s*[:：\d]`)

// heading is one section heading found in the lines.
type heading struct {
	id   sectionID
	line int
}

// findHeadings returns the standard section headings in line order, the
// first heading of each kind only.
func findHeadings(lines []string) []heading {
	var out []heading
	seen := [numSections]bool{}
	for i, l := range lines {
		if l == "" || len(l) > 240 || !strings.ContainsRune("第一二三四五六七八九十", firstRune(l)) {
			continue // a heading opens with its ordinal
		}
		if utf8.RuneCountInString(l) > 60 {
			continue
		}
		f := matchForm(l)
		loc := headingRe.FindStringIndex(f)
		if loc == nil {
			continue
		}
		rest := strings.TrimSpace(f[loc[1]:])
		for id := sectionID(0); id < numSections; id++ {
			if !seen[id] && sectionWords[id].MatchString(rest) {
				seen[id] = true
				out = append(out, heading{id: id, line: i})
				break
			}
		}
	}
	return out
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// sectionsOf cuts the overview, problems and other sections out of lines
// (cleaned body lines): each runs from the line after its heading to the
// next standard heading, or to the end.
func sectionsOf(lines []string, hs []heading) Sections {
	var s Sections
	for i, h := range hs {
		end := len(lines)
		if i+1 < len(hs) {
			end = hs[i+1].line
		}
		// The list of attachments closes the article.
		for j := h.line + 1; j < end; j++ {
			if strings.HasPrefix(lines[j], "附件") && attachmentsLineRe.MatchString(lines[j]) {
				end = j
				break
			}
		}
		text := joinClean(lines[h.line+1 : end])
		switch h.id {
		case secOverview:
			s.Overview = text
		case secProblems:
			s.Problems = text
		case secOther:
			s.Other = text
		}
	}
	return s
}
