package tables

// IsHeading reports whether a line of text is a heading of the standard
// tables rather than a row label: a column header (本年新制作数量), header
// decoration (第二十条第（五）项, 信息内容) or a section heading
// (四、政府信息公开行政复议、行政诉讼情况). Readers that rebuild tables from
// positions (extract/pdf) use it to keep such a line out of the row it
// happens to sit next to.
func IsHeading(s string) bool {
	l := classifyCell(s)
	switch l.kind {
	case kindColumn, kindHeaderOnly, kindSection:
		return !l.ambiguous
	}
	return false
}
