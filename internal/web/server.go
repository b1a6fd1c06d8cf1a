// Package web is the journalists' read-only view of the archive (crawl
// serve): search agencies, one agency's timeline, one report's tables and
// checks, the archived page itself (sandboxed), and the difference between
// two versions. Pages are rendered on the server with html/template and work
// without JavaScript.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/internal/publication"
)

//go:embed templates/*.html templates/*.css
var templateFS embed.FS

// Server serves the web view of one archive. It only reads from the store.
type Server struct {
	store *archive.Store
	pages *template.Template
	log   *log.Logger
	mux   *http.ServeMux
	bufs  bufferPool
	home  cached[*overview]          // what the home page says the archive holds
	pubs  cached[*publication.Index] // which attachments carry the same report as which page
	crawl func() CrawlStatus         // the crawls this process runs (status.go); nil for none
}

// New returns a Server over store. logger may be nil.
func New(store *archive.Store, logger *log.Logger) (*Server, error) {
	pages, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse templates: %w", err)
	}
	if logger == nil {
		logger = log.New(discard{}, "", 0)
	}
	s := &Server{store: store, pages: pages, log: logger, mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /{$}", s.handleSearch)
	s.mux.HandleFunc("GET /agency", s.handleAgency)
	s.mux.HandleFunc("GET /report/{digest}", s.handleReport)
	s.mux.HandleFunc("GET /raw/{digest}", s.handleRaw)
	s.mux.HandleFunc("GET /text/{digest}", s.handleText)
	s.mux.HandleFunc("GET /diff/{a}/{b}", s.handleDiff)
	s.mux.HandleFunc("GET /export/{format}", s.handleExport)
	s.mux.HandleFunc("GET /static/style.css", s.handleCSS)
	s.mux.HandleFunc("GET /status", s.handleStatus)
	s.mux.HandleFunc("GET /status.json", s.handleStatusJSON)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.mux.ServeHTTP(w, r)
}

// ListenAndServe serves on addr until ctx is cancelled, then shuts down
// gracefully. ready, when not nil, receives the bound address once listening.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(addr string)) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 16,
	}
	ln, err := listen(ctx, addr)
	if err != nil {
		return fmt.Errorf("serve %s: %w", addr, err)
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", addr, err)
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("serve %s: shutdown: %w", addr, err)
		}
		return nil
	}
}

// render executes a page template; a failure is a 500 with a plain message,
// logged, never a half-written page with a stack trace.
func (s *Server) render(w http.ResponseWriter, name string, data any) {
	buf := s.bufs.get()
	defer s.bufs.put(buf)
	if err := s.pages.ExecuteTemplate(buf, name, data); err != nil {
		s.log.Printf("render %s: %v", name, err)
		http.Error(w, "internal error rendering page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Write(buf.Bytes())
}

// fail maps store errors to statuses: unknown ids are 404, not 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, archive.ErrNotFound), errors.Is(err, errBadID):
		http.Error(w, "not found", http.StatusNotFound)
	case errors.Is(err, archive.ErrCorrupt):
		s.log.Printf("%s: %v", r.URL.Path, err)
		http.Error(w, "the archived data is corrupt: "+err.Error(), http.StatusInternalServerError)
	case errors.Is(err, context.Canceled):
		// the client went away
	default:
		s.log.Printf("%s: %v", r.URL.Path, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// pageCSP lets our own pages use our stylesheet, inline SVG and nothing else;
// the archived pages get the stricter rawCSP.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; base-uri 'none'"

// rawCSP sandboxes archived HTML: no scripts, no forms, no plugins, an opaque
// origin, and no network at all except inline styles.
const rawCSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// index groups the archive's report pages with the attachments carrying
// the same report (linked, or naming the page as their Parent), as the
// exports do; rebuilt at most every cacheTTL.
func (s *Server) index(ctx context.Context) (*publication.Index, error) {
	return s.pubs.get(func() (*publication.Index, error) { return publication.BuildIndex(ctx, s.store) })
}

// overview is what the home page says the archive holds.
func (s *Server) overview(ctx context.Context) (*overview, error) {
	return s.home.get(func() (*overview, error) {
		ix, err := s.index(ctx)
		if err != nil {
			return nil, err
		}
		return buildOverview(ctx, s.store, ix)
	})
}
