package frontier

import "context"

// Settler is implemented by the Queue of a store that several workers
// share (Redis). A worker that finds nothing pending on a seed and none of
// its own pages left to read asks Settle before it ends the seed: other
// workers may still be fetching pages whose links are to come, and a dead
// worker's claims come back to pending when its lease runs out. Settle
// waits while others hold claims and nothing is pending, and reports
// whether items are pending now (more: go on popping) or the seed's crawl
// is over (then Reset finishes it for every worker).
type Settler interface {
	Settle(ctx context.Context) (more bool, err error)
}

// Joiner is implemented by a Store that several workers share. The
// crawler calls Join once per run, before any Begin, with the canonical
// URLs of every seed it will crawl, so the store knows when the shared
// crawl of all of them is over. Join returns the order in which this
// worker should take up the seeds (indexes into seeds), so that workers
// starting together begin on different seeds rather than all on the
// first ones.
type Joiner interface {
	Join(ctx context.Context, seeds []string) (order []int, err error)
}

// Spreader is implemented by a Store that several workers share. Busy
// reports whether other live workers are crawling the seed now: a worker
// choosing its next seed takes one nobody is on, so workers do not end up
// in step on the same hosts (whose rate they would then split).
type Spreader interface {
	Busy(ctx context.Context, seed string) (bool, error)
}

// RobotsAnswer is a host's robots.txt as fetched: what a robots.txt
// parser reads of the response.
type RobotsAnswer struct {
	Status int
	Body   []byte
}

// RobotsKeeper is implemented by a Store that several workers share: it
// keeps each host's robots.txt for the crawl (one generation), so one
// worker fetches it and every worker obeys the same rules. Robots returns
// the answer kept under key (scheme://host:port). When none is kept, it
// calls fetch, once across all workers: the others wait for that answer,
// and should the worker fetching it die, another takes over. What fetch
// returns is kept; a fetch error is returned and not kept, so the next
// caller tries again.
type RobotsKeeper interface {
	Robots(ctx context.Context, key string, fetch func(context.Context) (RobotsAnswer, error)) (RobotsAnswer, error)
}

// Parker is implemented by a Store that several workers share. A host
// that one worker parks (it failed too many requests in a row, see
// crawler/park.go) is parked for every worker, with the reason, until the
// crawl's next generation. The shared Clock's Start then answers with a
// *ParkedError for the host, so a worker learns of it at its next request.
type Parker interface {
	// Park records host as parked, and why. The first reason stays.
	Park(ctx context.Context, host, reason string) error
	// Parked returns why host is parked, or "".
	Parked(ctx context.Context, host string) (reason string, err error)
}

// ParkedError is a shared Clock's answer for a host that a worker parked.
type ParkedError struct {
	Host, Reason string
}

func (e *ParkedError) Error() string { return "host " + e.Host + " parked: " + e.Reason }

// Suspender is implemented by the Queue of a store that several workers
// share. A seed that stops because its host is parked is over for this
// generation, for every worker, and keeps its frontier: the next
// generation resumes it, as the next run resumes a parked seed's frontier
// in the archive.
type Suspender interface {
	Suspend(ctx context.Context) error
}

// Spender is implemented by the Queue of a store that several workers
// share, so a seed's page budget (--max-pages) holds across them. Spend
// takes one page of a budget of max for the seed in this generation: ok
// is false once max pages have been taken, by any worker; left is how
// many are left after this one.
type Spender interface {
	Spend(ctx context.Context, max int) (ok bool, left int, err error)
}
