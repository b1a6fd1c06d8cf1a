// Package extract turns the raw bytes of one captured page into a Record:
// charset → text → metadata → tables → checks. It reads only bytes the
// archive already holds, so it can be re-run when the parser improves.
package extract

import (
	"context"
	"errors"
)

// ParserVersion is stored with every parsed record; bump it whenever a
// change to extraction changes any record, so `crawl reparse` knows what to redo.
const ParserVersion = 1

// Input is one page to extract.
type Input struct {
	URL             string
	Body            []byte // raw bytes as fetched
	ContentType     string // HTTP Content-Type, may be empty
	CharsetOverride string // crawl parse --charset
	Agency          string // seed-list hint, the least trusted source of the agency
	Region          string // seed-list region, copied to the record
}

var errNotImplemented = errors.New("extract: not implemented yet")

// Extract parses one page. It returns an error only when the input cannot be
// read at all; a page that is not a report is a Record with Kind not_report.
func Extract(ctx context.Context, in Input) (*Record, error) {
	return nil, errNotImplemented
}
