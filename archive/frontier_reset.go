package archive

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Deleting a bucket makes bbolt read every page of it to free them, and
// each page read maps its 64 KB neighbourhood (see mapped.go): deleting
// the frontier of a 100,000-page crawl in one transaction mapped ~200 MB
// of the file at once. Reset therefore empties the frontier's lists a
// chunk per transaction, releasing the mapping after each, and drops the
// emptied bucket last.
const (
	resetChunkEntries = 4096
	resetChunkBytes   = 256 << 10
)

// resetOrder empties the queue first: from its first chunk on the
// frontier counts as empty (pending 0), so a crawl killed during Reset
// finds nothing to resume and resets again.
var resetOrder = [][]byte{fQueue, fInFlight, fKeys, fVisited, fCookies}

// Reset forgets the frontier (pending, done, visited, cookies) for a
// fresh crawl. A small frontier (one chunk) goes in one write. It returns
// once that is committed, so Known (which reads committed state) no
// longer sees the old keys.
func (f *Frontier) Reset(ctx context.Context) error {
	if err := f.s.takeCommitErr(); err != nil {
		return fmt.Errorf("frontier %q: reset: %w", f.name, err)
	}
	for more := true; more; {
		var err error
		if more, err = f.resetChunk(ctx); err != nil {
			return fmt.Errorf("frontier %q: reset: %w", f.name, err)
		}
	}
	if err := f.s.takeCommitErr(); err != nil {
		return fmt.Errorf("frontier %q: reset: %w", f.name, err)
	}
	return nil
}

// resetChunk deletes up to one chunk of entries, the sub-buckets in
// resetOrder, sets the pending count to 0, and drops the frontier's bucket
// once it is empty; it reports whether entries remain. It returns once the
// chunk is committed.
func (f *Frontier) resetChunk(ctx context.Context) (more bool, err error) {
	err = f.s.write(ctx, func(tx *bolt.Tx) error {
		more = false
		fb := tx.Bucket(bFrontier).Bucket([]byte(f.name))
		if fb == nil {
			return nil
		}
		if err := fb.Put(fPending, binary.BigEndian.AppendUint64(nil, 0)); err != nil {
			return err
		}
		var keys [][]byte
		size := 0
		for _, sub := range resetOrder {
			b := fb.Bucket(sub)
			if b == nil {
				continue
			}
			keys = keys[:0]
			c := b.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if len(keys) >= resetChunkEntries || size >= resetChunkBytes {
					more = true
					break
				}
				keys = append(keys, bytes.Clone(k))
				size += len(k) + len(v)
			}
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			f.s.mrel.noteReset(len(keys), size, more) // writer goroutine: see afterCommit
			if more {
				return nil
			}
		}
		return deleteBucket(tx.Bucket(bFrontier), []byte(f.name))
	})
	return more, err
}

// deleteBucket deletes the named sub-bucket of parent and everything in
// it. bbolt's DeleteBucket walks the sub-bucket's own sub-buckets with a
// cursor while deleting them; when the same transaction has changed the
// sub-bucket (resetChunk's pending count), the cursor reads the node it
// deletes from and skips every other sub-bucket, whose pages are then
// neither in use nor free. So the sub-buckets go first, by name, deepest
// first.
func deleteBucket(parent *bolt.Bucket, name []byte) error {
	b := parent.Bucket(name)
	if b == nil {
		return parent.DeleteBucket(name) // bbolt's error: not found or not a bucket
	}
	var subs [][]byte
	if err := b.ForEachBucket(func(k []byte) error {
		subs = append(subs, bytes.Clone(k))
		return nil
	}); err != nil {
		return err
	}
	for _, k := range subs {
		if err := deleteBucket(b, k); err != nil {
			return err
		}
	}
	return parent.DeleteBucket(name)
}
