package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/export/warctest"

	"github.com/gongkai/gongkai/extract"
)

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
	if info.Header["WARC-Type"] != "warcinfo" || info.Header["Content-Type"] != "application/warc-fields" ||
		info.Header["WARC-Filename"] != "x.warc.gz" || !bytes.Contains(info.Block, []byte("format: WARC File Format 1.1\r\n")) {
		t.Errorf("warcinfo %v %q", info.Header, info.Block)
	}
	idRE := regexp.MustCompile(`^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$`)
	ids := map[string]bool{}
	for _, r := range recs {
		id := r.Header["WARC-Record-ID"]
		if !idRE.MatchString(id) || ids[id] {
			t.Errorf("record id %q bad or repeated", id)
		}
		ids[id] = true
		if r.Header["WARC-Type"] != "warcinfo" && r.Header["WARC-Warcinfo-ID"] != info.Header["WARC-Record-ID"] {
			t.Errorf("record %s does not name the warcinfo", id)
		}
	}

	const a = "http://www.xq.gov.cn/xxgk/ndbg/2021/t20210125_1.html"
	type row struct{ typ, uri, date, profile string }
	var got []row
	for _, r := range recs[1:] {
		got = append(got, row{r.Header["WARC-Type"], r.Header["WARC-Target-URI"], r.Header["WARC-Date"], r.Header["WARC-Profile"]})
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
	if resp.Header["Content-Type"] != "application/http;msgtype=response" || resp.Header["WARC-Payload-Digest"] != warctest.Digest(bodies["a1"]) {
		t.Errorf("response header %v", resp.Header)
	}
	hr, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(resp.Block)), nil)
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
	hr, err = http.ReadResponse(bufio.NewReader(bytes.NewReader(essay.Block)), nil)
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
		if rv.Header["WARC-Refers-To"] != resp.Header["WARC-Record-ID"] || rv.Header["WARC-Refers-To-Target-URI"] != a ||
			rv.Header["WARC-Refers-To-Date"] != resp.Header["WARC-Date"] || rv.Header["WARC-Payload-Digest"] != warctest.Digest(bodies["a1"]) {
			t.Errorf("revisit %d header %v", i, rv.Header)
		}
		if !bytes.HasPrefix(rv.Block, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.HasSuffix(rv.Block, []byte("\r\n\r\n")) || bytes.Contains(rv.Block, bodies["a1"]) {
			t.Errorf("revisit %d block %q", i, rv.Block)
		}
	}
	nm := recs[8]
	if !bytes.HasPrefix(nm.Block, []byte("HTTP/1.1 304 Not Modified\r\n")) || nm.Header["WARC-Payload-Digest"] != warctest.Digest(bodies["a2"]) ||
		nm.Header["WARC-Refers-To"] != recs[7].Header["WARC-Record-ID"] {
		t.Errorf("304 revisit %v %q", nm.Header, nm.Block)
	}

	checkCDXJ(t, buf.Bytes(), recs, cdx.String())
}

// checkCDXJ checks the index is sorted and every line points at the gzip
// member of its record.
func checkCDXJ(t *testing.T, data []byte, recs []warctest.Record, index string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(index, "\n"), "\n")
	if len(lines) != len(recs)-1 {
		t.Fatalf("%d index lines for %d records", len(lines), len(recs)-1)
	}
	if !slices.IsSorted(lines) {
		t.Errorf("index not sorted:\n%s", index)
	}
	byOffset := map[int64]warctest.Record{}
	for _, r := range recs {
		byOffset[r.Offset] = r
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
		one := readWARC(t, data[off:off+length])
		if len(one) != 1 {
			t.Fatalf("member %d+%d holds %d records", off, length, len(one))
		}
		alone := one[0]
		ts := strings.NewReplacer("-", "", "T", "", ":", "", "Z", "").Replace(rec.Header["WARC-Date"])
		if length != rec.Length || alone.Header["WARC-Record-ID"] != rec.Header["WARC-Record-ID"] ||
			j.URL != rec.Header["WARC-Target-URI"] || parts[0] != SURT(j.URL) || parts[1] != ts ||
			"sha256:"+j.Digest != rec.Header["WARC-Payload-Digest"] || j.Filename != "x.warc.gz" {
			t.Errorf("index line %q does not match record %v", l, rec.Header)
		}
		wantMime := "text/html"
		if rec.Header["WARC-Type"] == "revisit" {
			wantMime = "warc/revisit"
		}
		if j.Mime != wantMime || j.Status != statusOf(rec.Block) {
			t.Errorf("mime/status %q %q for %v", j.Mime, j.Status, rec.Header)
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

// readWARC reads the file back with the independent reader, failing the test
// on the first malformed record.
func readWARC(t *testing.T, data []byte) []warctest.Record {
	t.Helper()
	recs, err := warctest.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
