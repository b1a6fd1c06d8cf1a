package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gongkai/gongkai/crawler"
	"github.com/gongkai/gongkai/frontier"
	"github.com/gongkai/gongkai/seeds"
)

func runCmd() *command {
	return &command{
		name:    "run",
		summary: "crawl the seed lists into the archive (incremental, resumable)",
		usage:   "crawl run --seeds FILE [FILE...] [flags]",
		detail: `
Crawls every seed (a portal home page or column page) of the seed lists:
from each it follows the links most likely to lead to annual reports
(政府信息公开 → 年报 column → list pages → report pages → attachments) and
stores every page byte for byte in the archive, with its HTTP headers.
Incremental: a page unchanged since the last run is not stored again
(conditional requests, digests). Ctrl-C stops cleanly; the next run of the
same command resumes (and says so).

The crawl is scheduled by host: every host of the lists is crawled at once
(up to --concurrency), each at its own --rate, its seeds sharing its
robots.txt and connections, so a national list takes about as long as its
biggest host needs at that rate. A host that fails 10 requests in a row is
parked for the run (its seeds report "parked" with the reason; the next run
resumes them).

Progress goes to stderr: on a terminal one redrawn line; otherwise (cron,
nohup, a pipe) a timestamped line every --progress-every and one at each
seed's end (pages, reports, errors, and why a seed was unreachable or
blocked), no control characters. --log-json writes the same as JSON lines;
--quiet writes none. The summary goes to stdout once, at the end.

Seed lists are UTF-8 CSV with a url column (optional agency, region, level)
or plain text with one URL per line; a bad line is reported with its line
number and skipped. A list of report pages is fetched as it is with
--max-depth 0; add --attachments to fetch each page's PDF, DOC or XLS too
(a wrapper page's tables are often only there): without it the summary
counts the attachments the depth limit left out. With --max-depth 1 or
more, a seed whose <title> or <h1> names one year's annual report is read
as a report page: its attachments are fetched first. Exit 1 when the crawl
finished but a seed could not be reached at all; exit 2 when a seed list
cannot be read.`,
		example: `  crawl run --seeds seeds/provinces.csv
  crawl run --seeds seeds/state-council.csv seeds/cities.csv --rate 0.5 --max-pages 2000
  crawl run --seeds mine.csv --max-depth 0          # fetch the seeds only
  crawl run --seeds urls.txt --max-depth 0 --attachments   # report pages with their PDFs
  crawl run --seeds local.csv --allow-private --rate 0   # a portal on 127.0.0.1`,
		flags: func(fs *flagSet) {
			var files listFlag
			fs.Var(&files, "seeds", "seed list `FILE`s (CSV or one URL per line); more files may follow the flag")
			crawlFlagDefs(fs)
			fs.String("frontier", "", "share the crawl with other workers through Redis at `URL` (redis://HOST:PORT/DB); --db is then this worker's shard (see crawl merge)")
		},
		run:       runRun,
		viaHolder: true,
		fileArgs:  true,
	}
}

// crawlFlagDefs defines the flags of a crawl, shared by crawl run and
// crawl serve --every.
func crawlFlagDefs(fs *flagSet) {
	fs.Int("max-pages", 500, "`N` fetches per seed per run at most")
	fs.Int("max-depth", 6, "`N` link hops from a seed at most; 0 fetches the seeds themselves and follows nothing")
	fs.Bool("attachments", false, "also fetch the document attachments (PDF, DOC, WPS, XLS...) of report pages at the --max-depth limit, seeds included; they lead no further (with --max-depth 0: a URL list of report pages, each with its file)")
	fs.Float64("rate", 1, "`R` requests per second per host; 0 means no limit")
	fs.Int("concurrency", 0, "`N` hosts crawled at once, every seed of a host sharing its rate, robots.txt and connections; 0 = as many as a 512 MB budget allows (2,048)")
	fs.Int("connections", 1, "`N` requests in flight per host, each on its own connection; keep 1 for other people's sites")
	fs.Duration("timeout", 60*time.Second, "`DURATION` allowed for one request (connect, headers and body), e.g. 30s")
	fs.Bool("allow-private", false, "permit loopback and private addresses (off: a public crawl never touches the local network)")
	fs.Int("retries", 3, "`N` extra attempts after a timeout, reset, 5xx or 429, with doubling backoff; 0 = none")
	fs.String("user-agent", "", "User-Agent header `S` (default: gongkai/VERSION with a contact URL)")
	fs.Bool("quiet", false, "no progress on stderr (errors and the summary still print)")
	fs.Bool("log-json", false, "progress on stderr as JSON lines (events progress, seed, done) for log collectors")
	fs.Duration("progress-every", 30*time.Second, "`DURATION` between progress lines when stderr is not a terminal (cron, nohup)")
}

// crawlSettings are the crawl flags, handed to the crawler adapter.
type crawlSettings struct {
	maxPages, maxDepth, concurrency int
	connections                     int
	rate                            float64
	timeout                         time.Duration
	retries                         int
	allowPrivate                    bool
	attachments                     bool // a report page's attachments past the depth limit
	userAgent                       string
	quiet, logJSON                  bool           // progress off, or as JSON lines
	progressEvery                   time.Duration  // between plain/JSON progress lines
	live                            *crawler.Live  // follows the crawl for a status page; nil for none
	frontier                        frontier.Store // shared with other workers (--frontier); nil: the archive's own
}

// crawlOutcome is what the crawler adapter reports back.
type crawlOutcome struct {
	summary     []string // lines for stdout
	unreachable []string // seeds that could not be reached at all
}

func runRun(ctx context.Context, e *env, fs *flagSet) (err error) {
	files := append([]string(nil), *fs.Lookup("seeds").Value.(*listFlag)...)
	files = append(files, fs.args...)
	if len(files) == 0 {
		return usageErrorf("--seeds FILE is required (see crawl run -h)")
	}
	set, err := crawlFlags(fs)
	if err != nil {
		return err
	}
	list, err := loadSeeds(e, files)
	if err != nil {
		return err
	}
	fr, closeFr, err := openFrontier(ctx, e, fs.Lookup("frontier").Value.String())
	if err != nil {
		return err
	}
	defer closeFr()
	set.frontier = fr
	s, err := e.open(*fs.db, false)
	if err != nil {
		return err
	}
	defer e.close(s, &err)
	h := e.held // a server holds the archive: the crawl runs in it
	if !h.uses(*fs.db) {
		// This process holds the archive now: read commands run through
		// it while it crawls.
		var release func()
		h, release = hold(ctx, e, s, *fs.db, "", false)
		defer release()
	}
	end, err := h.beginCrawl(e.cmd + " --seeds " + strings.Join(files, " "))
	if err != nil {
		return err
	}
	defer end()
	set.live = &h.live
	out, err := runCrawler(ctx, e, s, set, list)
	for _, l := range out.summary {
		fmt.Fprintln(e.stdout, l)
	}
	if err != nil {
		return storageError(err)
	}
	if n := len(out.unreachable); n > 0 {
		return failed(fmt.Errorf("%d of %d seeds could not be reached at all: %s", n, len(list), strings.Join(out.unreachable, ", ")))
	}
	return nil
}

// loadSeeds reads the seed lists, reporting bad lines (skipped) on stderr.
func loadSeeds(e *env, files []string) ([]seeds.Seed, error) {
	var list []seeds.Seed
	for _, f := range files {
		got, errs := seeds.LoadFile(f)
		for _, le := range errs {
			var line *seeds.LineError
			var note *seeds.Notice
			if errors.As(le, &note) {
				fmt.Fprintf(e.stderr, "%s: seed list %v\n", e.cmd, note)
				continue
			}
			if !errors.As(le, &line) {
				return nil, badInput(fmt.Errorf("seed list %s: %w", f, le))
			}
			fmt.Fprintf(e.stderr, "%s: skipped %v\n", e.cmd, le)
		}
		list = append(list, got...)
	}
	if len(list) == 0 {
		return nil, badInput(fmt.Errorf("no usable seed in %s", strings.Join(files, ", ")))
	}
	return list, nil
}

// crawlFlags reads and checks the crawl flags.
func crawlFlags(fs *flagSet) (crawlSettings, error) {
	get := func(n string) any { return fs.Lookup(n).Value.(interface{ Get() any }).Get() }
	set := crawlSettings{
		maxPages:      get("max-pages").(int),
		maxDepth:      get("max-depth").(int),
		rate:          get("rate").(float64),
		concurrency:   get("concurrency").(int),
		connections:   get("connections").(int),
		timeout:       get("timeout").(time.Duration),
		allowPrivate:  get("allow-private").(bool),
		attachments:   get("attachments").(bool),
		userAgent:     get("user-agent").(string),
		retries:       get("retries").(int),
		quiet:         get("quiet").(bool),
		logJSON:       get("log-json").(bool),
		progressEvery: get("progress-every").(time.Duration),
	}
	switch {
	case set.maxPages < 1:
		return set, usageErrorf("--max-pages must be at least 1")
	case set.maxDepth < 0:
		return set, usageErrorf("--max-depth must be 0 or more")
	case set.rate < 0:
		return set, usageErrorf("--rate must be 0 (no limit) or more")
	case set.concurrency < 0:
		return set, usageErrorf("--concurrency must be 0 (automatic) or more")
	case set.connections < 1:
		return set, usageErrorf("--connections must be at least 1")
	case set.retries < 0:
		return set, usageErrorf("--retries must be 0 or more")
	case set.timeout <= 0:
		return set, usageErrorf("--timeout must be positive, e.g. 30s")
	case set.progressEvery <= 0:
		return set, usageErrorf("--progress-every must be positive, e.g. 30s")
	case set.quiet && set.logJSON:
		return set, usageErrorf("--quiet and --log-json contradict each other: pick one")
	}
	return set, nil
}
