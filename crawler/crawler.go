package crawler

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/frontier"
	"github.com/gongkai/gongkai/seeds"
)

// Crawler crawls seed lists into an archive. One Crawler may Run many times
// (tonight and every night after); Runs must not overlap.
type Crawler struct {
	store *archive.Store
	fs    frontier.Store
	cfg   Config
	tr    *transport

	robots *robotsRules // the running crawl's robots.txt rules (set by collector)

	extracting flights                                                       // one extraction in flight per payload digest
	extractFn  func(context.Context, extract.Input) (*extract.Record, error) // extract.Extract; tests count or fail it
}

// New returns a crawler writing to store.
func New(store *archive.Store, cfg Config) (*Crawler, error) {
	if store == nil {
		return nil, errors.New("crawler: nil archive")
	}
	cfg = cfg.withDefaults()
	base := &http.Transport{
		Proxy:               nil, // a proxy would dial for us and bypass the address check
		DialContext:         newDialer(cfg),
		DisableCompression:  true,            // gzip is undone by transport.once, bounded
		MaxConnsPerHost:     cfg.Connections, // one per host unless asked: the politeness default
		MaxIdleConnsPerHost: cfg.Connections,
		MaxIdleConns:        cfg.Concurrency * cfg.Connections, // a keep-alive connection per host in flight

		IdleConnTimeout:       60 * time.Second,
		TLSHandshakeTimeout:   cfg.DialTimeout,
		ResponseHeaderTimeout: cfg.Timeout,
	}
	fs := cfg.Frontier
	if fs == nil {
		fs = frontier.Bolt(store)
	}
	tr := &transport{base: base, cfg: cfg, clock: fs.Clock(), bodies: newBodyBudget(cfg.MemoryBudget / bodyShare)}
	tr.keeper, _ = fs.(frontier.RobotsKeeper)
	tr.parker, _ = fs.(frontier.Parker)
	return &Crawler{store: store, fs: fs, cfg: cfg, tr: tr, extractFn: extract.Extract}, nil
}

// collector builds the colly collector of one run. colly's defaults are set
// deliberately here: robots.txt left to robotsRules (obeyed per host, with
// its rules kept within a bound, which colly's cache is not), no revisit
// bookkeeping of its own
// (the archive's frontier is the visited set, persistent and on disk), no
// charset conversion, a body limit above ours so colly never cuts a body
// (ours records it as too_large instead), no overall client timeout (each
// attempt has its own deadline in the transport), our redirect policy.
func (c *Crawler) collector(ctx context.Context) (*colly.Collector, error) {
	col := colly.NewCollector(
		colly.UserAgent(c.cfg.UserAgent),
		colly.AllowURLRevisit(),
		colly.MaxBodySize(int(c.cfg.MaxBodySize)+1),
		colly.StdlibContext(ctx),
	)
	col.IgnoreRobotsTxt = true // robotsRules obeys it
	col.DetectCharset = false
	col.ParseHTTPErrorResponse = true
	col.MaxDepth = 0
	if err := col.SetStorage(c.store.Frontier("colly")); err != nil {
		return nil, fmt.Errorf("colly storage: %w", err)
	}
	c.robots = newRobotsRules(&http.Client{Transport: c.tr, CheckRedirect: c.checkRedirect}, c.cfg.UserAgent, c.cfg.MemoryBudget/robotsShare)
	col.WithTransport(c.tr)
	col.SetRequestTimeout(0)
	col.SetRedirectHandler(c.checkRedirect)
	return col, nil
}

// checkRedirect bounds redirects: their number, loops, scope, traps.
func (c *Crawler) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.cfg.MaxRedirects {
		return fmt.Errorf("%s after %d redirects: %w", req.URL, len(via), errTooManyRedirects)
	}
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return fmt.Errorf("%s: %w", req.URL, errRedirectLoop)
		}
	}
	if v, ok := c.tr.slots.Load(req.Header.Get(hdrFetchID)); ok {
		sl := v.(*slot)
		if !sl.scope.allows(req.URL) {
			if sl.depth > 0 || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
				return fmt.Errorf("%s: %w", req.URL, errOffScope)
			}
			sl.scope.add(req.URL) // the seed itself moved: follow the portal
		}
		if r := trapReason(req.URL); r != "" {
			return fmt.Errorf("%s (%s): %w", req.URL, r, errTrap)
		}
	}
	return nil
}

// item is the crawler's part of a frontier entry.
type item struct {
	URL     string  `json:"u,omitempty"` // when the key is not the URL (POST)
	Method  string  `json:"m,omitempty"`
	Form    string  `json:"f,omitempty"`
	Depth   int     `json:"d"`
	Kind    string  `json:"k"`
	Score   float64 `json:"s"`
	Referer string  `json:"r,omitempty"`
	API     string  `json:"a,omitempty"`  // the platform adapter that reads the answer (crawler/platform)
	Param   string  `json:"pa,omitempty"` // the adapter's state for it (a gkmlpt column)
	Anchor  string  `json:"an,omitempty"` // an attachment's anchor text: its name when the server sends none
}

// next picks which of the hosts left to crawl a free goroutine takes: the
// first, unless a shared frontier says other workers are on it
// (frontier.Spreader: on its first seed) and another is free of them.
func (c *Crawler) next(ctx context.Context, list []seeds.Seed, todo []hostJob) int {
	sp, ok := c.fs.(frontier.Spreader)
	if !ok {
		return 0
	}
	for k, job := range todo {
		if busy, err := sp.Busy(ctx, seedKey(list[job.seeds[0]].URL)); err != nil || !busy {
			return k
		}
	}
	return 0
}

// inOrder sorts hosts by where their first seed comes in order (a
// permutation of the seed indexes; nil keeps hosts as they are).
func inOrder(hosts []hostJob, order []int) []hostJob {
	if order == nil {
		return hosts
	}
	rank := make([]int, len(order))
	for r, i := range order {
		rank[i] = r
	}
	first := func(h hostJob) int {
		m := len(order)
		for _, i := range h.seeds {
			m = min(m, rank[i])
		}
		return m
	}
	slices.SortStableFunc(hosts, func(a, b hostJob) int { return cmp.Compare(first(a), first(b)) })
	return hosts
}

// canonicalSeed is a seed's URL in canonical form, which names its frontier
// (shared ones too) and its host, or why it has none.
func canonicalSeed(raw string) (*url.URL, string) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err.Error()
	}
	cu, ok := canonical(u, raw)
	if !ok {
		return nil, "not an http(s) URL"
	}
	return cu, ""
}

// seedKey is canonicalSeed as a string (the raw URL if it has none).
func seedKey(raw string) string {
	if cu, why := canonicalSeed(raw); why == "" {
		return cu.String()
	}
	return raw
}

// join tells a frontier shared with other workers (frontier.Joiner)
// which seeds this worker crawls, and returns the order to take them up in
// (nil: the list's own).
func (c *Crawler) join(ctx context.Context, list []seeds.Seed) ([]int, error) {
	j, ok := c.fs.(frontier.Joiner)
	if !ok {
		return nil, nil
	}
	keys := make([]string, len(list))
	for i, s := range list {
		keys[i] = seedKey(s.URL)
	}
	order, err := j.Join(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("join the shared crawl: %w", err)
	}
	if len(order) != len(list) {
		return nil, nil
	}
	return order, nil
}

// settle asks a shared frontier whether a seed that has nothing pending
// for this worker is over (frontier.Settler); a frontier of its own is.
func settle(ctx context.Context, q frontier.Queue) (more bool, err error) {
	if s, ok := q.(frontier.Settler); ok {
		return s.Settle(ctx)
	}
	return false, nil
}

// unknownLinks returns the links the frontier does not know yet: only
// those need a push, and only they can change what to fetch next. Should
// the frontier not answer, every link counts as unknown (the push reports
// the error).
func unknownLinks(fr frontier.Queue, links []archive.FrontierItem) []archive.FrontierItem {
	if len(links) == 0 {
		return nil
	}
	keys := make([]string, len(links))
	for i, l := range links {
		keys[i] = l.Key
	}
	known, err := fr.Known(keys...)
	if err != nil {
		return links
	}
	var out []archive.FrontierItem
	for i, l := range links {
		if !known[i] {
			out = append(out, l)
		}
	}
	return out
}

// finishPage waits for a page's writes and marks its item done. The item is
// done only once its capture is durable: chained behind it in the archive's
// queue (frontier.Chainer), so that the page waits for one commit rather
// than one per write, or asked after it (a shared frontier).
// With reset (the seed's frontier is to be reset once its pages are
// archived) it only waits: the Reset forgets the item with the rest.
func finishPage(ctx context.Context, fr frontier.Queue, key string, a *archived, reset bool) (outcome, error) {
	if reset {
		return a.wait()
	}
	var done *archive.Queued
	if ch, ok := fr.(frontier.Chainer); ok && a.err == nil {
		done = ch.DoneAfter(ctx, a.capt.Queued, key)
	}
	o, err := a.wait()
	if err != nil {
		return o, err
	}
	if done != nil {
		err = done.Wait()
	} else {
		err = fr.Done(ctx, key)
	}
	if err != nil {
		return o, fmt.Errorf("frontier done %s: %w", key, err)
	}
	return o, nil
}

// crawlSeed spends one seed's page budget on its frontier, best first. It
// calls fetched once its last fetch has left the wire: the host may then
// serve another seed while this one's pages are still archived.
func (c *Crawler) crawlSeed(ctx context.Context, runID uint64, col *colly.Collector, sd seeds.Seed, prog *progress, archivers *weighted, fetched func()) (SeedStatus, error) {
	fetched = sync.OnceFunc(fetched)
	defer fetched()
	st := SeedStatus{Seed: sd, Status: StatusOK}
	seedURL, why := canonicalSeed(sd.URL)
	if why != "" {
		st.Status, st.Err = StatusUnreachable, why
		return st, nil
	}
	fr := c.fs.Queue(seedURL.String())
	data, _ := json.Marshal(item{Depth: 0, Kind: kindPage, Score: 100})
	var err error
	st.Resumed, err = fr.Begin(ctx, frontier.Item{Key: seedURL.String(), Host: seedURL.Host, Priority: 1000, Data: data})
	if err != nil {
		return st, fmt.Errorf("begin frontier of %s: %w", sd.URL, err)
	}
	sc := newScope(seedURL.String())
	v := &visitor{c: c, col: col, runID: runID, seed: sd, scope: sc, perPath: map[string]int{}}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex // guards st and bgErr once archivers run
		bgErr error
	)
	v.onNote = func(kind, msg string) {
		mu.Lock()
		st.note(kind, msg)
		mu.Unlock()
		prog.note("seed " + sd.URL + ": " + msg)
	}
	failed := func() error {
		mu.Lock()
		defer mu.Unlock()
		return bgErr
	}
	finished := false
	// ending: the fetch loop found the seed complete (nothing pending, no
	// links on their way), so its frontier is reset once its pages are
	// archived. The Done of a page finishing after that would be a write
	// the Reset undoes at once: on a URL list (a seed a page) one writer
	// operation of five. Such pages are noted in undone, and marked done
	// after all should the seed end without its Reset (interrupted, an
	// error); a crash before the Reset leaves them in flight, and the
	// archive requeues in-flight items when it is next opened, so they
	// are fetched again, never lost. Only a frontier of the seed's own
	// (not shared with other workers) is reset this way.
	var ending atomic.Bool
	_, shared := fr.(frontier.Settler)
	_, chains := fr.(frontier.Chainer)
	ownReset := chains && !shared
	var undone []string // guarded by mu
	resetDone := false
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		if len(undone) > 0 && !resetDone {
			_ = fr.Done(context.WithoutCancel(ctx), undone...)
		}
	}()
	h := newHand(fr, seedURL.Host)
	defer func() {
		// Items popped (or taken) and never fetched go back to the queue
		// at their place, for the next Run; should that fail, the archive
		// requeues every in-flight item when it is next opened.
		_ = h.collect() // items popped ahead are in hand too
		if len(h.items) > 0 {
			keys := make([]string, len(h.items))
			for i, it := range h.items {
				keys[i] = it.Key
			}
			_ = fr.Release(context.WithoutCancel(ctx), keys...)
		}
	}()
	reading := atomic.Int64{} // pages whose links are not pushed yet
	fail := func(err error) (SeedStatus, error) {
		wg.Wait()
		return st, err
	}
	setErr := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if bgErr == nil {
			bgErr = err
		}
	}
	// The fetch loop only picks what to fetch. Each fetch runs in a
	// goroutine of its own, which then reads the page (its links), archives
	// and extracts it; up to Connections fetches at once per host (one by
	// default), on up to seedHosts hosts: a page on a second host (the
	// attachments' file server, an xxgk.* column) is fetched beside the
	// seed host's, each under its own host's gate, so a slow one never
	// holds the others back. The loop takes the best item in hand whose
	// host is free.
	// A navigation page (home, column, list) is read before its fetch slot
	// is given back: its links decide what comes next, and the budget must
	// go to the best of them. So is a report page: its documents (a
	// wrapper page's PDF) are the report and go first. An attachment is
	// read after the next fetch has begun.
	// Links are pushed before the item is Done, and Done comes only once
	// its capture is stored, so a kill at any point fetches the item again
	// rather than losing it or its links.
	slots := newSeedSlots(c.cfg.Connections)
	h.arrived = slots.wake
	host := c.tr.gate(seedURL.Host)
	parked, parkedHost := "", seedURL.Host
	hostOf := func(it archive.FrontierItem) string {
		if it.Host == "" {
			return seedURL.Host
		}
		return it.Host
	}
	// fetchable: the item's host has a free slot and is not parked (an
	// item on a parked host stays in its frontier, for the next run).
	fetchable := func(it archive.FrontierItem) bool {
		hs := hostOf(it)
		return slots.free(hs) && c.tr.gate(hs).parkedWhy() == ""
	}
	for pages := 0; pages < c.cfg.MaxPages; {
		if ctx.Err() != nil || failed() != nil {
			break
		}
		if parked = host.parkedWhy(); parked != "" {
			break
		}
		wake := slots.next() // before looking: no wake-up is missed
		// Before the Pop in refill: with no page being read then, every
		// link is in the frontier or the hand when it looks.
		quiet := reading.Load() == 0
		left := c.cfg.MaxPages - pages
		h.mu.Lock()
		if err := h.refill(ctx, min(popAhead, left), quiet); err != nil {
			h.mu.Unlock()
			if ctx.Err() != nil {
				break
			}
			return fail(fmt.Errorf("pop frontier of %s: %w", sd.URL, err))
		}
		if len(h.items) == 0 {
			h.mu.Unlock()
			if quiet {
				more, err := settle(ctx, fr)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					return fail(fmt.Errorf("settle frontier of %s: %w", sd.URL, err))
				}
				if more {
					h.empty.forget()
					continue // other workers' links, or a dead worker's claims
				}
				finished = true
				ending.Store(ownReset)
				break
			}
			waitFor(ctx, wake) // a page read may bring links
			continue
		}
		idle := quiet && slots.inFlight() == 0 // only this loop starts fetches
		i := h.pick(fetchable)
		if i < 0 {
			popped, err := h.more(ctx, left)
			h.mu.Unlock()
			switch {
			case err != nil && ctx.Err() == nil:
				return fail(fmt.Errorf("pop frontier of %s: %w", sd.URL, err))
			case popped || err != nil:
				continue
			case idle:
				// Nothing in flight, nothing to pop, and every item in
				// hand is on a parked host: the seed stops here, its
				// frontier kept for the next run.
				parkedHost = hostOf(h.items[0])
				parked = c.tr.gate(parkedHost).parkedWhy()
			default:
				waitFor(ctx, wake) // a slot given back, a page read
				continue
			}
			break
		}
		if sp, ok := fr.(frontier.Spender); ok {
			// The budget is the seed's across every worker.
			more, shared, err := sp.Spend(ctx, c.cfg.MaxPages)
			if err != nil || !more {
				h.mu.Unlock()
				if err != nil && ctx.Err() == nil {
					return fail(fmt.Errorf("budget of %s: %w", sd.URL, err))
				}
				break
			}
			left = min(left, shared+1)
		}
		it := h.nextAt(ctx, i, left-1)
		h.mu.Unlock()
		itHost := hostOf(it)
		slots.take(itHost)
		pages++
		wg.Add(1)
		reading.Add(1)
		go func(it archive.FrontierItem, left int) {
			defer wg.Done()
			readDone := sync.OnceFunc(func() { reading.Add(-1); slots.wake() })
			defer readDone()
			freeSlot := sync.OnceFunc(func() { slots.give(itHost) })
			defer freeSlot()
			var d item
			if err := json.Unmarshal(it.Data, &d); err != nil {
				_ = fr.Done(ctx, it.Key)
				return
			}
			if d.URL == "" {
				d.URL = it.Key
			}
			f, err := v.fetch(ctx, d)
			if err != nil {
				setErr(err)
				return
			}
			defer f.hold.release()
			if f.out.canceled {
				h.mu.Lock()
				h.putBack(it)
				h.mu.Unlock()
				return
			}
			var (
				next      []archive.FrontierItem
				archiveFn func() *archived
				read      bool         // links read (and pushed, or queued: q)
				q         *queuedLinks // a list page's links on their way to the frontier
			)
			if d.Kind != kindAttachment {
				next, archiveFn = v.read(ctx, f)
				read = true
				h.mu.Lock()
				q, err = h.addLinks(context.WithoutCancel(ctx), unknownLinks(fr, next), left)
				h.mu.Unlock()
				if err != nil {
					setErr(fmt.Errorf("push links of %s: %w", it.Key, err))
					return
				}
				if q == nil {
					readDone()
				}
			}
			// Archive in the background, bounded across all seeds by
			// count and bytes: the next fetch waits for a free archiver.
			w := int64(len(f.payload))
			archivers.acquire(w)
			defer archivers.release(w)
			f.hold.release() // the archivers count the body now
			freeSlot()
			switch {
			case q != nil:
				err = h.finish(q)
			case !read:
				next, archiveFn = v.read(ctx, f)
				err = h.push(context.WithoutCancel(ctx), unknownLinks(fr, next))
			}
			readDone()
			if err != nil {
				setErr(fmt.Errorf("push links of %s: %w", it.Key, err))
				return
			}
			a := archiveFn()
			reset := ending.Load() // known by now, as a rule: archiving takes longer than the loop's look
			o, err := finishPage(context.WithoutCancel(ctx), fr, it.Key, a, reset)
			if err != nil {
				setErr(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if reset {
				undone = append(undone, it.Key)
			}
			st.add(o, d.Depth == 0 && !st.Resumed)
			prog.fetched(o)
			if c.cfg.OnFetch != nil {
				c.cfg.OnFetch(o.Fetch)
			}
		}(it, left-1)
	}
	slots.drain() // every fetch has given its item back or gone on
	fetched()
	if err := h.collect(); err != nil && ctx.Err() == nil {
		return fail(fmt.Errorf("pop frontier of %s: %w", sd.URL, err))
	}
	wg.Wait()
	st.SkippedAttachments = int(v.skippedAttachments.Load()) // every page is read by now
	if bgErr != nil {
		return st, bgErr
	}
	if ctx.Err() != nil {
		st.Interrupted = true
		if st.Status == StatusOK {
			st.Status = StatusInterrupted
		}
		return st, nil
	}
	if parked != "" {
		// Its frontier stays as it is: the next run resumes it.
		if err := suspend(ctx, fr); err != nil {
			return st, fmt.Errorf("suspend frontier of %s: %w", sd.URL, err)
		}
		if st.Status == StatusOK {
			st.Status, st.Err = StatusParked, "host "+parkedHost+" parked: "+parked
		}
		return st, nil
	}
	st.BudgetSpent = !finished || len(h.items) > 0
	// The crawl of this seed is complete (or its budget spent): forget the
	// frontier, and the items popped but not visited, so the next run
	// starts again from the seed, conditionally.
	h.items = nil
	if err := fr.Reset(ctx); err != nil {
		return st, fmt.Errorf("reset frontier of %s: %w", sd.URL, err)
	}
	resetDone = true
	return st, nil
}
