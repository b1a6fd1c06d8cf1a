package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress draws one status line on a terminal, at most a few times a
// second; off a terminal it prints nothing (logs stay clean).
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	on   bool
	last time.Time
	used bool
}

func newProgress(e *env) *progress { return &progress{w: e.stderr, on: e.term} }

// show replaces the status line.
func (p *progress) show(format string, args ...any) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.used = true
	fmt.Fprintf(p.w, "\r\033[K"+format, args...)
}

// done clears the status line.
func (p *progress) done() {
	if p == nil || !p.on || !p.used {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\033[K")
}
