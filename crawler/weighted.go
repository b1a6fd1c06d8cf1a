package crawler

import "sync"

// weighted bounds work in progress by count and by bytes. A single item
// bigger than the byte budget is let through when nothing else holds it.
type weighted struct {
	mu              sync.Mutex
	cond            *sync.Cond
	maxN, n         int
	maxBytes, bytes int64
}

func newWeighted(maxN int, maxBytes int64) *weighted {
	w := &weighted{maxN: maxN, maxBytes: maxBytes}
	w.cond = sync.NewCond(&w.mu)
	return w
}

func (w *weighted) acquire(b int64) {
	w.mu.Lock()
	for w.n > 0 && (w.n >= w.maxN || w.bytes+b > w.maxBytes) {
		w.cond.Wait()
	}
	w.n++
	w.bytes += b
	w.mu.Unlock()
}

func (w *weighted) release(b int64) {
	w.mu.Lock()
	w.n--
	w.bytes -= b
	w.mu.Unlock()
	w.cond.Broadcast()
}
