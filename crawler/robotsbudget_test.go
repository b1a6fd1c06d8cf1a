package crawler

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// bigRobots is a robots.txt of about size bytes that disallows /private/
// (and a long list of other paths, as some portals' CMS writes them).
func bigRobots(size int) string {
	var b strings.Builder
	b.WriteString("User-agent: *\nDisallow: /private/\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "Disallow: /old/column%06d/\n", i)
	}
	return b.String()
}

// TestRobotsBodiesInBudget: robots.txt bodies count against the body
// budget from the wire until they are parsed (robotsRules closes the body
// then), with the parser's copies: robotsHeld bytes each. Hosts with a
// 300 KB robots.txt each start at once under an 8 MiB memory budget (2 MiB
// for bodies): whenever one is read to its end, the budget holds at least
// that; the budget is never over by more than one hold (the oldest always
// goes on); every byte is given back; and the rules still apply on every
// host (/private/ never asked for). Many seeds of one host started
// together share one fetch and one parse.
func TestRobotsBodiesInBudget(t *testing.T) {
	const size = 300 << 10
	robots := bigRobots(size)
	for _, tc := range []struct {
		name         string
		hosts, seeds int
	}{
		{"hosts", 10, 1},
		{"seeds of one host", 1, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ports []*portal
			var urls []string
			for h := 0; h < tc.hosts; h++ {
				p := newPortal(t)
				p.set("/robots.txt", robots)
				p.wrap(func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
					if r.URL.Path == "/robots.txt" {
						time.Sleep(200 * time.Millisecond) // every seed of the host asks meanwhile
					}
					next(w, r)
				})
				for s := 0; s < tc.seeds; s++ {
					p.set(fmt.Sprintf("/s%d/", s), htmlPage("某县人民政府",
						a("/private/r.html", "2020年政府信息公开工作年度报告")+a(fmt.Sprintf("/s%d/ok.html", s), "2021年政府信息公开工作年度报告")))
					p.set(fmt.Sprintf("/s%d/ok.html", s), reportPage(2021, "/files/a.pdf"))
					urls = append(urls, p.url(fmt.Sprintf("/s%d/", s)))
				}
				p.set("/private/r.html", reportPage(2020, "/files/b.pdf"))
				ports = append(ports, p)
			}
			cfg := testConfig()
			cfg.MemoryBudget = 8 << 20
			cfg.MaxDepth = 1
			var (
				mu      sync.Mutex
				reads   int
				again   int
				short   []string
				bodyMax = cfg.MemoryBudget / bodyShare
			)
			var c *Crawler
			crawlWith(t, testStore(t), cfg, func(cr *Crawler) {
				c = cr
				c.tr.onLentRead = func(n int) {
					b := c.tr.bodies
					b.mu.Lock()
					used := b.used
					b.mu.Unlock()
					mu.Lock()
					defer mu.Unlock()
					if n >= size {
						reads++
						if used < robotsHeld(n) {
							short = append(short, fmt.Sprintf("%d held while a %d-byte robots.txt was read (want ≥ %d)", used, n, robotsHeld(n)))
						}
					}
				}
			}, urls...)

			// One fetch and one parse per host (the seeds of one host that
			// ask together share them); with hosts beside it, a host's rules
			// (~600 KB) may be dropped from the 512 KiB kept under this budget
			// and asked again for each of the seed's other two pages (the
			// report, and the disallowed one).
			again = 1
			if tc.hosts > 1 {
				again = 3
			}
			if reads < tc.hosts || reads > again*tc.hosts {
				t.Errorf("read %d big robots.txt bodies, want %d to %d", reads, tc.hosts, again*tc.hosts)
			}
			for _, s := range short {
				t.Error(s)
			}
			b := c.tr.bodies
			if b.used != 0 || b.holds.Len() != 0 {
				t.Errorf("after the run %d bytes in %d holds not given back", b.used, b.holds.Len())
			}
			// One hold over: a robots.txt, whose download buffer (sent
			// chunked, so grown by doubling) may be twice its size.
			if limit := bodyMax + 2*size + robotsCopies*size + 4<<10; b.peak > limit {
				t.Errorf("peak %d bytes held, over the budget %d plus one robots.txt (%d in all)", b.peak, bodyMax, limit)
			}
			if b.peak < robotsHeld(size) {
				t.Errorf("peak %d bytes held: robots.txt bodies not counted", b.peak)
			}
			for _, p := range ports {
				if n := countHits(p, "/robots.txt"); n < 1 || n > again {
					t.Errorf("%s: robots.txt fetched %d times, want 1 to %d", p.srv.URL, n, again)
				}
				got := p.fetched()
				if got["/private/r.html"] != 0 {
					t.Errorf("%s: fetched /private/r.html, disallowed", p.srv.URL)
				}
				for s := 0; s < tc.seeds; s++ {
					if got[fmt.Sprintf("/s%d/ok.html", s)] != 1 {
						t.Errorf("%s: /s%d/ok.html fetched %d times, want 1", p.srv.URL, s, got[fmt.Sprintf("/s%d/ok.html", s)])
					}
				}
			}
		})
	}
}
