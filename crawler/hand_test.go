package crawler

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/frontier"
)

// The hand gives items best first, pops ahead, and pops again when a link
// better than the best in hand arrives from a page read in the background.
func TestHandBestFirst(t *testing.T) {
	ctx := context.Background()
	_, h := twentyInHand(t)
	it := handItem
	got := fetchNext(t, h, 3)
	if strings.Join(got, " ") != "/ra /rb /rc" {
		t.Fatalf("first three %v", got)
	}
	// A report read in the background finds a link better than anything.
	if err := h.push(ctx, []archive.FrontierItem{it("/best", 99), it("/ra", 100)}); err != nil {
		t.Fatal(err)
	}
	got = fetchNext(t, h, 2)
	if strings.Join(got, " ") != "/best /rd" {
		t.Errorf("after a better link: %v, want /best first (and /ra, done, not again)", got)
	}
	// A list page's links are pushed and the best popped in one go.
	if err := h.pushPop(ctx, popAhead, []archive.FrontierItem{it("/list2", 50), it("/low", 0)}); err != nil {
		t.Fatal(err)
	}
	got = fetchNext(t, h, 2)
	if strings.Join(got, " ") != "/list2 /re" {
		t.Errorf("after a list page: %v", got)
	}
	// Everything comes out exactly once.
	got = fetchNext(t, h, 100)
	if len(got) != 20-5+1 || got[len(got)-1] != "/low" {
		t.Errorf("the rest: %d items %v, want 16 ending with /low", len(got), got)
	}
}

// A list page's links better than everything in hand are taken into it at
// once, the rest pushed behind; the loop fetches nothing those could
// outrank until their push is in.
func TestHandTakesListLinks(t *testing.T) {
	ctx := context.Background()
	fr, h := twentyInHand(t)
	it := handItem
	fetchNext(t, h, 3) // /ra /rb /rc; /rd … /rp (17 … 5) in hand

	links := unknownLinks(fr, []archive.FrontierItem{
		it("/low", 0.5), it("/new2", 17.5), it("/ra", 40), it("/mid", 4.5), it("/rd", 17), it("/new1", 30),
	})
	h.mu.Lock()
	take, rest := h.split(links, 10)
	h.mu.Unlock()
	if g := strings.Join(keysOf(take), " "); g != "/new1 /new2" {
		t.Errorf("taken %q, want /new1 /new2 (better than all in hand; /ra and /rd already known)", g)
	}
	if g := strings.Join(keysOf(rest), " "); g != "/mid /low" {
		t.Errorf("rest %q, want /mid /low", g)
	}
	if _, err := fr.PushTake(ctx, take)(); err != nil {
		t.Fatal(err)
	}

	// The rest is pushed behind, slowly: the loop must not fetch past 4.5
	// before it is in.
	h.mu.Lock()
	h.pushBehind(rest[0].Priority)
	h.mu.Unlock()
	go func() {
		time.Sleep(50 * time.Millisecond)
		if err := h.push(ctx, rest); err != nil {
			t.Error(err)
		}
		h.pushedBehind(rest[0].Priority)
	}()
	got := fetchNext(t, h, 100)
	want := "/new1 /new2 /rd /re /rf /rg /rh /ri /rj /rk /rl /rm /rn /ro /rp /mid /rq /rr /rs /rt /low"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("fetch order\n got %s\nwant %s", g, want)
	}
	if n, _ := fr.Pending(); n != 3+len(got) { // all in flight (none Done), none lost
		t.Errorf("Pending = %d, want %d in flight", n, 3+len(got))
	}
}

func keysOf(its []archive.FrontierItem) []string {
	var out []string
	for _, it := range its {
		out = append(out, it.Key)
	}
	return out
}

// addLinks takes a list page's links better than all in hand straight into
// it and queues the rest; with an empty hand it pushes and pops at once.
func TestHandAddLinks(t *testing.T) {
	ctx := context.Background()
	fr := testStore(t).Frontier("add")
	it := handItem
	h := newHand(fr, "a")
	// An empty hand: push and pop the best batch in one go.
	q, err := h.addLinks(ctx, unknownLinks(fr, []archive.FrontierItem{it("/r2", 5), it("/r1", 10)}), 100)
	if err != nil || q != nil {
		t.Fatalf("addLinks to an empty hand = %v, %v; want a push-and-pop", q, err)
	}
	if g := strings.Join(keysOf(h.items), " "); g != "/r1 /r2" {
		t.Fatalf("hand %q, want /r1 /r2", g)
	}
	// /r1 is in flight, so known; /x and /y beat /r2, the worst in hand.
	q, err = h.addLinks(ctx, unknownLinks(fr, []archive.FrontierItem{it("/x", 20), it("/z", 1), it("/y", 7), it("/r1", 10)}), 100)
	if err != nil || q == nil {
		t.Fatalf("addLinks = %v, %v", q, err)
	}
	if g := strings.Join(keysOf(h.items), " "); g != "/x /r1 /y /r2" {
		t.Errorf("hand %q, want /x /r1 /y /r2", g)
	}
	if !q.taken["/x"] || !q.taken["/y"] || len(q.taken) != 2 || !q.behind || q.best != 1 || len(h.pushing) != 1 {
		t.Errorf("queued %+v, pushing %v; want /x and /y taken, /z (1) behind", q, h.pushing)
	}
	if err := h.finish(q); err != nil {
		t.Fatal(err)
	}
	if len(h.pushing) != 0 || !h.best.above(0.5) || h.best.above(1) {
		t.Errorf("after finish: pushing %v, best %+v; want none pushing, best 1 (/z)", h.pushing, &h.best)
	}
	// Taken items are in flight, not popped again; /z is pending.
	got, err := fr.Pop(ctx, 10)
	if g := strings.Join(keysOf(got), " "); err != nil || g != "/z" {
		t.Errorf("pop = %q, %v; want /z", g, err)
	}
}

// handItem is a frontier item for the hand tests.
func handItem(k string, p float64) archive.FrontierItem {
	return archive.FrontierItem{Key: k, Host: "a", Priority: p}
}

// twentyInHand returns a frontier holding /ra at priority 20 … /rt at 1
// and an empty hand on it.
func twentyInHand(t *testing.T) (*archive.Frontier, *hand) {
	fr := testStore(t).Frontier("hand")
	var list []archive.FrontierItem
	for i := 0; i < 20; i++ {
		list = append(list, handItem("/r"+string(rune('a'+i)), float64(20-i)))
	}
	if err := fr.Push(context.Background(), list...); err != nil {
		t.Fatal(err)
	}
	return fr, newHand(fr, "a")
}

// fetchNext takes up to n items as the fetch loop does, fewer if the
// frontier runs dry, and returns their keys.
func fetchNext(t *testing.T, h *hand, n int) []string {
	t.Helper()
	ctx := context.Background()
	h.mu.Lock()
	defer h.mu.Unlock()
	var got []string
	for i := 0; i < n; i++ {
		if err := h.refill(ctx, popAhead, true); err != nil {
			t.Fatal(err)
		}
		if len(h.items) == 0 {
			break
		}
		got = append(got, h.next(ctx, 100).Key)
	}
	return got
}

// popCounter counts a queue's Pops.
type popCounter struct {
	frontier.Queue
	pops int
}

func (p *popCounter) Pop(ctx context.Context, k int) ([]archive.FrontierItem, error) {
	p.pops++
	return p.Queue.Pop(ctx, k)
}

// While pages are being read, an empty hand does not ask a frontier that
// came back short and has had nothing pushed since (a URL-list seed made
// one Pop more per seed without this); a push, or no page being read,
// makes it ask again.
func TestHandRefillSkipsDryFrontier(t *testing.T) {
	ctx := context.Background()
	q := testStore(t).Frontier("dry")
	if err := q.Push(ctx, handItem("/a", 3), handItem("/b", 2)); err != nil {
		t.Fatal(err)
	}
	fr := &popCounter{Queue: q}
	h := newHand(fr, "a")
	step := func(quiet bool, wantPops int, want string) {
		t.Helper()
		if err := h.refill(ctx, popAhead, quiet); err != nil {
			t.Fatal(err)
		}
		if g := strings.Join(keysOf(h.items), " "); fr.pops != wantPops || g != want {
			t.Errorf("refill(quiet %v): %d Pops, hand %q; want %d, %q", quiet, fr.pops, g, wantPops, want)
		}
		h.items = nil // fetched
	}
	step(false, 1, "/a /b") // 2 of 16: dry
	step(false, 1, "")      // reading, dry, nothing pushed: no Pop
	if err := h.push(ctx, []archive.FrontierItem{handItem("/c", 1)}); err != nil {
		t.Fatal(err)
	}
	step(false, 2, "/c") // a page read pushed a link
	step(true, 3, "")    // nothing being read: ask, to end the seed
}

// more pops another batch only for a seed with items on another host,
// and not again once the frontier came back short with nothing pushed
// since; pick takes the best item a host filter allows.
func TestHandMoreAndPick(t *testing.T) {
	ctx := context.Background()
	q := testStore(t).Frontier("more")
	var list []archive.FrontierItem
	for i := 0; i < 20; i++ {
		host := "a"
		if i >= 18 {
			host = "files.a" // the two worst: attachments on a file server
		}
		list = append(list, archive.FrontierItem{Key: fmt.Sprintf("/r%02d", i), Host: host, Priority: float64(20 - i)})
	}
	if err := q.Push(ctx, list...); err != nil {
		t.Fatal(err)
	}
	fr := &popCounter{Queue: q}
	h := newHand(fr, "a")
	if err := h.refill(ctx, popAhead, true); err != nil {
		t.Fatal(err)
	}
	onFiles := func(it archive.FrontierItem) bool { return it.Host == "files.a" } // host a is busy
	if i := h.pick(onFiles); i != -1 || len(h.items) != popAhead {
		t.Fatalf("pick = %d with %d in hand, want -1 with %d (all on host a)", i, len(h.items), popAhead)
	}
	if got, err := h.more(ctx, 100); got || err != nil || fr.pops != 1 {
		t.Errorf("more on a one-host seed = %v, %v after %d Pops; want no Pop", got, err, fr.pops)
	}
	h.elsewhere.Store(true) // a page linked the file server
	if got, err := h.more(ctx, 100); !got || err != nil || fr.pops != 2 || len(h.items) != 20 {
		t.Errorf("more = %v, %v: %d Pops, %d in hand; want the 4 left popped", got, err, fr.pops, len(h.items))
	}
	if i := h.pick(onFiles); i != 18 || h.items[i].Key != "/r18" {
		t.Errorf("pick = %d, want 18 (/r18, the best on the file server)", i)
	}
	if got, _ := h.more(ctx, 100); got || fr.pops != 2 {
		t.Errorf("more on a dry frontier = %v after %d Pops, want no Pop", got, fr.pops)
	}
	// The item taken from the middle leaves the rest in order.
	if it := h.nextAt(ctx, 18, 100); it.Key != "/r18" || h.items[17].Key != "/r17" || h.items[18].Key != "/r19" {
		t.Errorf("nextAt(18) = %s, hand %v", it.Key, keysOf(h.items))
	}
}
