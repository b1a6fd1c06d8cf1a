package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// memArchive is an in-memory Archive for the export tests: captures in ID
// order, payloads by digest, parsed records by digest, versions derived the
// way the archive defines them (distinct payloads of a URL, in order).
type memArchive struct {
	captures []archive.Capture
	payloads map[string][]byte
	parsed   map[string]archive.Parsed
	runs     []archive.Run
}

func newMem() *memArchive {
	return &memArchive{payloads: map[string][]byte{}, parsed: map[string]archive.Parsed{}}
}

func digestOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// add records a capture; body nil for failures and 304s (digest then given).
func (m *memArchive) add(c archive.Capture, body []byte) archive.Capture {
	c.ID = uint64(len(m.captures) + 1)
	if body != nil {
		c.Digest = digestOf(body)
		c.Size = int64(len(body))
		m.payloads[c.Digest] = body
	}
	if c.Proto == "" && c.Status != 0 {
		c.Proto = "HTTP/1.1"
	}
	m.captures = append(m.captures, c)
	return c
}

// parse stores a record for a payload.
func (m *memArchive) parse(body []byte, r extract.Record) {
	d := digestOf(body)
	r.SHA256 = d
	js, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	m.parsed[d] = archive.Parsed{Digest: d, ParserVersion: 1, URL: r.URL, Kind: r.Kind, Agency: r.Agency,
		Region: r.Region, Year: r.Year, Template: r.Template, JSON: js}
}

func (m *memArchive) ForEachURL(ctx context.Context, fn func(string) error) error {
	seen := map[string]bool{}
	var urls []string
	for _, c := range m.captures {
		if !seen[c.URL] {
			seen[c.URL] = true
			urls = append(urls, c.URL)
		}
	}
	sort.Strings(urls)
	for _, u := range urls {
		if err := fn(u); err != nil {
			return err
		}
	}
	return nil
}

func (m *memArchive) Versions(u string) ([]archive.Version, error) {
	var out []archive.Version
	for _, c := range m.captures {
		if c.URL != u || c.Digest == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Digest == c.Digest {
			out[n-1].LastSeen = c.FetchedAt
			out[n-1].CaptureIDs = append(out[n-1].CaptureIDs, c.ID)
			continue
		}
		out = append(out, archive.Version{URL: u, Seq: len(out) + 1, Digest: c.Digest,
			FirstSeen: c.FetchedAt, LastSeen: c.FetchedAt, CaptureIDs: []uint64{c.ID}})
	}
	return out, nil
}

func (m *memArchive) GetParsed(d string) (archive.Parsed, error) {
	p, ok := m.parsed[d]
	if !ok {
		return p, archive.ErrNotFound
	}
	return p, nil
}

func (m *memArchive) GetCapture(id uint64) (archive.Capture, error) {
	if id == 0 || int(id) > len(m.captures) {
		return archive.Capture{}, archive.ErrNotFound
	}
	return m.captures[id-1], nil
}

func (m *memArchive) ForEachCapture(ctx context.Context, fn func(archive.Capture) error) error {
	for _, c := range m.captures {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

func (m *memArchive) Payload(d string) ([]byte, error) {
	b, ok := m.payloads[d]
	if !ok {
		return nil, archive.ErrNotFound
	}
	return b, nil
}

func (m *memArchive) ForEachParsed(ctx context.Context, f archive.Filter, fn func(archive.Parsed) error) error {
	keys := sortedKeys(m.parsed)
	for _, k := range keys {
		p := m.parsed[k]
		if (f.Agency != "" && p.Agency != f.Agency) || (f.Year != 0 && p.Year != f.Year) || (f.Kind != "" && p.Kind != f.Kind) {
			continue
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (m *memArchive) Agencies() ([]archive.AgencyCount, error) {
	n := map[string]int{}
	for _, p := range m.parsed {
		n[p.Agency] += 0
		if p.Kind != "not_report" {
			n[p.Agency]++
		}
	}
	var out []archive.AgencyCount
	for _, a := range sortedKeys(n) {
		out = append(out, archive.AgencyCount{Agency: a, Count: n[a]})
	}
	return out, nil
}

func (m *memArchive) Runs() ([]archive.Run, error) { return m.runs, nil }

func f64(v float64) *float64 { return &v }

func cell(raw string, v *float64) extract.Cell { return extract.Cell{Raw: raw, Value: v} }

// requestsTable is a requests table with the given total-column figures
// (received, carried_in, granted, total, carried_out).
func requestsTable(received, carriedIn, granted, total, carriedOut float64) map[string]map[string]extract.Cell {
	num := func(v float64) extract.Cell {
		return cell(jsonNum(v), f64(v))
	}
	return map[string]map[string]extract.Cell{
		"received":    {"natural_person": num(received), "total": num(received), "commercial": cell("　", nil)},
		"carried_in":  {"natural_person": num(carriedIn), "total": num(carriedIn)},
		"granted":     {"natural_person": num(granted), "total": num(granted)},
		"total":       {"natural_person": num(total), "total": num(total)},
		"carried_out": {"natural_person": num(carriedOut), "total": num(carriedOut)},
	}
}

func jsonNum(v float64) string { b, _ := json.Marshal(v); return string(b) }

var t0 = time.Date(2026, 11, 20, 2, 0, 13, 0, time.UTC)

func htmlHeader(ct string) http.Header {
	return http.Header{"Content-Type": {ct}, "Etag": {`"abc"`}, "Server": {"TRS"}}
}

// fixtureArchive is the shared scenario of the export tests:
//
//	A  新前街道 2020 report, v1 (GBK bytes) captured twice, v2 (a cell
//	   corrected) once, then confirmed by a 304
//	A19 新前街道 2019 report (for the across-year check)
//	B  a copy of the report on an essay site
//	C  a news page that is not a report
//	D  a timeout
//	E  the bytes of A v1 served at a second URL
func fixtureArchive() (*memArchive, map[string][]byte) {
	m := newMem()
	const a = "http://www.xq.gov.cn/xxgk/ndbg/2021/t20210125_1.html"
	const a19 = "http://www.xq.gov.cn/xxgk/ndbg/2020/t20200120_9.html"
	bodies := map[string][]byte{
		"a1":  []byte("<html><meta charset=gbk>\xd0\xc2\xc7\xb0 v1</html>"),
		"a2":  []byte("<html><meta charset=gbk>\xd0\xc2\xc7\xb0 v2</html>"),
		"a19": []byte("<html>2019 report</html>"),
		"b":   []byte("<html>essay copy</html>"),
		"c":   []byte("<html>news 年度报告</html>"),
	}
	hdr := htmlHeader("text/html; charset=gbk")
	m.add(archive.Capture{URL: a19, Seed: "http://www.xq.gov.cn/", Agency: "新前街道", Region: "台州市", FetchedAt: t0.Add(-time.Hour), Status: 200, Header: hdr}, bodies["a19"])
	m.add(archive.Capture{URL: a, Seed: "http://www.xq.gov.cn/", Agency: "新前街道", Region: "台州市", FetchedAt: t0, Status: 200, Header: hdr}, bodies["a1"])
	m.add(archive.Capture{URL: a, Seed: "http://www.xq.gov.cn/", Agency: "新前街道", Region: "台州市", FetchedAt: t0.Add(24 * time.Hour), Status: 200, Header: hdr}, bodies["a1"])
	m.add(archive.Capture{URL: "https://essay.example.com/fanwen/123.html?b=2&a=1", Seed: "https://essay.example.com/", FetchedAt: t0.Add(time.Minute), Status: 200,
		Header: http.Header{"Content-Type": {"text/html"}, "Transfer-Encoding": {"chunked"}}}, bodies["b"])
	m.add(archive.Capture{URL: "http://www.xq.gov.cn/news/1.html", Seed: "http://www.xq.gov.cn/", Agency: "新前街道", FetchedAt: t0.Add(2 * time.Minute), Status: 200, Header: hdr}, bodies["c"])
	m.add(archive.Capture{URL: "http://slow.gov.cn/", Seed: "http://slow.gov.cn/", FetchedAt: t0.Add(3 * time.Minute), ErrKind: "timeout", Err: "context deadline exceeded"}, nil)
	m.add(archive.Capture{URL: "http://www.xq.gov.cn/mirror/a.html", Seed: "http://www.xq.gov.cn/", Agency: "新前街道", FetchedAt: t0.Add(4 * time.Minute), Status: 200, Header: hdr}, bodies["a1"])
	m.add(archive.Capture{URL: a, Seed: "http://www.xq.gov.cn/", Agency: "新前街道", Region: "台州市", FetchedAt: t0.Add(48 * time.Hour), Status: 200, Header: hdr}, bodies["a2"])
	nm := m.add(archive.Capture{URL: a, Seed: "http://www.xq.gov.cn/", Agency: "新前街道", Region: "台州市", FetchedAt: t0.Add(72 * time.Hour), Status: 304, Header: http.Header{"Etag": {`"abc"`}}}, nil)
	m.captures[nm.ID-1].Digest = digestOf(bodies["a2"])
	m.captures[nm.ID-1].Size = int64(len(bodies["a2"]))
	// The archive counts a 304 as a capture of the version it confirms.

	report := func(u string, year int, tbl map[string]map[string]extract.Cell, text string) extract.Record {
		return extract.Record{URL: u, Title: "新前街道2020年度政府信息公开年度报告", Agency: "新前街道", Year: year, Template: "2019",
			Kind: extract.KindReport, Charset: "gbk", CharsetSource: "meta", Text: text,
			Tables: extract.Tables{"requests": tbl, "review_litigation": {"review": {"upheld": cell("3", f64(3)), "total": cell("3", f64(3))}},
				"proactive": {"rules": {"made": cell("0", f64(0))}, "procurement": {"amount": cell("105.46万", f64(105.46))}}},
			Checks: []extract.Check{{ID: "requests.balance", Status: "ok"}, {ID: "requests.total", Status: "failed", Detail: "natural_person"}}}
	}
	m.parse(bodies["a19"], report(a19, 2019, requestsTable(10, 0, 8, 9, 1), "2019 text"))
	m.parse(bodies["a1"], report(a, 2020, requestsTable(16, 1, 12, 15, 2), "text"))
	m.parse(bodies["a2"], report(a, 2020, requestsTable(17, 1, 12, 15, 3), "text corrected"))
	m.parse(bodies["b"], extract.Record{URL: "https://essay.example.com/fanwen/123.html?b=2&a=1", Kind: extract.KindCopy, Year: 2020, Template: "2019",
		Agency: "新前街道", Tables: extract.Tables{"requests": {"received": {"total": cell("16, 另计", f64(16))}}}})
	m.parse(bodies["c"], extract.Record{URL: "http://www.xq.gov.cn/news/1.html", Kind: extract.KindNotReport, Agency: "新前街道"})
	m.runs = []archive.Run{{ID: 1, Started: t0}}
	return m, bodies
}

func archiveCapture(u string, status int) archive.Capture {
	return archive.Capture{URL: u, Seed: u, FetchedAt: t0, Status: status, Header: htmlHeader("text/html")}
}

// URLsOf: the URLs whose successful captures served the payload, as the
// archive defines them.
func (m *memArchive) URLsOf(d string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, c := range m.captures {
		ok := c.ErrKind == "" && (c.Status >= 200 && c.Status < 300 || c.Status == 304)
		if c.Digest == d && ok && !seen[c.URL] {
			seen[c.URL] = true
			out = append(out, c.URL)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Stats: the archive's counters, derived from the fake's captures the way
// the archive keeps them (stored bytes = raw bytes: the fake compresses
// nothing).
func (m *memArchive) Stats(ctx context.Context) (archive.Stats, error) {
	st := archive.Stats{CapturesByKind: map[string]int64{}, Runs: len(m.runs)}
	payloads, urls := map[string]bool{}, map[string]bool{}
	for _, c := range m.captures {
		st.Captures++
		urls[c.URL] = true
		kind := c.ErrKind
		if kind == "" {
			kind = archive.KindOK
		}
		st.CapturesByKind[kind]++
		if c.Size > 0 && c.Status != http.StatusNotModified {
			st.CaptureBytes += c.Size
			if !payloads[c.Digest] {
				payloads[c.Digest] = true
				st.RawBytes += c.Size
			}
		}
	}
	st.Payloads, st.URLs, st.StoredBytes = int64(len(payloads)), int64(len(urls)), st.RawBytes
	counts := map[archive.ParsedCount]int{}
	for _, p := range m.parsed {
		counts[archive.ParsedCount{Year: p.Year, Template: p.Template, Kind: p.Kind}]++
	}
	for k, n := range counts {
		k.Count = n
		st.Parsed = append(st.Parsed, k)
	}
	sort.Slice(st.Parsed, func(i, j int) bool {
		a, b := st.Parsed[i], st.Parsed[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if a.Template != b.Template {
			return a.Template < b.Template
		}
		return a.Kind < b.Kind
	})
	return st, nil
}
