package crawler

import (
	"net"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/net/publicsuffix"
)

// scope is the part of the web one seed may crawl: the seed's host and every
// host under its registered domain (www.beijing.gov.cn → *.beijing.gov.cn).
// A seed whose own page redirects to another site extends it to that site.
type scope struct {
	mu      sync.RWMutex
	domains []string // registered domains, or exact host:port for IP hosts
}

func newScope(seedURL string) *scope {
	s := &scope{}
	if u, err := url.Parse(seedURL); err == nil {
		s.add(u)
	}
	return s
}

// siteKey is the registered domain of u's host, or host:port for an IP or a
// single-label name (where a port is all that tells two sites apart).
func siteKey(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	if net.ParseIP(h) != nil || !strings.Contains(h, ".") {
		return strings.ToLower(u.Host)
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil {
		return d
	}
	return h
}

func (s *scope) add(u *url.URL) {
	k := siteKey(u)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.domains {
		if d == k {
			return
		}
	}
	s.domains = append(s.domains, k)
}

// allows reports whether u is on the seed's site.
func (s *scope) allows(u *url.URL) bool {
	if u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	k := siteKey(u)
	h := strings.ToLower(u.Hostname())
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, d := range s.domains {
		if k == d || h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}
