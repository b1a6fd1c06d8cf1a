package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Each payload is a nested bucket of bPayloads named by its digest,
// holding one key (payloadValueKey). bbolt keeps values inline in leaf
// nodes and never splits a leaf below 5 entries, so 20 KB values stored
// side by side would be rewritten with their neighbours on every commit
// that touches their leaf. A nested bucket gives each payload a leaf of
// its own, written once; the parent leaf only holds 32-byte names and
// 16-byte bucket headers.
//
// The stored value is: codec byte, uvarint raw length, then the body.
// codecZstd bodies are one zstd frame; codecRaw is kept for bodies that
// zstd would make larger (already-compressed PDFs, images).
const (
	codecRaw  byte = 0
	codecZstd byte = 1
)

// maxPayload bounds what the decoder will ever inflate (and what
// AddCapture accepts): a stored length beyond it is corruption or a bomb.
const maxPayload = 1 << 30

// sum returns the hex SHA-256 of body and its 32-byte key.
func sum(body []byte) (string, []byte) {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:]), h[:]
}

// encodePayload compresses body into a payload value. It runs in the
// caller's goroutine, outside the write transaction, so compression uses
// every core while the writer only copies bytes.
func (s *Store) encodePayload(body []byte) ([]byte, error) {
	e := enc{b: make([]byte, 0, len(body)/3+16)}
	e.byte1(codecZstd)
	e.uvarint(uint64(len(body)))
	hdr := len(e.b)
	out, err := s.compress(body, e.b)
	if err != nil {
		return nil, err
	}
	if len(out)-hdr >= len(body) {
		r := enc{b: make([]byte, 0, len(body)+16)}
		r.byte1(codecRaw)
		r.uvarint(uint64(len(body)))
		r.b = append(r.b, body...)
		return r.b, nil
	}
	return out, nil
}

// compress appends the zstd frame of src to dst, at most GOMAXPROCS at
// a time (see Store.zsem); ErrClosed once Close has begun.
func (s *Store) compress(src, dst []byte) ([]byte, error) {
	select {
	case s.zsem <- struct{}{}:
	case <-s.closing:
		return nil, ErrClosed
	}
	defer func() { <-s.zsem }()
	return s.zenc.EncodeAll(src, dst), nil
}

// decodePayload inflates a stored value and checks it against its key.
// src may point into the mmap; the result never does.
func (s *Store) decodePayload(key, src []byte) ([]byte, error) {
	d := dec{b: src}
	codec := d.byte1()
	n := d.uvarint()
	if d.err != nil {
		return nil, fmt.Errorf("payload %x: header: %v: %w", key, d.err, ErrCorrupt)
	}
	if n > maxPayload {
		return nil, fmt.Errorf("payload %x: stored length %d is impossible: %w", key, n, ErrCorrupt)
	}
	var body []byte
	switch codec {
	case codecRaw:
		body = bytes.Clone(d.b)
	case codecZstd:
		var err error
		body, err = s.zdec.DecodeAll(d.b, make([]byte, 0, n))
		if err != nil {
			return nil, fmt.Errorf("payload %x: decompress: %v: %w", key, err, ErrCorrupt)
		}
	default:
		return nil, fmt.Errorf("payload %x: unknown codec %d: %w", key, codec, ErrCorrupt)
	}
	if uint64(len(body)) != n {
		return nil, fmt.Errorf("payload %x: %d bytes, header says %d: %w", key, len(body), n, ErrCorrupt)
	}
	if h := sha256.Sum256(body); !bytes.Equal(h[:], key) {
		return nil, fmt.Errorf("payload %x: content hashes to %x: %w", key, h, ErrCorrupt)
	}
	return body, nil
}

// payloadValueKey is the one key inside a payload's bucket.
var payloadValueKey = []byte{0}

// payloadValue returns the stored value of a digest key (nil if absent).
func payloadValue(tx *bolt.Tx, dkey []byte) []byte {
	b := tx.Bucket(bPayloads).Bucket(dkey)
	if b == nil {
		return nil
	}
	return b.Get(payloadValueKey)
}

// hasPayload reports whether a digest key is stored.
func hasPayload(tx *bolt.Tx, dkey []byte) bool { return tx.Bucket(bPayloads).Bucket(dkey) != nil }

// putPayload stores a payload value under its digest.
func putPayload(tx *bolt.Tx, dkey, val []byte) error {
	b, err := tx.Bucket(bPayloads).CreateBucket(dkey)
	if err != nil {
		return err
	}
	return b.Put(payloadValueKey, val)
}

// storePayload stores a new payload value (raw bytes long when inflated)
// and counts it.
func storePayload(tx *bolt.Tx, dkey, val []byte, raw int64) error {
	if err := putPayload(tx, dkey, val); err != nil {
		return err
	}
	for _, d := range []struct {
		n string
		v int64
	}{{ctrPayloads, 1}, {ctrPayloadRaw, raw}, {ctrPayloadStored, int64(len(val))}} {
		if err := addCounter(tx, d.n, d.v); err != nil {
			return err
		}
	}
	return nil
}

// Payload returns the raw bytes with the given digest, verified: a mismatch
// is ErrCorrupt, never data.
func (s *Store) Payload(digest string) ([]byte, error) {
	key, err := digestKey(digest)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	var body []byte
	stored := 0
	err = s.view(func(tx *bolt.Tx) error {
		v := payloadValue(tx, key)
		if v == nil {
			return fmt.Errorf("payload %s: %w", digest, ErrNotFound)
		}
		stored = len(v)
		var err error
		body, err = s.decodePayload(key, v)
		return err
	})
	if stored > 0 {
		s.noteRead(stored)
	}
	if err != nil {
		return nil, err
	}
	return body, nil
}

// HasPayload reports whether bytes with this digest are stored (unverified).
func (s *Store) HasPayload(digest string) (bool, error) {
	key, err := digestKey(digest)
	if err != nil {
		return false, nil
	}
	var ok bool
	err = s.view(func(tx *bolt.Tx) error {
		ok = hasPayload(tx, key)
		return nil
	})
	return ok, err
}

// VerifyPayloads re-reads every payload and reports each one that does not
// match its digest to bad (nil bad: stop at the first). It streams in
// chunks so it never holds a read transaction across the callback.
func (s *Store) VerifyPayloads(ctx context.Context, bad func(digest string, err error) error) (int, error) {
	n := 0
	err := s.scanChunks(ctx, bPayloads, nil, func(k, _ []byte) error {
		n++
		if _, err := s.Payload(digestHex(k)); err != nil {
			if bad == nil {
				return err
			}
			return bad(digestHex(k), err)
		}
		return nil
	})
	return n, err
}
