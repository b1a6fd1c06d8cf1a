package tables

import (
	"math/rand"
	"strings"
	"testing"
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
