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
	if e.term {
		cfg.Progress = e.stderr // a live status line; nothing when output is logged
	}
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
	lines := []string{fmt.Sprintf("crawl %s in %s: %d seeds, %d pages, %d reports, %d not modified, %d new payloads, %d errors, %d blocked, %d requests, %d bytes",
		state, sum.Elapsed.Round(time.Millisecond), len(sum.Seeds), sum.Pages, sum.Reports, sum.NotModified, sum.NewPayloads,
		sum.Errors, sum.Blocked, sum.Requests, sum.Bytes)}
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
