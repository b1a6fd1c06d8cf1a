package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gongkai/gongkai/frontier"
	"github.com/gongkai/gongkai/frontier/redisfrontier"
	"github.com/redis/go-redis/v9"
)

// quietRedis drops go-redis's own log lines (a failed dial is printed by
// the pool on every attempt); the frontier says once that Redis is down
// and once that it is back.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

// frontierConfig parses --frontier; a bad URL is bad usage (exit 2).
func frontierConfig(raw string) (redisfrontier.Config, error) {
	c, err := redisfrontier.ParseURL(raw)
	if err != nil {
		return c, usageErrorf("--frontier: %v", err)
	}
	redis.SetLogger(quietRedis{})
	return c, nil
}

// openFrontier opens the shared frontier of --frontier for a crawl run,
// or returns nil (the archive's own frontier) when the flag is empty.
func openFrontier(ctx context.Context, e *env, raw string) (frontier.Store, func(), error) {
	if raw == "" {
		return nil, func() {}, nil
	}
	c, err := frontierConfig(raw)
	if err != nil {
		return nil, nil, err
	}
	c.Log = prefixWriter{e: e}
	s, err := redisfrontier.Open(ctx, c)
	if err != nil {
		return nil, nil, failed(err)
	}
	return s, func() { s.Close() }, nil
}

// prefixWriter writes frontier log lines to stderr as the command's own.
type prefixWriter struct{ e *env }

func (w prefixWriter) Write(b []byte) (int, error) {
	fmt.Fprintf(w.e.stderr, "%s: %s\n", w.e.cmd, strings.TrimSpace(string(b)))
	return len(b), nil
}

func statusCmd() *command {
	return &command{
		name:    "status",
		summary: "the state of a crawl shared through Redis: seeds open, hosts queued and in flight, workers and their pages, the oldest claim",
		usage:   "crawl status --frontier redis://HOST:PORT/DB [--json]",
		detail: `
Reads the shared frontier of a crawl run by several workers (crawl run
--frontier) without joining it: the crawl's generation (one per crawl of
the seed lists), the seeds not finished yet with their pending and claimed
items, how many hosts have items queued or in flight and which hosts wait
more than a minute for their next request (Retry-After, backoff), the
hosts parked (a worker saw too many failures in a row: no worker sends them
a request until the next generation) with the reason, the seeds suspended
because their host is parked (their frontiers resume next generation), every
worker with its pages finished and whether its lease is current (a worker
that is not alive has been killed or cut off: its claims go back to the
others when its lease runs out), and the claim held longest.`,
		example: `  crawl status --frontier redis://10.0.0.5:6379/0
  crawl status --frontier 'redis://10.0.0.5:6379/0?crawl=national' --json`,
		flags: func(fs *flagSet) {
			fs.String("frontier", "", "the shared frontier `URL`, as given to crawl run")
			fs.Bool("json", false, "print the state as one JSON object")
		},
		run: runStatus,
	}
}

func runStatus(ctx context.Context, e *env, fs *flagSet) error {
	if len(fs.args) > 0 {
		return usageErrorf("unexpected argument %q (see crawl status -h)", fs.args[0])
	}
	raw := fs.Lookup("frontier").Value.String()
	if raw == "" {
		return usageErrorf("--frontier URL is required (see crawl status -h)")
	}
	c, err := frontierConfig(raw)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := redisfrontier.Inspect(ctx, c)
	if err != nil {
		return failed(err)
	}
	if fs.Lookup("json").Value.String() == "true" {
		return printJSON(e, st, false)
	}
	w := e.stdout
	if st.Generation == 0 {
		fmt.Fprintf(w, "crawl %q: no crawl has started on this frontier\n", st.Crawl)
		return nil
	}
	state := "finished"
	if len(st.Open) > 0 {
		state = "in progress"
	}
	fmt.Fprintf(w, "crawl %q, generation %d: %s; %d of %d seeds open\n", st.Crawl, st.Generation, state, len(st.Open), st.Seeds)
	fmt.Fprintf(w, "hosts: %d queued, %d in flight, %d waiting over a minute, %d parked\n", st.Hosts.Queued, st.Hosts.InFlight, len(st.Hosts.Waiting), len(st.Hosts.Parked))
	for _, h := range st.Hosts.Waiting {
		fmt.Fprintf(w, "  waiting: %s\n", h)
	}
	for _, h := range st.Hosts.Parked {
		fmt.Fprintf(w, "  parked: %s by %s: %s\n", h.Host, h.Worker, h.Reason)
	}
	for _, s := range st.Suspended {
		fmt.Fprintf(w, "  suspended seed (host parked; resumes next generation): %s\n", s)
	}
	fmt.Fprintf(w, "workers: %d\n", len(st.Workers))
	for _, wk := range st.Workers {
		alive := "alive"
		if !wk.Alive {
			alive = "gone (lease run out)"
		}
		fmt.Fprintf(w, "  %s: %s, %d pages, %d claimed (%s)\n", wk.ID, alive, wk.Pages, wk.Claimed, wk.Info)
	}
	for _, s := range st.Open {
		fmt.Fprintf(w, "  open seed %s: %d pending, %d claimed\n", s.Seed, s.Pending, s.Claimed)
	}
	if oc := st.OldestClaim; oc != nil {
		fmt.Fprintf(w, "oldest claim: %s by %s for %s (seed %s)\n", oc.Key, oc.Worker, oc.Age.Round(time.Second), oc.Seed)
	}
	return nil
}
