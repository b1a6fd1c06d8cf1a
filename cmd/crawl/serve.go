package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/internal/web"
)

func serveCmd() *command {
	return &command{
		name:    "serve",
		summary: "the web view of the archive; with --seeds and --every it also crawls on schedule and stays up through the crawls",
		usage:   "crawl serve [--addr 127.0.0.1:8080] [--db FILE] [--seeds FILE... --every 24h | --at 02:00] [crawl flags]",
		detail: `
Serves a read-only web view of the archive: search agencies, one agency's
timeline, one report's tables and checks, the archived page itself
(sandboxed), the difference between two versions, JSONL/CSV downloads, and
/status: the crawl running now (seeds done, pages, reports, errors, rate,
time left) and the past crawl runs. Prints the address it listens on;
Ctrl-C stops it.

The always-on setup: with --seeds and --every (or --at), the server runs
the crawl itself on that schedule, so the web view stays up through the
night and shows the crawl as it goes; the seed lists are read again before
each crawl, and the crawl flags of crawl run apply. The first crawl starts
at once with --every alone, at the next HH:MM (local time) with --at.

While it runs, the server answers other crawl commands on 127.0.0.1: crawl
stats, export and history run through it. A server that crawls holds the
archive for writing, and a crawl run (from cron, say) is handed to it and
runs inside it, its progress on your terminal; a plain web view opens the
archive read-only, and a crawl run against it says so. Commands that
rewrite the archive (reparse) say which process holds it.`,
		example: `  crawl serve
  crawl serve --addr 127.0.0.1:9000 --db /data/gongkai.db
  crawl serve --addr 0.0.0.0:8080 --seeds seeds/provinces.csv --every 24h
  crawl serve --seeds seeds/provinces.csv --at 02:00 --rate 0.5 --progress-every 5m`,
		flags: func(fs *flagSet) {
			fs.String("addr", "127.0.0.1:8080", "`ADDR` to listen on (port 0 picks a free port)")
			var files listFlag
			fs.Var(&files, "seeds", "seed list `FILE`s to crawl on the schedule of --every or --at")
			fs.Duration("every", 0, "crawl the --seeds every `DURATION`, e.g. 24h (the first crawl at once, or at --at)")
			fs.String("at", "", "crawl the --seeds daily at this local time `HH:MM`, e.g. 02:00")
			crawlFlagDefs(fs)
		},
		run:      runServe,
		fileArgs: true,
	}
}

func runServe(ctx context.Context, e *env, fs *flagSet) (err error) {
	files := append([]string(nil), *fs.Lookup("seeds").Value.(*listFlag)...)
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl serve -h)", fs.args[0])
	}
	sched, err := parseSchedule(fs.Lookup("every").Value.(interface{ Get() any }).Get().(time.Duration), fs.Lookup("at").Value.String())
	if err != nil {
		return usageErrorf("%v", err)
	}
	switch {
	case sched.set() && len(files) == 0:
		return usageErrorf("--every and --at crawl the --seeds FILE lists: give them")
	case len(files) > 0 && !sched.set():
		return usageErrorf("--seeds needs --every DURATION or --at HH:MM (for one crawl now: crawl run --seeds)")
	}
	set, err := crawlFlags(fs)
	if err != nil {
		return err
	}
	if len(files) > 0 {
		if _, err := loadSeeds(e, files); err != nil {
			return err // a seed list unreadable now: say so at once, not tonight
		}
	}
	db := *fs.db
	// A server that crawls holds the archive for writing, so a crawl run
	// from cron is handed to it; a plain web view opens it read-only and
	// never changes the file (a damaged one included).
	writable := len(files) > 0
	s, err := e.open(db, !writable)
	if err != nil {
		return err
	}
	defer e.close(s, &err)
	srv, err := web.New(s, log.New(e.stderr, "crawl serve: ", 0))
	if err != nil {
		return failed(err)
	}
	sv := &scheduled{e: e, s: s, sched: sched, files: files, set: set}
	srv.SetCrawlStatus(sv.status)
	var (
		release = func() {}
		crawls  sync.WaitGroup
	)
	listening := false
	err = srv.ListenAndServe(ctx, fs.Lookup("addr").Value.String(), func(addr string) {
		listening = true
		url := "http://" + addr + "/"
		fmt.Fprintf(e.stdout, "serving %s at %s (Ctrl-C to stop)\n", db, url)
		sv.h, release = hold(ctx, e, s, db, webURL(addr), !writable)
		if sched.set() {
			fmt.Fprintf(e.stdout, "crawling %s %s; progress at %sstatus\n", strings.Join(files, ", "), sched, url)
			crawls.Add(1)
			go func() {
				defer crawls.Done()
				sv.loop(ctx)
			}()
		}
	})
	crawls.Wait() // the crawl stops cleanly with ctx
	release()
	if err != nil && !listening {
		return badInput(err) // the address is taken or not ours to bind
	}
	if err != nil {
		return failed(err)
	}
	return nil
}

// webURL is the view's address for the holder note: an unspecified host
// (0.0.0.0, ::) is reached on 127.0.0.1 from this machine.
func webURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
	}
	return "http://" + addr + "/"
}

// scheduled runs the crawls of crawl serve --every/--at inside the server.
type scheduled struct {
	e     *env
	s     *archive.Store
	h     *held // set once listening; its lock keeps one crawl at a time
	sched schedule
	files []string
	set   crawlSettings

	mu      sync.Mutex
	next    time.Time
	lastErr string
}

// loop waits for each scheduled time and crawls, until ctx ends.
func (sv *scheduled) loop(ctx context.Context) {
	var last time.Time
	for {
		next := sv.sched.next(time.Now(), last)
		sv.mu.Lock()
		sv.next = next
		sv.mu.Unlock()
		if wait := time.Until(next); wait > time.Second {
			sv.logf("next crawl at %s", next.Format(time.RFC3339))
		}
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		last = next
		sv.crawl(ctx)
	}
}

// crawl runs one scheduled crawl and logs what it did; a failure is logged
// and shown on the status page, and the server stays up.
func (sv *scheduled) crawl(ctx context.Context) {
	err := func() error {
		end, err := sv.h.beginCrawl("scheduled crawl, " + sv.sched.String())
		if err != nil {
			return err
		}
		defer end()
		list, err := loadSeeds(sv.e, sv.files) // edits to the lists apply tonight
		if err != nil {
			return err
		}
		sv.logf("crawl starting: %d seeds from %s", len(list), strings.Join(sv.files, ", "))
		set := sv.set
		set.live = &sv.h.live
		out, err := runCrawler(ctx, sv.e, sv.s, set, list)
		for _, l := range out.summary {
			sv.logf("%s", l)
		}
		if err == nil && len(out.unreachable) > 0 {
			err = fmt.Errorf("%d seeds could not be reached at all: %s", len(out.unreachable), strings.Join(out.unreachable, ", "))
		}
		return err
	}()
	sv.mu.Lock()
	sv.lastErr = ""
	if err != nil && ctx.Err() == nil {
		sv.lastErr = time.Now().UTC().Format(time.RFC3339) + ": " + err.Error()
	}
	sv.mu.Unlock()
	if err != nil && ctx.Err() == nil {
		sv.logf("crawl: %v", err)
	}
}

func (sv *scheduled) logf(format string, args ...any) {
	fmt.Fprintf(sv.e.stderr, "%s crawl serve: %s\n", time.Now().UTC().Format(time.RFC3339), strings.Join(strings.Fields(fmt.Sprintf(format, args...)), " "))
}

// status is what the web view's /status page shows.
func (sv *scheduled) status() web.CrawlStatus {
	var cs web.CrawlStatus
	if sv.sched.set() {
		sv.mu.Lock()
		cs.Schedule, cs.Next, cs.LastError = sv.sched.String(), sv.next, sv.lastErr
		sv.mu.Unlock()
	}
	if sv.h == nil {
		return cs
	}
	who := sv.h.crawlingNow()
	st := sv.h.live.Status()
	cs.Running, cs.Who = who != "", who
	if cs.Running && !st.Running {
		return cs // starting: the last run's counts are not this one's
	}
	cs.Started, cs.Finished = st.Started, st.Finished
	cs.Seeds, cs.SeedsDone, cs.Pages, cs.Reports, cs.Errors = st.Seeds, st.SeedsDone, st.Pages, st.Reports, st.Errors
	cs.Rate, cs.ETA, cs.Last = st.Rate, st.ETA, st.Last
	return cs
}
