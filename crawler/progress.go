package crawler

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode"
)

// ProgressFormat chooses how a run reports itself on Config.Progress.
type ProgressFormat string

// Progress formats.
const (
	// ProgressAuto draws one redrawn status line when Progress is a
	// terminal and writes plain log lines otherwise (cron, nohup, a pipe).
	ProgressAuto ProgressFormat = ""
	// ProgressPlain writes timestamped log lines: one every ProgressEvery
	// and one at each seed's end; no control characters.
	ProgressPlain ProgressFormat = "plain"
	// ProgressTerminal redraws one status line (carriage return and
	// erase-line) and prints each seed's end above it.
	ProgressTerminal ProgressFormat = "terminal"
	// ProgressJSON writes one JSON object per line (event progress, seed,
	// done) for log collectors.
	ProgressJSON ProgressFormat = "json"
)

// Status is a crawl's counts while it runs (and after, until the next
// run), for a status page.
type Status struct {
	Running   bool
	Started   time.Time
	Finished  time.Time // zero while running
	Seeds     int       // seeds in the run
	SeedsDone int
	Pages     int
	Reports   int
	Errors    int
	Resumed   int           // finished seeds that continued an interrupted crawl
	Rate      float64       // pages per second since the start
	ETA       time.Duration // estimated time left, from the seeds done so far; 0 when unknown
	Last      string        // the last URL fetched
}

// Live follows the runs of a crawler for a status page: set it as
// Config.Live and call Status from any goroutine. The zero value is ready.
type Live struct {
	mu  sync.Mutex
	cur *progress
}

// Status returns the counts of the current run, or of the last one when
// none is running; the zero Status before the first run.
func (l *Live) Status() Status {
	if l == nil {
		return Status{}
	}
	l.mu.Lock()
	p := l.cur
	l.mu.Unlock()
	if p == nil {
		return Status{}
	}
	return p.status()
}

func (l *Live) follow(p *progress) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.cur = p
	l.mu.Unlock()
}

// progress counts a run as it goes and reports it on a writer: on a
// terminal one live status line, redrawn every second; otherwise (cron) a
// plain log line at each seed's end and every ProgressEvery; or JSON lines.
// The crawl loop only calls fetched, seedDone and finish.
type progress struct {
	w      io.Writer
	format ProgressFormat // never ProgressAuto once built
	every  time.Duration
	seeds  int
	start  time.Time
	now    func() time.Time

	mu       sync.Mutex
	pages    int
	reports  int
	errors   int
	done     int
	resumed  int
	last     string // last URL fetched
	finished time.Time
	stop     chan struct{}
	stopped  chan struct{}

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

// newProgress starts reporting a run of seeds as cfg asks.
func newProgress(cfg Config, seeds int) *progress {
	p := &progress{w: cfg.Progress, format: cfg.ProgressFormat, seeds: seeds, start: time.Now(), now: time.Now,
		stop: make(chan struct{}), stopped: make(chan struct{})}
	cfg.Live.follow(p)
	if p.w == nil {
		close(p.stopped)
		return p
	}
	if p.format == ProgressAuto {
		p.format = ProgressPlain
		if isTerminal(p.w) {
			p.format = ProgressTerminal
		}
	}
	p.every = cfg.ProgressEvery
	if p.every <= 0 {
		p.every = 30 * time.Second
	}
	if p.format == ProgressTerminal {
		p.every = time.Second
	}
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(p.every)
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

func (p *progress) status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	end := p.finished
	if end.IsZero() {
		end = p.now()
	}
	el := end.Sub(p.start)
	st := Status{Running: p.finished.IsZero(), Started: p.start, Finished: p.finished, Seeds: p.seeds, SeedsDone: p.done,
		Pages: p.pages, Reports: p.reports, Errors: p.errors, Resumed: p.resumed, Last: p.last,
		Rate: float64(p.pages) / max(el.Seconds(), 0.001)}
	// Seeds run Concurrency at a time, so the time per finished seed so far
	// times the seeds left is a fair estimate once a few are done.
	if st.Running && p.done > 0 && p.done < p.seeds {
		st.ETA = (el / time.Duration(p.done) * time.Duration(p.seeds-p.done)).Round(time.Second)
	}
	return st
}

// line is the counts as one human line.
func (s Status) line() string {
	l := fmt.Sprintf("pages %d  reports %d  errors %d  %.1f pages/s  seeds %d/%d", s.Pages, s.Reports, s.Errors, s.Rate, s.SeedsDone, s.Seeds)
	if s.ETA > 0 {
		l += "  ETA " + s.ETA.String()
	}
	return l
}

func (p *progress) print() {
	st := p.status()
	switch p.format {
	case ProgressTerminal:
		last := st.Last
		if len(last) > 60 {
			last = last[:57] + "..."
		}
		p.write("\r\033[K" + st.line() + "  " + clean(last))
	case ProgressJSON:
		p.json(map[string]any{"event": "progress", "pages": st.Pages, "reports": st.Reports, "errors": st.Errors,
			"rate": st.Rate, "seeds": st.Seeds, "seeds_done": st.SeedsDone, "eta_seconds": int(st.ETA.Seconds())})
	default:
		p.write(p.stamp() + " crawl: " + st.line() + "\n")
	}
}

func (p *progress) stamp() string { return p.now().UTC().Format(time.RFC3339) }

func (p *progress) write(s string) {
	p.out.Lock()
	defer p.out.Unlock()
	io.WriteString(p.w, s)
}

func (p *progress) json(fields map[string]any) {
	fields["time"] = p.stamp()
	b, err := json.Marshal(fields)
	if err != nil {
		return // only plain values above: cannot happen
	}
	p.write(string(b) + "\n")
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
	if st.Resumed {
		p.resumed++
	}
	p.mu.Unlock()
	if p.w == nil {
		return
	}
	if p.format == ProgressJSON {
		p.json(map[string]any{"event": "seed", "seed": st.Seed.URL, "agency": st.Seed.Agency, "status": st.Status,
			"reason": st.Err, "pages": st.Pages, "reports": st.Reports, "errors": st.Errors, "blocked": st.Blocked,
			"not_modified": st.NotModified, "new_payloads": st.NewPayloads, "resumed": st.Resumed, "budget_spent": st.BudgetSpent,
			"moved_to": st.MovedTo, "notes": st.Notes, "skipped_attachments": st.SkippedAttachments})
		return
	}
	msg := fmt.Sprintf("seed %s: %s, %d pages, %d reports, %d errors", st.Seed.URL, st.Status, st.Pages, st.Reports, st.Errors)
	if st.Blocked > 0 {
		msg += fmt.Sprintf(", %d blocked", st.Blocked)
	}
	if st.Err != "" {
		msg += " (" + st.Err + ")"
	}
	if st.Resumed {
		msg += "; resumed an interrupted crawl"
	}
	if st.MovedTo != "" {
		msg += "; moved to " + st.MovedTo
	}
	p.line(msg)
}

// note logs at once what the user should act on (a pager no adapter
// follows), above the status line.
func (p *progress) note(msg string) {
	if p.w == nil {
		return
	}
	if p.format == ProgressJSON {
		p.json(map[string]any{"event": "note", "note": msg})
		return
	}
	p.line(msg)
}

// line writes one log line in the progress format (terminal or plain).
func (p *progress) line(msg string) {
	if p.format == ProgressTerminal {
		p.write("\r\033[K" + clean(msg) + "\n")
		return
	}
	p.write(p.stamp() + " crawl: " + clean(msg) + "\n")
}

// finish stops the ticker. The summary is the caller's to print (once);
// in JSON it is the last event.
func (p *progress) finish(s Summary) {
	p.mu.Lock()
	p.finished = p.now()
	p.mu.Unlock()
	if p.w == nil {
		return
	}
	close(p.stop)
	<-p.stopped
	switch p.format {
	case ProgressTerminal:
		p.write("\r\033[K")
	case ProgressJSON:
		f := map[string]any{"event": "done", "interrupted": s.Interrupted, "seeds": len(s.Seeds), "bytes": s.Bytes,
			"elapsed_seconds": s.Elapsed.Seconds(), "run": s.RunID}
		for k, v := range s.counts() {
			f[k] = v
		}
		p.json(f)
	}
}

// clean makes text from the network safe for one log line: control
// characters (a server's error text, an odd URL) become spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
