package crawler

import (
	"context"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
)

// The hand gives items best first, pops ahead, and pops again when a link
// better than the best in hand arrives from a page read in the background.
func TestHandBestFirst(t *testing.T) {
	ctx := context.Background()
	fr := testStore(t).Frontier("hand")
	it := func(k string, p float64) archive.FrontierItem {
		return archive.FrontierItem{Key: k, Host: "a", Priority: p}
	}
	var list []archive.FrontierItem
	for i := 0; i < 20; i++ {
		list = append(list, it("/r"+string(rune('a'+i)), float64(20-i)))
	}
	if err := fr.Push(ctx, list...); err != nil {
		t.Fatal(err)
	}
	h := &hand{fr: fr}
	var got []string
	fetch := func(n int) {
		for i := 0; i < n; i++ {
			if err := h.refill(ctx, popAhead); err != nil {
				t.Fatal(err)
			}
			got = append(got, h.next(ctx, 100).Key)
		}
	}
	fetch(3)
	if strings.Join(got, " ") != "/ra /rb /rc" {
		t.Fatalf("first three %v", got)
	}
	// A report read in the background finds a link better than anything.
	if err := h.push(ctx, []archive.FrontierItem{it("/best", 99), it("/ra", 100)}); err != nil {
		t.Fatal(err)
	}
	got = nil
	fetch(2)
	if strings.Join(got, " ") != "/best /rd" {
		t.Errorf("after a better link: %v, want /best first (and /ra, done, not again)", got)
	}
	// A list page's links are pushed and the best popped in one go.
	if err := h.pushPop(ctx, popAhead, []archive.FrontierItem{it("/list2", 50), it("/low", 0)}); err != nil {
		t.Fatal(err)
	}
	got = nil
	fetch(2)
	if strings.Join(got, " ") != "/list2 /re" {
		t.Errorf("after a list page: %v", got)
	}
	// Everything comes out exactly once.
	got = nil
	for {
		if err := h.refill(ctx, popAhead); err != nil {
			t.Fatal(err)
		}
		if len(h.items) == 0 {
			break
		}
		got = append(got, h.next(ctx, 100).Key)
	}
	if len(got) != 20-5+1 || got[len(got)-1] != "/low" {
		t.Errorf("the rest: %d items %v, want 16 ending with /low", len(got), got)
	}
}
