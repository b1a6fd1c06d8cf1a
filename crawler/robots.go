package crawler

import (
	"container/list"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"
)

// robotsRules obeys robots.txt for a run, in colly's place: per host
// (scheme://host:port) it fetches robots.txt once, through the transport
// (the host's gate, the body budget), keeps the group of rules for our
// User-Agent, and tests each request's path as colly did. colly kept every
// host's whole parsed file for the run, about twice its size (up to 1 MB
// for a 512 KB file), and a national list crawls tens of thousands of
// hosts; here the rules kept stay within a byte bound, the hosts used least
// recently dropped first (and asked again should they come back).
type robotsRules struct {
	client *http.Client
	ua     string
	max    int64 // bytes of rules kept (robotsKept each)

	mu    sync.Mutex
	used  int64
	lru   list.List                // *robotsEntry, most recently used first
	hosts map[string]*list.Element // scheme://host → its entry
	loads map[string]*robotsLoad   // fetches in progress: seeds that ask together share one
}

type robotsEntry struct {
	key   string
	group *robotstxt.Group // nil: no rules for us
	size  int64
}

type robotsLoad struct {
	done  chan struct{}
	group *robotstxt.Group
	err   error
}

// robotsShare is the part of Config.MemoryBudget the rules kept may take
// (32 MiB by default: 2,048 hosts in flight at ~2 KB of rules each take
// 4 MB; only hosts with huge files are dropped and asked again).
const robotsShare = 16

// robotsKept is what the rules of a robots.txt of n bytes are reckoned to
// hold: parsed, a file of many short rules takes 2.1× its size (measured
// with robotstxt on 100–512 KB files); the group kept is part of that.
func robotsKept(n int) int64 { return 2*int64(n) + 256 }

func newRobotsRules(client *http.Client, ua string, max int64) *robotsRules {
	return &robotsRules{client: client, ua: ua, max: max, hosts: map[string]*list.Element{}, loads: map[string]*robotsLoad{}}
}

// allowed returns nil if u may be fetched, colly.ErrRobotsTxtBlocked if
// the host's robots.txt disallows it, or why robots.txt could not be read
// (not kept: the next request asks again).
func (r *robotsRules) allowed(ctx context.Context, u *url.URL) error {
	g, err := r.group(ctx, u)
	if err != nil || g == nil {
		return err
	}
	// As colly tests it: the escaped path, and the query re-encoded.
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.Query().Encode()
	}
	if !g.Test(p) {
		return colly.ErrRobotsTxtBlocked
	}
	return nil
}

// group returns the host's rules for our User-Agent, fetching them if
// they are not kept.
func (r *robotsRules) group(ctx context.Context, u *url.URL) (*robotstxt.Group, error) {
	key := u.Scheme + "://" + u.Host
	r.mu.Lock()
	if el, ok := r.hosts[key]; ok {
		r.lru.MoveToFront(el)
		r.mu.Unlock()
		return el.Value.(*robotsEntry).group, nil
	}
	ld, loading := r.loads[key]
	if !loading {
		ld = &robotsLoad{done: make(chan struct{})}
		r.loads[key] = ld
	}
	r.mu.Unlock()
	if loading {
		select {
		case <-ld.done:
			return ld.group, ld.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	g, n, err := r.fetch(ctx, key)
	r.mu.Lock()
	delete(r.loads, key)
	if err == nil {
		r.keep(&robotsEntry{key: key, group: g, size: robotsKept(n)})
	}
	r.mu.Unlock()
	ld.group, ld.err = g, err
	close(ld.done)
	return g, err
}

// fetch gets and parses key's robots.txt: the group for our User-Agent and
// the file's size.
func (r *robotsRules) fetch(ctx context.Context, key string) (*robotstxt.Group, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, key+"/robots.txt", nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("User-Agent", r.ua)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close() // after parsing: the body budget holds it until then
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, 0, fmt.Errorf("robots.txt of %s: %w", key, err)
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		return nil, 0, fmt.Errorf("robots.txt of %s: %w", key, err)
	}
	// A 5xx answer parses as "disallow all", which has no group: allowed,
	// as under colly (RFC 9309 would assume a full disallow).
	return data.FindGroup(r.ua), len(body), nil
}

// keep adds an entry, dropping the least recently used ones while the
// rules kept are over the bound (the newest always stays). Callers hold mu.
func (r *robotsRules) keep(e *robotsEntry) {
	r.hosts[e.key] = r.lru.PushFront(e)
	r.used += e.size
	for r.used > r.max && r.lru.Len() > 1 {
		old := r.lru.Remove(r.lru.Back()).(*robotsEntry)
		delete(r.hosts, old.key)
		r.used -= old.size
	}
}
