package extract

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// EncodeJSON returns exactly the bytes json.Marshal(r) gives, in about half
// the time and with a few allocations instead of ~400: the tables are three
// levels of maps, which encoding/json reads through reflection and sorts
// through reflect.Values, and the crawler encodes one record per new report. A figure json.Marshal refuses (NaN or
// infinite) is left to json.Marshal, so the error is its own.
// TestEncodeJSONMatchesMarshal holds it to json.Marshal on every record of
// the dump set, on a record with every field filled and on random records.
func (r *Record) EncodeJSON() ([]byte, error) {
	if r == nil {
		return []byte("null"), nil
	}
	w := jsonWriter{b: make([]byte, 0, jsonSize(r))}
	w.record(r)
	if w.unsupported {
		return json.Marshal(r)
	}
	return w.b, nil
}

// jsonWriter appends a record as encoding/json writes it: fields in struct
// order, omitempty as json reads it, map keys sorted, HTML characters
// escaped.
type jsonWriter struct {
	b           []byte
	unsupported bool        // a NaN or infinite float was met
	keys        [3][]string // sorted map keys of each level of the tables, reused
}

// jsonSize is a generous guess of r's encoded length, so that the buffer
// is allocated once: the long texts, ~40 bytes a cell, the rest.
func jsonSize(r *Record) int {
	n := len(r.Text) + len(r.Sections.Overview) + len(r.Sections.Problems) + len(r.Sections.Other) + 4096
	for _, rows := range r.Tables {
		for _, cols := range rows {
			n += 48 * len(cols)
		}
	}
	return n
}

// record writes r's fields in the order of the struct, each with its tag.
func (w *jsonWriter) record(r *Record) {
	w.b = append(w.b, `{"url":`...)
	w.str(r.URL)
	writeList(w, "captured_at", r.CapturedAt, w.str)
	w.field("sha256", r.SHA256)
	w.field("content_type", r.ContentType)
	w.field("charset", r.Charset)
	w.field("charset_source", r.CharsetSource)
	if r.Degraded {
		w.b = append(w.b, `,"degraded":true`...)
	}
	w.intOmit("replacement_chars", r.Replacements)
	w.field("title", r.Title)
	w.field("agency", r.Agency)
	w.fieldOmit("region", r.Region)
	w.intOmit("year", r.Year)
	w.fieldOmit("template", r.Template)
	w.field("kind", r.Kind)
	w.meta(&r.Meta)
	if len(r.Tables) > 0 {
		w.b = append(w.b, `,"tables":`...)
		w.tables(r.Tables)
	}
	w.fieldOmit("tables_source", r.TablesSource)
	writeList(w, "legacy_figures", r.LegacyFigures, func(f LegacyFigure) {
		w.b = append(w.b, `{"name":`...)
		w.str(f.Name)
		w.b = append(w.b, `,"value":`...)
		w.float(f.Value)
		w.field("sentence", f.Sentence)
		w.b = append(w.b, '}')
	})
	writeList(w, "checks", r.Checks, func(c Check) {
		w.b = append(w.b, `{"id":`...)
		w.str(c.ID)
		w.field("status", c.Status)
		w.fieldOmit("detail", c.Detail)
		w.b = append(w.b, '}')
	})
	w.sections(&r.Sections)
	writeList(w, "attachments", r.Attachments, func(a Attachment) {
		w.b = append(w.b, `{"url":`...)
		w.str(a.URL)
		w.fieldOmit("text", a.Text)
		w.fieldOmit("sha256", a.SHA256)
		w.fieldOmit("content_type", a.ContentType)
		w.b = append(w.b, '}')
	})
	w.field("text", r.Text)
	writeList(w, "warnings", r.Warnings, w.str)
	w.b = append(w.b, '}')
}

// writeList writes ,"name":[…] with each item by val; an empty list is
// left out (every list of a record is omitempty).
func writeList[T any](w *jsonWriter, name string, items []T, val func(T)) {
	if len(items) == 0 {
		return
	}
	w.b = append(w.b, ',', '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':', '[')
	for i, it := range items {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		val(it)
	}
	w.b = append(w.b, ']')
}

func (w *jsonWriter) meta(m *Meta) {
	w.b = append(w.b, `,"meta":{"index_no":`...)
	w.str(m.IndexNo)
	w.field("doc_no", m.DocNo)
	w.field("publisher", m.Publisher)
	w.field("written_date", m.WrittenDate)
	w.field("published_date", m.PublishedDate)
	w.field("disclosure_mode", m.DisclosureMode)
	w.field("disclosure_scope", m.DisclosureScope)
	w.field("source", m.Source)
	w.field("topic", m.Topic)
	w.b = append(w.b, '}')
}

// sections: every field is omitempty, so commas go between those written.
func (w *jsonWriter) sections(s *Sections) {
	w.b = append(w.b, `,"sections":{`...)
	sep := false
	for _, f := range [...]struct{ name, v string }{{"overview", s.Overview}, {"problems", s.Problems}, {"other", s.Other}} {
		if f.v == "" {
			continue
		}
		if sep {
			w.b = append(w.b, ',')
		}
		sep = true
		w.b = append(w.b, '"')
		w.b = append(w.b, f.name...)
		w.b = append(w.b, '"', ':')
		w.str(f.v)
	}
	w.b = append(w.b, '}')
}

// tables writes table → row → column → cell, keys sorted as json sorts
// map keys (byte order); a nil inner map is null, as json writes it.
func (w *jsonWriter) tables(t Tables) {
	writeMap(w, t, 0, func(rows map[string]map[string]Cell) {
		writeMap(w, rows, 1, func(cols map[string]Cell) {
			writeMap(w, cols, 2, w.cell)
		})
	})
}

// writeMap writes m as a JSON object, keys sorted in w.keys[level], each
// value by val; a nil map is null.
func writeMap[V any](w *jsonWriter, m map[string]V, level int, val func(V)) {
	if m == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, '{')
	w.keys[level] = sortedKeys(m, w.keys[level])
	for i, k := range w.keys[level] {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.str(k)
		w.b = append(w.b, ':')
		val(m[k])
	}
	w.b = append(w.b, '}')
}

func (w *jsonWriter) cell(c Cell) {
	w.b = append(w.b, `{"raw":`...)
	w.str(c.Raw)
	w.b = append(w.b, `,"value":`...)
	if c.Value == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.float(*c.Value)
	}
	w.b = append(w.b, '}')
}

// sortedKeys returns m's keys in byte order, in buf's memory if it fits.
func sortedKeys[V any](m map[string]V, buf []string) []string {
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// field writes ,"name":"value"; name is plain ASCII, never escaped.
func (w *jsonWriter) field(name, v string) {
	w.b = append(w.b, ',', '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
	w.str(v)
}

func (w *jsonWriter) fieldOmit(name, v string) {
	if v != "" {
		w.field(name, v)
	}
}

func (w *jsonWriter) intOmit(name string, v int) {
	if v == 0 {
		return
	}
	w.b = append(w.b, ',', '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
	w.b = strconv.AppendInt(w.b, int64(v), 10)
}

// float writes a float64 as encoding/json does (ES6 number formatting).
func (w *jsonWriter) float(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		w.unsupported = true
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	w.b = strconv.AppendFloat(w.b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(w.b)
		if n >= 4 && w.b[n-4] == 'e' && w.b[n-3] == '-' && w.b[n-2] == '0' {
			w.b[n-2] = w.b[n-1]
			w.b = w.b[:n-1]
		}
	}
}

// str writes a JSON string as encoding/json does with HTML escaping:
// ", \ and control characters escaped, <, > and & as \u003c…, invalid
// UTF-8 as \ufffd, U+2028 and U+2029 as \u2028 and \u2029. Everything
// else is copied a run at a time; a well-formed three-byte character
// (hanzi, most of a record) is stepped over without decoding it.
func (w *jsonWriter) str(s string) {
	w.b = append(w.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !jsonSafe[c] {
				w.b = append(w.b, s[start:i]...)
				w.b = appendEscapedASCII(w.b, c)
				start = i + 1
			}
			i++
			continue
		}
		if c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// Valid whatever the two continuation bytes (E0 and ED, with
			// narrower second bytes, go to DecodeRune).
			if c == 0xE2 && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				w.b = append(w.b, s[start:i]...)
				w.b = append(w.b, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
				start = i + 3
			}
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			w.b = append(w.b, s[start:i]...)
			w.b = append(w.b, `\ufffd`...)
			start = i + 1
		case r == '\u2028' || r == '\u2029':
			w.b = append(w.b, s[start:i]...)
			w.b = append(w.b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			start = i + size
		}
		i += size
	}
	w.b = append(w.b, s[start:]...)
	w.b = append(w.b, '"')
}

func appendEscapedASCII(b []byte, c byte) []byte {
	switch c {
	case '\\', '"':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

const hexDigits = "0123456789abcdef"

// jsonSafe: the ASCII bytes encoding/json copies as they are with HTML
// escaping on (its htmlSafeSet).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
