package export

// WARC records are built, digested, validated and serialized by
// github.com/nlnwa/gowarc (WARC 1.1); this file decides which record each
// capture becomes and frames each record as its own gzip member so the CDXJ
// index can point at it.
//
// Digests are "sha256:" + lower-case hex (gowarc's default for SHA-256:
// base32 of a SHA-256 needs "=" padding, which a WARC digest token may not
// hold); the payload digest is then the archive's own hex digest (the jsonl
// "sha256").

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip" // same format as compress/gzip, several times faster
	"github.com/nlnwa/gowarc/v3"

	"github.com/gongkai/gongkai/archive"
)

// Revisit profiles of WARC 1.1 (section 6.7).
const (
	ProfileIdenticalPayload  = gowarc.ProfileIdenticalPayloadDigestV1_1
	ProfileServerNotModified = gowarc.ProfileServerNotModifiedV1_1
)

// WARCOptions tune a WARC export.
type WARCOptions struct {
	// Filename is written into the warcinfo record and the CDXJ index.
	Filename string
	// CDX, when not nil, receives a CDXJ index of the records, sorted.
	CDX io.Writer
	// TempDir holds sorted runs of a big CDXJ index and the buffers of
	// records too big for memory ("" = os.TempDir()).
	TempDir string
	// Filtered applies Filter; otherwise every successful capture is written.
	Filtered bool
	Filter   Filter
	// Software names the writer in the warcinfo record.
	Software string
	// cdxChunk overrides the number of index lines sorted in memory (tests).
	cdxChunk int
}

// WARCCounts is what a WARC export wrote.
type WARCCounts struct {
	Captures    int // captures looked at
	Responses   int // response records (first capture of a payload)
	Revisits    int // identical-payload-digest revisits
	NotModified int // server-not-modified revisits (HTTP 304)
	Failed      int // captures without a response (timeouts, refusals): not written
	Excluded    int // captures the filter left out
	Unreadable  int // payloads the archive could not return intact: not written
	Bytes       int64
}

// WARC writes every successful capture of the archive, in capture order,
// as a WARC 1.1 file with each record its own gzip member: warcinfo first,
// a response record (real status line, headers and payload) for the first
// capture of each payload, and a headers-only revisit record for every
// later capture of the same bytes.
func WARC(ctx context.Context, src Source, w io.Writer, opts WARCOptions, progress func(WARCCounts)) (WARCCounts, error) {
	ww := &warcWriter{src: src, opts: opts, out: &countingWriter{w: bufio.NewWriterSize(w, 64<<10)},
		first: map[string]firstRecord{}, marshaler: gowarc.NewMarshaler()}
	if opts.CDX != nil {
		ww.cdx = newCDXSorter(opts.TempDir, opts.cdxChunk)
		defer ww.cdx.cleanup()
	}
	if err := ww.warcinfo(); err != nil {
		return ww.n, err
	}
	err := src.ForEachCapture(ctx, func(c archive.Capture) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		ww.n.Captures++
		if progress != nil && ww.n.Captures%500 == 0 {
			progress(ww.n)
		}
		return ww.capture(c)
	})
	if ferr := ww.out.w.(*bufio.Writer).Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write warc: %w", ferr)
	}
	ww.n.Bytes = ww.out.n
	if err == nil && ww.cdx != nil {
		err = ww.cdx.finish(opts.CDX)
	}
	if progress != nil {
		progress(ww.n)
	}
	return ww.n, err
}

// firstRecord is the response record that holds a payload's bytes.
type firstRecord struct {
	captureID uint64
	recordID  string
}

type warcWriter struct {
	src       Source
	opts      WARCOptions
	out       *countingWriter
	cdx       *cdxSorter
	marshaler gowarc.Marshaler
	info      string                 // warcinfo record id
	first     map[string]firstRecord // payload digest (hex) → its response record
	zw        *gzip.Writer
	n         WARCCounts
}

func (ww *warcWriter) capture(c archive.Capture) error {
	if c.Status == 0 || c.Digest == "" {
		ww.n.Failed++
		return nil
	}
	if !validHexDigest(c.Digest) {
		ww.n.Unreadable++
		return nil
	}
	if ww.opts.Filtered {
		ok, err := ww.included(c)
		if err != nil {
			return err
		}
		if !ok {
			ww.n.Excluded++
			return nil
		}
	}
	first, seen := ww.first[c.Digest]
	switch {
	case c.Status == http.StatusNotModified:
		return ww.revisit(c, first, seen, ProfileServerNotModified)
	case seen:
		return ww.revisit(c, first, true, ProfileIdenticalPayload)
	}
	payload, err := ww.src.Payload(c.Digest)
	if errors.Is(err, archive.ErrCorrupt) || errors.Is(err, archive.ErrNotFound) {
		ww.n.Unreadable++
		return nil
	}
	if err != nil {
		return fmt.Errorf("payload %s of %s: %w", c.Digest, c.URL, err)
	}
	rb := ww.builder(gowarc.Response, c)
	rb.AddWarcHeader(gowarc.WarcPayloadDigest, "sha256:"+c.Digest) // checked against the bytes by Build
	rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	id, err := ww.record(rb, c, mimeOf(c), httpHead(c, int64(len(payload)), payload), payload)
	if err != nil {
		return err
	}
	ww.first[c.Digest] = firstRecord{captureID: c.ID, recordID: id}
	ww.n.Responses++
	return nil
}

// revisit writes a headers-only record for a capture whose payload is
// already in the file (or, for a 304, confirmed by the server).
func (ww *warcWriter) revisit(c archive.Capture, first firstRecord, seen bool, profile string) error {
	rb := ww.builder(gowarc.Revisit, c)
	rb.AddWarcHeader(gowarc.WarcProfile, profile)
	rb.AddWarcHeader(gowarc.WarcPayloadDigest, "sha256:"+c.Digest)
	rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	if seen {
		orig, err := ww.src.GetCapture(first.captureID)
		if err != nil {
			return fmt.Errorf("capture %d: %w", first.captureID, err)
		}
		rb.AddWarcHeader(gowarc.WarcRefersTo, first.recordID)
		rb.AddWarcHeader(gowarc.WarcRefersToTargetURI, targetURI(orig))
		rb.AddWarcHeader(gowarc.WarcRefersToDate, orig.FetchedAt.UTC().Format(time.RFC3339))
	}
	if _, err := ww.record(rb, c, "warc/revisit", httpHead(c, c.Size, nil)); err != nil {
		return err
	}
	if profile == ProfileServerNotModified {
		ww.n.NotModified++
	} else {
		ww.n.Revisits++
	}
	return nil
}

// builder starts a record of one capture: its date, target and warcinfo.
func (ww *warcWriter) builder(typ gowarc.RecordType, c archive.Capture) gowarc.WarcRecordBuilder {
	rb := gowarc.NewRecordBuilder(typ, gowarc.WithStrictValidation(), gowarc.WithAddMissingDigest(true),
		gowarc.WithBufferTmpDir(ww.opts.TempDir))
	rb.AddWarcHeader(gowarc.WarcDate, c.FetchedAt.UTC().Format(time.RFC3339))
	rb.AddWarcHeader(gowarc.WarcTargetURI, targetURI(c))
	rb.AddWarcHeader(gowarc.WarcWarcinfoID, ww.info)
	return rb
}

// included applies the filter through the capture's parsed record.
func (ww *warcWriter) included(c archive.Capture) (bool, error) {
	p, err := ww.src.GetParsed(c.Digest)
	if errors.Is(err, archive.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("parsed record of %s: %w", c.Digest, err)
	}
	f := ww.opts.Filter
	if !f.matchParsed(p) {
		return false, nil
	}
	if !f.Since.IsZero() && c.FetchedAt.Before(f.Since) {
		return false, nil
	}
	region := p.Region
	if region == "" {
		region = c.Region
	}
	return f.Region == "" || strings.Contains(region, f.Region), nil
}

func (ww *warcWriter) warcinfo() error {
	sw := ww.opts.Software
	if sw == "" {
		sw = "gongkai crawl export"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "software: %s\r\n", sw)
	b.WriteString("format: WARC File Format 1.1\r\n")
	b.WriteString("conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
	b.WriteString("description: captures exported from a gongkai archive; identical payloads are revisit records\r\n")
	rb := gowarc.NewRecordBuilder(gowarc.Warcinfo, gowarc.WithStrictValidation(), gowarc.WithAddMissingDigest(true))
	rb.AddWarcHeader(gowarc.WarcDate, time.Now().UTC().Format(time.RFC3339))
	if ww.opts.Filename != "" {
		rb.AddWarcHeader(gowarc.WarcFilename, ww.opts.Filename)
	}
	rb.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	id, err := ww.record(rb, archive.Capture{}, "", b.Bytes())
	ww.info = id
	return err
}

// record builds the record (gowarc computes the block digest and the
// Content-Length and validates the record strictly), writes it as its own
// gzip member, indexes it and returns its record id.
func (ww *warcWriter) record(rb gowarc.WarcRecordBuilder, c archive.Capture, mime string, block ...[]byte) (string, error) {
	for _, b := range block {
		if _, err := rb.Write(b); err != nil {
			rb.Close()
			return "", fmt.Errorf("warc record of %s: %w", c.URL, err)
		}
	}
	rec, _, err := rb.Build()
	if err != nil {
		return "", fmt.Errorf("warc record of %s: %w", c.URL, err)
	}
	defer rec.Close()
	offset := ww.out.n
	if ww.zw == nil {
		zw, err := gzip.NewWriterLevel(ww.out, gzip.BestSpeed)
		if err != nil {
			return "", err
		}
		ww.zw = zw
	} else {
		ww.zw.Reset(ww.out) // a new member, reusing the compressor's memory
	}
	if _, _, err := ww.marshaler.Marshal(ww.zw, rec, 0); err != nil {
		return "", fmt.Errorf("write warc: %w", err)
	}
	if err := ww.zw.Close(); err != nil {
		return "", fmt.Errorf("write warc: %w", err)
	}
	id := rec.WarcHeader().Get(gowarc.WarcRecordID)
	if ww.cdx == nil || c.ID == 0 && c.URL == "" {
		return id, nil
	}
	return id, ww.cdx.add(cdxLine(c, mime, rec.WarcHeader().Get(gowarc.WarcPayloadDigest), offset, ww.out.n-offset, ww.opts.Filename))
}

// validHexDigest reports whether d is a hex SHA-256, as the archive keys
// payloads.
func validHexDigest(d string) bool {
	if len(d) != 64 {
		return false
	}
	for _, r := range d {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

// httpHead rebuilds the HTTP response head as received: status line and
// headers in name order. The archive keeps the payload de-chunked and
// decoded, so Transfer-Encoding (and a Content-Encoding the payload no
// longer has) are kept under X-Archive-Orig- names and Content-Length is the
// payload's, which lets replay tools read the block as a valid response.
func httpHead(c archive.Capture, size int64, payload []byte) []byte {
	proto := c.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	var b bytes.Buffer
	text := http.StatusText(c.Status)
	fmt.Fprintf(&b, "%s %d %s\r\n", proto, c.Status, text)
	names := make([]string, 0, len(c.Header))
	for k := range c.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	stillGzip := len(payload) >= 2 && payload[0] == 0x1f && payload[1] == 0x8b
	for _, k := range names {
		name := k
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length":
			continue
		case "Transfer-Encoding":
			name = "X-Archive-Orig-" + k
		case "Content-Encoding":
			if !stillGzip || c.Status == http.StatusNotModified {
				name = "X-Archive-Orig-" + k
			}
		}
		for _, v := range c.Header[k] {
			b.WriteString(name + ": " + sanitizeHeader(v) + "\r\n")
		}
	}
	if c.Status != http.StatusNotModified {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", size)
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// sanitizeHeader keeps a stored header value from breaking the record.
func sanitizeHeader(v string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
}

func targetURI(c archive.Capture) string {
	if c.FinalURL != "" {
		return c.FinalURL
	}
	return c.URL
}

func mimeOf(c archive.Capture) string {
	ct := c.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(strings.ToLower(ct))
	if ct == "" {
		return "unk"
	}
	return ct
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	return n, err
}
