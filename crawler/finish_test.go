package crawler

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/frontier"
	"github.com/gongkai/gongkai/seeds"
)

// plainStore hands out the bbolt queues behind plainQueue (a frontier that
// is neither a Chainer nor a Drainer, as a shared one), or chainQueue.
type plainStore struct {
	frontier.Store
	st    *archive.Store
	chain bool   // give the queues DoneAfter
	fail  string // a key whose Done fails

	mu        sync.Mutex
	dones     int
	undurable []string // keys Done was asked for before their capture was durable
}

func (p *plainStore) Queue(seed string) frontier.Queue {
	q := &plainQueue{Queue: p.Store.Queue(seed), p: p}
	if p.chain {
		return &chainQueue{q}
	}
	return q
}

type plainQueue struct {
	frontier.Queue
	p *plainStore
}

// Done checks that each key's capture is committed: a read sees only
// committed transactions.
func (q *plainQueue) Done(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		u := k
		if f := strings.Fields(k); len(f) == 3 && f[0] == "POST" {
			u = f[1] // a form request's key: "POST url form"
		}
		cs, err := q.p.st.Captures(u)
		q.p.mu.Lock()
		q.p.dones++
		if err != nil || len(cs) == 0 {
			q.p.undurable = append(q.p.undurable, k)
		}
		q.p.mu.Unlock()
		if k == q.p.fail {
			return errors.New("injected failure")
		}
	}
	return q.Queue.Done(ctx, keys...)
}

type chainQueue struct{ *plainQueue }

// DoneAfter fails for the key to fail (its context already cancelled).
func (q *chainQueue) DoneAfter(ctx context.Context, after *archive.Queued, keys ...string) *archive.Queued {
	if len(keys) == 1 && keys[0] == q.p.fail {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		ctx = cctx
	}
	return q.Queue.(frontier.Chainer).DoneAfter(ctx, after, keys...)
}

// A frontier that cannot chain Done behind the archive's writes (a shared
// one, Redis) is asked Done for a page only once its capture is durable.
func TestDoneOnlyAfterCaptureDurable(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "hanweb", "http://192.0.2.1")
	st := testStore(t)
	fs := &plainStore{Store: frontier.Bolt(st), st: st}
	cfg := testConfig()
	cfg.Frontier = fs
	sum := crawl(t, st, cfg, p.url("/"))
	if sum.Pages < 10 || fs.dones != sum.Pages {
		t.Fatalf("%d pages, %d Done calls; want one each, 10 or more", sum.Pages, fs.dones)
	}
	if len(fs.undurable) > 0 {
		t.Errorf("Done before the capture was durable: %v", fs.undurable)
	}
}

// A page whose Done fails, chained or asked after, fails the crawl as any
// archive write does: the error is returned, the page is not counted (the
// pages fetched ahead of it are) and its item stays in the frontier for
// the next run.
func TestFailedDoneReported(t *testing.T) {
	for _, chain := range []bool{true, false} {
		p := newPortal(t)
		buildPortal(p, "hanweb", "http://192.0.2.1")
		st := testStore(t)
		fail := p.url("/")
		fs := &plainStore{Store: frontier.Bolt(st), st: st, chain: chain, fail: fail}
		cfg := testConfig()
		cfg.Frontier = fs
		var mu sync.Mutex
		counted := map[string]bool{}
		cfg.OnFetch = func(f Fetch) {
			mu.Lock()
			counted[f.URL] = true
			mu.Unlock()
		}
		c, err := New(st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := c.Run(context.Background(), []seeds.Seed{{URL: fail}})
		if err == nil || !strings.Contains(err.Error(), "frontier done "+fail) {
			t.Fatalf("chained %v: Run = %v; want the failed Done", chain, err)
		}
		if counted[fail] || sum.Pages != len(counted) {
			t.Errorf("chained %v: seed page counted %v, %d pages for %d reported; want it not counted", chain, counted[fail], sum.Pages, len(counted))
		}
		if cs, err := st.Captures(fail); err != nil || len(cs) != 1 {
			t.Errorf("chained %v: captures of the seed page: %d, %v; want 1", chain, len(cs), err)
		}
		resumed, err := frontier.Bolt(st).Queue(fail).Begin(context.Background(), frontier.Item{Key: fail, Host: "x", Priority: 1})
		if err != nil || !resumed {
			t.Errorf("chained %v: next Begin = %v, %v; want the seed's frontier kept to resume", chain, resumed, err)
		}
	}
}

// storePops counts the Pops of the bbolt queues, drained or not.
type storePops struct {
	frontier.Store
	mu   sync.Mutex
	pops int
}

func (p *storePops) Queue(seed string) frontier.Queue {
	return &countingQueue{Queue: p.Store.Queue(seed), p: p}
}

type countingQueue struct {
	frontier.Queue
	p *storePops
}

func (q *countingQueue) count() {
	q.p.mu.Lock()
	q.p.pops++
	q.p.mu.Unlock()
}

func (q *countingQueue) Pop(ctx context.Context, n int) ([]frontier.Item, error) {
	q.count()
	return q.Queue.Pop(ctx, n)
}

func (q *countingQueue) PopDrained(ctx context.Context, n int) ([]frontier.Item, bool, error) {
	q.count()
	return q.Queue.(frontier.Drainer).PopDrained(ctx, n)
}

// A list of report URLs (--max-depth 0) costs one Pop per seed: the Pop
// that takes the seed drains its frontier, and nothing is pushed after.
// A portal crawled from the same frontier finds the same pages.
func TestURLSeedPopsOnce(t *testing.T) {
	p := newPortal(t)
	reports, _ := buildPortal(p, "hanweb", "http://192.0.2.1")
	if len(reports) < 5 {
		t.Fatalf("portal has %d reports", len(reports))
	}
	st := testStore(t)
	fs := &storePops{Store: frontier.Bolt(st)}
	cfg := testConfig()
	cfg.Frontier, cfg.MaxDepth = fs, 0
	var urls []string
	for _, r := range reports {
		urls = append(urls, p.url(r))
	}
	sum := crawl(t, st, cfg, urls...)
	if sum.Pages != len(reports) || fs.pops != len(reports) {
		t.Errorf("%d URL seeds: %d pages, %d Pops; want one each", len(reports), sum.Pages, fs.pops)
	}

	fs.pops = 0
	whole := crawl(t, testStore(t), testConfig(), p.url("/"))
	counted := crawl(t, testStore(t), func() Config { c := testConfig(); c.Frontier = fs; return c }(), p.url("/"))
	if counted.Pages != whole.Pages || counted.Reports != whole.Reports {
		t.Errorf("portal crawled with counted Pops: %d pages %d reports, want %d %d", counted.Pages, counted.Reports, whole.Pages, whole.Reports)
	}
}

// A Pop's word that it drained the frontier counts only if no push could
// have slipped past it.
func TestEmptinessIgnoresRacingPushes(t *testing.T) {
	cases := []struct {
		name string
		run  func(e *emptiness) bool
		want bool
	}{
		{"drained, nothing pushed", func(e *emptiness) bool {
			g, clean := e.begin()
			if clean {
				e.drained(g)
			}
			return e.known()
		}, true},
		{"a push under way when the Pop began", func(e *emptiness) bool {
			end := e.push()
			g, clean := e.begin()
			end()
			if clean {
				e.drained(g)
			}
			return e.known()
		}, false},
		{"a push began before the answer", func(e *emptiness) bool {
			g, clean := e.begin()
			e.push()()
			if clean {
				e.drained(g)
			}
			return e.known()
		}, false},
		{"a push ended before the Pop began", func(e *emptiness) bool {
			e.push()()
			g, clean := e.begin()
			if clean {
				e.drained(g)
			}
			return e.known()
		}, true},
		{"pushed after it drained", func(e *emptiness) bool {
			g, _ := e.begin()
			e.drained(g)
			e.push()()
			return e.known()
		}, false},
		{"forgotten (another worker)", func(e *emptiness) bool {
			g, _ := e.begin()
			e.drained(g)
			e.forget()
			return e.known()
		}, false},
	}
	for _, tc := range cases {
		if got := tc.run(&emptiness{}); got != tc.want {
			t.Errorf("%s: known %v, want %v", tc.name, got, tc.want)
		}
	}
}
