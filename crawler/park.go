package crawler

import (
	"fmt"
	"sort"
	"time"
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
	defer g.mu.Unlock()
	if !failed {
		g.fails = 0
		return
	}
	g.fails++
	if g.parked == "" && t.cfg.ParkAfter > 0 && g.fails >= t.cfg.ParkAfter {
		g.parked = fmt.Sprintf("%d requests in a row failed (last: %s)", g.fails, what)
		return
	}
	if g.fails >= 2 {
		g.pushBack(time.Now().Add(t.backoff(g.fails - 2)))
	}
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
