package crawler

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/frontier"
)

// popAhead is how many items one Pop takes: one writer round trip for
// several pages. Taking more than one keeps best first because the fetch
// loop pops again when a better link arrives (see hand.stale).
const popAhead = 16

// hand is what the fetch loop of one seed holds of its frontier: items
// popped and not yet fetched, best first, and the next batch being popped
// in the background. A Pop waits for the archive writer's current commit,
// which takes several fetches, so the loop never waits for one while it
// has something to fetch.
//
// Best first holds for every link whose page has been read: a link better
// than the best in hand pushed since the last Pop makes the loop pop again
// before it fetches, and a navigation page's links pushed in the
// background (behind) make it wait for that push before it fetches
// anything they could outrank. Callers hold mu, except for push, finish
// and pushedBehind (safe for concurrent use).
type hand struct {
	mu      sync.Mutex
	cond    *sync.Cond // on mu: a push behind has ended
	fr      frontier.Queue
	items   []archive.FrontierItem
	ahead   chan popped // the next batch, popped in the background
	best    maxPriority // the best link pushed since the last Pop began
	pushing []float64   // the best new link of each push behind
	dry     bool        // the last Pop had fewer items than asked for
	empty   emptiness   // whether the frontier is known to hold nothing pending
	arrived func()      // if set, called when a batch popped ahead comes back

	home      string      // the seed's host
	elsewhere atomic.Bool // items on another host have been pushed or popped
}

func newHand(fr frontier.Queue, home string) *hand {
	h := &hand{fr: fr, home: home}
	h.cond = sync.NewCond(&h.mu)
	return h
}

// popped is one batch from a seed's frontier, of at most k items.
type popped struct {
	items []archive.FrontierItem
	k     int
	err   error
	// drained: the Pop left nothing pending (frontier.Drainer), and no
	// push could have slipped past it (see emptiness).
	drained bool
	gen     int64 // emptiness.begin's answer
}

// pop pops up to k items, noting whether that drained the frontier.
func (h *hand) pop(ctx context.Context, k int) popped {
	gen, clean := h.empty.begin()
	d, ok := h.fr.(frontier.Drainer)
	if !ok {
		its, err := h.fr.Pop(ctx, k)
		return popped{items: its, k: k, err: err}
	}
	its, drained, err := d.PopDrained(ctx, k)
	return popped{items: its, k: k, err: err, drained: drained && clean && err == nil, gen: gen}
}

// take adds a batch to the items in hand.
func (h *hand) take(p popped) error {
	h.noteHosts(p.items)
	h.items = mergeByPriority(h.items, p.items)
	h.dry = p.err == nil && len(p.items) < p.k
	if p.drained {
		h.empty.drained(p.gen)
	}
	return p.err
}

// collect waits for the batch popped ahead, if any, and takes it.
func (h *hand) collect() error {
	if h.ahead == nil {
		return nil
	}
	p := <-h.ahead
	h.ahead = nil
	return h.take(p)
}

// poll takes the batch popped ahead if it has come back, so that a short
// (often empty) one does not stand in for the next.
func (h *hand) poll() error {
	if h.ahead == nil {
		return nil
	}
	select {
	case p := <-h.ahead:
		h.ahead = nil
		return h.take(p)
	default:
		return nil
	}
}

// refill pops now when the hand is empty or a better link has been pushed
// since the last Pop (at most k items); otherwise it takes the batch popped
// ahead if that has come back. With pages still being read (not quiet), an
// empty hand is left empty when the last Pop came back short and nothing
// was pushed since: the frontier has nothing yet, and the loop waits for
// the reads instead of asking it again.
func (h *hand) refill(ctx context.Context, k int, quiet bool) error {
	h.waitBehind()
	if len(h.items) > 0 && !h.stale() {
		return h.poll()
	}
	if err := h.collect(); err != nil {
		return err
	}
	if len(h.items) > 0 && !h.stale() {
		return nil
	}
	if len(h.items) == 0 && !quiet && h.dry && !h.best.any() {
		return nil
	}
	if h.empty.known() {
		return nil // nothing pushed since a Pop drained it
	}
	h.best.reset()
	return h.take(h.pop(ctx, k))
}

// stale reports whether a link better than the best in hand has been
// pushed since the last Pop began.
func (h *hand) stale() bool { return h.best.above(h.items[0].Priority) }

// next returns the best item in hand and starts popping the next batch (at
// most k) once half a batch is left.
func (h *hand) next(ctx context.Context, k int) archive.FrontierItem {
	return h.nextAt(ctx, 0, k)
}

// nextAt is next for the item at i (the best on a host free to fetch).
func (h *hand) nextAt(ctx context.Context, i, k int) archive.FrontierItem {
	it := h.items[i]
	h.items = slices.Delete(h.items, i, i+1)
	if k = min(popAhead, k-len(h.items)); len(h.items) <= popAhead/2 && h.ahead == nil && k > 0 && !h.empty.known() {
		h.best.reset()
		ch := make(chan popped, 1)
		go func() {
			ch <- h.pop(ctx, k)
			if h.arrived != nil {
				h.arrived()
			}
		}()
		h.ahead = ch
	}
	return it
}

// handMax bounds the items in hand when all are on hosts busy with the
// seed's other fetches (more are popped to find one on a free host).
const handMax = 4 * popAhead

// pick returns the index of the best item in hand that ok allows (its
// host free to fetch), or -1.
func (h *hand) pick(ok func(archive.FrontierItem) bool) int {
	return slices.IndexFunc(h.items, ok)
}

// more pops another batch when every item in hand waits on a busy host:
// the frontier may hold the best item for a free one. Only for a seed that
// has items on a host other than its own, at most k items and handMax in
// hand, and not again while the frontier is dry and nothing new was
// pushed. It reports whether the hand has more items than before.
func (h *hand) more(ctx context.Context, k int) (bool, error) {
	if !h.elsewhere.Load() {
		return false, nil
	}
	n := len(h.items)
	if err := h.collect(); err != nil {
		return false, err
	}
	k = min(popAhead, k-len(h.items), handMax-len(h.items))
	if k <= 0 || (h.dry && !h.best.any()) || h.empty.known() {
		return len(h.items) > n, nil
	}
	h.best.reset()
	err := h.take(h.pop(ctx, k))
	return len(h.items) > n, err
}

// split divides links new to the frontier into those to take into the
// hand at once (better than every item in hand, at most k, best first) and
// the rest (best first). Links already in hand are dropped.
func (h *hand) split(links []archive.FrontierItem, k int) (take, rest []archive.FrontierItem) {
	in := make(map[string]bool, len(h.items))
	for _, it := range h.items {
		in[it.Key] = true
	}
	links = slices.DeleteFunc(slices.Clone(links), func(l archive.FrontierItem) bool { return in[l.Key] })
	slices.SortStableFunc(links, func(a, b archive.FrontierItem) int { return cmp.Compare(b.Priority, a.Priority) })
	worst := h.items[len(h.items)-1].Priority
	n := 0
	for n < len(links) && n < k && links[n].Priority > worst {
		n++
	}
	take, rest = links[:n], links[n:]
	h.items = mergeByPriority(h.items, take)
	return take, rest
}

// queuedLinks are a navigation page's links on their way to the frontier.
type queuedLinks struct {
	wait   func() ([]archive.FrontierItem, error) // Frontier.PushTake's
	taken  map[string]bool                        // the keys taken into the hand
	behind bool                                   // some were pushed behind the next fetch
	best   float64                                // the best of those
}

// addLinks adds a navigation page's links new to the frontier, with at
// most k items in hand. With nothing in hand to weigh them against it
// pushes them and pops the best batch in one round trip. Otherwise it
// takes the links better than all in hand at once and queues the write
// without waiting for it (Frontier.PushTake): the next fetch goes ahead,
// and finish must be called with what it returns.
func (h *hand) addLinks(ctx context.Context, links []archive.FrontierItem, k int) (*queuedLinks, error) {
	switch {
	case len(links) == 0:
		return nil, nil
	case len(h.items) == 0:
		return nil, h.pushPop(ctx, min(popAhead, k), links)
	}
	h.noteHosts(links)
	take, rest := h.split(links, k-len(h.items))
	q := &queuedLinks{taken: make(map[string]bool, len(take))}
	for _, t := range take {
		q.taken[t.Key] = true
	}
	if len(rest) > 0 {
		q.behind, q.best = true, rest[0].Priority
		h.pushBehind(q.best)
	}
	pushed := h.empty.push()
	wait := h.fr.PushTake(ctx, take, rest...)
	q.wait = func() ([]archive.FrontierItem, error) {
		defer pushed()
		return wait()
	}
	return q, nil
}

// finish waits for links queued by addLinks to be in the frontier. Safe
// for concurrent use.
func (h *hand) finish(q *queuedLinks) error {
	added, err := q.wait()
	// Only what was pushed (not taken) is news to the loop.
	for _, a := range added {
		if !q.taken[a.Key] {
			h.best.raise(a.Priority)
		}
	}
	if q.behind {
		h.pushedBehind(q.best)
	}
	return err
}

// pushBehind notes a push, in the background, of links whose best is best.
func (h *hand) pushBehind(best float64) { h.pushing = append(h.pushing, best) }

// pushedBehind notes that such a push has ended (after push has raised
// h.best for what it added).
func (h *hand) pushedBehind(best float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if i := slices.Index(h.pushing, best); i >= 0 {
		h.pushing = slices.Delete(h.pushing, i, i+1)
	}
	h.cond.Broadcast()
}

// waitBehind waits while a push behind may hold a link better than the
// best in hand (with an empty hand, for every push behind: the next Pop
// must see their links).
func (h *hand) waitBehind() {
	for slices.ContainsFunc(h.pushing, func(p float64) bool { return len(h.items) == 0 || p > h.items[0].Priority }) {
		h.cond.Wait()
	}
}

// putBack returns an item the loop took but did not fetch, at its place.
func (h *hand) putBack(it archive.FrontierItem) {
	h.items = mergeByPriority([]archive.FrontierItem{it}, h.items)
}

// pushPop pushes a navigation page's links and takes the best batch (at
// most k), old and new together, in one round trip.
func (h *hand) pushPop(ctx context.Context, k int, links []archive.FrontierItem) error {
	h.noteHosts(links)
	defer h.empty.push()()
	added, its, err := h.fr.PushPop(ctx, max(k, 0), links...)
	if err != nil {
		return err
	}
	h.noteHosts(its)
	h.items = mergeByPriority(h.items, its)
	h.dry = len(its) < k
	if len(its) < len(added) { // some better than what is in hand may be left
		for _, n := range added {
			h.best.raise(n.Priority)
		}
	}
	return nil
}

// push stores links found on a page read in the background. Safe for
// concurrent use.
func (h *hand) push(ctx context.Context, links []archive.FrontierItem) error {
	if len(links) == 0 {
		return nil
	}
	h.noteHosts(links)
	defer h.empty.push()()
	added, err := h.fr.PushNew(ctx, links...)
	// Only links new to the frontier can change what is best: every page
	// links home and its section again.
	for _, n := range added {
		h.best.raise(n.Priority)
	}
	return err
}

// noteHosts notes items on hosts other than the seed's, pushed or popped
// (see more). Safe for concurrent use.
func (h *hand) noteHosts(links []archive.FrontierItem) {
	if h.elsewhere.Load() {
		return
	}
	for _, l := range links {
		if l.Host != "" && l.Host != h.home {
			h.elsewhere.Store(true)
			return
		}
	}
}

// mergeByPriority adds popped items to the ones in hand, best first; among
// equals the ones in hand (popped earlier) go first, as the frontier would.
// A key in both is kept once.
func mergeByPriority(queue, items []archive.FrontierItem) []archive.FrontierItem {
	if len(items) == 0 {
		return queue
	}
	queue = append(queue, items...)
	slices.SortStableFunc(queue, func(a, b archive.FrontierItem) int { return cmp.Compare(b.Priority, a.Priority) })
	// A link taken from a list page (split) may come back in a batch popped
	// meanwhile: keep one.
	seen := make(map[string]bool, len(queue))
	return slices.DeleteFunc(queue, func(it archive.FrontierItem) bool {
		dup := seen[it.Key]
		seen[it.Key] = true
		return dup
	})
}

// emptiness tracks whether a seed's frontier is known to hold nothing
// pending: a Pop said it drained it (frontier.Drainer) and nothing has
// been pushed since. A Pop's word counts only if no push was under way
// when it began and none began before its answer was taken: a push that
// ended before the Pop began was applied before it, any other may not be.
// Safe for concurrent use.
type emptiness struct {
	mu      sync.Mutex
	pushes  int64 // pushes begun
	pushing int   // pushes begun and not ended
	at      int64 // pushes when a Pop last drained the frontier
	set     bool  // at is set
}

// begin is called as a Pop begins: gen identifies the pushes so far, and
// clean says none is under way.
func (e *emptiness) begin() (gen int64, clean bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pushes, e.pushing == 0
}

// drained records that a Pop begun at gen (clean) drained the frontier.
func (e *emptiness) drained(gen int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pushes == gen {
		e.at, e.set = gen, true
	}
}

// known reports whether the frontier is known to hold nothing pending.
func (e *emptiness) known() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set && e.at == e.pushes && e.pushing == 0
}

// forget drops what is known (another worker may have pushed).
func (e *emptiness) forget() {
	e.mu.Lock()
	e.set = false
	e.mu.Unlock()
}

// push is called as a push begins; the func it returns, as it ends.
func (e *emptiness) push() (ended func()) {
	e.mu.Lock()
	e.pushes++
	e.pushing++
	e.mu.Unlock()
	return sync.OnceFunc(func() {
		e.mu.Lock()
		e.pushing--
		e.mu.Unlock()
	})
}

// maxPriority is the best priority pushed since the last reset, shared by
// the goroutines that read pages and the fetch loop.
type maxPriority struct {
	mu   sync.Mutex
	set  bool
	best float64
}

func (m *maxPriority) reset() {
	m.mu.Lock()
	m.set = false
	m.mu.Unlock()
}

// any reports whether anything has been pushed since the last reset.
func (m *maxPriority) any() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.set
}

func (m *maxPriority) raise(p float64) {
	m.mu.Lock()
	if !m.set || p > m.best {
		m.set, m.best = true, p
	}
	m.mu.Unlock()
}

// above reports whether a link better than p has been pushed since the
// last reset.
func (m *maxPriority) above(p float64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.set && m.best > p
}
