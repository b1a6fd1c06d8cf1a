// Package frontier is the state a crawl's scheduler keeps outside the
// crawling process: per seed, the links still to fetch (best first), the
// keys already seen, and the items claimed by a fetcher; per host, the
// politeness clock. The crawler (package crawler) talks only to these
// interfaces, so the state can live in the archive file (bbolt.go: one
// process, resumable after Ctrl-C or kill -9) or in a shared server
// (Redis: several worker processes crawl one list together).
//
// The scheduler itself (which host to serve next, connections, budgets,
// parking failing hosts) is the crawler's; what is here is only what must
// survive the process or be shared between processes.
package frontier

import (
	"context"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// Item is one link to fetch: Key is unique within a seed's frontier
// (normally the canonical URL; "POST url form" for a form request), Host
// the host:port it is fetched from, Priority orders it (higher first, FIFO
// among equals), Data is the crawler's own encoding of the request.
type Item = archive.FrontierItem

// Store holds the frontiers of a crawl's seeds and its hosts' clocks.
type Store interface {
	// Queue returns the frontier of one seed, named by the seed's
	// canonical URL. It does no I/O; two calls with one name share state.
	Queue(seed string) Queue
	// Clock returns the politeness clock shared by every seed and every
	// worker of the crawl.
	Clock() Clock
}

// Queue is one seed's frontier: a priority queue of pending items, a set
// of every key it has held (pending, claimed or done), and the claimed
// items. A seed's budget and its best-first order are kept by the caller
// over one Queue.
//
// Ordering: calls from one goroutine take effect in the order they are
// made, including PushTake, which returns before it has taken effect. A
// Done or Release of a key always comes after the push that added it.
//
// Durability: a call that has returned may still be lost by a crash
// (kill -9, power), but never out of order: if a later call survived, so
// did every earlier one. Claimed items survive a crash as pending.
//
// Claims: Pop and PushTake claim items. A claimed item is returned by no
// other Pop until Done or Release, or until its claim lapses: at the
// next Begin after a crash or restart (bbolt), or when the claim's lease
// expires (a shared store, whose leases must outlast one fetch with its
// retries: Timeout × (Retries+1) plus the backoffs).
type Queue interface {
	// Begin starts or resumes the seed's crawl. If items are pending or
	// claimed from an interrupted crawl it keeps them (lapsed claims back
	// to pending, in place) and returns resumed; otherwise it forgets
	// every key a finished crawl left and pushes first.
	Begin(ctx context.Context, first Item) (resumed bool, err error)

	// Known reports for each key whether the queue holds it (pending,
	// claimed or done). It must see every push already made by this
	// process, even one not yet durable or applied (PushTake), so a link
	// is never pushed as new twice; it may miss a push by another worker
	// made a moment ago (the push itself then skips the key).
	Known(keys ...string) ([]bool, error)

	// PushNew adds the items whose keys the queue does not hold and
	// returns them, in the order given. An empty key is an error.
	PushNew(ctx context.Context, items ...Item) (added []Item, err error)

	// PushPop is PushNew, then Pop(n), as one atomic step: the best n of
	// the old and new pending items.
	PushPop(ctx context.Context, n int, items ...Item) (added, popped []Item, err error)

	// PushTake claims the items of take as Pop would (new ones added
	// claimed; pending ones moved to claimed; claimed or done ones left
	// alone) and pushes items as PushNew. It returns before the write
	// takes effect; wait blocks until it has and returns the items added
	// (taken or pushed) that the queue did not hold.
	PushTake(ctx context.Context, take []Item, items ...Item) (wait func() (added []Item, err error))

	// Pop claims and returns up to n pending items, highest priority
	// first, FIFO among equal priorities.
	Pop(ctx context.Context, n int) ([]Item, error)

	// Done marks keys finished: no longer pending or claimed, and never
	// pushed again until Reset. Unknown keys are recorded as done.
	Done(ctx context.Context, keys ...string) error

	// Release returns claimed items to pending at their original place
	// (priority and push order), for a fetcher that claimed more than it
	// fetched. Keys not claimed are left alone.
	Release(ctx context.Context, keys ...string) error

	// Reset forgets everything: pending, claimed and done keys. A seed's
	// finished crawl ends with it, so the next crawl starts from the
	// seed again (conditionally: the archive keeps the validators). Once
	// it returns, Known reports no old key.
	Reset(ctx context.Context) error
}

// Chainer is implemented by a Queue kept in the archive file itself
// (bbolt). Its DoneAfter queues Done behind the archive writes of the page
// it finishes (the capture, queued by archive.Store.QueueCapture): the
// write is applied only if that one is, and never commits before it, so
// the crawler need not wait for the capture to be durable before it asks.
// The crawler calls Done on any other Queue only once the capture is
// durable.
type Chainer interface {
	DoneAfter(ctx context.Context, after *archive.Queued, keys ...string) *archive.Queued
}

// Drainer is implemented by a Queue that only its own process pushes to
// (bbolt). PopDrained is Pop, and also reports whether the Pop left no
// item pending: until the process pushes again, another Pop would return
// nothing, and the crawler does not ask (a URL-list seed, one page, is one
// Pop instead of three).
type Drainer interface {
	PopDrained(ctx context.Context, n int) (items []Item, drained bool, err error)
}

// Clock is the per-host politeness clock: the earliest time the next
// request to a host may start. Every seed and every worker crawling one
// host share it, so the host sees one rate however the crawl is split.
type Clock interface {
	// Start asks to start a request to host now. If the host's next slot
	// has come it takes it and returns the clock's now as start (the next
	// slot becomes start + interval, so a late caller never brings two
	// starts closer than interval) and wait 0; otherwise it takes nothing
	// and returns how long to wait before asking again.
	Start(ctx context.Context, host string, interval time.Duration) (start time.Time, wait time.Duration, err error)
	// Delay moves the host's next slot to at least until (Retry-After, or
	// the backoff of a failing host). It never brings the slot earlier.
	Delay(ctx context.Context, host string, until time.Time) error
}
