package crawler

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/gongkai/gongkai/frontier"
)

// A host that keeps failing is slowed, then parked: after two fetches in a
// row that the host failed (no answer, a cut-off answer, a 5xx or a 429,
// each after its retries) its next request waits RetryBase·2ⁿ more (capped
// at MaxRetryWait); after ParkAfter in a row it gets no more requests this
// run, and the reason is recorded (Summary.Parked, the run's counts, the
// progress log). Its seeds stop with status parked and keep their
// frontiers, so the next run resumes them. Any answer from the host (a 404
// too) clears the count.

// hostFailed reports whether an outcome says the host failed, rather than
// answering about one page.
func hostFailed(kind string, status int) bool {
	switch kind {
	case "timeout", "reset", "refused", "network", "dns", "tls", "truncated":
		return true
	case "":
		return status >= 500 || status == 429
	}
	return false
}

// note counts one request's outcome (after retries) against the host:
// backs it off, or parks it.
func (g *hostGate) note(t *transport, failed bool, what string) {
	g.mu.Lock()
	if !failed {
		g.fails = 0
		g.mu.Unlock()
		return
	}
	g.fails++
	if g.parked == "" && t.cfg.ParkAfter > 0 && g.fails >= t.cfg.ParkAfter {
		g.parked = fmt.Sprintf("%d requests in a row failed (last: %s)", g.fails, what)
		why := g.parked
		g.mu.Unlock()
		if t.parker != nil {
			// Every worker of a shared crawl parks it too; a lost write
			// only means each finds out for itself.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = t.parker.Park(ctx, g.host, why)
			cancel()
		}
		return
	}
	if g.fails >= 2 {
		g.pushBack(time.Now().Add(t.backoff(g.fails - 2)))
	}
	g.mu.Unlock()
}

// learnParked parks the host here because another worker of a shared
// crawl parked it (frontier.Parker).
func (g *hostGate) learnParked(why string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.parked == "" {
		g.parked = why
	}
}

// sharedParked asks a shared frontier whether another worker has parked
// the host (before this worker begins its seeds) and parks it here too.
func (t *transport) sharedParked(ctx context.Context, g *hostGate) string {
	if t.parker != nil && g.parkedWhy() == "" {
		if why, err := t.parker.Parked(ctx, g.host); err == nil && why != "" {
			g.learnParked(why)
		}
	}
	return g.parkedWhy()
}

// suspend ends a parked seed's crawl for every worker of a shared
// frontier (frontier.Suspender), keeping its frontier for the next
// generation; the archive's own frontier just stays as it is.
func suspend(ctx context.Context, q frontier.Queue) error {
	if s, ok := q.(frontier.Suspender); ok {
		return s.Suspend(context.WithoutCancel(ctx))
	}
	return nil
}

// parkedWhy is why the host is parked, or "".
func (g *hostGate) parkedWhy() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.parked
}

// unparkAll gives every host a new chance (a new run).
func (t *transport) unparkAll() {
	t.gates.Range(func(_, v any) bool {
		g := v.(*hostGate)
		g.mu.Lock()
		g.fails, g.parked = 0, ""
		g.mu.Unlock()
		return true
	})
}

// ParkedHost is a host that got no more requests in a run, and why.
type ParkedHost struct {
	Host   string
	Reason string
}

// parked lists the parked hosts, by name.
func (t *transport) parked() []ParkedHost {
	var out []ParkedHost
	t.gates.Range(func(k, v any) bool {
		if why := v.(*hostGate).parkedWhy(); why != "" {
			out = append(out, ParkedHost{Host: k.(string), Reason: why})
		}
		return true
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out
}
