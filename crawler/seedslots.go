package crawler

import (
	"context"
	"sync"
)

// seedHosts is how many hosts one seed fetches from at once. A portal's
// pages span a few hosts (the 政府信息公开 column on xxgk.*, attachments on
// a file server or a CDN, a county portal's township sites): each is
// fetched beside the others, under its own rate, connections and
// robots.txt, so a slow or hanging one never holds the seed's own host
// back. The cap bounds what one seed holds in flight (goroutines, items,
// connections) when a portal links dozens of sites; bodies are bounded by
// the body budget whatever the number.
const seedHosts = 8

// seedSlots bounds one seed's fetches in flight: Connections per host
// (the host's gate enforces the same across seeds; this keeps one seed's
// items from queueing at a busy host while another host is free), on at
// most seedHosts hosts at once. It also wakes the seed's fetch loop when
// anything it may wait for happens: a slot given back, a page read.
type seedSlots struct {
	mu      sync.Mutex
	perHost int
	busy    map[string]int // host → fetches in flight
	n       int            // fetches in flight, all hosts
	changed chan struct{}  // closed (and replaced) by wake
	idle    chan struct{}  // closed (and replaced) when n drops to 0
}

func newSeedSlots(perHost int) *seedSlots {
	return &seedSlots{perHost: perHost, busy: map[string]int{}, changed: make(chan struct{}), idle: make(chan struct{})}
}

// free reports whether a fetch on host may start now.
func (s *seedSlots) free(host string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.busy[host]; b > 0 {
		return b < s.perHost
	}
	return len(s.busy) < seedHosts
}

// take starts a fetch on host (free must have said yes).
func (s *seedSlots) take(host string) {
	s.mu.Lock()
	s.busy[host]++
	s.n++
	s.mu.Unlock()
}

// give ends a fetch on host and wakes the loop.
func (s *seedSlots) give(host string) {
	s.mu.Lock()
	if s.busy[host]--; s.busy[host] <= 0 {
		delete(s.busy, host)
	}
	if s.n--; s.n == 0 {
		close(s.idle)
		s.idle = make(chan struct{})
	}
	s.mu.Unlock()
	s.wake()
}

// inFlight is the number of fetches in flight.
func (s *seedSlots) inFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// wake tells the loop something it may wait for has happened.
func (s *seedSlots) wake() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// next returns a channel closed at the next wake; take it before looking
// at what to wait for, so that no wake is missed.
func (s *seedSlots) next() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// drain waits until no fetch is in flight (every fetch gives its slot
// back promptly once its context is done).
func (s *seedSlots) drain() {
	for {
		s.mu.Lock()
		n, idle := s.n, s.idle
		s.mu.Unlock()
		if n == 0 {
			return
		}
		<-idle
	}
}

// waitFor waits for ch or ctx.
func waitFor(ctx context.Context, ch <-chan struct{}) {
	select {
	case <-ch:
	case <-ctx.Done():
	}
}
