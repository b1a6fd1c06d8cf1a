package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The metadata block (索引号 / 文号 / 发布机构 / 成文日期 / …) that portals print
// above the article. It comes as a table of label and value cells, as
// "label: value" runs on one line (corpus 001), as a definition list, or
// only as <meta> tags. The line renderer turns all visible layouts into the
// same shape: a label followed by ":" and its value on the same line, or a
// label alone on its line with the value on the next line.

type metaField int

const (
	fieldIndexNo metaField = iota
	fieldDocNo
	fieldPublisher
	fieldWritten
	fieldPublished
	fieldMode
	fieldScope
	fieldSource
	fieldTopic
	numFields
)

// metaLabels lists the labels of each field, longest first where one label
// ends another (信息来源 before 来源).
var metaLabels = []struct {
	label string
	field metaField
}{
	{"索引号", fieldIndexNo},
	{"文件编号", fieldDocNo}, {"发文字号", fieldDocNo}, {"文号", fieldDocNo},
	{"发布机构", fieldPublisher}, {"发文机关", fieldPublisher}, {"发文单位", fieldPublisher}, {"发布单位", fieldPublisher},
	{"成文日期", fieldWritten}, {"成文时间", fieldWritten}, {"生成日期", fieldWritten},
	{"发布日期", fieldPublished}, {"发布时间", fieldPublished}, {"公开日期", fieldPublished},
	{"公开方式", fieldMode}, {"公开形式", fieldMode},
	{"公开范围", fieldScope},
	{"信息来源", fieldSource}, {"文章来源", fieldSource}, {"来源", fieldSource},
	{"主题分类", fieldTopic}, {"信息分类", fieldTopic},
}

// metaLabelRe matches any label, letters optionally spaced ("索 引 号"),
// followed by an optional colon.
var metaLabelRe = func() *regexp.Regexp {
	var alts []string
	for _, l := range metaLabels {
		var parts []string
		for _, r := range l.label {
			parts = append(parts, regexp.QuoteMeta(string(r)))
		}
		alts = append(alts, strings.Join(parts, `[ \x{3000}\x{a0}]*`))
	}
	return regexp.MustCompile(`(` + strings.Join(alts, `|`) + `)[ \x{3000}\x{a0}]*([:：]?)`)
}()

// chromeInMetaRe is page furniture that shares the metadata lines
// ("来源: 新前街道 字体:[ ]", "浏览次数: 12", "【打印】").
var chromeInMetaRe = regexp.MustCompile(`字体[:：]?\s*[\[【(（]?\s*(?:大\s*中\s*小)?\s*[\]】)）]?|字号[:：]?\s*[\[【(（]?\s*大\s*中\s*小\s*[\]】)）]?|(?:浏览次数|访问次数|点击数|阅读次数|浏览量)[:：]?\s*\d*|【[^】]{0,8}】|\[\s*(?:打印|关闭|收藏)[^\]]{0,6}\]|分享到[:：]?.*$`)

// chromeInMetaHints: every match of chromeInMetaRe holds one of these
// runes, and one of chromeInMetaWords. The lines it is run on are cleaned,
// so without a match the TrimSpace after it changes nothing either.
var (
	chromeInMetaHints = newRuneSet([]rune("字浏访点阅【[分"))
	chromeInMetaWords = []string{"字体", "字号", "浏览次数", "访问次数", "点击数", "阅读次数", "浏览量", "【", "[", "分享到"}
)

func fieldOf(label string) metaField {
	label = strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, label)
	for _, l := range metaLabels {
		if l.label == label {
			return l.field
		}
	}
	return -1
}

// parseMetaLines reads the metadata block from the page's lines. The first
// occurrence of a field wins: the block sits above the article, and the
// article itself may mention 来源 later.
func parseMetaLines(lines []string) (Meta, string) {
	var m Meta
	var set [numFields]bool // fields already read
	var bad []string
	for i := 0; i < len(lines); i++ {
		if len(lines[i]) > 1200 || !mayHoldLabel(lines[i]) {
			continue // no label here; keeps the scan cheap on long pages
		}
		line := cleanLine(lines[i])
		if line == "" || utf8.RuneCountInString(line) > 300 {
			continue
		}
		if containsAnyRune(line, chromeInMetaHints) && containsAnyWord(line, chromeInMetaWords) {
			line = strings.TrimSpace(chromeInMetaRe.ReplaceAllString(line, " "))
		}
		locs := metaLabelRe.FindAllStringSubmatchIndex(line, -1)
		// Keep only labels that start the line or follow a non-Han character,
		// and that have a colon or end the line (a table/dl label cell).
		var ok [][]int
		for _, loc := range locs {
			if loc[0] > 0 {
				r, _ := utf8.DecodeLastRuneInString(line[:loc[0]])
				if unicode.Is(unicode.Han, r) {
					continue
				}
			}
			hasColon := loc[5] > loc[4]
			if !hasColon && strings.TrimSpace(line[loc[1]:]) != "" {
				continue
			}
			ok = append(ok, loc)
		}
		for j, loc := range ok {
			f := fieldOf(line[loc[2]:loc[3]])
			end := len(line)
			if j+1 < len(ok) {
				end = ok[j+1][0]
			}
			val := cleanLine(line[loc[1]:end])
			if val == "" && j == len(ok)-1 && i+1 < len(lines) {
				// Label cell at the end of the line: the value is the next cell,
				// unless the next line is itself a label.
				next := cleanLine(lines[i+1])
				if utf8.RuneCountInString(next) <= 100 && !(mayHoldLabel(next) && startsWithLabel(next)) {
					val = next
					if containsAnyRune(val, chromeInMetaHints) && containsAnyWord(val, chromeInMetaWords) {
						val = strings.TrimSpace(chromeInMetaRe.ReplaceAllString(val, " "))
					}
					if val != "" {
						i++
					}
				}
			}
			if f < 0 || set[f] {
				continue
			}
			if f == fieldWritten || f == fieldPublished {
				d := normalizeDate(val)
				if d == "" && val != "" {
					bad = append(bad, val)
					continue
				}
				val = d
			}
			if val == "" {
				// An empty value still claims the field: 文件编号 left blank
				// must not be filled from a later mention.
				set[f] = true
				continue
			}
			setMeta(&m, f, val)
			set[f] = true
		}
	}
	warn := ""
	if len(bad) > 0 {
		warn = "metadata date not understood: " + strings.Join(bad, "; ")
	}
	return m, warn
}

// metaLines is how many lines at each end of an article may hold the block.
const metaLines = 40

// metaEnds returns the first and last metaLines lines of an article (all of
// it, once, when it is short).
func metaEnds(lines []string) (head, tail []string) {
	if len(lines) <= 2*metaLines {
		return lines, nil
	}
	return lines[:metaLines], lines[len(lines)-metaLines:]
}

// mayHoldLabel is a cheap test before the label regexp: does s, once spaces
// are taken out (labels come letter-spaced: 来　　源), contain a label? It
// looks only where a label's last letter is, and reads the label backwards
// from there over any spaces, so a long paragraph costs one pass over its
// bytes instead of one search per label.
func mayHoldLabel(s string) bool {
	strip, checked := false, false
	for i := 0; i < len(s); {
		if c := s[i]; c < 0xE4 || c > 0xE9 {
			i++ // every label letter is in U+4000–U+9FFF: lead byte E4–E9
			continue
		}
		if i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 && labelEndBlocks[s[i]-0xE4]&(1<<(s[i+1]&0x3F)) == 0 {
			i += 3 // a hanzi in a block of 64 that holds no label's last letter
			continue
		}
		r, size := decodeHan(s, i)
		i += size
		k := labelEndIndex(r)
		if k < 0 {
			continue
		}
		if !checked {
			// Spaces are skipped inside labels only when s holds one of
			// the spaces letter-spaced labels use.
			strip, checked = hasLabelSpace(s), true
		}
		for _, l := range labelsByEnd[k] {
			if endsWithLabel(s[:i], l, strip) {
				return true
			}
		}
	}
	return false
}

// endsWithLabel reports whether s ends with label, with isSpace runes
// allowed between its letters when strip is set.
func endsWithLabel(s, label string, strip bool) bool {
	for label != "" {
		lr, ln := utf8.DecodeLastRuneInString(label)
		r, n := utf8.DecodeLastRuneInString(s)
		for strip && n > 0 && isSpace(r) {
			s = s[:len(s)-n]
			r, n = utf8.DecodeLastRuneInString(s)
		}
		if n == 0 || r != lr {
			return false
		}
		s, label = s[:len(s)-n], label[:len(label)-ln]
	}
	return true
}

// hasLabelSpace: s holds a space that may sit inside a letter-spaced
// label. Four byte searches cost less than one ContainsAny over runes.
func hasLabelSpace(s string) bool {
	return strings.IndexByte(s, ' ') >= 0 || strings.IndexByte(s, '\t') >= 0 ||
		strings.Contains(s, "\u3000") || strings.Contains(s, "\u00a0")
}

// labelsByEnd groups metaLabels by their last letter (labelEndIndex).
var labelsByEnd = func() [numLabelEnds][]string {
	var m [numLabelEnds][]string
	for _, l := range metaLabels {
		r, _ := utf8.DecodeLastRuneInString(l.label)
		k := labelEndIndex(r)
		m[k] = append(m[k], l.label)
	}
	return m
}()

const numLabelEnds = 10

// labelEndBlocks marks, per lead byte E4–E9, the middle bytes (low six
// bits) of the labels' last letters: a three-byte hanzi outside those
// blocks of 64 code points is stepped over without decoding.
var labelEndBlocks = func() (m [6]uint64) {
	for _, l := range metaLabels {
		r, _ := utf8.DecodeLastRuneInString(l.label)
		var buf [utf8.UTFMax]byte
		utf8.EncodeRune(buf[:], r)
		m[buf[0]-0xE4] |= 1 << (buf[1] & 0x3F)
	}
	return m
}()

// labelEndIndex numbers the last letters of the labels in metaLabels
// (TestLabelEnds keeps the two in step), -1 for any other rune.
func labelEndIndex(r rune) int {
	switch r {
	case '号':
		return 0
	case '构':
		return 1
	case '关':
		return 2
	case '位':
		return 3
	case '期':
		return 4
	case '间':
		return 5
	case '式':
		return 6
	case '围':
		return 7
	case '源':
		return 8
	case '类':
		return 9
	}
	return -1
}

// isLabelEnd: r is the last letter of a label in metaLabels.
func isLabelEnd(r rune) bool { return labelEndIndex(r) >= 0 }

func startsWithLabel(s string) bool {
	loc := metaLabelRe.FindStringSubmatchIndex(s)
	return loc != nil && loc[0] == 0
}

func setMeta(m *Meta, f metaField, v string) {
	switch f {
	case fieldIndexNo:
		m.IndexNo = v
	case fieldDocNo:
		m.DocNo = v
	case fieldPublisher:
		m.Publisher = v
	case fieldWritten:
		m.WrittenDate = v
	case fieldPublished:
		m.PublishedDate = v
	case fieldMode:
		m.DisclosureMode = v
	case fieldScope:
		m.DisclosureScope = v
	case fieldSource:
		m.Source = v
	case fieldTopic:
		m.Topic = v
	}
}

// metaTags are the <meta name=…> values portals built on the TRS/Hanweb CMS
// print: ArticleTitle, PubDate, ContentSource, ColumnName, …
type metaTags struct {
	title, published, source, column, publisher, keywords string
}

func readMetaTags(root *html.Node) metaTags {
	var t metaTags
	head := findFirst(root, atom.Head)
	if head == nil {
		head = root
	}
	walkElements(head, func(n *html.Node) bool {
		if n.DataAtom != atom.Meta {
			return true
		}
		name := strings.ToLower(attr(n, "name"))
		if name == "" {
			name = strings.ToLower(attr(n, "property"))
		}
		v := cleanLine(attr(n, "content"))
		if v == "" {
			return true
		}
		switch name {
		case "articletitle", "og:title":
			setOnce(&t.title, v)
		case "pubdate", "publishdate", "firstpublishedtime", "article:published_time", "lastmodifiedtime":
			setOnce(&t.published, normalizeDate(v))
		case "contentsource", "source":
			setOnce(&t.source, v)
		case "columnname":
			setOnce(&t.column, v)
		case "author", "publisher":
			setOnce(&t.publisher, v)
		case "keywords":
			setOnce(&t.keywords, v)
		}
		return true
	})
	return t
}

func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// mergeMetaTags fills what the visible block left empty.
func mergeMetaTags(m *Meta, t metaTags) {
	setOnce(&m.PublishedDate, t.published)
	setOnce(&m.Source, t.source)
}
