package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Each named frontier is a nested bucket of bFrontier holding:
//
//	q  queue:     ^prio(8) ‖ seq(8) → item      pending, highest priority first, FIFO among equals
//	f  in flight: same key → item               popped, not yet Done; moved back to q at Open or by Release
//	k  keys:      item key → state ‖ queue key  so Push skips what is pending, in flight or done
//	v  visited:   colly request id(8) → empty   (made on colly's first use)
//	c  cookies:   host → cookie string          (likewise)
//	pending       counter of q + f, so Pending is O(1)
//
// All writes go through the group-commit writer and are answered once
// applied, before the fsync (see writer.go): Push, Pop and Done from many
// goroutines share one transaction and never wait for the disk. PushTake
// does not even wait to be applied: writes are applied in the order they
// are queued. Reads (IsVisited, Cookies) see committed state, a few
// milliseconds behind; Known also sees the keys of pushes not yet
// committed (Store.unsynced); Pending waits for earlier calls to commit
// first.

var (
	fQueue    = []byte("q")
	fInFlight = []byte("f")
	fKeys     = []byte("k")
	fVisited  = []byte("v")
	fCookies  = []byte("c")
	fPending  = []byte("pending")
)

const (
	statePending  byte = 1
	stateInFlight byte = 2
	stateDone     byte = 3
)

// Frontier is a crawl's persistent pending queue and visited set, in the
// archive file, so a killed crawl resumes where it stopped. It also
// implements colly's storage.Storage (visited request IDs, cookies).
type Frontier struct {
	s    *Store
	name string
}

// Frontier returns the named frontier (one per seed list or crawl job).
func (s *Store) Frontier(name string) *Frontier { return &Frontier{s: s, name: name} }

// queueBuckets are a frontier's own lists, made with it; collyBuckets
// are made on colly's first use (a seed's frontier never has them: a URL
// list creates and deletes one frontier per URL).
var (
	queueBuckets = [][]byte{fQueue, fInFlight, fKeys}
	collyBuckets = [][]byte{fVisited, fCookies}
)

// bucket returns the named frontier's bucket, creating it (and its
// queueBuckets) in a write transaction; nil in a read transaction if absent.
func (f *Frontier) bucket(tx *bolt.Tx) (*bolt.Bucket, error) {
	root := tx.Bucket(bFrontier)
	if b := root.Bucket([]byte(f.name)); b != nil || !tx.Writable() {
		return b, nil
	}
	b, err := root.CreateBucket([]byte(f.name))
	if err != nil {
		return nil, fmt.Errorf("frontier %q: %w", f.name, err)
	}
	for _, n := range queueBuckets {
		if _, err := b.CreateBucket(n); err != nil {
			return nil, fmt.Errorf("frontier %q: %w", f.name, err)
		}
	}
	return b, nil
}

// collyBucket returns one of the frontier's collyBuckets, creating it in
// a write transaction; nil in a read transaction if absent.
func (f *Frontier) collyBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	b, err := f.bucket(tx)
	if b == nil || err != nil {
		return nil, err
	}
	if !tx.Writable() {
		return b.Bucket(name), nil
	}
	return b.CreateBucketIfNotExists(name)
}

// prioKey orders by priority descending, then by push sequence.
func prioKey(p float64, seq uint64) []byte {
	if math.IsNaN(p) {
		p = 0
	}
	bits := math.Float64bits(p)
	if bits&(1<<63) != 0 {
		bits = ^bits // negative: reverse
	} else {
		bits |= 1 << 63
	}
	k := binary.BigEndian.AppendUint64(nil, ^bits) // descending
	return binary.BigEndian.AppendUint64(k, seq)
}

func encodeItem(it FrontierItem) []byte {
	e := enc{b: make([]byte, 0, 32+len(it.Key)+len(it.Host)+len(it.Data))}
	e.str(it.Key)
	e.str(it.Host)
	e.f64(it.Priority)
	e.bytes(it.Data)
	return e.b
}

func decodeItem(v []byte) (FrontierItem, error) {
	d := dec{b: v}
	it := FrontierItem{Key: d.str(), Host: d.str(), Priority: d.f64()}
	if data := d.rawBytes(); len(data) > 0 {
		it.Data = append([]byte(nil), data...)
	}
	if d.err != nil {
		return FrontierItem{}, fmt.Errorf("frontier item: %v: %w", d.err, ErrCorrupt)
	}
	return it, nil
}

func addPending(b *bolt.Bucket, delta int64) error {
	var cur int64
	if v := b.Get(fPending); len(v) == 8 {
		cur = int64(binary.BigEndian.Uint64(v))
	}
	return b.Put(fPending, binary.BigEndian.AppendUint64(nil, uint64(cur+delta)))
}

// Push adds items not already pending, in flight or done. An empty Key is
// an error.
func (f *Frontier) Push(ctx context.Context, items ...FrontierItem) error {
	_, err := f.PushNew(ctx, items...)
	return err
}

// PushNew is Push that also returns the items it added: those not already
// pending, in flight or done. A crawler uses it to learn whether a page
// brought anything new.
func (f *Frontier) PushNew(ctx context.Context, items ...FrontierItem) ([]FrontierItem, error) {
	added, _, err := f.PushPop(ctx, 0, items...)
	return added, err
}

// PushPop pushes items (as PushNew) and then pops up to n (as Pop) in one
// write: a crawler that has just read a list page learns what to fetch
// next, best first among old and new items, in one round trip to the
// writer instead of two.
func (f *Frontier) PushPop(ctx context.Context, n int, items ...FrontierItem) (added, popped []FrontierItem, err error) {
	if len(items) == 0 && n <= 0 {
		return nil, nil, nil
	}
	vals := make([][]byte, len(items))
	for i, it := range items {
		if it.Key == "" {
			return nil, nil, fmt.Errorf("frontier %q: push: item %d has an empty key", f.name, i)
		}
		if len(it.Key) > maxURL {
			return nil, nil, fmt.Errorf("frontier %q: push: item %d has a key of %d bytes (max %d)", f.name, i, len(it.Key), maxURL)
		}
		vals[i] = encodeItem(it)
	}
	forget := f.s.unsynced.add(f.name, items)
	err = f.s.enqueue(ctx, func(tx *bolt.Tx) error {
		added, popped = added[:0], popped[:0] // the batch may be retried
		b, err := f.bucket(tx)
		if err != nil {
			return err
		}
		if added, err = pushTx(b, items, vals, added); err != nil {
			return err
		}
		popped, err = popTx(b, n, popped)
		return err
	}, true, forget)()
	if err != nil {
		return nil, nil, fmt.Errorf("frontier %q: push: %w", f.name, err)
	}
	return added, popped, nil
}

// PushTake pushes items as PushNew does and takes the items of take in
// flight as if popped, without a Pop: a crawler that has read a list page
// fetches the links it knows are best at once. An item of take already
// pending is moved in flight; one in flight or done is left as it is.
//
// PushTake does not wait: it returns once the write is queued (writes are
// applied in the order they are queued, so a later Done of a taken item
// comes after it), and wait returns, once applied, the items added
// (taken or pushed) that the frontier did not know.
func (f *Frontier) PushTake(ctx context.Context, take []FrontierItem, items ...FrontierItem) (wait func() ([]FrontierItem, error)) {
	all := append(append(make([]FrontierItem, 0, len(take)+len(items)), take...), items...)
	vals := make([][]byte, len(all))
	for i, it := range all {
		if it.Key == "" {
			return failedPush(fmt.Errorf("frontier %q: push: item %d has an empty key", f.name, i))
		}
		if len(it.Key) > maxURL {
			return failedPush(fmt.Errorf("frontier %q: push: item %d has a key of %d bytes (max %d)", f.name, i, len(it.Key), maxURL))
		}
		vals[i] = encodeItem(it)
	}
	var added []FrontierItem
	forget := f.s.unsynced.add(f.name, all)
	done := f.s.enqueue(ctx, func(tx *bolt.Tx) error {
		added = added[:0] // the batch may be retried
		b, err := f.bucket(tx)
		if err != nil {
			return err
		}
		if added, err = takeTx(b, take, vals[:len(take)], added); err != nil {
			return err
		}
		added, err = pushTx(b, items, vals[len(take):], added)
		return err
	}, true, forget)
	return func() ([]FrontierItem, error) {
		if err := done(); err != nil {
			return nil, fmt.Errorf("frontier %q: push: %w", f.name, err)
		}
		return added, nil
	}
}

func failedPush(err error) func() ([]FrontierItem, error) {
	return func() ([]FrontierItem, error) { return nil, err }
}

// takeTx puts items in flight: new ones at their priority's queue key,
// pending ones moved from the queue. Those it did not know are appended to
// added.
func takeTx(b *bolt.Bucket, items []FrontierItem, vals [][]byte, added []FrontierItem) ([]FrontierItem, error) {
	q, fl, kb := b.Bucket(fQueue), b.Bucket(fInFlight), b.Bucket(fKeys)
	n := len(added)
	for i, it := range items {
		st := kb.Get([]byte(it.Key))
		switch {
		case st == nil:
			if err := putItem(q, fl, kb, it, vals[i], stateInFlight); err != nil {
				return added, err
			}
			added = append(added, it)
		case len(st) == 17 && st[0] == statePending:
			qk := append([]byte(nil), st[1:]...)
			v := q.Get(qk)
			if v == nil {
				return added, fmt.Errorf("take %s: queue entry missing", it.Key)
			}
			if err := fl.Put(qk, append([]byte(nil), v...)); err != nil {
				return added, err
			}
			if err := q.Delete(qk); err != nil {
				return added, err
			}
			if err := kb.Put([]byte(it.Key), append([]byte{stateInFlight}, qk...)); err != nil {
				return added, err
			}
		}
	}
	return added, addPending(b, int64(len(added)-n))
}

// pushTx adds the items whose keys the frontier does not know, appending
// them to added.
func pushTx(b *bolt.Bucket, items []FrontierItem, vals [][]byte, added []FrontierItem) ([]FrontierItem, error) {
	q, kb := b.Bucket(fQueue), b.Bucket(fKeys)
	n := len(added)
	for i, it := range items {
		if kb.Get([]byte(it.Key)) != nil {
			continue
		}
		if err := putItem(q, q, kb, it, vals[i], statePending); err != nil {
			return added, err
		}
		added = append(added, it)
	}
	return added, addPending(b, int64(len(added)-n))
}

// putItem stores a new item in dst (the queue, or the in-flight list) under
// a fresh queue key, the one it goes back to when requeued, and notes its
// state under its key.
func putItem(q, dst, kb *bolt.Bucket, it FrontierItem, val []byte, state byte) error {
	seq, err := q.NextSequence()
	if err != nil {
		return err
	}
	qk := prioKey(it.Priority, seq)
	if err := dst.Put(qk, val); err != nil {
		return err
	}
	return kb.Put([]byte(it.Key), append([]byte{state}, qk...))
}

// Pop returns up to n pending items, highest priority first (FIFO among
// equal priorities), and marks them in flight. In-flight items that are
// never Done come back after a restart.
func (f *Frontier) Pop(ctx context.Context, n int) ([]FrontierItem, error) {
	out, _, err := f.PopDrained(ctx, n)
	return out, err
}

// PopDrained is Pop, and also reports whether it left no item pending.
func (f *Frontier) PopDrained(ctx context.Context, n int) (items []FrontierItem, drained bool, err error) {
	if n <= 0 {
		return nil, false, nil
	}
	var out []FrontierItem
	err = f.s.writeEarly(ctx, func(tx *bolt.Tx) error {
		b, err := f.bucket(tx)
		if err != nil {
			return err
		}
		out, err = popTx(b, n, out[:0])
		k, _ := b.Bucket(fQueue).Cursor().First()
		drained = k == nil
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("frontier %q: pop: %w", f.name, err)
	}
	return out, drained, nil
}

// popTx moves up to n of the best pending items in flight, appending them
// to out.
func popTx(b *bolt.Bucket, n int, out []FrontierItem) ([]FrontierItem, error) {
	if n <= 0 {
		return out, nil
	}
	q, fl, kb := b.Bucket(fQueue), b.Bucket(fInFlight), b.Bucket(fKeys)
	type moved struct{ k, v []byte }
	var take []moved
	c := q.Cursor()
	for k, v := c.First(); k != nil && len(take) < n; k, v = c.Next() {
		take = append(take, moved{append([]byte(nil), k...), append([]byte(nil), v...)})
	}
	for _, m := range take {
		it, err := decodeItem(m.v)
		if err != nil {
			return out, err
		}
		if err := q.Delete(m.k); err != nil {
			return out, err
		}
		if err := fl.Put(m.k, m.v); err != nil {
			return out, err
		}
		if err := kb.Put([]byte(it.Key), append([]byte{stateInFlight}, m.k...)); err != nil {
			return out, err
		}
		out = append(out, it)
	}
	return out, nil
}

// Done marks items finished, in one write: they leave the queue and a
// later Push of the same keys is ignored until Reset.
func (f *Frontier) Done(ctx context.Context, keys ...string) error {
	return f.DoneAfter(ctx, nil, keys...).Wait()
}

// DoneAfter queues Done's write behind after (the page's capture and
// record, queued by QueueCapture and QueueParsed) and returns without
// waiting: it is applied only if after is, and never commits before it.
// Wait gives Done's answer, once applied (as Done).
func (f *Frontier) DoneAfter(ctx context.Context, after *Queued, keys ...string) *Queued {
	if err := f.s.takeCommitErr(); err != nil {
		return failedWrite(fmt.Errorf("frontier %q: done: %w", f.name, err))
	}
	q := f.s.queue(ctx, &op{early: true, fn: func(tx *bolt.Tx) error {
		b, err := f.bucket(tx)
		if err != nil {
			return err
		}
		q, fl, kb := b.Bucket(fQueue), b.Bucket(fInFlight), b.Bucket(fKeys)
		removed := int64(0)
		for _, key := range keys {
			if st := kb.Get([]byte(key)); len(st) == 17 {
				switch st[0] {
				case statePending:
					if err := q.Delete(st[1:]); err != nil {
						return err
					}
					removed++
				case stateInFlight:
					if err := fl.Delete(st[1:]); err != nil {
						return err
					}
					removed++
				}
			}
			if err := kb.Put([]byte(key), []byte{stateDone}); err != nil {
				return err
			}
		}
		return addPending(b, -removed)
	}}, after)
	return q.wrap(fmt.Sprintf("frontier %q: done", f.name))
}

// Pending returns how many items are pending (including in flight). It
// first waits for earlier frontier calls to commit, so it counts them.
func (f *Frontier) Pending() (int, error) {
	if err := f.s.Sync(context.Background()); err != nil {
		return 0, fmt.Errorf("frontier %q: pending: %w", f.name, err)
	}
	n := 0
	err := f.s.view(func(tx *bolt.Tx) error {
		b, _ := f.bucket(tx)
		if b == nil {
			return nil
		}
		if v := b.Get(fPending); len(v) == 8 {
			n = int(int64(binary.BigEndian.Uint64(v)))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("frontier %q: pending: %w", f.name, err)
	}
	return n, nil
}

// Known reports, for each key, whether the frontier already holds it:
// pending, in flight or done. It does not go through the writer: it reads
// committed state, and the keys of pushes queued or applied but not yet
// committed, so a key pushed (by PushTake, Push, PushNew or PushPop) is
// known as soon as the push call has been made.
func (f *Frontier) Known(keys ...string) ([]bool, error) {
	known := f.s.unsynced.has(f.name, keys)
	err := f.s.view(func(tx *bolt.Tx) error {
		b, _ := f.bucket(tx)
		if b == nil {
			return nil
		}
		kb := b.Bucket(fKeys)
		for i, k := range keys {
			known[i] = known[i] || kb.Get([]byte(k)) != nil
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("frontier %q: known: %w", f.name, err)
	}
	return known, nil
}

// recoverFrontiers moves every in-flight item of every frontier back to
// its queue at its original position.
func recoverFrontiers(tx *bolt.Tx) error {
	root := tx.Bucket(bFrontier)
	var names [][]byte
	if err := root.ForEach(func(k, v []byte) error {
		if v == nil {
			names = append(names, append([]byte(nil), k...))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, name := range names {
		b := root.Bucket(name)
		q, fl, kb := b.Bucket(fQueue), b.Bucket(fInFlight), b.Bucket(fKeys)
		if q == nil || fl == nil || kb == nil {
			return fmt.Errorf("frontier %q: missing sub-bucket: %w", name, ErrCorrupt)
		}
		var moves []kv
		if err := fl.ForEach(func(k, v []byte) error {
			moves = append(moves, kv{append([]byte(nil), k...), append([]byte(nil), v...)})
			return nil
		}); err != nil {
			return err
		}
		for _, m := range moves {
			it, err := decodeItem(m.v)
			if err != nil {
				return err
			}
			if err := requeue(q, fl, kb, []byte(it.Key), m.k, m.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// requeue moves an in-flight item (queue key qk, value v) back to the
// queue at its original position. The pending count (queue + in flight)
// does not change.
func requeue(q, fl, kb *bolt.Bucket, key, qk, v []byte) error {
	if err := q.Put(qk, v); err != nil {
		return err
	}
	if err := fl.Delete(qk); err != nil {
		return err
	}
	return kb.Put(key, append([]byte{statePending}, qk...))
}

// Release puts popped (in-flight) items back in the queue at their
// original place, so the next Pop returns them again in priority and push
// order; for a crawler that popped more than it will fetch before
// stopping. Keys that are pending, done or unknown are left as they are.
func (f *Frontier) Release(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	err := f.s.writeEarly(ctx, func(tx *bolt.Tx) error {
		b, err := f.bucket(tx)
		if err != nil {
			return err
		}
		q, fl, kb := b.Bucket(fQueue), b.Bucket(fInFlight), b.Bucket(fKeys)
		for _, key := range keys {
			st := kb.Get([]byte(key))
			if len(st) != 17 || st[0] != stateInFlight {
				continue
			}
			qk := bytes.Clone(st[1:])
			v := fl.Get(qk)
			if v == nil {
				return fmt.Errorf("in-flight item %q is missing from the in-flight list: %w", key, ErrCorrupt)
			}
			if err := requeue(q, fl, kb, []byte(key), qk, bytes.Clone(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("frontier %q: release: %w", f.name, err)
	}
	return nil
}

// Init implements colly's storage.Storage.
func (f *Frontier) Init() error { return nil }

// Visited implements colly's storage.Storage.
func (f *Frontier) Visited(requestID uint64) error {
	err := f.s.writeEarly(context.Background(), func(tx *bolt.Tx) error {
		b, err := f.collyBucket(tx, fVisited)
		if err != nil {
			return err
		}
		return b.Put(u64key(requestID), nil)
	})
	if err != nil {
		return fmt.Errorf("frontier %q: visited: %w", f.name, err)
	}
	return nil
}

// IsVisited implements colly's storage.Storage.
func (f *Frontier) IsVisited(requestID uint64) (bool, error) {
	ok := false
	err := f.s.view(func(tx *bolt.Tx) error {
		if b, _ := f.collyBucket(tx, fVisited); b != nil {
			ok = b.Get(u64key(requestID)) != nil
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("frontier %q: is visited: %w", f.name, err)
	}
	return ok, nil
}

// Cookies implements colly's storage.Storage: the cookie string last set
// for u's host ("" if none or if the store cannot be read; colly's
// interface has no error return).
func (f *Frontier) Cookies(u *url.URL) string {
	if u == nil {
		return ""
	}
	var out string
	_ = f.s.view(func(tx *bolt.Tx) error {
		if b, _ := f.collyBucket(tx, fCookies); b != nil {
			out = string(b.Get([]byte(u.Host)))
		}
		return nil
	})
	return out
}

// SetCookies implements colly's storage.Storage. colly gives it no way to
// report an error; a failed write (closed store) leaves the old cookies.
func (f *Frontier) SetCookies(u *url.URL, cookies string) {
	if u == nil {
		return
	}
	_ = f.s.writeEarly(context.Background(), func(tx *bolt.Tx) error {
		b, err := f.collyBucket(tx, fCookies)
		if err != nil {
			return err
		}
		return b.Put([]byte(u.Host), []byte(cookies))
	})
}

// unsyncedKeys counts, per frontier and key, the pushes queued or applied
// but not yet committed. A read transaction does not see them; Known
// does.
type unsyncedKeys struct {
	mu sync.Mutex
	m  map[string]int // frontier name NUL key → pushes in progress
}

// add notes the keys of a push about to be queued; forget undoes it once
// the push has committed (or failed).
func (u *unsyncedKeys) add(name string, items []FrontierItem) (forget func()) {
	if len(items) == 0 {
		return nil
	}
	ks := make([]string, len(items))
	for i, it := range items {
		ks[i] = name + "\x00" + it.Key
	}
	u.mu.Lock()
	if u.m == nil {
		u.m = map[string]int{}
	}
	for _, k := range ks {
		u.m[k]++
	}
	u.mu.Unlock()
	return func() {
		u.mu.Lock()
		for _, k := range ks {
			if u.m[k]--; u.m[k] <= 0 {
				delete(u.m, k)
			}
		}
		u.mu.Unlock()
	}
}

// has reports which keys of the named frontier are in a push in progress.
func (u *unsyncedKeys) has(name string, keys []string) []bool {
	known := make([]bool, len(keys))
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.m) == 0 {
		return known
	}
	for i, k := range keys {
		known[i] = u.m[name+"\x00"+k] > 0
	}
	return known
}

// Begin starts or resumes a crawl of this frontier in one write: when
// items are pending (a crawl was interrupted) it leaves them and reports
// resumed; otherwise it forgets what an earlier, finished crawl left (as
// Reset) and pushes first. A crawler starts each seed with it, so a seed
// costs one round trip to the writer, not a count, a reset and a push.
func (f *Frontier) Begin(ctx context.Context, first FrontierItem) (resumed bool, err error) {
	if first.Key == "" {
		return false, fmt.Errorf("frontier %q: begin: empty key", f.name)
	}
	val := encodeItem(first)
	for try := 0; try < 2; try++ {
		stale := false
		forget := f.s.unsynced.add(f.name, []FrontierItem{first}) // Known sees it at once
		err = f.s.enqueue(ctx, func(tx *bolt.Tx) error {
			resumed, stale = false, false
			if b := tx.Bucket(bFrontier).Bucket([]byte(f.name)); b != nil {
				if v := b.Get(fPending); len(v) == 8 && binary.BigEndian.Uint64(v) > 0 {
					resumed = true
					return nil
				}
				if !emptyFrontier(b) {
					stale = true // a finished crawl's keys: Reset, a chunk at a time
					return nil
				}
			}
			b, err := f.bucket(tx)
			if err != nil {
				return err
			}
			_, err = pushTx(b, []FrontierItem{first}, [][]byte{val}, nil)
			return err
		}, true, forget)()
		if err != nil || !stale {
			break
		}
		if err = f.Reset(ctx); err != nil {
			break
		}
	}
	if err != nil {
		return false, fmt.Errorf("frontier %q: begin: %w", f.name, err)
	}
	return resumed, nil
}

// emptyFrontier reports whether b has its queueBuckets, and they and any
// collyBuckets are empty.
func emptyFrontier(b *bolt.Bucket) bool {
	for _, n := range resetOrder {
		sub := b.Bucket(n)
		if sub == nil {
			if slices.ContainsFunc(collyBuckets, func(c []byte) bool { return bytes.Equal(c, n) }) {
				continue
			}
			return false
		}
		if k, _ := sub.Cursor().First(); k != nil {
			return false
		}
	}
	return true
}
