package frontier

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

func TestLocalClockSpacesStarts(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	c := NewLocalClock()
	c.now = func() time.Time { return now }
	steps := []struct {
		advance  time.Duration
		host     string
		interval time.Duration
		wantWait time.Duration
	}{
		{0, "a.gov.cn", time.Second, 0}, // first start at once
		{0, "b.gov.cn", time.Second, 0}, // another host is not held back
		{300 * time.Millisecond, "a.gov.cn", time.Second, 700 * time.Millisecond},
		{700 * time.Millisecond, "a.gov.cn", time.Second, 0}, // the slot has come
		{0, "c.gov.cn", 0, 0},                                // no limit
		{0, "c.gov.cn", 0, 0},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		at, wait, err := c.Start(ctx, s.host, s.interval)
		if err != nil || wait != s.wantWait {
			t.Fatalf("step %d: Start(%s) = %v, %v, want wait %v", i, s.host, wait, err, s.wantWait)
		}
		if wait == 0 && !at.Equal(now) {
			t.Errorf("step %d: granted %v, want the clock's now %v", i, at, now)
		}
	}
	// Delay (Retry-After) moves the slot later, never earlier.
	if err := c.Delay(ctx, "a.gov.cn", now.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := c.Delay(ctx, "a.gov.cn", now.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, wait, _ := c.Start(ctx, "a.gov.cn", time.Second); wait != 5*time.Second {
		t.Errorf("after Delay: wait %v, want 5s", wait)
	}
	if len(c.next) != 2 { // a and b wait; c has no limit and takes no memory
		t.Errorf("clock holds %d hosts, want 2", len(c.next))
	}
}

// Begin starts a fresh crawl with the seed alone, resumes an interrupted
// one as it was, and forgets a finished one.
func TestBoltBegin(t *testing.T) {
	ctx := context.Background()
	s, err := archive.Open(filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q := Bolt(s).Queue("http://a.gov.cn/")
	seed := Item{Key: "http://a.gov.cn/", Host: "a.gov.cn", Priority: 1000}
	it := func(k string) Item { return Item{Key: k, Host: "a.gov.cn", Priority: 1} }

	if resumed, err := q.Begin(ctx, seed); resumed || err != nil {
		t.Fatalf("first Begin = %v, %v; want a fresh crawl", resumed, err)
	}
	_, got, err := q.PushPop(ctx, 1, it("/list"), it("/report"))
	if err != nil || len(got) != 1 || got[0].Key != seed.Key {
		t.Fatalf("PushPop = %v, %v; want the seed first", got, err)
	}
	// Interrupted: the seed is claimed, two links pending.
	if resumed, err := q.Begin(ctx, seed); !resumed || err != nil {
		t.Fatalf("Begin of an interrupted crawl = %v, %v; want resumed", resumed, err)
	}
	if err := q.Done(ctx, seed.Key, "/list", "/report"); err != nil {
		t.Fatal(err)
	}
	// Finished but not reset (killed before Reset): start again from the seed.
	if resumed, err := q.Begin(ctx, seed); resumed || err != nil {
		t.Fatalf("Begin after a finished crawl = %v, %v; want fresh", resumed, err)
	}
	known, err := q.Known(seed.Key, "/list", "/report")
	if err != nil || !known[0] || known[1] || known[2] {
		t.Errorf("Known after a fresh Begin = %v, %v; want only the seed", known, err)
	}
	if p, err := q.Pop(ctx, 5); err != nil || len(p) != 1 || p[0].Key != seed.Key {
		t.Errorf("Pop after a fresh Begin = %v, %v; want the seed alone", p, err)
	}
}
