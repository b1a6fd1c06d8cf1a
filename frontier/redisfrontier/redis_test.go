package redisfrontier

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gongkai/gongkai/frontier"
)

// The Redis-side logic on miniredis (an in-process Redis): no server
// needed. server_test.go runs the crawl-level tests on a real redis-server.

const seedA = "http://a.gov.cn/"

func it(key string, prio float64) frontier.Item {
	return frontier.Item{Key: key, Host: "a.gov.cn", Priority: prio, Data: []byte(`{"k":"` + key + `"}`)}
}

func keysOf(items []frontier.Item) []string {
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = x.Key
	}
	return out
}

// openMini opens a worker on a miniredis server.
func openMini(t *testing.T, m *miniredis.Miniredis, worker string, seeds ...string) *Store {
	t.Helper()
	return openWorker(t, "redis://"+m.Addr()+"/0?lease=3s", worker, 50*time.Millisecond, seeds...)
}

// openWorker opens a worker on the Redis at url and joins the crawl of
// seeds; the store closes when the test ends.
func openWorker(t *testing.T, url, worker string, maxBackoff time.Duration, seeds ...string) *Store {
	t.Helper()
	c, err := ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c.Worker, c.MaxBackoff = worker, maxBackoff
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := Open(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Join(ctx, seeds); err != nil {
		t.Fatal(err)
	}
	return s
}

func mustPop(t *testing.T, q frontier.Queue, n int) []string {
	t.Helper()
	got, err := q.Pop(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return keysOf(got)
}

// TestQueueOrder: best first, FIFO among equals, nothing pushed twice,
// Release puts an item back at its place, Done forgets nothing.
func TestQueueOrder(t *testing.T) {
	ctx := context.Background()
	m := miniredis.RunT(t)
	q := openMini(t, m, "w1", seedA).Queue(seedA)
	if resumed, err := q.Begin(ctx, it(seedA, 1000)); resumed || err != nil {
		t.Fatalf("Begin = %v, %v; want a fresh crawl", resumed, err)
	}
	added, popped, err := q.PushPop(ctx, 1, it("b", 5), it("c", 7), it("d", 5), it(seedA, 3))
	if err != nil || !slices.Equal(keysOf(added), []string{"b", "c", "d"}) || !slices.Equal(keysOf(popped), []string{seedA}) {
		t.Fatalf("PushPop = %v, %v, %v", keysOf(added), keysOf(popped), err)
	}
	if got := mustPop(t, q, 2); !slices.Equal(got, []string{"c", "b"}) {
		t.Errorf("Pop 2 = %v, want c (7) then b (5, pushed before d)", got)
	}
	if err := q.Release(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if got := mustPop(t, q, 5); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("after Release(c): Pop = %v, want c, d", got)
	}
	if err := q.Done(ctx, seedA, "b", "c", "d"); err != nil {
		t.Fatal(err)
	}
	added, err = q.PushNew(ctx, it("b", 9), it("e", 1))
	if err != nil || !slices.Equal(keysOf(added), []string{"e"}) {
		t.Errorf("PushNew after Done = %v, %v; want only e", keysOf(added), err)
	}
	known, err := q.Known("b", "e", "zz")
	if err != nil || !slices.Equal(known, []bool{true, true, false}) {
		t.Errorf("Known = %v, %v", known, err)
	}
	// PushTake: new f taken claimed, pending e taken, g pushed.
	added, err = q.PushTake(ctx, []frontier.Item{it("f", 2), it("e", 1)}, it("g", 0.5))()
	if err != nil || !slices.Equal(keysOf(added), []string{"f", "g"}) {
		t.Errorf("PushTake added %v, %v; want f, g", keysOf(added), err)
	}
	if got := mustPop(t, q, 5); !slices.Equal(got, []string{"g"}) {
		t.Errorf("after PushTake: Pop = %v, want g alone", got)
	}
	if _, err := q.PushNew(ctx, frontier.Item{Key: ""}); err == nil {
		t.Error("an empty key was accepted")
	}
	// A popped item comes back whole.
	if _, err := q.PushNew(ctx, frontier.Item{Key: "h", Host: "x.gov.cn:8080", Priority: -2.5, Data: []byte{0, 1, 2}}); err != nil {
		t.Fatal(err)
	}
	got, err := q.Pop(ctx, 1)
	if err != nil || len(got) != 1 || got[0].Host != "x.gov.cn:8080" || got[0].Priority != -2.5 || string(got[0].Data) != "\x00\x01\x02" {
		t.Errorf("Pop = %+v, %v", got, err)
	}
}

// TestTwoWorkers: two workers share a seed's queue: each item is claimed
// by one; a worker that dies loses its claims when its lease runs out, and
// the other takes them.
func TestTwoWorkers(t *testing.T) {
	ctx := context.Background()
	m := miniredis.RunT(t)
	w1, w2 := openMini(t, m, "w1", seedA), openMini(t, m, "w2", seedA)
	q1, q2 := w1.Queue(seedA), w2.Queue(seedA)
	if resumed, err := q1.Begin(ctx, it(seedA, 1000)); resumed || err != nil {
		t.Fatalf("w1 Begin = %v, %v", resumed, err)
	}
	if resumed, err := q2.Begin(ctx, it(seedA, 1000)); !resumed || err != nil {
		t.Fatalf("w2 Begin = %v, %v; want to join w1's crawl", resumed, err)
	}
	if _, err := q1.PushNew(ctx, it("b", 5), it("c", 4), it("d", 3)); err != nil {
		t.Fatal(err)
	}
	a, b := mustPop(t, q1, 2), mustPop(t, q2, 5)
	if !slices.Equal(a, []string{seedA, "b"}) || !slices.Equal(b, []string{"c", "d"}) {
		t.Fatalf("w1 popped %v, w2 popped %v", a, b)
	}
	// w2 settles: nothing pending, w1 holds claims → it waits; w1 pushes
	// a link and finishes: w2 is told there is more.
	settled := make(chan bool, 1)
	go func() {
		more, err := q2.(frontier.Settler).Settle(ctx)
		if err != nil {
			t.Error(err)
		}
		settled <- more
	}()
	select {
	case <-settled:
		t.Fatal("Settle returned while w1 held claims and nothing was pending")
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := q1.PushNew(ctx, it("e", 1)); err != nil {
		t.Fatal(err)
	}
	if more := <-settled; !more {
		t.Error("Settle after w1 pushed e: more = false")
	}
	// w1 dies holding seedA and b: no Done, no Release, no heartbeat.
	w1.stopHeartbeat()
	if got := mustPop(t, q2, 5); !slices.Equal(got, []string{"e"}) {
		t.Errorf("w2 Pop while w1's lease runs = %v, want e alone", got)
	}
	m.FastForward(4 * time.Second)       // past the 3s lease
	m.Set("gongkai:crawl:alive:w2", "1") // w2's heartbeat, on miniredis's fast-forwarded clock
	if got := mustPop(t, q2, 5); !slices.Equal(got, []string{seedA, "b"}) {
		t.Errorf("w2 Pop after w1's lease ran out = %v, want w1's claims in their order", got)
	}
	if err := q2.Done(ctx, seedA, "b", "c", "d", "e"); err != nil {
		t.Fatal(err)
	}
	if more, err := q2.(frontier.Settler).Settle(ctx); more || err != nil {
		t.Errorf("Settle at the end = %v, %v", more, err)
	}
	if n, _ := m.HGet("gongkai:crawl:pages", "w2"), 0; n != "5" {
		t.Errorf("pages of w2 = %q, want 5", n)
	}
}

// stopHeartbeat simulates a killed worker: its lease is no longer renewed
// (nor dropped, as Close would).
func (s *Store) stopHeartbeat() {
	close(s.stop)
	<-s.done
	s.stop = make(chan struct{})
	close(s.stop) // Close is then a no-op
}

// TestGenerations: a seed finished in this crawl is not crawled again by a
// worker that joins late; once every seed is finished the next worker
// starts the next crawl, and the seed starts afresh.
func TestGenerations(t *testing.T) {
	ctx := context.Background()
	m := miniredis.RunT(t)
	const seedB = "http://b.gov.cn/"
	w1 := openMini(t, m, "w1", seedA, seedB)
	q := w1.Queue(seedA)
	if _, err := q.Begin(ctx, it(seedA, 1000)); err != nil {
		t.Fatal(err)
	}
	mustPop(t, q, 1)
	if err := q.Done(ctx, seedA); err != nil {
		t.Fatal(err)
	}
	if err := q.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	// seedB is still open: a late worker joins the same crawl, and finds
	// seedA finished.
	w2 := openMini(t, m, "w2", seedA, seedB)
	if w2.Generation() != w1.Generation() {
		t.Fatalf("late worker started generation %d, want to join %d", w2.Generation(), w1.Generation())
	}
	q2 := w2.Queue(seedA)
	if resumed, err := q2.Begin(ctx, it(seedA, 1000)); !resumed || err != nil {
		t.Fatalf("late Begin of a finished seed = %v, %v", resumed, err)
	}
	if got := mustPop(t, q2, 5); len(got) != 0 {
		t.Errorf("a finished seed gave %v", got)
	}
	qb := w2.Queue(seedB)
	if _, err := qb.Begin(ctx, it(seedB, 1000)); err != nil {
		t.Fatal(err)
	}
	mustPop(t, qb, 1)
	if err := qb.Done(ctx, seedB); err != nil {
		t.Fatal(err)
	}
	if err := qb.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	// Every seed finished: the next worker starts the next crawl.
	w3 := openMini(t, m, "w3", seedA)
	if w3.Generation() != w1.Generation()+1 {
		t.Fatalf("generation %d after a finished crawl, want %d", w3.Generation(), w1.Generation()+1)
	}
	q3 := w3.Queue(seedA)
	if resumed, err := q3.Begin(ctx, it(seedA, 1000)); resumed || err != nil {
		t.Fatalf("Begin in a new crawl = %v, %v", resumed, err)
	}
	if got := mustPop(t, q3, 5); !slices.Equal(got, []string{seedA}) {
		t.Errorf("new crawl pops %v, want the seed", got)
	}
}

// TestClockShared: two workers asking for one host get starts at least an
// interval apart on Redis's clock; Delay moves the slot later only.
func TestClockShared(t *testing.T) {
	ctx := context.Background()
	m := miniredis.RunT(t)
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	m.SetTime(now)
	c1, c2 := openMini(t, m, "w1").Clock(), openMini(t, m, "w2").Clock()
	steps := []struct {
		c        frontier.Clock
		advance  time.Duration
		host     string
		wantWait time.Duration
	}{
		{c1, 0, "a.gov.cn", 0},
		{c2, 0, "a.gov.cn", time.Second}, // the other worker waits
		{c2, 0, "b.gov.cn", 0},           // another host does not
		{c2, 400 * time.Millisecond, "a.gov.cn", 600 * time.Millisecond},
		{c1, 600 * time.Millisecond, "a.gov.cn", 0},
		{c1, 0, "a.gov.cn", time.Second},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		m.SetTime(now)
		at, wait, err := s.c.Start(ctx, s.host, time.Second)
		if err != nil || wait != s.wantWait {
			t.Fatalf("step %d: Start(%s) wait %v, %v; want %v", i, s.host, wait, err, s.wantWait)
		}
		if wait == 0 && !at.Equal(now) {
			t.Errorf("step %d: start %v, want Redis's now %v", i, at, now)
		}
	}
	if _, wait, _ := c1.Start(ctx, "c.gov.cn", 0); wait != 0 {
		t.Errorf("no limit: wait %v", wait)
	}
	// Delay is relative to the caller's clock: give it a wide margin.
	if err := c2.Delay(ctx, "b.gov.cn", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, wait, _ := c1.Start(ctx, "b.gov.cn", time.Second); wait < 59*time.Minute {
		t.Errorf("after Delay of an hour: wait %v", wait)
	}
	if err := c2.Delay(ctx, "b.gov.cn", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, wait, _ := c1.Start(ctx, "b.gov.cn", time.Second); wait < 59*time.Minute {
		t.Errorf("a shorter Delay brought the slot earlier: wait %v", wait)
	}
}

// TestRedisDown: a call made while Redis is down waits and completes once
// it is back; a Redis that comes back empty is ErrStateLost.
func TestRedisDown(t *testing.T) {
	ctx := context.Background()
	m := miniredis.RunT(t)
	var log strings.Builder
	c, err := ParseURL("redis://" + m.Addr() + "/0")
	if err != nil {
		t.Fatal(err)
	}
	c.Worker, c.MaxBackoff, c.Log = "w1", 50*time.Millisecond, &log
	s, err := Open(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Join(ctx, []string{seedA}); err != nil {
		t.Fatal(err)
	}
	q := s.Queue(seedA)
	if _, err := q.Begin(ctx, it(seedA, 1000)); err != nil {
		t.Fatal(err)
	}
	m.Close()
	popped := make(chan []string, 1)
	go func() {
		got, err := q.Pop(ctx, 5)
		if err != nil {
			t.Error(err)
		}
		popped <- keysOf(got)
	}()
	select {
	case got := <-popped:
		t.Fatalf("Pop with Redis down returned %v", got)
	case <-time.After(300 * time.Millisecond):
	}
	if err := m.Restart(); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-popped:
		if !slices.Equal(got, []string{seedA}) {
			t.Errorf("Pop after Redis came back = %v", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Pop still waiting 5s after Redis came back")
	}
	if !strings.Contains(log.String(), "does not answer") || !strings.Contains(log.String(), "answers again") {
		t.Errorf("log = %q", log.String())
	}
	// A cancelled wait gives up.
	m.Close()
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := q.Pop(cctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Pop with Redis down and a deadline: %v", err)
	}
	if err := m.Restart(); err != nil {
		t.Fatal(err)
	}
	m.FlushAll()
	if _, err := q.Pop(ctx, 1); !errors.Is(err, ErrStateLost) {
		t.Errorf("Pop after the state was flushed: %v, want ErrStateLost", err)
	}
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url, err string
		addr     string
		db       int
		crawl    string
		lease    time.Duration
	}{
		{url: "redis://10.0.0.5:6379/2", addr: "10.0.0.5:6379", db: 2},
		{url: "redis://h:6380/0?crawl=national&lease=30s", addr: "h:6380", crawl: "national", lease: 30 * time.Second},
		{url: "redis://:secret@h:6379/1", addr: "h:6379", db: 1},
		{url: "http://h:6379/0", err: "want redis://"},
		{url: "redis:///0", err: "no host"},
		{url: "redis://h:6379/x", err: "invalid database"},
		{url: "redis://h:6379/0?lease=soon", err: "lease"},
		{url: "redis://h:6379/0?crawl=a:b", err: "crawl name"},
		{url: "redis://h:6379/0?bogus=1", err: "bogus"},
		{url: "::", err: "missing protocol scheme"},
	} {
		c, err := ParseURL(tc.url)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseURL(%q) = %v, want an error with %q", tc.url, err, tc.err)
			}
			continue
		}
		if err != nil || c.Redis.Addr != tc.addr || c.Redis.DB != tc.db || c.Crawl != tc.crawl || c.Lease != tc.lease {
			t.Errorf("ParseURL(%q) = %+v %+v, %v", tc.url, c.Options, c.Redis, err)
		}
	}
}
