package extract

import (
	"fmt"
	"regexp"
	"strings"
)

// dateRe finds a date written with digits: 2021-01-25 17:15, 2021年1月25日,
// 2021/1/25, 2021.01.25, 2021-1-25.
var dateRe = regexp.MustCompile(`((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})`)

// hanDigits maps the characters of dates written in Chinese numerals
// (二〇二一年一月二十五日) to their values.
var hanDigits = map[rune]int{'〇': 0, '零': 0, 'O': 0, '○': 0, 'Ｏ': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

var hanDateRe = regexp.MustCompile(`([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,4})日`)

// normalizeDate returns the first date in s as YYYY-MM-DD, or "" when s
// holds no valid date.
func normalizeDate(s string) string {
	s = foldWidth(s)
	if m := dateRe.FindStringSubmatch(s); m != nil {
		return formatDate(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if m := hanDateRe.FindStringSubmatch(s); m != nil {
		y := 0
		for _, r := range m[1] {
			y = y*10 + hanDigits[r]
		}
		return formatDate(y, hanNumber(m[2]), hanNumber(m[3]))
	}
	return ""
}

func formatDate(y, m, d int) string {
	if y < 1949 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// hanNumber reads 一..九十九 (十, 十五, 二十, 二十五).
func hanNumber(s string) int {
	rs := []rune(s)
	if i := strings.IndexRune(s, '十'); i >= 0 {
		tens, ones := 1, 0
		pos := 0
		for j, r := range rs {
			if r == '十' {
				pos = j
			}
		}
		if pos > 0 {
			tens = hanDigits[rs[pos-1]]
		}
		if pos+1 < len(rs) {
			ones = hanDigits[rs[pos+1]]
		}
		return tens*10 + ones
	}
	n := 0
	for _, r := range rs {
		n = n*10 + hanDigits[r]
	}
	return n
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return n
		}
		n = n*10 + int(c-'0')
		if n > 1e9 {
			return n
		}
	}
	return n
}

// foldWidth maps full-width ASCII (０-９, Ａ-Ｚ, ：, ／, －, ．) to half-width.
func foldWidth(s string) string {
	need := false
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			need = true
			break
		}
	}
	if !need {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		return r
	}, s)
}
