package frontier

import (
	"context"
	"sync"
	"time"
)

// LocalClock is a Clock for one process: a next slot per host, in memory.
type LocalClock struct {
	mu   sync.Mutex
	next map[string]time.Time
	now  func() time.Time
}

// NewLocalClock returns an empty clock.
func NewLocalClock() *LocalClock { return &LocalClock{next: map[string]time.Time{}, now: time.Now} }

// Start implements Clock.
func (c *LocalClock) Start(_ context.Context, host string, interval time.Duration) (time.Time, time.Duration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if wait := c.next[host].Sub(now); wait > 0 {
		return time.Time{}, wait, nil
	}
	if interval > 0 {
		c.next[host] = now.Add(interval)
	} else {
		delete(c.next, host) // no limit: keep the map to hosts that wait
	}
	return now, 0, nil
}

// Delay implements Clock.
func (c *LocalClock) Delay(_ context.Context, host string, until time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if until.After(c.next[host]) {
		c.next[host] = until
	}
	return nil
}
