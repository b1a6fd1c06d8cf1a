package charset

import "bytes"

// Page classes (Result.Class). Anything but ClassText means the body is not
// a page to read: its Text is empty and the caller records why.
const (
	ClassText   = "text"
	ClassEmpty  = "empty"  // no bytes, or only white space
	ClassBinary = "binary" // NULs or many control bytes, or a known binary format
	ClassPDF    = "pdf"    // %PDF- (a report served as PDF under text/html)
	ClassZip    = "zip"    // PK\x03\x04 that is not an Office document
	ClassOffice = "office" // .docx/.xlsx (zip) or .doc/.xls (OLE2 D0CF11E0)
)

// sniffLimit is how much of the body classification looks at.
const sniffLimit = 8 << 10

var binaryMagic = [][]byte{
	[]byte("\x89PNG"), []byte("GIF8"), []byte("\xFF\xD8\xFF"), // images
	[]byte("\x1F\x8B"), // gzip the server forgot to label
	[]byte("Rar!"), []byte("7z\xBC\xAF"),
}

// Classify tells whether body is text worth decoding, and if not, what it
// seems to be. It looks at the first few KB only.
func Classify(body []byte) string {
	head := body[:min(len(body), sniffLimit)]
	if len(bytes.TrimSpace(body)) == 0 {
		return ClassEmpty
	}
	if hasBOM(head) {
		return ClassText // UTF-16 text is full of NULs; the BOM says it is text
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("%PDF-")):
		return ClassPDF
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return ClassOffice
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		for _, marker := range []string{"[Content_Types].xml", "word/", "xl/", "ppt/"} {
			if bytes.Contains(head, []byte(marker)) {
				return ClassOffice
			}
		}
		return ClassZip
	}
	for _, m := range binaryMagic {
		if bytes.HasPrefix(head, m) {
			return ClassBinary
		}
	}
	// Text in any encoding we read has no NULs and few C0 controls; random
	// bytes have 1 in 8. Tab, LF, VT, FF, CR and ESC (ISO-2022) are allowed.
	var nul, ctrl int
	for _, c := range head {
		if c >= 0x20 && c != 0x7F {
			continue // nearly every byte: one comparison
		}
		switch {
		case c == 0:
			nul++
		case c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1B, c == 0x7F:
			ctrl++
		}
	}
	if nul*100 > len(head) || (nul+ctrl)*20 > len(head) {
		return ClassBinary
	}
	return ClassText
}

// bom describes a byte-order mark: its bytes and the encoding it proves.
type bom struct {
	mark []byte
	lab  label
}

// hasBOM reports whether b starts with a byte-order mark we decode.
func hasBOM(b []byte) bool {
	_, ok := findBOM(b)
	return ok
}
