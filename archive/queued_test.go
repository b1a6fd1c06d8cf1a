package archive

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// frontierState is the state byte of key in the named frontier (0 if it
// holds none), as committed.
func frontierState(t *testing.T, s *Store, name, key string) byte {
	t.Helper()
	var st byte
	if err := s.view(func(tx *bolt.Tx) error {
		fb := tx.Bucket(bFrontier).Bucket([]byte(name))
		if fb == nil {
			return nil
		}
		if v := fb.Bucket(fKeys).Get([]byte(key)); len(v) > 0 {
			st = v[0]
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

// holdWriter makes the writer wait inside a transaction until the returned
// func is called, so that the writes queued meanwhile form the next
// batches.
func holdWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	in, out := make(chan struct{}), make(chan struct{})
	go func() {
		_ = s.write(context.Background(), func(*bolt.Tx) error {
			close(in)
			<-out
			return nil
		})
	}()
	<-in
	return func() { close(out) }
}

// A page's writes queued behind its capture (the record, the frontier's
// Done) are applied only if the capture is: whether the capture fails in
// its own batch (a 304 naming a payload the archive lacks) or was dropped
// from an earlier one (its caller gave up). A successful chain is applied
// and durable in full.
func TestChainedWritesFailTogether(t *testing.T) {
	const name, key = "seed http://a.gov.cn/", "http://a.gov.cn/ndbg/1.html"
	body := page(1)
	digest, _ := sum(body)
	cases := []struct {
		name     string
		maxBatch int
		capture  func(s *Store) *CaptureWrite
		wantErr  bool
	}{
		{"capture fails in the same batch", 512, func(s *Store) *CaptureWrite {
			return s.QueueCapture(context.Background(), Capture{URL: key, Status: 304, Digest: fmt.Sprintf("%064x", 7)}, nil)
		}, true},
		{"capture dropped from an earlier batch", 1, func(s *Store) *CaptureWrite {
			ctx, cancel := context.WithCancel(context.Background())
			w := s.QueueCapture(ctx, Capture{URL: key, Status: 200}, body)
			cancel() // queued, not yet applied: the writer drops it
			return w
		}, true},
		{"capture fails before it is queued", 512, func(s *Store) *CaptureWrite {
			return s.QueueCapture(context.Background(), Capture{URL: "", Status: 200}, body)
		}, true},
		{"capture stored", 1, func(s *Store) *CaptureWrite {
			return s.QueueCapture(context.Background(), Capture{URL: key, Status: 200}, body)
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := openWith(filepath.Join(t.TempDir(), "a.db"), nil, writerConfig{maxBatch: tc.maxBatch, gather: 0})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			f := s.Frontier(name)
			if err := f.Push(ctx, FrontierItem{Key: key, Priority: 1}); err != nil {
				t.Fatal(err)
			}
			if got, err := f.Pop(ctx, 1); err != nil || len(got) != 1 {
				t.Fatalf("Pop = %v, %v", got, err)
			}
			// The writes queue while the writer is busy; with a batch of
			// one (the queue holds as many) the later ones wait their turn.
			release := holdWriter(t, s)
			cw := tc.capture(s)
			var parsed, done *Queued
			queued := make(chan struct{})
			go func() {
				defer close(queued)
				parsed = s.QueueParsed(ctx, cw.Queued, Parsed{Digest: digest, ParserVersion: 3, URL: key, Kind: "report", JSON: []byte(`{"k":1}`)})
				done = f.DoneAfter(ctx, cw.Queued, key)
			}()
			release()
			<-queued

			applied, aerr := cw.Applied()
			added, cerr := cw.Added()
			perr, derr := parsed.Wait(), done.Wait()
			if err := s.Sync(ctx); err != nil { // Done answers once applied
				t.Fatal(err)
			}
			_, gerr := s.GetParsed(digest)
			state := frontierState(t, s, name, key)
			if tc.wantErr {
				if aerr == nil || cerr == nil || perr == nil || derr == nil {
					t.Fatalf("errors: applied %v, added %v, parsed %v, done %v; want all four", aerr, cerr, perr, derr)
				}
				if !errors.Is(gerr, ErrNotFound) {
					t.Errorf("a record was stored behind a failed capture: %v", gerr)
				}
				if state != stateInFlight {
					t.Errorf("frontier state %d after a failed capture, want in flight (%d)", state, stateInFlight)
				}
				return
			}
			if aerr != nil || cerr != nil || perr != nil || derr != nil {
				t.Fatalf("errors: applied %v, added %v, parsed %v, done %v", aerr, cerr, perr, derr)
			}
			if !applied.NewPayload || applied.Capture.ID != added.Capture.ID || added.Capture.Digest != digest || added.Capture.ID == 0 {
				t.Errorf("Applied %+v, Added %+v; want the same new payload %s", applied, added, digest)
			}
			if gerr != nil || state != stateDone {
				t.Errorf("record %v, frontier state %d; want stored and done", gerr, state)
			}
			if cs, err := s.Captures(key); err != nil || len(cs) != 1 {
				t.Errorf("captures of %s: %v, %v", key, cs, err)
			}
		})
	}
}

// A seed's frontier has no colly buckets (visited, cookies) until colly
// uses them: a URL list makes and deletes one frontier per URL. Reads of
// the absent buckets answer "none"; writes make them; Reset and Begin
// treat them as any other list.
func TestFrontierCollyBucketsOnUse(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	f := s.Frontier("seed http://a.gov.cn/")
	seed := FrontierItem{Key: "http://a.gov.cn/", Host: "a.gov.cn", Priority: 1000}
	if resumed, err := f.Begin(ctx, seed); resumed || err != nil {
		t.Fatalf("Begin = %v, %v", resumed, err)
	}
	has := func(name []byte) bool {
		var ok bool
		if err := s.view(func(tx *bolt.Tx) error {
			b := tx.Bucket(bFrontier).Bucket([]byte(f.name))
			ok = b != nil && b.Bucket(name) != nil
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if has(fVisited) || has(fCookies) || !has(fQueue) {
		t.Fatalf("a new frontier: visited %v, cookies %v, queue %v; want the queue alone", has(fVisited), has(fCookies), has(fQueue))
	}
	u, _ := url.Parse("http://a.gov.cn/x")
	if ok, err := f.IsVisited(7); ok || err != nil {
		t.Errorf("IsVisited on no bucket = %v, %v", ok, err)
	}
	if c := f.Cookies(u); c != "" {
		t.Errorf("Cookies on no bucket = %q", c)
	}
	if err := f.Visited(7); err != nil {
		t.Fatal(err)
	}
	f.SetCookies(u, "sid=1")
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.IsVisited(7); !ok || f.Cookies(u) != "sid=1" {
		t.Errorf("after use: visited %v, cookies %q", ok, f.Cookies(u))
	}
	// Finished: the seed done, colly's lists full. The next Begin starts
	// afresh, with nothing of the old crawl.
	if _, err := f.Pop(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.Done(ctx, seed.Key); err != nil {
		t.Fatal(err)
	}
	if resumed, err := f.Begin(ctx, seed); resumed || err != nil {
		t.Fatalf("Begin after a finished crawl = %v, %v", resumed, err)
	}
	if ok, _ := f.IsVisited(7); ok || f.Cookies(u) != "" {
		t.Errorf("after a fresh Begin: visited %v, cookies %q; want both forgotten", ok, f.Cookies(u))
	}
}
