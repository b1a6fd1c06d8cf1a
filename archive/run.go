package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Runs are few and small, so they are stored as JSON under id(8 BE).

// BeginRun records the start of a crawl run.
func (s *Store) BeginRun(ctx context.Context, seeds []string) (Run, error) {
	r := Run{Started: time.Now().UTC(), Seeds: append([]string(nil), seeds...), Counts: map[string]int{}}
	err := s.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bRuns)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		r.ID = id
		return putRun(b, r)
	})
	if err != nil {
		return Run{}, fmt.Errorf("begin run: %w", err)
	}
	return r, nil
}

// EndRun records the end of a crawl run with its counts. A zero Ended is
// set to now.
func (s *Store) EndRun(ctx context.Context, r Run) error {
	if r.Ended.IsZero() {
		r.Ended = time.Now()
	}
	r.Ended = r.Ended.UTC()
	err := s.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bRuns)
		old := b.Get(u64key(r.ID))
		if old == nil {
			return fmt.Errorf("run %d: %w", r.ID, ErrNotFound)
		}
		var prev Run
		if err := json.Unmarshal(old, &prev); err != nil {
			return fmt.Errorf("run %d: %v: %w", r.ID, err, ErrCorrupt)
		}
		if r.Started.IsZero() {
			r.Started = prev.Started
		}
		if r.Seeds == nil {
			r.Seeds = prev.Seeds
		}
		return putRun(b, r)
	})
	if err != nil {
		return fmt.Errorf("end run %d: %w", r.ID, err)
	}
	return nil
}

func putRun(b *bolt.Bucket, r Run) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return b.Put(u64key(r.ID), v)
}

// Runs lists all runs, oldest first.
func (s *Store) Runs() ([]Run, error) {
	var out []Run
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bRuns).ForEach(func(k, v []byte) error {
			var r Run
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("run %d: %v: %w", beUint64(k), err, ErrCorrupt)
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	return out, nil
}

// recoverRuns marks runs that never ended as interrupted. It runs at Open,
// when the file lock proves no other process is running them.
func recoverRuns(tx *bolt.Tx) error {
	b := tx.Bucket(bRuns)
	var fix []Run
	err := b.ForEach(func(k, v []byte) error {
		var r Run
		if err := json.Unmarshal(v, &r); err != nil {
			return nil // reported by Runs; do not block opening
		}
		if r.Ended.IsZero() && !r.Interrupted {
			r.Interrupted = true
			fix = append(fix, r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range fix {
		if err := putRun(b, r); err != nil {
			return err
		}
	}
	return nil
}
