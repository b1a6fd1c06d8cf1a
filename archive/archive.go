// Package archive is gongkai's embedded store: one bbolt file holding every
// raw payload once (content-addressed by SHA-256, compressed), every capture
// (fetch) of every URL, the version history of each URL, the parsed records
// keyed by payload digest and parser version, indexes, crawl runs, and the
// crawl frontier.
//
// CONTRACT (written before the implementation so other packages can build
// against it): the implementation may add methods and fields, but must keep
// these signatures.
package archive

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// SchemaVersion is the layout version written into the file.
const SchemaVersion = 1

// Errors callers test for with errors.Is.
var (
	ErrLocked         = errors.New("archive: database is locked by another process")
	ErrSchemaTooNew   = errors.New("archive: database was written by a newer gongkai")
	ErrCorrupt        = errors.New("archive: stored data does not match its digest")
	ErrNotFound       = errors.New("archive: not found")
	errNotImplemented = errors.New("archive: not implemented yet")
)

// Options tune Open. The zero value is usable.
type Options struct {
	ReadOnly    bool
	LockTimeout time.Duration // how long to wait for another process's lock before ErrLocked; default 1s
}

// Store is an open archive. Its methods are safe for concurrent use.
type Store struct {
	path string
}

// Open opens or creates the archive at path.
func Open(path string, opts *Options) (*Store, error) { return nil, errNotImplemented }

// Close flushes pending writes and closes the file.
func (s *Store) Close() error { return errNotImplemented }

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
}

// Added reports what AddCapture did.
type Added struct {
	Capture    Capture // as stored, with ID and Digest set
	NewPayload bool    // the bytes were not in the archive before
	NewVersion bool    // the bytes differ from the URL's latest version (or it is the URL's first)
}

// AddCapture records one fetch. body is nil for failures and 304s; when not
// nil its SHA-256 becomes c.Digest and the bytes are stored once however
// many URLs or nights serve them. Writes from many goroutines are batched.
func (s *Store) AddCapture(ctx context.Context, c Capture, body []byte) (Added, error) {
	return Added{}, errNotImplemented
}

// Payload returns the raw bytes with the given digest, verified: a mismatch
// is ErrCorrupt, never data.
func (s *Store) Payload(digest string) ([]byte, error) { return nil, errNotImplemented }

// GetCapture returns one capture by ID.
func (s *Store) GetCapture(id uint64) (Capture, error) { return Capture{}, errNotImplemented }

// Captures returns every capture of url, oldest first.
func (s *Store) Captures(url string) ([]Capture, error) { return nil, errNotImplemented }

// ForEachCapture calls fn for every capture in ID order, streaming.
func (s *Store) ForEachCapture(ctx context.Context, fn func(Capture) error) error {
	return errNotImplemented
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

// Versions returns the distinct payloads url has had, in order.
func (s *Store) Versions(url string) ([]Version, error) { return nil, errNotImplemented }

// ForEachURL calls fn for every URL with at least one capture, in byte order.
func (s *Store) ForEachURL(ctx context.Context, fn func(url string) error) error {
	return errNotImplemented
}

// Validators are the conditional-request state of a URL: the ETag and
// Last-Modified of its latest successful capture, and that capture's digest.
type Validators struct {
	ETag         string
	LastModified string
	Digest       string
}

// Validators returns the conditional-request state of url (zero if none).
func (s *Store) Validators(url string) (Validators, error) { return Validators{}, errNotImplemented }

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

// PutParsed stores a parsed record and indexes it. An older parser version's
// record of the same payload is kept until this one is written.
func (s *Store) PutParsed(ctx context.Context, p Parsed) error { return errNotImplemented }

// GetParsed returns the newest-parser record of a payload.
func (s *Store) GetParsed(digest string) (Parsed, error) { return Parsed{}, errNotImplemented }

// Filter selects parsed records; zero fields match everything.
type Filter struct {
	Agency string
	Year   int
	Region string
	Host   string
	Kind   string
}

// ForEachParsed streams the newest-parser record of every payload matching f.
func (s *Store) ForEachParsed(ctx context.Context, f Filter, fn func(Parsed) error) error {
	return errNotImplemented
}

// AgencyCount is one agency and how many report payloads it has.
type AgencyCount struct {
	Agency string
	Region string
	Count  int
}

// Agencies lists every agency with parsed records.
func (s *Store) Agencies() ([]AgencyCount, error) { return nil, errNotImplemented }

// Run is one crawl run.
type Run struct {
	ID          uint64
	Started     time.Time
	Ended       time.Time // zero while running or if killed
	Seeds       []string
	Counts      map[string]int // pages, captures, new_payloads, errors, reports, ...
	Interrupted bool
}

// BeginRun records the start of a crawl run.
func (s *Store) BeginRun(ctx context.Context, seeds []string) (Run, error) {
	return Run{}, errNotImplemented
}

// EndRun records the end of a crawl run with its counts.
func (s *Store) EndRun(ctx context.Context, r Run) error { return errNotImplemented }

// Runs lists all runs, oldest first.
func (s *Store) Runs() ([]Run, error) { return nil, errNotImplemented }

// FrontierItem is one pending request of a crawl.
type FrontierItem struct {
	Key      string  // unique, normally the canonical URL
	Host     string  // for per-host scheduling
	Priority float64 // higher first; FIFO among equals
	Data     []byte  // the crawler's own encoding of the request (depth, seed, referrer, ...)
}

// Frontier is a crawl's persistent pending queue and visited set, in the
// archive file, so a killed crawl resumes where it stopped. It also
// implements colly's storage.Storage (visited request IDs, cookies).
type Frontier struct {
	s    *Store
	name string
}

// Frontier returns the named frontier (one per seed list or crawl job).
func (s *Store) Frontier(name string) *Frontier { return &Frontier{s: s, name: name} }

// Push adds items not already pending or done.
func (f *Frontier) Push(ctx context.Context, items ...FrontierItem) error { return errNotImplemented }

// Pop returns up to n pending items, highest priority first, and marks them
// in flight. In-flight items that are never Done come back after a restart.
func (f *Frontier) Pop(ctx context.Context, n int) ([]FrontierItem, error) {
	return nil, errNotImplemented
}

// Done marks an item finished.
func (f *Frontier) Done(ctx context.Context, key string) error { return errNotImplemented }

// Pending returns how many items are pending (including in flight).
func (f *Frontier) Pending() (int, error) { return 0, errNotImplemented }

// Reset forgets the frontier (pending and done) for a fresh crawl.
func (f *Frontier) Reset(ctx context.Context) error { return errNotImplemented }

// Init implements colly's storage.Storage.
func (f *Frontier) Init() error { return nil }

// Visited implements colly's storage.Storage.
func (f *Frontier) Visited(requestID uint64) error { return errNotImplemented }

// IsVisited implements colly's storage.Storage.
func (f *Frontier) IsVisited(requestID uint64) (bool, error) { return false, errNotImplemented }

// Cookies implements colly's storage.Storage.
func (f *Frontier) Cookies(u *url.URL) string { return "" }

// SetCookies implements colly's storage.Storage.
func (f *Frontier) SetCookies(u *url.URL, cookies string) {}
