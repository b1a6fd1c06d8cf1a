package crawler

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress reports a run as it goes: on a terminal one live status line,
// redrawn every second; otherwise (cron) a plain log line per finished seed
// and every 30 seconds.
type progress struct {
	w     io.Writer
	tty   bool
	seeds int
	start time.Time

	mu      sync.Mutex
	pages   int
	reports int
	errors  int
	done    int
	last    string // last URL fetched
	stop    chan struct{}
	stopped chan struct{}

	out sync.Mutex // one writer of w at a time: the ticker and every seed's end
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func newProgress(w io.Writer, seeds int) *progress {
	p := &progress{w: w, seeds: seeds, start: time.Now(), stop: make(chan struct{}), stopped: make(chan struct{})}
	if w == nil {
		close(p.stopped)
		return p
	}
	p.tty = isTerminal(w)
	every := 30 * time.Second
	if p.tty {
		every = time.Second
	}
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.print()
			case <-p.stop:
				return
			}
		}
	}()
	return p
}

func (p *progress) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	el := time.Since(p.start).Seconds()
	return fmt.Sprintf("pages %d  reports %d  errors %d  %.1f pages/s  seeds %d/%d",
		p.pages, p.reports, p.errors, float64(p.pages)/max(el, 0.001), p.done, p.seeds)
}

func (p *progress) print() {
	if p.tty {
		l := p.line()
		p.mu.Lock()
		last := p.last
		p.mu.Unlock()
		if len(last) > 60 {
			last = last[:57] + "..."
		}
		p.out.Lock()
		defer p.out.Unlock()
		fmt.Fprintf(p.w, "\r\033[K%s  %s", l, last)
		return
	}
	l := p.line()
	p.out.Lock()
	defer p.out.Unlock()
	fmt.Fprintf(p.w, "%s crawl: %s\n", time.Now().UTC().Format(time.RFC3339), l)
}

func (p *progress) fetched(o outcome) {
	p.mu.Lock()
	p.pages++
	if o.Report {
		p.reports++
	}
	if o.ErrKind != "" && o.ErrKind != "content_mismatch" {
		p.errors++
	}
	p.last = o.URL
	p.mu.Unlock()
}

func (p *progress) seedDone(st SeedStatus) {
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
	if p.w == nil {
		return
	}
	p.out.Lock()
	defer p.out.Unlock()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	msg := fmt.Sprintf("seed %s: %s, %d pages, %d reports, %d errors", st.Seed.URL, st.Status, st.Pages, st.Reports, st.Errors)
	if st.Err != "" {
		msg += " (" + st.Err + ")"
	}
	if p.tty {
		fmt.Fprintln(p.w, msg)
	} else {
		fmt.Fprintf(p.w, "%s crawl: %s\n", time.Now().UTC().Format(time.RFC3339), msg)
	}
}

// finish stops the ticker and prints the summary.
func (p *progress) finish(s Summary) {
	if p.w == nil {
		return
	}
	close(p.stop)
	<-p.stopped
	p.out.Lock()
	defer p.out.Unlock()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	state := "done"
	if s.Interrupted {
		state = "interrupted (the next run resumes)"
	}
	for _, h := range s.Parked {
		fmt.Fprintf(p.w, "host %s parked: %s\n", h.Host, h.Reason)
	}
	parked := ""
	if len(s.Parked) > 0 {
		parked = fmt.Sprintf(", %d parked hosts", len(s.Parked))
	}
	fmt.Fprintf(p.w, "crawl %s in %s: %d pages, %d reports, %d not modified, %d new payloads, %d errors, %d blocked, %d unreachable seeds%s, %d requests, %d bytes\n",
		state, s.Elapsed.Round(time.Millisecond), s.Pages, s.Reports, s.NotModified, s.NewPayloads, s.Errors, s.Blocked, len(s.Unreachable()), parked, s.Requests, s.Bytes)
}
