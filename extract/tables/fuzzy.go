package tables

import (
	"sort"
	"unicode/utf8"
)

// Row labels with a typo as published (corpus hongze_*.pdf prints
// 2.其他法律行政止公开 for 2.其他法律行政法规禁止公开) are matched to the
// nearest long row label when they carry an enumerator, as every row label
// inside the requests table does: an edit distance of at most a quarter of
// the label, and no other label as near. Prose never reaches here without
// an enumerator, and a short label (重复申请) is never guessed.

// fuzzyRows are the exact row labels long enough to match loosely, in a
// fixed order; read-only after package initialisation.
var fuzzyRows = func() []string {
	var out []string
	for core, l := range exact {
		if l.kind == kindRow && utf8.RuneCountInString(core) >= minFuzzyRunes {
			out = append(out, core)
		}
	}
	sort.Strings(out)
	return out
}()

const minFuzzyRunes = 8

// fuzzyRow returns the row label core is a misprint of.
func fuzzyRow(core string) (label, bool) {
	rs := []rune(core)
	if len(rs) < minFuzzyRunes-2 || len(rs) > 40 {
		return label{}, false
	}
	best, bestD, tie := "", 1<<30, false
	for _, cand := range fuzzyRows {
		cr := []rune(cand)
		limit := max(len(cr), len(rs)) / 4
		if d := editDistance(rs, cr, limit); d <= limit {
			switch {
			case d < bestD:
				best, bestD, tie = cand, d, false
			case d == bestD:
				tie = true
			}
		}
	}
	if best == "" || tie {
		return label{}, false
	}
	return exact[best], true
}

// editDistance is the Levenshtein distance of a and b, or limit+1 once it
// is sure to exceed limit.
func editDistance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c = min(prev[j-1], prev[j], cur[j-1]) + 1
			} else {
				c = min(c, prev[j]+1, cur[j-1]+1)
			}
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
