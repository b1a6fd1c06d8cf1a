package export

import (
	"bufio"
	"container/heap"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/archive"
)

// cdxLine is one CDXJ line: SURT key, 14-digit timestamp, JSON block, in
// the shape pywb reads (string values, as pywb writes them).
func cdxLine(c archive.Capture, mime, payloadDigest string, offset, length int64, filename string) string {
	// Without its "sha256:" label, as pywb and warcio index it.
	digest := strings.TrimPrefix(payloadDigest, "sha256:")
	var j strings.Builder
	enc := json.NewEncoder(&j)
	enc.SetEscapeHTML(false) // "&" in a query stays "&", as other indexers write it
	_ = enc.Encode(struct {  // strings only: cannot fail
		URL      string `json:"url"`
		Mime     string `json:"mime"`
		Status   string `json:"status"`
		Digest   string `json:"digest"`
		Length   string `json:"length"`
		Offset   string `json:"offset"`
		Filename string `json:"filename"`
	}{targetURI(c), mime, strconv.Itoa(c.Status), digest,
		strconv.FormatInt(length, 10), strconv.FormatInt(offset, 10), filename})
	return SURT(targetURI(c)) + " " + c.FetchedAt.UTC().Format("20060102150405") + " " + strings.TrimSuffix(j.String(), "\n")
}

// SURT is the Sort-friendly URI Reordering Transform used as the CDXJ key:
// host labels reversed and comma-joined, "www" dropped, the default port
// dropped, then ")" and the path and sorted query, all lower case
// ("http://www.Example.gov.cn/a?b=2&a=1" → "cn,gov,example)/a?a=1&b=2").
// IPv4 addresses are reversed too ("1,0,0,127:8080)/"), as pywb's and
// warcio's indexers do.
func SURT(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.ToLower(raw)
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if ip := net.ParseIP(host); ip == nil || ip.To4() != nil {
		labels := strings.Split(host, ".")
		if ip == nil && len(labels) > 2 && labels[0] == "www" {
			labels = labels[1:]
		}
		slices.Reverse(labels)
		host = strings.Join(labels, ",")
	}
	key := host
	if port != "" {
		key += ":" + port
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	key += ")" + path
	if u.RawQuery != "" {
		q := strings.Split(u.RawQuery, "&")
		slices.Sort(q)
		key += "?" + strings.Join(q, "&")
	}
	return strings.ToLower(key)
}

// cdxSorter sorts index lines in bounded memory: runs of chunk lines are
// sorted and spilled to temporary files, then merged.
type cdxSorter struct {
	dir   string
	chunk int
	lines []string
	runs  []string // temporary files, each sorted
}

func newCDXSorter(dir string, chunk int) *cdxSorter {
	if chunk <= 0 {
		chunk = 200_000
	}
	return &cdxSorter{dir: dir, chunk: chunk}
}

func (s *cdxSorter) add(line string) error {
	s.lines = append(s.lines, line)
	if len(s.lines) >= s.chunk {
		return s.spill()
	}
	return nil
}

func (s *cdxSorter) spill() error {
	slices.Sort(s.lines)
	f, err := os.CreateTemp(s.dir, "gongkai-cdxj-*.run")
	if err != nil {
		return fmt.Errorf("cdxj: %w", err)
	}
	s.runs = append(s.runs, f.Name())
	bw := bufio.NewWriter(f)
	for _, l := range s.lines {
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	err = bw.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	s.lines = s.lines[:0]
	if err != nil {
		return fmt.Errorf("cdxj: %w", err)
	}
	return nil
}

// finish writes the sorted index to w.
func (s *cdxSorter) finish(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if len(s.runs) == 0 {
		slices.Sort(s.lines)
		for _, l := range s.lines {
			bw.WriteString(l)
			bw.WriteByte('\n')
		}
		return wrapCDX(bw.Flush())
	}
	if len(s.lines) > 0 {
		if err := s.spill(); err != nil {
			return err
		}
	}
	h := &runHeap{}
	for _, name := range s.runs {
		f, err := os.Open(name)
		if err != nil {
			return wrapCDX(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		if sc.Scan() {
			heap.Push(h, runHead{line: sc.Text(), sc: sc})
		} else if err := sc.Err(); err != nil {
			return wrapCDX(err)
		}
	}
	for h.Len() > 0 {
		top := heap.Pop(h).(runHead)
		bw.WriteString(top.line)
		bw.WriteByte('\n')
		if top.sc.Scan() {
			heap.Push(h, runHead{line: top.sc.Text(), sc: top.sc})
		} else if err := top.sc.Err(); err != nil {
			return wrapCDX(err)
		}
	}
	return wrapCDX(bw.Flush())
}

func (s *cdxSorter) cleanup() {
	for _, name := range s.runs {
		os.Remove(name)
	}
}

func wrapCDX(err error) error {
	if err != nil {
		return fmt.Errorf("cdxj: %w", err)
	}
	return nil
}

type runHead struct {
	line string
	sc   *bufio.Scanner
}

type runHeap []runHead

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i].line < h[j].line }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(runHead)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
