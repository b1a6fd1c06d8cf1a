package extract

import (
	"strings"
	"unicode/utf8"
)

// Copies of reports on essay sites are often machine-converted to
// traditional characters (corpus 004). fold maps the traditional forms of the
// characters that the classifier, the section finder and the legacy figure
// patterns look for to their simplified forms, rune for rune, so offsets in
// the folded text are offsets in the original.
var tradToSimp = func() map[rune]rune {
	pairs := "報报開开動动條条請请復复議议訴诉訟讼區区劃划務务總总體体況况問问題题進进關关於于專专辦办規规範范際际費费減减資资訊讯應应與与處处決决門门網网縣县鎮镇鄉乡據据構构機机發发佈布時时間间來来類类當当現现實实領领導导組组織织數数經经濟济會会員员單单號号學学見见說说書书執执並并結结對对為为這这個个們们無无沒没訂订編编製制內内萬万億亿兩两計计統统稱称電电話话後后將将從从過过還还讓让認认識识護护權权險险確确歸归檔档閱阅覽览證证繳缴納纳補补違违訪访舉举條条預预啟启屬属於于級级衛卫設设項项質质參参綜综態态場场導导傳传製制況况駁驳維维糾纠審审誤误糾纠轉转"
	m := make(map[rune]rune, 128)
	rs := []rune(pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
}()

// runeSet is a set of runes as a bitmap over the span they cover: fold and
// the copy-site signs ask about every rune of a page, and a map lookup per
// hanzi was a tenth of extraction's CPU.
type runeSet struct {
	lo, hi rune
	bits   []uint64
}

func newRuneSet(rs []rune) runeSet {
	s := runeSet{lo: utf8.MaxRune, hi: 0}
	for _, r := range rs {
		s.lo, s.hi = min(s.lo, r), max(s.hi, r)
	}
	if s.lo > s.hi {
		return runeSet{lo: 1, hi: 0} // empty: has answers false
	}
	s.bits = make([]uint64, (s.hi-s.lo)/64+1)
	for _, r := range rs {
		s.bits[(r-s.lo)/64] |= 1 << ((r - s.lo) % 64)
	}
	return s
}

func (s runeSet) has(r rune) bool {
	return r >= s.lo && r <= s.hi && s.bits[(r-s.lo)/64]&(1<<((r-s.lo)%64)) != 0
}

// containsAnyRune is strings.ContainsAny for a set held as a runeSet: one
// bit test per rune instead of a search of the set.
func containsAnyRune(s string, set runeSet) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if set.has(rune(c)) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if set.has(r) {
			return true
		}
		i += size
	}
	return false
}

// decodeHan decodes the rune at s[i], whose lead byte is E4–E9 (U+4000–
// U+9FFF, where the hanzi are): a well-formed three-byte sequence is read
// inline, anything else as utf8.DecodeRuneInString reads it.
func decodeHan(s string, i int) (rune, int) {
	if i+2 < len(s) {
		if b1, b2 := s[i+1], s[i+2]; b1&0xC0 == 0x80 && b2&0xC0 == 0x80 {
			return rune(s[i]&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F), 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// tradKeys are the keys of tradToSimp.
var tradKeys = func() runeSet {
	var rs []rune
	for r := range tradToSimp {
		rs = append(rs, r)
	}
	return newRuneSet(rs)
}()

// foldRune is fold for one rune.
func foldRune(r rune) rune {
	if tradKeys.has(r) {
		return tradToSimp[r]
	}
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	return r
}

// fold returns s with traditional characters mapped to simplified and
// full-width ASCII to half-width; it keeps the rune count.
func fold(s string) string {
	need := false
	for _, r := range s {
		if tradKeys.has(r) || (r >= 0xFF01 && r <= 0xFF5E) {
			need = true
			break
		}
	}
	if !need {
		return s
	}
	return strings.Map(foldRune, s)
}

// countTraditional counts runes of s that fold changes to simplified.
func countTraditional(s string) int {
	n := 0
	for _, r := range s {
		if tradKeys.has(r) {
			n++
		}
	}
	return n
}
