package archive

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentWriters: 8 goroutines write captures, parsed records and
// frontier items at once (run with -race). Some bodies are shared between
// goroutines so two writers race to store the same new payload.
func TestConcurrentWriters(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	const workers, per = 8, 60
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	var mu sync.Mutex
	newPayloads := 0
	ids := map[uint64]bool{}
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := s.Frontier("race")
			for i := 0; i < per; i++ {
				body := page(g*1000 + i)
				if i%3 == 0 {
					body = page(i) // same bytes in every goroutine
				}
				u := fmt.Sprintf("http://h%d.gov.cn/%d.html", g, i%10)
				a, err := s.AddCapture(ctx, Capture{URL: u, Status: 200}, body)
				if err != nil {
					errs <- err
					return
				}
				if i%3 != 0 { // parse only the worker's own payloads
					if err := s.PutParsed(ctx, Parsed{Digest: a.Capture.Digest, ParserVersion: 1, URL: u, Year: 2020 + g, JSON: []byte("{}")}); err != nil {
						errs <- err
						return
					}
				}
				if err := f.Push(ctx, FrontierItem{Key: fmt.Sprintf("%s#%d", u, i), Host: u}); err != nil {
					errs <- err
					return
				}
				if _, err := f.Pop(ctx, 1); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if a.NewPayload {
					newPayloads++
				}
				if ids[a.Capture.ID] {
					errs <- fmt.Errorf("ID %d handed out twice", a.Capture.ID)
				}
				ids[a.Capture.ID] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Distinct bodies: 2/3 of each worker's 60 are unique, plus the 20 shared.
	const wantPayloads = workers*(per-per/3) + per/3
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Captures != workers*per || st.Payloads != wantPayloads || newPayloads != wantPayloads {
		t.Errorf("captures %d, payloads %d, NewPayload reported %d; want %d, %d, %d",
			st.Captures, st.Payloads, newPayloads, workers*per, wantPayloads, wantPayloads)
	}
	if len(ids) != workers*per || !ids[1] || !ids[workers*per] {
		t.Errorf("IDs are not 1..%d", workers*per)
	}
	// Every URL has 6 captures (i%10 over 60) in ID order.
	for g := 0; g < workers; g++ {
		caps, err := s.Captures(fmt.Sprintf("http://h%d.gov.cn/3.html", g))
		if err != nil || len(caps) != per/10 {
			t.Fatalf("worker %d: %d captures, %v", g, len(caps), err)
		}
		for i := 1; i < len(caps); i++ {
			if caps[i].ID <= caps[i-1].ID {
				t.Errorf("captures out of order: %d after %d", caps[i].ID, caps[i-1].ID)
			}
		}
	}
	if n, _ := s.Frontier("race").Pending(); n != workers*per {
		t.Errorf("frontier pending %d, want %d", n, workers*per)
	}
	n := 0
	if err := s.ForEachParsed(ctx, Filter{Year: 2023}, func(Parsed) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != per-per/3 { // worker 3 parsed its 40 own payloads as 2023
		t.Errorf("year 2023 records %d, want %d", n, per-per/3)
	}
}

// TestFailingOpInBatch: ops that fail inside the writer's transaction
// (a 304 naming a payload the archive does not hold) are rejected alone;
// the valid captures batched with them are all stored, once.
func TestFailingOpInBatch(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	const workers, per = 8, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	rejected, stored := 0, 0
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				var err error
				if (g+i)%2 == 0 {
					bogus := fmt.Sprintf("%064x", g*1000+i)
					_, err = s.AddCapture(ctx, Capture{URL: fmt.Sprintf("http://bad%d.gov.cn/%d", g, i), Status: 304, Digest: bogus}, nil)
				} else {
					_, err = s.AddCapture(ctx, Capture{URL: fmt.Sprintf("http://ok%d.gov.cn/%d", g, i), Status: 200}, page(g*1000+i))
				}
				mu.Lock()
				if err != nil {
					rejected++
				} else {
					stored++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rejected != workers*per/2 || stored != workers*per/2 {
		t.Fatalf("rejected %d stored %d, want %d each", rejected, stored, workers*per/2)
	}
	if st.Captures != int64(stored) || st.Payloads != int64(stored) || st.URLs != int64(stored) {
		t.Errorf("stats after mixed batch: %d captures, %d payloads, %d URLs; want %d each", st.Captures, st.Payloads, st.URLs, stored)
	}
	if _, err := s.Versions("http://bad0.gov.cn/0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a rejected capture left a URL behind: %v", err)
	}
}

// TestCloseDuringWrites: Close while 8 goroutines write. Each call ends
// with success or ErrClosed (no panic, no hang), and every capture that
// was reported stored is in the file after reopening.
func TestCloseDuringWrites(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var stored []uint64
	started := make(chan struct{}, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				a, err := s.AddCapture(ctx, Capture{URL: fmt.Sprintf("http://h%d.gov.cn/%d", g, i), Status: 200}, page(g*100000+i))
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("AddCapture: %v", err)
					return
				}
				if i == 2 {
					started <- struct{}{}
				}
				if err := s.PutParsed(ctx, Parsed{Digest: a.Capture.Digest, ParserVersion: 1, JSON: []byte("{}")}); err != nil && !errors.Is(err, ErrClosed) {
					t.Errorf("PutParsed: %v", err)
				}
				mu.Lock()
				stored = append(stored, a.Capture.ID)
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < 8; i++ {
		<-started
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, id := range stored {
		if _, err := s2.GetCapture(id); err != nil {
			t.Fatalf("capture %d reported stored before Close: %v", id, err)
		}
	}
	if len(stored) < 8 {
		t.Errorf("only %d captures stored before Close", len(stored))
	}
}
