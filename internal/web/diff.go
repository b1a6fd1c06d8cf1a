package web

import "strings"

// diffLine is one row of a side-by-side text diff.
type diffLine struct {
	Left, Right string
	Op          string // "same", "changed", "removed", "added", "skip"
	Spans       []span // a changed line, character by character
	Skipped     int    // a skip row: how many unchanged lines it stands for
}

// maxDiffLines bounds the quadratic line diff; longer texts are compared on
// their first maxDiffLines lines and the page says so.
const maxDiffLines = 2000

// diffText aligns the lines of two texts with a longest-common-subsequence
// diff and pairs removed with added lines as changes.
func diffText(a, b string) ([]diffLine, bool) {
	la, lb := splitLines(a), splitLines(b)
	trunc := false
	if len(la) > maxDiffLines {
		la, trunc = la[:maxDiffLines], true
	}
	if len(lb) > maxDiffLines {
		lb, trunc = lb[:maxDiffLines], true
	}
	// lcs[i][j] = length of the LCS of la[i:] and lb[j:].
	lcs := make([][]int32, len(la)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(lb)+1)
	}
	for i := len(la) - 1; i >= 0; i-- {
		for j := len(lb) - 1; j >= 0; j-- {
			if la[i] == lb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []diffLine
	var removed, added []string
	flush := func() {
		n := max(len(removed), len(added))
		for k := 0; k < n; k++ {
			d := diffLine{Op: "changed"}
			switch {
			case k >= len(removed):
				d.Op = "added"
			case k >= len(added):
				d.Op = "removed"
			}
			if k < len(removed) {
				d.Left = removed[k]
			}
			if k < len(added) {
				d.Right = added[k]
			}
			if d.Op == "changed" {
				d.Spans = charDiff(d.Left, d.Right)
			}
			out = append(out, d)
		}
		removed, added = removed[:0], added[:0]
	}
	i, j := 0, 0
	for i < len(la) || j < len(lb) {
		switch {
		case i < len(la) && j < len(lb) && la[i] == lb[j]:
			flush()
			out = append(out, diffLine{Left: la[i], Right: lb[j], Op: "same"})
			i++
			j++
		case j < len(lb) && (i == len(la) || lcs[i][j+1] >= lcs[i+1][j]):
			added = append(added, lb[j])
			j++
		default:
			removed = append(removed, la[i])
			i++
		}
	}
	flush()
	return out, trunc
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
