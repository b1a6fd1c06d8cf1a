package archive

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Reset gives back every page of the frontier it forgets: bbolt's own
// check finds no page that is neither in use nor free. A frontier of
// several pages per list is the case that leaked: deleting a bucket
// whose node the same transaction had changed made bbolt skip every
// other sub-bucket, and their pages were lost.
func TestResetFreesEveryPage(t *testing.T) {
	for _, tc := range []struct {
		name  string
		items int  // pushed, popped and done
		colly bool // colly's visited and cookies lists written too
	}{
		{"one page", 1, false},
		{"multi-page lists", 600, false},
		{"multi-page lists with colly's", 600, true},
		{"several chunks", resetChunkEntries + 500, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, path := openTemp(t)
			ctx := context.Background()
			f := s.Frontier("seed http://a.gov.cn/")
			first := FrontierItem{Key: "http://a.gov.cn/", Host: "a.gov.cn", Priority: 1000}
			if _, err := f.Begin(ctx, first); err != nil {
				t.Fatal(err)
			}
			var items []FrontierItem
			for i := 1; i < tc.items; i++ {
				items = append(items, FrontierItem{Key: fmt.Sprintf("http://a.gov.cn/xxgk/ndbg/%06d.html", i), Host: "a.gov.cn", Priority: float64(i % 7)})
			}
			if err := f.Push(ctx, items...); err != nil {
				t.Fatal(err)
			}
			// Half done, a quarter in flight, a quarter still queued:
			// every list has entries.
			got, err := f.Pop(ctx, tc.items*3/4)
			if err != nil {
				t.Fatal(err)
			}
			var done []string
			for _, it := range got[:len(got)*2/3] {
				done = append(done, it.Key)
			}
			if err := f.Done(ctx, done...); err != nil {
				t.Fatal(err)
			}
			if tc.colly {
				for i := range min(tc.items, 600) {
					if err := f.Visited(uint64(i)); err != nil {
						t.Fatal(err)
					}
					u, _ := url.Parse(fmt.Sprintf("http://h%d.gov.cn/", i))
					f.SetCookies(u, "JSESSIONID=0123456789abcdef0123456789abcdef")
				}
			}
			if err := s.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			if err := f.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			if n, err := f.Pending(); n != 0 || err != nil {
				t.Errorf("Pending after Reset = %d, %v", n, err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.View(func(tx *bolt.Tx) error {
				for err := range tx.Check() {
					t.Error(err)
				}
				if tx.Bucket(bFrontier).Bucket([]byte(f.name)) != nil {
					t.Error("the frontier's bucket is still there")
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
