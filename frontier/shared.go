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
