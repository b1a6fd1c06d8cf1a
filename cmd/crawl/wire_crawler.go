package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/crawler"
	"github.com/gongkai/gongkai/seeds"
)

// runCrawler hands one crawl to the crawler package and turns its summary
// into lines for stdout and the list of unreachable seeds.
func runCrawler(ctx context.Context, e *env, s *archive.Store, set crawlSettings, list []seeds.Seed) (crawlOutcome, error) {
	cfg := crawler.DefaultConfig()
	cfg.MaxPages = set.maxPages
	cfg.MaxDepth = set.maxDepth
	cfg.Attachments = set.attachments
	cfg.Rate = set.rate
	cfg.Concurrency = set.concurrency
	cfg.Connections = set.connections
	cfg.Timeout = set.timeout
	cfg.AllowPrivate = set.allowPrivate
	cfg.UserAgent = set.userAgent
	cfg.Retries = set.retries
	if set.retries == 0 {
		cfg.Retries = -1 // the crawler's "none"; its 0 means its default
	}
	if !set.quiet {
		cfg.Progress, cfg.ProgressEvery = e.stderr, set.progressEvery
		switch {
		case set.logJSON:
			cfg.ProgressFormat = crawler.ProgressJSON
		case e.term:
			cfg.ProgressFormat = crawler.ProgressTerminal // one redrawn line
		default:
			cfg.ProgressFormat = crawler.ProgressPlain // cron, nohup: timestamped lines
		}
		noteResume(e, s, set)
	}
	cfg.Live = set.live
	cfg.Frontier = set.frontier
	c, err := crawler.New(s, cfg)
	if err != nil {
		return crawlOutcome{}, fmt.Errorf("start crawler: %w", err)
	}
	sum, err := c.Run(ctx, list)
	out := crawlOutcome{summary: summaryLines(sum)}
	for _, st := range sum.Unreachable() {
		out.unreachable = append(out.unreachable, st.Seed.URL+" ("+st.Err+")")
	}
	if err == nil && sum.Interrupted {
		err = context.Canceled
	}
	return out, err
}

// summaryLines is the end-of-run summary: totals, then one line per seed
// that did not simply succeed.
func summaryLines(sum crawler.Summary) []string {
	state := "done"
	if sum.Interrupted {
		state = "interrupted (run the same command again to resume)"
	}
	first := fmt.Sprintf("crawl %s in %s: %d seeds, %d pages, %d reports, %d not modified, %d new payloads, %d errors, %d blocked, %d requests, %d bytes",
		state, sum.Elapsed.Round(time.Millisecond), len(sum.Seeds), sum.Pages, sum.Reports, sum.NotModified, sum.NewPayloads,
		sum.Errors, sum.Blocked, sum.Requests, sum.Bytes)
	resumed := 0
	for _, st := range sum.Seeds {
		if st.Resumed {
			resumed++
		}
	}
	if resumed > 0 {
		first += fmt.Sprintf("; resumed the interrupted crawl of %d seeds", resumed)
	}
	lines := []string{first}
	for _, st := range sum.Seeds {
		if st.Status == crawler.StatusOK && !st.BudgetSpent {
			continue
		}
		l := fmt.Sprintf("  seed %s: %s", st.Seed.URL, st.Status)
		if st.Err != "" {
			l += " (" + st.Err + ")"
		}
		if st.BudgetSpent {
			l += "; --max-pages reached with links pending"
		}
		lines = append(lines, l)
	}
	for _, n := range sum.Notes() {
		lines = append(lines, "  "+n)
	}
	return lines
}

// noteResume says, before a crawl starts, that it continues an interrupted
// one: the last run of the archive never finished (Ctrl-C, kill, reboot),
// so seeds with pages pending pick up where they stopped.
func noteResume(e *env, s *archive.Store, set crawlSettings) {
	runs, err := s.Runs()
	if err != nil || len(runs) == 0 || !runs[len(runs)-1].Interrupted {
		return
	}
	r := runs[len(runs)-1]
	started := r.Started.UTC().Format(time.RFC3339)
	switch {
	case set.logJSON:
		fmt.Fprintf(e.stderr, `{"event":"resume","time":%q,"run":%d,"run_started":%q}`+"\n", time.Now().UTC().Format(time.RFC3339), r.ID, started)
	case e.term:
		fmt.Fprintf(e.stderr, "resuming interrupted run %d (started %s)\n", r.ID, started)
	default:
		fmt.Fprintf(e.stderr, "%s crawl: resuming interrupted run %d (started %s)\n", time.Now().UTC().Format(time.RFC3339), r.ID, started)
	}
}
