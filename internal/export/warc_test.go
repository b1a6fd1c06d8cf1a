package export

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
)

// warcRecord is one record read back from a WARC file by readWARC.
type warcRecord struct {
	offset, length int64 // of its gzip member
	header         map[string]string
	block          []byte
}

// readWARC is an independent reader: it inflates the file gzip member by
// member, parses each record's header, and checks the version line,
// Content-Length, the closing CRLFs and the block digest.
func readWARC(t *testing.T, data []byte) []warcRecord {
	t.Helper()
	var out []warcRecord
	r := bytes.NewReader(data) // an io.ByteReader: gzip reads no further than its member
	for r.Len() > 0 {
		off := int64(len(data) - r.Len())
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("member at %d: %v", off, err)
		}
		zr.Multistream(false)
		content, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("member at %d: %v", off, err)
		}
		rec := parseRecord(t, content)
		rec.offset, rec.length = off, int64(len(data)-r.Len())-off
		out = append(out, rec)
	}
	return out
}

func parseRecord(t *testing.T, content []byte) warcRecord {
	t.Helper()
	head, rest, ok := bytes.Cut(content, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("record without header end: %q", content)
	}
	lines := strings.Split(string(head), "\r\n")
	if lines[0] != "WARC/1.1" {
		t.Fatalf("version line %q", lines[0])
	}
	rec := warcRecord{header: map[string]string{}}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ": ")
		if !ok {
			t.Fatalf("bad header line %q", l)
		}
		if _, dup := rec.header[name]; dup {
			t.Fatalf("header %s twice", name)
		}
		rec.header[name] = value
	}
	n, err := strconv.Atoi(rec.header["Content-Length"])
	if err != nil || n > len(rest) {
		t.Fatalf("Content-Length %q with %d bytes left", rec.header["Content-Length"], len(rest))
	}
	rec.block = rest[:n]
	if tail := string(rest[n:]); tail != "\r\n\r\n" {
		t.Fatalf("record ends with %q, want CRLF CRLF", tail)
	}
	sum := sha256.Sum256(rec.block)
	if want := "sha256:" + base32.StdEncoding.EncodeToString(sum[:]); rec.header["WARC-Block-Digest"] != want {
		t.Errorf("%s block digest %s, computed %s", rec.header["WARC-Type"], rec.header["WARC-Block-Digest"], want)
	}
	for _, must := range []string{"WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length"} {
		if rec.header[must] == "" {
			t.Errorf("%s record without %s", rec.header["WARC-Type"], must)
		}
	}
	return rec
}

func payloadDigest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + base32.StdEncoding.EncodeToString(s[:])
}

func TestWARCRecords(t *testing.T) {
	m, bodies := fixtureArchive()
	var buf, cdx bytes.Buffer
	n, err := WARC(context.Background(), m, &buf, WARCOptions{Filename: "x.warc.gz", CDX: &cdx}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := WARCCounts{Captures: 9, Responses: 5, Revisits: 2, NotModified: 1, Failed: 1, Bytes: int64(buf.Len())}
	if n != want {
		t.Errorf("counts %+v, want %+v", n, want)
	}
	recs := readWARC(t, buf.Bytes())
	if len(recs) != 9 {
		t.Fatalf("%d records, want warcinfo + 8", len(recs))
	}
	info := recs[0]
	if info.header["WARC-Type"] != "warcinfo" || info.header["Content-Type"] != "application/warc-fields" ||
		info.header["WARC-Filename"] != "x.warc.gz" || !bytes.Contains(info.block, []byte("format: WARC File Format 1.1\r\n")) {
		t.Errorf("warcinfo %v %q", info.header, info.block)
	}
	idRE := regexp.MustCompile(`^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$`)
	ids := map[string]bool{}
	for _, r := range recs {
		id := r.header["WARC-Record-ID"]
		if !idRE.MatchString(id) || ids[id] {
			t.Errorf("record id %q bad or repeated", id)
		}
		ids[id] = true
		if r.header["WARC-Type"] != "warcinfo" && r.header["WARC-Warcinfo-ID"] != info.header["WARC-Record-ID"] {
			t.Errorf("record %s does not name the warcinfo", id)
		}
	}

	const a = "http://www.xq.gov.cn/xxgk/ndbg/2021/t20210125_1.html"
	type row struct{ typ, uri, date, profile string }
	var got []row
	for _, r := range recs[1:] {
		got = append(got, row{r.header["WARC-Type"], r.header["WARC-Target-URI"], r.header["WARC-Date"], r.header["WARC-Profile"]})
	}
	wantRows := []row{
		{"response", "http://www.xq.gov.cn/xxgk/ndbg/2020/t20200120_9.html", "2026-11-20T01:00:13Z", ""},
		{"response", a, "2026-11-20T02:00:13Z", ""},
		{"revisit", a, "2026-11-21T02:00:13Z", ProfileIdenticalPayload},
		{"response", "https://essay.example.com/fanwen/123.html?b=2&a=1", "2026-11-20T02:01:13Z", ""},
		{"response", "http://www.xq.gov.cn/news/1.html", "2026-11-20T02:02:13Z", ""},
		{"revisit", "http://www.xq.gov.cn/mirror/a.html", "2026-11-20T02:04:13Z", ProfileIdenticalPayload},
		{"response", a, "2026-11-22T02:00:13Z", ""},
		{"revisit", a, "2026-11-23T02:00:13Z", ProfileServerNotModified},
	}
	if !slices.Equal(got, wantRows) {
		t.Errorf("records\n%v\nwant\n%v", got, wantRows)
	}

	// The response of a v1: the real status line and headers, then the bytes.
	resp := recs[2]
	if resp.header["Content-Type"] != "application/http;msgtype=response" || resp.header["WARC-Payload-Digest"] != payloadDigest(bodies["a1"]) {
		t.Errorf("response header %v", resp.header)
	}
	hr, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(resp.block)), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(hr.Body)
	if hr.StatusCode != 200 || hr.Proto != "HTTP/1.1" || hr.Header.Get("Content-Type") != "text/html; charset=gbk" ||
		hr.Header.Get("Etag") != `"abc"` || hr.Header.Get("Server") != "TRS" || !bytes.Equal(body, bodies["a1"]) {
		t.Errorf("HTTP response %d %v body %q", hr.StatusCode, hr.Header, body)
	}

	// A chunked response is stored de-chunked: the header is renamed so the
	// block parses as a plain response.
	essay := recs[4]
	hr, err = http.ReadResponse(bufio.NewReader(bytes.NewReader(essay.block)), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(hr.Body)
	if !bytes.Equal(body, bodies["b"]) || hr.Header.Get("X-Archive-Orig-Transfer-Encoding") != "chunked" || len(hr.TransferEncoding) != 0 {
		t.Errorf("essay response %v body %q", hr.Header, body)
	}

	// Revisits: headers only, pointing at the first response of the bytes.
	for _, i := range []int{3, 6} {
		rv := recs[i]
		if rv.header["WARC-Refers-To"] != resp.header["WARC-Record-ID"] || rv.header["WARC-Refers-To-Target-URI"] != a ||
			rv.header["WARC-Refers-To-Date"] != resp.header["WARC-Date"] || rv.header["WARC-Payload-Digest"] != payloadDigest(bodies["a1"]) {
			t.Errorf("revisit %d header %v", i, rv.header)
		}
		if !bytes.HasPrefix(rv.block, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.HasSuffix(rv.block, []byte("\r\n\r\n")) || bytes.Contains(rv.block, bodies["a1"]) {
			t.Errorf("revisit %d block %q", i, rv.block)
		}
	}
	nm := recs[8]
	if !bytes.HasPrefix(nm.block, []byte("HTTP/1.1 304 Not Modified\r\n")) || nm.header["WARC-Payload-Digest"] != payloadDigest(bodies["a2"]) ||
		nm.header["WARC-Refers-To"] != recs[7].header["WARC-Record-ID"] {
		t.Errorf("304 revisit %v %q", nm.header, nm.block)
	}

	checkCDXJ(t, buf.Bytes(), recs, cdx.String())
}

// checkCDXJ checks the index is sorted and every line points at the gzip
// member of its record.
func checkCDXJ(t *testing.T, data []byte, recs []warcRecord, index string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(index, "\n"), "\n")
	if len(lines) != len(recs)-1 {
		t.Fatalf("%d index lines for %d records", len(lines), len(recs)-1)
	}
	if !slices.IsSorted(lines) {
		t.Errorf("index not sorted:\n%s", index)
	}
	byOffset := map[int64]warcRecord{}
	for _, r := range recs {
		byOffset[r.offset] = r
	}
	for _, l := range lines {
		parts := strings.SplitN(l, " ", 3)
		if len(parts) != 3 {
			t.Fatalf("line %q", l)
		}
		var j struct{ URL, Mime, Status, Digest, Length, Offset, Filename string }
		if err := json.Unmarshal([]byte(parts[2]), &j); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		off, _ := strconv.ParseInt(j.Offset, 10, 64)
		length, _ := strconv.ParseInt(j.Length, 10, 64)
		rec, ok := byOffset[off]
		if !ok {
			t.Errorf("offset %d is not a record start", off)
			continue
		}
		// The member alone, cut out by offset and length, is the record.
		zr, err := gzip.NewReader(bytes.NewReader(data[off : off+length]))
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("member %d+%d: %v", off, length, err)
		}
		alone := parseRecord(t, content)
		ts := strings.NewReplacer("-", "", "T", "", ":", "", "Z", "").Replace(rec.header["WARC-Date"])
		if length != rec.length || alone.header["WARC-Record-ID"] != rec.header["WARC-Record-ID"] ||
			j.URL != rec.header["WARC-Target-URI"] || parts[0] != SURT(j.URL) || parts[1] != ts ||
			"sha256:"+j.Digest != rec.header["WARC-Payload-Digest"] || j.Filename != "x.warc.gz" {
			t.Errorf("index line %q does not match record %v", l, rec.header)
		}
		wantMime := "text/html"
		if rec.header["WARC-Type"] == "revisit" {
			wantMime = "warc/revisit"
		}
		if j.Mime != wantMime || j.Status != statusOf(rec.block) {
			t.Errorf("mime/status %q %q for %v", j.Mime, j.Status, rec.header)
		}
	}
}

func statusOf(block []byte) string {
	var proto, code string
	fmt.Sscan(string(block), &proto, &code)
	return code
}

func TestCDXJSpillsAndMerges(t *testing.T) {
	m, _ := fixtureArchive()
	var whole, spilled bytes.Buffer
	opts := WARCOptions{Filename: "x.warc.gz", CDX: &whole}
	var w1, w2 bytes.Buffer
	if _, err := WARC(context.Background(), m, &w1, opts, nil); err != nil {
		t.Fatal(err)
	}
	opts.CDX, opts.cdxChunk, opts.TempDir = &spilled, 2, t.TempDir()
	if _, err := WARC(context.Background(), m, &w2, opts, nil); err != nil {
		t.Fatal(err)
	}
	// Record ids (random per export) change member sizes: compare keys and
	// timestamps here; checkCDXJ checks the offsets of each.
	strip := func(s string) []string {
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			parts := strings.SplitN(l, " ", 3)
			out = append(out, parts[0]+" "+parts[1])
		}
		return out
	}
	if a, b := strip(whole.String()), strip(spilled.String()); !slices.Equal(a, b) || len(a) != 8 {
		t.Errorf("in-memory index\n%v\nmerged index\n%v", a, b)
	}
	checkCDXJ(t, w2.Bytes(), readWARC(t, w2.Bytes()), spilled.String())
}

func TestWARCFiltered(t *testing.T) {
	m, _ := fixtureArchive()
	var buf bytes.Buffer
	n, err := WARC(context.Background(), m, &buf, WARCOptions{Filtered: true, Filter: Filter{Kinds: []string{extract.KindReport}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n.Responses != 3 || n.Revisits != 2 || n.NotModified != 1 || n.Excluded != 2 {
		t.Errorf("counts %+v", n)
	}
	if got := len(readWARC(t, buf.Bytes())); got != 7 {
		t.Errorf("%d records", got)
	}
}

func TestWARCSkipsCorruptPayload(t *testing.T) {
	m, bodies := fixtureArchive()
	delete(m.payloads, digestOf(bodies["c"]))
	var buf bytes.Buffer
	n, err := WARC(context.Background(), m, &buf, WARCOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n.Unreadable != 1 || n.Responses != 4 {
		t.Errorf("counts %+v", n)
	}
	readWARC(t, buf.Bytes())
}

func TestSURT(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://www.Example.gov.cn/a/B.html", "cn,gov,example)/a/b.html"},
		{"https://www.example.gov.cn:443/", "cn,gov,example)/"},
		{"http://example.gov.cn", "cn,gov,example)/"},
		{"http://example.gov.cn:8080/x?b=2&a=1", "cn,gov,example:8080)/x?a=1&b=2"},
		{"http://127.0.0.1:34567/xxgk/", "1,0,0,127:34567)/xxgk/"},
		{"http://[::1]:8080/", "::1:8080)/"},
		{"http://www.gov.cn/", "cn,gov)/"}, // as pywb's surt: www. always goes
		{"not a url", "not a url"},
	}
	for _, tc := range tests {
		if got := SURT(tc.in); got != tc.want {
			t.Errorf("SURT(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
