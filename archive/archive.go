// Package archive is gongkai's embedded store: one bbolt file holding every
// raw payload once (content-addressed by SHA-256, compressed), every capture
// (fetch) of every URL, the version history of each URL, the parsed records
// keyed by payload digest and parser version, indexes, crawl runs, and the
// crawl frontier.
//
// This file holds the public types (the contract other packages build
// against); the methods live in one file per concern: open.go (open, lock,
// schema, close), writer.go (group commit), payload.go, capture.go,
// version.go (versions, validators), parsed.go (records and indexes),
// run.go, frontier.go (queue and colly storage), stats.go, mapped.go
// (keeping the file mapping's resident pages bounded).
//
// Every write goes through one writer goroutine that commits many callers'
// operations in one transaction; a write method returns only after its
// data is durable. Every payload read is verified against its digest.
package archive

import (
	"errors"
	"net/http"
	"time"
)

// SchemaVersion is the layout version written into the file. Version 2
// (4 Dec 2026) keeps each parsed record in a nested bucket of its own,
// which a version-1 gongkai would read as damaged; a version-1 file is
// raised to 2 when opened for writing, and reads as before.
const SchemaVersion = 2

// Errors callers test for with errors.Is.
var (
	ErrLocked       = errors.New("archive: database is locked by another process")
	ErrSchemaTooNew = errors.New("archive: database was written by a newer gongkai")
	ErrCorrupt      = errors.New("archive: stored data does not match its digest")
	ErrNotFound     = errors.New("archive: not found")
)

// Options tune Open. The zero value is usable.
type Options struct {
	ReadOnly    bool
	LockTimeout time.Duration // how long to wait for another process's lock before ErrLocked; default 1s
	// CompressionLevel is the zstd level for new payloads: 1 fastest
	// (default; see BENCHMARKS.md), 2 default, 3 better, 4 best. Stored
	// payloads are readable whatever the level.
	CompressionLevel int
}

// Capture is one fetch of one URL, successful or not.
type Capture struct {
	ID        uint64      // assigned by the store, increasing
	RunID     uint64      // the crawl run that made it (0 outside a run)
	URL       string      // as requested
	FinalURL  string      // after redirects
	Seed      string      // the seed URL that led here
	Agency    string      // seed-list agency, if given
	Region    string      // seed-list region, if given
	FetchedAt time.Time   // UTC
	Status    int         // HTTP status; 0 when no response
	Proto     string      // "HTTP/1.1"
	Header    http.Header // response headers as received (for WARC export)
	Digest    string      // hex SHA-256 of the payload; for a 304 the digest of the version it confirms; "" when none
	Size      int64       // payload length in bytes
	ErrKind   string      // "" on success; otherwise a short kind: timeout, reset, truncated, too_large, blocked, robots, http_4xx, http_5xx, redirect, bomb, private_address, ...
	Err       string      // the error text
	// Parent, for an attachment (a file a report page links, frames or
	// embeds: the PDF of a 详见附件 wrapper page), is the URL of that page.
	// One publication is the parent's record with its attachments list
	// plus the captures whose Parent names it. "" for everything else.
	Parent string
	// Referer is the page whose link led the crawler here ("" for a seed
	// and in captures stored before it was recorded): where a broken
	// link can be seen and reported.
	Referer string
	// Attempts is how many requests the fetch took, retries and
	// redirect hops included (0: not recorded).
	Attempts int
}

// Added reports what AddCapture did.
type Added struct {
	Capture    Capture // as stored, with ID and Digest set
	NewPayload bool    // the bytes were not in the archive before
	NewVersion bool    // the bytes differ from the URL's latest version (or it is the URL's first)
}

// Version is one distinct payload a URL has had.
type Version struct {
	URL        string
	Seq        int // 1 for the first version of the URL
	Digest     string
	FirstSeen  time.Time
	LastSeen   time.Time
	CaptureIDs []uint64 // every capture that saw these bytes at this URL
}

// Validators are the conditional-request state of a URL: the ETag and
// Last-Modified of its latest successful capture, and that capture's digest.
type Validators struct {
	ETag         string
	LastModified string
	Digest       string
}

// Parsed is an extracted record (extract.Record as JSON) of one payload by
// one parser version, plus the fields the indexes need.
type Parsed struct {
	Digest        string
	ParserVersion int
	URL           string // the URL it was extracted from
	Kind          string
	Agency        string
	Region        string
	Year          int
	Template      string
	JSON          []byte
}

// Run is one crawl run.
type Run struct {
	ID          uint64
	Started     time.Time
	Ended       time.Time // zero while running or if killed
	Seeds       []string
	Counts      map[string]int // pages, captures, new_payloads, errors, reports, unknown_pagers, ...
	Interrupted bool
	// Notes are what the run found the user should act on: seeds that
	// moved to another host, list pagers no adapter follows.
	Notes []string `json:",omitempty"`
}

// FrontierItem is one pending request of a crawl.
type FrontierItem struct {
	Key      string  // unique, normally the canonical URL
	Host     string  // for per-host scheduling
	Priority float64 // higher first; FIFO among equals
	Data     []byte  // the crawler's own encoding of the request (depth, seed, referrer, ...)
}
