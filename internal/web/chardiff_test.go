package web

import (
	"fmt"
	"strings"
	"testing"
)

func spansString(ss []span) string {
	var b strings.Builder
	for _, s := range ss {
		switch s.Op {
		case "del":
			b.WriteString("[-" + s.Text + "-]")
		case "ins":
			b.WriteString("{+" + s.Text + "+}")
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestCharDiff(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"共受理申请220件。", "共受理申请230件。", "共受理申请2[-2-]{+3+}0件。"},
		{"部分公开2件。", "部分公开1件。", "部分公开[-2-]{+1+}件。"},
		{"", "16", "{+16+}"},
		{"16", "", "[-16-]"},
		{"same", "same", "same"},
		{"本年度共收到申请", "本年度共新收到申请8件", "本年度共{+新+}收到申请{+8件+}"},
		{"依申请公开", "主动公开", "[-依申请-]{+主动+}公开"},
	}
	for _, tc := range tests {
		if got := spansString(charDiff(tc.a, tc.b)); got != tc.want {
			t.Errorf("charDiff(%q, %q) = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
	// A huge middle is shown replaced whole, not aligned in quadratic time.
	a, b := strings.Repeat("甲", 3000)+"x", strings.Repeat("乙", 3000)+"x"
	if got := charDiff(a, b); len(got) != 3 || got[0].Op != "del" || got[1].Op != "ins" || got[2].Text != "x" {
		t.Errorf("long middle: %d spans", len(got))
	}
}

func TestCollapseSame(t *testing.T) {
	var lines []diffLine
	for i := range 20 {
		op := "same"
		if i == 10 {
			op = "changed"
		}
		lines = append(lines, diffLine{Left: fmt.Sprint(i), Op: op})
	}
	var got []string
	for _, l := range collapseSame(lines, 2) {
		if l.Op == "skip" {
			got = append(got, fmt.Sprintf("…%d", l.Skipped))
		} else {
			got = append(got, l.Left)
		}
	}
	// 10 lines before the change: 8 skipped, 2 of context; 9 after: 2 of context, 7 skipped.
	if want := "…8 8 9 10 11 12 …7"; strings.Join(got, " ") != want {
		t.Errorf("collapsed %v, want %s", got, want)
	}
}
