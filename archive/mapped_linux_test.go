//go:build linux

package archive

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/internal/testenv"
)

// mappingRss returns the resident size in bytes of this process's
// mappings of the file at path, from /proc/self/smaps.
func mappingRss(t testing.TB, path string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	var rss int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if !strings.HasSuffix(fs[0], ":") { // a mapping's header line
			in = len(fs) >= 6 && strings.Join(fs[5:], " ") == path
			continue
		}
		if in && fs[0] == "Rss:" && len(fs) >= 2 {
			kb, err := strconv.ParseInt(fs[1], 10, 64)
			if err != nil {
				t.Fatalf("smaps: %q: %v", sc.Text(), err)
			}
			rss += kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read smaps: %v", err)
	}
	return rss
}

// mapBody is a distinct, incompressible 14,000-byte payload (stored raw:
// four 4 KB pages each, so the file grows fast and zstd costs little).
func mapBody(i int) []byte {
	b := make([]byte, 14000)
	rand.NewChaCha8([32]byte{byte(i), byte(i >> 8), byte(i >> 16), 42}).Read(b)
	return b
}

// mapLoad writes n distinct payloads from 8 goroutines, each also reading
// its URL's validators first and pushing, popping and finishing frontier
// items, as the crawler does, while 2 readers read back random payloads
// already stored (one per 4 captures each). It samples the mapping's Rss every 100 captures and
// returns the largest sample and the digests written (by body index).
func mapLoad(t *testing.T, s *Store, path string, n int) (peak int64, digests []string) {
	t.Helper()
	ctx := context.Background()
	digests = make([]string, n)
	var next, stored atomic.Int64
	var mu sync.Mutex
	done := make(chan struct{})
	errs := make(chan error, 16)
	var readers sync.WaitGroup
	for r := 0; r < 2; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 1))
			for reads := 1; ; reads++ {
				// One read per 4 captures each, as a crawl re-reads
				// the payloads that 304 answers confirm.
				k := int(stored.Load())
				for k < 4*reads {
					select {
					case <-done:
						return
					case <-time.After(100 * time.Microsecond):
					}
					k = int(stored.Load())
				}
				i := rng.IntN(k)
				mu.Lock()
				d := digests[i]
				mu.Unlock()
				if d == "" {
					continue
				}
				got, err := s.Payload(d)
				if err != nil || !bytes.Equal(got, mapBody(i)) {
					errs <- fmt.Errorf("read back payload %d during writes: err %v, %d bytes", i, err, len(got))
					return
				}
			}
		}()
	}
	var writers sync.WaitGroup
	f := s.Frontier("maptest")
	for w := 0; w < 8; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				u := fmt.Sprintf("http://www.gov%d.gov.cn/art/%d.html", i%5, i)
				if _, err := s.Validators(u); err != nil && !strings.Contains(err.Error(), "not found") {
					errs <- err
					return
				}
				a, err := s.AddCapture(ctx, Capture{URL: u, Status: 200}, mapBody(i))
				if err != nil {
					errs <- err
					return
				}
				if err := f.Push(ctx, FrontierItem{Key: u + "#a", Host: "h"}, FrontierItem{Key: u + "#b", Host: "h"}); err != nil {
					errs <- err
					return
				}
				its, err := f.Pop(ctx, 1)
				if err == nil && len(its) == 1 {
					err = f.Done(ctx, its[0].Key)
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				digests[i] = a.Capture.Digest
				mu.Unlock()
				if k := stored.Add(1); k%100 == 0 {
					rss := mappingRss(t, path)
					mu.Lock()
					peak = max(peak, rss)
					mu.Unlock()
				}
			}
		}()
	}
	writers.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return peak, digests
}

// TestMappedReleaseBoundsRss: under a crawl-like write load the resident
// part of the file mapping stays bounded when the writer releases it every
// 4 MB of pages written, and grows with the file when it does not (the
// kernel maps the neighbours of every metadata page read, see mapped.go).
// Every payload reads back byte-identical after the releases.
func TestMappedReleaseBoundsRss(t *testing.T) {
	testenv.SkipUnlessSlow(t, "writes two 60 MB archives")
	const n = 4000 // 14 KB payloads: ~60 MB of file
	const every = 4 << 20
	run := func(release int64) (int64, int64, *Store, []string) {
		wc := defaultWriterConfig()
		wc.releaseEvery = release
		path := filepath.Join(t.TempDir(), "archive.db")
		s, err := openWith(path, nil, wc)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		peak, digests := mapLoad(t, s, path, n)
		return peak, s.mrel.releases.Load(), s, digests
	}
	offPeak, offReleases, _, _ := run(0)
	onPeak, onReleases, s, digests := run(every)
	t.Logf("peak Rss of the mapping: %d KB without releases, %d KB releasing every %d MB (%d releases)",
		offPeak>>10, onPeak>>10, every>>20, onReleases)
	if offReleases != 0 {
		t.Errorf("releases with releaseEvery 0: %d", offReleases)
	}
	// ~4000 captures × ~60 KB of pages each: far more than every.
	if onReleases < 10 {
		t.Errorf("only %d releases for %d captures", onReleases, n)
	}
	const bound = 4 * every // observed 8–9 MB; 47–48 MB without releases
	if onPeak > bound {
		t.Errorf("peak Rss with releases %d KB, want ≤ %d KB", onPeak>>10, bound>>10)
	}
	if offPeak < 2*bound {
		t.Errorf("peak Rss without releases %d KB: expected the mapping to grow past %d KB (does this kernel fault around?)", offPeak>>10, 2*bound>>10)
	}
	for i, d := range digests {
		got, err := s.Payload(d)
		if err != nil || !bytes.Equal(got, mapBody(i)) {
			t.Fatalf("payload %d after releases: err %v, %d bytes", i, err, len(got))
		}
	}
}

// TestMappedReleaseConcurrentReaders releases the mapping after nearly
// every commit while writers and readers run (meant for -race): readers
// holding pages of the mapping see them faulted back, never lost.
func TestMappedReleaseConcurrentReaders(t *testing.T) {
	wc := defaultWriterConfig()
	wc.releaseEvery = 1 // every commit
	path := filepath.Join(t.TempDir(), "archive.db")
	s, err := openWith(path, nil, wc)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 600
	_, digests := mapLoad(t, s, path, n)
	if r := s.mrel.releases.Load(); r < n/16 {
		t.Errorf("%d releases for %d captures from 8 writers, want one per commit", r, n)
	}
	bad := 0
	checked, err := s.VerifyPayloads(context.Background(), func(d string, err error) error { bad++; return nil })
	if err != nil || checked != n || bad != 0 {
		t.Fatalf("VerifyPayloads: %d checked, %d bad, err %v; want %d, 0, nil", checked, bad, err, n)
	}
	for i, d := range digests {
		got, err := s.Payload(d)
		if err != nil || !bytes.Equal(got, mapBody(i)) {
			t.Fatalf("payload %d: err %v, %d bytes", i, err, len(got))
		}
	}
}

// TestReleaseMappedDropsPages: reading every payload maps the file; one
// release unmaps it, and the next reads still return the same bytes.
func TestReleaseMappedDropsPages(t *testing.T) {
	wc := defaultWriterConfig()
	wc.releaseEvery = 0
	path := filepath.Join(t.TempDir(), "archive.db")
	s, err := openWith(path, nil, wc)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 500 // ~8 MB of pages
	digests := make([]string, n)
	for i := range digests {
		digests[i] = mustAdd(t, s, Capture{URL: fmt.Sprintf("http://a.gov.cn/%d", i), Status: 200}, mapBody(i)).Capture.Digest
	}
	readAll := func() {
		for i, d := range digests {
			got, err := s.Payload(d)
			if err != nil || !bytes.Equal(got, mapBody(i)) {
				t.Fatalf("payload %d: err %v, %d bytes", i, err, len(got))
			}
		}
	}
	readAll()
	before := mappingRss(t, path)
	if err := s.releaseMapped(); err != nil {
		t.Fatal(err)
	}
	after := mappingRss(t, path)
	readAll()
	again := mappingRss(t, path)
	t.Logf("mapping Rss: %d KB after reading every payload, %d KB after the release, %d KB after reading them again", before>>10, after>>10, again>>10)
	if before < n*16<<10*3/4 || after > 64<<10 || again < before*3/4 {
		t.Errorf("mapping Rss %d → %d → %d KB; want ≥ %d KB, ≤ 64 KB, then back near the first figure",
			before>>10, after>>10, again>>10, n*16*3/4)
	}
}

// TestFrontierResetBoundsRss: Reset of a big frontier maps a fraction of
// what deleting its bucket in one transaction maps, and forgets it all.
func TestFrontierResetBoundsRss(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two 60,000-item frontiers")
	}
	ctx := context.Background()
	const n = 60000
	var doneKey string
	fill := func() (*Store, string, *Frontier) {
		path := filepath.Join(t.TempDir(), "archive.db")
		s, err := Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		f := s.Frontier("big")
		for i := 0; i < n; i += 1000 {
			items := make([]FrontierItem, 1000)
			for j := range items {
				u := fmt.Sprintf("http://www.gov%d.gov.cn/col/col%d/art/2021/%08d/t20210125_%d_%s.html", (i+j)%9, i, i+j, j, strings.Repeat("x", 60))
				items[j] = FrontierItem{Key: u, Host: "www.gov.cn", Priority: float64(j % 3), Data: []byte(`{"depth":3,"kind":"page","score":40}`)}
			}
			if err := f.Push(ctx, items...); err != nil {
				t.Fatal(err)
			}
		}
		popped, err := f.Pop(ctx, 2000)
		if err != nil || len(popped) != 2000 {
			t.Fatalf("Pop: %d, %v", len(popped), err)
		}
		if err := f.Done(ctx, popped[0].Key); err != nil {
			t.Fatal(err)
		}
		doneKey = popped[0].Key
		if err := s.releaseMapped(); err != nil {
			t.Fatal(err)
		}
		return s, path, f
	}
	// peakDuring samples the mapping's Rss while fn runs.
	peakDuring := func(path string, fn func() error) int64 {
		var peak atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if r := mappingRss(t, path); r > peak.Load() {
					peak.Store(r)
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		}()
		err := fn()
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		return peak.Load()
	}

	s1, path1, _ := fill()
	oneTx := peakDuring(path1, func() error {
		return s1.write(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bFrontier).DeleteBucket([]byte("big")) })
	})
	s2, path2, f := fill()
	r0 := s2.mrel.releases.Load()
	chunked := peakDuring(path2, func() error { return f.Reset(ctx) })
	t.Logf("peak mapping Rss while deleting a %d-item frontier: %d KB in one transaction, %d KB by Reset (%d releases)",
		n, oneTx>>10, chunked>>10, s2.mrel.releases.Load()-r0)
	if oneTx < 8<<20 || chunked > oneTx/3 {
		t.Errorf("peak Rss %d KB by Reset vs %d KB in one transaction: want ≤ a third (and the one-transaction delete to map ≥ 8 MB)", chunked>>10, oneTx>>10)
	}
	if p, err := f.Pending(); p != 0 || err != nil {
		t.Errorf("Pending after Reset = %d, %v", p, err)
	}
	if got, err := f.Pop(ctx, 10); len(got) != 0 || err != nil {
		t.Errorf("Pop after Reset = %d items, %v", len(got), err)
	}
	// Done keys are forgotten too: the first popped key can come back.
	if err := f.Push(ctx, FrontierItem{Key: doneKey}); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.Pending(); p != 1 {
		t.Errorf("Pending after pushing a formerly done key = %d, want 1", p)
	}
}
