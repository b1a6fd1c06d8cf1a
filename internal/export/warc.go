package export

// The WARC 1.1 writer is written by hand against the specification
// (https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/):
// no Go WARC library can be fetched in this build environment, and the
// format is small: a version line, named header fields, a block, two CRLFs.
//
// Digests: WARC 1.1 labels a digest with its algorithm ("algorithm:value")
// and leaves the encoding to custom; base32 is customary (it is what the
// specification's sha1 example and the common tools write), so WARC-Block-
// and WARC-Payload-Digest are "sha256:" + RFC 4648 base32 of the SHA-256.
// The archive's own hex digests (the jsonl "sha256") are the same bytes.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip" // same format as compress/gzip, several times faster

	"github.com/gongkai/gongkai/archive"
)

// Revisit profiles of WARC 1.1 (section 6.7).
const (
	ProfileIdenticalPayload  = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
	ProfileServerNotModified = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
)

// warcDate is the WARC-Date layout (W3C-ISO8601, UTC, second precision).
const warcDate = "2006-01-02T15:04:05Z"

// WARCOptions tune a WARC export.
type WARCOptions struct {
	// Filename is written into the warcinfo record and the CDXJ index.
	Filename string
	// CDX, when not nil, receives a CDXJ index of the records, sorted.
	CDX io.Writer
	// TempDir holds sorted runs of a big CDXJ index ("" = os.TempDir()).
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
		first: map[[32]byte]uint64{}}
	if _, err := rand.Read(ww.nonce[:]); err != nil {
		return WARCCounts{}, fmt.Errorf("warc: record id seed: %w", err)
	}
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

type warcWriter struct {
	src   Source
	opts  WARCOptions
	out   *countingWriter
	cdx   *cdxSorter
	nonce [16]byte
	info  string              // warcinfo record id
	first map[[32]byte]uint64 // payload digest → capture id of its response record
	zw    *gzip.Writer
	n     WARCCounts
}

func (ww *warcWriter) capture(c archive.Capture) error {
	if c.Status == 0 || c.Digest == "" {
		ww.n.Failed++
		return nil
	}
	dig, err := hex.DecodeString(c.Digest)
	if err != nil || len(dig) != sha256.Size {
		ww.n.Unreadable++
		return nil
	}
	var key [32]byte
	copy(key[:], dig)
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
	firstID, seen := ww.first[key]
	switch {
	case c.Status == http.StatusNotModified:
		return ww.revisit(c, key, firstID, seen, ProfileServerNotModified)
	case seen:
		return ww.revisit(c, key, firstID, true, ProfileIdenticalPayload)
	}
	payload, err := ww.src.Payload(c.Digest)
	if errors.Is(err, archive.ErrCorrupt) || errors.Is(err, archive.ErrNotFound) {
		ww.n.Unreadable++
		return nil
	}
	if err != nil {
		return fmt.Errorf("payload %s of %s: %w", c.Digest, c.URL, err)
	}
	head := httpHead(c, int64(len(payload)), payload)
	block := make([]byte, 0, len(head)+len(payload))
	block = append(append(block, head...), payload...)
	h := []field{
		{"WARC-Type", "response"},
		{"WARC-Record-ID", ww.recordID(c.ID)},
		{"WARC-Warcinfo-ID", ww.info},
		{"WARC-Date", c.FetchedAt.UTC().Format(warcDate)},
		{"WARC-Target-URI", targetURI(c)},
		{"WARC-Payload-Digest", labelDigest(dig)},
		{"WARC-Block-Digest", blockDigest(block)},
		{"Content-Type", "application/http;msgtype=response"},
	}
	if err := ww.record(h, block, c, mimeOf(c)); err != nil {
		return err
	}
	ww.first[key] = c.ID
	ww.n.Responses++
	return nil
}

// revisit writes a headers-only record for a capture whose payload is
// already in the file (or, for a 304, confirmed by the server).
func (ww *warcWriter) revisit(c archive.Capture, key [32]byte, firstID uint64, seen bool, profile string) error {
	head := httpHead(c, c.Size, nil)
	h := []field{
		{"WARC-Type", "revisit"},
		{"WARC-Record-ID", ww.recordID(c.ID)},
		{"WARC-Warcinfo-ID", ww.info},
		{"WARC-Date", c.FetchedAt.UTC().Format(warcDate)},
		{"WARC-Target-URI", targetURI(c)},
		{"WARC-Profile", profile},
		{"WARC-Payload-Digest", labelDigest(key[:])},
		{"WARC-Block-Digest", blockDigest(head)},
		{"Content-Type", "application/http;msgtype=response"},
	}
	if seen {
		orig, err := ww.src.GetCapture(firstID)
		if err != nil {
			return fmt.Errorf("capture %d: %w", firstID, err)
		}
		h = append(h,
			field{"WARC-Refers-To", ww.recordID(firstID)},
			field{"WARC-Refers-To-Target-URI", targetURI(orig)},
			field{"WARC-Refers-To-Date", orig.FetchedAt.UTC().Format(warcDate)})
	}
	if err := ww.record(h, head, c, "warc/revisit"); err != nil {
		return err
	}
	if profile == ProfileServerNotModified {
		ww.n.NotModified++
	} else {
		ww.n.Revisits++
	}
	return nil
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
	ww.info = uuidURN(newUUIDv5(ww.nonce[:], "warcinfo"))
	sw := ww.opts.Software
	if sw == "" {
		sw = "gongkai crawl export"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "software: %s\r\n", sw)
	b.WriteString("format: WARC File Format 1.1\r\n")
	b.WriteString("conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
	b.WriteString("description: captures exported from a gongkai archive; identical payloads are revisit records\r\n")
	h := []field{
		{"WARC-Type", "warcinfo"},
		{"WARC-Record-ID", ww.info},
		{"WARC-Date", time.Now().UTC().Format(warcDate)},
	}
	if ww.opts.Filename != "" {
		h = append(h, field{"WARC-Filename", ww.opts.Filename})
	}
	h = append(h, field{"WARC-Block-Digest", blockDigest(b.Bytes())},
		field{"Content-Type", "application/warc-fields"})
	return ww.record(h, b.Bytes(), archive.Capture{}, "")
}

type field struct{ name, value string }

// record writes one WARC record as its own gzip member and indexes it.
func (ww *warcWriter) record(h []field, block []byte, c archive.Capture, mime string) error {
	offset := ww.out.n
	if ww.zw == nil {
		zw, err := gzip.NewWriterLevel(ww.out, gzip.BestSpeed)
		if err != nil {
			return err
		}
		ww.zw = zw
	} else {
		ww.zw.Reset(ww.out) // a new member, reusing the compressor's memory
	}
	zw := ww.zw
	var head bytes.Buffer
	head.WriteString("WARC/1.1\r\n")
	for _, f := range h {
		head.WriteString(f.name + ": " + f.value + "\r\n")
	}
	head.WriteString("Content-Length: " + strconv.Itoa(len(block)) + "\r\n\r\n")
	for _, part := range [][]byte{head.Bytes(), block, []byte("\r\n\r\n")} {
		if _, err := zw.Write(part); err != nil {
			return fmt.Errorf("write warc: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write warc: %w", err)
	}
	if ww.cdx == nil || c.ID == 0 && c.URL == "" {
		return nil
	}
	return ww.cdx.add(cdxLine(c, mime, h, offset, ww.out.n-offset, ww.opts.Filename))
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

func labelDigest(sum []byte) string {
	return "sha256:" + base32.StdEncoding.EncodeToString(sum)
}

func blockDigest(block []byte) string {
	sum := sha256.Sum256(block)
	return labelDigest(sum[:])
}

// recordID names a capture's record: a name-based UUID from this export's
// random seed and the capture id, so a revisit can name its original
// without a table of record ids.
func (ww *warcWriter) recordID(captureID uint64) string {
	return uuidURN(newUUIDv5(ww.nonce[:], "capture:"+strconv.FormatUint(captureID, 10)))
}

// newUUIDv5 is an RFC 9562 version 5 (SHA-1, name-based) UUID.
func newUUIDv5(namespace []byte, name string) [16]byte {
	h := sha1.New()
	h.Write(namespace)
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

func uuidURN(u [16]byte) string {
	x := hex.EncodeToString(u[:])
	return "<urn:uuid:" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:] + ">"
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
