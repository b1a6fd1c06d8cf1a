package archive

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

const captureFormat = 1

// maxURL bounds URLs (and frontier keys): they are bbolt keys, which
// must stay well under bbolt's 32 KB key limit with their suffixes.
const maxURL = 16 << 10

// AddCapture records one fetch. body is nil for failures and 304s; when not
// nil its SHA-256 becomes c.Digest and the bytes are stored once however
// many URLs or nights serve them. Writes from many goroutines are batched;
// AddCapture returns once the capture is committed to disk.
//
// A capture with a digest, no ErrKind and status 2xx or 304 is a sighting
// of that payload at the URL (see Versions); a 304 must carry the digest
// of a payload already in the archive.
func (s *Store) AddCapture(ctx context.Context, c Capture, body []byte) (Added, error) {
	return s.QueueCapture(ctx, c, body).Added()
}

// CaptureWrite is a capture queued by QueueCapture.
type CaptureWrite struct {
	*Queued
	url   string
	added Added // set by the op before it is marked applied
}

// Applied waits until the capture is applied (later writes see it; its
// commit may still fail) and returns what it added. A failure to apply
// is returned here; a failure to commit only by Added or Wait.
func (w *CaptureWrite) Applied() (Added, error) {
	if w.o == nil {
		return Added{}, w.wait()
	}
	select {
	case <-w.o.applied:
	case <-w.o.ctx.Done():
		return Added{}, fmt.Errorf("add capture %s: %w", w.url, w.o.ctx.Err())
	}
	if err := w.o.appliedErr; err != nil {
		return Added{}, fmt.Errorf("add capture %s: %w", w.url, err)
	}
	return w.added, nil
}

// Added waits until the capture is committed to disk, and returns what
// it added: AddCapture's answer.
func (w *CaptureWrite) Added() (Added, error) {
	if err := w.wait(); err != nil {
		return Added{}, err
	}
	return w.added, nil
}

// QueueCapture queues a capture as AddCapture stores it, and returns once
// it is queued (the payload hashed and, if new, compressed): the caller
// may go on (extract the page, queue writes that depend on the capture)
// while the writer applies and commits it. See CaptureWrite.
func (s *Store) QueueCapture(ctx context.Context, c Capture, body []byte) *CaptureWrite {
	w := &CaptureWrite{url: c.URL}
	fail := func(err error) *CaptureWrite {
		w.Queued = failedWrite(err)
		return w
	}
	if c.URL == "" {
		return fail(fmt.Errorf("add capture: empty URL"))
	}
	if strings.IndexByte(c.URL, 0) >= 0 {
		return fail(fmt.Errorf("add capture %q: URL contains a NUL byte", c.URL))
	}
	if len(c.URL) > maxURL {
		return fail(fmt.Errorf("add capture %.80s...: URL of %d bytes exceeds %d", c.URL, len(c.URL), maxURL))
	}
	if len(body) > maxPayload {
		return fail(fmt.Errorf("add capture %s: body of %d bytes exceeds %d", c.URL, len(body), maxPayload))
	}
	if c.FetchedAt.IsZero() {
		c.FetchedAt = time.Now()
	}
	c.FetchedAt = c.FetchedAt.UTC()
	c.ID = 0
	queued := s.beginPrepare()
	defer queued()
	var dkey, val []byte
	if body != nil {
		c.Digest, dkey = sum(body)
		c.Size = int64(len(body))
		// Compress outside the writer, but only if the bytes are new:
		// nightly re-captures of unchanged pages skip zstd entirely.
		has, err := s.HasPayload(c.Digest)
		if err != nil {
			return fail(fmt.Errorf("add capture %s: %w", c.URL, err))
		}
		if !has {
			if val, err = s.encodePayload(body); err != nil {
				return fail(fmt.Errorf("add capture %s: %w", c.URL, err))
			}
		}
	} else if c.Digest != "" {
		k, err := digestKey(strings.ToLower(c.Digest))
		if err != nil {
			return fail(fmt.Errorf("add capture %s: bad digest %q", c.URL, c.Digest))
		}
		dkey, c.Digest = k, digestHex(k)
	}

	fn := func(tx *bolt.Tx) error {
		added := Added{}
		cc := c
		if dkey != nil && !hasPayload(tx, dkey) {
			if body == nil {
				return fmt.Errorf("add capture %s: digest %s confirms a payload the archive does not hold: %w", c.URL, c.Digest, ErrNotFound)
			}
			v := val
			if v == nil {
				// HasPayload saw these bytes but the transaction does
				// not (payloads are never deleted, so only a damaged
				// index gets here): store them rather than lose them.
				var err error
				if v, err = s.encodePayload(body); err != nil {
					return err
				}
			}
			if err := storePayload(tx, dkey, v, int64(len(body))); err != nil {
				return err
			}
			added.NewPayload = true
		}
		stored, nv, err := storeCapture(tx, cc, dkey, body != nil, noteSighting)
		if err != nil {
			return err
		}
		added.NewVersion = nv.newVersion
		added.Capture = stored
		w.added = added
		return nil
	}
	q := s.queue(ctx, &op{fn: fn, applied: make(chan struct{})}, nil)
	w.Queued = q.wrap("add capture " + c.URL)
	return w
}

// storeCapture writes a capture whose payload, if it has one, is already
// in the file: it assigns the next ID, indexes the capture under its URL,
// notes the sighting with note (noteSighting, or the merge's version that
// copes with captures older than the URL's latest) and keeps the counters.
// withBody says the capture carried its bytes (counted in capture_bytes).
func storeCapture(tx *bolt.Tx, c Capture, dkey []byte, withBody bool,
	note func(*bolt.Tx, Capture, []byte) (sighting, error)) (Capture, sighting, error) {
	cb := tx.Bucket(bCaptures)
	cb.FillPercent = 1.0 // IDs only grow
	id, err := cb.NextSequence()
	if err != nil {
		return c, sighting{}, err
	}
	c.ID = id
	if err := cb.Put(u64key(id), encodeCapture(c, dkey)); err != nil {
		return c, sighting{}, err
	}
	if err := tx.Bucket(bURLs).Put(urlKey(c.URL, tagCapture, u64key(id)), nil); err != nil {
		return c, sighting{}, err
	}
	nv, err := note(tx, c, dkey)
	if err != nil {
		return c, nv, err
	}
	kind := c.ErrKind
	if kind == "" {
		kind = KindOK
	}
	if nv.firstCapture {
		if err := addCounter(tx, ctrURLs, 1); err != nil {
			return c, nv, err
		}
	}
	if err := addCounter(tx, ctrCaptures, 1); err != nil {
		return c, nv, err
	}
	if err := addCounter(tx, ctrErrPrefix+kind, 1); err != nil {
		return c, nv, err
	}
	if withBody {
		if err := addCounter(tx, ctrCaptureBytes, c.Size); err != nil {
			return c, nv, err
		}
	}
	return c, nv, nil
}

// Everything about one URL lives in bURLs under keys that start with the
// URL, so a capture dirties one leaf page for its URL instead of three:
//
//	url                  → URL state (latest version, validators)
//	url NUL 'c' id(8)    → empty: one per capture (Captures)
//	url NUL 'v' seq(4)   → version record (Versions)
//
// URLs never contain NUL, so a key with a NUL is never a state key and a
// URL's sub-keys never interleave with a longer URL's.
const (
	tagCapture byte = 'c'
	tagVersion byte = 'v'
)

// urlKey is url NUL tag suffix.
func urlKey(url string, tag byte, suffix []byte) []byte {
	k := make([]byte, 0, len(url)+2+len(suffix))
	k = append(k, url...)
	k = append(k, 0, tag)
	return append(k, suffix...)
}

func encodeCapture(c Capture, dkey []byte) []byte {
	e := enc{b: make([]byte, 0, 256)}
	e.byte1(captureFormat)
	e.uvarint(c.RunID)
	e.str(c.URL)
	if c.FinalURL == c.URL { // the common case costs one byte
		e.str("")
	} else {
		e.str(c.FinalURL)
	}
	e.str(c.Seed)
	e.str(c.Agency)
	e.str(c.Region)
	e.time(c.FetchedAt)
	e.varint(int64(c.Status))
	e.str(c.Proto)
	e.header(c.Header)
	e.bytes(dkey)
	e.varint(c.Size)
	e.str(c.ErrKind)
	e.str(c.Err)
	e.str(c.Parent) // from here on optional: captures stored before have none
	e.str(c.Referer)
	e.uvarint(uint64(max(c.Attempts, 0)))
	return e.b
}

func decodeCapture(id uint64, v []byte) (Capture, error) {
	d := dec{b: v}
	if f := d.byte1(); f != captureFormat && d.err == nil {
		return Capture{}, fmt.Errorf("capture %d: unknown format %d: %w", id, f, ErrCorrupt)
	}
	c := Capture{ID: id}
	c.RunID = d.uvarint()
	c.URL = d.str()
	c.FinalURL = d.str()
	if c.FinalURL == "" {
		c.FinalURL = c.URL
	}
	c.Seed = d.str()
	c.Agency = d.str()
	c.Region = d.str()
	c.FetchedAt = d.time()
	c.Status = int(d.varint())
	c.Proto = d.str()
	c.Header = d.header()
	c.Digest = digestHex(d.rawBytes())
	c.Size = d.varint()
	c.ErrKind = d.str()
	c.Err = d.str()
	if len(d.b) > 0 {
		c.Parent = d.str()
	}
	if len(d.b) > 0 {
		c.Referer = d.str()
		c.Attempts = int(d.uvarint())
	}
	if d.err != nil {
		return Capture{}, fmt.Errorf("capture %d: %v: %w", id, d.err, ErrCorrupt)
	}
	return c, nil
}

// GetCapture returns one capture by ID.
func (s *Store) GetCapture(id uint64) (Capture, error) {
	var c Capture
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bCaptures).Get(u64key(id))
		if v == nil {
			return fmt.Errorf("capture %d: %w", id, ErrNotFound)
		}
		var err error
		c, err = decodeCapture(id, v)
		return err
	})
	return c, err
}

// Captures returns every capture of url, oldest first (by ID, which is
// commit order).
func (s *Store) Captures(url string) ([]Capture, error) {
	var out []Capture
	err := s.view(func(tx *bolt.Tx) error {
		cb := tx.Bucket(bCaptures)
		prefix := urlKey(url, tagCapture, nil)
		c := tx.Bucket(bURLs).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			idk := k[len(prefix):]
			v := cb.Get(idk)
			if v == nil {
				return fmt.Errorf("captures of %s: index names missing capture %x: %w", url, idk, ErrCorrupt)
			}
			cp, err := decodeCapture(beUint64(idk), v)
			if err != nil {
				return err
			}
			out = append(out, cp)
		}
		return nil
	})
	return out, err
}

// ForEachCapture calls fn for every capture in ID order, streaming.
func (s *Store) ForEachCapture(ctx context.Context, fn func(Capture) error) error {
	return s.scanChunks(ctx, bCaptures, nil, func(k, v []byte) error {
		c, err := decodeCapture(beUint64(k), v)
		if err != nil {
			return err
		}
		return fn(c)
	})
}
