package crawler

import (
	"context"
	"sync"

	"github.com/gongkai/gongkai/extract"
)

// extracted is what one extraction of a payload gave, shared by every
// capture of the same bytes that arrived while it ran.
type extracted struct {
	kind   string       // the record's kind ("" if no record was read or made)
	failed string       // extraction failed: the error, for ExtractErr
	retry  bool         // the failure was the extractor's own (its context): another capture tries again
	stored func() error // the record's write, once durable; nil if none was queued. Safe to call many times
}

// apply sets a page's outcome from r and returns the record's write to
// wait for (nil if none).
func (r extracted) apply(out *outcome) func() error {
	switch {
	case r.failed != "":
		out.ExtractErr = r.failed
		out.Report = out.Kind == kindReport || out.Kind == kindAttachment
	case r.kind != "":
		out.RecordKind, out.Report = r.kind, r.kind == extract.KindReport
	}
	return r.stored
}

// flights keeps one extraction in flight per payload digest. The same
// bytes often arrive several times at once (mirror hosts, one PDF linked
// from several pages, a re-crawl over identical bytes): the first capture
// extracts, the others wait for its record instead of extracting again
// before it is stored. A digest is in flight from the first capture's join
// until its record is durable (or none was made), so a capture arriving in
// between does not miss the record it cannot see in the archive yet. At
// most one entry per page being archived: memory is bounded by the
// archivers.
//
// The last maxRecent digests whose record is durable are remembered with
// its kind: a capture of one of them needs neither extraction nor a look
// in the archive. This also covers a capture that was the first to store
// the bytes (NewPayload, so it would not look for a record) but reaches
// extraction only after another capture of them stored the record.
type flights struct {
	mu     sync.Mutex
	m      map[string]*flight
	recent map[string]string // digest → record kind, durable
	ring   []string          // recent's digests, oldest at next
	next   int
}

// maxRecent bounds flights.recent (about 150 bytes each).
const maxRecent = 4096

// flight is one digest's extraction.
type flight struct {
	done    chan struct{} // closed once res is set
	res     extracted
	waiting int // captures waiting (for tests)
}

// do returns digest's extraction: run's own, or that of the capture
// extracting the same digest now. A waiter whose extractor failed by its own
// context, or whose ctx ends while it waits, runs run itself (alone: the
// result is its own, not shared), so no capture is left without an answer.
func (fs *flights) do(ctx context.Context, digest string, run func() extracted) extracted {
	fs.mu.Lock()
	if fs.m == nil {
		fs.m, fs.recent = map[string]*flight{}, map[string]string{}
	}
	if kind, ok := fs.recent[digest]; ok {
		fs.mu.Unlock()
		return extracted{kind: kind}
	}
	f, ok := fs.m[digest]
	if !ok {
		f = &flight{done: make(chan struct{})}
		fs.m[digest] = f
	} else {
		f.waiting++
	}
	fs.mu.Unlock()

	if ok {
		select {
		case <-f.done:
			if !f.res.retry {
				return f.res
			}
		case <-ctx.Done():
		}
		return run()
	}
	r := extracted{failed: "extract: ended without an answer", retry: true}
	defer func() { fs.end(digest, f, r) }() // even if run panics: no waiter hangs
	r = fs.share(digest, f, run())
	return r
}

// share makes r's record write callable by every capture and forgets the
// flight once it is durable (or failed).
func (fs *flights) share(digest string, f *flight, r extracted) extracted {
	if r.stored != nil {
		wait := r.stored
		r.stored = sync.OnceValue(func() error {
			err := wait()
			if err == nil {
				fs.remember(digest, r.kind)
			}
			fs.forget(digest, f)
			return err
		})
	}
	return r
}

// end hands r to the flight's waiters; with no record on its way the
// flight is over at once.
func (fs *flights) end(digest string, f *flight, r extracted) {
	f.res = r
	close(f.done)
	if r.stored == nil {
		if r.failed == "" && r.kind != "" {
			fs.remember(digest, r.kind) // the archive's record
		}
		fs.forget(digest, f)
	}
}

// remember notes that digest's record of kind is durable.
func (fs *flights) remember(digest, kind string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if _, ok := fs.recent[digest]; ok {
		return
	}
	if len(fs.ring) < maxRecent {
		fs.ring = append(fs.ring, digest)
	} else {
		delete(fs.recent, fs.ring[fs.next])
		fs.ring[fs.next] = digest
		fs.next = (fs.next + 1) % maxRecent
	}
	fs.recent[digest] = kind
}

func (fs *flights) forget(digest string, f *flight) {
	fs.mu.Lock()
	if fs.m[digest] == f {
		delete(fs.m, digest)
	}
	fs.mu.Unlock()
}

// waiters returns how many captures wait for digest's extraction (for
// tests), and whether it is in flight.
func (fs *flights) waiters(digest string) (int, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.m[digest]
	if !ok {
		return 0, false
	}
	return f.waiting, true
}
