package crawler

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/gongkai/gongkai/seeds"
)

// hostCost is what one host in flight is reckoned to hold: its seeds'
// loops and items in hand, an idle keep-alive connection with its buffers
// and goroutines (with TLS), its clock and gate. Config.MemoryBudget over
// it is how many hosts are crawled at once by default.
const hostCost = 256 << 10

// seedCost is what one seed fetching is reckoned to hold: its loop, its
// items in hand and popped ahead, its visitor. Config.MemoryBudget over it
// bounds the seeds fetching at once across all hosts (a list of URLs on a
// few hosts starts many seeds per host).
const seedCost = 32 << 10

// hostJob is one host's share of a run: the seeds (indexes into the run's
// list) whose pages are on it, in list order.
type hostJob struct {
	host  string
	seeds []int
}

// byHost groups a seed list by host (host:port of the canonical seed URL),
// hosts in order of their first seed. Seeds with the same URL as an
// earlier one, and seeds that are not http(s) URLs, are answered at once
// in sum.
func byHost(list []seeds.Seed, sum *Summary) []hostJob {
	var jobs []hostJob
	at := map[string]int{}
	seen := map[string]bool{}
	for i, sd := range list {
		cu, why := canonicalSeed(sd.URL)
		if why != "" {
			sum.Seeds[i] = SeedStatus{Seed: sd, Status: StatusUnreachable, Err: why}
			continue
		}
		// Two seeds with one URL would share one frontier: crawl it once.
		if key := cu.String(); seen[key] {
			sum.Seeds[i] = SeedStatus{Seed: sd, Status: StatusDuplicate, Err: "same URL as an earlier seed"}
			continue
		} else {
			seen[key] = true
		}
		j, ok := at[cu.Host]
		if !ok {
			j = len(jobs)
			at[cu.Host] = j
			jobs = append(jobs, hostJob{host: cu.Host})
		}
		jobs[j].seeds = append(jobs[j].seeds, i)
	}
	return jobs
}

// seedsPerHost is how many seeds of one host are crawled at once. Under a
// rate limit the host's clock, not its seeds, sets the pace: one seed per
// connection, and one more so that a seed's start and finish (a frontier
// write each) never leave the host idle. Without one, a host serving a
// list of URLs (a seed each) is kept busy while earlier seeds' pages are
// read, archived and extracted, and while seeds start and finish (a
// frontier write or two each).
func (c *Crawler) seedsPerHost() int {
	if c.cfg.Rate > 0 {
		return c.cfg.Connections + 1
	}
	return 32 * c.cfg.Connections
}

// Run crawls every seed and returns what it did. Seeds are scheduled by
// host: up to Concurrency hosts at once (by default as many as
// MemoryBudget allows), each crawled as fast as its rate limit and
// connections allow, its seeds sharing its robots.txt, clock and
// connections; a host that keeps failing is parked (Summary.Parked).
//
// A cancelled ctx (SIGINT/SIGTERM) stops it cleanly: pages in flight
// are abandoned and stay in the frontier, so the next Run resumes there;
// the Summary then has Interrupted set and the error is nil. The error is
// for failures of the archive itself.
func (c *Crawler) Run(ctx context.Context, list []seeds.Seed) (Summary, error) {
	start := time.Now()
	urls := make([]string, len(list))
	for i, s := range list {
		urls[i] = s.URL
	}
	order, err := c.join(ctx, list)
	if err != nil {
		return Summary{}, err
	}
	run, err := c.store.BeginRun(ctx, urls)
	if err != nil {
		return Summary{}, fmt.Errorf("begin run: %w", err)
	}
	col, err := c.collector(ctx)
	if err != nil {
		return Summary{}, err
	}
	req0, bytes0 := c.tr.requests.Load(), c.tr.bytes.Load()
	c.tr.unparkAll() // a new run gives every host a new chance
	prog := newProgress(c.cfg, len(list))
	sum := Summary{RunID: run.ID, Seeds: make([]SeedStatus, len(list))}
	hosts := inOrder(byHost(list, &sum), order)

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	record := func(i int, st SeedStatus, err error) {
		mu.Lock()
		sum.Seeds[i] = st
		if err != nil && firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		prog.seedDone(st)
	}
	// Each crawling goroutine asks for its next host when it is free
	// (ready), so the host is chosen at that moment: with a shared
	// frontier, one no other worker is on (see next).
	jobs, ready, stop := make(chan hostJob), make(chan struct{}), make(chan struct{})
	// Archivers store and extract fetched pages beside the fetchers, up to
	// 64 pages or 128 MB of bodies at once (one body is always let through).
	archivers := newWeighted(64, 128<<20)
	shared := &runShared{runID: run.ID, col: col, list: list, prog: prog, archivers: archivers, record: record,
		fetching: make(chan struct{}, max(c.cfg.MemoryBudget/seedCost, 1))}
	for w := 0; w < min(c.cfg.Concurrency, len(hosts)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case ready <- struct{}{}:
				case <-stop:
					return
				}
				job, ok := <-jobs
				if !ok {
					return
				}
				c.crawlHost(ctx, shared, job)
			}
		}()
	}
	for todo := hosts; len(todo) > 0; {
		select {
		case <-ready:
		case <-ctx.Done():
			for _, job := range todo {
				for _, i := range job.seeds {
					sum.Seeds[i] = SeedStatus{Seed: list[i], Status: StatusInterrupted}
				}
			}
			todo = nil
			continue
		}
		k := c.next(ctx, list, todo)
		jobs <- todo[k]
		todo = append(todo[:k:k], todo[k+1:]...)
	}
	close(stop)
	close(jobs)
	wg.Wait()

	sum.total()
	sum.Requests = c.tr.requests.Load() - req0
	sum.Bytes = c.tr.bytes.Load() - bytes0
	sum.Parked = c.tr.parked()
	sum.Elapsed = time.Since(start)
	sum.Interrupted = ctx.Err() != nil
	prog.finish(sum)

	run.Ended = time.Now().UTC()
	run.Interrupted = sum.Interrupted
	run.Counts = sum.counts()
	run.Notes = sum.Notes()
	if err := c.store.EndRun(context.WithoutCancel(ctx), run); err != nil && firstErr == nil {
		firstErr = fmt.Errorf("end run: %w", err)
	}
	return sum, firstErr
}

// crawlHost crawls one host's seeds, seedsPerHost fetching at a time (a
// seed whose fetches are over gives its place to the next while its pages
// are archived, extracted and its frontier reset). Once the host
// is parked, its seeds not yet begun are left as they are (their frontiers
// untouched, for the next run) and reported parked.
func (c *Crawler) crawlHost(ctx context.Context, r *runShared, job hostJob) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, c.seedsPerHost())
	g := c.tr.gate(job.host)
	c.tr.sharedParked(ctx, g)
	for _, i := range job.seeds {
		if !acquire(ctx, sem) {
			r.record(i, SeedStatus{Seed: r.list[i], Status: StatusInterrupted}, nil)
			continue
		}
		if why := g.parkedWhy(); why != "" {
			<-sem
			r.record(i, SeedStatus{Seed: r.list[i], Status: StatusParked, Err: "host " + job.host + " parked: " + why}, suspend(ctx, c.fs.Queue(seedKey(r.list[i].URL))))
			continue
		}
		if !acquire(ctx, r.fetching) {
			<-sem
			r.record(i, SeedStatus{Seed: r.list[i], Status: StatusInterrupted}, nil)
			continue
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st, err := c.crawlSeed(ctx, r.runID, r.col, r.list[i], r.prog, r.archivers, func() { <-r.fetching; <-sem })
			r.record(i, st, err)
		}(i)
	}
	wg.Wait()
}

// acquire takes a place in sem, or reports false once ctx is done.
func acquire(ctx context.Context, sem chan struct{}) bool {
	select {
	case sem <- struct{}{}:
		if ctx.Err() != nil { // both were ready: the cancel wins
			<-sem
			return false
		}
		return true
	case <-ctx.Done():
		return false
	}
}

// runShared is what every host of a run shares.
type runShared struct {
	runID     uint64
	col       *colly.Collector
	list      []seeds.Seed
	prog      *progress
	archivers *weighted
	fetching  chan struct{} // seeds fetching at once, across hosts: Config.MemoryBudget / seedCost
	record    func(i int, st SeedStatus, err error)
}
