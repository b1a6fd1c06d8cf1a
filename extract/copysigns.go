package extract

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The signs that a report text sits on an essay site (a copy, 转载): the
// site's own words, pinyin glosses, redacted names, traditional characters.
// They are counted over the whole visible page of every report not on a
// government host, so each is one pass over the text without a regexp.

// essayWords are the furniture of essay and template sites (范文/文库…).
var essayWords = []string{"范文", "文库", "参考价值", "本站", "精心整理", "写作", "论文", "客服", "范本", "模板", "下载", "工作总结", "心得体会", "原创", "免费", "会员"}

// essayFirstRunes and essayRests are each essay word cut after its first
// letter, in essayWords order.
var essayFirstRunes, essayRests = func() (fs []rune, rests []string) {
	for _, w := range essayWords {
		r, n := utf8.DecodeRuneInString(w)
		fs, rests = append(fs, r), append(rests, w[n:])
	}
	return fs, rests
}()

// essayFirst holds the first rune of every essay word: the scan compares
// the rest of a word only where its first rune stands.
var essayFirst = func() runeSet {
	var rs []rune
	for _, w := range essayWords {
		r, _ := utf8.DecodeRuneInString(w)
		rs = append(rs, r)
	}
	return newRuneSet(rs)
}()

// copySignRunes are the runes essayScan looks at: traditional characters
// and the first letters of the essay words.
var copySignRunes = newRuneSet(copySignRuneList())

// copySignRuneList lists the traditional characters and the first letters
// of the essay words.
func copySignRuneList() []rune {
	var rs []rune
	for r := range tradToSimp {
		rs = append(rs, r)
	}
	for _, w := range essayWords {
		r, _ := utf8.DecodeRuneInString(w)
		rs = append(rs, r)
	}
	return rs
}

// copySignBlocks marks, per lead byte E4–E9, the middle bytes (low six
// bits) of the copy-sign runes: a three-byte hanzi outside those blocks of
// 64 code points is stepped over without decoding.
var copySignBlocks = func() (m [6]uint64) {
	rs := copySignRuneList()
	var buf [utf8.UTFMax]byte
	for _, r := range rs {
		utf8.EncodeRune(buf[:], r)
		m[buf[0]-0xE4] |= 1 << (buf[1] & 0x3F)
	}
	return m
}()

// copyScore sums the signs that a report text sits on an essay site.
func copyScore(title, pageText string) int {
	var seen uint32 // bit i: essayWords[i] occurs in the folded title or page
	essayScan(title, &seen)
	trad := essayScan(pageText, &seen)
	score := min(bits.OnesCount32(seen), 3)
	if countGlosses(pageText, 3) >= 3 {
		score += 2
	}
	if countPlaceholders(pageText, 3) >= 3 {
		score++
	}
	if trad >= 50 {
		score++ // a mainland report machine-converted to traditional characters
	}
	return score
}

// essayScan marks in seen the essay words that fold(s) contains, and counts
// the runes of s that fold changes to simplified (countTraditional).
func essayScan(s string, seen *uint32) (trad int) {
	for i := 0; i < len(s); {
		if c := s[i]; c < 0xE4 || c > 0xE9 {
			// Every essay word's first letter and every traditional
			// character is in U+4000–U+9FFF, lead byte E4–E9
			// (TestCopySignRunes); the rest is stepped over a byte at a time.
			i++
			continue
		}
		var r rune
		if i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// A well-formed hanzi: skipped by its block of 64 code points
			// when that holds no copy-sign rune, else decoded in place.
			c, b1, b2 := s[i], s[i+1], s[i+2]
			i += 3
			if copySignBlocks[c-0xE4]&(1<<(b1&0x3F)) == 0 {
				continue
			}
			r = rune(c&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F)
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			i += size
		}
		if !copySignRunes.has(r) {
			continue
		}
		if tradKeys.has(r) {
			trad++
			r = tradToSimp[r]
		}
		if !essayFirst.has(r) {
			continue
		}
		for k, first := range essayFirstRunes {
			if first == r && foldedHasPrefix(s[i:], essayRests[k]) {
				*seen |= 1 << k
			}
		}
	}
	return trad
}

// foldedHasPrefix reports whether fold(s) starts with w.
func foldedHasPrefix(s, w string) bool {
	for _, wr := range w {
		if s == "" {
			return false
		}
		r, size := utf8.DecodeRuneInString(s)
		if foldRune(r) != wr {
			return false
		}
		s = s[size:]
	}
	return true
}

// countGlosses counts, up to limit, the pinyin glosses after a character
// (區(qū), 開（kāi）): a Han character, an opening parenthesis, one to six
// pinyin letters, a closing one.
func countGlosses(s string, limit int) int {
	n := 0
	for i := 0; n < limit; n++ {
		p, end := nextGloss(s, i)
		if p < 0 {
			break
		}
		i = end
	}
	return n
}

// removeGlosses drops the glosses, keeping the character they follow
// (區(qū) → 區): what `(\p{Han})[(（][a-zā…ü]{1,6}[)）]` → "$1" does.
func removeGlosses(s string) string {
	var b strings.Builder
	last := 0
	for {
		p, end := nextGloss(s, last)
		if p < 0 {
			break
		}
		b.WriteString(s[last:p])
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// nextGloss finds the first gloss at or after from: the index of its
// opening parenthesis and its end, or -1.
func nextGloss(s string, from int) (paren, end int) {
	for i := from; i < len(s); i++ {
		open := 0
		switch {
		case s[i] == '(':
			open = 1
		case s[i] == 0xEF && strings.HasPrefix(s[i:], "（"):
			open = len("（")
		default:
			continue
		}
		if end := glossEnd(s, i, open); end > 0 {
			return i, end
		}
	}
	return -1, -1
}

// glossEnd returns the end of the gloss whose parenthesis (open bytes long)
// is at s[p], or 0 when there is none.
func glossEnd(s string, p, open int) int {
	if r, _ := utf8.DecodeLastRuneInString(s[:p]); !unicode.Is(unicode.Han, r) {
		return 0
	}
	q := p + open
	for letters := 0; q < len(s); letters++ {
		r, size := utf8.DecodeRuneInString(s[q:])
		switch {
		case isPinyinLetter(r):
			if letters == 6 {
				return 0 // seven letters are no gloss
			}
			q += size
		case (r == ')' || r == '）') && letters > 0:
			return q + size
		default:
			return 0
		}
	}
	return 0
}

// isPinyinLetter: a–z and the toned vowels.
func isPinyinLetter(r rune) bool {
	if r >= 'a' && r <= 'z' {
		return true
	}
	switch r {
	case 'ā', 'á', 'ǎ', 'à', 'ē', 'é', 'ě', 'è', 'ī', 'í', 'ǐ', 'ì', 'ō', 'ó', 'ǒ', 'ò', 'ū', 'ú', 'ǔ', 'ù', 'ǖ', 'ǘ', 'ǚ', 'ǜ', 'ü':
		return true
	}
	return false
}

// countPlaceholders counts, up to limit, redacted names (*年, *区, *府办):
// the matches of `[*＊]\s*(?:年|区|區|市|县|縣|镇|鎮|府|局)`, an asterisk of
// either width, ASCII white space, then one of those characters.
func countPlaceholders(s string, limit int) int {
	n := 0
	for i := 0; i < len(s) && n < limit; i++ {
		switch {
		case s[i] == '*':
			i++
		case s[i] == 0xEF && strings.HasPrefix(s[i:], "＊"):
			i += len("＊")
		default:
			continue
		}
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
			i++
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '年', '区', '區', '市', '县', '縣', '镇', '鎮', '府', '局':
			n++
			i += size
		}
		i-- // the loop steps on to the byte after what was read
	}
	return n
}
