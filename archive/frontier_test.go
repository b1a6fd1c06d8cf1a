package archive

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/gocolly/colly/v2/storage"
	bolt "go.etcd.io/bbolt"
)

// The crawler hands a Frontier to colly.Collector.SetStorage.
var _ storage.Storage = (*Frontier)(nil)

func TestFrontierOrder(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	f := s.Frontier("zj")
	items := []FrontierItem{
		{Key: "http://a.gov.cn/list", Host: "a.gov.cn", Priority: 1},
		{Key: "http://a.gov.cn/ndbg/2020.html", Host: "a.gov.cn", Priority: 5, Data: []byte("depth=2")},
		{Key: "http://b.gov.cn/", Host: "b.gov.cn", Priority: 1},
		{Key: "http://b.gov.cn/ndbg/2021.html", Host: "b.gov.cn", Priority: 5},
		{Key: "http://c.gov.cn/old", Host: "c.gov.cn", Priority: -2},
		{Key: "http://a.gov.cn/list", Host: "a.gov.cn", Priority: 9}, // duplicate key: ignored
	}
	if err := f.Push(ctx, items...); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.Pending(); n != 5 {
		t.Fatalf("Pending = %d, want 5", n)
	}
	got, err := f.Pop(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"http://a.gov.cn/ndbg/2020.html", "http://b.gov.cn/ndbg/2021.html", "http://a.gov.cn/list", "http://b.gov.cn/", "http://c.gov.cn/old"}
	if len(got) != len(want) {
		t.Fatalf("popped %d, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Key != w {
			t.Errorf("pop %d = %s, want %s", i, got[i].Key, w)
		}
	}
	if string(got[0].Data) != "depth=2" || got[0].Host != "a.gov.cn" || got[0].Priority != 5 {
		t.Errorf("item round trip: %+v", got[0])
	}
	if n, _ := f.Pending(); n != 5 {
		t.Errorf("Pending with all in flight = %d, want 5", n)
	}
	if err := f.Done(ctx, "http://b.gov.cn/"); err != nil {
		t.Fatal(err)
	}
	if err := f.Done(ctx, "http://a.gov.cn/list", "http://c.gov.cn/old"); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.Pending(); n != 2 {
		t.Errorf("Pending after 3 Done = %d, want 2", n)
	}
	// A done key is not pushed again; other frontiers are independent.
	if err := f.Push(ctx, FrontierItem{Key: "http://b.gov.cn/"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.Pending(); n != 2 {
		t.Errorf("Pending after re-push of a done key = %d, want 2", n)
	}
	if n, _ := s.Frontier("js").Pending(); n != 0 {
		t.Errorf("other frontier Pending = %d", n)
	}
	if err := f.Push(ctx, FrontierItem{Key: ""}); err == nil {
		t.Error("empty key accepted")
	}
	if err := f.Push(ctx, FrontierItem{Key: "http://a/" + string(make([]byte, 40000))}); err == nil {
		t.Error("40 KB key accepted")
	}
	if err := f.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.Push(ctx, FrontierItem{Key: "http://b.gov.cn/"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.Pending(); n != 1 {
		t.Errorf("Pending after Reset and push = %d, want 1", n)
	}
}

func TestFrontierResume(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	f := s.Frontier("nightly")
	var items []FrontierItem
	for i := 0; i < 100; i++ {
		items = append(items, FrontierItem{Key: fmt.Sprintf("http://h%d.gov.cn/p%03d", i%7, i), Host: fmt.Sprintf("h%d.gov.cn", i%7), Priority: float64(i % 3)})
	}
	if err := f.Push(ctx, items...); err != nil {
		t.Fatal(err)
	}
	first, err := f.Pop(ctx, 10)
	if err != nil || len(first) != 10 {
		t.Fatalf("Pop = %d, %v", len(first), err)
	}
	if err := f.Visited(42); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("http://h1.gov.cn/x")
	f.SetCookies(u, "JSESSIONID=abc")
	if err := s.Close(); err != nil { // no Done: the 10 are in flight
		t.Fatal(err)
	}

	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	f2 := s2.Frontier("nightly")
	if n, err := f2.Pending(); n != 100 || err != nil {
		t.Fatalf("Pending after restart = %d, %v; want 100", n, err)
	}
	all, err := f2.Pop(ctx, 1000)
	if err != nil || len(all) != 100 {
		t.Fatalf("Pop all = %d, %v", len(all), err)
	}
	// The 10 popped before the restart come back first, in the same order.
	for i := range first {
		if all[i].Key != first[i].Key {
			t.Errorf("item %d after restart = %s, want %s", i, all[i].Key, first[i].Key)
		}
	}
	seen := map[string]bool{}
	for _, it := range all {
		seen[it.Key] = true
	}
	if len(seen) != 100 {
		t.Errorf("%d distinct keys, want 100", len(seen))
	}
	if ok, _ := f2.IsVisited(42); !ok {
		t.Error("visited id 42 lost")
	}
	if ok, _ := f2.IsVisited(43); ok {
		t.Error("id 43 reported visited")
	}
	if c := f2.Cookies(u); c != "JSESSIONID=abc" {
		t.Errorf("cookies = %q", c)
	}
}

// TestFrontierRelease: released in-flight items go back to their place in
// the queue; pending, done and unknown keys are left alone; the pending
// count never changes.
func TestFrontierRelease(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	f := s.Frontier("release")
	if err := f.Push(ctx,
		FrontierItem{Key: "http://a.gov.cn/1", Host: "a.gov.cn", Priority: 2, Data: []byte("d1")},
		FrontierItem{Key: "http://a.gov.cn/2", Host: "a.gov.cn", Priority: 2},
		FrontierItem{Key: "http://a.gov.cn/3", Host: "a.gov.cn", Priority: 1},
		FrontierItem{Key: "http://a.gov.cn/4", Host: "a.gov.cn", Priority: 3},
	); err != nil {
		t.Fatal(err)
	}
	got, err := f.Pop(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if g := fmt.Sprint(keys(got)); g != "[http://a.gov.cn/4 http://a.gov.cn/1 http://a.gov.cn/2]" {
		t.Fatalf("first pop = %s", g)
	}
	if err := f.Done(ctx, "http://a.gov.cn/4"); err != nil {
		t.Fatal(err)
	}
	// 1 and 2 in flight, 3 pending, 4 done, 5 unknown.
	if err := f.Release(ctx, "http://a.gov.cn/2", "http://a.gov.cn/1", "http://a.gov.cn/3", "http://a.gov.cn/4", "http://a.gov.cn/5"); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Pending(); n != 3 || err != nil {
		t.Errorf("Pending after Release = %d, %v; want 3", n, err)
	}
	// Back in priority then push order, ahead of 3, with their data.
	again, err := f.Pop(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if g := fmt.Sprint(keys(again)); g != "[http://a.gov.cn/1 http://a.gov.cn/2 http://a.gov.cn/3]" {
		t.Errorf("pop after Release = %s", g)
	}
	if len(again) > 0 && (string(again[0].Data) != "d1" || again[0].Priority != 2 || again[0].Host != "a.gov.cn") {
		t.Errorf("released item round trip: %+v", again[0])
	}
	// The done key stays done: not pushed again, not popped.
	if err := f.Push(ctx, FrontierItem{Key: "http://a.gov.cn/4"}); err != nil {
		t.Fatal(err)
	}
	// Release 3 again and close: a released item is pending, not in flight,
	// after a restart as before it.
	if err := f.Release(ctx, "http://a.gov.cn/3"); err != nil {
		t.Fatal(err)
	}
	if err := f.Done(ctx, "http://a.gov.cn/1", "http://a.gov.cn/2"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	f2 := s2.Frontier("release")
	if n, err := f2.Pending(); n != 1 || err != nil {
		t.Errorf("Pending after restart = %d, %v; want 1", n, err)
	}
	last, err := f2.Pop(ctx, 10)
	if err != nil || fmt.Sprint(keys(last)) != "[http://a.gov.cn/3]" {
		t.Errorf("pop after restart = %v, %v; want [http://a.gov.cn/3]", keys(last), err)
	}
	if err := f2.Release(ctx); err != nil {
		t.Errorf("Release of no keys: %v", err)
	}
}

// PushNew returns only what the frontier did not know: pending, in-flight
// and done keys are not new, nor a key repeated within one push.
func TestFrontierPushNew(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	f := s.Frontier("zj")
	it := func(k string, p float64) FrontierItem { return FrontierItem{Key: k, Host: "a.gov.cn", Priority: p} }
	added, err := f.PushNew(ctx, it("/done", 1), it("/flight", 2), it("/pending", 0))
	if err != nil || len(added) != 3 {
		t.Fatalf("first push added %v, %v; want all 3", added, err)
	}
	if got, _ := f.Pop(ctx, 2); len(got) != 2 || got[0].Key != "/flight" || got[1].Key != "/done" {
		t.Fatalf("popped %v", got)
	}
	if err := f.Done(ctx, "/done"); err != nil {
		t.Fatal(err)
	}
	added, err = f.PushNew(ctx, it("/done", 9), it("/flight", 9), it("/pending", 9), it("/new", 3), it("/new", 8))
	if err != nil || len(added) != 1 || added[0].Key != "/new" || added[0].Priority != 3 {
		t.Fatalf("second push added %+v, %v; want only /new at priority 3", added, err)
	}
	if n, _ := f.Pending(); n != 3 { // /flight, /pending, /new
		t.Errorf("Pending = %d, want 3", n)
	}
}

// PushTake puts new and pending items straight in flight and pushes the
// rest; a restart gives taken items back to the queue like popped ones.
func TestFrontierPushTake(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	f := s.Frontier("zj")
	it := func(k string, p float64) FrontierItem {
		return FrontierItem{Key: k, Host: "a.gov.cn", Priority: p, Data: []byte("d" + k)}
	}
	if err := f.Push(ctx, it("/pending", 1), it("/done", 3)); err != nil {
		t.Fatal(err)
	}
	if err := f.Done(ctx, "/done"); err != nil {
		t.Fatal(err)
	}
	wait := f.PushTake(ctx, []FrontierItem{it("/new", 5), it("/pending", 9), it("/done", 9), it("/new", 6)},
		it("/rest", 2), it("/new", 7), it("/low", 0))
	added, err := wait()
	if err != nil {
		t.Fatal(err)
	}
	if g := fmt.Sprint(keys(added)); g != "[/new /rest /low]" {
		t.Errorf("added %s, want [/new /rest /low]", g)
	}
	if n, _ := f.Pending(); n != 4 { // /new and /pending in flight, /rest and /low pending
		t.Errorf("Pending = %d, want 4", n)
	}
	// Taken items are not popped again.
	got, err := f.Pop(ctx, 1)
	if err != nil || fmt.Sprint(keys(got)) != "[/rest]" {
		t.Fatalf("pop = %v, %v; want [/rest]", keys(got), err)
	}
	if err := f.Done(ctx, "/pending"); err != nil {
		t.Fatal(err)
	}
	// /new and /rest are in flight and not Done: after a restart they are
	// pending again, /new first at the priority it was taken at.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	f2 := s2.Frontier("zj")
	again, err := f2.Pop(ctx, 10)
	if g := fmt.Sprint(keys(again)); err != nil || g != "[/new /rest /low]" {
		t.Fatalf("pop after restart = %s, %v; want [/new /rest /low]", g, err)
	}
	if again[0].Priority != 5 || string(again[0].Data) != "d/new" {
		t.Errorf("taken item round trip: %+v", again[0])
	}
	// A bad key fails the whole call and writes nothing.
	if _, err := f2.PushTake(ctx, []FrontierItem{it("/x", 1), {}})(); err == nil {
		t.Error("PushTake with an empty key: no error")
	}
	if k, _ := f2.Known("/x"); k[0] {
		t.Error("PushTake with an empty key wrote /x")
	}
}

// Known answers for pending, in-flight and done keys alike, after their
// writes commit; an unknown frontier knows nothing.
func TestFrontierKnown(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if k, err := s.Frontier("none").Known("/a"); err != nil || len(k) != 1 || k[0] {
		t.Fatalf("Known on an absent frontier = %v, %v; want [false]", k, err)
	}
	f := s.Frontier("zj")
	it := func(k string, p float64) FrontierItem { return FrontierItem{Key: k, Host: "a.gov.cn", Priority: p} }
	if err := f.Push(ctx, it("/done", 2), it("/flight", 1), it("/pending", 0)); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Pop(ctx, 2); len(got) != 2 {
		t.Fatalf("popped %v", got)
	}
	if err := f.Done(ctx, "/done"); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := f.Known("/done", "/new", "/flight", "/pending", "")
	want := []bool{true, false, true, true, false}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Known = %v, %v; want %v", got, err, want)
	}
	if err := f.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Known("/done", "/pending"); !slices.Equal(got, []bool{false, false}) {
		t.Errorf("Known after Reset = %v, want all false", got)
	}

	// A push is known as soon as it is queued, before it commits: hold the
	// writer in a transaction while the push waits behind it.
	hold, held := make(chan struct{}), make(chan struct{})
	go s.write(ctx, func(*bolt.Tx) error { close(held); <-hold; return nil })
	<-held
	wait := f.PushTake(ctx, []FrontierItem{it("/taken", 1)}, it("/pushed", 0))
	pushed := make(chan error, 1)
	go func() { _, err := f.PushNew(ctx, it("/new", 0)); pushed <- err }()
	for { // until PushNew has queued its write
		if k, _ := f.Known("/new"); k[0] {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if got, _ := f.Known("/taken", "/pushed", "/other"); !slices.Equal(got, []bool{true, true, false}) {
		t.Errorf("Known while the writer is busy = %v, want [true true false]", got)
	}
	close(hold)
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	if err := <-pushed; err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(ctx); err != nil { // a later commit: theirs is done
		t.Fatal(err)
	}
	s.unsynced.mu.Lock()
	if len(s.unsynced.m) != 0 {
		t.Errorf("keys still noted as unsynced after commit: %v", s.unsynced.m)
	}
	s.unsynced.mu.Unlock()
	if got, _ := f.Known("/taken", "/pushed", "/new"); !slices.Equal(got, []bool{true, true, true}) {
		t.Errorf("Known after commit = %v, want all true", got)
	}
}

// PushPop pushes, then pops the best of old and new together, in one write.
func TestFrontierPushPop(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	f := s.Frontier("zj")
	it := func(k string, p float64) FrontierItem { return FrontierItem{Key: k, Host: "a.gov.cn", Priority: p} }
	if err := f.Push(ctx, it("/old", 1)); err != nil {
		t.Fatal(err)
	}
	added, popped, err := f.PushPop(ctx, 2, it("/b", 5), it("/c", 0), it("/old", 9))
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 2 || added[0].Key != "/b" || added[1].Key != "/c" {
		t.Errorf("added %+v, want /b and /c", added)
	}
	if len(popped) != 2 || popped[0].Key != "/b" || popped[1].Key != "/old" || popped[1].Priority != 1 {
		t.Errorf("popped %+v, want /b then /old (at its first priority)", popped)
	}
	rest, err := f.Pop(ctx, 5)
	if err != nil || len(rest) != 1 || rest[0].Key != "/c" {
		t.Errorf("left %+v, %v; want only /c", rest, err)
	}
	if n, _ := f.Pending(); n != 3 { // all three in flight
		t.Errorf("Pending = %d, want 3", n)
	}
	if err := f.Done(ctx, "/b", "/c"); err != nil {
		t.Fatal(err)
	}
	if _, popped, err := f.PushPop(ctx, 1); err != nil || len(popped) != 0 {
		t.Errorf("nothing pending, popped %+v, %v", popped, err)
	}
}

func keys(its []FrontierItem) []string {
	var out []string
	for _, it := range its {
		out = append(out, it.Key)
	}
	return out
}
