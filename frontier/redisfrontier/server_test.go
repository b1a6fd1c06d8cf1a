package redisfrontier

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/redistest"
)

// openReal opens a worker on a real redis-server.
func openReal(t *testing.T, srv *redistest.Server, worker string, seeds ...string) *Store {
	t.Helper()
	return openWorker(t, srv.URL("lease=2s"), worker, 100*time.Millisecond, seeds...)
}

// TestRealRedisRestart: on a real redis-server with an append-only file,
// killed (SIGKILL) and restarted mid-crawl, a worker's call waits and then
// completes, and the queue is as it was; a dead worker's claims come back
// after its lease on Redis's real clock.
func TestRealRedisRestart(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, true)
	w1, w2 := openReal(t, srv, "w1", seedA), openReal(t, srv, "w2", seedA)
	q1, q2 := w1.Queue(seedA), w2.Queue(seedA)
	if _, err := q1.Begin(ctx, it(seedA, 1000)); err != nil {
		t.Fatal(err)
	}
	if _, err := q1.PushNew(ctx, it("b", 3), it("c", 2), it("d", 1)); err != nil {
		t.Fatal(err)
	}
	if got := mustPop(t, q1, 2); !slices.Equal(got, []string{seedA, "b"}) {
		t.Fatalf("w1 popped %v", got)
	}
	srv.Kill()
	popped := make(chan []string, 1)
	go func() {
		got, err := q2.Pop(ctx, 1)
		if err != nil {
			t.Error(err)
		}
		popped <- keysOf(got)
	}()
	time.Sleep(500 * time.Millisecond)
	srv.Restart()
	select {
	case got := <-popped:
		if !slices.Equal(got, []string{"c"}) {
			t.Errorf("w2 Pop across the restart = %v, want c", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("w2 Pop still waiting 10s after Redis came back")
	}
	// w1 dies: its claims (seed, b) come back once its 2s lease runs out.
	w1.stopHeartbeat()
	start := time.Now()
	var got []string
	for time.Since(start) < 8*time.Second && !(slices.Contains(got, seedA) && slices.Contains(got, "b")) {
		got = append(got, mustPop(t, q2, 5)...)
		time.Sleep(100 * time.Millisecond)
	}
	slices.Sort(got)
	if want := []string{"b", "d", seedA}; !slices.Equal(got, want) {
		t.Errorf("w2 popped %v after w1 died, want %v", got, want)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("w1's claims came back after %v, before its 2s lease ran out", waited)
	}
}

// TestRealShared runs the tests of what workers share besides the queues
// (robots.txt, parked hosts, suspended seeds, the page budget) on a real
// redis-server, each on a crawl of its own.
func TestRealShared(t *testing.T) {
	srv := redistest.Start(t, false)
	for name, test := range map[string]func(*testing.T, backend){
		"robots": testRobotsOnce, "park": testParkShared, "suspend": testSuspend, "spend": testSpendShared,
	} {
		t.Run(name, func(t *testing.T) { test(t, backend{url: srv.URL("lease=3s&crawl=" + name)}) })
	}
}
