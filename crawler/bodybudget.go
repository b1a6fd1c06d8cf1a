package crawler

import (
	"container/list"
	"context"
	"io"
	"sync"
)

// bodyBudget bounds the bytes of response bodies held between the wire
// and the archivers: buffers being filled by downloads and bodies waiting
// to be archived (the archivers count theirs once they take a page). Each
// fetch may hold up to MaxBodySize, and with many hosts and seeds in
// flight the bodies, not the hosts, would decide the memory a crawl uses.
//
// A download asks for more as its buffer grows and waits while the budget
// is spent, except the oldest hold, which is always let through: it can
// finish and give its bytes back, so downloads never all wait on each
// other. The bytes over the budget are then at most one body.
type bodyBudget struct {
	mu    sync.Mutex
	max   int64
	used  int64
	peak  int64         // most bytes held at once (tests, benchmarks)
	holds list.List     // *bodyHold in flight, oldest first
	freed chan struct{} // closed (and replaced) whenever bytes are given back
}

// bodyShare is the part of Config.MemoryBudget bodies may hold (a
// quarter: 128 MiB by default, as much again as the archivers take).
const bodyShare = 4

func newBodyBudget(max int64) *bodyBudget {
	return &bodyBudget{max: max, freed: make(chan struct{})}
}

// bodyHold is the bytes one fetch holds. Its methods are safe on a nil
// hold (no budget).
type bodyHold struct {
	b  *bodyBudget
	n  int64
	el *list.Element
}

// hold starts a hold of no bytes, younger than every hold in flight (nil
// without a budget).
func (b *bodyBudget) hold() *bodyHold {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h := &bodyHold{b: b}
	h.el = b.holds.PushBack(h)
	return h
}

// tryGrow adds n bytes to the hold if the budget has them or the hold is
// the oldest.
func (h *bodyHold) tryGrow(n int64) (ok bool, freed <-chan struct{}) {
	if h == nil {
		return true, nil
	}
	b := h.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.max && b.holds.Front() != h.el {
		return false, b.freed
	}
	h.n += n
	b.used += n
	b.peak = max(b.peak, b.used)
	return true, nil
}

// grow adds n bytes to the hold, waiting for them while the budget is
// spent; waited reports whether it had to.
func (h *bodyHold) grow(ctx context.Context, n int64) (waited bool, err error) {
	if h == nil {
		return false, nil
	}
	for {
		ok, freed := h.tryGrow(n)
		if ok {
			return waited, nil
		}
		waited = true
		select {
		case <-freed:
		case <-ctx.Done():
			return waited, ctx.Err()
		}
	}
}

// release gives the hold's bytes back and ends it. It may be called more
// than once.
func (h *bodyHold) release() {
	if h == nil {
		return
	}
	b := h.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if h.el == nil {
		return
	}
	b.holds.Remove(h.el)
	h.el = nil
	b.used -= h.n
	h.n = 0
	// Also when no bytes come back: the next hold may now be the oldest.
	close(b.freed)
	b.freed = make(chan struct{})
}

// readBody reads r (already limited) into a buffer of initial capacity
// size, growing it by doubling; each growth is first granted by h, through
// wait, which may block (and pauses the caller's deadline meanwhile).
func readBody(r io.Reader, size int64, h *bodyHold, wait func(h *bodyHold, n int64) error) ([]byte, error) {
	size = max(size, 512)
	if err := wait(h, size); err != nil {
		return nil, err
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			more := max(int64(cap(buf)), 4<<10)
			if err := wait(h, more); err != nil {
				return buf, err
			}
			nb := make([]byte, len(buf), int64(cap(buf))+more)
			copy(nb, buf)
			buf = nb
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
