package extract

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/gongkai/gongkai/extract/pdf"
)

// PDF: the text layer is read with positions by extract/pdf, laid out as a
// plain HTML page (paragraphs, and tables rebuilt from the positions of
// labels and figures) and read by the same path as a web page or a DOCX
// attachment, so the cells get the same ids and checks. A PDF without a
// usable text layer is a record with tables_source "none" and a warning
// that starts with why: "scanned", "encrypted" or "unreadable".

// Limits of one PDF: reports run to a few dozen pages and read in tens of
// milliseconds; a document past these is cut or given up, never waited on.
const (
	pdfMaxPages = 120
	pdfTimeout  = 30 * time.Second
)

// PDF warnings start with one of these words.
const (
	WarnPDFScanned    = "scanned"
	WarnPDFEncrypted  = "encrypted"
	WarnPDFUnreadable = "unreadable"
	WarnPDFTruncated  = "truncated"
)

func extractPDF(ctx context.Context, in Input, rec *Record) error {
	eng, err := pdf.Shared()
	if err != nil {
		eng = nil // readPDF says so in a warning
	}
	return extractPDFWith(ctx, eng, err, in, rec)
}

// extractPDFWith is extractPDF with a given engine (engErr: why there is none).
func extractPDFWith(ctx context.Context, eng pdf.Engine, engErr error, in Input, rec *Record) error {
	if rec.ContentType == "" {
		rec.ContentType = formatPDF.contentType()
	}
	doc, why, err := readPDF(ctx, eng, engErr, in.Body)
	if err != nil {
		return fmt.Errorf("extract %s: %w", in.URL, err)
	}
	if why != "" {
		if err := extractOpaque(in, rec, formatPDF); err != nil {
			return err
		}
		rec.Warnings = append(rec.Warnings, why)
		rec.TablesSource = "none"
		return nil
	}
	root, err := xhtml.Parse(strings.NewReader(pdf.HTML(doc)))
	if err != nil {
		return fmt.Errorf("extract %s: pdf html: %w", in.URL, err)
	}
	rec.Charset, rec.CharsetSource = "utf-8", "meta"
	p := readHTML(root, in.URL, false)
	if p.tab.found() {
		p.tab.source = "pdf"
	}
	p.attachments = nil
	if doc.Truncated() {
		p.warnings = append(p.warnings, fmt.Sprintf("%s: read the first %d of %d pages; tables may be incomplete",
			WarnPDFTruncated, len(doc.Pages), doc.PageCount))
	}
	analyze(in, rec, p)
	if rec.Title == "" && isReportTitle(doc.Info.Title) {
		rec.Title = cleanLine(doc.Info.Title)
	}
	rec.Agency = widenAgency(rec.Agency, rec.Text)
	return nil
}

// readPDF reads the glyphs. why is the warning for a document without a
// usable text layer; err is only for a cancelled ctx.
func readPDF(ctx context.Context, eng pdf.Engine, engErr error, body []byte) (doc *pdf.Document, why string, err error) {
	if eng == nil {
		return nil, fmt.Sprintf("%s: the PDF engine did not start: %v", WarnPDFUnreadable, engErr), nil
	}
	rctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	doc, err = eng.Read(rctx, body, pdf.Limits{MaxPages: pdfMaxPages})
	switch {
	case ctx.Err() != nil:
		return nil, "", ctx.Err()
	case errors.Is(err, pdf.ErrEncrypted):
		return nil, WarnPDFEncrypted + ": the PDF needs a password; text not read", nil
	case errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Sprintf("%s: reading the PDF took over %s; given up", WarnPDFUnreadable, pdfTimeout), nil
	case err != nil:
		return nil, fmt.Sprintf("%s: %v", WarnPDFUnreadable, err), nil
	case doc.Scanned():
		return nil, fmt.Sprintf("%s: no text layer on %d pages (images only); text not read", WarnPDFScanned, len(doc.Pages)), nil
	}
	return doc, "", nil
}

// widenAgency returns the fuller name of the agency when the text gives
// one: a title that prints 洪泽区人民政府 while the text names 淮安市洪泽区人民政府
// (办公室) gets the name with its city.
func widenAgency(agency, text string) string {
	if agency == "" {
		return agency
	}
	best := agency
	for rest := text; ; {
		i := strings.Index(rest, agency)
		if i < 0 {
			return best
		}
		if w := divisionBefore(rest[:i]); w != "" && len(w)+len(agency) > len(best) {
			best = w + agency
		}
		rest = rest[i+len(agency):]
	}
}

// divisionBefore is the administrative division name that ends s (安徽省,
// 淮安市, 某某自治州), or "".
func divisionBefore(s string) string {
	rs := []rune(s)
	n := len(rs)
	if n == 0 || !strings.ContainsRune("省市州盟", rs[n-1]) {
		return ""
	}
	i := n - 1
	for i > 0 && n-i < 8 && isHan(rs[i-1]) && !strings.ContainsRune("的和在由与及为是，。、", rs[i-1]) {
		i--
	}
	if n-i < 2 {
		return ""
	}
	// Several divisions in a row (江苏省淮安市): keep them all.
	return string(rs[i:])
}

func isHan(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }
