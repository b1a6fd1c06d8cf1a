package redisfrontier

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gongkai/gongkai/frontier"
)

// backend opens the workers of one crawl on a Redis: miniredis here, a
// real redis-server in server_test.go, so the scripts run on both.
type backend struct{ url string }

func miniBackend(t *testing.T) backend {
	return backend{url: "redis://" + miniredis.RunT(t).Addr() + "/0?lease=3s"}
}

func (b backend) open(t *testing.T, worker string, seeds ...string) *Store {
	t.Helper()
	return openWorker(t, b.url, worker, 50*time.Millisecond, seeds...)
}

// finishAll finishes every seed the workers' crawl has open, so the next
// Join starts the next generation.
func finishAll(t *testing.T, s *Store, seeds ...string) {
	t.Helper()
	ctx := context.Background()
	for _, sd := range seeds {
		q := s.Queue(sd)
		if _, err := q.Begin(ctx, it(sd, 1000)); err != nil {
			t.Fatal(err)
		}
		if err := q.Reset(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRobotsOnce: workers asking for one host's robots.txt together get
// one fetch's answer; a failed fetch is not kept; a dead worker's fetch
// is taken over; the next generation fetches it again.
func TestRobotsOnce(t *testing.T) { testRobotsOnce(t, miniBackend(t)) }

func testRobotsOnce(t *testing.T, b backend) {
	ctx := context.Background()
	w1, w2 := b.open(t, "w1", seedA), b.open(t, "w2", seedA)
	const key = "http://a.gov.cn"
	var fetches atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (frontier.RobotsAnswer, error) {
		fetches.Add(1)
		<-release
		return frontier.RobotsAnswer{Status: 200, Body: []byte("User-agent: *\nDisallow: /admin/\n")}, nil
	}
	var wg sync.WaitGroup
	got := make([]frontier.RobotsAnswer, 4)
	errs := make([]error, 4)
	for i, s := range []*Store{w1, w2, w1, w2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = s.Robots(ctx, key, fetch)
		}()
	}
	time.Sleep(100 * time.Millisecond) // every caller is in: one fetches, the others wait
	close(release)
	wg.Wait()
	for i := range got {
		if errs[i] != nil || got[i].Status != 200 || string(got[i].Body) != "User-agent: *\nDisallow: /admin/\n" {
			t.Errorf("caller %d: %+v, %v", i, got[i], errs[i])
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("robots.txt fetched %d times by two workers, want 1", n)
	}

	// A failed fetch is returned, not kept: the next caller fetches.
	boom := errors.New("connection refused")
	if _, err := w1.Robots(ctx, "http://b.gov.cn", func(context.Context) (frontier.RobotsAnswer, error) {
		return frontier.RobotsAnswer{}, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("failed fetch gave %v", err)
	}
	ans, err := w2.Robots(ctx, "http://b.gov.cn", func(context.Context) (frontier.RobotsAnswer, error) {
		return frontier.RobotsAnswer{Status: 404}, nil
	})
	if err != nil || ans.Status != 404 || len(ans.Body) != 0 {
		t.Fatalf("fetch after a failed one: %+v, %v", ans, err)
	}

	// A worker that dies while fetching: another takes the fetch over.
	if r, err := scriptRobots.Run(ctx, w1.rdb, nil, w1.prefix, "w9", "http://c.gov.cn").Result(); err != nil || r.([]any)[0].(int64) != 2 {
		t.Fatalf("w9 claims the fetch: %v, %v", r, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := w2.Robots(ctx, "http://c.gov.cn", func(context.Context) (frontier.RobotsAnswer, error) {
			return frontier.RobotsAnswer{Status: 200, Body: []byte("x")}, nil
		})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a worker waited on the robots.txt fetch of a worker that is not alive")
	}

	// The next generation fetches robots.txt again.
	finishAll(t, w1, seedA)
	w3 := b.open(t, "w3", seedA)
	if w3.Generation() != w1.Generation()+1 {
		t.Fatalf("generation %d, want %d", w3.Generation(), w1.Generation()+1)
	}
	if _, err := w3.Robots(ctx, key, func(context.Context) (frontier.RobotsAnswer, error) {
		fetches.Add(1)
		return frontier.RobotsAnswer{Status: 200}, nil
	}); err != nil || fetches.Load() != 2 {
		t.Errorf("next generation: %d fetches, %v; want robots.txt fetched again", fetches.Load(), err)
	}
}

// TestParkShared: a host one worker parks is parked for the others (the
// clock says so, with the reason and the worker), shows in Inspect, and is
// unparked by the next generation.
func TestParkShared(t *testing.T) { testParkShared(t, miniBackend(t)) }

func testParkShared(t *testing.T, b backend) {
	ctx := context.Background()
	w1, w2 := b.open(t, "w1", seedA), b.open(t, "w2", seedA)
	if err := w1.Park(ctx, "a.gov.cn", "10 requests in a row failed (last: timeout)"); err != nil {
		t.Fatal(err)
	}
	if err := w2.Park(ctx, "a.gov.cn", "a later reason"); err != nil {
		t.Fatal(err)
	}
	const want = "10 requests in a row failed (last: timeout) (parked by worker w1)"
	_, _, err := w2.Clock().Start(ctx, "a.gov.cn", time.Second)
	var pe *frontier.ParkedError
	if !errors.As(err, &pe) || pe.Host != "a.gov.cn" || pe.Reason != want {
		t.Fatalf("clock of a parked host: %v, want a ParkedError %q", err, want)
	}
	if why, err := w2.Parked(ctx, "a.gov.cn"); why != want || err != nil {
		t.Errorf("Parked = %q, %v", why, err)
	}
	if why, err := w2.Parked(ctx, "b.gov.cn"); why != "" || err != nil {
		t.Errorf("Parked(b) = %q, %v", why, err)
	}
	if _, wait, err := w2.Clock().Start(ctx, "b.gov.cn", time.Second); err != nil || wait != 0 {
		t.Errorf("another host's clock: wait %s, %v", wait, err)
	}
	c, _ := ParseURL(b.url)
	st, err := Inspect(ctx, c)
	if err != nil || len(st.Hosts.Parked) != 1 || st.Hosts.Parked[0] != (ParkedHost{Host: "a.gov.cn", Reason: "10 requests in a row failed (last: timeout)", Worker: "w1"}) {
		t.Errorf("status: %+v, %v", st.Hosts.Parked, err)
	}

	finishAll(t, w1, seedA)
	w3 := b.open(t, "w3", seedA)
	if _, wait, err := w3.Clock().Start(ctx, "a.gov.cn", time.Second); err != nil || wait != 0 {
		t.Errorf("next generation: clock of the host parked before: wait %s, %v", wait, err)
	}
}

// TestSuspend: a seed stopped by its parked host leaves the crawl's open
// seeds (the generation can end) and keeps its frontier; the next
// generation resumes it where it stopped. A seed never begun starts
// afresh.
func TestSuspend(t *testing.T) { testSuspend(t, miniBackend(t)) }

func testSuspend(t *testing.T, b backend) {
	ctx := context.Background()
	const seedB = "http://b.gov.cn/"
	w1 := b.open(t, "w1", seedA, seedB)
	q := w1.Queue(seedA)
	if _, err := q.Begin(ctx, it(seedA, 1000)); err != nil {
		t.Fatal(err)
	}
	mustPop(t, q, 1)
	if _, err := q.PushNew(ctx, it("r1", 50), it("r2", 40)); err != nil {
		t.Fatal(err)
	}
	if err := q.Done(ctx, seedA); err != nil {
		t.Fatal(err)
	}
	if got := mustPop(t, q, 1); len(got) != 1 || got[0] != "r1" {
		t.Fatalf("pop = %v", got)
	}
	// The host is parked: r1 was not fetched (released), r2 pending.
	if err := q.Release(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	for _, sd := range []string{seedA, seedB} {
		if err := w1.Queue(sd).(*Queue).Suspend(ctx); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := ParseURL(b.url)
	st, err := Inspect(ctx, c)
	if err != nil || len(st.Open) != 0 || len(st.Suspended) != 1 || st.Suspended[0] != seedA {
		t.Fatalf("status after suspending: open %v, suspended %v, %v", st.Open, st.Suspended, err)
	}
	// A worker joining in the same generation does not reopen it.
	w2 := b.open(t, "w2", seedA, seedB)
	if w2.Generation() != w1.Generation()+1 {
		// Every seed is over (finished or suspended): w2 starts the next.
		t.Fatalf("generation %d, want %d", w2.Generation(), w1.Generation()+1)
	}
	q2 := w2.Queue(seedA)
	if resumed, err := q2.Begin(ctx, it(seedA, 1000)); !resumed || err != nil {
		t.Fatalf("Begin of a suspended seed = %v, %v; want it resumed", resumed, err)
	}
	if got := mustPop(t, q2, 2); strings.Join(got, " ") != "r1 r2" {
		t.Errorf("resumed seed pops %v, want r1 r2 (its frontier as it was)", got)
	}
	if known, _ := q2.Known(seedA); !known[0] {
		t.Error("the resumed seed forgot its seed page was done")
	}
	qb := w2.Queue(seedB)
	if resumed, err := qb.Begin(ctx, it(seedB, 1000)); resumed || err != nil {
		t.Fatalf("Begin of a seed suspended before it began = %v, %v; want a fresh start", resumed, err)
	}
}

// TestSpendShared: a seed's budget holds across workers, survives the
// seed's finish within the generation, and is new in the next.
func TestSpendShared(t *testing.T) { testSpendShared(t, miniBackend(t)) }

func testSpendShared(t *testing.T, b backend) {
	ctx := context.Background()
	w1, w2 := b.open(t, "w1", seedA), b.open(t, "w2", seedA)
	q1, q2 := w1.Queue(seedA), w2.Queue(seedA)
	for _, q := range []frontier.Queue{q1, q2} {
		if _, err := q.Begin(ctx, it(seedA, 1000)); err != nil {
			t.Fatal(err)
		}
	}
	var granted, lefts []int
	for i := range 8 {
		q := []frontier.Queue{q1, q2}[i%2]
		ok, left, err := q.(frontier.Spender).Spend(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			granted = append(granted, i)
			lefts = append(lefts, left)
		}
	}
	if len(granted) != 5 || !slices.Equal(lefts, []int{4, 3, 2, 1, 0}) {
		t.Errorf("two workers were granted pages %v (left %v) of a budget of 5", granted, lefts)
	}
	if err := q1.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := q2.(frontier.Spender).Spend(ctx, 5); ok {
		t.Error("a worker still on a finished seed got a fresh budget")
	}
	w3 := b.open(t, "w3", seedA)
	q3 := w3.Queue(seedA)
	if _, err := q3.Begin(ctx, it(seedA, 1000)); err != nil {
		t.Fatal(err)
	}
	if ok, left, err := q3.(frontier.Spender).Spend(ctx, 5); !ok || left != 4 || err != nil {
		t.Errorf("next generation: Spend = %v, %d, %v; want a new budget", ok, left, err)
	}
}
