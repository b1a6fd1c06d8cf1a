package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"
	"unicode/utf16"
)

// Formats whose text is not read (PDF, DOC, WPS, XLS, …): the record says
// so, and kind, year and agency come from what is known about the file:
// its name (URL path, Content-Disposition, anchor text) and, for a PDF, the
// /Title of its document information.

func extractOpaque(in Input, rec *Record, f format) error {
	if rec.ContentType == "" {
		rec.ContentType = f.contentType()
	}
	title := ""
	if f == formatPDF {
		title = pdfTitle(in.Body)
	}
	if !isReportTitle(title) {
		if n := docName(in); isReportTitle(n) {
			title = n
		} else if title == "" {
			title = n
		}
	}
	rec.Title = title
	rec.Text = ""
	rec.Warnings = append(rec.Warnings, fmt.Sprintf("tables could not be read from this format (%s): text not extracted", f))
	rec.Agency = firstNonEmpty(agencyFromTitle(title), in.Agency)
	ft := fold(title)
	if !isReportTitle(title) || !strings.Contains(ft, "公开") || hasNotReportWord(ft) && !strings.HasSuffix(ft, "报告") {
		rec.Kind = KindNotReport
		return nil
	}
	rec.Kind = KindReport
	if gov, known := hostClass(in.URL); known && !gov && copyScore(title, "") >= 1 {
		rec.Kind = KindCopy
	}
	rec.Year = yearInTitle(title)
	rec.Template = templateFor("", rec.Year, false)
	rec.TablesSource = "none"
	return nil
}

// docName is the document's name without extension: Input.Name, else the
// last segment of the URL path, percent-decoded.
func docName(in Input) string {
	n := strings.TrimSpace(in.Name)
	if n == "" {
		if u, err := url.Parse(in.URL); err == nil {
			n = path.Base(u.Path)
			if n == "/" || n == "." {
				n = ""
			}
		}
	}
	if e := path.Ext(n); e != "" && len(e) <= 5 {
		n = strings.TrimSuffix(n, e)
	}
	return cleanLine(n)
}

// pdfTitle reads /Title from the PDF's information dictionary when it is
// stored uncompressed, as UTF-16 (FEFF) or ASCII. Only the first and last
// 256 KB are looked at.
func pdfTitle(b []byte) string {
	const window = 256 << 10
	parts := [][]byte{b}
	if len(b) > 2*window {
		parts = [][]byte{b[len(b)-window:], b[:window]}
	}
	for _, part := range parts {
		i := bytes.Index(part, []byte("/Title"))
		if i < 0 {
			continue
		}
		rest := bytes.TrimLeft(part[i+len("/Title"):], " \r\n\t")
		if t := pdfString(rest); t != "" {
			return t
		}
	}
	return ""
}

// pdfString decodes a PDF literal "(…)" or hex "<…>" string at the start of b.
func pdfString(b []byte) string {
	var raw []byte
	switch {
	case len(b) > 0 && b[0] == '(':
		depth := 0
		for i := 0; i < len(b) && i < 4096; i++ {
			c := b[i]
			switch {
			case c == '\\' && i+1 < len(b):
				i++
				switch n := b[i]; n {
				case 'n':
					raw = append(raw, '\n')
				case 'r':
					raw = append(raw, '\r')
				case 't':
					raw = append(raw, '\t')
				case '0', '1', '2', '3', '4', '5', '6', '7':
					v := 0
					k := 0
					for ; k < 3 && i+k < len(b) && b[i+k] >= '0' && b[i+k] <= '7'; k++ {
						v = v*8 + int(b[i+k]-'0')
					}
					i += k - 1
					raw = append(raw, byte(v))
				default:
					raw = append(raw, n)
				}
			case c == '(':
				if depth > 0 {
					raw = append(raw, c)
				}
				depth++
			case c == ')':
				depth--
				if depth == 0 {
					return pdfText(raw)
				}
				raw = append(raw, c)
			default:
				raw = append(raw, c)
			}
		}
		return ""
	case len(b) > 0 && b[0] == '<':
		end := bytes.IndexByte(b, '>')
		if end < 0 || end > 4096 {
			return ""
		}
		hex := bytes.Map(func(r rune) rune {
			if strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return r
			}
			return -1
		}, b[1:end])
		for i := 0; i+1 < len(hex); i += 2 {
			raw = append(raw, unhex(hex[i])<<4|unhex(hex[i+1]))
		}
		return pdfText(raw)
	}
	return ""
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// pdfText decodes UTF-16BE text (with its FEFF mark); other bytes are kept
// only when they are printable ASCII (PDFDocEncoding beyond it is not a
// Chinese title anyway).
func pdfText(raw []byte) string {
	if len(raw) >= 2 && raw[0] == 0xFE && raw[1] == 0xFF {
		u := make([]uint16, 0, len(raw)/2)
		for i := 2; i+1 < len(raw); i += 2 {
			u = append(u, uint16(raw[i])<<8|uint16(raw[i+1]))
		}
		return cleanLine(string(utf16.Decode(u)))
	}
	for _, c := range raw {
		if c < 0x20 || c > 0x7e {
			return ""
		}
	}
	return cleanLine(string(raw))
}
