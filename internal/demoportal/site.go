package demoportal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// resource is one response the simulated portal serves: fixed bytes with
// the Content-Type header to send (possibly a lying one) and a fixed
// modification time, so archives compare byte for byte across runs.
type resource struct {
	body        []byte
	contentType string
	charset     string // true encoding of body, for Truth ("" for binary)
	modified    time.Time
}

// etag is a strong validator derived from the bytes, so a revised page
// gets a new one and an unchanged page keeps it across runs.
func (r resource) etag() string {
	sum := sha256.Sum256(r.body)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// dynamicFunc answers requests for a whole family of URLs (the crawler
// traps); ok is false when the request is not one of its URLs.
type dynamicFunc func(path, rawQuery string) (res resource, ok bool)

// host is one web site of the portal: its own listener (port) on
// 127.0.0.1, like a separate government web server.
type host struct {
	name     string // short label used in tests and messages, e.g. "tongjiang"
	listener net.Listener
	server   *http.Server
	origin   string // "http://127.0.0.1:PORT"

	mu      sync.RWMutex
	static  map[string]resource // keyed by path, or path+"?"+query for query pages
	dynamic []dynamicFunc
}

// newHost opens a listener on a free loopback port.
func newHost(name string) (*host, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demoportal: listen for %s: %w", name, err)
	}
	h := &host{
		name:     name,
		listener: ln,
		origin:   "http://" + ln.Addr().String(),
		static:   map[string]resource{},
	}
	h.server = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
	}
	return h, nil
}

// url returns the absolute URL of a path on this host.
func (h *host) url(path string) string { return h.origin + path }

// put registers (or replaces) the resource at key (a path, optionally with
// "?query").
func (h *host) put(key string, r resource) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.static[key] = r
}

// get returns the resource registered at key.
func (h *host) get(key string) (resource, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	r, ok := h.static[key]
	return r, ok
}

// addDynamic registers a generator for a family of URLs.
func (h *host) addDynamic(f dynamicFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dynamic = append(h.dynamic, f)
}

// lookup finds what to serve for a request: an exact path+query page first,
// then the path alone (query strings a real server would ignore), then the
// generators.
func (h *host) lookup(path, rawQuery string) (resource, bool) {
	if rawQuery != "" {
		if r, ok := h.get(path + "?" + rawQuery); ok {
			return r, true
		}
	}
	h.mu.RLock()
	dyn := h.dynamic
	h.mu.RUnlock()
	for _, f := range dyn {
		if r, ok := f(path, rawQuery); ok {
			return r, true
		}
	}
	return h.get(path)
}

// ServeHTTP serves GET and HEAD with ETag and Last-Modified, answering
// If-None-Match / If-Modified-Since with 304 (via http.ServeContent), so a
// second crawl of an unchanged portal is cheap.
func (h *host) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	res, ok := h.lookup(req.URL.Path, req.URL.RawQuery)
	if !ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, notFoundPage)
		return
	}
	w.Header().Set("Content-Type", res.contentType)
	w.Header().Set("ETag", res.etag())
	w.Header().Set("Server", "TRS Web Server") // what many portals announce
	http.ServeContent(w, req, "", res.modified, bytes.NewReader(res.body))
}

const notFoundPage = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head><body><h1>对不起，您访问的页面不存在</h1><p><a href="/">返回首页</a></p></body></html>`

// serve runs the HTTP server until shutdown.
func (h *host) serve() {
	// ErrServerClosed is the normal end; anything else means the listener
	// broke, which tests notice as failed requests.
	_ = h.server.Serve(h.listener)
}

// shutdown stops the server, waiting for in-flight requests up to ctx.
func (h *host) shutdown(ctx context.Context) error {
	if err := h.server.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("demoportal: shut down %s: %w", h.name, err)
	}
	return nil
}
