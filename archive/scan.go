package archive

import (
	"bytes"
	"context"

	bolt "go.etcd.io/bbolt"
)

// Streaming reads never call back into user code while a read transaction
// is open: a long-lived read transaction blocks bbolt's remap when the
// file grows, and a callback that writes (reparse does) would then wait on
// the writer that waits on it. scanChunks copies a bounded chunk of
// entries, closes the transaction, hands them out, and resumes after the
// last key.

const (
	chunkEntries = 256
	chunkBytes   = 8 << 20
)

type kv struct{ k, v []byte }

// scanChunks calls fn for every entry of bucket whose key starts with
// prefix, in key order, outside any transaction. A nested bucket's value
// is nil, except in bParsed, where it is the record the bucket holds.
func (s *Store) scanChunks(ctx context.Context, bucket, prefix []byte, fn func(k, v []byte) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	seek := prefix
	skipFirst := false
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var chunk []kv
		size := 0
		more := false
		err := s.view(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucket)
			c := b.Cursor()
			k, v := c.Seek(seek)
			if skipFirst && k != nil && bytes.Equal(k, seek) {
				k, v = c.Next()
			}
			for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				if len(chunk) >= chunkEntries || size >= chunkBytes {
					more = true
					break
				}
				if v == nil && bytes.Equal(bucket, bParsed) {
					v = parsedValue(b, k, v) // a record in its own bucket
				}
				chunk = append(chunk, kv{bytes.Clone(k), bytes.Clone(v)})
				size += len(k) + len(v)
			}
			return nil
		})
		if err != nil {
			return err
		}
		s.noteRead(size)
		for _, e := range chunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(e.k, e.v); err != nil {
				return err
			}
		}
		if !more || len(chunk) == 0 {
			return nil
		}
		seek, skipFirst = chunk[len(chunk)-1].k, true
	}
}
