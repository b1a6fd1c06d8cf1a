package crawler

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/gongkai/gongkai/archive"
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
// before it fetches. Callers hold mu, except for push (safe for
// concurrent use).
type hand struct {
	mu    sync.Mutex
	fr    *archive.Frontier
	items []archive.FrontierItem
	ahead chan popped // the next batch, popped in the background
	best  maxPriority // the best link pushed since the last Pop began
}

// popped is one batch from a seed's frontier.
type popped struct {
	items []archive.FrontierItem
	err   error
}

// take adds a batch to the items in hand.
func (h *hand) take(p popped) error {
	h.items = mergeByPriority(h.items, p.items)
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
// ahead if that has come back.
func (h *hand) refill(ctx context.Context, k int) error {
	stale := len(h.items) > 0 && h.best.above(h.items[0].Priority)
	if len(h.items) > 0 && !stale {
		return h.poll()
	}
	if err := h.collect(); err != nil {
		return err
	}
	if len(h.items) > 0 && !stale {
		return nil
	}
	h.best.reset()
	its, err := h.fr.Pop(ctx, k)
	return h.take(popped{items: its, err: err})
}

// next returns the best item in hand and starts popping the next batch (at
// most k) once half a batch is left.
func (h *hand) next(ctx context.Context, k int) archive.FrontierItem {
	it := h.items[0]
	h.items = h.items[1:]
	if k = min(popAhead, k-len(h.items)); len(h.items) <= popAhead/2 && h.ahead == nil && k > 0 {
		h.best.reset()
		ch := make(chan popped, 1)
		go func() {
			its, err := h.fr.Pop(ctx, k)
			ch <- popped{items: its, err: err}
		}()
		h.ahead = ch
	}
	return it
}

// putBack returns an item the loop took but did not fetch.
func (h *hand) putBack(it archive.FrontierItem) {
	h.items = append([]archive.FrontierItem{it}, h.items...)
}

// pushPop pushes a navigation page's links and takes the best batch (at
// most k), old and new together, in one round trip.
func (h *hand) pushPop(ctx context.Context, k int, links []archive.FrontierItem) error {
	added, its, err := h.fr.PushPop(ctx, max(k, 0), links...)
	if err != nil {
		return err
	}
	h.items = mergeByPriority(h.items, its)
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
	added, err := h.fr.PushNew(ctx, links...)
	// Only links new to the frontier can change what is best: every page
	// links home and its section again.
	for _, n := range added {
		h.best.raise(n.Priority)
	}
	return err
}

// mergeByPriority adds popped items to the ones in hand, best first; among
// equals the ones in hand (popped earlier) go first, as the frontier would.
func mergeByPriority(queue, items []archive.FrontierItem) []archive.FrontierItem {
	if len(items) == 0 {
		return queue
	}
	queue = append(queue, items...)
	slices.SortStableFunc(queue, func(a, b archive.FrontierItem) int { return cmp.Compare(b.Priority, a.Priority) })
	return queue
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
