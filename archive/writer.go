package archive

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bbolt has one writer at a time and each commit costs two fdatasyncs. The
// store therefore runs one writer goroutine that takes every operation
// waiting in s.ops, applies them all in one transaction and commits once
// (group commit).
//
// Two kinds of callers:
//   - durable writes (captures, parsed records, runs) block until the
//     commit holding their operation is on disk, so nil from AddCapture
//     means the capture survives a kill -9;
//   - frontier bookkeeping (Push, Pop, Done, Visited, cookies) is answered
//     as soon as the whole batch has been applied, before the fsync. It
//     becomes durable with that same commit a few milliseconds later.
//     Because the queue is FIFO, any durable write a goroutine makes after
//     a frontier call commits no earlier than that call, so a crash never
//     keeps a later capture while losing an earlier Done. Losing the last
//     few milliseconds of frontier calls only means a page is fetched again.

// op is one write waiting for the writer.
type op struct {
	ctx   context.Context
	fn    func(tx *bolt.Tx) error // must be re-runnable: a failed batch is retried without the failing op
	early bool                    // answer after apply, before the fsync
	done  chan error              // buffered; receives exactly one result
	// after, if set, runs once the op's transaction has committed or
	// failed, or the op was dropped: it is then visible to readers, or
	// never will be.
	after func()
	// dep, if set, is an op queued earlier that this one needs: if it
	// fails, this one fails too and is not applied (see Queued).
	dep *op
	// applied, if set, is closed once the op has been applied (its
	// transaction may still fail to commit) or has failed, with
	// appliedErr saying which; both are written only before the close.
	applied    chan struct{}
	appliedErr error
	// ended and res are the op's final result: written and read by the
	// writer goroutine only.
	ended bool
	res   error
}

// finish answers o and runs its after hook.
func (o *op) finish(err error) {
	o.ended, o.res = true, err
	o.markApplied(err)
	o.done <- err
	if o.after != nil {
		o.after()
	}
}

// markApplied signals an op's apply (err nil) or its failure, once.
func (o *op) markApplied(err error) {
	if o.applied == nil {
		return
	}
	select {
	case <-o.applied:
	default:
		o.appliedErr = err
		close(o.applied)
	}
}

// depFailed returns why o cannot apply: an op it depends on has failed.
// An op it depends on that has not ended is earlier in the same batch,
// applied in this attempt (else the attempt would have stopped there).
func (o *op) depFailed() error {
	if d := o.dep; d != nil && d.ended && d.res != nil {
		return fmt.Errorf("not applied: an earlier write it needs failed: %w", d.res)
	}
	return nil
}

// Queued is a write in the store's queue (QueueCapture, QueueParsed,
// Frontier.DoneAfter) that its caller has not waited for. Writes apply
// in the order they are queued and a transaction commits whole, so a
// write queued after another is never durable without it; one queued
// with a dependency (after) is not applied at all if that one fails.
type Queued struct {
	o    *op // nil if it failed before it was queued
	wait func() error
}

// failedWrite is a write that failed before it was queued.
func failedWrite(err error) *Queued { return &Queued{wait: func() error { return err }} }

// wrap returns q with its error prefixed by what (as "what: err").
func (q *Queued) wrap(what string) *Queued {
	return &Queued{o: q.o, wait: func() error {
		if err := q.wait(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}}
}

// Wait blocks until the write is durable (or, for frontier writes
// answered early, applied) or has failed, and returns its error.
func (q *Queued) Wait() error { return q.wait() }

// writerConfig bounds a batch.
type writerConfig struct {
	maxBatch int // operations per transaction
	// gather is how long the writer may wait, once the queue is empty,
	// for more callers to join the same commit: while callers are still
	// hashing or compressing (s.preparing), or while the batch is smaller
	// than recent ones. With N blocked callers and no wait, batches settle
	// at about N/2 (half the callers prepare while the other half
	// commits); waiting a fraction of an fsync lets one commit carry
	// nearly all N. A crawl keeps ~64 callers extracting between their
	// writes: 3 ms gave 4–8% more pages/s than 1 ms on the 10k-page
	// crawler benchmark (fewer, bigger commits: less CPU per page), 10 ms
	// gave 8% fewer.
	gather time.Duration
	// releaseEvery is how many bytes of pages are written between two
	// releases of the file mapping (see mapped.go); 0 never releases.
	releaseEvery int64
}

// writerStats counts what the writer did (read by benchmarks).
type writerStats struct {
	commits atomic.Int64 // transactions committed
	ops     atomic.Int64 // operations in them
}

// WriterStats is what the store's writer has done since Open: how many
// transactions it committed and how many write operations they carried.
// Benchmarks report commits per page and operations per commit with it.
type WriterStats struct {
	Commits int64 // transactions committed
	Ops     int64 // operations in them
}

// WriterStats returns the writer's counts so far.
func (s *Store) WriterStats() WriterStats {
	return WriterStats{Commits: s.wstat.commits.Load(), Ops: s.wstat.ops.Load()}
}

func defaultWriterConfig() writerConfig {
	return writerConfig{maxBatch: 512, gather: 3 * time.Millisecond, releaseEvery: defaultReleaseEvery}
}

// write submits fn to the writer and waits until it is committed.
func (s *Store) write(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	return s.enqueue(ctx, fn, false, nil)()
}

// writeEarly submits fn and waits until it is applied (see above).
func (s *Store) writeEarly(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := s.takeCommitErr(); err != nil {
		return err
	}
	return s.enqueue(ctx, fn, true, nil)()
}

// Sync waits until every write queued before it is durable.
func (s *Store) Sync(ctx context.Context) error {
	if err := s.write(ctx, func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("archive %s: sync: %w", s.path, err)
	}
	return s.takeCommitErr()
}

// takeCommitErr returns (once) a commit failure that early-answered
// callers could not be told about.
func (s *Store) takeCommitErr() error {
	if p := s.commitErr.Swap(nil); p != nil {
		return fmt.Errorf("an earlier commit failed, recent frontier changes may be lost: %w", *p)
	}
	return nil
}

// beginPrepare tells the writer a caller is preparing a write (hashing,
// compressing); the returned func must be called, and may be called more
// than once, when the op is queued or abandoned.
func (s *Store) beginPrepare() func() {
	s.preparing.Add(1)
	var once sync.Once
	return func() { once.Do(func() { s.preparing.Add(-1) }) }
}

// enqueue queues an op and returns a func that waits for its answer. Ops
// are applied in the order they are queued.
func (s *Store) enqueue(ctx context.Context, fn func(tx *bolt.Tx) error, early bool, after func()) (wait func() error) {
	return s.queue(ctx, &op{fn: fn, early: early, after: after}, nil).wait
}

// queue queues o, to apply only if dep (if not nil) does.
func (s *Store) queue(ctx context.Context, o *op, dep *Queued) *Queued {
	if ctx == nil {
		ctx = context.Background()
	}
	fail := func(err error) *Queued {
		if o.after != nil {
			o.after()
		}
		return failedWrite(err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if dep != nil {
		if dep.o == nil {
			return fail(fmt.Errorf("not queued: an earlier write it needs failed: %w", dep.wait()))
		}
		o.dep = dep.o
	}
	o.ctx, o.done = ctx, make(chan error, 1)
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return fail(ErrClosed)
	}
	if s.ro {
		s.mu.RUnlock()
		return fail(fmt.Errorf("archive %s: opened read-only", s.path))
	}
	select {
	case s.ops <- o:
	case <-ctx.Done():
		s.mu.RUnlock()
		return fail(ctx.Err())
	}
	s.mu.RUnlock()
	return &Queued{o: o, wait: func() error {
		select {
		case err := <-o.done:
			return err
		case <-ctx.Done():
			// The op may still commit; the caller only learns that it gave up.
			return ctx.Err()
		}
	}}
}

// writer is the single goroutine that owns write transactions.
func (s *Store) writer() {
	defer close(s.wdone)
	batch := make([]*op, 0, s.wcfg.maxBatch)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	// recent holds the sizes of the last batches: the largest of them is
	// how many callers are writing concurrently, so a batch smaller than
	// that is worth a short wait for the callers still on their way.
	var recent [64]int
	for n := 0; ; n++ {
		first, ok := <-s.ops
		if !ok {
			return
		}
		target := 0
		for _, r := range recent {
			target = max(target, r)
		}
		batch = append(batch[:0], first)
		deadline := time.Now().Add(s.wcfg.gather)
	fill:
		for len(batch) < s.wcfg.maxBatch {
			select {
			case o, ok := <-s.ops:
				if !ok {
					break fill
				}
				batch = append(batch, o)
				continue
			default:
			}
			// Queue empty: wait only if more callers are expected.
			wait := time.Until(deadline)
			if wait <= 0 || (len(batch) >= target && s.preparing.Load() == 0) {
				break
			}
			timer.Reset(wait)
			select {
			case o, ok := <-s.ops:
				timer.Stop()
				if !ok {
					break fill
				}
				batch = append(batch, o)
			case <-timer.C:
				break fill
			}
		}
		recent[n%len(recent)] = len(batch)
		s.commit(batch)
		s.afterCommit()
	}
}

// commit applies a batch in one transaction. An op whose fn fails is
// answered with its error and the transaction is retried without it, so
// its partial writes never reach the file.
func (s *Store) commit(batch []*op) {
	live := batch[:0:0]
	for _, o := range batch {
		if err := o.ctx.Err(); err != nil {
			o.finish(err)
			continue
		}
		live = append(live, o)
	}
	for len(live) > 0 {
		failed := -1
		var failErr error
		answered := false
		err := s.update(func(tx *bolt.Tx) error {
			for i, o := range live {
				err := o.depFailed()
				if err == nil {
					err = o.fn(tx)
				}
				if err != nil {
					failed, failErr = i, err
					return err
				}
			}
			// Every op applied: the batch will not be retried, so
			// early ops can have their answer now.
			for _, o := range live {
				if o.early {
					o.done <- nil
				}
				o.markApplied(nil)
			}
			answered = true
			return nil
		})
		if failed >= 0 {
			live[failed].finish(failErr)
			live = append(live[:failed:failed], live[failed+1:]...)
			continue
		}
		if err != nil {
			err = fmt.Errorf("archive %s: commit: %w", s.path, err)
			if answered && slices.ContainsFunc(live, func(o *op) bool { return o.early }) {
				s.commitErr.Store(&err) // early callers were told nil: tell the next one
			}
		} else {
			s.wstat.commits.Add(1)
			s.wstat.ops.Add(int64(len(live)))
		}
		for _, o := range live {
			o.ended, o.res = true, err
			o.markApplied(err) // no-op if answered
			if !o.early || !answered {
				o.done <- err
			}
			if o.after != nil {
				o.after()
			}
		}
		return
	}
}
