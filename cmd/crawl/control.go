package main

import (
	"context"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/crawler"
)

// held is a process holding the archive for writing (crawl run, crawl
// serve): it answers other crawl commands on a control endpoint on
// 127.0.0.1, so that stats, export and history (and a crawl run handed to a
// server) work while it holds the file. bbolt allows one writing process
// but any number of read transactions beside its writer, so a command run
// here reads the live archive while the crawl writes.
type held struct {
	store    *archive.Store
	note     holder
	live     crawler.Live // the crawl running in this process, for status pages
	readOnly bool         // a plain web view: the store cannot take a crawl

	mu       sync.Mutex
	crawling string    // who runs the current crawl ("" when none)
	since    time.Time // when it started
}

// Exec frames: a kind byte, a 4-byte big-endian length, the bytes.
const (
	frameStdout = '1'
	frameStderr = '2'
	frameExit   = 'x' // the payload is the exit status in decimal
)

// execRequest is one command line run through the holder.
type execRequest struct {
	Args       []string `json:"args"` // paths already absolute
	Term       bool     `json:"term"` // the caller's stderr is a terminal
	StdoutTerm bool     `json:"stdout_term"`
}

// hold advertises s, open at db (readOnly: a plain web view), as held by this process: it starts the
// control endpoint on 127.0.0.1 and writes the holder note. release stops
// both, waiting for commands running through it. Should that fail, the
// job goes on unadvertised (other commands then say the file is locked),
// with a warning.
func hold(ctx context.Context, e *env, s *archive.Store, db, web string, readOnly bool) (h *held, release func()) {
	h = &held{store: s, readOnly: readOnly}
	release, err := h.advertise(ctx, e, db, web)
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: warning: other crawl commands cannot reach this process: %v\n", e.cmd, err)
		return h, func() {}
	}
	return h, release
}

// advertise starts the control endpoint and writes the holder note.
func (h *held) advertise(ctx context.Context, e *env, db, web string) (release func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("control endpoint: %w", err)
	}
	note, err := newHolder(db, ln.Addr().String(), web, e.args)
	if err != nil {
		ln.Close()
		return nil, err
	}
	h.note = note
	srv := &http.Server{
		Handler:           h.handler(e),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx }, // Ctrl-C stops commands run here too
	}
	go srv.Serve(ln)
	remove, err := note.write(db)
	if err != nil {
		srv.Close()
		return nil, err
	}
	return func() {
		remove()
		srv.Shutdown(context.WithoutCancel(ctx)) // commands running here finish first
	}, nil
}

func (h *held) handler(e *env) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /exec", func(w http.ResponseWriter, r *http.Request) { h.exec(w, r, e) })
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(h.status())
	})
	return mux
}

// heldStatus is GET /status: who holds the archive and the crawl running.
type heldStatus struct {
	PID      int            `json:"pid"`
	Command  string         `json:"command"`
	Since    time.Time      `json:"since"`
	DB       string         `json:"db"`
	Crawling string         `json:"crawling,omitempty"`
	Crawl    crawler.Status `json:"crawl"`
}

func (h *held) status() heldStatus {
	h.mu.Lock()
	crawling := h.crawling
	h.mu.Unlock()
	return heldStatus{PID: h.note.PID, Command: h.note.Command, Since: h.note.Since, DB: h.note.DB,
		Crawling: crawling, Crawl: h.live.Status()}
}

// exec runs one command line in this process against the held store,
// streaming its stdout and stderr back as frames and its exit status last.
func (h *held) exec(w http.ResponseWriter, r *http.Request, parent *env) {
	tok := r.Header.Get("Authorization")
	if subtle.ConstantTimeCompare([]byte(tok), []byte("Bearer "+h.note.Token)) != 1 {
		http.Error(w, "not the archive owner's token", http.StatusForbidden)
		return
	}
	var req execRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil || len(req.Args) == 0 {
		http.Error(w, "bad exec request", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/x-crawl-frames")
	w.WriteHeader(http.StatusOK)
	fw := &frameWriter{w: w}
	fl, _ := w.(http.Flusher)
	fw.flush = fl
	e := &env{stdout: fw.kind(frameStdout), stderr: fw.kind(frameStderr), stdin: eofReader{},
		term: req.Term, stdoutTerm: req.StdoutTerm, held: h}
	if req.Args[0] == "run" {
		fmt.Fprintf(parent.stderr, "%s %s: running a crawl handed over by another process: crawl %s\n",
			time.Now().UTC().Format(time.RFC3339), parent.cmd, strings.Join(req.Args, " "))
	}
	code := realMain(r.Context(), req.Args, e)
	fw.frame(frameExit, []byte(strconv.Itoa(code)))
}

// beginCrawl claims this process's one crawl at a time for who, or says
// which crawl runs already.
func (h *held) beginCrawl(who string) (end func(), err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.crawling != "" {
		return nil, badInput(fmt.Errorf("%s already runs a crawl (%s, since %s); wait for it to finish%s",
			h.note.who(), h.crawling, h.since.UTC().Format(time.RFC3339), h.statusHint()))
	}
	h.crawling, h.since = who, time.Now()
	return func() {
		h.mu.Lock()
		h.crawling = ""
		h.mu.Unlock()
	}, nil
}

// crawlingNow says who runs the current crawl, "" when none.
func (h *held) crawlingNow() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.crawling
}

func (h *held) statusHint() string {
	if h.note.Web != "" {
		return "; its progress is at " + h.note.Web + "status"
	}
	return ""
}

// uses reports whether path is the archive this process holds.
func (h *held) uses(path string) bool {
	if h == nil {
		return false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	if abs == h.note.DB {
		return true
	}
	a, err1 := os.Stat(abs)
	b, err2 := os.Stat(h.note.DB)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// open opens the --db archive for a command, or lends the store this
// process holds when the command runs through it. Pair with e.close.
func (e *env) open(path string, readOnly bool) (*archive.Store, error) {
	if e.held.uses(path) {
		if !readOnly && e.held.readOnly {
			return nil, badInput(fmt.Errorf("%s is open read-only in %s, a web view; %s cannot write to it there: stop it (kill %d), or let the server crawl: crawl serve --seeds FILE --every 24h",
				path, e.held.note.who(), e.cmd, e.held.note.PID))
		}
		return e.held.store, nil
	}
	return openArchiveFor(path, readOnly, e.cmd)
}

// close closes s unless it is the held store lent by e.open.
func (e *env) close(s *archive.Store, err *error) {
	if e.held != nil && s == e.held.store {
		return
	}
	closeArchive(s, err)
}

// frameWriter multiplexes stdout and stderr onto one HTTP response.
type frameWriter struct {
	mu    sync.Mutex
	w     io.Writer
	flush http.Flusher
	err   error
}

func (f *frameWriter) frame(kind byte, p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, f.err
	}
	var hdr [5]byte
	hdr[0] = kind
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(p)))
	if _, f.err = f.w.Write(hdr[:]); f.err == nil {
		_, f.err = f.w.Write(p)
	}
	if f.err != nil {
		return 0, fmt.Errorf("caller went away: %w", f.err)
	}
	if f.flush != nil {
		f.flush.Flush() // progress lines reach the caller as they are written
	}
	return len(p), nil
}

func (f *frameWriter) kind(k byte) io.Writer { return frameKind{f, k} }

type frameKind struct {
	f *frameWriter
	k byte
}

func (k frameKind) Write(p []byte) (int, error) {
	const maxFrame = 1 << 20
	n := 0
	for len(p) > 0 {
		c := p[:min(len(p), maxFrame)]
		m, err := k.f.frame(k.k, c)
		n += m
		if err != nil {
			return n, err
		}
		p = p[len(c):]
	}
	return n, nil
}

// readFrames copies frames to stdout and stderr and returns the exit
// status; an error when the stream ends before it.
func readFrames(r io.Reader, stdout, stderr io.Writer) (int, error) {
	var hdr [5]byte
	buf := make([]byte, 32<<10)
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return 0, err
		}
		n := int64(binary.BigEndian.Uint32(hdr[1:]))
		switch hdr[0] {
		case frameStdout, frameStderr:
			dst := stdout
			if hdr[0] == frameStderr {
				dst = stderr
			}
			if _, err := io.CopyBuffer(dst, io.LimitReader(r, n), buf); err != nil {
				return 0, err
			}
		case frameExit:
			b := make([]byte, min(n, 16))
			if _, err := io.ReadFull(r, b); err != nil {
				return 0, err
			}
			code, err := strconv.Atoi(string(b))
			if err != nil {
				return 0, fmt.Errorf("bad exit frame %q", b)
			}
			return code, nil
		default:
			return 0, errors.New("bad frame")
		}
	}
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
