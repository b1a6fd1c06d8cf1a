// Package extract turns the raw bytes of one captured page into a Record:
// charset → text → metadata → tables → checks. It reads only bytes the
// archive already holds, so it can be re-run when the parser improves.
package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/gongkai/gongkai/extract/charset"
)

// ParserVersion is stored with every parsed record; bump it whenever a
// change to extraction changes any record, so `crawl reparse` knows what to redo.
const ParserVersion = 7

// MaxBodyBytes is the largest payload Extract reads; a bigger one is an
// error rather than an unbounded parse.
const MaxBodyBytes = 64 << 20

// Input is one page to extract.
type Input struct {
	URL             string
	Body            []byte // raw bytes as fetched
	ContentType     string // HTTP Content-Type, may be empty
	CharsetOverride string // crawl parse --charset
	Agency          string // seed-list hint, the least trusted source of the agency
	Region          string // seed-list region, copied to the record
	// Name is any other name known for the document: the Content-Disposition
	// file name or the anchor text of the link that led to it. It is the only
	// evidence about a PDF, DOC, WPS or XLS file whose text is not read.
	Name string
	// Decoded, when not nil, is the caller's own
	// charset.Decode(Body, ContentType, CharsetOverride) of this page (the
	// crawler decodes GBK pages to read their links); Extract uses it
	// instead of detecting and converting the bytes again. It must be that
	// call's result for these very fields: the record's text and charset
	// come from it. nil: Extract decodes.
	Decoded *charset.Result
}

// ErrTooLarge is returned for a payload over MaxBodyBytes.
var ErrTooLarge = errors.New("extract: payload too large")

// ErrInternal marks a bug inside extraction (a recovered panic); the input
// is reported as unreadable instead of crashing the crawler.
var ErrInternal = errors.New("extract: internal error")

// Extract parses one page. It returns an error only when the input cannot be
// read at all; a page that is not a report is a Record with Kind not_report.
func Extract(ctx context.Context, in Input) (rec *Record, err error) {
	defer func() {
		if p := recover(); p != nil {
			rec, err = nil, fmt.Errorf("%w: %s: %v\n%s", ErrInternal, in.URL, p, debug.Stack())
		}
	}()
	if len(in.Body) > MaxBodyBytes {
		return nil, fmt.Errorf("%w: %s is %d bytes (limit %d)", ErrTooLarge, in.URL, len(in.Body), MaxBodyBytes)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extract %s: %w", in.URL, err)
	}
	sum := sha256.Sum256(in.Body)
	rec = &Record{
		URL:         in.URL,
		SHA256:      hex.EncodeToString(sum[:]),
		ContentType: in.ContentType,
		Region:      in.Region,
		Kind:        KindNotReport,
	}
	switch f := sniffFormat(in); f {
	case formatDOCX:
		err = extractDOCX(ctx, in, rec)
	case formatPDF:
		err = extractPDF(ctx, in, rec)
	case formatDOC, formatWPS, formatXLS, formatXLSX, formatZIP, formatBinary:
		err = extractOpaque(in, rec, f)
	default:
		err = extractMarkup(ctx, in, rec)
	}
	if err != nil {
		return nil, err
	}
	return rec, nil
}
