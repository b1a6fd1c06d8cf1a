package crawler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/seeds"
)

// bigBody is the body of /big/N on host h: 1 MiB, different for each.
func bigBody(h, n int) []byte {
	unit := []byte(fmt.Sprintf("host %d body %d|", h, n))
	return bytes.Repeat(unit, (1<<20)/len(unit)+1)[:1<<20]
}

// bigHosts starts n hosts serving /big/N slowly (1 MiB in 200 ms), with a
// Content-Length for even N and chunked for odd N.
func bigHosts(t *testing.T, n int) []*httptest.Server {
	var out []*httptest.Server
	for h := 0; h < n; h++ {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			k, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/big/"))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			body := bigBody(h, k)
			w.Header().Set("Content-Type", "application/octet-stream")
			if k%2 == 0 {
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			}
			for i := 0; i < len(body); i += 64 << 10 {
				if _, err := w.Write(body[i : i+64<<10]); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				time.Sleep(12 * time.Millisecond)
			}
		}))
		t.Cleanup(srv.Close)
		out = append(out, srv)
	}
	return out
}

// TestBodiesInFlightBounded: 8 hosts send 1 MiB bodies at once. With a
// 8 MiB memory budget the bodies held from the wire to the archivers stay
// within its quarter (2 MiB) plus the one body always let through; every
// body still arrives whole, none is cut by the deadline while it waits,
// and every byte is given back. The same crawl with the default budget
// holds several bodies at once, so the bound is the budget's doing.
func TestBodiesInFlightBounded(t *testing.T) {
	hosts := bigHosts(t, 8)
	var list []seeds.Seed
	for k := 0; k < 3; k++ {
		for _, h := range hosts {
			list = append(list, seeds.Seed{URL: fmt.Sprintf("%s/big/%d", h.URL, k)})
		}
	}
	run := func(budget int64) (peak int64) {
		t.Helper()
		st := testStore(t)
		cfg := testConfig()
		// A deadline shorter than a wait for room: the wait must not count.
		cfg.MaxDepth, cfg.MemoryBudget, cfg.Timeout = 0, budget, 400*time.Millisecond
		c, err := New(st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		sum, err := c.Run(ctx, list)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Pages != len(list) || sum.Errors != 0 {
			t.Fatalf("budget %d: %d pages, %d errors; want %d pages, no errors: %+v", budget, sum.Pages, sum.Errors, len(list), sum.Seeds)
		}
		for k := 0; k < 3; k++ {
			for hi, h := range hosts {
				u := fmt.Sprintf("%s/big/%d", h.URL, k)
				val, err := st.Validators(u)
				sum := sha256.Sum256(bigBody(hi, k))
				if err != nil || val.Digest != hex.EncodeToString(sum[:]) {
					t.Errorf("budget %d: %s archived as %q (%v), want the whole body", budget, u, val.Digest, err)
				}
			}
		}
		b := c.tr.bodies
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.used != 0 || b.holds.Len() != 0 {
			t.Errorf("budget %d: after the run %d bytes in %d holds not given back", budget, b.used, b.holds.Len())
		}
		return b.peak
	}
	const budget = 8 << 20
	bound := int64(budget/bodyShare + 2<<20 + 4<<10) // plus one body, its buffer grown by doubling
	bounded := run(budget)
	if bounded > bound || bounded < 1<<20 {
		t.Errorf("with a %d MiB budget the bodies held %d bytes at most; want 1 MiB to %d", budget>>20, bounded, bound)
	}
	free := run(0)
	if free <= bound {
		t.Errorf("with the default budget the bodies held %d bytes at most: the fixture does not overlap them (want > %d)", free, bound)
	}
	t.Logf("most body bytes held at once: %d KiB with a %d MiB budget, %d KiB with the default", bounded>>10, budget>>20, free>>10)
}
