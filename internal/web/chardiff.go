package web

// span is a run of characters of an inline diff.
type span struct {
	Text string
	Op   string // "same", "del", "ins"
}

// maxCharCells bounds the character LCS (rows × columns after the common
// prefix and suffix are cut); past it the middle is shown as replaced whole.
const maxCharCells = 1 << 20

// charDiff marks what changed between two strings character by character
// ("共受理220件" → "共受理230件": same "共受理2", del "2", ins "3", same
// "0件"): the common prefix and suffix are kept, the middle is aligned by a
// longest common subsequence of runes.
func charDiff(a, b string) []span {
	ra, rb := []rune(a), []rune(b)
	pre := 0
	for pre < len(ra) && pre < len(rb) && ra[pre] == rb[pre] {
		pre++
	}
	suf := 0
	for suf < len(ra)-pre && suf < len(rb)-pre && ra[len(ra)-1-suf] == rb[len(rb)-1-suf] {
		suf++
	}
	var out []span
	add := func(op string, r []rune) {
		if len(r) == 0 {
			return
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += string(r)
			return
		}
		out = append(out, span{Text: string(r), Op: op})
	}
	add("same", ra[:pre])
	ma, mb := ra[pre:len(ra)-suf], rb[pre:len(rb)-suf]
	if len(ma)*len(mb) > maxCharCells {
		add("del", ma)
		add("ins", mb)
	} else {
		for _, s := range lcsRunes(ma, mb) {
			add(s.Op, []rune(s.Text))
		}
	}
	add("same", ra[len(ra)-suf:])
	return out
}

// lcsRunes aligns two rune slices; deletions come before insertions at a
// change so "220 → 230" reads del "2" ins "3".
func lcsRunes(a, b []rune) []span {
	n, m := len(a), len(b)
	// l[i*(m+1)+j] = LCS length of a[i:] and b[j:].
	l := make([]int32, (n+1)*(m+1))
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i*(m+1)+j] = l[(i+1)*(m+1)+j+1] + 1
			} else {
				l[i*(m+1)+j] = max(l[(i+1)*(m+1)+j], l[i*(m+1)+j+1])
			}
		}
	}
	var out []span
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			out = append(out, span{string(a[i]), "same"})
			i++
			j++
		case i < n && (j == m || l[(i+1)*(m+1)+j] >= l[i*(m+1)+j+1]):
			out = append(out, span{string(a[i]), "del"})
			i++
		default:
			out = append(out, span{string(b[j]), "ins"})
			j++
		}
	}
	return out
}

// collapseSame shortens runs of unchanged lines to context lines around
// each change and one "skip" row saying how many were left out.
func collapseSame(lines []diffLine, context int) []diffLine {
	var out []diffLine
	for i := 0; i < len(lines); {
		if lines[i].Op != "same" {
			out = append(out, lines[i])
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].Op == "same" {
			j++
		}
		head, tail := context, context
		if i == 0 {
			head = 0
		}
		if j == len(lines) {
			tail = 0
		}
		if j-i <= head+tail+1 {
			out = append(out, lines[i:j]...)
		} else {
			out = append(out, lines[i:i+head]...)
			out = append(out, diffLine{Op: "skip", Skipped: j - i - head - tail})
			out = append(out, lines[j-tail:j]...)
		}
		i = j
	}
	return out
}
