package crawler

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// challengePage is what a 瑞数-style gate answers: a meta token and scripts,
// no text.
const challengePage = `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="_aVjVS2Fq5mxJhRZQ9uu6.1k8GStjHYIDN8EGhnMy1sfSsZ0Pbo3lVnMLzCxwqZpaGm5HVIWjkHB7rbg4fmrcq">
<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js"></script>
<script type="text/javascript">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=68513;$_ts.cd="qqxqrrAlDq3fcGAqqs";</script>
<script type="text/javascript" r='m'>$_ts.lcd();</script></head><body></body></html>`

// faultServer answers each path with one kind of hostile or broken behaviour.
func faultServer(t *testing.T) *portal {
	p := newPortal(t)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	hijack := func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter) {
		c, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
		}
		return c, rw
	}
	p.handle("/reset", func(w http.ResponseWriter, r *http.Request) {
		c, _ := hijack(w)
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	})
	p.handle("/hang", func(w http.ResponseWriter, r *http.Request) {
		c, _ := hijack(w) // accepted, request read, never a byte back
		<-stop
		c.Close()
	})
	p.handle("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "100")
		for i := 0; i < 100; i++ {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
				return
			case <-stop:
				return
			}
		}
	})
	p.handle("/short", func(w http.ResponseWriter, r *http.Request) {
		c, rw := hijack(w)
		fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 1000\r\n\r\n%%PDF-1.4 %s", strings.Repeat("a", 490))
		rw.Flush()
		c.Close()
	})
	big := func(declare bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			if declare {
				w.Header().Set("Content-Length", strconv.Itoa(60<<20))
			}
			chunk := make([]byte, 1<<20)
			for i := 0; i < 60; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	}
	p.handle("/12mb.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(twelveMB)
	})
	p.handle("/big-declared.pdf", big(true))
	p.handle("/big-chunked.pdf", big(false))
	p.handle("/bomb", func(w http.ResponseWriter, r *http.Request) {
		// A 1 KB gzip member that inflates to 1 MB of zeros, sent 10,240
		// times: 10 GB once inflated, ~10 MB on the wire if all were read.
		// The client must stop at its body limit.
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		for i := 0; i < 10<<10; i++ {
			if _, err := w.Write(bombMember); err != nil {
				return
			}
		}
	})
	p.handle("/loop-a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-b", http.StatusFound) })
	p.handle("/loop-b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop-a", http.StatusMovedPermanently)
	})
	p.handle("/chain", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if n >= 30 {
			w.Write([]byte(htmlPage("end", "end of chain")))
			return
		}
		http.Redirect(w, r, "/chain?n="+strconv.Itoa(n+1), http.StatusFound)
	})
	p.handle("/challenge200", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(challengePage))
	})
	p.handle("/challenge412", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusPreconditionFailed)
		w.Write([]byte(challengePage))
	})
	p.handle("/octet", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte(octetPage))
	})
	p.handle("/junk", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(junk)
	})
	p.set("/2020-report.html", reportPage(2020, "/r2020.pdf"))
	return p
}

var octetPage = htmlPage("公开", "<p>政府信息公开工作年度报告</p>"+a("/2020-report.html", "某市2020年政府信息公开工作年度报告"))

var bombMember = func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return b.Bytes()
}()

// twelveMB is over colly's default 10 MiB body cut and under our limit: it
// must be archived whole.
var twelveMB = func() []byte {
	b := bytes.Repeat([]byte("%PDF-1.4 0123456789abcdef\n"), 12<<20/26+1)
	return b[:12<<20]
}()

var junk = func() []byte {
	b := make([]byte, 4096)
	for i := range b {
		b[i] = byte(i * 7 % 256)
	}
	return b
}()

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestFaultFixture(t *testing.T) {
	p := faultServer(t)
	st := testStore(t)
	cfg := testConfig()
	cfg.Timeout = time.Second
	cfg.MaxBodySize = 50 << 20
	cfg.Concurrency = 16
	cases := []struct {
		path   string
		kind   string
		stored []byte // the payload archived whole, or nil for none
		status int
		seedSt string
	}{
		{"/reset", "reset", nil, 0, StatusUnreachable},
		{"/hang", "timeout", nil, 0, StatusUnreachable},
		{"/trickle", "timeout", nil, 200, StatusUnreachable},
		{"/short", "truncated", nil, 200, StatusUnreachable},
		{"/big-declared.pdf", "too_large", nil, 200, StatusUnreachable},
		{"/big-chunked.pdf", "too_large", nil, 200, StatusUnreachable},
		{"/bomb", "bomb", nil, 200, StatusUnreachable},
		{"/loop-a", "redirect_loop", nil, 301, StatusUnreachable},
		{"/chain?n=0", "redirect", nil, 302, StatusUnreachable},
		{"/challenge200", "blocked", nil, 200, StatusBlocked},
		{"/challenge412", "blocked", nil, 412, StatusBlocked},
		{"/octet", "content_mismatch", []byte(octetPage), 200, StatusOK},
		{"/12mb.pdf", "", twelveMB, 200, StatusOK},
		{"/junk", "content_mismatch", junk, 200, StatusOK},
	}
	var urls []string
	for _, c := range cases {
		urls = append(urls, p.url(c.path))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sum := crawl(t, st, cfg, urls...)
	runtime.ReadMemStats(&after)
	for i, c := range cases {
		caps, err := st.Captures(p.url(c.path))
		if err != nil || len(caps) != 1 {
			t.Errorf("%s: captures %+v, %v", c.path, caps, err)
			continue
		}
		cp := caps[0]
		if cp.ErrKind != c.kind || cp.Status != c.status || (cp.Err == "") != (c.kind == "") {
			t.Errorf("%s: recorded ErrKind %q status %d err %q; want %q, %d and a reason", c.path, cp.ErrKind, cp.Status, cp.Err, c.kind, c.status)
		}
		want := ""
		if c.stored != nil {
			want = hexSHA(c.stored)
		}
		if cp.Digest != want {
			t.Errorf("%s: digest %q, want %q (nothing partial stored as whole)", c.path, cp.Digest, want)
		}
		if sum.Seeds[i].Status != c.seedSt {
			t.Errorf("%s: seed status %q, want %q", c.path, sum.Seeds[i].Status, c.seedSt)
		}
	}
	// The report linked from the octet-stream page was still found.
	if p.fetched()["/2020-report.html"] != 1 {
		t.Errorf("link on the octet-stream HTML page not followed")
	}
	// Memory: the 10 GB bomb and the 60 MB bodies never got past the 50 MB
	// limit; the whole run allocated a few limit-sized buffers, not gigabytes.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
		t.Errorf("crawl allocated %d MB", alloc>>20)
	}
}
