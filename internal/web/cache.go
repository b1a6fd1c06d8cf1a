package web

import (
	"sync"
	"time"
)

// cacheTTL is how long a value computed from the whole archive (the home
// page's overview, the publication index) is reused: computing it reads
// every URL, which takes seconds on a large archive, and the archive only
// grows between crawls.
const cacheTTL = time.Minute

// cached keeps the last value build returned for cacheTTL.
type cached[T any] struct {
	mu    sync.Mutex
	v     T
	built time.Time
}

// get returns the kept value, or builds a new one when it is older than
// cacheTTL (or none was built). A failed build keeps nothing.
func (c *cached[T]) get(build func() (T, error)) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.built.IsZero() && time.Since(c.built) < cacheTTL {
		return c.v, nil
	}
	v, err := build()
	if err != nil {
		var zero T
		return zero, err
	}
	c.v, c.built = v, time.Now()
	return v, nil
}
