package archive

import (
	"context"
	"fmt"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// bbolt has one writer at a time and each commit costs an fsync. The store
// therefore runs one writer goroutine that takes every operation waiting
// in s.ops, applies them all in one transaction and commits once (group
// commit). Callers block until the commit that holds their operation is
// durable, so a caller that got nil back can rely on the data surviving a
// kill -9; many concurrent callers share one fsync.

// op is one write waiting for the writer.
type op struct {
	ctx  context.Context
	fn   func(tx *bolt.Tx) error // must be re-runnable: a failed batch is retried without the failing op
	done chan error              // buffered; receives exactly one result
}

// writerConfig bounds a batch.
type writerConfig struct {
	maxBatch int // operations per transaction
}

// writerStats counts what the writer did (read by benchmarks).
type writerStats struct {
	commits atomic.Int64 // transactions committed
	ops     atomic.Int64 // operations in them
}

func defaultWriterConfig() writerConfig { return writerConfig{maxBatch: 512} }

// write submits fn to the writer and waits until it is committed.
func (s *Store) write(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &op{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	if s.ro {
		s.mu.RUnlock()
		return fmt.Errorf("archive %s: opened read-only", s.path)
	}
	select {
	case s.ops <- o:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
		// The op may still commit; the caller only learns that it gave up.
		return ctx.Err()
	}
}

// writer is the single goroutine that owns write transactions.
func (s *Store) writer() {
	defer close(s.wdone)
	batch := make([]*op, 0, s.wcfg.maxBatch)
	for first := range s.ops {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < s.wcfg.maxBatch {
			select {
			case o, ok := <-s.ops:
				if !ok {
					break fill
				}
				batch = append(batch, o)
			default:
				break fill
			}
		}
		s.commit(batch)
	}
}

// commit applies a batch in one transaction. An op whose fn fails is
// answered with its error and the transaction is retried without it, so
// its partial writes never reach the file.
func (s *Store) commit(batch []*op) {
	live := batch[:0:0]
	for _, o := range batch {
		if err := o.ctx.Err(); err != nil {
			o.done <- err
			continue
		}
		live = append(live, o)
	}
	for len(live) > 0 {
		failed := -1
		var failErr error
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i, o := range live {
				if err := o.fn(tx); err != nil {
					failed, failErr = i, err
					return err
				}
			}
			return nil
		})
		if failed >= 0 {
			live[failed].done <- failErr
			live = append(live[:failed:failed], live[failed+1:]...)
			continue
		}
		if err != nil {
			err = fmt.Errorf("archive %s: commit: %w", s.path, err)
		} else {
			s.wstat.commits.Add(1)
			s.wstat.ops.Add(int64(len(live)))
		}
		for _, o := range live {
			o.done <- err
		}
		return
	}
}
