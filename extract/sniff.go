package extract

import (
	"bytes"
	"net/url"
	"path"
	"strings"
)

// format is what the payload is, decided from its bytes first and from its
// name and Content-Type only where the bytes are ambiguous (OLE files).
type format int

const (
	formatMarkup format = iota // HTML or plain text
	formatDOCX
	formatPDF
	formatDOC
	formatWPS
	formatXLS
	formatXLSX
	formatZIP
	formatBinary
)

func (f format) String() string {
	switch f {
	case formatDOCX:
		return "DOCX"
	case formatPDF:
		return "PDF"
	case formatDOC:
		return "DOC"
	case formatWPS:
		return "WPS"
	case formatXLS:
		return "XLS"
	case formatXLSX:
		return "XLSX"
	case formatZIP:
		return "ZIP"
	case formatBinary:
		return "binary"
	}
	return "HTML"
}

// contentType is the MIME type recorded for the format when the server sent none.
func (f format) contentType() string {
	switch f {
	case formatDOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case formatPDF:
		return "application/pdf"
	case formatDOC:
		return "application/msword"
	case formatWPS:
		return "application/vnd.ms-works"
	case formatXLS:
		return "application/vnd.ms-excel"
	case formatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case formatZIP:
		return "application/zip"
	case formatBinary:
		return "application/octet-stream"
	}
	return "text/html"
}

var (
	magicPDF = []byte("%PDF-")
	magicZIP = []byte("PK\x03\x04")
	magicOLE = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
)

// sniffFormat decides how to read the payload.
func sniffFormat(in Input) format {
	b := in.Body
	head := b
	if len(head) > 1024 {
		head = head[:1024]
	}
	ext := nameExt(in)
	ct := strings.ToLower(in.ContentType)
	switch {
	case bytes.Contains(head, magicPDF):
		return formatPDF
	case bytes.HasPrefix(b, magicZIP):
		return sniffZIP(b, ext)
	case bytes.HasPrefix(b, magicOLE):
		switch {
		case ext == ".wps" || strings.Contains(ct, "works") || strings.Contains(ct, "wps"):
			return formatWPS
		case ext == ".xls" || strings.Contains(ct, "excel"):
			return formatXLS
		}
		// The directory names the main stream in UTF-16: "Workbook" / "Book" for Excel.
		if bytes.Contains(b, utf16le("Workbook")) {
			return formatXLS
		}
		return formatDOC
	}
	if looksBinary(head) {
		return formatBinary
	}
	return formatMarkup
}

// sniffZIP tells a DOCX or XLSX from another zip by the part names.
func sniffZIP(b []byte, ext string) format {
	switch {
	case bytes.Contains(b, []byte("word/document.xml")):
		return formatDOCX
	case bytes.Contains(b, []byte("xl/workbook.xml")):
		return formatXLSX
	case ext == ".docx":
		return formatDOCX
	case ext == ".xlsx":
		return formatXLSX
	}
	return formatZIP
}

// nameExt is the lower-case file extension from the URL path or Input.Name.
func nameExt(in Input) string {
	if e := strings.ToLower(path.Ext(in.Name)); e != "" {
		return e
	}
	if u, err := url.Parse(in.URL); err == nil {
		return strings.ToLower(path.Ext(u.Path))
	}
	return ""
}

// looksBinary reports control bytes that no text page carries. UTF-16 pages
// (rare) pass because the charset stage may still read them.
func looksBinary(head []byte) bool {
	if len(head) >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF) {
		return false
	}
	bad := 0
	for _, c := range head {
		if c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b) {
			bad++
		}
	}
	return bad > len(head)/10+1
}

func utf16le(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, s[i], 0)
	}
	return out
}
