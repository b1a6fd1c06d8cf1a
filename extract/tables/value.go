package tables

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// trimCell trims the whitespace agencies leave around a cell: ASCII space,
// tabs, line breaks, U+3000 and NBSP.
func trimCell(s string) string {
	if s != "" && s[0] > ' ' && s[0] < utf8.RuneSelf && s[len(s)-1] > ' ' && s[len(s)-1] < utf8.RuneSelf {
		return s // printable ASCII at both ends ("0", "12"): nothing to trim
	}
	return strings.TrimFunc(s, isCellSpace)
}

func isCellSpace(r rune) bool {
	return unicode.IsSpace(r) || r == 0x3000 || r == 0xA0 || r == 0x200B || r == 0xFEFF
}

// isBlankText reports whether a trimmed cell is blank: empty, a dash or a
// slash (not applicable), or a literal "&nbsp;" left by a double escape.
func isBlankText(t string) bool {
	if len(t) > len("&nbsp;") {
		return false
	}
	switch strings.ToLower(t) {
	case "", "—", "——", "-", "--", "－", "/", "／", "&nbsp;", "&nbsp", "–", "―", "─":
		return true
	}
	return false
}

// unitScale is how many 万元 one unit of a money label or suffix is.
type unitScale int

const (
	unitNone unitScale = iota
	unitYuan           // 元: divide by 10 000
	unitWan            // 万 / 万元: as is
	unitYi             // 亿 / 亿元: multiply by 10 000
)

// unitOf reads a money unit from a column label ("采购总金额（万元）").
func unitOf(label string) unitScale {
	n := normalize(label)
	switch {
	case strings.Contains(n, "亿元"):
		return unitYi
	case strings.Contains(n, "万元"), strings.Contains(n, "万"):
		return unitWan
	case strings.Contains(n, "元"):
		return unitYuan
	}
	return unitNone
}

// makeCell turns the published text of a cell into a Cell. money says the
// cell is an amount to normalize to 万元; colUnit is the unit its column
// label gives (unitNone: 万元, as the template prints).
func makeCell(text string, money bool, colUnit unitScale) Cell {
	raw := trimCell(text)
	c := Cell{Raw: raw}
	if isBlankText(raw) {
		return c
	}
	num, unit, ok := parseNumber(raw)
	if !ok {
		return c
	}
	if money {
		if unit == unitNone {
			unit = colUnit
		}
		switch unit {
		case unitYuan:
			num = shiftDecimal(num, -4)
		case unitYi:
			num = shiftDecimal(num, 4)
		}
	} else if unit == unitWan {
		num = shiftDecimal(num, 4) // "1.2万" of a count
	} else if unit == unitYi {
		num = shiftDecimal(num, 8)
	}
	v, ok := smallInt(num)
	if !ok {
		var err error
		if v, err = strconv.ParseFloat(num, 64); err != nil {
			return c
		}
	}
	c.Value = &v
	return c
}

// parseNumber reads "16", "１６", "-3", "105.46万", "1,054,600元", "3件".
// It returns the decimal digits as a string (so unit shifts stay exact)
// and the unit suffix.
func parseNumber(raw string) (string, unitScale, bool) {
	i := 0
	// sign, also 增/减 written as words
	neg := false
	for i < len(raw) {
		r, size := utf8.DecodeRuneInString(raw[i:])
		r = fold(r)
		if r == '+' || r == '增' {
			i += size
			continue
		}
		if r == '-' || r == '减' || r == '−' {
			neg = !neg
			i += size
			continue
		}
		break
	}
	// The figure: digits, one decimal point, thousands commas and spaces.
	// Written plainly (ASCII digits and a point, nothing else) it is a piece
	// of raw and needs no copy.
	start := i
	digits, dot, plain := 0, false, true
	for i < len(raw) {
		r, size := utf8.DecodeRuneInString(raw[i:])
		switch f := fold(r); {
		case f >= '0' && f <= '9':
			digits++
			plain = plain && r == f
		case f == '.' && !dot:
			dot = true
			plain = plain && r == f
		case f == ',' && digits > 0:
			// thousands separator
			plain = false
		case f == ' ' || f == 0xA0 || f == 0x3000:
			plain = false
		default:
			goto suffix
		}
		i += size
	}
suffix:
	if digits == 0 {
		return "", unitNone, false
	}
	// Only the units below are accepted, all valid UTF-8: the rest is
	// compared as published.
	rest := strings.TrimSpace(raw[i:])
	unit := unitNone
	switch rest {
	case "":
	case "万", "万元":
		unit = unitWan
	case "元":
		unit = unitYuan
	case "亿", "亿元":
		unit = unitYi
	case "件", "条", "个", "项", "人次", "次", "份", "宗", "起":
	default:
		return "", unitNone, false
	}
	s := raw[start:i]
	if !plain {
		// Keep the digits and the point, folded to ASCII.
		var b strings.Builder
		for _, r := range s {
			if f := fold(r); f >= '0' && f <= '9' || f == '.' {
				b.WriteByte(byte(f))
			}
		}
		s = b.String()
	}
	if strings.HasSuffix(s, ".") {
		s = strings.TrimSuffix(s, ".")
	}
	if neg {
		s = "-" + s
	}
	return s, unit, true
}

// smallInt reads a whole number of at most 15 digits ("0", "16", "-3"),
// which float64 holds exactly, so the value is the one strconv.ParseFloat
// gives (TestSmallInt); anything else is left to ParseFloat.
func smallInt(s string) (float64, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if s == "" || len(s) > 15 {
		return 0, false
	}
	n := int64(0)
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		return -float64(n), true
	}
	return float64(n), true
}

// fold maps a full-width digit or sign to ASCII.
func fold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	if r == '。' || r == '．' {
		return '.'
	}
	if r == '，' {
		return ','
	}
	return r
}

// shiftDecimal multiplies a decimal string by 10^k exactly.
func shiftDecimal(s string, k int) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	digits := intPart + frac
	point := len(intPart) + k
	for point < 1 {
		digits = "0" + digits
		point++
	}
	for point > len(digits) {
		digits += "0"
	}
	out := digits[:point]
	if point < len(digits) {
		out += "." + digits[point:]
	}
	if neg {
		out = "-" + out
	}
	return out
}
